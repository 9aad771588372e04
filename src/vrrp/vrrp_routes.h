/*
 * vrrp_routes.h - virtual_routes / virtual_rules of an instance and the
 * static_ipaddress / static_routes / static_rules of the VRRP child.
 *
 * Design.  Two halves.  The model half (vrrp_model_routes.c) parses the
 * lists once per model build (vrrp_route_parse.h), resolves device names
 * and numbers the rules written without a preference as 2.2.7 does (from
 * 16384 down, in file order).  The action half (vrrp_routes.c) installs
 * and removes them over netlink, following what 2.2.7 does:
 *   - an instance's routes and rules are added on MASTER after its VIPs
 *     ("(VI_1) setting Virtual Routes", "... Rules") and removed before
 *     them when it leaves MASTER, at start (stale entries) and at stop
 *     ("(VI_1) removing Virtual Rules", "... Routes"); kept with -V like
 *     the VIPs (the caller decides, as for VIPs);
 *   - static addresses, routes and rules are added when the VRRP child
 *     starts and removed when it stops, even with -V (2.2.7 does so);
 *   - on reload only the entries that changed are removed ("Removing
 *     route DEST", "ip rule RULE removed") or added.
 * An entry the kernel refuses is logged with the kernel's reason and
 * skipped; the instance carries on.  "Already there" on add and "not
 * there" on delete are not errors.
 */
#ifndef KA_VRRP_ROUTES_H
#define KA_VRRP_ROUTES_H

#include "nl_core.h"
#include "vrrp_model.h"

struct sys_ifaddr;

struct conf;
struct event_base;
struct vrrp_inst;

/* ---- model (vrrp_model_routes.c) ---- */

/* Fill every instance's vroutes/vrules and the model's static lists from
 * the tree (instances are matched by name).  Entries that cannot be used
 * are logged and left out.  0, or -1 when out of memory. */
int vrrp_model_routes_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *m);
/* Free what vrrp_model_routes_build() allocated; safe on a zeroed model. */
void vrrp_model_routes_free(struct vrrp_model *m);

/* ---- actions (vrrp_routes.c) ---- */

/* MASTER: add the instance's routes, then its rules. */
void vrrp_routes_set(struct vrrp_inst *in);
/* Leaving MASTER / start / stop: remove its rules, then its routes. */
void vrrp_routes_remove(struct vrrp_inst *in);
/* Reload of a MASTER, in two steps around the VIP changes: first remove
 * the rules and routes of `old` that `m` lacks, then (once the new VIPs
 * are there, as a route's src may need one) add those `m` gained. */
void vrrp_routes_update_remove(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			       const struct vrrp_model_inst *m);
void vrrp_routes_update_add(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			    const struct vrrp_model_inst *m);

/* Static addresses, routes, rules: at start, at stop, and on reload
 * (only what changed between old and nm).  From start to stop, deleted
 * static entries are restored and a MASTER whose tracked virtual route or
 * rule is deleted steps down (vrrp_route_watch.h), watching on base. */
void vrrp_statics_set(struct event_base *base, struct nlctx *nl, const struct vrrp_model *m);
void vrrp_statics_remove(struct nlctx *nl, const struct vrrp_model *m);
void vrrp_statics_update(struct nlctx *nl, const struct vrrp_model *old,
			 const struct vrrp_model *nm);
/* The kernel request for address v: label, scope, broadcast, flags; a VIP
 * (vip=true) over IPv6 is always added without DAD, a static address only
 * with "nodad". */
void vrrp_addr_request(const struct vrrp_vip *v, bool vip, struct sys_ifaddr *a);
/* Add one static address (NLM_F_EXCL): 0, -EEXIST, or -errno (reason in
 * nlctx_error()); nothing logged.  For the watch (vrrp_route_watch.c). */
int vrrp_static_addr_add(struct nlctx *nl, const struct vrrp_vip *v);

#endif
