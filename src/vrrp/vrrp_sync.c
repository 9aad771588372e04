/*
 * vrrp_sync.c - sync groups (see vrrp_sync.h).
 *
 * Propagation runs inside the state change of the member that moved
 * first; `syncing` keeps the members it moves from propagating again.
 * FAULT is not pushed onto members as a state: each member's fault is
 * "faulted by itself, or another member is" (vrrp_inst_refresh_fault asks
 * vrrp_sync_others_faulted), so that several faulted members and their
 * recoveries in any order give the right group state.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "smtp_alert.h"
#include "vrrp_actions.h"
#include "vrrp_fifo.h"
#include "vrrp_instance.h"
#include "vrrp_sync.h"

struct vrrp_sync {
	const struct vrrp_model_group *mg;
	struct vrrp_inst **members;
	size_t n;
	enum vrrp_state state;
	bool syncing;
	const struct vrrp_env *env;
};

static const struct vrrp_notify *notify_for(const struct vrrp_model_group *g, enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_MASTER: return &g->notify_master;
	case VRRP_STATE_BACKUP: return &g->notify_backup;
	case VRRP_STATE_FAULT: return &g->notify_fault;
	case VRRP_STATE_STOP: return &g->notify_stop;
	default: return NULL;
	}
}

/* The group enters `to`: its scripts, its FIFO line. */
static void group_enter(struct vrrp_sync *g, enum vrrp_state to)
{
	const struct vrrp_notify *n = notify_for(g->mg, to);
	bool detached = to == VRRP_STATE_STOP;
	char *cmd;

	if (g->state == to)
		return;
	g->state = to;
	vrrp_fifo_group(g->mg->name, vrrp_state_name(to));
	smtp_alert_vrrp_group(g->mg->name, vrrp_state_name(to));
	if (n && n->cmd)
		vrrp_act_run_script(g->env, g->mg->name, n, n->cmd, detached);
	if (g->mg->notify.cmd &&
	    asprintf(&cmd, "%s GROUP '%s' %s 0", g->mg->notify.cmd, g->mg->name,
		     vrrp_state_name(to)) >= 0) {
		vrrp_act_run_script(g->env, g->mg->name, &g->mg->notify, cmd, detached);
		free(cmd);
	}
}

struct vrrp_sync *vrrp_sync_setup(struct vrrp_inst *head, const struct vrrp_model *m)
{
	struct vrrp_sync *groups;

	if (!m->ngroups)
		return NULL;
	groups = calloc(m->ngroups + 1, sizeof(*groups));    /* mg == NULL ends it */
	if (!groups) {
		log_errx("out of memory: sync groups are not applied");
		return NULL;
	}
	for (size_t i = 0; i < m->ngroups; i++) {
		groups[i].mg = &m->groups[i];
		groups[i].members = calloc(m->groups[i].nmembers + 1, sizeof(struct vrrp_inst *));
		groups[i].state = VRRP_STATE_INIT;
		if (!groups[i].members) {
			vrrp_sync_free(groups, head);
			log_errx("out of memory: sync groups are not applied");
			return NULL;
		}
	}
	for (struct vrrp_inst *in = head; in; in = in->next) {
		struct vrrp_sync *g;

		if (in->m->sync_group < 0)
			continue;
		g = &groups[in->m->sync_group];
		g->members[g->n++] = in;
		g->env = in->env;
		in->sync = g;
		/* after a reload the group is where its members are */
		if (in->fsm.state != VRRP_STATE_INIT && g->state != VRRP_STATE_MASTER)
			g->state = in->fsm.state;
	}
	return groups;
}

void vrrp_sync_free(struct vrrp_sync *groups, struct vrrp_inst *head)
{
	if (!groups)
		return;
	for (struct vrrp_inst *in = head; in; in = in->next)
		in->sync = NULL;
	/* the model says how many groups there were: members arrays end the list */
	for (size_t i = 0; groups[i].mg; i++)
		free(groups[i].members);
	free(groups);
}

static bool all_members_in(const struct vrrp_sync *g, enum vrrp_state s)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->members[i]->fsm.state != s)
			return false;
	return true;
}

void vrrp_sync_changed(struct vrrp_inst *in, enum vrrp_state from, enum vrrp_state to)
{
	struct vrrp_sync *g = in->sync;

	if (!g || g->syncing)
		return;
	g->syncing = true;
	if (to == VRRP_STATE_MASTER && g->state != VRRP_STATE_MASTER) {
		log_info("VRRP_Group(%s) Syncing instances to MASTER state", g->mg->name);
		for (size_t i = 0; i < g->n; i++)
			if (g->members[i] != in && g->members[i]->fsm.state == VRRP_STATE_BACKUP)
				vrrp_fsm_master_down_timer(&g->members[i]->fsm);
		group_enter(g, VRRP_STATE_MASTER);
	} else if (to == VRRP_STATE_BACKUP && from == VRRP_STATE_INIT) {
		;                                 /* vrrp_sync_starting() did it */
	} else if (to == VRRP_STATE_BACKUP && g->state != VRRP_STATE_BACKUP) {
		log_info("VRRP_Group(%s) Syncing instances to BACKUP state", g->mg->name);
		for (size_t i = 0; i < g->n; i++) {
			struct vrrp_inst *o = g->members[i];

			if (o == in)
				continue;
			if (o->fsm.state == VRRP_STATE_MASTER)
				vrrp_fsm_yield(&o->fsm);
			else if (o->fsm.state == VRRP_STATE_FAULT)
				vrrp_inst_refresh_fault(o);
		}
		group_enter(g, VRRP_STATE_BACKUP);
	} else if (to == VRRP_STATE_FAULT && g->state != VRRP_STATE_FAULT) {
		log_info("VRRP_Group(%s) Syncing instances to FAULT state", g->mg->name);
		for (size_t i = 0; i < g->n; i++)
			if (g->members[i] != in)
				vrrp_inst_refresh_fault(g->members[i]);
		group_enter(g, VRRP_STATE_FAULT);
	} else if (to == VRRP_STATE_STOP && all_members_in(g, VRRP_STATE_STOP)) {
		group_enter(g, VRRP_STATE_STOP);
	}
	g->syncing = false;
}

void vrrp_sync_starting(struct vrrp_inst *in, enum vrrp_state from, enum vrrp_state to)
{
	struct vrrp_sync *g = in->sync;

	if (g && !g->syncing && from == VRRP_STATE_INIT && to == VRRP_STATE_BACKUP &&
	    g->state == VRRP_STATE_INIT)
		group_enter(g, VRRP_STATE_BACKUP);
}

bool vrrp_sync_may_master(const struct vrrp_inst *in)
{
	const struct vrrp_sync *g = in->sync;

	if (!g)
		return true;
	for (size_t i = 0; i < g->n; i++) {
		const struct vrrp_inst *o = g->members[i];

		if (o == in || o->fsm.state == VRRP_STATE_MASTER)
			continue;
		if (o->fsm.state != VRRP_STATE_BACKUP || !o->down_expired)
			return false;
	}
	return true;
}

bool vrrp_sync_others_faulted(const struct vrrp_inst *in)
{
	const struct vrrp_sync *g = in->sync;

	if (!g)
		return false;
	for (size_t i = 0; i < g->n; i++)
		if (g->members[i] != in && vrrp_inst_own_fault(g->members[i]))
			return true;
	return false;
}

const char *vrrp_sync_state_name(const struct vrrp_inst *in)
{
	return in->sync ? vrrp_state_name(in->sync->state) : "";
}

const char *vrrp_sync_name(const struct vrrp_inst *in)
{
	return in->sync ? in->sync->mg->name : "";
}
