/*
 * check_sched.h - running every health check of a model: one timer per
 * check that starts its kind's attempts (see check_kind.h).
 *
 * The first attempt of a check comes after a random delay in [0, warmup]
 * (2.2.7 spreads checks this way); then the result funnel says when the
 * next one is due (delay_loop, or delay_before_retry while retrying).
 */
#ifndef KA_CHECK_SCHED_H
#define KA_CHECK_SCHED_H

#include "check_model.h"

struct event_base;

/* Start every check of the model (logs "Activating healthchecker for
 * service X for VS Y" per check, as 2.2.7).  0 or -ENOMEM. */
int ck_sched_start_all(struct ck_model *m, struct event_base *base);
/* Start one check (reload uses it for checks it adds). */
int ck_sched_start(struct ck_check *c, struct event_base *base);
/* Stop one check: attempt in flight cancelled, timer freed. */
void ck_sched_stop(struct ck_check *c);
/* Stop them all: no more results. */
void ck_sched_stop_all(struct ck_model *m);

#endif
