/*
 * kw_check_vrrp.c - whole-tree checks of the non-LVS part, made after
 * parsing as keepalived 2.2.7 makes them at load.
 *
 * Order: script users (global script_user, each script's user: a
 * vrrp_script without a usable user is removed), static blocks
 * (interfaces of addresses/routes, track_group references, linkbeat and
 * up/down-delay interfaces, garp groups), each vrrp_instance
 * (kw_check_inst.c), sync groups, duplicate VRIDs (kw_check_vrid.c), and
 * last the "Non-existent interface" error when some interface named in the
 * configuration is not on this host (only with check_system, and not with
 * dynamic_interfaces) - after which 2.2.7 stops, so script files are only
 * examined (missing, insecure, security violation) when every interface
 * exists.  Messages use 2.2.7's wording; 2.2.7 counts nearly every one of
 * them as a configuration error (interface warnings lead to the final one).
 */
#include <net/if.h>
#include <pwd.h>
#include <string.h>
#include "kw_check_vrrp.h"
#include "kw_script.h"
#include "kw_args.h"

/* ---- lookups ------------------------------------------------------------------ */

static bool is(const struct conf_node *n, const char *name)
{
	return conf_node_name(n) && strcmp(conf_node_name(n), name) == 0;
}

const struct conf_node *vc_global(const struct vcheck *v, const char *name)
{
	const struct conf_node *g, *found = NULL, *n;

	conf_foreach(g, v->root)
		if (is(g, "global_defs") && (n = conf_find_last(g, name)))
			found = n;
	return found;
}

const struct conf_node *vc_block(const struct vcheck *v, const char *kind, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, v->root)
		if (is(n, kind) && n->argc > 0 && strcmp(n->argv[0], name) == 0)
			return n;
	return NULL;
}

bool vc_script_defined(const struct vcheck *v, const char *name)
{
	for (unsigned i = 0; i < v->n_removed; i++)
		if (strcmp(v->removed[i], name) == 0)
			return false;
	return vc_block(v, "vrrp_script", name) != NULL;
}

bool vc_if_missing(struct vcheck *v, const char *ifname, const struct conf_src *src)
{
	if (!v->check_system || v->dynamic_if || host_if_find(&v->ifs, ifname))
		return false;
	if (!v->missing_if)
		v->missing_if = src;
	return true;
}

const struct conf_node *vc_sync_group_of(const struct vcheck *v, const char *name)
{
	const struct conf_node *g, *grp, *line;

	conf_foreach(g, v->root) {
		if (!is(g, "vrrp_sync_group") || !(grp = conf_find(g, "group")))
			continue;
		conf_foreach(line, grp)
			if (line->argc > 0 && strcmp(line->argv[0], name) == 0)
				return g;
	}
	return NULL;
}

static bool getpwnam_exists(const char *user)
{
	return getpwnam(user) != NULL;
}

/* ---- scripts -------------------------------------------------------------------- */

/* Every script node of the non-LVS part, in file order: fn(v, node, owner).
 * With `running` set, only the scripts 2.2.7 would actually use: those of
 * the VRRP process need a vrrp_instance, lvs_notify_fifo_script a
 * virtual_server; startup/shutdown scripts always run. */
static void foreach_script(struct vcheck *v, bool running,
			   void (*fn)(struct vcheck *, const struct conf_node *, const char *))
{
	static const struct { const char *name; const char *needs; } globals[] = {
		{ "startup_script", NULL }, { "shutdown_script", NULL },
		{ "notify_fifo_script", "vrrp_instance" },
		{ "vrrp_notify_fifo_script", "vrrp_instance" },
		{ "lvs_notify_fifo_script", "virtual_server" },
	};
	bool vrrp = !running || conf_find(v->root, "vrrp_instance");
	const struct conf_node *b, *n;

	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if ((n = vc_global(v, globals[i].name)) &&
		    (!running || !globals[i].needs || conf_find(v->root, globals[i].needs)))
			fn(v, n, NULL);
	if (!vrrp)
		return;
	conf_foreach(b, v->root) {
		if (is(b, "vrrp_script") && (n = conf_find_last(b, "script")))
			fn(v, n, b->argc > 0 ? b->argv[0] : "?");
		if (!is(b, "vrrp_instance") && !is(b, "vrrp_sync_group"))
			continue;
		conf_foreach(n, b)
			if (n->kw && n->kw->kind == KV_SCRIPT)
				fn(v, n, NULL);
	}
}

/* Users, checked while reading in 2.2.7: a vrrp_script without a usable
 * user is removed (its trackers then report it "not found"). */
static void script_user_one(struct vcheck *v, const struct conf_node *s, const char *vs_name)
{
	enum kw_script_result r = kw_script_check_user(v->ctx, s, 0);

	if (!vs_name && r == KWS_BAD_USER && strcmp(conf_node_name(s), "startup_script") == 0)
		conf_err(v->ctx, &s->src, "Invalid startup script");
	else if (!vs_name && r == KWS_BAD_USER && strcmp(conf_node_name(s), "shutdown_script") == 0)
		conf_err(v->ctx, &s->src, "Invalid shutdown script");
	if (!vs_name || r == KWS_OK)
		return;
	if (r == KWS_NO_DEFAULT_USER)
		conf_err(v->ctx, &s->src, "Unable to set default user for vrrp script %s - "
			 "removing", vs_name);
	if (v->n_removed < VC_MAX_REMOVED)
		v->removed[v->n_removed++] = vs_name;
}

/* Files, checked after the configuration was accepted: a missing or
 * insecure vrrp_script is disabled; notify scripts are silent. */
static void script_file_one(struct vcheck *v, const struct conf_node *s, const char *vs_name)
{
	const struct conf_node *b = s->parent ? s->parent : s;

	if (vs_name && !vc_script_defined(v, vs_name))
		return;
	switch (kw_script_check_file(v->ctx, s, 0)) {
	case KWS_NOT_FOUND:
		if (vs_name)
			conf_err(v->ctx, &b->src, "Disabling track script %s since not "
				 "found/accessible", vs_name);
		break;
	case KWS_INSECURE:
		if (vs_name)
			conf_err(v->ctx, &b->src, "Disabling track script %s due to insecure",
				 vs_name);
		break;
	default:
		break;
	}
}

/* vrrp_script "interval 0" (2.2.7 names the script, so it is reported here). */
static void check_vrrp_script_blocks(struct vcheck *v)
{
	const struct conf_node *b, *n;

	conf_foreach(b, v->root)
		if (is(b, "vrrp_script") && (n = conf_find_last(b, "interval")) && n->val.i == 0)
			conf_err(v->ctx, &n->src, "(%s): vrrp script interval must be greater than 0, "
				 "setting to 1", b->argc > 0 ? b->argv[0] : "?");
}

/* False if the global script_user does not exist (2.2.7 then stops before
 * looking at script files). */
static bool check_script_users(struct vcheck *v)
{
	const struct conf_node *su = vc_global(v, "script_user");
	bool ok = true;

	if (v->check_system && su && su->argc > 0 && !getpwnam_exists(su->argv[0])) {
		conf_err(v->ctx, &su->src, "Error setting global script uid/gid");
		ok = false;
	}
	foreach_script(v, false, script_user_one);
	return ok;
}

/* ---- static blocks ----------------------------------------------------------------- */

static void check_track_group_refs(struct vcheck *v, const struct conf_node *list)
{
	const struct conf_node *line;
	const char *tg;

	conf_foreach(line, list)
		if ((tg = kwa_line_opt(line, "track_group")) && !vc_block(v, "track_group", tg))
			conf_err(v->ctx, &line->src, "track_group %s not found", tg);
}

static void check_if_list(struct vcheck *v, const struct conf_node *list, const char *what)
{
	const struct conf_node *line;

	conf_foreach(line, list)
		if (line->argc > 0 && v->check_system && !v->dynamic_if &&
		    !host_if_find(&v->ifs, line->argv[0]))
			conf_err(v->ctx, &line->src, "unknown interface %s specified for %s",
				 line->argv[0], what);
}

static void check_garp_group(struct vcheck *v, const struct conf_node *g, unsigned idx)
{
	const struct conf_node *ifs = conf_find(g, "interfaces"), *i = conf_find(g, "interface");
	const struct conf_node *line;

	if (i && vc_if_missing(v, i->argv[0], &i->src))
		conf_warn(v->ctx, &i->src, "WARNING - interface %s specified for garp_group "
			  "doesn't exist", i->argv[0]);
	if (ifs)
		conf_foreach(line, ifs)
			if (vc_if_missing(v, line->argv[0], &line->src))
				conf_warn(v->ctx, &line->src, "WARNING - interface %s specified for "
					  "garp_group doesn't exist", line->argv[0]);
	if (!conf_find(g, "garp_interval") && !conf_find(g, "gna_interval"))
		conf_err(v->ctx, &g->src, "garp group %u does not have any delay set - removing", idx);
}

static void check_statics(struct vcheck *v)
{
	const struct conf_node *n;
	unsigned garp = 0;

	conf_foreach(n, v->root) {
		if (is(n, "static_ipaddress")) {
			vc_check_addr_lines(v, n);
			check_track_group_refs(v, n);
		} else if (is(n, "static_routes")) {
			vc_check_route_lines(v, n);
			check_track_group_refs(v, n);
		} else if (is(n, "static_rules")) {
			vc_check_rule_lines(v, n);
			check_track_group_refs(v, n);
		} else if (is(n, "linkbeat_interfaces")) {
			check_if_list(v, n, "linkbeat interface");
		} else if (is(n, "interface_up_down_delays")) {
			check_if_list(v, n, "up/down delay");
		} else if (is(n, "garp_group")) {
			check_garp_group(v, n, garp++);
		}
	}
}

/* ---- sync groups --------------------------------------------------------------------- */

static void check_sync_group(struct vcheck *v, const struct conf_node *g)
{
	const char *name = g->argc > 0 ? g->argv[0] : "?";
	const struct conf_node *grp = conf_find(g, "group"), *line;
	const struct conf_node *gt = conf_find(g, "global_tracking");
	unsigned members = 0, listed = 0;

	if (gt)
		conf_fixed(v->ctx, &gt->src, "(%s) global_tracking is deprecated. Use "
			 "track_interface/script/file on the sync group", name);

	if (grp)
		conf_foreach(line, grp) {
			listed++;
			if (!vc_block(v, "vrrp_instance", line->argv[0])) {
				conf_err(v->ctx, &line->src, "Virtual router %s specified in sync group "
					 "%s doesn't exist - ignoring", line->argv[0], name);
			} else if (vc_sync_group_of(v, line->argv[0]) != g) {
				conf_err(v->ctx, &line->src, "Virtual router %s cannot exist in more "
					 "than one sync group; ignoring %s", line->argv[0], name);
			} else {
				members++;
			}
		}
	if (listed == 0)
		conf_err(v->ctx, &g->src, "Sync group %s has no virtual router(s). removing", name);
	else if (members == 0)
		conf_err(v->ctx, &g->src, "Sync group %s, no matching virtual router found in "
			 "group declaration - removing", name);
	else if (members == 1)
		conf_fixed(v->ctx, &g->src, "Sync group %s has only 1 virtual router(s) - this "
			 "probably isn't what you want", name);
	vc_check_tracking(v, g, name);
}

/* ---- driver ------------------------------------------------------------------------------ */

void kw_check_vrrp(struct conf_ctx *ctx)
{
	struct vcheck v = {
		.ctx = ctx,
		.root = ctx->conf->root,
		.check_system = conf_ctx_opts(ctx)->check_system,
	};
	const struct conf_node *n;
	bool users_ok;

	v.strict = vc_global(&v, "vrrp_strict") != NULL;
	v.dynamic_if = vc_global(&v, "dynamic_interfaces") != NULL;
	v.version = conf_get_int(vc_global(&v, "vrrp_version") ?
				 vc_global(&v, "vrrp_version")->parent : v.root, "vrrp_version", 2);
	check_vrrp_script_blocks(&v);
	users_ok = check_script_users(&v);
	check_statics(&v);
	conf_foreach(n, v.root)
		if (is(n, "vrrp_instance"))
			vc_check_instance(&v, n);
	conf_foreach(n, v.root)
		if (is(n, "vrrp_sync_group"))
			check_sync_group(&v, n);
	vc_check_vrids(&v);
	host_ifs_free(&v.ifs);
	if (v.missing_if) {
		/* 2.2.7 stops here: scripts are not looked at. */
		conf_err(ctx, NULL, "Non-existent interface specified in configuration");
		return;
	}
	if (users_ok)
		foreach_script(&v, true, script_file_one);
}
