/*
 * vrrp_track.c - the tracking runtime: object statuses, the funnel that
 * turns them into each instance's effective priority and fault, start and
 * stop (vrrp_track.h, vrrp_track_int.h).
 *
 * Design.  The VRRP child has one tracking state (trk): one struct
 * track_obj per object of the model's shared set, one struct track_inst
 * per instance that tracks something.  The kind modules own their event
 * sources (a link monitor, script timers, an inotify descriptor, the
 * process connector) and report through track_obj_changed(); recompute()
 * applies vrrp_track_calc.c's rules and logs 2.2.7's "(VI_1) Changing
 * effective priority from 100 to 70" before handing the priority and the
 * fault to the instance.  Tracking starts after the instances exist and
 * before they start, so their first state already accounts for interfaces
 * that are down, init_fail scripts and files.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vrrp_fifo.h"
#include "vrrp_instance.h"
#include "vrrp_track_int.h"

struct vrrp_tracking trk;

/* Statuses kept across a reload (vrrp_track_stop(true)), by kind and name:
 * the kinds re-read theirs at start and only report real changes. */
struct saved {
	enum vrrp_track_kind kind;
	char *name;
	struct vrrp_track_status st;
	unsigned result;
	int last_status;
	bool ever_ran;
};

static struct {
	struct saved *s;
	size_t n;
} kept;

static void save_statuses(void)
{
	kept.s = calloc(trk.nobjs ? trk.nobjs : 1, sizeof(*kept.s));
	if (!kept.s)
		return;
	for (size_t i = 0; i < trk.nobjs; i++) {
		const struct track_obj *o = &trk.objs[i];
		struct saved *v = &kept.s[kept.n];

		if (!(v->name = strdup(o->cfg->name)))
			continue;
		v->kind = o->cfg->kind;
		v->st = o->st;
		v->result = o->result;
		v->last_status = o->last_status;
		v->ever_ran = o->ever_ran;
		kept.n++;
	}
}

static void forget_statuses(void)
{
	for (size_t i = 0; i < kept.n; i++)
		free(kept.s[i].name);
	free(kept.s);
	memset(&kept, 0, sizeof(kept));
}

static void restore_status(struct track_obj *o)
{
	for (size_t i = 0; i < kept.n; i++) {
		const struct saved *v = &kept.s[i];

		if (v->kind != o->cfg->kind || strcmp(v->name, o->cfg->name) != 0)
			continue;
		o->st = v->st;
		o->result = v->result;
		o->last_status = v->last_status;
		o->ever_ran = v->ever_ran;
	}
}

static void recompute(struct track_inst *ti)
{
	const struct vrrp_track_model *tm = ti->tm;
	struct vrrp_inst *in = ti->in;
	long total = in->m->base_prio;
	unsigned faults = 0;
	bool hold = false;
	uint8_t eff;

	for (size_t i = 0; i < tm->nrefs; i++) {
		const struct vrrp_track_ref *r = &tm->refs[i];
		const struct track_obj *o = &trk.objs[r->obj];
		struct vrrp_track_effect e = vrrp_track_effect_of(o->cfg->kind, r->weight,
								  r->reverse, &o->st);

		total += e.delta;
		faults += e.fault;
		/* 2.2.7 keeps the instance in INIT until its weight-0 scripts answer */
		if (r->weight == 0 && o->cfg->kind == VRRP_TRACK_SCRIPT && !o->st.known)
			hold = true;
	}
	ti->total = total;
	ti->faults = faults;
	eff = vrrp_track_effective(in->m->base_prio, total);
	if (eff != in->fsm.priority) {
		log_info("(%s) Changing effective priority from %u to %u", in->m->name,
			 in->fsm.priority, eff);
		vrrp_inst_set_priority(in, eff);
		if (in->m->notify_prio_changes)    /* 2.2.7: MASTER, or BACKUP in any other state */
			vrrp_fifo_instance(in->m->name, in->fsm.state == VRRP_STATE_MASTER ?
					   "MASTER_PRIORITY" : "BACKUP_PRIORITY", eff);
	}
	if ((faults > 0) != in->track_fault)
		vrrp_inst_set_track_fault(in, faults > 0);
	if (hold != in->track_hold)
		vrrp_inst_set_track_hold(in, hold);
}

void vrrp_track_log_down_ifs(const struct vrrp_inst *in)
{
	const struct vrrp_track_model *tm = in->m->track;

	for (size_t i = 0; tm && trk.objs && i < tm->nrefs; i++) {
		const struct vrrp_track_ref *r = &tm->refs[i];
		const struct track_obj *o = &trk.objs[r->obj];

		if (o->cfg->kind == VRRP_TRACK_IF &&
		    vrrp_track_effect_of(o->cfg->kind, r->weight, r->reverse, &o->st).fault)
			log_info("(%s): entering FAULT state (interface %s down)", in->m->name,
				 o->cfg->name);
	}
}

static bool refs_obj(const struct vrrp_track_model *tm, unsigned idx)
{
	for (size_t i = 0; i < tm->nrefs; i++)
		if (tm->refs[i].obj == idx)
			return true;
	return false;
}

void track_obj_changed(struct track_obj *o)
{
	unsigned idx = (unsigned)(o - trk.objs);

	if (trk.starting)
		return;
	for (size_t i = 0; i < trk.ninsts; i++)
		if (refs_obj(trk.insts[i].tm, idx))
			recompute(&trk.insts[i]);
}

bool track_have(enum vrrp_track_kind kind)
{
	for (size_t i = 0; i < trk.nobjs; i++)
		if (trk.objs[i].cfg->kind == kind)
			return true;
	return false;
}

static int alloc_state(struct vrrp_inst *head)
{
	const struct vrrp_track_set *set = NULL;
	struct vrrp_inst *in;
	size_t n = 0, i;

	for (in = head; in; in = in->next)
		if (in->m->track) {
			n++;
			set = in->m->track->set;
		}
	if (!n)
		return 0;
	trk.insts = calloc(n, sizeof(*trk.insts));
	trk.objs = calloc(set->nobjs ? set->nobjs : 1, sizeof(*trk.objs));
	if (!trk.insts || !trk.objs)
		return -1;
	for (in = head; in; in = in->next)
		if (in->m->track) {
			trk.insts[trk.ninsts].in = in;
			trk.insts[trk.ninsts++].tm = in->m->track;
		}
	trk.nobjs = set->nobjs;
	for (i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		o->cfg = &set->objs[i];
		o->last_status = 0;      /* 2.2.7 reports the first non-zero status */
		if (o->cfg->kind == VRRP_TRACK_SCRIPT && o->cfg->u.script.init_fail)
			o->st.known = true;      /* down until it succeeds */
		restore_status(o);
	}
	return 0;
}

int vrrp_track_start(struct event_base *base, struct nlctx *nl, struct vrrp_inst *head)
{
	memset(&trk, 0, sizeof(trk));
	trk.base = base;
	trk.nl = nl;
	if (alloc_state(head) < 0) {
		log_errx("tracking: out of memory");
		forget_statuses();
		vrrp_track_stop(false);
		return -1;
	}
	forget_statuses();
	if (!trk.ninsts)
		return 0;
	trk.starting = true;
	if (track_if_start() < 0 || track_file_start() < 0 || track_proc_start() < 0 ||
	    track_script_start() < 0)
		log_warnx("tracking: some tracked objects cannot be watched (see above)");
	trk.starting = false;
	for (size_t i = 0; i < trk.ninsts; i++)
		recompute(&trk.insts[i]);
	return 0;
}

void vrrp_track_stop(bool keep_status)
{
	forget_statuses();
	if (keep_status)
		save_statuses();
	if (trk.ninsts) {
		track_script_stop();
		track_proc_stop();
		track_file_stop();
		track_if_stop();
	}
	free(trk.objs);
	free(trk.insts);
	memset(&trk, 0, sizeof(trk));
}
