/*
 * check_ipvs.c - apply the checker's wanted IPVS table (see check_ipvs.h).
 *
 * Each ck_rs remembers what the kernel has for it (set, set_weight);
 * rs_apply() works out what is wanted for it and rs_set() sends the one
 * add, edit or delete that gets there, for every kernel service of the
 * virtual server (a group has several).
 * Quorum is evaluated after every real-server change, with hysteresis:
 * lost when alive weight < quorum - hysteresis, gained when >= quorum +
 * hysteresis.  Start and stop send their many requests in batches
 * (ipvs_batch_begin(): a few system calls per 256 requests); refusals are
 * handled when the batch ends (refused()).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "check_fifo.h"
#include "check_ipvs.h"
#include "check_model.h"
#include "check_notify.h"
#include "check_smtp_alert.h"
#include "ipvs_async.h"
#include "log.h"

static struct ipvs_ctx ipvs;

static void make_dest(const struct ck_rs *rs, const struct ipvs_service *svc, int weight,
		      struct ipvs_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->addr = rs->addr;
	d->port = svc->fwmark ? 0 : rs->port_from_vs ? svc->port : rs->port;
	d->fwd = rs->fwd.fwd;
	d->weight = weight;
	d->u_threshold = rs->u_threshold;
	d->l_threshold = rs->l_threshold;
	d->tun_type = rs->fwd.tun_type;
	d->tun_port = rs->fwd.tun_port;
	d->tun_flags = rs->fwd.tun_flags;
}

/* One kernel operation on every service of the virtual server. */
enum dest_op { DEST_ADD, DEST_EDIT, DEST_DEL };

static void (*trace_fn)(const char *op, const char *svc, const char *dest);

void ck_ipvs_set_trace(void (*fn)(const char *op, const char *svc, const char *dest))
{
	trace_fn = fn;
}

static const char *svc_name(const struct ipvs_service *svc, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (svc->fwmark)
		snprintf(buf, len, "FWM %u/%d", svc->fwmark, svc->af);
	else
		snprintf(buf, len, "%s/%s/%u", ipvs_proto_name(svc->protocol) ? ipvs_proto_name(svc->protocol) : "?",
			 ipvs_ip_format(&svc->addr, a, sizeof(a)), svc->port);
	return buf;
}

static void trace(const char *op, const struct ipvs_service *svc, const struct ipvs_dest *d)
{
	char s[CK_LABEL_MAX + 16], a[INET6_ADDRSTRLEN], dn[INET6_ADDRSTRLEN + 32] = "";

	if (!trace_fn)
		return;
	if (d)
		snprintf(dn, sizeof(dn), "%s/%u/%d", ipvs_ip_format(&d->addr, a, sizeof(a)),
			 d->port, d->weight);
	trace_fn(op, svc_name(svc, s, sizeof(s)), dn);
}

/* One destination operation on one service. */
static void dest_op1(const struct ck_rs *rs, const struct ipvs_service *svc, enum dest_op op,
		     int weight)
{
	static const char *const names[] = { "dest-add", "dest-edit", "dest-del" };
	struct ipvs_dest d;
	int rc;

	if (rs->addr.family != svc->af && rs->fwd.fwd != IPVS_FWD_TUNNEL)
		return;
	make_dest(rs, svc, weight, &d);
	trace(names[op], svc, &d);
	if (!ipvs.sk)
		return;
	ipvs.tag = rs;
	rc = op == DEST_ADD ? ipvs_dest_add(&ipvs, svc, &d) :
	     op == DEST_EDIT ? ipvs_dest_edit(&ipvs, svc, &d) :
	     ipvs_dest_del(&ipvs, svc, &d);
	if (rc == -EEXIST && op == DEST_ADD)    /* left by -I or a crash */
		rc = ipvs_dest_edit(&ipvs, svc, &d);
	if (rc < 0)
		log_warnx("IPVS: %s server %s of VS %s: %s",
			  op == DEST_ADD ? "adding" : op == DEST_EDIT ? "changing" : "removing",
			  rs->label, rs->vs->label, ipvs_error(&ipvs));
}

static void dest_op(const struct ck_rs *rs, enum dest_op op, int weight)
{
	for (size_t i = 0; i < rs->vs->n_svcs; i++)
		dest_op1(rs, &rs->vs->svcs[i], op, weight);
}

/* Move the kernel to (present, weight) for this server. */
static void rs_set(struct ck_rs *rs, bool present, int weight)
{
	if (present && !rs->set)
		dest_op(rs, DEST_ADD, weight);
	else if (present && rs->set_weight != weight)
		dest_op(rs, DEST_EDIT, weight);
	else if (!present && rs->set)
		dest_op(rs, DEST_DEL, rs->set_weight);
	rs->set = present;
	rs->set_weight = present ? weight : 0;
}

static void rs_apply(struct ck_rs *rs)
{
	const struct ck_vs *vs = rs->vs;
	bool pooled = vs->quorum_ok || !vs->sorry;

	rs_set(rs, pooled && (rs->alive || rs->inhibit), rs->alive ? rs->weight : 0);
}

static void sorry_apply(struct ck_vs *vs, bool wanted)
{
	struct ck_rs *s = vs->sorry;

	if (!s)
		return;
	if (s->inhibit)
		rs_set(s, true, wanted ? s->weight : 0);
	else
		rs_set(s, wanted, s->weight);
	vs->sorry_set = wanted;
}

/* Put the sorry server in (loss of quorum). */
static void sorry_in(struct ck_vs *vs)
{
	log_info("%s sorry server %s to VS %s", vs->sorry->inhibit ? "Enabling" : "Adding",
		 vs->sorry->label, vs->label);
	sorry_apply(vs, true);
}

/* quorum_start() -> quorum_update(): 2.2.7's smtp_alert says "Starting with quorum up" */
static bool quorum_starting;

static void quorum_update(struct ck_vs *vs)
{
	uint64_t sum = check_model_alive_weight(vs);

	if (vs->quorum_ok && sum + vs->hysteresis < vs->quorum) {
		vs->quorum_ok = false;
		log_info("Lost quorum %llu-%llu=%llu > %llu for VS %s",
			 (unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
			 (unsigned long long)(vs->quorum - vs->hysteresis),
			 (unsigned long long)sum, vs->label);
		ck_notify(vs->quorum_down);
		ck_fifo_vs(vs, false);
		if (ck_alert_quorum)            /* smtp_alert: 2.2.7's text */
			ck_alert_quorum(vs, false, "Lost quorum %llu+%llu=%llu <= %llu",
					(unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
					(unsigned long long)(vs->quorum + vs->hysteresis),
					(unsigned long long)sum);
		if (vs->sorry) {
			sorry_in(vs);
			log_info("Removing alive servers from the pool for VS %s", vs->label);
			for (size_t i = 0; i < vs->n_rs; i++)
				rs_apply(&vs->rs[i]);
		}
	} else if (!vs->quorum_ok && sum >= vs->quorum + vs->hysteresis) {
		vs->quorum_ok = true;
		log_info("Gained quorum %llu+%llu=%llu <= %llu for VS %s",
			 (unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
			 (unsigned long long)(vs->quorum + vs->hysteresis),
			 (unsigned long long)sum, vs->label);
		ck_notify(vs->quorum_up);
		ck_fifo_vs(vs, true);
		if (ck_alert_quorum)            /* smtp_alert: 2.2.7's text */
			ck_alert_quorum(vs, true, "%s %llu+%llu=%llu <= %llu",
					quorum_starting ? "Starting with quorum up" : "Gained quorum",
					(unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
					(unsigned long long)(vs->quorum + vs->hysteresis),
					(unsigned long long)sum);
		if (vs->sorry_set) {
			log_info("%s sorry server %s from VS %s",
				 vs->sorry->inhibit ? "Disabling" : "Removing", vs->sorry->label, vs->label);
			sorry_apply(vs, false);
			log_info("Adding alive servers to the pool for VS %s", vs->label);
			for (size_t i = 0; i < vs->n_rs; i++)
				rs_apply(&vs->rs[i]);
		}
	}
}

void ck_ipvs_rs_changed(struct ck_rs *rs)
{
	rs_apply(rs);
	quorum_update(rs->vs);
}

/* Quorum at start: gained (quorum_up); below quorum - hysteresis with a
 * sorry server, "starting with quorum down" (2.2.7 prints quorum +
 * hysteresis after the '=' there), quorum_down and the sorry server;
 * below it without a sorry server, or in the hysteresis band, nothing is
 * said or run (2.2.7), the state is simply down or up. */
static void quorum_start(struct ck_vs *vs)
{
	uint64_t sum = check_model_alive_weight(vs);

	if (sum >= vs->quorum + vs->hysteresis) {
		quorum_starting = true;
		quorum_update(vs);
		quorum_starting = false;
		return;
	}
	vs->quorum_ok = sum + vs->hysteresis >= vs->quorum;
	if (vs->quorum_ok || !vs->sorry)
		return;         /* 2.2.7 says and runs nothing without a sorry server */
	log_info("Starting with quorum down %llu-%llu=%llu > %llu for VS %s",
		 (unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
		 (unsigned long long)(vs->quorum + vs->hysteresis), (unsigned long long)sum,
		 vs->label);
	ck_notify(vs->quorum_down);
	ck_fifo_vs(vs, false);
	if (vs->sorry) {
		sorry_in(vs);
		log_info("Removing alive servers from the pool for VS %s", vs->label);
	}
}

static void svc_add(const struct ck_vs *vs, const struct ipvs_service *svc)
{
	int rc;

	trace("svc-add", svc, NULL);
	if (!ipvs.sk)
		return;
	ipvs.tag = vs;
	rc = ipvs_service_add(&ipvs, svc);
	if (rc == -EEXIST)      /* left by -I or a crash: take it over */
		rc = ipvs_service_edit(&ipvs, svc);
	if (rc < 0)
		log_warnx("IPVS: adding VS %s: %s", vs->label, ipvs_error(&ipvs));
}

static void edit_refused(const struct ck_vs *vs, const char *why)
{
	log_warnx("IPVS: changing VS %s: %s", vs->label, why);
}

static void svc_edit(const struct ck_vs *vs, const struct ipvs_service *svc)
{
	trace("svc-edit", svc, NULL);
	if (ipvs.sk && ipvs_service_edit(&ipvs, svc) < 0)
		edit_refused(vs, ipvs_error(&ipvs));
}

static void svc_del(const struct ck_vs *vs, const struct ipvs_service *svc)
{
	trace("svc-del", svc, NULL);
	ipvs.tag = vs;
	if (ipvs.sk && ipvs_service_del(&ipvs, svc) < 0 && ipvs.err != ESRCH)
		log_warnx("IPVS: removing VS %s: %s", vs->label, ipvs_error(&ipvs));
}

static void vs_start(struct ck_vs *vs)
{
	for (size_t i = 0; i < vs->n_svcs; i++)
		svc_add(vs, &vs->svcs[i]);
	quorum_start(vs);
	if (vs->quorum_ok && vs->sorry && vs->sorry->inhibit)
		sorry_apply(vs, false);
	for (size_t i = 0; i < vs->n_rs; i++)
		rs_apply(&vs->rs[i]);
}

/* A request of a batch (start, stop) that the kernel refused: what the
 * synchronous paths do on the spot (take over what -I or a crash left,
 * ignore a service already gone), else the same log line. */
static void refused(void *arg, struct ipvs_ctx *ctx, const struct ipvs_refusal *r)
{
	bool svc_op = r->cmd == IPVS_CMD_NEW_SERVICE || r->cmd == IPVS_CMD_SET_SERVICE ||
		      r->cmd == IPVS_CMD_DEL_SERVICE;
	const struct ck_rs *rs = svc_op ? NULL : r->tag;
	const struct ck_vs *vs = svc_op ? r->tag : rs->vs;
	int rc = -r->err;
	const char *why = r->msg;

	(void)arg;
	if (r->cmd == IPVS_CMD_DEL_SERVICE && r->err == ESRCH)
		return;
	if (r->cmd == IPVS_CMD_NEW_SERVICE && r->err == EEXIST)
		rc = ipvs_service_edit(ctx, &r->svc);
	else if (r->cmd == IPVS_CMD_NEW_DEST && r->err == EEXIST)
		rc = ipvs_dest_edit(ctx, &r->svc, &r->dest);
	if (rc == 0)
		return;
	if (rc != -r->err)
		why = ipvs_error(ctx);
	if (!rs)
		log_warnx("IPVS: %s VS %s: %s", r->cmd == IPVS_CMD_DEL_SERVICE ? "removing" :
			  r->cmd == IPVS_CMD_SET_SERVICE ? "changing" : "adding", vs->label, why);
	else
		log_warnx("IPVS: %s server %s of VS %s: %s",
			  r->cmd == IPVS_CMD_NEW_DEST ? "adding" :
			  r->cmd == IPVS_CMD_SET_DEST ? "changing" : "removing", rs->label, vs->label,
			  why);
}

int ck_ipvs_start(struct ck_model *m, struct event_base *base)
{
	int rc;

	ck_notify_init(base);
	log_info("Initializing ipvs");
	rc = trace_fn ? -ENODEV : ipvs_open(&ipvs);        /* tracing: dry run */
	if (rc < 0 && !trace_fn)
		log_errx("IPVS: Can't initialize ipvs: %s", ipvs_error(&ipvs));
	if (rc == 0 && m->lvs_flush && ipvs_flush(&ipvs) < 0)
		log_warnx("IPVS: flush: %s", ipvs_error(&ipvs));
	if (rc == 0 && (m->timeouts.tcp || m->timeouts.tcp_fin || m->timeouts.udp) &&
	    ipvs_timeouts_set(&ipvs, &m->timeouts) < 0)
		log_warnx("IPVS: setting lvs_timeouts: %s", ipvs_error(&ipvs));
	if (ipvs.sk)
		ipvs_batch_begin(&ipvs, refused, NULL);
	for (size_t i = 0; i < m->n_vs; i++)
		vs_start(&m->vs[i]);
	ipvs_batch_end(&ipvs);
	return rc;
}

/* Without lvs_flush_on_stop each real server is logged (2.2.7 deletes
 * them one by one; we let the service take them along); with "VS" only
 * the services are deleted, with a plain flush not even those: silently,
 * as 2.2.7. */
static void vs_stop(struct ck_vs *vs, int flush_on_stop)
{
	for (size_t i = 0; i < vs->n_rs; i++) {
		if (flush_on_stop == CK_FLUSH_STOP_NO)
			log_info("Shutting down %sservice %s from VS %s",
				 vs->rs[i].inhibit && !vs->rs[i].alive ? "(inhibited) " : "",
				 vs->rs[i].label, vs->label);
		vs->rs[i].set = false;
	}
	for (size_t i = 0; flush_on_stop != CK_FLUSH_STOP_ALL && i < vs->n_svcs; i++)
		svc_del(vs, &vs->svcs[i]);
}

/* omega: 2.2.7 runs quorum_down (even when quorum was already lost), then
 * the notify_down of the servers still alive. */
static void vs_omega(const struct ck_vs *vs)
{
	ck_notify_wait(vs->quorum_down, 2000);
	for (size_t i = 0; i < vs->n_rs; i++)
		if (vs->rs[i].alive)
			ck_notify_wait(vs->rs[i].notify_down, 2000);
}

void ck_ipvs_stop(struct ck_model *m, bool keep)
{
	ck_notify_init(NULL);
	if (!keep && ipvs.sk)
		ipvs_batch_begin(&ipvs, refused, NULL);
	for (size_t i = 0; !keep && i < m->n_vs; i++)
		vs_stop(&m->vs[i], (int)m->flush_on_stop);
	ipvs_batch_end(&ipvs);
	if (!keep && m->flush_on_stop == CK_FLUSH_STOP_ALL && ipvs.sk && ipvs_flush(&ipvs) < 0)
		log_warnx("IPVS: flush: %s", ipvs_error(&ipvs));
	for (size_t i = 0; i < m->n_vs; i++)
		if (m->vs[i].omega)
			vs_omega(&m->vs[i]);
	ipvs_close(&ipvs);
}

/* ---- reload (check_reload.c) ------------------------------------------ */

bool ck_ipvs_svc_same_opts(const struct ipvs_service *a, const struct ipvs_service *b)
{
	return !strcmp(a->sched[0] ? a->sched : "wlc", b->sched[0] ? b->sched : "wlc") &&
	       a->flags == b->flags && a->timeout == b->timeout &&
	       a->netmask_plen == b->netmask_plen && !strcmp(a->pe_name, b->pe_name);
}

void ck_ipvs_reload_svc(const struct ck_vs *vs, const struct ipvs_service *svc,
			enum ck_ipvs_svc_op op)
{
	if (op == CK_SVC_DEL) {
		svc_del(vs, svc);
		return;
	}
	if (op == CK_SVC_EDIT) {
		svc_edit(vs, svc);
		return;
	}
	svc_add(vs, svc);
	/* a service new to a kept virtual server: the destinations its
	 * servers already have in the others */
	for (size_t i = 0; i < vs->n_rs; i++)
		if (vs->rs[i].set)
			dest_op1(&vs->rs[i], svc, DEST_ADD, vs->rs[i].set_weight);
	if (vs->sorry && vs->sorry->set)
		dest_op1(vs->sorry, svc, DEST_ADD, vs->sorry->set_weight);
}

/* Edits sent ahead (check_reload.h): not in a dry run, where the trace
 * must show every request in the reload's order. */
static struct ipvs_async *early_edits;

bool ck_ipvs_reload_svc_early(const struct ck_vs *vs, const struct ipvs_service *svc)
{
	if (trace_fn || !ipvs.sk)
		return false;
	return ipvs_async_edit(&early_edits, svc, vs) == 0;
}

static void early_refused(void *arg, const void *tag, const char *why)
{
	(void)arg;
	edit_refused(tag, why);
}

void ck_ipvs_reload_finish(void)
{
	ipvs_async_finish(&early_edits, early_refused, NULL);
}

void ck_ipvs_reload_rs_gone(struct ck_rs *rs)
{
	if (rs != rs->vs->sorry) {
		log_info("service %s no longer exist", rs->label);
		if (rs->alive && rs->set) {
			log_info("Removing service %s from VS %s", rs->label, rs->vs->label);
			ck_fifo_rs(rs, false);
		}
	}
	if (rs->set)
		dest_op(rs, DEST_DEL, rs->set_weight);
	rs->set = false;
}

bool ck_ipvs_rs_same_dest(const struct ck_rs *a, const struct ck_rs *b)
{
	return a->fwd.fwd == b->fwd.fwd && a->fwd.tun_type == b->fwd.tun_type &&
	       a->fwd.tun_port == b->fwd.tun_port && a->fwd.tun_flags == b->fwd.tun_flags &&
	       a->u_threshold == b->u_threshold && a->l_threshold == b->l_threshold;
}

void ck_ipvs_reload_rs_edit(struct ck_rs *rs)
{
	if (rs->set)
		dest_op(rs, DEST_EDIT, rs->set_weight);
}

void ck_ipvs_reload_vs_settle(struct ck_vs *vs)
{
	if (vs->sorry)
		sorry_apply(vs, !vs->quorum_ok);
	else
		vs->sorry_set = false;
	for (size_t i = 0; i < vs->n_rs; i++)
		rs_apply(&vs->rs[i]);
	quorum_update(vs);
}

void ck_ipvs_reload_vs_add(struct ck_vs *vs)
{
	vs_start(vs);
}

void ck_ipvs_reload_vs_del(struct ck_vs *vs)
{
	log_info("Removing Virtual Server %s", vs->label);
	for (size_t i = 0; i < vs->n_rs; i++) {
		if (!vs->rs[i].alive)
			continue;
		log_info("Removing service %s from VS %s", vs->rs[i].label, vs->label);
		ck_fifo_rs(&vs->rs[i], false);
	}
	if (vs->quorum_ok)
		ck_fifo_vs(vs, false);
	for (size_t i = 0; i < vs->n_svcs; i++)
		svc_del(vs, &vs->svcs[i]);
}

void ck_ipvs_reload_globals(const struct ck_model *old, const struct ck_model *m)
{
	if (!ipvs.sk || !memcmp(&old->timeouts, &m->timeouts, sizeof(m->timeouts)))
		return;
	if ((m->timeouts.tcp || m->timeouts.tcp_fin || m->timeouts.udp) &&
	    ipvs_timeouts_set(&ipvs, &m->timeouts) < 0)
		log_warnx("IPVS: setting lvs_timeouts: %s", ipvs_error(&ipvs));
}
