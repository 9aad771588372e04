/*
 * vrrp_lvs_syncd.h - global_defs "lvs_sync_daemon INTERFACE [[inst]
 * VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]": the
 * kernel's IPVS connection-sync daemon follows a VRRP instance.
 *
 * As 2.2.7 does (observed in the VM with ipvsadm -L --daemon): while the
 * named instance is MASTER the master sync daemon runs, in any other
 * state (BACKUP, FAULT, and at start before the first election) the
 * backup one does; without an instance both run as long as the VRRP
 * child does.  The sync id defaults to the instance's VRID (0 without
 * one).  The VRRP child stops its daemons when it stops.  Kernel errors
 * are logged once per change; the daemon is IPVS's, so this module talks
 * to the IPVS layer (src/check/ipvs_nl.h).
 */
#ifndef KA_VRRP_LVS_SYNCD_H
#define KA_VRRP_LVS_SYNCD_H

#include "vrrp_fsm.h"

struct conf;
struct vrrp_inst;

/* Read lvs_sync_daemon from conf and bring the daemons in line with the
 * current state of the instances (list from vrrp_engine_instances()).
 * Called after the instances start and after each reload. */
void vrrp_lvs_syncd_setup(const struct conf *conf, const struct vrrp_inst *instances);
/* An instance changed state (vrrp_instance.c). */
void vrrp_lvs_syncd_state(const struct vrrp_inst *in, enum vrrp_state to);
/* Stop the daemons we started and forget the configuration. */
void vrrp_lvs_syncd_stop(void);

#endif
