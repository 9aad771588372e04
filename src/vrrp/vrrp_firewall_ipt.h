/*
 * vrrp_firewall_ipt.h - the iptables + ipset backend of the VRRP firewall
 * (vrrp_iptables in global_defs, without nftables).
 *
 * Design.  keepalived.conf(5): "vrrp_iptables" filters in INPUT and
 * OUTPUT, "vrrp_iptables IN" in chain IN only, "vrrp_iptables IN OUT" in
 * both; the chains must exist.  VIPs are kept in ipsets through libipset:
 * "keepalived" (hash:ip), "keepalived6" (hash:ip, inet6) and
 * "keepalived_if6" (hash:net,iface, IPv6 link-local VIPs with their
 * interface), the default names of vrrp_ipsets.  The first time VIPs of a
 * family are dropped, rules matching those sets are appended to the chains
 * with the iptables / ip6tables commands (for IPv6, neighbour solicitations
 * and advertisements to or from a VIP are accepted first); MASTER adds the
 * instance's VIPs to the sets, leaving removes them; at stop the rules are
 * deleted and the sets destroyed.  Debian's 2.2.7 is built without
 * iptables support (it uses nftables even when vrrp_iptables is set), so
 * this follows the manual, not an observed reference.
 * Functions return 0 or -errno and log their failures.
 */
#ifndef KA_VRRP_FIREWALL_IPT_H
#define KA_VRRP_FIREWALL_IPT_H

#include <stdbool.h>
#include <stddef.h>

#include "vrrp_firewall_nft.h"       /* struct fw_addr */

struct fw_ipt_conf {
	char in_chain[32];           /* "INPUT" by default */
	char out_chain[32];          /* "OUTPUT" by default, "" = none */
};

/* Load libipset and create the (empty) sets; -ENOTSUP when built without
 * libipset. */
int fw_ipt_open(const struct fw_ipt_conf *c);
int fw_ipt_vips(int family, const struct fw_addr *ips, size_t n, bool add);
/* Delete our rules and destroy the sets. */
void fw_ipt_close(void);

#endif
