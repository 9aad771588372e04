/*
 * kw_checkers.c - keyword tables of the health-checker blocks of a
 * real_server: TCP_CHECK, SMTP_CHECK (and its deprecated host {} blocks),
 * DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK, FILE_CHECK and BFD_CHECK.
 * HTTP_GET and SSL_GET are in kw_checkers_http.c.
 *
 * All checkers but MISC, FILE and BFD share the connection options
 * (KW_CHECKER_CONN below) and the scheduling options (KW_CHECKER_SCHED);
 * MISC_CHECK has only the scheduling options.  Line arguments are checked
 * here with keepalived 2.2.7's wording; checks needing the whole block or
 * other blocks (min > max reply length, track_file and bfd_instance
 * references, script files) are in kw_check_lvs.c.
 */
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <ctype.h>
#include "kw_lvs.h"
#include "kw_checkers.h"

/* ---- connection options --------------------------------------------------- */

bool kw_chk_addr_opt(struct conf_ctx *ctx, struct conf_node *node)
{
	struct conf_addr a;

	if (conf_parse_addr(node->argv[0], false, &a)) {
		node->val.addr = conf_addr_store(ctx, &a);
		return true;
	}
	conf_err(ctx, &node->src, "Invalid %s address %s - ignoring", conf_node_name(node), node->argv[0]);
	return false;
}

bool kw_chk_bind_if(struct conf_ctx *ctx, struct conf_node *node)
{
	if (strlen(node->argv[0]) < 16)
		return true;
	conf_err(ctx, &node->src, "Interface name %s is too long - ignoring", node->argv[0]);
	return false;
}

/* ---- DNS_CHECK ------------------------------------------------------------ */

static bool check_dns_type(struct conf_ctx *ctx, struct conf_node *node)
{
	static const char *const types[] = {
		"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY", NULL
	};

	for (int i = 0; types[i]; i++)
		if (!strcasecmp(node->argv[0], types[i]))
			return true;
	conf_err(ctx, &node->src, "Unknown DNS check type %s - ignoring", node->argv[0]);
	return false;
}

/* "." alone is the root.  2.2.7 rejects an empty label, and (a quirk we
 * keep, observed on 2.2.7) a one-letter first label followed by a dot:
 * "a.bc" and "x." are rejected, "ab.c" and "com." are accepted. */
static bool check_dns_name(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *n = node->argv[0];

	if (!strcmp(n, "."))
		return true;
	if (n[0] == '.' || (n[0] && n[1] == '.') || strstr(n, "..")) {
		conf_err(ctx, &node->src, "DNS_CHECK name '%s' has empty label - ignoring", n);
		return false;
	}
	return true;
}

/* ---- UDP_CHECK ------------------------------------------------------------ */

/* HEX_STR: hex digits, spaces between groups; a group of odd length gets a
 * leading 0 ("3" is 03).  `masked` allows x/X digits (require_reply). */
bool kw_hex_string_ok(const struct conf_node *node, bool masked)
{
	for (int i = 0; i < node->argc; i++)
		for (const char *p = node->argv[i]; *p; p++)
			if (!isxdigit((unsigned char)*p) && !(masked && (*p == 'x' || *p == 'X')))
				return false;
	return true;
}

static bool check_payload(struct conf_ctx *ctx, struct conf_node *node)
{
	if (node->argc == 0) {
		conf_err(ctx, &node->src, "UDP_CHECK payload requires a payload");
		return false;
	}
	if (!kw_hex_string_ok(node, false)) {
		conf_err(ctx, &node->src, "Invalid hex string for UDP_CHECK payload");
		return false;
	}
	return true;
}

static bool check_require_reply(struct conf_ctx *ctx, struct conf_node *node)
{
	if (kw_hex_string_ok(node, true))
		return true;
	conf_err(ctx, &node->src, "Invalid hex string for UDP_CHECK reply");
	return false;
}

static bool check_reply_length(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t v;

	if (conf_parse_int(node->argv[0], 0, KW_UDP_MAX_REPLY, &v)) {
		node->val.i = v;
		return true;
	}
	conf_err(ctx, &node->src, "UDP_CHECK %s length %s not valid - must be between 0 & %d",
		 conf_node_name(node)[1] == 'i' ? "min" : "max", node->argv[0], KW_UDP_MAX_REPLY);
	return false;
}

/* ---- MISC_CHECK, FILE_CHECK, BFD_CHECK, SMTP_CHECK ------------------------ */

static bool check_misc_timeout(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t v;

	if (conf_parse_int(node->argv[0], 0, UINT32_MAX / 1000000, &v)) {
		node->val.i = v;
		return true;
	}
	conf_err(ctx, &node->src, "Invalid misc_timeout value '%s'", node->argv[0]);
	return false;
}

/* weight <-2147483647..2147483647> [reverse|noreverse] */
static bool check_file_weight(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t v;

	if (!conf_parse_int(node->argv[0], -2147483647, 2147483647, &v)) {
		conf_err(ctx, &node->src, "weight for track file must be in [%d..%d] inclusive. "
			 "Ignoring...", -2147483647, 2147483647);
		return false;
	}
	node->val.i = v;
	if (node->argc > 1 && strcmp(node->argv[1], "reverse") && strcmp(node->argv[1], "noreverse"))
		conf_err(ctx, &node->src, "unknown track file weight option %s - ignoring",
			 node->argv[1]);
	return true;
}

/* 2.2.7 does not know FILE_CHECK's "dynamic" although its manual lists it. */
static bool check_file_dynamic(struct conf_ctx *ctx, struct conf_node *node)
{
	conf_err(ctx, &node->src, "Unknown keyword 'dynamic'");
	return false;
}

static bool check_helo_name(struct conf_ctx *ctx, struct conf_node *node)
{
	if (node->argc == 1)
		return true;
	conf_err(ctx, &node->src, "SMTP_CHECK helo name missing");
	return false;
}

static bool check_smtp_host(struct conf_ctx *ctx, struct conf_node *node)
{
	conf_warn(ctx, &node->src,
		  "The SMTP_CHECK host block is deprecated. Please define additional checkers.");
	return true;
}

/* ---- tables ---------------------------------------------------------------- */

const struct conf_kw kw_checker_tcp[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ NULL }
};

const struct conf_kw kw_checker_ping[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ NULL }
};

static const struct conf_kw kw_smtp_host[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ NULL }
};

const struct conf_kw kw_checker_smtp[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ .name = "helo_name", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY,
	  .check = check_helo_name },
	{ .name = "host", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_smtp_host,
	  .check = check_smtp_host },
	{ NULL }
};

const struct conf_kw kw_checker_dns[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ .name = "type", .kind = KV_STR, .check = check_dns_type },
	{ .name = "name", .kind = KV_STR, .check = check_dns_name },
	{ NULL }
};

const struct conf_kw kw_checker_udp[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ .name = "payload", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY,
	  .check = check_payload },
	{ .name = "require_reply", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY,
	  .check = check_require_reply },
	{ .name = "min_reply_length", .kind = KV_STR, .check = check_reply_length },
	{ .name = "max_reply_length", .kind = KV_STR, .check = check_reply_length },
	{ NULL }
};

const struct conf_kw kw_checker_misc[] = {
	KW_CHECKER_SCHED,
	{ .name = "misc_path", .kind = KV_SCRIPT, .min_args = 1, .max_args = 1 },
	{ .name = "misc_timeout", .kind = KV_STR, .check = check_misc_timeout },
	{ .name = "misc_dynamic", .kind = KV_FLAG },
	{ .name = "user", .kind = KV_WORDS, .min_args = 1, .max_args = 2 },
	{ NULL }
};

const struct conf_kw kw_checker_file[] = {
	{ .name = "track_file", .kind = KV_STR },
	{ .name = "weight", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = check_file_weight },
	{ .name = "dynamic", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY,
	  .check = check_file_dynamic },
	{ NULL }
};

/* "name" is free-form here: kw_check_lvs reports a missing or extra name
 * with the real server's name, as 2.2.7 does. */
const struct conf_kw kw_checker_bfd[] = {
	{ .name = "name", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY },
	{ NULL }
};
