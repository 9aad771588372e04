/*
 * kw_check_lvs.c - whole-tree checks of virtual servers, as keepalived
 * 2.2.7 makes them when it loads a configuration.
 *
 * 2.2.7 reports most of its LVS corrections ("no scheduler set, setting
 * default 'wlc'", duplicated real servers, quorum above the total weight,
 * DR ports that do not match...) as configuration errors, so `-t` exits 5
 * on them even where the text says "Warning"; we classify each one the
 * same way (conf_err) and reuse its wording.  Servers are named as 2.2.7
 * names them: "[ADDR]:proto:PORT", "FWM N", or the group name.
 *
 * Flow: kw_check_lvs() walks the root; each virtual_server goes through
 * vs_scan() (order-dependent lines: scheduler flags, sorry server
 * options), rs_count() (address families), vs_defaults() (defaults 2.2.7
 * complains about), real_servers() (duplicates, ports, scripts, checkers:
 * kw_check_lvs_checkers.c) and vs_quorum() (quorum against total weight,
 * hysteresis).
 */
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <arpa/inet.h>
#include "kw_checks.h"
#include "kw_check_lvs.h"
#include "server_label.h"

/* What we learn about one virtual server while checking it. */
struct vs_info {
	const struct conf_node *node;
	enum { VS_ADDR, VS_FWMARK, VS_GROUP } type;
	int family;                      /* AF_INET/AF_INET6, 0 until known */
	unsigned port;                   /* VS_ADDR: as written, 0 if absent */
	const char *proto;               /* "tcp", "udp", "sctp", "none" */
	const char *sched;               /* last lvs_sched so far, NULL if none */
	const char *method;              /* last lvs_method word, NULL if none */
	const struct conf_node *sorry;   /* sorry_server, NULL if none */
	char name[96];
};

/* Dotted quad of an IPv4 address into buf (at least 16 bytes), as
 * inet_ntop writes it; returns the length.  Names of every real server are
 * made while checking, so this skips inet_ntop's and snprintf's overhead. */
static size_t ipv4_str(const struct in_addr *a, char *buf)
{
	const unsigned char *b = (const unsigned char *)&a->s_addr;
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return (size_t)(p - buf - 1);
}

void kw_lvs_addr_str(const struct conf_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET && len >= INET_ADDRSTRLEN) {
		ipv4_str(&a->a.v4, buf);
		return;
	}
	if (!inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->a.v4 :
		       (const void *)&a->a.v6, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void vs_set_name(struct vs_info *vs)
{
	const struct conf_node *n = vs->node;
	char a[INET6_ADDRSTRLEN];

	if (vs->type == VS_FWMARK) {
		snprintf(vs->name, sizeof(vs->name), "FWM %s", n->argv[1]);
	} else if (vs->type == VS_GROUP) {
		snprintf(vs->name, sizeof(vs->name), "[%s]:0", n->argv[1]);
	} else {
		kw_lvs_addr_str(n->val.addr, a, sizeof(a));
		snprintf(vs->name, sizeof(vs->name), "[%s]:%s:%u", a, vs->proto, vs->port);
	}
}

void kw_lvs_rs_name(const struct conf_node *rs, const char *proto, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	kw_lvs_addr_str(rs->val.addr, a, sizeof(a));
	server_label(buf, len, a, proto, rs->argc > 1 ? rs->argv[1] : "0");
}

const char *kw_lvs_name(struct kw_lvs_name *n)
{
	if (!n->text[0] && n->rs)
		kw_lvs_rs_name(n->rs, n->proto, n->text, sizeof(n->text));
	return n->text;
}

static unsigned written_port(const struct conf_node *n)
{
	unsigned port = 0;

	if (n->argc > 1)
		kw_lvs_port(n->argv[1], &port);
	return port;
}

static const char *proto_name(const struct conf_node *vs)
{
	const struct conf_node *p = conf_find_last(vs, "protocol");

	if (!p)
		return "none";
	if (!strcasecmp(p->argv[0], "TCP"))
		return "tcp";
	return !strcasecmp(p->argv[0], "UDP") ? "udp" : "sctp";
}

static bool sched_has_flags(const char *sched)
{
	return sched && (!strcmp(sched, "sh") || !strcmp(sched, "mh"));
}

/* Lines whose meaning depends on earlier lines, as 2.2.7 reads them in order. */
static void vs_scan(struct conf_ctx *ctx, struct vs_info *vs)
{
	const struct conf_node *n;

	conf_foreach(n, vs->node) {
		const char *k = conf_node_name(n);

		if (k[0] != 'l' && k[0] != 's' && k[0] != 'm')  /* e.g. each real_server */
			continue;
		if (!strcmp(k, "lvs_sched")) {
			vs->sched = n->argv[0];
		} else if (!strcmp(k, "lvs_method")) {
			vs->method = n->argv[0];
		} else if (!strcmp(k, "sh-port") || !strcmp(k, "sh-fallback") ||
			   !strcmp(k, "mh-port") || !strcmp(k, "mh-fallback")) {
			if (!sched_has_flags(vs->sched))
				conf_fixed(ctx, &n->src, "%s only applies to sh scheduler - ignoring", k);
		} else if (!strcmp(k, "sorry_server")) {
			vs->sorry = n;
		} else if (!strcmp(k, "sorry_server_inhibit")) {
			if (!vs->sorry)
				conf_err(ctx, &n->src, "Ignoring sorry_server inhibit used before or "
					 "without sorry_server");
		} else if (!strcmp(k, "sorry_server_lvs_method")) {
			if (!vs->sorry)
				conf_err(ctx, &n->src, "sorry_server forwarding used without sorry_server");
		}
	}
}

/* The forwarding method of a server: its own lvs_method, else the VS's. */
static const char *server_method(const struct vs_info *vs, const struct conf_node *own)
{
	return own ? own->argv[0] : vs->method ? vs->method : "NAT";
}

static bool method_keeps_port(const char *m)
{
	return !strcmp(m, "NAT");
}

/* Family of real/sorry server addresses against the virtual server's. */
static bool family_ok(struct conf_ctx *ctx, struct vs_info *vs, const struct conf_node *srv,
		      const char *what)
{
	char a[INET6_ADDRSTRLEN];

	if (!vs->family)
		vs->family = srv->val.addr->family;
	if (srv->val.addr->family == vs->family)
		return true;
	kw_lvs_addr_str(srv->val.addr, a, sizeof(a));
	conf_err(ctx, &srv->src, "Address family of virtual server and %s server %s don't match - "
		 "skipping %s server.", what, a, what);
	return false;
}

/* DR/TUN servers must use the VS port (fwmark: no port at all). */
static void rs_port_check(struct conf_ctx *ctx, const struct vs_info *vs,
			  const struct conf_node *rs, struct kw_lvs_name *rsname)
{
	const char *m = server_method(vs, conf_find_last(rs, "lvs_method"));

	if (method_keeps_port(m) || written_port(rs) == 0)
		return;
	if (vs->type == VS_FWMARK)
		conf_fixed(ctx, &rs->src, "WARNING - fwmark virtual server %s, real server %s has port "
			 "specified - clearing", vs->name, kw_lvs_name(rsname));
	else if (vs->type == VS_ADDR && written_port(rs) != vs->port)
		conf_fixed(ctx, &rs->src, "WARNING - virtual server %s and real server %s ports don't "
			 "match - resetting", vs->name, kw_lvs_name(rsname));
}

static void sorry_check(struct conf_ctx *ctx, struct vs_info *vs)
{
	const struct conf_node *s = vs->sorry;
	const char *m;

	if (!s || !family_ok(ctx, vs, s, "sorry"))
		return;
	m = server_method(vs, conf_find_last(vs->node, "sorry_server_lvs_method"));
	if (method_keeps_port(m) || written_port(s) == 0)
		return;
	if (vs->type == VS_FWMARK)
		conf_fixed(ctx, &s->src, "WARNING - virtual server %s, sorry server has port specified - "
			 "clearing", vs->name);
	else if (vs->type == VS_ADDR && written_port(s) != vs->port)
		conf_fixed(ctx, &s->src, "WARNING - virtual server %s and sorry server ports don't "
			 "match - resetting", vs->name);
}

/* ip_family against an address VS; persistence_granularity by family:
 * an IPv4 netmask (inet_aton forms) or an IPv6 prefix length. */
static void vs_family_options(struct conf_ctx *ctx, const struct vs_info *vs)
{
	const struct conf_node *f = conf_find_last(vs->node, "ip_family");
	const struct conf_node *g = conf_find_last(vs->node, "persistence_granularity");
	struct in_addr mask;
	int64_t plen;

	if (f && vs->type == VS_ADDR &&
	    (vs->family == AF_INET6) != !strcmp(f->argv[0], "inet6"))
		conf_err(ctx, &f->src, "Virtual server specified family %s conflicts with server "
			 "family", f->argv[0]);
	if (!g)
		return;
	if (vs->family == AF_INET6 && !conf_parse_int(g->argv[0], 1, 128, &plen))
		conf_err(ctx, &g->src, "Invalid IPv6 persistence_granularity specified - %s",
			 g->argv[0]);
	else if (vs->family != AF_INET6 && !inet_aton(g->argv[0], &mask))
		conf_err(ctx, &g->src, "Invalid IPv4 persistence_granularity specified - %s",
			 g->argv[0]);
}

static bool same_server(const struct conf_node *a, const struct conf_node *b)
{
	const struct conf_addr *x = a->val.addr, *y = b->val.addr;

	if (x->family != y->family)
		return false;
	if (x->family == AF_INET ? x->a.v4.s_addr != y->a.v4.s_addr :
	    memcmp(&x->a.v6, &y->a.v6, sizeof(x->a.v6)) != 0)
		return false;
	return written_port(a) == written_port(b);
}

/* Called for every pair of children by the duplicate check: the table
 * entry's sub-table identifies real_server without a strcmp(). */
static bool is_real_server(const struct conf_node *n)
{
	const char *nm = conf_node_name(n);

	return (n->kw && n->kw->sub == kw_real_server) ||
	       (nm && nm[0] == 'r' && !strcmp(nm, "real_server"));
}

/* Parse-time part: real servers of the wrong family are skipped; returns
 * how many are left. */
static unsigned rs_count(struct conf_ctx *ctx, struct vs_info *vs)
{
	const struct conf_node *rs;
	unsigned kept = 0;

	conf_foreach(rs, vs->node)
		if (is_real_server(rs) && family_ok(ctx, vs, rs, "real"))
			kept++;
	return kept;
}

static bool rs_usable(const struct vs_info *vs, const struct conf_node *rs)
{
	return is_real_server(rs) && rs->val.addr->family == vs->family;
}

/* A real server that is also the sorry server must agree on inhibit. */
static void rs_vs_sorry(struct conf_ctx *ctx, const struct vs_info *vs,
			const struct conf_node *rs, struct kw_lvs_name *rsname)
{
	bool rs_inhibit, sorry_inhibit;

	if (!vs->sorry || vs->sorry->val.addr->family != vs->family || !same_server(vs->sorry, rs))
		return;
	rs_inhibit = conf_get_bool(rs, "inhibit_on_failure",
				   conf_get_bool(vs->node, "inhibit_on_failure", false));
	sorry_inhibit = conf_get_bool(vs->node, "sorry_server_inhibit", false);
	if (rs_inhibit != sorry_inhibit)
		conf_err(ctx, &rs->src, "Virtual server %s: real server %s matches sorry server, but "
			 "inhibit setting differs, %sing on sorry server", vs->name, kw_lvs_name(rsname),
			 rs_inhibit ? "sett" : "clear");
}

/* Duplicates, ports, scripts, checkers; returns the total weight. */
static uint64_t real_servers(struct conf_ctx *ctx, struct vs_info *vs)
{
	const struct conf_node *rs, *prev;
	uint64_t weight = 0;

	conf_foreach(rs, vs->node) {
		if (!rs_usable(vs, rs))
			continue;
		struct kw_lvs_name rsname = { .rs = rs, .proto = vs->proto };
		bool dup = false;

		for (prev = vs->node->child; prev != rs && !dup; prev = prev->next)
			dup = rs_usable(vs, prev) && same_server(prev, rs);
		if (dup) {
			conf_fixed(ctx, &rs->src, "VS %s: real server %s is duplicated - removing second rs",
				 vs->name, kw_lvs_name(&rsname));
			continue;
		}
		rs_port_check(ctx, vs, rs, &rsname);
		rs_vs_sorry(ctx, vs, rs, &rsname);
		kw_check_lvs_scripts(ctx, rs, "notify_up", "notify_down", &rsname);
		kw_check_lvs_checkers(ctx, rs, &rsname);
		weight += (uint64_t)conf_get_int(rs, "weight", 1);
	}
	return weight;
}

/* Defaults 2.2.7 fills in, each reported as a config error. */
static void vs_defaults(struct conf_ctx *ctx, struct vs_info *vs)
{
	const struct conf_node *n = vs->node;

	if (vs->type == VS_FWMARK && conf_find(n, "ha_suspend"))
		conf_err(ctx, &n->src, "Virtual server %s: cannot use ha_suspend with fwmarks - "
			 "clearing ha_suspend", vs->name);
	if (vs->type != VS_FWMARK && !conf_find(n, "protocol")) {
		conf_fixed(ctx, &n->src, "Virtual server %s: no protocol set - defaulting to UDP",
			 vs->name);
		vs->proto = "udp";
		vs_set_name(vs);
	}
	if (conf_find(n, "ops") && strcmp(vs->proto, "udp"))
		conf_err(ctx, &n->src, "Virtual server %s: one packet scheduling requires UDP - "
			 "resetting", vs->name);
	if (vs->type == VS_ADDR && vs->port == 0 && !conf_find(n, "persistence_timeout"))
		conf_err(ctx, &n->src, "Virtual server %s: zero port only valid for persistent "
			 "services - setting", vs->name);
	if (vs->type == VS_FWMARK && conf_find(n, "protocol"))
		conf_fixed(ctx, &n->src, "Warning: Virtual server %s: protocol specified for fwmark - "
			 "protocol will be ignored", vs->name);
	if (!conf_find(n, "lvs_sched"))
		conf_fixed(ctx, &n->src, "Virtual server %s: no scheduler set, setting default 'wlc'",
			 vs->name);
	if (!conf_find(n, "lvs_method"))
		conf_fixed(ctx, &n->src, "Virtual server %s: no forwarding method set, setting default "
			 "NAT", vs->name);
}

static void vs_quorum(struct conf_ctx *ctx, const struct vs_info *vs, uint64_t weight)
{
	const struct conf_node *n = vs->node;
	uint64_t quorum = (uint64_t)conf_get_int(n, "quorum", 1);
	uint64_t hyst = (uint64_t)conf_get_int(n, "hysteresis", 0);

	if (quorum > weight) {
		conf_fixed(ctx, &n->src, "Warning - quorum %llu for %s exceeds total weight of real "
			 "servers %llu, reducing quorum to %llu", (unsigned long long)quorum, vs->name,
			 (unsigned long long)weight, (unsigned long long)weight);
		quorum = weight;
	}
	if (hyst >= quorum) {
		conf_fixed(ctx, &n->src, "Virtual server %s: hysteresis %llu >= quorum %llu; setting "
			 "hysteresis to %u", vs->name, (unsigned long long)hyst,
			 (unsigned long long)quorum, (unsigned)(quorum - 1));
	}
}

/* A virtual_server_group of that name with entries left (an empty one is
 * removed by 2.2.7). */
static bool group_defined(const struct conf_node *root, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, root)
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "virtual_server_group") && n->argc > 0 &&
		    !strcmp(n->argv[0], name) && n->child)
			return true;
	return false;
}

static void check_vs(struct conf_ctx *ctx, const struct conf_node *node)
{
	struct vs_info vs = { .node = node, .type = VS_ADDR };
	const struct conf_node *fam = conf_find_last(node, "ip_family");

	if (!strcmp(node->argv[0], "fwmark"))
		vs.type = VS_FWMARK;
	else if (!strcmp(node->argv[0], "group"))
		vs.type = VS_GROUP;
	else
		vs.family = node->val.addr->family;
	if (vs.type != VS_ADDR && fam)
		vs.family = strcmp(fam->argv[0], "inet6") ? AF_INET : AF_INET6;
	vs.port = vs.type == VS_ADDR ? written_port(node) : 0;
	vs.proto = vs.type == VS_FWMARK ? "none" : proto_name(node);
	vs_set_name(&vs);

	/* 2.2.7 drops such a virtual server quietly before checking it. */
	if (vs.type == VS_GROUP && !group_defined(ctx->conf->root, node->argv[1])) {
		conf_warn(ctx, &node->src, "Virtual server group %s specified but not configured - "
			  "ignoring virtual server %s", node->argv[1], vs.name);
		return;
	}
	vs_scan(ctx, &vs);
	if (rs_count(ctx, &vs) == 0) {
		conf_err(ctx, &node->src, "Virtual server %s has no real servers - ignoring", vs.name);
		return;
	}
	vs_family_options(ctx, &vs);
	sorry_check(ctx, &vs);
	vs_defaults(ctx, &vs);
	struct kw_lvs_name vsname = { .rs = NULL };

	snprintf(vsname.text, sizeof(vsname.text), "%s", vs.name);
	kw_check_lvs_scripts(ctx, node, "quorum_up", "quorum_down", &vsname);
	vs_quorum(ctx, &vs, real_servers(ctx, &vs));
}

/* SSL {}: one block, each file or password once. */
static void check_ssl(struct conf_ctx *ctx, const struct conf_node *ssl, bool again)
{
	static const char *const kws[][2] = {
		{ "password", "password" }, { "ca", "cafile" }, { "certificate", "certfile" },
		{ "key", "keyfile" },
	};
	const struct conf_node *n;

	if (again)
		conf_err(ctx, &ssl->src, "SSL context already specified - replacing");
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		for (n = conf_find(ssl, kws[i][0]); n && (n = conf_next_same(n)); )
			conf_err(ctx, &n->src, "SSL %s already specified - replacing", kws[i][1]);
}

void kw_check_lvs(struct conf_ctx *ctx)
{
	const struct conf_node *n;
	bool ssl_seen = false;

	if (!ctx->conf->root)
		return;
	conf_foreach(n, ctx->conf->root) {
		if (!conf_node_name(n))
			continue;
		if (!strcmp(conf_node_name(n), "SSL")) {
			check_ssl(ctx, n, ssl_seen);
			ssl_seen = true;
		} else if (n->argc < 1) {
			continue;
		} else if (!strcmp(conf_node_name(n), "virtual_server_group")) {
			kw_vsg_group_check(ctx, n);
		} else if (!strcmp(conf_node_name(n), "virtual_server")) {
			check_vs(ctx, n);
		}
	}
}
