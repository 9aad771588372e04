/*
 * vrrp_ipvlan.h - the ipvlan link of "use_ipvlan" (keepalived.conf(5)).
 *
 * Design.  vrrp_vmac.c treats an ipvlan like a VMAC (same life cycle:
 * made at setup, remade when deleted by hand, deleted at stop); this
 * module only knows how to make one: an ipvlan in L2 mode with the
 * configured flags (bridge, private or vepa) on the instance's interface,
 * created with one RTM_NEWLINK through the nlctx socket, as 2.2.7 does,
 * then its address added.  An ipvlan shares its parent's MAC address.
 */
#ifndef KA_VRRP_IPVLAN_H
#define KA_VRRP_IPVLAN_H

#include "nl_core.h"

/* Create ipvlan link name on parent, mode L2, flags IPVLAN_F_* (0 =
 * bridge); the link is left down.  Returns its ifindex, or -errno with
 * nlctx_error() set (-EEXIST: a link of that name exists; -EOPNOTSUPP:
 * the kernel has no ipvlan). */
int vrrp_ipvlan_add(struct nlctx *nl, int parent, const char *name, int flags);

/* Add addr/plen (family 0: nothing) to the ipvlan ifindex; an address
 * already there is fine.  0 or -errno. */
int vrrp_ipvlan_addr(struct nlctx *nl, int ifindex, const struct sys_ip *addr, int plen);

#endif
