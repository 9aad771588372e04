/*
 * vrrp_actions.h - the side effects of a VRRP state change: virtual
 * addresses, gratuitous ARP / unsolicited NA, notify scripts.
 *
 * Design.  Called only from the instance's change_state (vrrp_instance.c),
 * never from the state machine directly.  Each verb logs what 2.2.7 logs
 * for it ("(VI_1) setting VIPs.", "(VI_1) removing VIPs.", "(VI_1)
 * Sending/queueing gratuitous ARPs on eth0 for 192.168.200.100").
 */
#ifndef KA_VRRP_ACTIONS_H
#define KA_VRRP_ACTIONS_H

#include "vrrp_instance.h"

/* Add every VIP and excluded VIP (an address already present is fine). */
void vrrp_act_set_vips(struct vrrp_inst *in);
/* Remove them (absent addresses are fine). */
void vrrp_act_remove_vips(struct vrrp_inst *in);
/* Reload of a MASTER: remove the addresses of `old` that `m` lacks, add
 * those `m` gained (with one GARP/NA burst each).  Reads in->m for log
 * names only. */
void vrrp_act_update_vips(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			  const struct vrrp_model_inst *m);
/* One burst of `repeat` GARPs/NAs per VIP. */
void vrrp_act_garp(struct vrrp_inst *in, unsigned repeat);
/* Run a notify script as n's user/group; detached (double fork, survives
 * our exit) at STOP.  who names the instance or group in the log. */
void vrrp_act_run_script(const struct vrrp_env *env, const char *who, const struct vrrp_notify *n,
			 const char *cmd, bool detached);
/* notify_<state> then notify with INSTANCE NAME STATE PRIORITY. */
void vrrp_act_notify(struct vrrp_inst *in, enum vrrp_state to);
/* A MASTER received a lower-priority advert (2.2.7, observed): the FIFO
 * line INSTANCE "VI_1" MASTER_RX_LOWER_PRI 120, and the instance's
 * notify_master_rx_lower_pri script. */
void vrrp_act_notify_rx_lower(struct vrrp_inst *in);

#endif
