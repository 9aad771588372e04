/*
 * vrrp_firewall.h - the VRRP firewall: VIP traffic dropped in no_accept
 * mode, and VMAC multicast hygiene.
 *
 * Design.  keepalived.conf(5): an instance in no_accept mode (no_accept,
 * or vrrp_strict / strict_mode without "accept"; VRRPv2 IPv4 under strict
 * mode always) that is not the address owner (priority 255) must not
 * accept packets sent to its VIPs while MASTER.  2.2.7 does that with a
 * firewall; this module decides what to filter and tells the nftables
 * backend (vrrp_firewall_nft.h), which builds 2.2.7's tables.  The engine
 * (through vrrp_vmac_fw_start/stop) calls vrrp_fw_start(), then
 * vrrp_fw_vmacs() once the VMACs exist, and vrrp_fw_stop() at the end; vrrp_actions.c calls vrrp_fw_vips() around adding (before) and
 * removing (after) an instance's VIPs, which logs 2.2.7's lines "(VI_1)
 * setting firewall drop rule" / "(VI_1) removing firewall drop rule" and,
 * once per instance, one warning that says why VIP traffic is dropped and
 * how to allow it.  With "vrrp_iptables" (and no "nftables") the iptables
 * + ipset backend (vrrp_firewall_ipt.h) is used instead when keepalived was
 * built with libipset; it has no VMAC multicast rules.  Debian's 2.2.7,
 * built without iptables support, uses nftables in that case.
 */
#ifndef KA_VRRP_FIREWALL_H
#define KA_VRRP_FIREWALL_H

#include <stdbool.h>

struct conf;
struct vrrp_model;
struct vrrp_model_inst;

/* Read the firewall settings of global_defs and open the backend when any
 * instance needs it (use_vmac, or VIP traffic to drop). */
void vrrp_fw_start(const struct conf *conf, const struct vrrp_model *model);
/* Once the VMACs exist (vrrp_vmac.h): install the VMAC rules. */
void vrrp_fw_vmacs(const struct vrrp_model *model);
/* m's VMAC was made again under a new ifindex (it was `old`). */
void vrrp_fw_vmac_moved(const struct vrrp_model_inst *m, int old);
/* The instance's VIPs (and excluded VIPs) are being set (add=true, call
 * before adding them) or removed (add=false, call after): start or stop
 * dropping traffic to them.  No effect when the instance accepts it. */
void vrrp_fw_vips(const struct vrrp_model_inst *m, bool add);
/* Reload: follow the instances into the new model (matched by name) once
 * the old one is no longer used; call before freeing the old model. */
void vrrp_fw_rebase(const struct vrrp_model *model);
/* Remove every table and close the backend. */
void vrrp_fw_stop(void);
/* True when traffic to m's VIPs is dropped while m is MASTER. */
bool vrrp_fw_drops(const struct vrrp_model_inst *m);

#endif
