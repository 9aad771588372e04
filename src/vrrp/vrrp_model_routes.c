/*
 * vrrp_model_routes.c - the route, rule and static address lists of the
 * VRRP model (see vrrp_routes.h).
 *
 * Design.  One walk over the top level in file order: static_ipaddress,
 * static_routes and static_rules fill the model's static lists, each
 * vrrp_instance block fills the instance of the same name (skipped
 * instances still count for rule numbering, since 2.2.7 numbers the rules
 * without a preference while it reads the file: 16384, 16383, ...).
 * Lines are parsed by vrrp_route_parse.c; device names become indexes
 * here, and an unknown device drops the entry with a warning.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "nl_link.h"
#include "vrrp_route_parse.h"
#include "vrrp_routes.h"

#define FIRST_AUTO_PREF 16384

struct builder {
	struct nlctx *nl;
	uint32_t next_pref;
	const char *dflt_if;         /* static_ipaddress without dev */
};

static bool is(const struct conf_node *n, const char *name)
{
	const char *nm = conf_node_name(n);

	return nm && strcmp(nm, name) == 0;
}

static size_t count_lines(const struct conf_node *list)
{
	const struct conf_node *line;
	size_t n = 0;

	conf_foreach(line, list)
		n++;
	return n;
}

static bool resolve_route(struct builder *b, const char *owner, struct vrrp_route *rt)
{
	for (int i = 0; i < rt->r.n_nh; i++) {
		if (!rt->dev[i][0])
			continue;
		rt->r.nh[i].ifindex = nl_link_index(b->nl, rt->dev[i]);
		if (rt->r.nh[i].ifindex <= 0) {
			log_warnx("(%s) interface %s of route %s not found - ignoring route",
				  owner, rt->dev[i], rt->text);
			return false;
		}
	}
	return true;
}

static void add_route(struct builder *b, const char *owner, const struct conf_node *line,
		      struct vrrp_route *v, size_t *n)
{
	struct vrrp_route *rt = &v[*n];
	char err[128];

	if (!vrrp_route_parse(line->argv, line->argc, rt, err, sizeof(err))) {
		log_warnx("(%s) route line %d ignored: %s", owner, (int)line->src.line, err);
		return;
	}
	if (rt->note[0])
		log_warnx("(%s) route %s: %s", owner, rt->text, rt->note);
	if (rt->ignored[0])
		log_warnx("(%s) route %s: %s not supported here, not applied", owner, rt->text,
			  rt->ignored);
	if (resolve_route(b, owner, rt))
		(*n)++;
}

static void add_rule(struct builder *b, const char *owner, const struct conf_node *line,
		     struct vrrp_rule *v, size_t *n)
{
	struct vrrp_rule *ru = v ? &v[*n] : NULL, tmp;
	char err[128];

	if (!ru)
		ru = &tmp;      /* a skipped instance: only the numbering counts */
	if (!vrrp_rule_parse(line->argv, line->argc, ru, err, sizeof(err))) {
		log_warnx("(%s) rule line %d ignored: %s", owner, (int)line->src.line, err);
		return;
	}
	if (!ru->has_pref) {
		ru->r.has_priority = true;
		ru->r.priority = b->next_pref--;
	}
	if (ru != &tmp)
		(*n)++;
}

/* Every line of one list, appended to *out. */
static int read_routes(struct builder *b, const char *owner, const struct conf_node *list,
		       struct vrrp_route **out, size_t *n)
{
	const struct conf_node *line;
	size_t cap = count_lines(list);
	struct vrrp_route *v;

	if (!cap)
		return 0;
	if (!(v = realloc(*out, (*n + cap) * sizeof(**out))))
		return -1;
	*out = v;
	conf_foreach(line, list)
		add_route(b, owner, line, *out, n);
	return 0;
}

/* out NULL: a skipped instance, whose rules still take their numbers. */
static int read_rules(struct builder *b, const char *owner, const struct conf_node *list,
		      struct vrrp_rule **out, size_t *n)
{
	const struct conf_node *line;
	size_t cap = count_lines(list);
	struct vrrp_rule *v;

	if (!cap)
		return 0;
	if (out) {
		if (!(v = realloc(*out, (*n + cap) * sizeof(**out))))
			return -1;
		*out = v;
	}
	conf_foreach(line, list)
		add_rule(b, owner, line, out ? *out : NULL, n);
	return 0;
}

static int read_addrs(struct builder *b, const struct conf_node *list, struct vrrp_model *m)
{
	const struct conf_node *line;
	size_t cap = count_lines(list);
	struct vrrp_vip *a;

	if (!cap)
		return 0;
	if (!(a = realloc(m->saddrs, (m->nsaddrs + cap) * sizeof(*m->saddrs))))
		return -1;
	m->saddrs = a;
	conf_foreach(line, list) {
		struct vrrp_vip *v = &m->saddrs[m->nsaddrs];

		if (!vrrp_vip_parse(line->argv, line->argc, b->dflt_if, v))
			continue;
		for (int i = 1; i + 1 < line->argc; i++)
			if (!strcmp(line->argv[i], "track_group"))
				v->track_group = line->argv[i + 1];
		v->ifindex = nl_link_index(b->nl, v->dev);
		if (v->ifindex <= 0) {
			char t[VRRP_VIP_TEXT];

			log_warnx("interface %s of static address %s not found", v->dev,
				  vrrp_vip_text(v, t));
			continue;
		}
		m->nsaddrs++;
	}
	return 0;
}

static struct vrrp_model_inst *inst_of(struct vrrp_model *m, const struct conf_node *n)
{
	for (size_t i = 0; i < m->ninst; i++)
		if (n->argc > 0 && m->inst[i].name == n->argv[0])
			return &m->inst[i];
	return NULL;
}

/* The virtual_routes and virtual_rules lists of one vrrp_instance block. */
static int read_inst(struct builder *b, const struct conf_node *blk, struct vrrp_model *m)
{
	struct vrrp_model_inst *mi = inst_of(m, blk);
	const struct conf_node *l;
	size_t skipped = 0;
	int r = 0;

	conf_foreach(l, blk) {
		if (is(l, "virtual_routes") && mi)
			r = read_routes(b, mi->name, l, &mi->vroutes, &mi->nvroutes);
		else if (is(l, "virtual_rules"))
			r = mi ? read_rules(b, mi->name, l, &mi->vrules, &mi->nvrules)
			       : read_rules(b, "?", l, NULL, &skipped);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* One top-level node. */
static int read_node(struct builder *b, const struct conf_node *n, struct vrrp_model *m)
{
	if (is(n, "static_ipaddress"))
		return read_addrs(b, n, m);
	if (is(n, "static_routes"))
		return read_routes(b, "static", n, &m->sroutes, &m->nsroutes);
	if (is(n, "static_rules"))
		return read_rules(b, "static", n, &m->srules, &m->nsrules);
	if (is(n, "vrrp_instance"))
		return read_inst(b, n, m);
	return 0;
}

int vrrp_model_routes_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *m)
{
	const struct conf_node *gd = conf_find(conf->root, "global_defs"), *n;
	struct builder b = { .nl = nl, .next_pref = FIRST_AUTO_PREF, .dflt_if = "eth0" };

	if (gd)
		b.dflt_if = conf_get_str(gd, "default_interface", "eth0");
	conf_foreach(n, conf->root)
		if (read_node(&b, n, m) < 0)
			return -1;
	return 0;
}

void vrrp_model_routes_free(struct vrrp_model *m)
{
	for (size_t i = 0; i < m->ninst; i++) {
		free(m->inst[i].vroutes);
		free(m->inst[i].vrules);
		m->inst[i].vroutes = NULL;
		m->inst[i].vrules = NULL;
		m->inst[i].nvroutes = m->inst[i].nvrules = 0;
	}
	free(m->saddrs);
	free(m->sroutes);
	free(m->srules);
	m->saddrs = NULL;
	m->sroutes = NULL;
	m->srules = NULL;
	m->nsaddrs = m->nsroutes = m->nsrules = 0;
}
