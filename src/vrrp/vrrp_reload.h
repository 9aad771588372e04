/*
 * vrrp_reload.h - reconciling running VRRP instances with a reloaded
 * configuration without flapping.
 *
 * A running instance and a new one are the same instance when they have
 * the same VRID, address family, interface and unicast-or-multicast
 * (2.2.7's rule; the name may change).  Matched instances keep their
 * state, timers and counters and take the new model
 * (vrrp_inst_reconfigure: a MASTER only adds/removes the VIPs that
 * changed); running instances without a match stop as at shutdown
 * (priority 0 advert, addresses released, notify); new instances start as
 * at startup.  Matching sorts the new model once: O(n log n).
 */
#ifndef KA_VRRP_RELOAD_H
#define KA_VRRP_RELOAD_H

#include "vrrp_instance.h"
#include "vrrp_model.h"

/* Same instance across a reload?  <0, 0, >0 like strcmp (a total order). */
int vrrp_reload_cmp(const struct vrrp_model_inst *a, const struct vrrp_model_inst *b);

/* Reconcile the list *head (instances built on the previous model) with
 * nm.  On return every instance of *head points into nm; the previous
 * model may be freed.  Returns 0, or -1 when out of memory (nothing
 * changed then). */
int vrrp_reload_apply(struct vrrp_inst **head, const struct vrrp_model *nm,
		      const struct vrrp_env *env);

#endif
