/*
 * vrrp_model_own.c - make a freshly built VRRP model independent of the
 * configuration tree (see vrrp_model.h, vrrp_model_own_strings()).
 *
 * Design.  The builders (vrrp_model.c, _sync.c, _routes.c, _track.c) take
 * names, commands and paths straight from the tree's nodes: while the
 * model is built they even match instances by the tree's pointers.  Once
 * every builder is done, this pass replaces each of those pointers with a
 * copy in the model's string pool (vrrp_strpool.h), so that the VRRP child
 * can free the tree (about 0.7 MiB for 1,000 instances) and the previous
 * model can be compared with the next one after a reload.  This file is
 * the one list of the model's string fields: a field added to the model
 * and filled from the tree must be added here.  Strings the model owns
 * already (script and process command lines, VIP texts, interface name
 * arrays) or literals (track_script "disabled" reasons) are left alone.
 */
#include "config.h"

#include "vrrp_model.h"
#include "vrrp_strpool.h"
#include "vrrp_sync.h"
#include "vrrp_track.h"

/* Replace *field with the pool's copy; false when out of memory. */
static bool own(struct vrrp_strpool *p, const char **field)
{
	const char *copy;

	if (!*field)
		return true;
	if (!(copy = vrrp_strpool_add(p, *field)))
		return false;
	*field = copy;
	return true;
}

static bool own_notify(struct vrrp_strpool *p, struct vrrp_notify *n)
{
	return own(p, &n->cmd) && own(p, &n->user) && own(p, &n->group);
}

static bool own_vips(struct vrrp_strpool *p, struct vrrp_vip *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!own(p, &v[i].track_group))
			return false;
	return true;
}

/* The tracked objects: shared by the instances, so owned once per set
 * (owning a string twice is harmless: the pool returns its own copy). */
static bool own_track(struct vrrp_strpool *p, struct vrrp_track_set *set)
{
	for (size_t i = 0; i < set->nobjs; i++) {
		struct vrrp_track_obj_cfg *o = &set->objs[i];

		if (!own(p, &o->name))
			return false;
		if (o->kind == VRRP_TRACK_FILE && !own(p, &o->u.file.path))
			return false;
	}
	return true;
}

static bool own_inst(struct vrrp_strpool *p, struct vrrp_model_inst *mi,
		     const struct vrrp_track_set **last_set)
{
	if (!own(p, &mi->name) || !own(p, &mi->ifname) ||
	    !own_vips(p, mi->vips, mi->nvips) || !own_vips(p, mi->evips, mi->nevips))
		return false;
	for (int k = 0; mi->notify && k < VRRP_NOTIFY_KINDS; k++)
		if (!own_notify(p, &mi->notify[k]))
			return false;
	if (mi->track && mi->track->set != *last_set) {
		*last_set = mi->track->set;
		return own_track(p, mi->track->set);
	}
	return true;
}

static bool own_group(struct vrrp_strpool *p, struct vrrp_model_group *g)
{
	return own(p, &g->name) && own_notify(p, &g->notify_master) &&
	       own_notify(p, &g->notify_backup) && own_notify(p, &g->notify_fault) &&
	       own_notify(p, &g->notify_stop) && own_notify(p, &g->notify);
}

int vrrp_model_own_strings(struct vrrp_model *m)
{
	const struct vrrp_track_set *last_set = NULL;
	size_t i;

	if (!m->strs && !(m->strs = vrrp_strpool_new()))
		return -1;
	for (i = 0; i < m->ninst; i++)
		if (!own_inst(m->strs, &m->inst[i], &last_set))
			return -1;
	for (i = 0; i < m->ngroups; i++)
		if (!own_group(m->strs, &m->groups[i]))
			return -1;
	return own_vips(m->strs, m->saddrs, m->nsaddrs) ? 0 : -1;
}
