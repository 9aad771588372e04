/*
 * check_model.c - build the checker's typed model from the config tree.
 *
 * One pass per virtual_server: its identity (address+port, fwmark or a
 * group expanded into one kernel service per address and fwmark), its
 * scheduler options (lvs_sched, flags, persistence), then each
 * real_server with its TCP_CHECKs, inheriting the checker options from
 * the real and virtual server.  Labels for log lines follow 2.2.7
 * ("[10.0.0.1]:tcp:80", "FWM 7", "[G1]:0"; real servers take the
 * protocol of their virtual server, "none" under a fwmark).  Group
 * expansion lives in check_model_group.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "check_kind.h"
#include "check_model.h"
#include "check_model_int.h"
#include "conf.h"
#include "log.h"
#include "server_label.h"

#define SEC 1000000ull

static const char *const proto_names[] = { "tcp", "udp", "sctp" };
static const uint16_t proto_nums[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP };

void ck_ip_from_conf(struct ipvs_ip *ip, const struct conf_addr *a)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = a->family;
	if (a->family == AF_INET)
		ip->u.v4 = a->a.v4;
	else
		ip->u.v6 = a->a.v6;
}

/* "[ADDR]:proto:PORT", as snprintf("[%s]:%s:%u") writes it (one label per
 * real server at every start and reload, so without snprintf). */
void ck_label(char *buf, size_t len, const struct ipvs_ip *ip, const char *proto, unsigned port)
{
	char a[INET6_ADDRSTRLEN], num[16], *p = num + sizeof(num);

	*--p = '\0';
	do
		*--p = (char)('0' + port % 10);
	while ((port /= 10) != 0);
	server_label(buf, len, ipvs_ip_format(ip, a, sizeof(a)), proto, p);
}

/* The scheduling options a checker inherits from its real and virtual server. */
struct ck_inherit {
	bool alpha, inhibit;
	unsigned retry;
	uint64_t connect_timeout, delay_before_retry, warmup, delay_loop;
	bool has_warmup;
	bool log_all_failures;           /* global_defs checker_log_all_failures */
};

static void inherit_from(struct ck_inherit *in, const struct conf_node *b)
{
	const struct conf_node *n;

	in->alpha = conf_get_bool(b, "alpha", in->alpha);
	in->inhibit = conf_get_bool(b, "inhibit_on_failure", in->inhibit);
	in->retry = (unsigned)conf_get_int(b, "retry", in->retry);
	in->connect_timeout = conf_get_usec(b, "connect_timeout", in->connect_timeout);
	in->delay_before_retry = conf_get_usec(b, "delay_before_retry", in->delay_before_retry);
	in->delay_loop = conf_get_usec(b, "delay_loop", in->delay_loop);
	if ((n = conf_find_last(b, "warmup"))) {
		in->warmup = n->val.usec;
		in->has_warmup = true;
	}
}

/* "lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]" */
static void parse_fwd(const struct conf_node *n, struct ck_fwd *f)
{
	memset(f, 0, sizeof(*f));
	f->fwd = IPVS_FWD_MASQ;
	if (!n)
		return;
	if (!strcmp(n->argv[0], "DR"))
		f->fwd = IPVS_FWD_ROUTE;
	if (strcmp(n->argv[0], "TUN"))
		return;
	f->fwd = IPVS_FWD_TUNNEL;
	f->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
	for (int i = 1; i < n->argc; i++) {
		const char *w = n->argv[i];

		if (!strcmp(w, "type") && i + 1 < n->argc) {
			w = n->argv[++i];
			if (!strcmp(w, "gue"))
				f->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
			else if (!strcmp(w, "gre"))
				f->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
		} else if (!strcmp(w, "port") && i + 1 < n->argc) {
			f->tun_port = (uint16_t)atoi(n->argv[++i]);
		} else if (!strcmp(w, "nocsum")) {
			f->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM;
		} else if (!strcmp(w, "csum")) {
			f->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
		} else if (!strcmp(w, "remcsum")) {
			f->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
		}
	}
}

static const char *script_of(const struct conf_node *b, const char *name)
{
	const struct conf_node *n = conf_find_last(b, name);

	return n && n->argc > 0 ? n->argv[0] : NULL;
}

/* The options every kind shares, then the kind's own (kind->build). */
static bool build_check(struct ck_check *c, struct ck_rs *rs, const struct conf_node *b,
			const struct ck_inherit *parent, const struct ck_kind *kind,
			const struct conf *conf)
{
	struct ck_inherit in = *parent;
	const char *w;

	inherit_from(&in, b);
	memset(c, 0, sizeof(*c));
	c->rs = rs;
	c->kind = kind;
	c->connect_ip = rs->addr;
	c->connect_port = rs->port;
	if ((w = conf_get_str(b, "connect_ip", NULL)))
		ipvs_ip_parse(w, &c->connect_ip);
	c->connect_port = (uint16_t)conf_get_int(b, "connect_port", c->connect_port);
	if ((w = conf_get_str(b, "bindto", NULL)))
		ipvs_ip_parse(w, &c->bindto);
	c->bind_port = (uint16_t)conf_get_int(b, "bind_port", 0);
	snprintf(c->bind_if, sizeof(c->bind_if), "%s", conf_get_str(b, "bind_if", ""));
	c->fwmark = (uint32_t)conf_get_int(b, "fwmark", 0);
	c->connect_timeout_us = in.connect_timeout;
	c->delay_loop_us = in.delay_loop;
	c->delay_before_retry_us = in.delay_before_retry;
	c->warmup_us = in.has_warmup ? in.warmup : in.delay_loop;
	c->retry = in.retry;
	c->alpha = in.alpha;
	c->log_all_failures = conf_get_bool(b, "log_all_failures", in.log_all_failures);
	return !kind->build || kind->build(c, b, conf);
}

/* The check kind a real_server child block names; NULL for other blocks
 * and (warned once per keyword) for kinds this build lacks. */
static const struct ck_kind *kind_of(const struct conf_node *n)
{
	static unsigned warned;
	const char *name = conf_node_name(n);
	const struct ck_kind *k;

	if (!name || name[0] < 'A' || name[0] > 'Z')   /* checker keywords are upper case */
		return NULL;
	for (unsigned i = 0; ck_kind_keywords[i]; i++) {
		if (strcmp(name, ck_kind_keywords[i]))
			continue;
		k = ck_kind_find(name);
		if (!k && !(warned & (1u << i))) {
			warned |= 1u << i;
			log_warnx("%s is not supported by this build: those checks are ignored", name);
		}
		return k;
	}
	return NULL;
}

static bool build_rs(struct ck_rs *rs, struct ck_vs *vs, const struct conf_node *b,
		     const struct ck_inherit *vsin, const struct conf *conf)
{
	struct ck_inherit in = *vsin;
	const struct conf_node *n;
	size_t i = 0;

	inherit_from(&in, b);
	memset(rs, 0, sizeof(*rs));
	rs->vs = vs;
	ck_ip_from_conf(&rs->addr, b->val.addr);
	rs->port_from_vs = b->argc < 2;         /* 2.2.7: the virtual server's port */
	rs->port = !rs->port_from_vs ? (uint16_t)atoi(b->argv[1]) :
		   vs->n_svcs == 1 ? vs->svcs[0].port : 0;
	rs->weight = (int)conf_get_int(b, "weight", 1);
	rs->inhibit = in.inhibit;
	rs->fwd = vs->fwd;
	if ((n = conf_find_last(b, "lvs_method")))
		parse_fwd(n, &rs->fwd);
	rs->u_threshold = (uint32_t)conf_get_int(b, "uthreshold", 0);
	rs->l_threshold = (uint32_t)conf_get_int(b, "lthreshold", 0);
	rs->notify_up = script_of(b, "notify_up");
	rs->notify_down = script_of(b, "notify_down");
	ck_label(rs->label, sizeof(rs->label), &rs->addr, vs->proto_name, rs->port);
	conf_foreach(n, b)
		rs->n_checks += kind_of(n) != NULL;
	/* No array for no checks: 10,000 real servers without checks would
	 * otherwise take 3.5 MB (and the page faults to fill it). */
	if (rs->n_checks && !(rs->checks = calloc(rs->n_checks, sizeof(*rs->checks))))
		return false;
	conf_foreach(n, b) {
		const struct ck_kind *k = kind_of(n);

		if (k && !build_check(&rs->checks[i++], rs, n, &in, k, conf))
			return false;
	}
	return true;
}

/* The service template: scheduler, flags, persistence (identity set later). */
static void build_template(struct ipvs_service *t, const struct conf_node *b, int af)
{
	static const struct { const char *kw; uint32_t flag; } flags[] = {
		{ "flag-1", IP_VS_SVC_F_SCHED1 }, { "flag-2", IP_VS_SVC_F_SCHED2 },
		{ "flag-3", IP_VS_SVC_F_SCHED3 }, { "sh-fallback", IPVS_SVC_SH_FALLBACK },
		{ "sh-port", IPVS_SVC_SH_PORT }, { "mh-fallback", IPVS_SVC_MH_FALLBACK },
		{ "mh-port", IPVS_SVC_MH_PORT }, { "ops", IPVS_SVC_ONEPACKET },
	};
	const struct conf_node *n;
	const char *w;

	memset(t, 0, sizeof(*t));
	t->af = af;
	snprintf(t->sched, sizeof(t->sched), "%s", conf_get_str(b, "lvs_sched", "wlc"));
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (conf_find(b, flags[i].kw))
			t->flags |= flags[i].flag;
	if ((n = conf_find_last(b, "persistence_timeout"))) {
		t->flags |= IPVS_SVC_PERSISTENT;
		t->timeout = n->argc > 0 ? (uint32_t)n->val.i : 360;
	}
	if ((w = conf_get_str(b, "persistence_granularity", NULL)) && t->timeout) {
		int plen = check_model_mask_plen(w, af);

		if (plen >= 0)
			t->netmask_plen = (uint8_t)plen;
	}
	if ((w = conf_get_str(b, "persistence_engine", NULL)))
		snprintf(t->pe_name, sizeof(t->pe_name), "%s", w);
}

/* Family of a fwmark service: ip_family, else its first real server's. */
static int fwmark_family(const struct conf_node *b)
{
	const char *f = conf_get_str(b, "ip_family", NULL);
	const struct conf_node *n = conf_find(b, "real_server");

	if (f)
		return strcmp(f, "inet6") ? AF_INET : AF_INET6;
	return n ? n->val.addr->family : AF_INET;
}

static bool build_identity(struct ck_vs *vs, const struct conf_node *b,
			   const struct conf *conf, const struct ipvs_service *tmpl,
			   uint16_t proto)
{
	if (!strcmp(b->argv[0], "group"))
		return ck_group_expand(vs, conf, b->argv[1], tmpl, proto);
	vs->svcs = calloc(1, sizeof(*vs->svcs));
	if (!vs->svcs)
		return false;
	vs->n_svcs = 1;
	vs->svcs[0] = *tmpl;
	if (!strcmp(b->argv[0], "fwmark")) {
		vs->is_fwmark = true;
		vs->proto_name = "none";
		vs->svcs[0].fwmark = (uint32_t)strtoul(b->argv[1], NULL, 10);
		vs->svcs[0].af = fwmark_family(b);
		snprintf(vs->label, sizeof(vs->label), "FWM %s", b->argv[1]);
		return true;
	}
	ck_ip_from_conf(&vs->svcs[0].addr, b->val.addr);
	vs->svcs[0].af = b->val.addr->family;
	vs->svcs[0].protocol = proto;
	vs->svcs[0].port = b->argc > 1 ? (uint16_t)atoi(b->argv[1]) : 0;
	ck_label(vs->label, sizeof(vs->label), &vs->svcs[0].addr, vs->proto_name,
		 vs->svcs[0].port);
	return true;
}

/* The reader warns about these (kw_check_lvs.c); 2.2.7 then runs with a
 * quorum of at most the total weight and a hysteresis below the quorum. */
static void clamp_quorum(struct ck_vs *vs)
{
	uint64_t total = 0;

	for (size_t i = 0; i < vs->n_rs; i++)
		total += (uint64_t)vs->rs[i].weight;
	if (vs->quorum > total)
		vs->quorum = total;
	if (vs->hysteresis >= vs->quorum)       /* 2.2.7 wraps to 4294967295 at 0 */
		vs->hysteresis = (uint32_t)(vs->quorum - 1);
}

static void fwmark_port(struct ck_rs *rs)
{
	rs->port = 0;
	ck_label(rs->label, sizeof(rs->label), &rs->addr, "none", 0);
}

/* g: the first global_defs block (found once per model, not per server). */
static bool build_vs(struct ck_vs *vs, const struct conf_node *b, const struct conf *conf,
		     const struct conf_node *g)
{
	struct ck_inherit in = {
		.retry = 1, .connect_timeout = 5 * SEC, .delay_before_retry = 1 * SEC,
		.delay_loop = 60 * SEC,
		.log_all_failures = conf_get_bool(g, "checker_log_all_failures", false),
	};
	struct ipvs_service tmpl;
	const struct conf_node *n, *p = conf_find_last(b, "protocol");
	int proto_i = p ? (int)p->val.i : 1;
	size_t i = 0;

	memset(vs, 0, sizeof(*vs));
	inherit_from(&in, b);
	vs->proto_defaulted = !p;
	vs->proto_name = proto_names[proto_i];
	parse_fwd(conf_find_last(b, "lvs_method"), &vs->fwd);
	/* a group's entries set their own family; fwmarks get theirs later */
	build_template(&tmpl, b, b->val.addr && strcmp(b->argv[0], "fwmark") &&
		       strcmp(b->argv[0], "group") ? b->val.addr->family : AF_UNSPEC);
	if (!build_identity(vs, b, conf, &tmpl, proto_nums[proto_i]))
		return false;
	vs->quorum = (uint64_t)conf_get_int(b, "quorum", 1);
	vs->hysteresis = (uint64_t)conf_get_int(b, "hysteresis", 0);
	vs->quorum_up = script_of(b, "quorum_up");
	vs->quorum_down = script_of(b, "quorum_down");
	vs->omega = conf_get_bool(b, "omega", false);
	vs->ha_suspend = conf_find(b, "ha_suspend") != NULL;
	vs->n_rs = conf_count(b, "real_server");
	vs->rs = calloc(vs->n_rs ? vs->n_rs : 1, sizeof(*vs->rs));
	if (!vs->rs)
		return false;
	conf_foreach(n, b) {
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "real_server") &&
		    !build_rs(&vs->rs[i++], vs, n, &in, conf))
			return false;
	}
	if ((n = conf_find_last(b, "sorry_server"))) {
		vs->sorry = calloc(1, sizeof(*vs->sorry));
		if (!vs->sorry)
			return false;
		vs->sorry->vs = vs;
		ck_ip_from_conf(&vs->sorry->addr, n->val.addr);
		vs->sorry->port_from_vs = n->argc < 2;
		vs->sorry->port = !vs->sorry->port_from_vs ? (uint16_t)atoi(n->argv[1]) :
				  vs->n_svcs == 1 ? vs->svcs[0].port : 0;
		vs->sorry->weight = 1;
		vs->sorry->inhibit = conf_get_bool(b, "sorry_server_inhibit", false);
		vs->sorry->fwd = vs->fwd;
		if ((p = conf_find_last(b, "sorry_server_lvs_method")))
			parse_fwd(p, &vs->sorry->fwd);
		ck_label(vs->sorry->label, sizeof(vs->sorry->label), &vs->sorry->addr,
			 vs->proto_name, vs->sorry->port);
	}
	clamp_quorum(vs);
	if (vs->is_fwmark) {    /* 2.2.7 ignores real-server ports under a fwmark */
		for (i = 0; i < vs->n_rs; i++)
			fwmark_port(&vs->rs[i]);
		if (vs->sorry)
			fwmark_port(vs->sorry);
	}
	return true;
}

/* lvs_flush, lvs_flush_on_stop [VS], lvs_timeouts [tcp N] [tcpfin N] [udp N] */
static void build_globals(struct ck_model *m, const struct conf_node *g)
{
	const struct conf_node *n;

	m->lvs_flush = conf_find(g, "lvs_flush") != NULL;
	if ((n = conf_find_last(g, "lvs_flush_on_stop")))
		m->flush_on_stop = n->argc > 0 ? CK_FLUSH_STOP_VS : CK_FLUSH_STOP_ALL;
	if ((n = conf_find_last(g, "lvs_timeouts"))) {
		for (int i = 0; i + 1 < n->argc; i += 2) {
			uint32_t v = (uint32_t)strtoul(n->argv[i + 1], NULL, 10);

			if (!strcmp(n->argv[i], "tcp"))
				m->timeouts.tcp = v;
			else if (!strcmp(n->argv[i], "tcpfin"))
				m->timeouts.tcp_fin = v;
			else if (!strcmp(n->argv[i], "udp"))
				m->timeouts.udp = v;
		}
	}
}

static void vs_free(struct ck_vs *vs)
{
	for (size_t j = 0; vs->rs && j < vs->n_rs; j++) {
		struct ck_rs *rs = &vs->rs[j];

		for (size_t k = 0; rs->checks && k < rs->n_checks; k++) {
			struct ck_check *c = &rs->checks[k];

			if (c->kind && c->kind->free_spec)
				c->kind->free_spec(c);
			else
				free(c->spec);
		}
		free(rs->checks);
	}
	free(vs->rs);
	free(vs->sorry);
	free(vs->svcs);
	memset(vs, 0, sizeof(*vs));
}

struct ck_model *check_model_build_each(const struct conf *conf, ck_vs_built_fn *built,
				       void *arg)
{
	struct ck_model *m = calloc(1, sizeof(*m));
	const struct conf_node *n, *g;
	size_t i = 0;

	if (!m)
		return NULL;
	g = conf_find(conf->root, "global_defs");
	if (g)
		build_globals(m, g);
	m->n_vs = conf_count(conf->root, "virtual_server");
	m->vs = calloc(m->n_vs ? m->n_vs : 1, sizeof(*m->vs));
	if (!m->vs)
		goto fail;
	conf_foreach(n, conf->root) {
		if (!conf_node_name(n) || strcmp(conf_node_name(n), "virtual_server"))
			continue;
		if (!build_vs(&m->vs[i++], n, conf, g))
			goto fail;
		if (m->vs[i - 1].n_rs == 0)     /* 2.2.7 ignores it (the reader says so) */
			vs_free(&m->vs[--i]);
		else if (built)
			built(arg, &m->vs[i - 1]);
	}
	m->n_vs = i;
	return m;
fail:
	m->n_vs = i;    /* the failed one is complete enough for vs_free() */
	check_model_free(m);
	return NULL;
}

struct ck_model *check_model_build(const struct conf *conf)
{
	return check_model_build_each(conf, NULL, NULL);
}

void check_model_free(struct ck_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_vs; i++)
		vs_free(&m->vs[i]);
	free(m->vs);
	free(m);
}

uint64_t check_model_alive_weight(const struct ck_vs *vs)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < vs->n_rs; i++)
		if (vs->rs[i].alive)
			sum += (uint64_t)vs->rs[i].weight;
	return sum;
}

int check_model_mask_plen(const char *word, int family)
{
	struct ipvs_ip m;
	char *stop;
	unsigned long v;
	int plen = 0;
	const uint8_t *b;
	size_t len;

	if (ipvs_ip_parse(word, &m) == 0) {
		if (m.family != AF_INET)
			return -1;
		b = (const uint8_t *)&m.u.v4;
		len = 4;
		for (size_t i = 0; i < len * 8; i++) {
			bool set = b[i / 8] & (0x80u >> (i % 8));

			if (set && plen != (int)i)
				return -1;      /* not contiguous */
			if (set)
				plen++;
		}
		return plen;
	}
	v = strtoul(word, &stop, 10);
	if (*stop || !*word || v > (family == AF_INET ? 32ul : 128ul))
		return -1;
	return (int)v;
}
