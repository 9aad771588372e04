/*
 * ipvs_async.h - IPVS service edits sent from a helper thread.
 *
 * When an edit changes a service's scheduler, the kernel waits for an RCU
 * grace period before it answers (ip_vs_edit_service() unbinds the old
 * scheduler, then synchronize_rcu()): about 12 ms in the test VM, during
 * which the sender sleeps.  A reload that changes ten schedulers would
 * spend most of its time there, idle.  Sent from a helper thread on a
 * socket of its own, those waits overlap with the rest of the reload
 * (building the new model, the difference of the real servers).  The
 * kernel runs IPVS requests one at a time whichever socket they come
 * from, so every request still sees a consistent table.
 */
#ifndef KA_CHECK_IPVS_ASYNC_H
#define KA_CHECK_IPVS_ASYNC_H

#include <stddef.h>

#include "ipvs_nl.h"

struct ipvs_async;

/* Queue an edit of svc (its options replace the kernel's), to be sent in
 * queue order; `tag` comes back with a refusal.  The first call starts
 * the thread.  0, or -errno when the edit could not be queued (then
 * nothing was: send it yourself). */
int ipvs_async_edit(struct ipvs_async **a, const struct ipvs_service *svc, const void *tag);

typedef void ipvs_async_failed_fn(void *arg, const void *tag, const char *why);

/* Wait until every queued edit has its answer, call failed() for each
 * refused one (in queue order), stop the thread and free *a (NULL: no
 * edit was queued, nothing to do).  Returns the number of edits queued. */
size_t ipvs_async_finish(struct ipvs_async **a, ipvs_async_failed_fn *failed, void *arg);

#endif
