/*
 * vrrp_dump.c - data, stats and JSON reports of the instances
 * (vrrp_dump.h).
 *
 * Design.  The stats report groups the codec's drop reasons into 2.2.7's
 * counters: Length (too short, too long, bad IP header), TTL, Invalid Type,
 * Advertisement Interval, Address List (count or list), and for
 * authentication Type Mismatch (auth type) and Failure (PASS, AH ICV or
 * sequence).  The data report adds the per-reason counters 2.2.7 does not
 * have (version, checksum, unicast source) beside its own fields.
 */
#include "config.h"

#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "vrrp_dump.h"
#include "vrrp_track.h"

static unsigned long d(const struct vrrp_inst *in, enum vrrp_drop r)
{
	return vrrp_inst_drops(in, r);
}

static unsigned long len_errs(const struct vrrp_inst *in)
{
	return d(in, VRRP_DROP_TOO_SHORT) + d(in, VRRP_DROP_TOO_LONG) + d(in, VRRP_DROP_IP_HEADER);
}

static unsigned long addr_errs(const struct vrrp_inst *in)
{
	return d(in, VRRP_DROP_ADDR_COUNT) + d(in, VRRP_DROP_ADDR_LIST);
}

static unsigned long auth_fail(const struct vrrp_inst *in)
{
	return d(in, VRRP_DROP_AUTH_PASS) + d(in, VRRP_DROP_AH_ICV) + d(in, VRRP_DROP_AH_SEQ);
}

/* "Advertisement Interval" stays 0, as in 2.2.7: it drops (and logs) a v2
 * advert with another interval, MASTER or BACKUP, without counting it
 * there (observed); our own list (data file) has it under "interval". */
void vrrp_dump_stats_of(FILE *out, const struct vrrp_inst *in)
{
	for (; in; in = in->next) {
		fprintf(out, "VRRP Instance: %s\n", in->m->name);
		fprintf(out, "  Advertisements:\n    Received: %lu\n    Sent: %lu\n",
			in->st.adv_rx, in->st.adv_tx);
		fprintf(out, "  Became master: %lu\n  Released master: %lu\n",
			in->st.became_master, in->st.released_master);
		fprintf(out, "  Packet Errors:\n    Length: %lu\n    TTL: %lu\n"
			"    Invalid Type: %lu\n    Advertisement Interval: %lu\n"
			"    Address List: %lu\n", len_errs(in), d(in, VRRP_DROP_TTL),
			d(in, VRRP_DROP_TYPE), 0UL, addr_errs(in));
		fprintf(out, "  Authentication Errors:\n    Invalid Type: %lu\n"
			"    Type Mismatch: %lu\n    Failure: %lu\n", 0UL,
			d(in, VRRP_DROP_AUTH_TYPE), auth_fail(in));
		fprintf(out, "  Priority Zero:\n    Received: %lu\n    Sent: %lu\n",
			in->st.prio0_rx, in->st.prio0_tx);
	}
}

static const char *auth_name(uint8_t t)
{
	return t == VRRP_AUTH_PASS ? "SIMPLE_PASSWORD" : t == VRRP_AUTH_AH ? "IPSEC_AH" : "none";
}

static void print_time(FILE *out, const char *what, const struct timeval *tv)
{
	struct tm tm;
	char b[64];

	localtime_r(&tv->tv_sec, &tm);
	strftime(b, sizeof(b), "%a %b %e %H:%M:%S", &tm);
	fprintf(out, "   %s = %ld.%06ld (%s.%06ld %d)\n", what, (long)tv->tv_sec,
		(long)tv->tv_usec, b, (long)tv->tv_usec, tm.tm_year + 1900);
}

static void dump_vips(FILE *out, const char *title, const struct vrrp_inst *in,
		      const struct vrrp_vip *v, size_t n)
{
	char t[VRRP_VIP_TEXT];
	size_t i;

	if (!n)
		return;
	fprintf(out, "   %s (%zu):\n", title, n);
	for (i = 0; i < n; i++)
		fprintf(out, "     %s dev %s%s%s%s\n", vrrp_vip_text(&v[i], t), v[i].dev,
			v[i].label[0] ? " label " : "", v[i].label, in->vips_set ? " set" : "");
}

static void dump_one(FILE *out, const struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;
	char b[INET6_ADDRSTRLEN];
	int r;

	fprintf(out, " VRRP Instance = %s\n", m->name);
	fprintf(out, "   VRRP Version = %u\n", m->version);
	fprintf(out, "   State = %s\n", vrrp_state_name(in->fsm.state));
	fprintf(out, "   Wantstate = %s\n", m->want_master ? "MASTER" : "BACKUP");
	print_time(out, "Last transition", &in->last_transition);
	fprintf(out, "   Master down timer = %llu usecs\n",
		(unsigned long long)vrrp_master_down_interval_us(&in->fsm));
	fprintf(out, "   Interface = %s\n", m->ifname);
	fprintf(out, "   Using src_ip = %s\n", sys_ip_format(&in->src, b, sizeof(b)));
	if (!m->npeers)
		fprintf(out, "   Multicast address %s\n", sys_ip_format(&m->mcast_group, b, sizeof(b)));
	fprintf(out, "   Gratuitous ARP delay = %u\n   Gratuitous ARP repeat = %u\n",
		m->garp_delay_s, m->garp_repeat);
	fprintf(out, "   Gratuitous ARP refresh = %u\n   Gratuitous ARP refresh repeat = %u\n",
		m->garp_refresh_s, m->garp_refresh_repeat);
	fprintf(out, "   Down timer adverts = %u\n", m->down_timer_adverts);
	fprintf(out, "   Virtual Router ID = %u\n   Priority = %u\n   Effective priority = %u\n",
		m->vrid, m->base_prio, in->fsm.priority);
	if (m->version == 2)
		fprintf(out, "   Advert interval = %llu sec\n",
			(unsigned long long)(m->adver_int_us / 1000000));
	else
		fprintf(out, "   Advert interval = %llu milli-sec\n",
			(unsigned long long)(m->adver_int_us / 1000));
	fprintf(out, "   Accept = %s\n   Preempt = %s\n", m->accept ? "enabled" : "disabled",
		m->nopreempt ? "disabled" : "enabled");
	fprintf(out, "   Authentication type = %s\n", auth_name(m->auth_type));
	dump_vips(out, "Virtual IP", in, m->vips, m->nvips);
	dump_vips(out, "Virtual IP Excluded", in, m->evips, m->nevips);
	for (size_t i = 0; i < m->npeers; i++)
		fprintf(out, "   Unicast Peer = %s\n",
			inet_ntop(m->peers[i].addr.af, &m->peers[i].addr.u, b, sizeof(b)) ? b : "?");
	vrrp_track_dump_inst(out, in);      /* tracking (vrrp_track_dump.c) */
	fprintf(out, "   Dropped adverts by reason:\n");
	for (r = 1; r < VRRP_DROP_MAX; r++)
		fprintf(out, "     %s = %lu\n", vrrp_drop_str(r), d(in, r));
}

void vrrp_dump_instances(FILE *out, const struct vrrp_inst *in)
{
	fprintf(out, "------< VRRP Topology >------\n");
	for (; in; in = in->next)
		dump_one(out, in);
}

static void json_stats(FILE *out, const struct vrrp_inst *in)
{
	fprintf(out, "\"stats\":{\"advert_rcvd\":%lu,\"advert_sent\":%lu,\"become_master\":%lu,"
		"\"release_master\":%lu,\"packet_len_err\":%lu,\"advert_interval_err\":%lu,"
		"\"ip_ttl_err\":%lu,\"invalid_type_rcvd\":%lu,\"addr_list_err\":%lu,"
		"\"invalid_authtype\":%lu,\"authtype_mismatch\":%lu,\"auth_failure\":%lu,"
		"\"pri_zero_rcvd\":%lu,\"pri_zero_sent\":%lu}",
		in->st.adv_rx, in->st.adv_tx, in->st.became_master, in->st.released_master,
		len_errs(in), d(in, VRRP_DROP_INTERVAL), d(in, VRRP_DROP_TTL),
		d(in, VRRP_DROP_TYPE), addr_errs(in), 0UL, d(in, VRRP_DROP_AUTH_TYPE),
		auth_fail(in), in->st.prio0_rx, in->st.prio0_tx);
}

/* 2.2.7's numbering of states in JSON: INIT 0, BACKUP 1, MASTER 2, FAULT 3, STOP 98? */
static int json_state(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_BACKUP: return 1;
	case VRRP_STATE_MASTER: return 2;
	case VRRP_STATE_FAULT: return 3;
	default: return 0;
	}
}

static void json_vips(FILE *out, const char *key, const struct vrrp_inst *in,
		      const struct vrrp_vip *v, size_t n)
{
	size_t i;

	fprintf(out, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		char text[96], t[VRRP_VIP_TEXT];
		const char *p;

		snprintf(text, sizeof(text), "%s dev %s scope global%s", vrrp_vip_text(&v[i], t), v[i].dev,
			 in->vips_set ? " set" : "");
		fputs(i ? ",\"" : "\"", out);
		for (p = text; *p; p++)
			fprintf(out, *p == '/' ? "\\/" : "%c", *p);
		fputc('"', out);
	}
	fputc(']', out);
}

static void json_one(FILE *out, const struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;
	unsigned adv_s = (unsigned)(m->adver_int_us / 1000000);

	fprintf(out, "{\"data\":{\"iname\":\"%s\",\"dont_track_primary\":%d,"
		"\"skip_check_adv_addr\":%d,\"strict_mode\":%d,\"vmac_ifname\":\"\","
		"\"ifp_ifname\":\"%s\",\"master_priority\":0,\"last_transition\":%ld.%06ld,",
		m->name, m->dont_track_primary, m->skip_check_adv_addr, m->strict, m->ifname,
		(long)in->last_transition.tv_sec, (long)in->last_transition.tv_usec);
	fprintf(out, "\"garp_delay\":%u,\"garp_refresh\":%u,\"garp_rep\":%u,"
		"\"garp_refresh_rep\":%u,\"garp_lower_prio_delay\":%u,\"garp_lower_prio_rep\":%u,"
		"\"lower_prio_no_advert\":%d,\"higher_prio_send_advert\":%d,",
		m->garp_delay_s, m->garp_refresh_s, m->garp_repeat, m->garp_refresh_repeat,
		m->garp_lower_delay_s, m->garp_lower_repeat, m->lower_prio_no_advert,
		m->higher_prio_send_advert);
	fprintf(out, "\"vrid\":%u,\"base_priority\":%u,\"effective_priority\":%u,"
		"\"vipset\":%s,\"promote_secondaries\":false,\"adver_int\":%u,"
		"\"master_adver_int\":%u,\"accept\":%d,\"nopreempt\":%s,\"preempt_delay\":%llu,"
		"\"state\":%d,\"wantstate\":%d,\"version\":%u,\"smtp_alert\":false,"
		"\"notify_deleted\":false",
		m->vrid, m->base_prio, in->fsm.priority, in->vips_set ? "true" : "false", adv_s,
		(unsigned)(in->fsm.master_adver_int_us / 1000000), m->accept,
		m->nopreempt ? "true" : "false",
		(unsigned long long)(m->preempt_delay_us / 1000000), json_state(in->fsm.state),
		m->want_master ? 2 : 1, m->version);
	json_vips(out, "vips", in, m->vips, m->nvips);
	if (m->nevips)
		json_vips(out, "evips", in, m->evips, m->nevips);
	vrrp_track_json_inst(out, in);      /* tracking (vrrp_track_dump.c) */
	fprintf(out, ",\"auth_type\":%u},", m->auth_type);
	json_stats(out, in);
	fputc('}', out);
}

void vrrp_dump_json_of(FILE *out, const struct vrrp_inst *in)
{
	bool first = true;

	fputc('[', out);
	for (; in; in = in->next) {
		if (!first)
			fputc(',', out);
		first = false;
		json_one(out, in);
	}
	fputs("]\n", out);
}
