/*
 * vrrp_route_parse.c - route and rule lines into netlink requests (see
 * vrrp_route_parse.h).
 *
 * Design.  Each line is walked once, word by word, through a table of
 * options (word, handler); a handler consumes the values it needs and
 * returns how many, or -1 with a reason.  For routes the words before the
 * first "nexthop" fill the route's own (first) next hop; each "nexthop"
 * opens a new one that via/dev/weight/onlink then fill (a route's own hop
 * with a device but no gateway is not a hop of its own: its device is the
 * default of the next hops, as the kernel wants RTA_OIF to match the first
 * of them).  Values are taken
 * as the checker left them: a malformed value is still refused here with
 * a reason, never guessed.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "vrrp_route_parse.h"

/* ---- names --------------------------------------------------------------------- */

static const struct builtin { const char *file, *name; uint32_t id; } builtins[] = {
	{ "rt_tables", "unspec", 0 }, { "rt_tables", "default", 253 },
	{ "rt_tables", "main", 254 }, { "rt_tables", "local", 255 },
	{ "rt_protos", "kernel", 2 }, { "rt_protos", "boot", 3 }, { "rt_protos", "static", 4 },
	{ "rt_protos", "keepalived", 18 },
	{ "rt_scopes", "global", RT_SCOPE_UNIVERSE },
	{ "rt_scopes", "universe", RT_SCOPE_UNIVERSE },
	{ "rt_scopes", "site", RT_SCOPE_SITE }, { "rt_scopes", "link", RT_SCOPE_LINK },
	{ "rt_scopes", "host", RT_SCOPE_HOST }, { "rt_scopes", "nowhere", RT_SCOPE_NOWHERE },
	{ "rt_realms", "unknown", 0 },
};

static bool number(const char *w, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (w[0] == '\0' || w[0] == '-')
		return false;
	errno = 0;
	v = strtoull(w, &end, 0);
	if (*end != '\0' || errno || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool file_lookup(const char *dir, const char *file, const char *word, uint32_t *out)
{
	char path[128], line[256], name[128];
	unsigned long id;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!(f = fopen(path, "r")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%li %127s", (long *)&id, name) == 2 &&
		    strcmp(name, word) == 0) {
			*out = (uint32_t)id;
			found = true;
		}
	fclose(f);
	return found;
}

bool vrrp_iproute_id(const char *file, const char *word, uint32_t max, uint32_t *out)
{
	uint32_t v;

	if (number(word, max, out))
		return true;
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].file, file) && !strcmp(builtins[i].name, word)) {
			*out = builtins[i].id;
			return true;
		}
	if ((file_lookup("/etc/iproute2", file, word, &v) ||
	     file_lookup("/usr/share/iproute2", file, word, &v)) && v <= max) {
		*out = v;
		return true;
	}
	return false;
}

/* "[FROM/]TO" realms -> RTA_FLOW / FRA_FLOW value. */
static bool realms(const char *w, uint32_t *out)
{
	const char *slash = strchr(w, '/');
	char from[64];
	uint32_t f = 0, t;

	if (!slash)
		return vrrp_iproute_id("rt_realms", w, 0xffff, out);
	if ((size_t)(slash - w) >= sizeof(from))
		return false;
	memcpy(from, w, (size_t)(slash - w));
	from[slash - w] = '\0';
	if ((from[0] && !vrrp_iproute_id("rt_realms", from, 0xffff, &f)) ||
	    !vrrp_iproute_id("rt_realms", slash + 1, 0xffff, &t))
		return false;
	*out = f << 16 | t;
	return true;
}

static void append_word(char *buf, size_t len, const char *w)
{
	size_t n = strlen(buf);

	if (strstr(buf, w))
		return;
	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", w);
}

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* An address with optional prefix, "all"/"default" when allowed. */
static bool prefix(const char *w, bool any_ok, struct sys_ip *ip, int *plen)
{
	memset(ip, 0, sizeof(*ip));
	*plen = 0;
	if (any_ok && (!strcmp(w, "all") || !strcmp(w, "default")))
		return true;
	if (sys_ip_parse(w, ip, plen) < 0)
		return false;
	if (*plen < 0)
		*plen = ip->family == AF_INET ? 32 : 128;
	return true;
}

/* ---- routes ------------------------------------------------------------------- */

struct rstate {
	struct vrrp_route *o;
	int hop;                     /* next hop being filled */
	bool has_dest, has_dev, scope_set, inet6;
	bool nexthops;               /* a "nexthop" was seen */
	char dflt_dev[IFNAMSIZ];     /* "dev X" before the first "nexthop" without "via" */
	struct sys_ip or_gw[SYS_ROUTE_MAX_NH];
	int n_or;
	char *err;
	size_t errlen;
};

static const struct { const char *word; int type; } route_types[] = {
	{ "unicast", RTN_UNICAST }, { "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT }, { "throw", RTN_THROW },
	{ "local", RTN_LOCAL }, { "broadcast", RTN_BROADCAST }, { "anycast", RTN_ANYCAST },
	{ "multicast", RTN_MULTICAST }, { "nat", RTN_NAT },
};

/* "OPT [lock] N" metrics.  2.2.7 sends rtt, rttvar and rto_min as the
 * kernel's raw values (1/8 ms, 1/4 ms, ms) raised to 200 ms at least. */
static const struct { const char *word; int rtax; uint32_t min; } route_metrics[] = {
	{ "mtu", RTAX_MTU, 0 }, { "advmss", RTAX_ADVMSS, 0 }, { "rtt", RTAX_RTT, 200 * 8 },
	{ "rttvar", RTAX_RTTVAR, 200 * 4 }, { "reordering", RTAX_REORDERING, 0 },
	{ "window", RTAX_WINDOW, 0 }, { "cwnd", RTAX_CWND, 0 }, { "ssthresh", RTAX_SSTHRESH, 0 },
	{ "rto_min", RTAX_RTO_MIN, 200 }, { "initcwnd", RTAX_INITCWND, 0 },
	{ "initrwnd", RTAX_INITRWND, 0 }, { "hoplimit", RTAX_HOPLIMIT, 0 },
	{ "quickack", RTAX_QUICKACK, 0 }, { "fastopen_no_cookie", RTAX_FASTOPEN_NO_COOKIE, 0 },
};

/* Options libnl cannot send, with the number of values they take. */
static const struct { const char *word; int nval; } route_unsupported[] = {
	{ "ttl-propagate", 1 }, { "pervasive", 0 },
};

static struct sys_nexthop *hop(struct rstate *s)
{
	if (s->o->r.n_nh <= s->hop)
		s->o->r.n_nh = s->hop + 1;
	return &s->o->r.nh[s->hop];
}

static int route_metric(struct rstate *s, int k, const char *v, const char *v2)
{
	uint32_t n;
	int used = 1;
	bool lock = false;

	if (!strcmp(v, "lock") && v2) {
		lock = true;
		v = v2;
		used = 2;
	}
	if (!number(v, UINT32_MAX, &n))
		return fail(s->err, s->errlen, "invalid %s %s", route_metrics[k].word, v);
	if (n < route_metrics[k].min) {
		char msg[64];

		snprintf(msg, sizeof(msg), "rtt value %u below minimum 200ms, resetting", n);
		append_word(s->o->note, sizeof(s->o->note), msg);
		n = route_metrics[k].min;
	}
	sys_route_set_metric(&s->o->r, route_metrics[k].rtax, n);
	if (lock)
		sys_route_set_metric(&s->o->r, RTAX_LOCK,
				     s->o->r.metrics[RTAX_LOCK] | 1u << route_metrics[k].rtax);
	return used;
}

static int route_gw(struct rstate *s, const char *o, const char *v)
{
	struct sys_ip ip;

	if (sys_ip_parse(v, &ip, NULL) < 0)
		return fail(s->err, s->errlen, "invalid route %s address %s", o, v);
	if (!strcmp(o, "or")) {
		if (s->n_or >= SYS_ROUTE_MAX_NH - 1)
			return fail(s->err, s->errlen, "too many next hops");
		s->or_gw[s->n_or++] = ip;
	} else {
		hop(s)->gw = ip;
	}
	return 1;
}

/* "congctl [lock] NAME" */
static int route_congctl(struct rstate *s, const char *v, const char *v2)
{
	struct sys_route *r = &s->o->r;
	bool lock = v && !strcmp(v, "lock") && v2;

	if (lock)
		v = v2;
	if (!v || strlen(v) >= sizeof(r->congctl))
		return fail(s->err, s->errlen, "invalid congctl %s", v ? v : "");
	snprintf(r->congctl, sizeof(r->congctl), "%s", v);
	if (lock)
		sys_route_set_metric(r, RTAX_LOCK, r->metrics[RTAX_LOCK] | 1u << RTAX_CC_ALGO);
	return lock ? 2 : 1;
}

/* IPv6 "pref low|medium|high", "expires SECONDS". */
static int route_v6_opt(struct rstate *s, const char *o, const char *v)
{
	static const struct { const char *word; uint8_t v; } prefs[] = {
		{ "low", 3 }, { "medium", 0 }, { "high", 1 },    /* ICMPV6_ROUTER_PREF_* */
	};
	struct sys_route *r = &s->o->r;

	if (!strcmp(o, "expires")) {
		if (!number(v, UINT32_MAX, &r->expires))
			return fail(s->err, s->errlen, "invalid expires %s", v);
		r->has_expires = true;
		return 1;
	}
	for (size_t i = 0; i < sizeof(prefs) / sizeof(prefs[0]); i++)
		if (!strcmp(v, prefs[i].word)) {
			r->pref = prefs[i].v;
			r->has_pref = true;
			return 1;
		}
	return fail(s->err, s->errlen, "invalid pref %s", v);
}

/* Options with one value that map straight onto struct sys_route. */
static int route_value(struct rstate *s, const char *o, const char *v)
{
	struct sys_route *r = &s->o->r;
	uint32_t n;

	if (!strcmp(o, "src")) {
		if (sys_ip_parse(v, &r->src, NULL) < 0)
			return fail(s->err, s->errlen, "invalid route src address %s", v);
	} else if (!strcmp(o, "from")) {
		if (!prefix(v, false, &r->from, &r->from_len))
			return fail(s->err, s->errlen, "invalid route from address %s", v);
	} else if (!strcmp(o, "dev") || !strcmp(o, "oif")) {
		snprintf(s->o->dev[s->hop], IFNAMSIZ, "%s", v);
		hop(s);
		if (s->hop == 0)
			s->has_dev = true;
	} else if (!strcmp(o, "weight")) {
		if (!number(v, 256, &n) || n < 1)
			return fail(s->err, s->errlen, "invalid nexthop weight %s", v);
		hop(s)->weight = (int)n;
	} else if (!strcmp(o, "table")) {
		if (!vrrp_iproute_id("rt_tables", v, UINT32_MAX, &r->table))
			return fail(s->err, s->errlen, "Routing table %s not found for route", v);
	} else if (!strcmp(o, "scope")) {
		if (!vrrp_iproute_id("rt_scopes", v, 255, &n))
			return fail(s->err, s->errlen, "Scope %s not found or invalid for route",
				    v);
		r->scope = (int)n;
		s->scope_set = true;
	} else if (!strcmp(o, "protocol") || !strcmp(o, "proto")) {
		if (!vrrp_iproute_id("rt_protos", v, 255, &n))
			return fail(s->err, s->errlen, "Protocol %s not found or invalid for route",
				    v);
		r->protocol = (int)n;
	} else if (!strcmp(o, "tos") || !strcmp(o, "dsfield")) {
		if (!vrrp_iproute_id("rt_dsfield", v, 255, &n))
			return fail(s->err, s->errlen, "TOS value %s is invalid", v);
		r->tos = (uint8_t)n;
	} else if (!strcmp(o, "realms")) {
		if (!realms(v, &r->realms))
			return fail(s->err, s->errlen, "Invalid realms %s for route", v);
	} else if (!strcmp(o, "metric") || !strcmp(o, "priority") || !strcmp(o, "preference")) {
		if (!number(v, UINT32_MAX, &r->metric))
			return fail(s->err, s->errlen, "invalid metric %s", v);
		r->has_metric = true;
	} else if (!strcmp(o, "pref") || !strcmp(o, "expires")) {
		return route_v6_opt(s, o, v);
	} else if (!strcmp(o, "track_group")) {
		/* tracking of static routes: not ours */
	} else {
		return -2;
	}
	return 1;
}

/* Flags, "nexthop" and the unsupported options; -2 if o is none of them. */
static int route_word(struct rstate *s, const char *o, const char *v, const char *v2)
{
	size_t k;

	if (!strcmp(o, "to") || !strcmp(o, "inet"))
		return 0;
	if (!strcmp(o, "inet6")) {
		s->inet6 = true;
		return 0;
	}
	if (!strcmp(o, "onlink")) {
		hop(s)->onlink = true;
		return 0;
	}
	if (!strcmp(o, "append")) {
		s->o->r.append = true;
		return 0;
	}
	if (!strcmp(o, "no_track")) {
		s->o->no_track = true;
		return 0;
	}
	if (!strcmp(o, "nexthop")) {
		if (s->o->r.n_nh >= SYS_ROUTE_MAX_NH)
			return fail(s->err, s->errlen, "too many next hops");
		if (!s->nexthops && s->o->r.nh[0].gw.family == 0) {
			memcpy(s->dflt_dev, s->o->dev[0], IFNAMSIZ);   /* "dev X nexthop ..." */
			s->o->r.n_nh = 0;
		}
		s->nexthops = true;
		s->hop = s->o->r.n_nh;
		return 0;
	}
	if (!strcmp(o, "features") && v && !strcmp(v, "ecn")) {
		sys_route_set_metric(&s->o->r, RTAX_FEATURES, RTAX_FEATURE_ECN);
		return 1;
	}
	if (!strcmp(o, "congctl"))
		return route_congctl(s, v, v2);
	if (!strcmp(o, "vrf"))      /* its table would be the VRF's: never the main one */
		return fail(s->err, s->errlen, "vrf %s: VRF routes are not supported", v ? v : "");
	for (k = 0; k < sizeof(route_unsupported) / sizeof(route_unsupported[0]); k++)
		if (!strcmp(o, route_unsupported[k].word)) {
			append_word(s->o->ignored, sizeof(s->o->ignored), o);
			return v ? route_unsupported[k].nval : 0;
		}
	return -2;
}

static int route_opt(struct rstate *s, const char *o, const char *v, const char *v2)
{
	int used = route_word(s, o, v, v2);

	if (used != -2)
		return used;
	for (size_t k = 0; k < sizeof(route_metrics) / sizeof(route_metrics[0]); k++)
		if (!strcmp(o, route_metrics[k].word))
			return v ? route_metric(s, (int)k, v, v2)
				 : fail(s->err, s->errlen, "%s needs a value", o);
	if (!strcmp(o, "via") || !strcmp(o, "gw") || !strcmp(o, "or"))
		return v ? route_gw(s, o, v) : fail(s->err, s->errlen, "%s needs a value", o);
	if (!v) {
		static const char *const valued[] = {
			"src", "from", "dev", "oif", "weight", "table", "scope", "protocol",
			"proto", "tos", "dsfield", "realms", "metric", "priority", "preference",
			"track_group", "pref", "expires",
		};

		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (!strcmp(o, valued[k]))
				return fail(s->err, s->errlen, "%s needs a value", o);
		return -2;
	}
	return route_value(s, o, v);
}

static bool route_dest(struct rstate *s, const char *w)
{
	struct sys_route *r = &s->o->r;

	if (s->has_dest || !prefix(w, false, &r->dst, &r->dst_len))
		return false;
	s->has_dest = true;
	return true;
}

/* "via A or B dev X": one next hop per "or" address, on the route's device. */
static void add_or_hops(struct rstate *s)
{
	struct sys_route *r = &s->o->r;

	for (int i = 0; i < s->n_or && r->n_nh < SYS_ROUTE_MAX_NH; i++) {
		if (r->n_nh == 0)
			r->n_nh = 1;
		r->nh[r->n_nh].gw = s->or_gw[i];
		memcpy(s->o->dev[r->n_nh], s->o->dev[0], IFNAMSIZ);
		r->n_nh++;
	}
}

/* Family, scope, protocol and log text once every word is read. */
static void route_settle(struct rstate *s)
{
	struct vrrp_route *o = s->o;
	char buf[INET6_ADDRSTRLEN];

	add_or_hops(s);
	for (int i = 0; s->dflt_dev[0] && i < o->r.n_nh; i++)
		if (!o->dev[i][0])
			memcpy(o->dev[i], s->dflt_dev, IFNAMSIZ);
	o->r.family = o->r.dst.family ? o->r.dst.family : s->inet6 ? AF_INET6 : AF_INET;
	if (!s->scope_set)
		o->r.scope = o->r.type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	if (!s->has_dev)
		o->no_track = true;
	if (!o->no_track)
		o->r.protocol = RTPROT_KEEPALIVED;   /* 2.2.7: "resetting protocol" */
	snprintf(o->text, sizeof(o->text), "%s/%d", sys_ip_format(&o->r.dst, buf, sizeof(buf)),
		 o->r.dst_len);
}

bool vrrp_route_parse(char *const *argv, int argc, struct vrrp_route *out,
		      char *err, size_t errlen)
{
	struct rstate s = { .o = out, .err = err, .errlen = errlen };
	int i = 0;

	memset(out, 0, sizeof(*out));
	sys_route_init(&out->r, AF_INET);
	if (errlen)
		err[0] = '\0';
	for (size_t k = 0; argc > 0 && k < sizeof(route_types) / sizeof(route_types[0]); k++)
		if (!strcmp(argv[0], route_types[k].word)) {
			out->r.type = route_types[k].type;
			i = 1;
		}
	for (; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used = route_opt(&s, argv[i], v, i + 2 < argc ? argv[i + 2] : NULL);

		if (used == -1)
			return false;
		if (used == -2 && !route_dest(&s, argv[i])) {
			fail(err, errlen, "unknown route keyword %s", argv[i]);
			return false;
		}
		i += used > 0 ? used : 0;
	}
	if (!s.has_dest) {
		fail(err, errlen, "No destination specified for route");
		return false;
	}
	route_settle(&s);
	if (out->r.family == AF_INET6 && out->r.realms) {
		fail(err, errlen, "realms are only valid for IPv4");    /* 2.2.7 drops the route */
		return false;
	}
	return true;
}

bool vrrp_route_same(const struct vrrp_route *a, const struct vrrp_route *b)
{
	return memcmp(&a->r, &b->r, sizeof(a->r)) == 0;
}

/* ---- rules ------------------------------------------------------------------- */

static const struct { const char *word; int action; } rule_actions[] = {
	{ "nop", FR_ACT_NOP }, { "blackhole", FR_ACT_BLACKHOLE }, { "prohibit", FR_ACT_PROHIBIT },
	{ "unreachable", FR_ACT_UNREACHABLE },
};


/* "A" or "A-B" ports. */
static bool port_range(const char *w, uint16_t out[2])
{
	uint32_t a, b;
	char first[16];
	const char *dash = strchr(w, '-');

	if (!dash) {
		if (!number(w, 65535, &a) || a == 0)
			return false;
		out[0] = out[1] = (uint16_t)a;
		return true;
	}
	if ((size_t)(dash - w) >= sizeof(first))
		return false;
	memcpy(first, w, (size_t)(dash - w));
	first[dash - w] = '\0';
	if (!number(first, 65535, &a) || !number(dash + 1, 65535, &b) || a == 0 || b < a)
		return false;
	out[0] = (uint16_t)a;
	out[1] = (uint16_t)b;
	return true;
}

static bool ip_proto(const char *w, uint8_t *out)
{
	struct protoent *p;
	uint32_t n;

	if (number(w, 255, &n)) {
		*out = (uint8_t)n;
		return true;
	}
	if (!(p = getprotobyname(w)))
		return false;
	*out = (uint8_t)p->p_proto;
	return true;
}

static bool fwmark(const char *w, struct sys_rule *r)
{
	char *end;
	unsigned long m = strtoul(w, &end, 0), k = 0;

	if (end == w || (*end && *end != '/') || m > UINT32_MAX)
		return false;
	if (*end == '/') {
		const char *ms = end + 1;

		k = strtoul(ms, &end, 0);
		if (end == ms || *end || k > UINT32_MAX)
			return false;
	}
	r->has_fwmark = true;
	r->fwmark = (uint32_t)m;
	r->fwmask = (uint32_t)k;
	return true;
}

/* Options with one value; 1, or -1 with a reason, -2 if unknown. */
static int rule_value(struct vrrp_rule *o, const char *k, const char *v, char *err, size_t len)
{
	struct sys_rule *r = &o->r;
	uint32_t n;

	if (!strcmp(k, "from") || !strcmp(k, "to")) {
		bool from = k[0] == 'f';

		if (!prefix(v, true, from ? &r->from : &r->to, from ? &r->from_len : &r->to_len))
			return fail(err, len, "Invalid rule %s address %s", k, v);
	} else if (!strcmp(k, "iif") || !strcmp(k, "iifname") || !strcmp(k, "dev")) {
		snprintf(r->iif, sizeof(r->iif), "%s", v);
	} else if (!strcmp(k, "oif") || !strcmp(k, "oifname")) {
		snprintf(r->oif, sizeof(r->oif), "%s", v);
	} else if (!strcmp(k, "table") || !strcmp(k, "lookup")) {
		if (!vrrp_iproute_id("rt_tables", v, UINT32_MAX, &r->table))
			return fail(err, len, "Routing table %s not found for rule", v);
	} else if (!strcmp(k, "preference") || !strcmp(k, "priority") || !strcmp(k, "pref")) {
		if (!number(v, UINT32_MAX, &r->priority))
			return fail(err, len, "Invalid rule preference %s specified", v);
		r->has_priority = o->has_pref = true;
	} else if (!strcmp(k, "goto")) {
		if (!number(v, UINT32_MAX, &r->goto_target))
			return fail(err, len, "Invalid rule goto %s specified", v);
		r->action = FR_ACT_GOTO;
	} else if (!strcmp(k, "fwmark")) {
		if (!fwmark(v, r))
			return fail(err, len, "Invalid rule fwmark %s specified", v);
	} else if (!strcmp(k, "tos") || !strcmp(k, "dsfield")) {
		if (!vrrp_iproute_id("rt_dsfield", v, 255, &n))
			return fail(err, len, "Invalid rule tos %s specified", v);
		r->tos = (uint8_t)n;
	} else if (!strcmp(k, "realms")) {
		if (!realms(v, &r->realms))
			return fail(err, len, "Invalid rule realms %s specified", v);
	} else if (!strcmp(k, "protocol")) {
		if (!vrrp_iproute_id("rt_protos", v, 255, &n))
			return fail(err, len, "Invalid rule protocol %s specified", v);
		r->protocol = (int)n;
	} else if (!strcmp(k, "ipproto") || !strcmp(k, "ip_proto")) {
		if (!ip_proto(v, &r->ipproto))
			return fail(err, len, "Invalid rule ipproto %s specified", v);
	} else if (!strcmp(k, "sport") || !strcmp(k, "dport")) {
		if (!port_range(v, k[0] == 's' ? r->sport : r->dport))
			return fail(err, len, "invalid %s range %s", k, v);
	} else if (!strcmp(k, "track_group")) {
		/* tracking of static rules: not ours */
	} else {
		return -2;
	}
	return 1;
}

/* "A-B" numbers (uidrange). */
static bool num_range(const char *w, uint32_t *a, uint32_t *b)
{
	char first[16];
	const char *dash = strchr(w, '-');

	if (!dash || (size_t)(dash - w) >= sizeof(first))
		return false;
	memcpy(first, w, (size_t)(dash - w));
	first[dash - w] = '\0';
	return number(first, UINT32_MAX, a) && number(dash + 1, UINT32_MAX, b) && *a <= *b;
}

/* The selectors libnl's rule object lacks (nl_rule.c appends them). */
static int rule_selector(struct sys_rule *r, const char *k, const char *v, char *err, size_t len)
{
	char *end;

	if (!strcmp(k, "uidrange")) {
		if (!num_range(v, &r->uid_start, &r->uid_end))
			return fail(err, len, "Invalid rule uidrange %s specified", v);
		r->has_uidrange = true;
	} else if (!strcmp(k, "suppress_prefixlength")) {
		if (!number(v, 128, &r->suppress_prefixlen))
			return fail(err, len, "Invalid rule suppress_prefixlength %s specified", v);
		r->has_suppress_prefixlen = true;
	} else if (!strcmp(k, "suppress_ifgroup")) {
		if (!vrrp_iproute_id("group", v, INT32_MAX, &r->suppress_ifgroup))
			return fail(err, len, "Invalid rule suppress_ifgroup %s specified", v);
		r->has_suppress_ifgroup = true;
	} else if (!strcmp(k, "tunnel-id")) {
		r->tun_id = strtoull(v, &end, 0);
		if (end == v || *end || v[0] == '-')
			return fail(err, len, "Invalid rule tunnel-id %s specified", v);
		r->has_tun_id = true;
	} else {
		return -2;
	}
	return 1;
}

/* Flags and actions without a value; 0, or -2 if unknown. */
static int rule_flag(struct vrrp_rule *o, const char *k)
{
	if (!strcmp(k, "inet"))
		return 0;
	if (!strcmp(k, "inet6")) {
		o->r.family = AF_INET6;
		return 0;
	}
	if (!strcmp(k, "no_track")) {
		o->no_track = true;
		return 0;
	}
	if (!strcmp(k, "not")) {
		o->r.invert = true;
		return 0;
	}
	if (!strcmp(k, "l3mdev")) {
		o->r.l3mdev = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof(rule_actions) / sizeof(rule_actions[0]); i++)
		if (!strcmp(k, rule_actions[i].word)) {
			o->r.action = rule_actions[i].action;
			return 0;
		}
	return -2;
}

static void rule_settle(struct vrrp_rule *o)
{
	struct sys_rule *r = &o->r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int n;

	if (r->from.family)
		r->family = r->from.family;
	else if (r->to.family)
		r->family = r->to.family;
	if (!o->no_track)
		r->protocol = RTPROT_KEEPALIVED;   /* 2.2.7: "resetting protocol" */
	if (r->from.family)
		n = snprintf(o->text, sizeof(o->text), "from %s/%d",
			     sys_ip_format(&r->from, a, sizeof(a)), r->from_len);
	else
		n = snprintf(o->text, sizeof(o->text), "from all");
	if (r->to.family && n > 0 && (size_t)n < sizeof(o->text))
		snprintf(o->text + n, sizeof(o->text) - (size_t)n, " to %s/%d",
			 sys_ip_format(&r->to, b, sizeof(b)), r->to_len);
}

bool vrrp_rule_parse(char *const *argv, int argc, struct vrrp_rule *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	sys_rule_init(&out->r, AF_INET);
	if (errlen)
		err[0] = '\0';
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used = rule_flag(out, k);

		if (used == -2 && v)
			used = rule_value(out, k, v, err, errlen);
		if (used == -2 && v)
			used = rule_selector(&out->r, k, v, err, errlen);
		if (used == -2)
			fail(err, errlen, "Unknown rule option %s", k);
		if (used < 0)
			return false;
		i += used;
	}
	rule_settle(out);
	return true;
}

bool vrrp_rule_same(const struct vrrp_rule *a, const struct vrrp_rule *b)
{
	return memcmp(&a->r, &b->r, sizeof(a->r)) == 0;
}
