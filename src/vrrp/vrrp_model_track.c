/*
 * vrrp_model_track.c - the tracking part of the instance model
 * (vrrp_track.h): the objects instances track and each instance's
 * references to them, read from the configuration tree.
 *
 * Design.  One pass over each instance's track_interface, track_script,
 * track_file and track_process lists.  A name seen for the first time
 * creates its object from the top-level block (vrrp_script, track_file,
 * vrrp_track_process) or the interface; later references reuse it, so an
 * object exists once however many instances track it, and objects nobody
 * tracks are never run (2.2.7: "Warning - script X is not used").  The
 * whole-tree checks (src/conf/kw_check_*.c) already reported unknown names,
 * duplicates and weights out of range with file:line; here such lines are
 * skipped quietly, except the messages 2.2.7's VRRP process itself logs
 * (weighted tracking ignored for an address owner or a sync group member,
 * a script disabled because it is missing or insecure).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "nl_link.h"
#include "script.h"
#include "vrrp_model.h"
#include "vrrp_track_int.h"

#define DEFAULT_SCRIPT_USER "keepalived_script"

struct builder {
	const struct conf *conf;
	struct nlctx *nl;
	struct vrrp_track_set *set;
	size_t cap;
	const struct conf_node *script_user;    /* global_defs script_user */
	bool security;                          /* enable_script_security */
	/* Found in one pass over the tree, so that 1,000 instances do not
	 * each walk it again (that was a fifth of the child's start-up). */
	const struct conf_node **sync_groups;   /* vrrp_sync_group blocks with a group */
	size_t nsync;
	bool static_groups;                     /* a static line names a track_group */
};

static bool is(const struct conf_node *n, const char *name)
{
	return conf_node_name(n) && strcmp(conf_node_name(n), name) == 0;
}

static const struct conf_node *block(const struct conf *conf, const char *kind, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, conf->root)
		if (is(n, kind) && n->argc > 0 && strcmp(n->argv[0], name) == 0)
			return n;
	return NULL;
}

/* "weight W [reverse]" of a block. */
static void block_weight(const struct conf_node *blk, int dflt, int *w, bool *rev)
{
	const struct conf_node *n = conf_find_last(blk, "weight");

	*w = dflt;
	*rev = false;
	if (!n)
		return;
	*w = (int)n->val.i;
	*rev = n->argc > 1 && strcmp(n->argv[1], "reverse") == 0;
}

/* ---- scripts ------------------------------------------------------------------ */

static char *join_words(char *const *argv, int argc)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	if (!(s = calloc(1, len)))
		return NULL;
	for (i = 0; i < argc; i++) {
		bool quote = argc > 1 && strpbrk(argv[i], " \t") && !strchr(argv[i], '\'');

		if (i)
			strcat(s, " ");
		if (quote)
			strcat(s, "'");
		strcat(s, argv[i]);
		if (quote)
			strcat(s, "'");
	}
	return s;
}

/* The user a script runs as: its own "user", global script_user, the
 * keepalived_script user if it exists, else root - except with
 * enable_script_security, where 2.2.7 removes the script instead.  False
 * if the script cannot run for want of a user. */
static bool script_ids(const struct builder *b, const struct conf_node *blk,
		       struct vrrp_track_script_cfg *sc)
{
	const struct conf_node *u = conf_find_last(blk, "user");
	const char *user = NULL, *group = NULL;
	bool global = !u;
	struct passwd *pw;
	struct group *gr;

	if (!u)
		u = b->script_user;
	if (u && u->argc > 0) {
		user = u->argv[0];
		group = u->argc > 1 ? u->argv[1] : NULL;
	}
	pw = getpwnam(user ? user : DEFAULT_SCRIPT_USER);
	if (!pw && user && global)       /* bad script_user: reported at load, root */
		return true;
	if (!pw)                         /* no keepalived_script user: root, unless */
		return user == NULL && !b->security;       /* script security forbids it */
	sc->uid = pw->pw_uid;
	sc->gid = pw->pw_gid;
	if (group) {
		if (!(gr = getgrnam(group)))
			return false;
		sc->gid = gr->gr_gid;
	}
	sc->set_ids = sc->uid != 0 || sc->gid != 0;
	return true;
}

static int script_cfg(const struct builder *b, const struct conf_node *blk,
		      struct vrrp_track_obj_cfg *o)
{
	struct vrrp_track_script_cfg *sc = &o->u.script;
	const struct conf_node *s = conf_find_last(blk, "script");
	int64_t interval = conf_get_int(blk, "interval", 1);
	const char *why = NULL;
	char **argv;

	block_weight(blk, 0, &o->weight, &o->reverse);
	if (!(sc->cmd = join_words(s->argv, s->argc)))
		return -1;
	sc->interval_us = (uint64_t)(interval > 0 ? interval : 1) * 1000000;
	sc->timeout_us = (uint64_t)conf_get_int(blk, "timeout", 0) * 1000000;
	if (!sc->timeout_us)
		sc->timeout_us = sc->interval_us;
	sc->rise = (unsigned)conf_get_int(blk, "rise", 1);
	sc->fall = (unsigned)conf_get_int(blk, "fall", 1);
	sc->init_fail = conf_find(blk, "init_fail") != NULL;
	if (!(argv = script_split(sc->cmd, &why)))
		sc->disabled = why;
	else if (!script_ids(b, blk, sc))
		sc->disabled = "no usable user";
	else
		sc->disabled = vrrp_track_prog_check(sc->cmd, sc->uid == 0, b->security, &sc->prog);
	free(argv);
	/* The parent's configuration checks already said "Disabling track script
	 * X since not found/accessible"; this is 2.2.7's other line, with why. */
	if (sc->disabled && strcmp(sc->disabled, "not found/accessible") == 0)
		log_warnx("Script %s cannot be accessed - %s", sc->prog ? sc->prog : sc->cmd,
			  access(sc->prog ? sc->prog : sc->cmd, F_OK) ? strerror(errno)
								   : "not executable");
	else if (sc->disabled)
		log_warnx("Disabling track script %s due to %s (%s)", o->name, sc->disabled,
			  sc->prog ? sc->prog : sc->cmd);
	return 0;
}

/* ---- files and processes ------------------------------------------------------------ */

static void file_cfg(const struct conf_node *blk, struct vrrp_track_obj_cfg *o)
{
	struct vrrp_track_file_cfg *fc = &o->u.file;
	const struct conf_node *init = conf_find_last(blk, "init_file");
	int i;

	block_weight(blk, 1, &o->weight, &o->reverse);
	fc->path = conf_get_str(blk, "file", NULL);
	if (!init)
		return;
	fc->init_file = true;
	for (i = 0; i < init->argc; i++) {
		if (strcmp(init->argv[i], "overwrite") == 0)
			fc->overwrite = true;
		else
			fc->init_value = strtol(init->argv[i], NULL, 10);
	}
}

static int proc_cfg(const struct conf_node *blk, struct vrrp_track_obj_cfg *o)
{
	struct vrrp_track_proc_cfg *pc = &o->u.proc;
	const struct conf_node *p = conf_find_last(blk, "process");
	const struct conf_node *pm = conf_find_last(blk, "param_match");
	size_t len = 0;
	int i;

	block_weight(blk, 1, &o->weight, &o->reverse);
	for (i = 0; i < p->argc; i++)
		len += strlen(p->argv[i]) + 1;
	if (!(pc->cmdline = malloc(len)))
		return -1;
	pc->cmdline_len = 0;
	for (i = 0; i < p->argc; i++) {
		size_t l = strlen(p->argv[i]) + 1;

		memcpy(pc->cmdline + pc->cmdline_len, p->argv[i], l);
		pc->cmdline_len += l;
	}
	pc->name = pc->cmdline;
	pc->nparams = (unsigned)(p->argc - 1);
	pc->match = pc->nparams ? VRRP_PARAM_EXACT : VRRP_PARAM_NONE;
	if (pm)
		pc->match = pm->argc == 0 ? VRRP_PARAM_EXACT
			  : strcmp(pm->argv[0], "initial") == 0 ? VRRP_PARAM_INITIAL
			  : VRRP_PARAM_PARTIAL;
	pc->full_command = conf_find(blk, "full_command") != NULL;
	pc->quorum = (unsigned)conf_get_int(blk, "quorum", 1);
	pc->quorum_max = (unsigned)conf_get_int(blk, "quorum_max", UINT_MAX);
	if (pc->quorum_max < pc->quorum)
		pc->quorum_max = UINT_MAX;
	pc->fork_delay_us = pc->term_delay_us = conf_get_usec(blk, "delay", 0);
	pc->fork_delay_us = conf_get_usec(blk, "fork_delay", pc->fork_delay_us);
	pc->term_delay_us = conf_get_usec(blk, "terminate_delay", pc->term_delay_us);
	return 0;
}

/* interface_up_down_delays: "IFNAME DOWN [UP]" (UP defaults to DOWN); the
 * last line for the interface wins.  Linkbeat: listed in a
 * linkbeat_interfaces block, or linkbeat_use_polling at the top level. */
static void if_cfg(const struct conf *conf, const char *ifname, struct vrrp_track_if_cfg *ic)
{
	const struct conf_node *blk, *line;
	uint64_t us;

	conf_foreach(blk, conf->root) {
		if (is(blk, "linkbeat_use_polling"))
			ic->linkbeat = true;
		if (is(blk, "linkbeat_interfaces"))
			conf_foreach(line, blk)
				if (line->argc > 0 && strcmp(line->argv[0], ifname) == 0)
					ic->linkbeat = true;
		if (!is(blk, "interface_up_down_delays"))
			continue;
		conf_foreach(line, blk) {
			if (line->argc < 2 || strcmp(line->argv[0], ifname) != 0 ||
			    !conf_parse_timer(line->argv[1], &us))
				continue;
			ic->down_delay_us = ic->up_delay_us = us;
			if (line->argc > 2 && conf_parse_timer(line->argv[2], &us))
				ic->up_delay_us = us;
		}
	}
}

/* ---- the object table ------------------------------------------------------------------ */

static const char *const block_kind[VRRP_TRACK_KINDS] = {
	[VRRP_TRACK_SCRIPT] = "vrrp_script",
	[VRRP_TRACK_FILE] = "track_file",
	[VRRP_TRACK_PROC] = "vrrp_track_process",
};

/* Index of the object (created on first use); -1 if unknown, -2 if out of memory. */
static long find_obj(struct builder *b, enum vrrp_track_kind kind, const char *name)
{
	struct vrrp_track_set *set = b->set;
	const struct conf_node *blk = NULL;
	struct vrrp_track_obj_cfg *o;
	size_t i;

	for (i = 0; i < set->nobjs; i++)
		if (set->objs[i].kind == kind && strcmp(set->objs[i].name, name) == 0)
			return (long)i;
	if (kind != VRRP_TRACK_IF && !(blk = block(b->conf, block_kind[kind], name)))
		return -1;
	if (set->nobjs == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 8;
		void *p = realloc(set->objs, ncap * sizeof(*set->objs));

		if (!p)
			return -2;
		set->objs = p;
		b->cap = ncap;
	}
	o = &set->objs[set->nobjs];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->name = name;
	if (kind == VRRP_TRACK_IF) {
		o->ifindex = nl_link_index(b->nl, name);
		if (o->ifindex <= 0)
			return -1;
		if_cfg(b->conf, name, &o->u.iface);
	} else if (kind == VRRP_TRACK_SCRIPT) {
		if (script_cfg(b, blk, o) < 0)
			return -2;
	} else if (kind == VRRP_TRACK_FILE) {
		file_cfg(blk, o);
	} else if (proc_cfg(blk, o) < 0) {
		return -2;
	}
	return (long)set->nobjs++;
}

/* ---- references of an instance ----------------------------------------------------------- */

static const struct {
	const char *list;
	enum vrrp_track_kind kind;
	const char *what;            /* in 2.2.7's "ignoring tracked ..." line */
} lists[] = {
	{ "track_interface", VRRP_TRACK_IF, "interface" },
	{ "track_script", VRRP_TRACK_SCRIPT, "script" },
	{ "track_file", VRRP_TRACK_FILE, "file" },
	{ "track_process", VRRP_TRACK_PROC, "process" },
};

/* "NAME [weight W] [reverse|noreverse|no_reverse]" */
static void parse_line(const struct conf_node *line, struct vrrp_track_ref *r)
{
	int i;

	for (i = 1; i < line->argc; i++) {
		if (strcmp(line->argv[i], "weight") == 0 && i + 1 < line->argc)
			r->weight = atoi(line->argv[++i]);
		else if (strcmp(line->argv[i], "reverse") == 0)
			r->reverse = true;
		else if (strcmp(line->argv[i], "noreverse") == 0 ||
			 strcmp(line->argv[i], "no_reverse") == 0)
			r->reverse = false;
	}
}

static bool already(const struct vrrp_track_model *tm, unsigned obj)
{
	for (size_t i = 0; i < tm->nrefs; i++)
		if (tm->refs[i].obj == obj)
			return true;
	return false;
}

static void log_ignored(const struct vrrp_model_inst *mi, enum vrrp_track_kind kind,
			const char *what, const char *name, int w, const char *why)
{
	if (kind == VRRP_TRACK_IF)
		log_warnx("(%s) ignoring %s tracked interface %s", mi->name, name,
			  why[0] == 'a' ? "due to address owner" : "weight due to SYNC group");
	else if (kind == VRRP_TRACK_SCRIPT)
		log_warnx("(%s) ignoring tracked script %s with weights due to %s", mi->name, name,
			  why);
	else
		log_warnx("(%s) ignoring tracked %s %s with weight %d due to %s", mi->name, what,
			  name, w, why);
}

/* The vrrp_sync_group listing the instance, if any. */
static const struct conf_node *sync_group_of(const struct builder *b, const char *name)
{
	const struct conf_node *line;

	for (size_t i = 0; i < b->nsync; i++)
		conf_foreach(line, conf_find(b->sync_groups[i], "group"))
			if (line->argc > 0 && strcmp(line->argv[0], name) == 0)
				return b->sync_groups[i];
	return NULL;
}

/* 2.2.7 ignores weighted tracking of an address owner, and of a sync group
 * member unless the group has sync_group_tracking_weight. */
static const char *no_weights_reason(const struct conf_node *g, const struct vrrp_model_inst *mi)
{
	if (mi->base_prio == 255)
		return "address_owner";
	if (g && !conf_find(g, "sync_group_tracking_weight") && !conf_find(g, "global_tracking"))
		return "SYNC group";
	return NULL;
}

static int add_line(struct builder *b, struct vrrp_model_inst *mi, struct vrrp_track_model *tm,
		    const struct conf_node *line, unsigned k, const char *no_weights)
{
	const char *name = line->argv[0];
	struct vrrp_track_ref r = { 0 };
	long idx;

	if (lists[k].kind == VRRP_TRACK_IF && mi->ifname && strcmp(name, mi->ifname) == 0)
		return 0;                /* own interface: reported by the checks */
	idx = find_obj(b, lists[k].kind, name);
	if (idx == -2)
		return -1;
	if (idx < 0) {
		if (lists[k].kind == VRRP_TRACK_IF)
			log_warnx("(%s) tracked interface %s doesn't exist", mi->name, name);
		return 0;
	}
	if (already(tm, (unsigned)idx))
		return 0;
	r.obj = (unsigned)idx;
	r.weight = b->set->objs[idx].weight;
	r.reverse = b->set->objs[idx].reverse;
	parse_line(line, &r);
	if (r.weight && no_weights) {
		log_ignored(mi, lists[k].kind, lists[k].what, name, r.weight, no_weights);
		return 0;
	}
	if (lists[k].kind == VRRP_TRACK_SCRIPT && b->set->objs[idx].u.script.disabled)
		return 0;
	tm->refs[tm->nrefs++] = r;
	return 0;
}

static size_t count_lines(const struct conf_node *blk)
{
	const struct conf_node *n, *line;
	size_t cap = 0;

	if (blk)
		conf_foreach(n, blk)
			for (unsigned k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
				if (is(n, lists[k].list))
					conf_foreach(line, n)
						cap++;
	return cap;
}

static int add_lists(struct builder *b, struct vrrp_model_inst *mi, struct vrrp_track_model *tm,
		     const struct conf_node *blk, const char *no_weights)
{
	const struct conf_node *n, *line;

	if (blk)
		conf_foreach(n, blk)
			for (unsigned k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
				if (is(n, lists[k].list))
					conf_foreach(line, n)
						if (line->argc > 0 &&
						    add_line(b, mi, tm, line, k, no_weights) < 0)
							return -1;
	return 0;
}

/* ---- track_group of static addresses, routes and rules ----------------------------------- */

/* Value of "WORD VALUE" in a line, or NULL. */
static const char *line_opt(const struct conf_node *line, const char *word)
{
	for (int i = 1; i + 1 < line->argc; i++)
		if (strcmp(line->argv[i], word) == 0)
			return line->argv[i + 1];
	return NULL;
}

/* Does track_group `name` list the instance? */
static bool group_lists(const struct conf *conf, const char *name, const char *inst)
{
	const struct conf_node *tg = block(conf, "track_group", name), *grp, *line;

	if (!tg || !(grp = conf_find(tg, "group")))
		return false;
	conf_foreach(line, grp)
		if (line->argc > 0 && strcmp(line->argv[0], inst) == 0)
			return true;
	return false;
}

/* The interface a static line with a track_group listing the instance
 * lives on (NULL for other lines): its dev (iif for a rule; for an address
 * without one, default_interface). */
static const char *static_dev(const struct conf *conf, const struct conf_node *blk,
			      const struct conf_node *line, const char *inst)
{
	const char *tg = line_opt(line, "track_group"), *dev;
	const struct conf_node *di;

	if (!tg || !group_lists(conf, tg, inst))
		return NULL;
	if ((dev = line_opt(line, "dev")) || (is(blk, "static_rules") && (dev = line_opt(line, "iif"))))
		return dev;
	if (!is(blk, "static_ipaddress"))
		return NULL;
	di = conf_global(conf, "default_interface");
	return di && di->argc > 0 ? di->argv[0] : "eth0";
}

/* 2.2.7: an instance listed in the track_group of a static address, route
 * or rule goes to FAULT while that entry's interface is down, as if it
 * tracked the interface with weight 0.  With out NULL, count the lines. */
static size_t static_groups(struct builder *b, struct vrrp_model_inst *mi,
			    struct vrrp_track_model *tm, int *err)
{
	static const char *const kinds[] = { "static_ipaddress", "static_routes", "static_rules" };
	const struct conf_node *blk, *line;
	size_t n = 0;

	if (!b->static_groups)
		return 0;
	conf_foreach(blk, b->conf->root)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			if (!is(blk, kinds[k]))
				continue;
			conf_foreach(line, blk) {
				const char *dev = static_dev(b->conf, blk, line, mi->name);
				long idx;

				if (!dev)
					continue;
				n++;
				if (!tm || (mi->ifname && !strcmp(dev, mi->ifname)))
					continue;
				if ((idx = find_obj(b, VRRP_TRACK_IF, dev)) == -2)
					*err = -1;
				if (idx < 0 || already(tm, (unsigned)idx))
					continue;
				tm->refs[tm->nrefs].obj = (unsigned)idx;
				tm->refs[tm->nrefs].weight = 0;
				tm->refs[tm->nrefs++].reverse = false;
			}
		}
	return n;
}

/* The instance's own track_* lists, then those of its sync group, which
 * apply to every member (their weights too, except for an owner), then the
 * interfaces of the static entries of its track groups. */
static int build_inst(struct builder *b, const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	const struct conf_node *sg = sync_group_of(b, mi->name);
	struct vrrp_track_model *tm;
	int err = 0;
	size_t cap = count_lines(inst) + count_lines(sg) + static_groups(b, mi, NULL, &err);

	if (!cap)
		return 0;
	if (!(tm = calloc(1, sizeof(*tm))) || !(tm->refs = calloc(cap, sizeof(*tm->refs)))) {
		free(tm);
		return -1;
	}
	tm->set = b->set;
	b->set->users++;
	mi->track = tm;
	if (add_lists(b, mi, tm, inst, no_weights_reason(sg, mi)) < 0 ||
	    add_lists(b, mi, tm, sg, mi->base_prio == 255 ? "address_owner" : NULL) < 0)
		return -1;
	static_groups(b, mi, tm, &err);
	return err;
}

/* One pass over the top level: the sync groups, whether any static line
 * has a track_group, and each model instance's block (the model keeps the
 * instances in file order, their names pointing into their blocks). */
static int scan_tree(struct builder *b, const struct vrrp_model *m,
		     const struct conf_node **inst_nodes)
{
	const struct conf_node *n, *line;
	size_t next = 0;

	b->sync_groups = calloc(conf_count(b->conf->root, "vrrp_sync_group") + 1,
				sizeof(*b->sync_groups));
	if (!b->sync_groups)
		return -1;
	conf_foreach(n, b->conf->root) {
		const char *nm = conf_node_name(n);

		if (!nm)
			continue;
		if (!strcmp(nm, "vrrp_instance") && next < m->ninst && n->argc > 0 &&
		    n->argv[0] == m->inst[next].name)
			inst_nodes[next++] = n;
		else if (!strcmp(nm, "vrrp_sync_group") && conf_find(n, "group"))
			b->sync_groups[b->nsync++] = n;
		else if (!strncmp(nm, "static_", 7))
			conf_foreach(line, n)
				if (line_opt(line, "track_group"))
					b->static_groups = true;
	}
	return 0;
}

static void free_set(struct vrrp_track_set *set)
{
	for (size_t i = 0; i < set->nobjs; i++) {
		struct vrrp_track_obj_cfg *o = &set->objs[i];

		if (o->kind == VRRP_TRACK_SCRIPT) {
			free(o->u.script.cmd);
			free(o->u.script.prog);
		} else if (o->kind == VRRP_TRACK_PROC) {
			free(o->u.proc.cmdline);
		}
	}
	free(set->objs);
	free(set);
}

int vrrp_model_track_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *m)
{
	struct builder b = { .conf = conf, .nl = nl };
	const struct conf_node **inst_nodes;
	size_t i;
	int r = 0;

	if (!m->ninst)
		return 0;
	if (!(inst_nodes = calloc(m->ninst, sizeof(*inst_nodes))) || scan_tree(&b, m, inst_nodes) < 0 ||
	    !(b.set = calloc(1, sizeof(*b.set)))) {
		free(inst_nodes);
		free(b.sync_groups);
		return -1;
	}
	b.script_user = conf_global(conf, "script_user");
	b.security = conf_global(conf, "enable_script_security") != NULL;
	for (i = 0; i < m->ninst && r == 0; i++)
		if (inst_nodes[i] && build_inst(&b, inst_nodes[i], &m->inst[i]) < 0)
			r = -1;
	if (!b.set->users)
		free_set(b.set);
	free(inst_nodes);
	free(b.sync_groups);
	return r;
}

void vrrp_model_track_free(struct vrrp_model *m)
{
	for (size_t i = 0; i < m->ninst; i++) {
		struct vrrp_track_model *tm = m->inst[i].track;

		if (!tm)
			continue;
		if (--tm->set->users == 0)
			free_set(tm->set);
		free(tm->refs);
		free(tm);
		m->inst[i].track = NULL;
	}
}
