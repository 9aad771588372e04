/*
 * vrrp_vmac.h - VMAC and ipvlan interfaces (use_vmac, use_vmac_addr, use_ipvlan):
 * create, configure, remake when deleted, remove.
 *
 * Design.  The engine calls vrrp_vmac_setup() once after building the
 * model and before creating the instances, and vrrp_vmac_teardown() once
 * after every instance has stopped.  Setup creates, for each instance with
 * use_vmac, a macvlan in private mode on the instance's interface (through
 * the nl_link.h verbs) with the virtual router MAC, then does what 2.2.7
 * does (observed on Debian's 2.2.7):
 *   IPv4 VMAC: arp_ignore=1, accept_local=1, promote_secondaries=1,
 *     rp_filter=0 and IPv6 disabled on the VMAC; arp_ignore=1 and
 *     arp_filter=1 on the parent; when net.ipv4.conf.all.rp_filter is on,
 *     every other interface and "default" get the greater of their value
 *     and all's, and all gets 0;
 *   IPv6 VMAC: the parent's EUI-64 link-local address, nodad, preferred
 *     lifetime 0 (so the kernel never picks it as a source on its own).
 * The VMAC is brought up, and the instance's VIPs and excluded VIPs on the
 * parent interface are moved onto it (their ifindex and dev in the model).
 * use_vmac_addr (or use_vmac on a VIP line) adds, for each other interface
 * holding such VIPs, a VMAC of the same MAC and settings named
 * ADDR_PREFIX.VRID (ADDR_PREFIXn.VRID when taken), and moves them there.
 * use_ipvlan makes an ipvlan (vrrp_ipvlan.h) instead of the macvlan, with
 * its address; when it cannot be made the instance stays in FAULT
 * ("Unable to create ipvlan interface"), as in 2.2.7.
 * A link of ours deleted by hand (RTM_DELLINK, vrrp_vmac_link_event())
 * puts its instances in FAULT (VIPs released), is made again at once with
 * the same name and settings, the instances are rebound to it and leave
 * FAULT (BACKUP, then MASTER after the master-down timer), as 2.2.7 does
 * for the instance's VMAC ("Interface vrrp.51 deleted"; 2.2.7 leaves an
 * address VMAC deleted and its instance in FAULT: we remake it too).
 * Teardown deletes the VMACs we created and restores every sysctl we
 * changed to its value before setup (2.2.7 leaves the parent's arp_ignore
 * and arp_filter changed; we restore them).
 */
#ifndef KA_VRRP_VMAC_H
#define KA_VRRP_VMAC_H

#include <stdbool.h>

#include "nl_core.h"

struct conf;
struct nl_link_event;
struct vrrp_inst;
struct vrrp_model;
struct vrrp_model_inst;

/* The engine's two calls.  Start, after the model is built: vrrp_fw_start()
 * (vrrp_firewall.h), vrrp_vmac_setup(), vrrp_fw_vmacs().  Stop, once the
 * instances are stopped and freed: vrrp_fw_stop(), then
 * vrrp_vmac_teardown(), or with keep_vmacs (-V, --dont-release-vrrp) the
 * VMACs and sysctls are left as they are, as 2.2.7 leaves them. */
void vrrp_vmac_fw_start(const struct conf *conf, struct vrrp_model *model, struct nlctx *nl);
void vrrp_vmac_fw_stop(struct nlctx *nl, bool keep_vmacs);

/* Create and configure every VMAC of the model; failures are logged and
 * leave that instance's vmac.ifindex at 0 (vrrp_vmac_ready() false).
 * Calling it again with a new model (reload) reuses the VMACs already
 * made for instances of the same name. */
void vrrp_vmac_setup(struct vrrp_model *model, struct nlctx *nl);
/* Delete the VMACs created by setup and restore the sysctls. */
void vrrp_vmac_teardown(struct nlctx *nl);
/* Forget them instead (nothing deleted or restored). */
void vrrp_vmac_forget(void);

/* False (and logged) when the instance wants a VMAC that does not exist:
 * the instance must not start. */
bool vrrp_vmac_ready(const struct vrrp_model_inst *m);
/* False while the instance's VMAC or ipvlan (or one of its address VMACs)
 * is missing: the instance is in FAULT (vrrp_inst_own_fault()). */
bool vrrp_vmac_up(const struct vrrp_model_inst *m);
/* The engine's link event hook: a link of ours deleted by hand is made
 * again and the instances of model (running as the list head) follow. */
void vrrp_vmac_link_event(struct vrrp_model *model, struct vrrp_inst *head, struct nlctx *nl,
			  const struct nl_link_event *ev);
/* Where the instance sends and receives adverts: the VMAC unless
 * vmac_xmit_base (or no VMAC), else its interface. */
int vrrp_vmac_xmit_ifindex(const struct vrrp_model_inst *m);
const char *vrrp_vmac_xmit_ifname(const struct vrrp_model_inst *m);
/* The interface whose MAC the instance's GARPs/NAs carry: the VMAC when
 * there is one, else its interface. */
int vrrp_vmac_mac_ifindex(const struct vrrp_model_inst *m);

#endif
