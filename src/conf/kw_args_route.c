/*
 * kw_args_route.c - validators for route and rule lines (virtual_routes,
 * static_routes, virtual_rules, static_rules).
 *
 * The syntax is that of "ip route add" / "ip rule add" without abbreviated
 * option names, plus keepalived's own words: no_track, track_group (static
 * only), and the deprecated "gw" (for "via") and "or" (for a second
 * nexthop).  Each line is walked word by word: a known option consumes its
 * value(s), a bare address becomes the destination (routes) and anything
 * else is reported with 2.2.7's wording.  Names of tables, protocols and
 * realms are looked up in /etc/iproute2 like iproute2 and keepalived do.
 *
 * Rule preferences are assigned in the whole-tree pass (kw_check_vrrp.c),
 * since 2.2.7 numbers the rules without one in file order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "kw_args.h"

/* ---- names from /etc/iproute2 ----------------------------------------------- */

/* Is `word` a number in [0, max] or a name listed in /etc/iproute2/FILE? */
static bool iproute_id(const char *file, const char *word, int64_t max)
{
	char path[128], line[256], name[128];
	unsigned long id;
	int64_t v;
	FILE *f;
	bool found = false;

	if (conf_parse_int(word, 0, max, &v))
		return true;
	if (word[0] == '0' && word[1] == 'x') {
		char *end;
		unsigned long long x = strtoull(word, &end, 16);

		return *end == '\0' && end != word + 2 && x <= (unsigned long long)max;
	}
	snprintf(path, sizeof(path), "/etc/iproute2/%s", file);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lu %127s", &id, name) == 2 && line[0] != '#' &&
		    strcmp(name, word) == 0)
			found = true;
	fclose(f);
	return found;
}

static bool table_ok(const char *w)
{
	return iproute_id("rt_tables", w, UINT32_MAX);
}

static bool realm_ok(const char *w)
{
	const char *slash = strchr(w, '/');
	char a[64];

	if (!slash)
		return iproute_id("rt_realms", w, 65535);
	if ((size_t)(slash - w) >= sizeof(a))
		return false;
	memcpy(a, w, (size_t)(slash - w));
	a[slash - w] = '\0';
	return (!a[0] || iproute_id("rt_realms", a, 65535)) && iproute_id("rt_realms", slash + 1, 65535);
}

static bool scope_ok(const char *w)
{
	static const char *const s[] = { "host", "link", "global", "nowhere", "site", "universe", NULL };

	for (int i = 0; s[i]; i++)
		if (strcmp(w, s[i]) == 0)
			return true;
	return iproute_id("rt_scopes", w, 255);
}

static bool is_word(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

/* ---- routes ------------------------------------------------------------------ */

static const char *const route_types[] = {
	"unicast", "blackhole", "unreachable", "prohibit", "throw", "local",
	"broadcast", "anycast", "multicast", "nat", NULL
};
/* Options taking "[lock] NUMBER". */
static const char *const route_metrics[] = {
	"mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh",
	"rto_min", "initcwnd", "initrwnd", "hoplimit", "quickack", "fastopen_no_cookie",
	"metric", "priority", "preference", "expires", NULL
};
/* Options taking one value (checked in route_opt()). */
static const char *const route_value_opts[] = {
	"gw", "via", "or", "src", "from", "dev", "oif", "vrf", "track_group", "congctl", "pref",
	"ttl-propagate", "weight", "table", "scope", "protocol", "proto", "tos", "dsfield",
	"realms", "features", NULL
};
static const char *const route_flags[] = {
	"onlink", "append", "no_track", "inet6", "inet", NULL
};

/* Words allowed after the first nexthop (each nexthop's own options). */
static const char *const nexthop_opts[] = {
	"via", "gw", "dev", "weight", "onlink", "realms", "encap", NULL
};

/* A "protocol" other than keepalived's (18): such a route or rule cannot
 * be tracked. */
static bool untracked_proto(const struct conf_node *n)
{
	const char *p = kwa_line_opt(n, "protocol");

	if (!p)
		p = kwa_line_opt(n, "proto");
	return p && strcmp(p, "keepalived") != 0 && strcmp(p, "18") != 0;
}

struct route_state {
	struct conf_ctx *ctx;
	const struct conf_node *n;
	bool is_static;
	bool has_dest, has_dev, ok;
	struct conf_addr dest;
	const char *dest_word;
};

static bool route_addr(struct route_state *s, const char *w, const char *what)
{
	struct conf_addr a;

	if (kwa_parse_ip(w, false, &a))
		return true;
	conf_err(s->ctx, &s->n->src, "VRRP parsed invalid IP %s. skipping IP...", w);
	conf_err(s->ctx, &s->n->src, "invalid route %s address %s", what, w);
	s->ok = false;
	return false;
}

/* Option `o` with value `v` (may be NULL); returns words consumed after o. */
static bool proto_ok(const char *w)
{
	return iproute_id("rt_protos", w, 255);
}

static bool dsfield_ok(const char *w)
{
	return iproute_id("rt_dsfield", w, 255);
}

/* Options whose value is a name or number, with 2.2.7's message when bad. */
static const struct {
	const char *opt;
	bool (*ok)(const char *word);
	const char *bad;
} route_named[] = {
	{ "table", table_ok, "Routing table %s not found for route" },
	{ "scope", scope_ok, "Scope %s not found or invalid for route" },
	{ "protocol", proto_ok, "Protocol %s not found or invalid for route" },
	{ "proto", proto_ok, "Protocol %s not found or invalid for route" },
	{ "tos", dsfield_ok, "TOS value %s is invalid" },
	{ "dsfield", dsfield_ok, "TOS value %s is invalid" },
	{ "realms", realm_ok, "Invalid realms %s for route" },
};

/* "OPT [lock] NUMBER": returns the words consumed after OPT. */
static int route_metric(struct route_state *s, const char *o, const char *v, const char *v2)
{
	int64_t num;
	int used = 1;

	if (strcmp(v, "lock") == 0 && v2) {
		v = v2;
		used = 2;
	}
	if (!conf_parse_int(v, 0, UINT32_MAX, &num)) {
		conf_err(s->ctx, &s->n->src, "invalid number '%s'", v);
		if (strcmp(o, "mtu") == 0)
			conf_err(s->ctx, &s->n->src, "Invalid MTU %s specified for route", v);
		else
			conf_err(s->ctx, &s->n->src, "Invalid %s %s specified for route", o, v);
		s->ok = false;
	}
	return used;
}

/* Option `o` with value `v` (may be NULL) and the word after (v2); returns
 * the words consumed after o, or -1 if o is not an option. */
static int route_opt(struct route_state *s, const char *o, const char *v, const char *v2)
{
	struct conf_ctx *ctx = s->ctx;
	const struct conf_src *src = &s->n->src;

	if (is_word(o, route_flags) || strcmp(o, "to") == 0 || strcmp(o, "nexthop") == 0)
		return 0;
	if (strcmp(o, "features") == 0 && v && strcmp(v, "ecn") == 0)
		return 1;
	if (!is_word(o, route_value_opts) && !is_word(o, route_metrics))
		return -1;
	if (!v) {
		conf_err(ctx, src, "Configuration line starting `%s` is missing a parameter "
			 "after keyword `%s`", s->n->argv[0], o);
		s->ok = false;
		return 0;
	}
	if (strcmp(o, "gw") == 0 || strcmp(o, "via") == 0 || strcmp(o, "or") == 0) {
		if (strcmp(o, "gw") == 0)
			conf_fixed(ctx, src, "\"gw\" for routes is deprecated. Please use \"via\"");
		if (strcmp(o, "or") == 0)
			conf_fixed(ctx, src, "\"or\" for routes is deprecated. Please use \"nexthop\"");
		route_addr(s, v, "via");
		return 1;
	}
	if (strcmp(o, "from") == 0) {     /* a source prefix: IPv6 only in 2.2.7 */
		struct conf_addr a;

		if (!kwa_parse_ip(v, true, &a)) {
			route_addr(s, v, o);
		} else if (a.family != AF_INET6) {
			conf_err(ctx, src, "route from address only supported with IPv6 (%s)", v);
			s->ok = false;
		}
		return 1;
	}
	if (strcmp(o, "src") == 0) {
		route_addr(s, v, o);
		return 1;
	}
	for (size_t i = 0; i < sizeof(route_named) / sizeof(route_named[0]); i++) {
		if (strcmp(o, route_named[i].opt) != 0)
			continue;
		if (!route_named[i].ok(v)) {
			conf_err(ctx, src, route_named[i].bad, v);
			s->ok = false;
		}
		return 1;
	}
	if (is_word(o, route_metrics))
		return route_metric(s, o, v, v2);
	if (strcmp(o, "track_group") == 0 && !s->is_static)
		conf_err(ctx, src, "track_group only valid for static routes - ignoring");
	if (strcmp(o, "congctl") == 0 && strcmp(v, "lock") == 0 && v2)
		return 2;
	return 1;   /* dev, oif, vrf, track_group, congctl, pref, ttl-propagate, weight */
}

static bool route_line(struct conf_ctx *ctx, struct conf_node *n, bool is_static)
{
	struct route_state s = { .ctx = ctx, .n = n, .is_static = is_static, .ok = true };
	bool in_nexthop = false;
	int i;

	for (i = 0; i < n->argc; i++) {
		const char *w = n->argv[i];
		const char *v = i + 1 < n->argc ? n->argv[i + 1] : NULL;
		int used;

		if (i == 0 && is_word(w, route_types))
			continue;
		if (strcmp(w, "nexthop") == 0)
			in_nexthop = true;
		else if (in_nexthop && !is_word(w, nexthop_opts)) {
			conf_err(ctx, &n->src, "Route has trailing nonsense after nexthops - %s", w);
			return false;
		}
		if (strcmp(w, "dev") == 0 && !in_nexthop)
			s.has_dev = true;
		used = route_opt(&s, w, v, i + 2 < n->argc ? n->argv[i + 2] : NULL);
		if (used >= 0) {
			i += used;
			continue;
		}
		if (!s.has_dest && kwa_parse_ip(w, true, &s.dest)) {
			s.has_dest = true;
			s.dest_word = w;
			continue;
		}
		conf_err(ctx, &n->src, "VRRP parsed invalid IP %s. skipping IP...", w);
		conf_err(ctx, &n->src, "unknown route keyword %s", w);
		s.ok = false;
	}
	if (!s.ok)
		return false;
	if (!s.has_dest) {
		conf_err(ctx, &n->src, "No destination specified for route");
		return false;
	}
	if (s.has_dev && !kwa_line_has(n, "no_track") && untracked_proto(n))
		conf_fixed(ctx, &n->src, "Route cannot be tracked if protocol is not "
			 "RTPROT_KEEPALIVED(18), resetting protocol");
	if (!s.has_dev && !kwa_line_has(n, "no_track")) {
		char buf[INET6_ADDRSTRLEN];

		inet_ntop(s.dest.family, &s.dest.a, buf, sizeof(buf));
		conf_fixed(ctx, &n->src, "Warning - cannot track route %s/%u with no interface "
			 "specified, not tracking", buf, s.dest.plen);
	}
	return true;
}

bool kwa_vroute_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return route_line(ctx, node, false);
}

bool kwa_static_route_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return route_line(ctx, node, true);
}

/* ---- rules ------------------------------------------------------------------ */

static const char *const rule_actions[] = {
	"table", "lookup", "nop", "goto", "blackhole", "prohibit", "unreachable", "l3mdev", NULL
};
static const char *const rule_flags[] = {
	"not", "no_track", "inet6", "inet", "nop", "blackhole", "prohibit", "unreachable",
	"l3mdev", NULL
};
static const char *const rule_words[] = {   /* options with one free-form value */
	"iif", "iifname", "oif", "oifname", "uidrange", "sport", "dport", "protocol",
	"ipproto", "suppress_prefixlength", "suppress_ifgroup", "track_group", "tunnel-id", NULL
};

static bool rule_value(struct conf_ctx *ctx, const struct conf_node *n, const char *o,
		       const char *v)
{
	struct conf_addr a;
	int64_t num;

	if (strcmp(o, "from") == 0 || strcmp(o, "to") == 0) {
		if (strcmp(v, "all") == 0 || kwa_parse_ip(v, true, &a))
			return true;
		conf_err(ctx, &n->src, "VRRP parsed invalid IP %s. skipping IP...", v);
		conf_err(ctx, &n->src, "Invalid rule %s address %s", o, v);
		return false;
	}
	if (strcmp(o, "table") == 0 || strcmp(o, "lookup") == 0) {
		if (table_ok(v))
			return true;
		conf_err(ctx, &n->src, "Routing table %s not found for rule", v);
		return false;
	}
	if (strcmp(o, "preference") == 0 || strcmp(o, "priority") == 0 || strcmp(o, "pref") == 0 ||
	    strcmp(o, "goto") == 0) {
		if (conf_parse_int(v, 0, UINT32_MAX, &num))
			return true;
		conf_err(ctx, &n->src, "invalid number '%s'", v);
		conf_err(ctx, &n->src, "Invalid rule %s %s specified", o, o);
		return false;
	}
	if (strcmp(o, "fwmark") == 0) {
		char *end;

		strtoul(v, &end, 0);
		if (end != v && (*end == '\0' || (*end == '/' && end[1])))
			return true;
		conf_err(ctx, &n->src, "Invalid rule fwmark %s specified", v);
		return false;
	}
	if (strcmp(o, "realms") == 0 && !realm_ok(v)) {
		conf_err(ctx, &n->src, "Invalid rule realms %s specified", v);
		return false;
	}
	if ((strcmp(o, "tos") == 0 || strcmp(o, "dsfield") == 0) && !iproute_id("rt_dsfield", v, 255)) {
		conf_err(ctx, &n->src, "Invalid rule tos %s specified", v);
		return false;
	}
	return true;
}

static bool rule_line(struct conf_ctx *ctx, struct conf_node *n, bool is_static)
{
	int actions = 0, i;
	bool ok = true, has_dev = false;

	for (i = 0; i < n->argc; i++) {
		const char *o = n->argv[i];

		if (is_word(o, rule_actions))
			actions++;
		if (strcmp(o, "iif") == 0 || strcmp(o, "iifname") == 0 || strcmp(o, "dev") == 0)
			has_dev = true;
		if (is_word(o, rule_flags))
			continue;
		if (!is_word(o, rule_words) && strcmp(o, "from") && strcmp(o, "to") &&
		    strcmp(o, "table") && strcmp(o, "lookup") && strcmp(o, "preference") &&
		    strcmp(o, "priority") && strcmp(o, "goto") &&
		    strcmp(o, "fwmark") && strcmp(o, "realms") && strcmp(o, "tos") &&
		    strcmp(o, "dsfield") && strcmp(o, "dev")) {
			conf_err(ctx, &n->src, "Unknown rule option %s", o);
			return false;
		}
		if (i + 1 >= n->argc) {
			conf_err(ctx, &n->src, "Configuration line starting `%s` is missing a "
				 "parameter after keyword `%s` at word position %d",
				 n->argv[0], o, i + 1);
			return false;
		}
		if (!rule_value(ctx, n, o, n->argv[++i]))
			ok = false;
	}
	if (!ok)
		return false;
	if (actions == 0) {
		conf_err(ctx, &n->src, "No action specified for rule - ignoring");
		return false;
	}
	if (actions > 1) {
		conf_err(ctx, &n->src, "Cannot specify more than one of table/nop/goto/blackhole/"
			 "prohibit/unreachable/l3mdev for rule");
		return false;
	}
	if (!kwa_line_has(n, "no_track") && untracked_proto(n))
		conf_fixed(ctx, &n->src, "Rule cannot be tracked if protocol is not "
			 "RTPROT_KEEPALIVED(18), resetting protocol");
	if (is_static && !has_dev && kwa_line_has(n, "track_group"))
		conf_err(ctx, &n->src, "Static rule cannot have track_group if dev/iif not specified");
	return true;
}

bool kwa_vrule_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return rule_line(ctx, node, false);
}

bool kwa_static_rule_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return rule_line(ctx, node, true);
}
