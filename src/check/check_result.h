/*
 * check_result.h - the one funnel every health-check outcome goes through.
 *
 * A check (check_kind.h) reports the raw outcome of one attempt; the
 * funnel applies retry and delay_before_retry, decides when the checker
 * changes state, logs each transition once with 2.2.7's wording ("TCP
 * connection to [10.9.0.2]:tcp:80 success.", "TCP_CHECK on service
 * [10.9.0.2]:tcp:80 failed after 1 retries."), derives the real server's
 * state (alive when none of its checkers failed), logs and notifies that
 * ("Removing service X from VS Y" / "Disabling service X of VS Y" with
 * inhibit_on_failure, "Adding ..." / "Enabling ...", notify_up/down) and
 * hands the change to the IPVS layer.  It returns when to try next.
 */
#ifndef KA_CHECK_RESULT_H
#define KA_CHECK_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "check_model.h"

enum ck_outcome {
	CK_SUCCESS,     /* connected */
	CK_REFUSED,     /* RST: nothing listens */
	CK_TIMEOUT,     /* no answer within connect_timeout */
	CK_ERROR,       /* any other failure (unreachable, bind failed, bad reply...) */
};

/* Set the checkers' and real servers' start state (up unless alpha).
 * Call once per model, before ck_ipvs_start(). */
void ck_result_init(struct ck_model *m);

/* Report one attempt of checker c; returns the delay in microseconds
 * before its next attempt (delay_before_retry while retrying, else
 * delay_loop).  May change IPVS, log and run scripts. */
uint64_t ck_result(struct ck_check *c, enum ck_outcome outcome);

/* With log_all_failures, 2.2.7 logs each failed attempt of an up checker
 * that will be retried (the verdict, " after N retries", is ck_result's):
 * should the kind log this failure? */
bool ck_logs_failed_attempt(const struct ck_check *c);

/* A check that sets the real server's weight (MISC_CHECK misc_dynamic,
 * FILE_CHECK): log the change as 2.2.7 does and update IPVS. */
void ck_result_weight(struct ck_rs *rs, int weight);

/* What one outcome did to a checker (ck_result_step). */
struct ck_step {
	uint64_t next_us;       /* delay before the next attempt */
	bool changed;           /* the checker's verdict (c->up) changed */
	bool first_down;        /* first verdict of a checker that started failed
				 * (alpha): 2.2.7 logs the failure and runs
				 * notify_down, the pool is unchanged */
	bool log_success;       /* 2.2.7 logs "TCP connection to ... success." */
	unsigned retries;       /* retries made before a failure verdict */
};

/* Pure core of the funnel, for unit tests: apply one outcome to c's state
 * (up, has_run, retries_done) and say what happened.  A checker that has
 * never run gets no retries (as 2.2.7): its first failure is final. */
struct ck_step ck_result_step(struct ck_check *c, enum ck_outcome outcome);

const char *ck_outcome_name(enum ck_outcome o);

#endif
