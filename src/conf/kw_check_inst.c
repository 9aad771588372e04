/*
 * kw_check_inst.c - checks of one vrrp_instance against the whole tree and
 * the host, plus the address/route/rule and tracking lists it shares with
 * the static blocks and sync groups.
 *
 * Per instance, in 2.2.7's order: its interface (exists, not loopback, or
 * unicast without one), tracked objects (defined, not duplicated, not its
 * own interface, weights inside a sync group), VRID present, VIPs (present,
 * one address family, IPv6 needs VRRPv3), authentication, strict-mode
 * restrictions, preemption, VMAC options.
 */
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "kw_check_vrrp.h"
#include "kw_args.h"

static bool is(const struct conf_node *n, const char *name)
{
	return conf_node_name(n) && strcmp(conf_node_name(n), name) == 0;
}

/* "ADDR/PLEN" -> "ADDR" into buf. */
static const char *bare_addr(const char *w, char *buf, size_t size)
{
	size_t n = strcspn(w, "/");

	if (n >= size)
		n = size - 1;
	memcpy(buf, w, n);
	buf[n] = '\0';
	return buf;
}

/* ---- address, route and rule lines ---------------------------------------------- */

void vc_check_addr_lines(struct vcheck *v, const struct conf_node *list)
{
	const struct conf_node *line;
	const char *dev;

	conf_foreach(line, list)
		if ((dev = kwa_line_opt(line, "dev")) && vc_if_missing(v, dev, &line->src))
			conf_warn(v->ctx, &line->src, "WARNING - interface %s for ip address %s "
				  "doesn't exist", dev, line->argv[0]);
}

void vc_check_route_lines(struct vcheck *v, const struct conf_node *list)
{
	const struct conf_node *line;

	conf_foreach(line, list)
		for (int i = 0; i + 1 < line->argc; i++)
			if (strcmp(line->argv[i], "dev") == 0 &&
			    vc_if_missing(v, line->argv[i + 1], &line->src))
				conf_warn(v->ctx, &line->src, "WARNING - interface %s for VROUTE "
					  "nexthop doesn't exist", line->argv[i + 1]);
}

static bool rule_has_pref(const struct conf_node *line)
{
	return kwa_line_opt(line, "preference") || kwa_line_opt(line, "priority") ||
	       kwa_line_opt(line, "pref");
}

/* Rules without a preference are numbered 16384 downwards in file order,
 * static_rules and virtual_rules together, as 2.2.7 installs them. */
static unsigned auto_pref(const struct vcheck *v, const struct conf_node *target)
{
	const struct conf_node *n, *list, *line;
	unsigned pref = 16384;

	conf_foreach(n, v->root) {
		if (is(n, "static_rules"))
			list = n;
		else if (is(n, "vrrp_instance"))
			list = conf_find(n, "virtual_rules");
		else
			continue;
		if (!list)
			continue;
		conf_foreach(line, list) {
			if (line == target)
				return pref;
			if (!rule_has_pref(line))
				pref--;
		}
	}
	return pref;
}

void vc_check_rule_lines(struct vcheck *v, const struct conf_node *list)
{
	const struct conf_node *line;

	conf_foreach(line, list)
		if (!rule_has_pref(line))
			conf_fixed(v->ctx, &line->src, "Rule has no preference specified - setting "
				 "to %u. This is probably not what you want.", auto_pref(v, line));
}

/* ---- tracking --------------------------------------------------------------------- */

static int64_t line_weight(const struct conf_node *line, int64_t dflt)
{
	const char *w = kwa_line_opt(line, "weight");
	int64_t v;

	return w && conf_parse_int(w, -254, 254, &v) ? v : dflt;
}

/* Is `line`'s name listed earlier, in this or a previous list of the same
 * keyword of `blk`? */
static bool seen_before(const struct conf_node *blk, const struct conf_node *list,
			const struct conf_node *line)
{
	const struct conf_node *other, *l;

	conf_foreach(other, blk) {
		if (!conf_node_name(other) || strcmp(conf_node_name(other), conf_node_name(list)) != 0)
			continue;
		conf_foreach(l, other) {
			if (l == line)
				return false;
			if (strcmp(l->argv[0], line->argv[0]) == 0)
				return true;
		}
	}
	return false;
}

/* Who tracks: an instance (maybe in a sync group, maybe the address owner,
 * whose tracking weights 2.2.7 ignores) or a sync group. */
struct tracker {
	struct vcheck *v;
	const struct conf_node *blk;   /* the tracking block */
	const char *owner;             /* instance or sync group name */
	const char *own_if;            /* the instance's interface */
	const struct conf_node *sg;    /* the instance's sync group */
	const char *no_weights;        /* "address_owner", "SYNC group" or NULL */
};

static void check_track_scripts(const struct tracker *t, const struct conf_node *list)
{
	const struct conf_node *line;

	conf_foreach(line, list) {
		const char *s = line->argv[0];
		const struct conf_node *blk;

		if (!vc_script_defined(t->v, s)) {
			conf_err(t->v->ctx, &line->src, "(%s) track script %s not found, ignoring...",
				 t->owner, s);
			continue;
		}
		if (seen_before(t->blk, list, line)) {
			conf_err(t->v->ctx, &line->src, "(%s) duplicate track_script %s - ignoring",
				 t->owner, s);
			continue;
		}
		blk = vc_block(t->v, "vrrp_script", s);
		if (t->no_weights && line_weight(line, conf_get_int(blk, "weight", 0)) != 0)
			conf_err(t->v->ctx, &line->src, "(%s) ignoring tracked script %s with weights "
				 "due to %s", t->owner, s, t->no_weights);
	}
}

/* track_file / track_process / track_bfd: names of top-level blocks;
 * `dflt` is the weight when neither the line nor the block gives one
 * (-1: weights are not checked for this kind). */
static void check_track_refs(const struct tracker *t, const struct conf_node *list,
			     const char *kind, const char *what, int64_t dflt)
{
	const struct conf_node *line, *blk;

	conf_foreach(line, list) {
		int64_t w;

		if (!(blk = vc_block(t->v, kind, line->argv[0]))) {
			conf_err(t->v->ctx, &line->src, "(%s) %s %s not found, ignoring...", t->owner,
				 what, line->argv[0]);
			continue;
		}
		if (seen_before(t->blk, list, line)) {
			conf_err(t->v->ctx, &line->src, "(%s) duplicate %s %s - ignoring", t->owner,
				 conf_node_name(list), line->argv[0]);
			continue;
		}
		if (dflt < 0 || !t->no_weights)
			continue;
		w = line_weight(line, conf_get_int(blk, "weight", dflt));
		if (w != 0)
			conf_err(t->v->ctx, &line->src, "(%s) ignoring tracked %s %s with weight "
				 "%lld due to %s", t->owner, what + strlen("track "), line->argv[0],
				 (long long)w, t->no_weights);
	}
}

static bool in_list(const struct conf_node *list, const char *word)
{
	const struct conf_node *l;

	if (list)
		conf_foreach(l, list)
			if (strcmp(l->argv[0], word) == 0)
				return true;
	return false;
}

static void check_track_ifs(const struct tracker *t, const struct conf_node *list)
{
	const struct conf_node *sg_ifs = t->sg ? conf_find(t->sg, "track_interface") : NULL;
	struct conf_ctx *ctx = t->v->ctx;
	const struct conf_node *line;

	conf_foreach(line, list) {
		const char *ifn = line->argv[0];

		if (t->own_if && strcmp(ifn, t->own_if) == 0)
			conf_err(ctx, &line->src, "(%s) Ignoring track_interface %s since own "
				 "interface", t->owner, ifn);
		else if (vc_if_missing(t->v, ifn, &line->src))
			conf_warn(ctx, &line->src, "(%s) tracked interface %s doesn't exist",
				  t->owner, ifn);
		else if (in_list(sg_ifs, ifn))
			conf_err(ctx, &line->src, "(%s) track_interface %s is configured on VRRP "
				 "instance and sync group. Remove vrrp instance or sync group config",
				 t->owner, ifn);
		else if (t->no_weights && line_weight(line, 0) != 0)
			conf_err(ctx, &line->src, "(%s) ignoring %s tracked interface %s", t->owner,
				 ifn, t->no_weights[0] == 'a' ? "due to address owner" :
				 "weight due to SYNC group");
	}
}

static int64_t inst_priority(const struct conf_node *inst)
{
	const struct conf_node *state = conf_find_last(inst, "state");

	return conf_get_int(inst, "priority", state && state->val.i == 0 ? 255 : 100);
}

void vc_check_tracking(struct vcheck *v, const struct conf_node *blk, const char *owner)
{
	bool inst = is(blk, "vrrp_instance");
	struct tracker t = { .v = v, .blk = blk, .owner = owner };
	const struct conf_node *n;

	if (inst) {
		t.sg = vc_sync_group_of(v, owner);
		t.own_if = conf_get_str(blk, "interface", NULL);
		if (inst_priority(blk) == 255)
			t.no_weights = "address_owner";
		else if (t.sg && !conf_find(t.sg, "sync_group_tracking_weight") &&
			 !conf_find(t.sg, "global_tracking"))
			t.no_weights = "SYNC group";
	}
	conf_foreach(n, blk) {
		if (is(n, "track_script"))
			check_track_scripts(&t, n);
		else if (is(n, "track_file"))
			check_track_refs(&t, n, "track_file", "track file", 1);
		else if (is(n, "track_process"))
			check_track_refs(&t, n, "vrrp_track_process", "track process", -1);
		else if (is(n, "track_bfd"))
			check_track_refs(&t, n, "bfd_instance", "track bfd", 0);
		else if (is(n, "track_interface"))
			check_track_ifs(&t, n);
	}
}

/* ---- the instance ------------------------------------------------------------------ */

static bool is_loopback(struct vcheck *v, const char *ifname)
{
	const struct host_if *hi;

	if (strcmp(ifname, "lo") == 0)
		return true;
	if (!v->check_system)
		return false;
	hi = host_if_find(&v->ifs, ifname);
	return hi && (hi->flags & IFF_LOOPBACK);
}

static void check_interface(struct vcheck *v, const struct conf_node *inst, const char *name)
{
	const struct conf_node *ifn = conf_find_last(inst, "interface");
	const struct conf_node *peers = conf_find(inst, "unicast_peer");
	bool usable = ifn != NULL;

	if (ifn && is_loopback(v, ifn->argv[0])) {
		conf_err(v->ctx, &ifn->src, "(%s) cannot use a loopback interface (%s) for vrrp - "
			 "ignoring", name, ifn->argv[0]);
		usable = false;
	} else if (ifn && vc_if_missing(v, ifn->argv[0], &ifn->src)) {
		conf_warn(v->ctx, &ifn->src, "WARNING - interface %s for vrrp_instance %s doesn't "
			  "exist", ifn->argv[0], name);
	}
	if (!usable && !(peers && peers->child))
		conf_err(v->ctx, &inst->src, "(%s) Unknown interface!", name);
}

/* How many VIPs an advert can carry: 255 (8-bit count), fewer if the
 * interface MTU leaves less room (IP header and options, VRRP header,
 * authentication: 40 bytes for IPv4, 64 for IPv6, as 2.2.7 counts). */
static unsigned max_vips(struct vcheck *v, const struct conf_node *inst, int family)
{
	const char *ifname = conf_get_str(inst, "interface", NULL);
	unsigned overhead = family == AF_INET ? 40 : 64, size = family == AF_INET ? 4 : 16;
	const struct host_if *hi;

	if (!v->check_system || !ifname || !(hi = host_if_find(&v->ifs, ifname)) ||
	    hi->mtu <= (int)overhead || ((unsigned)hi->mtu - overhead) / size >= 255)
		return 255;
	return ((unsigned)hi->mtu - overhead) / size;
}

/* VIPs: present, one family, not more than an advert holds; returns the
 * instance's family. */
static int check_vips(struct vcheck *v, const struct conf_node *inst, const char *name,
		      bool strict)
{
	int family = conf_find(inst, "native_ipv6") ? AF_INET6 : 0;
	const struct conf_node *n, *line;
	unsigned count = 0;
	char buf[64];

	conf_foreach(n, inst) {
		if (is(n, "virtual_ipaddress_excluded"))
			vc_check_addr_lines(v, n);
		if (!is(n, "virtual_ipaddress"))
			continue;
		vc_check_addr_lines(v, n);
		conf_foreach(line, n) {
			struct conf_addr a;

			if (!conf_parse_addr(line->argv[0], true, &a))
				continue;
			if (!family)
				family = a.family;
			if (a.family != family)
				conf_err(v->ctx, &line->src, "(%s): address family must match VRRP "
					 "instance [%s] - ignoring", name,
					 bare_addr(line->argv[0], buf, sizeof(buf)));
			else
				count++;
		}
	}
	if (!count)
		conf_err(v->ctx, &inst->src, "(%s) No VIP specified; at least one is %s", name,
			 strict ? "required" : "sensible");
	family = family ? family : AF_INET;
	if (count > max_vips(v, inst, family))
		conf_err(v->ctx, &inst->src, "(%s) Number of VIPs (%u) exceeds maximum/space "
			 "available in packet (max %u addresses) - excess moved to eVIPs", name,
			 count, max_vips(v, inst, family));
	return family;
}

static void check_auth_and_state(struct vcheck *v, const struct conf_node *inst,
				 const char *name, bool strict)
{
	const struct conf_node *auth = conf_find_last(inst, "authentication");
	const struct conf_node *type = auth ? conf_find_last(auth, "auth_type") : NULL;
	const struct conf_node *state = conf_find_last(inst, "state");
	bool master = state && state->val.i == 0;
	int64_t prio = inst_priority(inst);

	if (type && type->val.i < 0)
		type = NULL;            /* unknown type: reported by check_deprecated() */

	if (type && !conf_find(auth, "auth_pass"))
		conf_err(v->ctx, &auth->src, "(%s) Authentication specified but no password given. "
			 "Ignoring", name);
	else if (type && strict)
		conf_err(v->ctx, &auth->src, "(%s) Strict mode does not support authentication. "
			 "Ignoring.", name);
	else if (type && type->val.i == 1 && master && prio != 255)
		conf_err(v->ctx, &state->src, "(%s) Initial state master is incompatible with AH "
			 "authentication - clearing", name);
	if (strict && master != (prio == 255))
		conf_err(v->ctx, &inst->src, "(%s) State MASTER must match being address owner",
			 name);
}

/* Unicast keywords without any unicast peer. */
static void check_unicast_words(struct vcheck *v, const struct conf_node *inst, const char *name)
{
	const struct conf_node *peers = conf_find(inst, "unicast_peer");
	const struct conf_node *n, *ttl = conf_find_last(inst, "unicast_ttl");
	bool unicast_word = peers != NULL;

	if (peers && peers->child)
		return;
	if (ttl)
		conf_err(v->ctx, &ttl->src, "(%s): Cannot use unicast_ttl without unicast peers - "
			 "resetting", name);
	conf_foreach(n, inst)
		if (n->kw && (strcmp(n->kw->name, "unicast_src_ip") == 0 ||
			      strcmp(n->kw->name, "check_unicast_src") == 0 ||
			      strcmp(n->kw->name, "old_unicast_checksum") == 0))
			unicast_word = true;
	if (unicast_word && !conf_find(inst, "unicast_fault_no_peer"))
		conf_fixed(v->ctx, &inst->src, "(%s) A unicast keyword has been specified without any "
			 "unicast peers. Defaulting to multicast. This usage is deprecated - please "
			 "update your configuration.", name);
}

/* vrrp_strict / strict_mode restrictions on options (keepalived.conf(5)). */
static void check_strict_options(struct vcheck *v, const struct conf_node *inst,
				 const char *name, int family)
{
	const struct conf_node *n;
	int64_t version = conf_get_int(inst, "version", v->version);

	if ((n = conf_find_last(inst, "accept")) && family == AF_INET && version == 2)
		conf_err(v->ctx, &n->src, "(%s) warning - accept mode for VRRP version 2 does not "
			 "comply with RFC3768 - resetting", name);
	if ((n = conf_find_last(inst, "garp_lower_prio_repeat")) && n->val.i != 0)
		conf_err(v->ctx, &n->src, "(%s) Strict mode requires no repeat garps. resetting",
			 name);
	if ((n = conf_find_last(inst, "lower_prio_no_advert")) && !n->val.b)
		conf_err(v->ctx, &n->src, "(%s) Strict mode requires no lower priority advert. "
			 "resetting", name);
	if ((n = conf_find_last(inst, "higher_prio_send_advert")) && n->val.b)
		conf_err(v->ctx, &n->src, "(%s) strict mode requires higher_prio_send_advert to be "
			 "clear. resetting", name);
	if ((n = conf_find_last(inst, "vmac_xmit_base")))
		conf_err(v->ctx, &n->src, "(%s) xmit_base is incompatible with strict mode - "
			 "resetting", name);
}

static void check_options(struct vcheck *v, const struct conf_node *inst, const char *name,
			  bool strict)
{
	const struct conf_node *pd = conf_find_last(inst, "preempt_delay");
	const struct conf_node *peers = conf_find(inst, "unicast_peer");
	bool vmac = conf_find(inst, "use_vmac") != NULL;
	bool ipvlan = conf_find(inst, "use_ipvlan") != NULL;
	bool xmit = conf_find(inst, "vmac_xmit_base") != NULL;

	if (pd && pd->val.usec && strict)
		conf_err(v->ctx, &pd->src, "(%s) preempt_delay is incompatible with strict mode - "
			 "resetting", name);
	else if (pd && pd->val.usec && conf_find(inst, "nopreempt"))
		conf_err(v->ctx, &pd->src, "(%s) preempt_delay is incompatible with nopreempt mode "
			 "- resetting", name);
	if (vmac && conf_find(inst, "promote_secondaries"))
		conf_err(v->ctx, &inst->src, "(%s) promote_secondaries is automatically set for "
			 "vmacs - ignoring", name);
	if ((vmac || ipvlan) && ((peers && peers->child) || conf_find(inst, "unicast_fault_no_peer"))
	    && !xmit) {
		conf_err(v->ctx, peers ? &peers->src : &inst->src, "(%s) unicast with use_vmac requires vmac_xmit_base "
			 "- setting", name);
		xmit = true;
	}
	if (xmit && !vmac)
		conf_err(v->ctx, &inst->src, "(%s) vmac_xmit_base is only valid with a vmac", name);
	check_unicast_words(v, inst, name);
	if (conf_find(inst, "vrf") && conf_find(inst, "interface"))
		conf_err(v->ctx, &conf_find(inst, "vrf")->src, "(%s) Cannot specify VRF interface "
			 "and interface - ignoring", name);
}

/* Keywords 2.2.7 reports while reading, with the instance name (not known
 * to keyword checks, which run before the line is linked to its block). */
static void check_deprecated(struct vcheck *v, const struct conf_node *inst, const char *name)
{
	const struct conf_node *n, *a;

	conf_foreach(n, inst) {
		if (is(n, "state") && strcmp(n->argv[0], "MASTER") && strcmp(n->argv[0], "BACKUP"))
			conf_err(v->ctx, &n->src, "(%s) unknown state '%s', defaulting to BACKUP",
				 name, n->argv[0]);
		else if (is(n, "authentication") && (a = conf_find_last(n, "auth_type")) &&
			 a->val.i < 0)
			conf_err(v->ctx, &a->src, "(%s) unknown authentication type '%s'", name,
				 a->argv[0]);
		else if (is(n, "linkbeat_use_polling"))
			conf_fixed(v->ctx, &n->src, "(%s) 'linkbeat_use_polling' in vrrp instance "
				 "deprecated - use linkbeat_interfaces block", name);
		else if (is(n, "lvs_sync_daemon_interface")) {
			conf_fixed(v->ctx, &n->src, "(%s) Specifying lvs_sync_daemon_interface against "
				 "a vrrp is deprecated.", name);
			conf_err(v->ctx, &n->src, "        Please use global lvs_sync_daemon");
		}
	}
}

static bool ipvlan_has_addr(const struct conf_node *n)
{
	struct conf_addr a;

	for (int i = 0; i < n->argc; i++)
		if (conf_parse_addr(n->argv[i], true, &a))
			return true;
	return false;
}

void vc_check_instance(struct vcheck *v, const struct conf_node *inst)
{
	const char *name = inst->argc > 0 ? inst->argv[0] : "?";
	bool strict = conf_get_bool(inst, "strict_mode", v->strict);
	const struct conf_node *n;
	int family;

	check_deprecated(v, inst, name);
	check_interface(v, inst, name);
	vc_check_tracking(v, inst, name);
	if (!conf_find(inst, "virtual_router_id"))
		conf_err(v->ctx, &inst->src, "(%s) the virtual router id must be set", name);
	family = check_vips(v, inst, name, strict);
	n = conf_find_last(inst, "use_ipvlan");
	if (n && family == AF_INET && !ipvlan_has_addr(n))
		conf_err(v->ctx, &n->src, "(%s) IPv4 ipvlan requires a source ip address to be "
			 "configured. setting instance to fault state", name);
	n = conf_find_last(inst, "version");
	if (family == AF_INET6 && n && n->val.i == 2)
		conf_err(v->ctx, &n->src, "(%s) cannot use IPv6 with VRRP version 2; setting "
			 "version 3", name);
	conf_foreach(n, inst) {
		if (is(n, "virtual_routes"))
			vc_check_route_lines(v, n);
		else if (is(n, "virtual_rules"))
			vc_check_rule_lines(v, n);
	}
	check_auth_and_state(v, inst, name, strict);
	if (strict)
		check_strict_options(v, inst, name, family);
	check_options(v, inst, name, strict);
}
