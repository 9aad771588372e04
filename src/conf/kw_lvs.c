/*
 * kw_lvs.c - keyword tables of virtual_server, real_server,
 * virtual_server_group and SSL (keepalived.conf(5), "LVS CONFIGURATION").
 *
 * Design: the tables only say what each keyword looks like (kind, range,
 * aliases); structured arguments (forwarding method with tunnel options,
 * server addresses, group lines) are checked by the small functions here,
 * which report with 2.2.7's wording and drop what 2.2.7 ignores.  Rules
 * that depend on several keywords or on the order of lines (sh-port after
 * the scheduler, ports of DR real servers, quorum against weights) live in
 * kw_check_lvs.c, run on the whole tree.  The checker blocks that
 * real_server points at are in kw_checkers.c / kw_checkers_http.c.
 */
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include "kw_lvs.h"

#define U32_MAX_USEC ((int64_t)UINT32_MAX)
#define PERSISTENCE_TIMEOUT_MAX 2678400      /* 31 days, as 2.2.7 */
#define PERSISTENCE_ENGINE_MAX 16            /* longest engine name 2.2.7 takes */

/* ---- small shared helpers ------------------------------------------------ */

bool kw_lvs_port(const char *word, unsigned *port)
{
	int64_t v;

	if (!conf_parse_int(word, 0, 65535, &v))
		return false;
	*port = (unsigned)v;
	return true;
}

/* Tunnel options after "TUN": [type ipip|gue port N|gre] [nocsum|csum|remcsum].
 * 2.2.7 keeps the TUN method when the options are wrong (the error still
 * counts), so the caller keeps the node either way. */
static bool tunnel_ok(struct conf_ctx *ctx, struct conf_node *node, int i, const char *who)
{
	const char *type = "ipip", *csum = NULL;
	bool has_port = false;
	int64_t port;

	for (; i < node->argc; i++) {
		const char *w = node->argv[i];

		if (!strcmp(w, "type")) {
			if (++i >= node->argc) {
				conf_err(ctx, &node->src, "Missing tunnel type for %s server.", who);
				return false;
			}
			type = node->argv[i];
			if (strcmp(type, "ipip") && strcmp(type, "gue") && strcmp(type, "gre")) {
				conf_err(ctx, &node->src, "Unknown tunnel type %s for %s server.", type, who);
				return false;
			}
		} else if (!strcmp(w, "port")) {
			if (++i >= node->argc) {
				conf_err(ctx, &node->src, "Missing port for %s server gue tunnel.", who);
				return false;
			}
			if (!conf_parse_int(node->argv[i], 1, 65535, &port)) {
				conf_err(ctx, &node->src, "Invalid gue tunnel port %s for %s server.",
					 node->argv[i], who);
				return false;
			}
			has_port = true;
		} else if (!strcmp(w, "nocsum") || !strcmp(w, "csum") || !strcmp(w, "remcsum")) {
			csum = w;
		} else {
			conf_err(ctx, &node->src, "Invalid tunnel option %s for %s server.", w, who);
			return false;
		}
	}
	if (has_port != !strcmp(type, "gue")) {
		conf_err(ctx, &node->src, "gue tunnels require port, otherwise cannot have port.");
		return false;
	}
	if (csum && !strcmp(type, "ipip")) {
		conf_err(ctx, &node->src, "ipip tunnels do not support checksum option.");
		return false;
	}
	if (csum && !strcmp(type, "gre") && !strcmp(csum, "remcsum")) {
		conf_err(ctx, &node->src, "gre tunnels do not support remote checksum option.");
		return false;
	}
	return true;
}

/* lvs_method / lb_kind / sorry_server_lvs_method: NAT|DR|TUN [tunnel
 * options]; `who` names the server in messages as 2.2.7 does. */
static bool check_method(struct conf_ctx *ctx, struct conf_node *node, const char *who)
{
	const char *m = node->argv[0];

	if (!strcmp(m, "TUN")) {
		tunnel_ok(ctx, node, 1, who);
		return true;
	}
	if (strcmp(m, "NAT") && strcmp(m, "DR")) {
		conf_err(ctx, &node->src, "PARSER : unknown [%s] routing method for %s server.", m, who);
		return false;
	}
	return true;
}

static bool check_vs_method(struct conf_ctx *ctx, struct conf_node *node)
{
	bool sorry = !strcmp(conf_node_name(node), "sorry_server_lvs_method");

	return check_method(ctx, node, sorry ? "sorry" : "virtual");
}

static bool check_rs_method(struct conf_ctx *ctx, struct conf_node *node)
{
	return check_method(ctx, node, "real");
}

/* virtualhost / snmp_name of a virtual or real server: exactly one word. */
static bool check_one_word(struct conf_ctx *ctx, struct conf_node *node, const char *who)
{
	if (node->argc == 1)
		return true;
	if (!strcmp(conf_node_name(node), "virtualhost") && node->argc == 0)
		conf_err(ctx, &node->src, "%s server virtualhost missing", who);
	else if (!strcmp(conf_node_name(node), "snmp_name"))
		conf_err(ctx, &node->src, "%s server snmp_name missing or extra parameters", who);
	else
		return true;    /* virtualhost with extra words: the first one is used */
	return false;
}

static bool check_vs_word(struct conf_ctx *ctx, struct conf_node *node)
{
	return check_one_word(ctx, node, "virtual");
}

static bool check_rs_word(struct conf_ctx *ctx, struct conf_node *node)
{
	return check_one_word(ctx, node, "real");
}

const char *const kw_lvs_schedulers[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
	"lblcr", "sed", "nq", "twos", NULL
};

const char *const kw_lvs_protocols[] = { "TCP", "UDP", "SCTP", NULL };

static bool check_sched(struct conf_ctx *ctx, struct conf_node *node)
{
	for (int i = 0; kw_lvs_schedulers[i]; i++) {
		if (!strcmp(node->argv[0], kw_lvs_schedulers[i])) {
			node->val.i = i;
			return true;
		}
	}
	conf_err(ctx, &node->src, "Invalid lvs_scheduler '%s' - ignoring", node->argv[0]);
	return false;
}

static bool check_protocol(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *p = node->argv[0];

	for (int i = 0; kw_lvs_protocols[i]; i++) {
		if (!strcasecmp(p, kw_lvs_protocols[i])) {
			node->val.i = i;
			return true;
		}
	}
	conf_err(ctx, &node->src, "Unknown protocol %s - ignoring", p);
	return false;
}

static bool check_family(struct conf_ctx *ctx, struct conf_node *node)
{
	if (!strcmp(node->argv[0], "inet") || !strcmp(node->argv[0], "inet6"))
		return true;
	conf_err(ctx, &node->src, "unknown address family %s", node->argv[0]);
	return false;
}

static bool check_persistence_timeout(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t v;

	if (node->argc == 0)
		return true;
	if (conf_parse_int(node->argv[0], 1, PERSISTENCE_TIMEOUT_MAX, &v)) {
		node->val.i = v;
		return true;
	}
	conf_err(ctx, &node->src, "persistence_timeout invalid");
	return false;
}

static bool check_persistence_engine(struct conf_ctx *ctx, struct conf_node *node)
{
	if (strlen(node->argv[0]) > PERSISTENCE_ENGINE_MAX)
		conf_err(ctx, &node->src, "persistence_name too long, truncating - %s", node->argv[0]);
	return true;
}

/* "ADDR [PORT]" of sorry_server: port 0..65535. */
static bool check_sorry_server(struct conf_ctx *ctx, struct conf_node *node)
{
	struct conf_addr a;
	unsigned port;

	if (!conf_parse_addr(node->argv[0], false, &a) ||
	    (node->argc > 1 && !kw_lvs_port(node->argv[1], &port))) {
		conf_err(ctx, &node->src, "Invalid sorry server IP address %s - skipping",
			 node->argv[0]);
		return false;
	}
	node->val.addr = conf_addr_store(ctx, &a);
	return true;
}

/* "real_server ADDR [PORT] {": port 0..65535 (2.2.7 takes 0 as "none"). */
static bool check_real_server(struct conf_ctx *ctx, struct conf_node *node)
{
	struct conf_addr a;
	unsigned port;

	if (!conf_parse_addr(node->argv[0], false, &a) ||
	    (node->argc > 1 && !kw_lvs_port(node->argv[1], &port))) {
		conf_err(ctx, &node->src, "Invalid real server ip address/port %s/%s - skipping",
			 node->argv[0], node->argc > 1 ? node->argv[1] : "");
		return false;
	}
	node->val.addr = conf_addr_store(ctx, &a);
	return true;
}

/* "virtual_server IP [PORT] | fwmark N | group NAME {". */
bool kw_vs_block_check(struct conf_ctx *ctx, struct conf_node *node)
{
	struct conf_addr a;
	unsigned port;
	int64_t mark;

	if (!strcmp(node->argv[0], "group")) {
		if (node->argc < 2) {
			conf_err(ctx, &node->src, "virtual server group name missing - skipping");
			return false;
		}
		return true;
	}
	if (!strcmp(node->argv[0], "fwmark")) {
		if (node->argc < 2 || !conf_parse_int(node->argv[1], 0, UINT32_MAX, &mark)) {
			conf_err(ctx, &node->src, "virtual server fwmark '%s' must be in [0, %u] - ignoring",
				 node->argc > 1 ? node->argv[1] : "", UINT32_MAX);
			return false;
		}
		return true;
	}
	if (!conf_parse_addr(node->argv[0], false, &a) ||
	    (node->argc > 1 && !kw_lvs_port(node->argv[1], &port))) {
		conf_err(ctx, &node->src, "Invalid virtual server IP address/port %s/%s - skipping",
			 node->argv[0], node->argc > 1 ? node->argv[1] : "");
		return false;
	}
	node->val.addr = conf_addr_store(ctx, &a);
	return true;
}

/* ---- tables ---------------------------------------------------------------- */

#define TIMER_KW(n, lo, hi) { .name = (n), .kind = KV_TIMER, .min = (lo), .max = (hi) }

#define ANY_WORDS .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY

/* Options a virtual server and a real server share (defaults for checkers);
 * `word` and `method` are the checks naming the server kind. */
#define KW_SERVER_COMMON(word, method) \
	{ .name = "virtualhost", ANY_WORDS, .check = (word) }, \
	{ .name = "snmp_name", ANY_WORDS, .check = (word) }, \
	{ .name = "smtp_alert", .kind = KV_BOOL }, \
	{ .name = "alpha", .kind = KV_BOOL }, \
	{ .name = "inhibit_on_failure", .kind = KV_BOOL }, \
	{ .name = "retry", .kind = KV_INT, .min = 0, .max = UINT32_MAX }, \
	TIMER_KW("connect_timeout", 1, U32_MAX_USEC), \
	TIMER_KW("delay_before_retry", 0, 0), \
	TIMER_KW("warmup", 0, 0), \
	TIMER_KW("delay_loop", 1, 0), \
	{ .name = "lvs_method", .kind = KV_WORDS, .min_args = 1, .max_args = 6, \
	  .check = (method) }

const struct conf_kw kw_real_server[] = {
	KW_SERVER_COMMON(check_rs_word, check_rs_method),
	{ .name = "weight", .kind = KV_INT, .min = 0, .max = INT32_MAX },
	{ .name = "notify_up", .kind = KV_SCRIPT },
	{ .name = "notify_down", .kind = KV_SCRIPT },
	{ .name = "uthreshold", .kind = KV_INT, .min = 0, .max = UINT32_MAX },
	{ .name = "lthreshold", .kind = KV_INT, .min = 0, .max = UINT32_MAX },
	{ .name = "HTTP_GET", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_http_get },
	{ .name = "SSL_GET", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_http_get },
	{ .name = "TCP_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_tcp },
	{ .name = "SMTP_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_smtp },
	{ .name = "DNS_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_dns },
	{ .name = "MISC_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_misc },
	{ .name = "BFD_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_bfd },
	{ .name = "UDP_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_udp },
	{ .name = "PING_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_ping },
	{ .name = "FILE_CHECK", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_checker_file },
	{ NULL }
};

const struct conf_kw kw_virtual_server[] = {
	KW_SERVER_COMMON(check_vs_word, check_vs_method),
	{ .name = "ip_family", .kind = KV_STR, .check = check_family },
	{ .name = "lvs_sched", .kind = KV_STR, .check = check_sched },
	{ .name = "lb_algo", .kind = KV_STR, .check = check_sched, .canon = "lvs_sched" },
	{ .name = "lb_kind", .kind = KV_WORDS, .min_args = 1, .max_args = 6,
	  .check = check_vs_method, .canon = "lvs_method" },
	{ .name = "hashed", .kind = KV_FLAG },
	{ .name = "flag-1", .kind = KV_FLAG },
	{ .name = "flag-2", .kind = KV_FLAG },
	{ .name = "flag-3", .kind = KV_FLAG },
	{ .name = "sh-port", .kind = KV_FLAG },
	{ .name = "sh-fallback", .kind = KV_FLAG },
	{ .name = "mh-port", .kind = KV_FLAG },
	{ .name = "mh-fallback", .kind = KV_FLAG },
	{ .name = "ops", .kind = KV_FLAG },
	{ .name = "persistence_engine", .kind = KV_STR, .check = check_persistence_engine },
	{ .name = "persistence_timeout", .kind = KV_WORDS, .min_args = 0, .max_args = 1,
	  .check = check_persistence_timeout },
	/* its form depends on the VS family: checked in kw_check_lvs.c */
	{ .name = "persistence_granularity", .kind = KV_STR },
	{ .name = "protocol", .kind = KV_STR, .check = check_protocol },
	{ .name = "ha_suspend", .kind = KV_FLAG },
	{ .name = "omega", .kind = KV_BOOL },
	{ .name = "quorum", .kind = KV_INT, .min = 1, .max = UINT32_MAX },
	{ .name = "hysteresis", .kind = KV_INT, .min = 0, .max = UINT32_MAX },
	{ .name = "quorum_up", .kind = KV_SCRIPT },
	{ .name = "quorum_down", .kind = KV_SCRIPT },
	{ .name = "sorry_server", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = check_sorry_server },
	{ .name = "sorry_server_inhibit", .kind = KV_BOOL },
	{ .name = "sorry_server_lvs_method", .kind = KV_WORDS, .min_args = 1, .max_args = 6,
	  .check = check_vs_method },
	{ .name = "real_server", .kind = KV_BLOCK, .min_args = 1, .max_args = CONF_ARGS_ANY,
	  .flags = KWF_MULTI, .sub = kw_real_server, .check = check_real_server },
	{ NULL }
};

const struct conf_kw kw_ssl[] = {
	{ .name = "password", .kind = KV_STR },
	{ .name = "ca", .kind = KV_STR },
	{ .name = "certificate", .kind = KV_STR },
	{ .name = "key", .kind = KV_STR },
	{ NULL }
};
