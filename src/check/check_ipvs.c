/*
 * check_ipvs.c - apply the checker's wanted IPVS table (see check_ipvs.h).
 *
 * Each ck_rs remembers what the kernel has for it (set, set_weight);
 * rs_apply() works out what is wanted for it and rs_set() sends the one
 * add, edit or delete that gets there, for every kernel service of the
 * virtual server (a group has several).
 * Quorum is evaluated after every real-server change, with hysteresis:
 * lost when alive weight < quorum - hysteresis, gained when >= quorum +
 * hysteresis.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "check_ipvs.h"
#include "check_model.h"
#include "check_notify.h"
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

static void dest_op(const struct ck_rs *rs, enum dest_op op, int weight)
{
	const struct ck_vs *vs = rs->vs;

	for (size_t i = 0; ipvs.sk && i < vs->n_svcs; i++) {
		const struct ipvs_service *svc = &vs->svcs[i];
		struct ipvs_dest d;
		int rc;

		if (rs->addr.family != svc->af && rs->fwd.fwd != IPVS_FWD_TUNNEL)
			continue;
		make_dest(rs, svc, weight, &d);
		rc = op == DEST_ADD ? ipvs_dest_add(&ipvs, svc, &d) :
		     op == DEST_EDIT ? ipvs_dest_edit(&ipvs, svc, &d) :
		     ipvs_dest_del(&ipvs, svc, &d);
		if (rc == -EEXIST && op == DEST_ADD)    /* left by -I or a crash */
			rc = ipvs_dest_edit(&ipvs, svc, &d);
		if (rc < 0)
			log_warnx("IPVS: %s server %s of VS %s: %s",
				  op == DEST_ADD ? "adding" : op == DEST_EDIT ? "changing" : "removing",
				  rs->label, vs->label, ipvs_error(&ipvs));
	}
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
		quorum_update(vs);
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
	if (vs->sorry) {
		sorry_in(vs);
		log_info("Removing alive servers from the pool for VS %s", vs->label);
	}
}

static void vs_start(struct ck_vs *vs)
{
	for (size_t i = 0; ipvs.sk && i < vs->n_svcs; i++) {
		int rc = ipvs_service_add(&ipvs, &vs->svcs[i]);

		if (rc == -EEXIST)      /* left by -I or a crash: take it over */
			rc = ipvs_service_edit(&ipvs, &vs->svcs[i]);
		if (rc < 0)
			log_warnx("IPVS: adding VS %s: %s", vs->label, ipvs_error(&ipvs));
	}
	quorum_start(vs);
	if (vs->quorum_ok && vs->sorry && vs->sorry->inhibit)
		sorry_apply(vs, false);
	for (size_t i = 0; i < vs->n_rs; i++)
		rs_apply(&vs->rs[i]);
}

int ck_ipvs_start(struct ck_model *m, struct event_base *base)
{
	int rc;

	ck_notify_init(base);
	log_info("Initializing ipvs");
	rc = ipvs_open(&ipvs);
	if (rc < 0)
		log_errx("IPVS: Can't initialize ipvs: %s", ipvs_error(&ipvs));
	if (rc == 0 && m->lvs_flush && ipvs_flush(&ipvs) < 0)
		log_warnx("IPVS: flush: %s", ipvs_error(&ipvs));
	if (rc == 0 && (m->timeouts.tcp || m->timeouts.tcp_fin || m->timeouts.udp) &&
	    ipvs_timeouts_set(&ipvs, &m->timeouts) < 0)
		log_warnx("IPVS: setting lvs_timeouts: %s", ipvs_error(&ipvs));
	for (size_t i = 0; i < m->n_vs; i++)
		vs_start(&m->vs[i]);
	return rc;
}

static void vs_stop(struct ck_vs *vs)
{
	for (size_t i = 0; i < vs->n_rs; i++) {
		log_info("Shutting down service %s from VS %s", vs->rs[i].label, vs->label);
		vs->rs[i].set = false;
	}
	for (size_t i = 0; ipvs.sk && i < vs->n_svcs; i++) {
		if (ipvs_service_del(&ipvs, &vs->svcs[i]) < 0 && ipvs.err != ESRCH)
			log_warnx("IPVS: removing VS %s: %s", vs->label, ipvs_error(&ipvs));
	}
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
	for (size_t i = 0; !keep && i < m->n_vs; i++)
		vs_stop(&m->vs[i]);
	if (!keep && m->flush_on_stop == CK_FLUSH_STOP_ALL && ipvs.sk && ipvs_flush(&ipvs) < 0)
		log_warnx("IPVS: flush: %s", ipvs_error(&ipvs));
	for (size_t i = 0; i < m->n_vs; i++)
		if (m->vs[i].omega)
			vs_omega(&m->vs[i]);
	ipvs_close(&ipvs);
}
