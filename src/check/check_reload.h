/*
 * check_reload.h - apply a new configuration to the running checker
 * (SIGHUP) by difference, as reconfigure(old, new).
 *
 * The caller builds the new model from the new tree (check_model_build),
 * computes its check signatures, then calls ck_reload_apply(), which
 * matches the old model's objects with the new ones, carries the run-time
 * state across and touches the kernel only where something differs:
 *
 *   virtual servers  matched by their name in 2.2.7's logs (address,
 *                    protocol and port; "FWM N" and family; a group's
 *                    name); within a match, kernel services by identity
 *                    (af, protocol, address, port or fwmark).  Unchanged
 *                    services are left alone, changed options (scheduler,
 *                    flags, persistence, engine) edited, removed services
 *                    deleted, new ones added.
 *   real servers     matched by address and port within a matched virtual
 *                    server: their destination stays (no delete/re-add,
 *                    no weight bounce); it is edited only when its weight,
 *                    forwarding method or thresholds changed.
 *   checks           matched by kind, connect target (connect_ip/port,
 *                    bindto, bind_port, bind_if, fwmark) and the kind's own
 *                    options (the signature): the verdict (up, has_run,
 *                    retries) carries over and the next attempt comes when
 *                    the old one was due.
 *   quorum           the quorum state and the sorry server carry over and
 *                    are re-evaluated against the new weights and quorum.
 *
 * Kept checks: a check's struct moves (the new model's array), and both
 * the timer's callback argument and the kind's attempt state (c->run,
 * which may point into the old spec, itself pointing into the old tree)
 * refer to the old struct.  So a kept check is stopped in the old model
 * (an attempt in flight is cancelled: kind->cancel()) and started in the
 * new one with its verdict state copied and its timer armed with the time
 * the old timer had left (at once when an attempt was in flight).  This
 * works for every kind through the existing contract (check_kind.h) and
 * leaves no pointer into the old tree.
 *
 * ha_suspend: the caller re-evaluates the suspension of the new model
 * (ck_suspend_watch) before; checks of suspended virtual servers keep
 * their carried state but do not run.
 *
 * Cost: hash tables over virtual servers, services and real servers, so
 * the work is linear in the size of the two configurations.
 */
#ifndef KA_CHECK_RELOAD_H
#define KA_CHECK_RELOAD_H

#include <stddef.h>
#include <stdint.h>

#include "check_model.h"

struct conf;
struct event_base;

/* One signature per check of m, in model order (virtual server, real
 * server, check): a hash of the check block's own keywords, without the
 * options every kind shares (those are compared through the model).  The
 * blocks are found by walking conf the way check_model_build() does.
 * Returns a malloc'd array (never NULL unless out of memory). */
uint64_t *ck_reload_signatures(const struct ck_model *m, const struct conf *conf);

/* What a reload did (for logs and tests). */
struct ck_reload_stats {
	size_t vs_kept, vs_added, vs_removed;
	size_t svc_kept, svc_edited, svc_added, svc_removed;
	size_t rs_kept, rs_edited, rs_added, rs_removed;
	size_t ck_kept, ck_added, ck_removed;
};

/* Move from `old` (running: checks started, IPVS programmed) to `nw`
 * (just built, nothing started), with sigs from ck_reload_signatures().
 * Afterwards every check of nw runs, none of old does, and old holds no
 * kernel state: the caller frees it.  0, or -ENOMEM (then nothing was
 * changed and old still runs). */
int ck_reload_apply(struct ck_model *old, const uint64_t *old_sigs, struct ck_model *nw,
		    const uint64_t *new_sigs, struct event_base *base,
		    struct ck_reload_stats *st);

/* Service edits ahead of the difference.  A scheduler change makes the
 * kernel wait for an RCU grace period (ipvs_async.h); so that those waits
 * overlap with building the new model, the caller builds it with
 * check_model_build_each(conf, ck_reload_early_vs, early): each new
 * virtual server is matched with the running one as soon as it is built,
 * and the edits of its changed services go out at once through `send`
 * (ck_ipvs_reload_svc_early(): from a helper thread; false: not sent,
 * the difference will send it).  The new options of a sent edit are
 * written into the old model's service, which so describes the kernel's
 * table again: ck_reload_apply() finds nothing left to edit there.  Only
 * the options of services present on both sides change early, so these
 * edits may reach the kernel before the deletions (or between the other
 * requests) without harm: deletions still come before additions.
 * ck_reload_early_end() frees the index and returns the number of edits
 * sent; their answers are awaited (and refusals logged) by
 * ck_ipvs_reload_finish().  A NULL from begin (out of memory) means:
 * build without the hook. */
struct ck_reload_early;
typedef bool ck_early_send_fn(const struct ck_vs *vs, const struct ipvs_service *svc);
struct ck_reload_early *ck_reload_early_begin(struct ck_model *old, ck_early_send_fn *send);
void ck_reload_early_vs(void *early, const struct ck_vs *vs);
size_t ck_reload_early_end(struct ck_reload_early *e);

#endif
