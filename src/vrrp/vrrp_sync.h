/*
 * vrrp_sync.h - vrrp_sync_group: instances that change state together.
 *
 * Semantics observed on keepalived 2.2.7 (two routers, a group of two
 * instances on two interfaces):
 *  - a member that becomes MASTER pulls the others up: "VRRP_Group(G1)
 *    Syncing instances to MASTER state", then each "(VI_B) Entering
 *    MASTER STATE";
 *  - a member that becomes MASTER only does so when every other member is
 *    ready to (its own master-down timer has run out, or it is MASTER):
 *    the last member whose timer runs out moves the group;
 *  - a MASTER member that steps down to BACKUP takes the others down
 *    ("Syncing instances to BACKUP state"), without priority 0 adverts;
 *  - a member entering FAULT by itself (link, tracking) puts the others
 *    in FAULT ("Syncing instances to FAULT state"); the group leaves
 *    FAULT when no member is faulted by itself any more;
 *  - the group's own notify scripts run on each group transition, `notify`
 *    with "GROUP NAME STATE 0", as do the FIFO lines (GROUP "G1" MASTER
 *    0), from BACKUP at startup to STOP at shutdown; members' own notify
 *    scripts run as usual.
 *
 * The model part (vrrp_model_sync_build) reads the vrrp_sync_group blocks
 * into the VRRP model; the run-time part keeps one struct vrrp_sync per
 * group, and the instance calls in at its state changes
 * (vrrp_sync_changed), when its master-down timer runs out
 * (vrrp_sync_may_master) and when it works out whether it is faulted
 * (vrrp_sync_others_faulted).
 */
#ifndef KA_VRRP_SYNC_H
#define KA_VRRP_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "vrrp_fsm.h"
#include "vrrp_model.h"

struct conf;
struct vrrp_inst;

/* One vrrp_sync_group block. */
struct vrrp_model_group {
	const char *name;
	size_t *members;             /* indexes into vrrp_model.inst */
	size_t nmembers;
	struct vrrp_notify notify_master, notify_backup, notify_fault, notify_stop, notify;
	bool smtp_alert;
	bool tracking_weight;        /* sync_group_tracking_weight */
};

/* Read every vrrp_sync_group of conf into m (m->groups, and each member's
 * sync_group index).  Members that are not running instances are left
 * out (the reader has reported them).  0, or -1 when out of memory. */
int vrrp_model_sync_build(const struct conf *conf, struct vrrp_model *m);
void vrrp_model_sync_free(struct vrrp_model *m);

/* Run time: one per group, its members being running instances. */
struct vrrp_sync;

/* Create the groups of model m over the running instances of list head
 * (sets each member's in->sync).  Returns the array (NULL when m has no
 * groups or out of memory: then instances run ungrouped, logged). */
struct vrrp_sync *vrrp_sync_setup(struct vrrp_inst *head, const struct vrrp_model *m);
/* Forget the groups (instances are unlinked from them first). */
void vrrp_sync_free(struct vrrp_sync *groups, struct vrrp_inst *head);

/* A member is entering `to`, before its own notifications: at startup
 * the group's BACKUP comes first (2.2.7's order of FIFO lines). */
void vrrp_sync_starting(struct vrrp_inst *in, enum vrrp_state from, enum vrrp_state to);
/* A member changed state: move the other members and the group. */
void vrrp_sync_changed(struct vrrp_inst *in, enum vrrp_state from, enum vrrp_state to);
/* The member's master-down timer ran out: may it become MASTER now?
 * (every other member is MASTER or has its own timer run out). */
bool vrrp_sync_may_master(const struct vrrp_inst *in);
/* Is another member of in's group faulted by itself? */
bool vrrp_sync_others_faulted(const struct vrrp_inst *in);
/* The group's state name, for dumps ("BACKUP"...). */
const char *vrrp_sync_state_name(const struct vrrp_inst *in);
const char *vrrp_sync_name(const struct vrrp_inst *in);

#endif
