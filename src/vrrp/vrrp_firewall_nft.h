/*
 * vrrp_firewall_nft.h - the nftables backend of the VRRP firewall.
 *
 * Design.  One table per family (ip / ip6, default name "keepalived"),
 * built as Debian's keepalived 2.2.7 builds it (checked with
 * `nft -d netlink list ruleset` against the reference):
 *   at start, when VMACs exist: base chain "out" (hook output, priority
 *     nftables_priority, default -1, policy accept), map "vmac_map"
 *     (iface_index : iface_index, VMAC -> parent) and a rule sending
 *     IGMP (IPv4) / MLDv2 reports (IPv6) leaving a macvlan out of its
 *     parent instead ("dup to ... device oif map @vmac_map drop"); for
 *     IPv6 also set "vmac_set" and a rule dropping router solicitations
 *     sent on a VMAC;
 *   the first time VIPs are to be dropped: base chain "in" (hook input),
 *     set "vips" and rules "ip daddr @vips drop" (in) and "ip saddr @vips
 *     drop" (out); for IPv6 first the constant set "neighbor-discovery"
 *     (NS, NA) accepted in both chains, and link-local traffic sent to the
 *     chains "in_link_local" / "out_link_local", which drop traffic to
 *     link-local VIPs (set "vips_link_local", ipv6_addr . iface_index,
 *     made when the first one is added).
 * Entering MASTER adds the instance's VIPs to "vips"; leaving removes
 * them; the chains stay until the tables are deleted at stop.  Each
 * change is one netlink batch (NFNL_MSG_BATCH_BEGIN .. END) acknowledged
 * message by message.  Link-local VIPs of instances with
 * dont_track_primary (unless nftables_ifindex) go to the set
 * "vips_link_local_name" keyed by interface name, as in 2.2.7.
 * Every function returns 0 or -errno and logs its failures.
 */
#ifndef KA_VRRP_FIREWALL_NFT_H
#define KA_VRRP_FIREWALL_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include "nl_core.h"

struct fw_nft_conf {
	char table[64];              /* "nftables TABLENAME", default "keepalived" */
	int priority;                /* nftables_priority, default -1 */
	bool counters;               /* nftables_counters */
};

/* A VIP and the interface it is on (which matters for link-local ones). */
struct fw_addr {
	struct sys_ip ip;
	int ifindex;
	bool by_name;                /* link-local: key by interface name, not index */
};

struct fw_vmac_pair {
	int vmac;                    /* ifindex of the VMAC */
	int parent;                  /* ifindex of the interface under it */
};

/* Open the netfilter socket and remember the settings; a stale table of
 * our name (left by a crash) is deleted. */
int fw_nft_open(const struct fw_nft_conf *c);
/* Create the table of family (AF_INET/AF_INET6) with the VMAC rules. */
int fw_nft_vmacs(int family, const struct fw_vmac_pair *v, size_t n);
/* A VMAC was made again (deleted by hand): its new ifindex replaces the
 * old one in the VMAC map (and, for IPv6, set), as 2.2.7 does. */
int fw_nft_vmac_moved(int family, const struct fw_vmac_pair *old, const struct fw_vmac_pair *now);
/* Add (add=true) or remove addresses of one family to/from "vips" (IPv6
 * link-local ones: to/from "vips_link_local", keyed by address and
 * interface index), creating the drop chains and sets on first use. */
int fw_nft_vips(int family, const struct fw_addr *ips, size_t n, bool add);
/* Delete our tables and close the socket. */
void fw_nft_close(void);

#endif
