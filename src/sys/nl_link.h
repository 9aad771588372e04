/*
 * nl_link.h - network interfaces: lookup, state, and VMAC links.
 *
 * The VRRP child needs to resolve interface names, learn an interface's
 * MAC address, MTU and up/down state, bring links up or down, and, for
 * "use_vmac", create a macvlan link in private mode on top of the VRRP
 * interface with the virtual router MAC (00:00:5e:00:01:VRID for IPv4,
 * 00:00:5e:00:02:VRID for IPv6, RFC 5798 section 7.3) and delete it again.
 * Verbs return 0 (or an ifindex) on success and -errno on failure;
 * nlctx_error() then holds the kernel's reason.
 */
#ifndef KA_SYS_NL_LINK_H
#define KA_SYS_NL_LINK_H

#include <stdint.h>
#include <net/if.h>

#include "nl_core.h"

#define SYS_MAC_LEN 6

struct sys_link {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned int flags;          /* IFF_* as the kernel reports them */
	bool admin_up;               /* IFF_UP */
	bool oper_up;                /* IFF_UP and IFF_RUNNING (carrier) */
	uint8_t mac[SYS_MAC_LEN];    /* zero when the link has none */
	int mac_len;                 /* 6 for Ethernet, 0 for none */
	uint32_t mtu;
	int parent;                  /* IFLA_LINK (lower device), 0 if none */
	char kind[16];               /* "macvlan", "veth", ... or "" */
};

/* Index of the interface called name, or -ENODEV. */
int nl_link_index(struct nlctx *ctx, const char *name);
/* Describe the interface given by ifindex (> 0) or else by name. */
int nl_link_get(struct nlctx *ctx, int ifindex, const char *name, struct sys_link *out);
/* Set the administrative state (ip link set X up/down). */
int nl_link_set_up(struct nlctx *ctx, int ifindex, bool up);
/* Delete a link (VMACs we created). */
int nl_link_del(struct nlctx *ctx, int ifindex);

/* The RFC 5798 virtual router MAC for vrid and family (AF_INET/AF_INET6). */
void sys_vmac_addr(uint8_t vrid, int family, uint8_t mac[SYS_MAC_LEN]);
/* Create macvlan link name on parent_ifindex, mode private, with mac and
 * IPv6 addrgenmode none (no automatic link-local address), as 2.2.7's
 * VMACs are; the link is left down.  Returns its ifindex or -errno
 * (-EEXIST if a link of that name exists).  2.2.7 names VMACs "vrrp.VRID"
 * for both families. */
int nl_vmac_add(struct nlctx *ctx, int parent_ifindex, const char *name,
		const uint8_t mac[SYS_MAC_LEN]);

#endif
