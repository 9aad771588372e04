/*
 * vrrp_model_sync.c - the vrrp_sync_group blocks in the VRRP model (see
 * vrrp_sync.h): members as indexes of the model's instances, the group's
 * notify scripts and options.  Names that are not running instances are
 * left out (the reader has reported them).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "vrrp_sync.h"

static void group_notify_of(const struct conf_node *b, const char *name, struct vrrp_notify *out)
{
	const struct conf_node *n = conf_find_last(b, name);

	memset(out, 0, sizeof(*out));
	if (!n || n->argc < 1)
		return;
	out->cmd = n->argv[0];
	out->user = n->argc > 1 ? n->argv[1] : NULL;
	out->group = n->argc > 2 ? n->argv[2] : NULL;
}

static long inst_index(const struct vrrp_model *m, const char *name)
{
	for (size_t i = 0; i < m->ninst; i++)
		if (!strcmp(m->inst[i].name, name))
			return (long)i;
	return -1;
}

static bool build_group(struct vrrp_model_group *g, const struct conf_node *b,
			struct vrrp_model *m, size_t gi)
{
	const struct conf_node *n;
	size_t cap = 0;

	g->name = b->argv[0];
	/* group { VI_1 VI_2 } : lines of instance names */
	conf_foreach(n, b) {
		const struct conf_node *line;

		if (conf_node_name(n) && !strcmp(conf_node_name(n), "group"))
			conf_foreach(line, n)
				cap += (size_t)line->argc;
	}
	g->members = calloc(cap + 1, sizeof(*g->members));
	if (!g->members)
		return false;
	conf_foreach(n, b) {
		const struct conf_node *line;

		if (!conf_node_name(n) || strcmp(conf_node_name(n), "group"))
			continue;
		conf_foreach(line, n) {
			for (int w = 0; w < line->argc; w++) {
				long k = inst_index(m, line->argv[w]);

				if (k < 0 || m->inst[k].sync_group >= 0)
					continue;
				m->inst[k].sync_group = (int)gi;
				g->members[g->nmembers++] = (size_t)k;
				/* the group's notify_priority_changes, unless the
				 * member sets its own (2.2.7, observed) */
				if (!m->inst[k].notify_prio_own && conf_find(b, "notify_priority_changes"))
					m->inst[k].notify_prio_changes =
						conf_get_bool(b, "notify_priority_changes", false);
			}
		}
	}
	group_notify_of(b, "notify_master", &g->notify_master);
	group_notify_of(b, "notify_backup", &g->notify_backup);
	group_notify_of(b, "notify_fault", &g->notify_fault);
	group_notify_of(b, "notify_stop", &g->notify_stop);
	group_notify_of(b, "notify", &g->notify);
	g->smtp_alert = conf_get_bool(b, "smtp_alert", false);
	g->tracking_weight = conf_find(b, "sync_group_tracking_weight") != NULL;
	return true;
}

int vrrp_model_sync_build(const struct conf *conf, struct vrrp_model *m)
{
	size_t n = conf_count(conf->root, "vrrp_sync_group"), gi = 0;
	const struct conf_node *b;

	for (size_t i = 0; i < m->ninst; i++)
		m->inst[i].sync_group = -1;
	m->groups = NULL;
	m->ngroups = 0;
	if (!n)
		return 0;
	m->groups = calloc(n, sizeof(*m->groups));
	if (!m->groups)
		return -1;
	conf_foreach(b, conf->root) {
		if (!conf_node_name(b) || strcmp(conf_node_name(b), "vrrp_sync_group") || b->argc < 1)
			continue;
		if (!build_group(&m->groups[gi], b, m, gi))
			return -1;
		m->ngroups = ++gi;
	}
	return 0;
}

void vrrp_model_sync_free(struct vrrp_model *m)
{
	for (size_t i = 0; i < m->ngroups; i++)
		free(m->groups[i].members);
	free(m->groups);
	m->groups = NULL;
	m->ngroups = 0;
}
