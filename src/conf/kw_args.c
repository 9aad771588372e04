/*
 * kw_args.c - validators for structured lines: addresses, ports, VIP lines,
 * unicast peers, track_* lines, interface lists, weights, smtp_server.
 *
 * Design: a line is a word vector.  The first word(s) are positional (an
 * address, an interface name...), the rest are "option [value]" pairs.
 * Each kind of line has a small table of its options (struct line_opt):
 * the option word, how its value is checked, and 2.2.7's wording when the
 * value is bad.  kwa_walk_opts() walks a line against such a table, so adding
 * an option is adding a table row.  Routes and rules, which need more
 * state (nexthops, actions), are in kw_args_route.c on the same model.
 *
 * Messages follow keepalived 2.2.7's wording (as printed by `keepalived
 * -t`), which counts every one of them as a configuration error.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include "kw_args.h"
#include "kw_args_opts.h"

/* ---- pure parsers ------------------------------------------------------ */

bool kwa_parse_port(const char *word, uint16_t *port)
{
	int64_t v;

	if (!conf_parse_int(word, 1, 65535, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

bool kwa_parse_ip(const char *word, bool allow_prefix, struct conf_addr *out)
{
	return conf_parse_addr(word, allow_prefix, out);
}

bool kwa_valid_ifname(const char *word)
{
	size_t n = strlen(word);

	return n > 0 && n < 16 && !strchr(word, '/') && !strpbrk(word, " \t");
}

bool kwa_addr_port(struct conf_ctx *ctx, const struct conf_node *node, int first,
		   struct conf_addr *addr, uint16_t *port)
{
	*port = 0;
	if (first >= node->argc || !kwa_parse_ip(node->argv[first], false, addr)) {
		conf_err(ctx, &node->src, "Invalid IP address '%s'",
			 first < node->argc ? node->argv[first] : "");
		return false;
	}
	if (first + 1 < node->argc && !kwa_parse_port(node->argv[first + 1], port)) {
		conf_err(ctx, &node->src, "Invalid port '%s'", node->argv[first + 1]);
		return false;
	}
	return true;
}

/* ---- the option walker ---------------------------------------------------- */

static bool scope_ok(const char *w)
{
	static const char *const scopes[] = { "site", "link", "host", "nowhere", "global", NULL };
	int64_t v;

	for (int i = 0; scopes[i]; i++)
		if (strcmp(w, scopes[i]) == 0)
			return true;
	return conf_parse_int(w, 0, 255, &v);
}

/* Check one option value; false = bad value (already reported). */
static bool check_value(struct conf_ctx *ctx, const struct conf_node *n,
			const struct line_opt *o, const char *v)
{
	struct conf_addr a;
	int64_t i;
	bool ok = true;

	switch (o->kind) {
	case OK_FLAG:
	case OK_WORD:
		return true;
	case OK_IFNAME:
		ok = kwa_valid_ifname(v);
		break;
	case OK_ADDR:
		ok = kwa_parse_ip(v, false, &a);
		if (!ok)
			conf_err(ctx, &n->src, "VRRP parsed invalid IP %s. skipping IP...", v);
		break;
	case OK_ADDRP:
		ok = kwa_parse_ip(v, true, &a);
		if (!ok)
			conf_err(ctx, &n->src, "VRRP parsed invalid IP %s. skipping IP...", v);
		break;
	case OK_BRD:
		ok = strcmp(v, "+") == 0 || strcmp(v, "-") == 0 || kwa_parse_ip(v, false, &a);
		break;
	case OK_INT:
		ok = conf_parse_int(v, o->min, o->max, &i);
		if (!ok)
			conf_err(ctx, &n->src, "number '%s' outside range [%lld, %lld]", v,
				 (long long)o->min, (long long)o->max);
		break;
	case OK_SCOPE:
		ok = scope_ok(v);
		break;
	case OK_PLFT:
		ok = strcmp(v, "forever") == 0 || conf_parse_int(v, 0, UINT32_MAX, &i);
		if (!ok)
			conf_err(ctx, &n->src, "invalid number '%s'", v);
		break;
	}
	if (!ok && o->bad)
		conf_err(ctx, &n->src, o->bad, v, n->argv[0]);
	return ok;
}

int kwa_walk_opts(struct conf_ctx *ctx, const struct conf_node *n, int i,
		  const struct line_opt *opts, const struct walk_msgs *msgs)
{
	int bad = 0;

	while (i < n->argc) {
		const char *w = n->argv[i];
		const struct line_opt *o;

		for (o = opts; o->name && strcmp(o->name, w) != 0; o++)
			;
		if (!o->name) {
			if (msgs->unknown)
				conf_err(ctx, &n->src, msgs->unknown, w, n->argv[0]);
			bad |= msgs->unknown_fatal ? WALK_FATAL : WALK_BAD;
			i++;
			continue;
		}
		if (o->kind == OK_FLAG) {
			i++;
			continue;
		}
		if (o->optional_value && (i + 1 >= n->argc || kwa_opt_lookup(opts, n->argv[i + 1]))) {
			i++;
			continue;
		}
		if (i + 1 >= n->argc) {
			if (msgs->missing)
				conf_err(ctx, &n->src, msgs->missing, w, n->argv[0]);
			else
				conf_err(ctx, &n->src, "Configuration line starting `%s` is missing a "
					 "parameter after keyword `%s` at word position %d",
					 n->argv[0], w, i + 1);
			return bad | WALK_FATAL;
		}
		if (!check_value(ctx, n, o, n->argv[i + 1]))
			bad |= o->fatal ? WALK_FATAL : WALK_BAD;
		i += 2;
	}
	return bad;
}

const struct line_opt *kwa_opt_lookup(const struct line_opt *opts, const char *w)
{
	for (; opts->name; opts++)
		if (strcmp(opts->name, w) == 0)
			return opts;
	return NULL;
}

/* ---- addresses ------------------------------------------------------------- */

#define ADDR_OPTS_COMMON \
	{ .name = "brd", .kind = OK_BRD, .fatal = true, \
	  .bad = "VRRP is trying to assign invalid broadcast %s. skipping VIP..." }, \
	{ .name = "broadcast", .kind = OK_BRD, .fatal = true, \
	  .bad = "VRRP is trying to assign invalid broadcast %s. skipping VIP..." }, \
	{ .name = "dev", .kind = OK_IFNAME, .bad = "Invalid interface name %s for %s" }, \
	{ .name = "scope", .kind = OK_SCOPE, .bad = "Invalid scope '%s' specified for %s - ignoring" }, \
	{ .name = "label", .kind = OK_WORD }, \
	{ .name = "peer", .kind = OK_ADDRP, .fatal = true }, \
	{ .name = "home", .kind = OK_FLAG }, \
	{ .name = "-nodad", .kind = OK_FLAG }, \
	{ .name = "nodad", .kind = OK_FLAG }, \
	{ .name = "mngtmpaddr", .kind = OK_FLAG }, \
	{ .name = "noprefixroute", .kind = OK_FLAG }, \
	{ .name = "autojoin", .kind = OK_FLAG }, \
	{ .name = "no_track", .kind = OK_FLAG }, \
	{ .name = "preferred_lft", .kind = OK_PLFT, .bad = "preferred_lft %s is invalid" }

static const struct line_opt vip_opts[] = {
	ADDR_OPTS_COMMON,
	{ .name = "use_vmac", .kind = OK_WORD, .optional_value = true },
	{ .name = NULL },
};

static const struct line_opt static_ip_opts[] = {
	ADDR_OPTS_COMMON,
	{ .name = "track_group", .kind = OK_WORD },
	{ .name = NULL },
};

static const struct walk_msgs addr_msgs = {
	.unknown = "Unknown configuration entry '%s' for ip address - ignoring",
	.missing = "No %s parameter specified for %s",
};

/* "ADDR[/PLEN]" with 2.2.7's messages; false if unusable. */
static bool addr_head(struct conf_ctx *ctx, const struct conf_node *n)
{
	struct conf_addr a;
	const char *w = n->argv[0];
	const char *slash = strchr(w, '/');

	if (kwa_parse_ip(w, true, &a))
		return true;
	if (slash) {
		char host[INET6_ADDRSTRLEN + 1];
		size_t len = (size_t)(slash - w);
		int64_t plen;

		if (len < sizeof(host)) {
			memcpy(host, w, len);
			host[len] = '\0';
			if (kwa_parse_ip(host, false, &a)) {
				int max = a.family == AF_INET ? 32 : 128;

				if (!conf_parse_int(slash + 1, 0, max, &plen)) {
					conf_err(ctx, &n->src, "number '%s' outside range [0, %d]",
						 slash + 1, max);
					conf_err(ctx, &n->src, "Invalid address prefix len %s for "
						 "address %s - using %d", slash + 1, w, max);
					return true;
				}
			}
		}
	}
	conf_err(ctx, &n->src, "VRRP parsed invalid IP %s. skipping IP...", w);
	return false;
}

static bool ip_line(struct conf_ctx *ctx, struct conf_node *n, const struct line_opt *opts)
{
	if (n->argc < 1 || !addr_head(ctx, n))
		return false;
	return !(kwa_walk_opts(ctx, n, 1, opts, &addr_msgs) & WALK_FATAL);
}

bool kwa_vip_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return ip_line(ctx, node, vip_opts);
}

bool kwa_static_ip_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return ip_line(ctx, node, static_ip_opts);
}

/* ---- unicast peers ----------------------------------------------------------- */

bool kwa_unicast_peer_line(struct conf_ctx *ctx, struct conf_node *n)
{
	const struct conf_node *inst = n->parent ? n->parent->parent : NULL;
	const char *iname = inst && inst->argc ? inst->argv[0] : "?";
	struct conf_addr a;
	int64_t v;
	int i;

	if (!kwa_parse_ip(n->argv[0], false, &a)) {
		conf_err(ctx, &n->src, "Configuration error: VRRP instance[%s] malformed unicast "
			 "peer address[%s]. Skipping...", iname, n->argv[0]);
		return false;
	}
	for (i = 1; i < n->argc; i += 2) {
		const char *o = n->argv[i];

		if (i + 1 >= n->argc || (strcmp(o, "min_ttl") && strcmp(o, "max_ttl"))) {
			conf_err(ctx, &n->src, "(%s) %s is missing a value", iname, o);
			return true;
		}
		if (!conf_parse_int(n->argv[i + 1], 0, 255, &v))
			conf_err(ctx, &n->src, "number '%s' outside range [0, 255]", n->argv[i + 1]);
	}
	return true;
}

/* ---- track_* lines ------------------------------------------------------------ */

static const char *owner_name(const struct conf_node *line)
{
	const struct conf_node *blk = line->parent ? line->parent->parent : NULL;

	return blk && blk->argc ? blk->argv[0] : "?";
}

/* NAME [weight W] [reverse|noreverse|no_reverse], W in [-lim, lim]; other
 * words are ignored without a word, as 2.2.7 does.  `bad` is 2.2.7's
 * message for a weight out of range (owner, name). */
static bool track_line(struct conf_ctx *ctx, struct conf_node *n, int lim, const char *bad)
{
	int64_t w;
	int i;

	for (i = 1; i + 1 < n->argc; i++) {
		if (strcmp(n->argv[i], "weight") != 0)
			continue;
		if (!conf_parse_int(n->argv[i + 1], -lim, lim, &w)) {
			/* 2.2.7 reads the number against its widest range first */
			conf_err(ctx, &n->src, "number '%s' outside range [-%d, %d]", n->argv[i + 1],
				 lim == 253 && !strstr(bad, "bfd") ? 254 : lim,
				 lim == 253 && !strstr(bad, "bfd") ? 254 : lim);
			conf_err(ctx, &n->src, bad, owner_name(n), n->argv[0]);
			return false;
		}
		i++;
	}
	return true;
}

bool kwa_track_script_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return track_line(ctx, node, 253, "(%s) track script %s: weight must be between "
			  "[-253..253] inclusive, ignoring...");
}

bool kwa_track_bfd_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return track_line(ctx, node, 253, "(%s) weight for track bfd %s must be in "
			  "[-253..253] inclusive. Ignoring...");
}

bool kwa_track_file_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return track_line(ctx, node, 254, "(%s) weight for track file %s must be in "
			  "[-254..254] inclusive. Ignoring...");
}

bool kwa_track_process_line(struct conf_ctx *ctx, struct conf_node *node)
{
	return track_line(ctx, node, 254, "(%s) weight for track process %s must be in "
			  "[-254..254] inclusive. Ignoring...");
}

bool kwa_track_if_line(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t w;
	int i;

	for (i = 1; i < n->argc; i++) {
		if (strcmp(n->argv[i], "weight") == 0 && i + 1 < n->argc) {
			i++;
			if (!conf_parse_int(n->argv[i], -254, 254, &w)) {
				conf_err(ctx, &n->src, "number '%s' outside range [-254, 254]",
					 n->argv[i]);
				w = 1000;
			}
			if (w < -253 || w > 253) {
				conf_err(ctx, &n->src, "(%s) weight %s for %s must be between "
					 "[-253..253] inclusive. Ignoring...", owner_name(n),
					 n->argv[i], n->argv[0]);
				return false;
			}
		} else if (strcmp(n->argv[i], "reverse") != 0) {
			conf_err(ctx, &n->src, "(%s) unknown track_interface %s option %s - ignoring",
				 owner_name(n), n->argv[0], n->argv[i]);
		}
	}
	return true;
}

/* ---- simple lists ----------------------------------------------------------- */

bool kwa_name_line(struct conf_ctx *ctx, struct conf_node *n)
{
	if (n->argc > 1)
		conf_warn(ctx, &n->src, "extra words after '%s' ignored", n->argv[0]);
	return true;
}

bool kwa_linkbeat_line(struct conf_ctx *ctx, struct conf_node *n)
{
	if (n->argc > 2 || (n->argc == 2 && strcmp(n->argv[1], "MII") &&
			    strcmp(n->argv[1], "ETHTOOL") && strcmp(n->argv[1], "IOCTL"))) {
		conf_err(ctx, &n->src, "extra characters %s in linkbeat interface", n->argv[1]);
		return false;
	}
	return true;
}

bool kwa_updown_delay_line(struct conf_ctx *ctx, struct conf_node *n)
{
	uint64_t us;
	int i;

	if (n->argc < 2 || n->argc > 3) {
		conf_err(ctx, &n->src, "Invalid interface up/down delay line");
		return false;
	}
	for (i = 1; i < n->argc; i++) {
		if (!conf_parse_timer(n->argv[i], &us)) {
			conf_err(ctx, &n->src, "invalid number '%s'", n->argv[i]);
			return false;
		}
		if (us > 255000000ULL) {
			conf_err(ctx, &n->src, "number '%s' outside range [0.000000, 255.000000]",
				 n->argv[i]);
			return false;
		}
	}
	return true;
}

/* ---- weights, smtp_server ------------------------------------------------------ */

static bool weight_in(struct conf_ctx *ctx, struct conf_node *n, int64_t lim)
{
	int64_t w;

	if (!conf_parse_int(n->argv[0], -lim, lim, &w)) {
		conf_err(ctx, &n->src, "number '%s' outside range [%lld, %lld]", n->argv[0],
			 (long long)-lim, (long long)lim);
		return false;
	}
	n->val.i = w;
	if (n->argc > 2 || (n->argc == 2 && strcmp(n->argv[1], "reverse") != 0)) {
		conf_err(ctx, &n->src, "%s: unknown weight option %s", conf_node_name(n), n->argv[1]);
		return false;
	}
	return true;
}

bool kwa_weight253(struct conf_ctx *ctx, struct conf_node *node)
{
	return weight_in(ctx, node, 253);
}

bool kwa_weight254(struct conf_ctx *ctx, struct conf_node *node)
{
	return weight_in(ctx, node, 254);
}

bool kwa_weight_int(struct conf_ctx *ctx, struct conf_node *node)
{
	return weight_in(ctx, node, 2147483647);
}

/* A host name or address that resolves (2.2.7 resolves it at load). */
static bool smtp_host_ok(struct conf_ctx *ctx, const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct conf_addr a;
	const char *p;

	if (kwa_parse_ip(host, false, &a))
		return true;
	for (p = host; *p; p++)
		if (!(*p == '.' || *p == '-' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	if (!*host || *host == '-')
		return false;
	if (!conf_ctx_opts(ctx)->check_system)
		return true;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	freeaddrinfo(res);
	return true;
}

bool kwa_smtp_server(struct conf_ctx *ctx, struct conf_node *n)
{
	uint16_t port = 25;

	if (n->argc > 1 && !kwa_parse_port(n->argv[1], &port)) {
		conf_err(ctx, &n->src, "number '%s' outside range [1, 65535]", n->argv[1]);
		conf_err(ctx, &n->src, "Invalid smtp server %s %s", n->argv[0], n->argv[1]);
		return false;
	}
	if (!smtp_host_ok(ctx, n->argv[0])) {
		conf_err(ctx, &n->src, "Invalid smtp server %s %s", n->argv[0],
			 n->argc > 1 ? n->argv[1] : "25");
		return false;
	}
	return true;
}

/* ---- reading lines --------------------------------------------------------------- */

const char *kwa_line_opt(const struct conf_node *line, const char *opt)
{
	int i;

	for (i = 1; i + 1 < line->argc; i++) {
		if (strcmp(line->argv[i], "nexthop") == 0)
			return NULL;
		if (strcmp(line->argv[i], opt) == 0)
			return line->argv[i + 1];
	}
	return NULL;
}

bool kwa_line_has(const struct conf_node *line, const char *word)
{
	int i;

	for (i = 0; i < line->argc; i++)
		if (strcmp(line->argv[i], word) == 0)
			return true;
	return false;
}
