/*
 * check_result.c - the result funnel (see check_result.h).
 *
 * ck_result_step() is the checker state machine, pure: success brings a
 * failed (or never run) checker up; a failure of an up checker that has
 * succeeded before is retried `retry` times, delay_before_retry apart,
 * before the checker is declared failed (a first failure is final at
 * once, as in 2.2.7); a failed checker stays failed until a success.
 * ck_result() wraps it with the side effects: log lines, the real
 * server's n_failed/alive, notify scripts and the IPVS update.
 */
#include "config.h"

#include "check_fifo.h"
#include "check_ipvs.h"
#include "check_kind.h"
#include "check_notify.h"
#include "check_result.h"
#include "check_smtp_alert.h"      /* smtp_alert */
#include "log.h"

const char *ck_outcome_name(enum ck_outcome o)
{
	switch (o) {
	case CK_SUCCESS: return "success";
	case CK_REFUSED: return "connection refused";
	case CK_TIMEOUT: return "timeout";
	default: return "error";
	}
}

void ck_result_init(struct ck_model *m)
{
	for (size_t i = 0; i < m->n_vs; i++) {
		struct ck_vs *vs = &m->vs[i];

		for (size_t j = 0; j < vs->n_rs; j++) {
			struct ck_rs *rs = &vs->rs[j];

			rs->n_failed = 0;
			for (size_t k = 0; k < rs->n_checks; k++) {
				rs->checks[k].up = !rs->checks[k].alpha;
				rs->n_failed += !rs->checks[k].up;
			}
			rs->alive = rs->n_failed == 0;
		}
	}
}

struct ck_step ck_result_step(struct ck_check *c, enum ck_outcome outcome)
{
	struct ck_step st = { .next_us = c->delay_loop_us };
	bool first = !c->has_run;

	c->has_run = true;
	if (outcome == CK_SUCCESS) {
		st.log_success = first || !c->up;
		st.changed = !c->up;
		c->up = true;
		c->retries_done = 0;
		return st;
	}
	if (!c->up) {
		st.first_down = first;
		return st;
	}
	if (!first && c->retries_done < c->retry) {
		c->retries_done++;
		st.next_us = c->delay_before_retry_us;
		return st;
	}
	st.retries = c->retries_done;
	c->retries_done = 0;
	c->up = false;
	st.changed = true;
	return st;
}

static void rs_transition(struct ck_rs *rs, bool alive)
{
	const char *vs = rs->vs->label;

	rs->alive = alive;
	if (alive && rs->inhibit)
		log_info("Enabling service %s of VS %s", rs->label, vs);
	else if (alive)
		log_info("Adding service %s to VS %s", rs->label, vs);
	else if (rs->inhibit)
		log_info("Disabling service %s of VS %s", rs->label, vs);
	else
		log_info("Removing service %s from VS %s", rs->label, vs);
	ck_notify(alive ? rs->notify_up : rs->notify_down);
	ck_fifo_rs(rs, alive);
	ck_ipvs_rs_changed(rs);
}

static void log_ok(const struct ck_check *c)
{
	if (c->kind && c->kind->log_ok)
		c->kind->log_ok(c);
	else
		log_info("%s on service %s succeeded.", c->kind ? c->kind->keyword : "check",
			 c->rs->label);
}

static void log_failed(const struct ck_check *c, unsigned retries)
{
	if (c->kind && c->kind->log_failed)
		c->kind->log_failed(c, retries);
	else if (retries)
		log_info("%s on service %s failed after %u retries.",
			 c->kind ? c->kind->keyword : "check", c->rs->label, retries);
	else
		log_info("%s on service %s failed.", c->kind ? c->kind->keyword : "check",
			 c->rs->label);
}

bool ck_logs_failed_attempt(const struct ck_check *c)
{
	return c->log_all_failures && c->up && c->has_run && c->retries_done < c->retry;
}

uint64_t ck_result(struct ck_check *c, enum ck_outcome outcome)
{
	struct ck_rs *rs = c->rs;
	struct ck_step st = ck_result_step(c, outcome);

	c->last = outcome;
	if (st.log_success)
		log_ok(c);
	if ((st.changed && !c->up) || st.first_down)
		log_failed(c, st.changed ? st.retries : 0);
	else if (outcome != CK_SUCCESS && c->log_all_failures && c->up &&
		 !(c->kind && c->kind->logs_attempts))
		log_info("%s on service %s failed (%s).", c->kind ? c->kind->keyword : "check",
			 rs->label, c->reason[0] ? c->reason : ck_outcome_name(outcome));
	if (st.first_down && !rs->alive)
		ck_notify(rs->notify_down);
	if (!st.changed)
		return st.next_us;
	if (!c->up) {
		if (rs->n_failed++ == 0)
			rs_transition(rs, false);
	} else if (rs->n_failed > 0 && --rs->n_failed == 0) {
		rs_transition(rs, true);
	}
	if (ck_alert_check)             /* smtp_alert: check_smtp_alert.c */
		ck_alert_check(c);
	return st.next_us;
}

void ck_result_weight(struct ck_rs *rs, int weight)
{
	if (weight == rs->weight)
		return;
	log_info("Changing weight from %d to %d for %s service %s of VS %s", rs->weight, weight,
		 rs->alive ? "active" : "inactive", rs->label, rs->vs->label);
	rs->weight = weight;
	ck_ipvs_rs_changed(rs);
}
