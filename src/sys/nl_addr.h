/*
 * nl_addr.h - interface addresses: add, delete, test presence.
 *
 * The VRRP child adds its virtual addresses when it becomes MASTER and
 * removes them when it leaves; keepalived's "virtual_ipaddress" options
 * map onto struct sys_ifaddr (brd, peer, scope, label, preferred_lft, and
 * the address flags: "-nodad" for IPv6, which the VRRP engine wants so that
 * a VIP is usable at once, home, mngtmpaddr, noprefixroute, autojoin).  Requests go through struct nlctx (nl_core.h): each verb
 * returns 0 or -errno, and nlctx_error() then holds the kernel's reason.
 */
#ifndef KA_SYS_NL_ADDR_H
#define KA_SYS_NL_ADDR_H

#include <stdint.h>
#include <net/if.h>

#include "nl_core.h"

#define SYS_LFT_FOREVER UINT32_MAX

struct sys_ifaddr {
	int ifindex;                 /* interface; required */
	struct sys_ip addr;          /* IFA_LOCAL (and IFA_ADDRESS without a peer) */
	int prefixlen;               /* < 0: host length (32 or 128) */
	struct sys_ip peer;          /* IFA_ADDRESS of a point-to-point peer; family 0 = none */
	struct sys_ip brd;           /* IFA_BROADCAST, IPv4 only; family 0 = none */
	int scope;                   /* RT_SCOPE_*, < 0: kernel default (global) */
	char label[IFNAMSIZ];        /* IFA_LABEL, IPv4 only; "" = none */
	uint32_t preferred_lft;      /* seconds; SYS_LFT_FOREVER = forever */
	uint32_t valid_lft;          /* seconds; SYS_LFT_FOREVER = forever */
	uint32_t flags;              /* IFA_F_NODAD, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR,
	                              * IFA_F_NOPREFIXROUTE, IFA_F_MCAUTOJOIN (keepalived's
	                              * -nodad, home, mngtmpaddr, noprefixroute, autojoin) */
};

/* Fill a with defaults: no peer, no brd, default scope, no label,
 * lifetimes forever, no flags (so DAD on). */
void sys_ifaddr_init(struct sys_ifaddr *a, int ifindex);

/* Add the address (NLM_F_EXCL: -EEXIST if it is already there). */
int nl_addr_add(struct nlctx *ctx, const struct sys_ifaddr *a);
/* Delete it (matched on ifindex, address and prefix length); -EADDRNOTAVAIL
 * if absent. */
int nl_addr_del(struct nlctx *ctx, const struct sys_ifaddr *a);
/* 1 if ip is configured on ifindex (any interface when ifindex is 0),
 * 0 if not, -errno if the dump failed. */
int nl_addr_present(struct nlctx *ctx, int ifindex, const struct sys_ip *ip);

#endif
