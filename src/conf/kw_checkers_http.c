/*
 * kw_checkers_http.c - keyword tables of HTTP_GET and SSL_GET (one table:
 * 2.2.7 accepts the same keywords in both) and of their url {} blocks.
 *
 * url lines are checked here: digest (32 hex digits, an MD5 as genhash
 * prints it), status_code (codes 100..599 and LO-HI ranges), virtualhost.
 * 2.2.7 reports nothing at load for the regex keywords (their problems
 * show when the checker starts), so ours are only warnings.  The block
 * rules (a checker needs a url, a url needs a path) are in kw_check_lvs.c.
 */
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
#include "kw_lvs.h"
#include "kw_checkers.h"

#define MD5_HEX_LEN 32

static bool check_nb_get_retry(struct conf_ctx *ctx, struct conf_node *node)
{
	conf_err(ctx, &node->src, "nb_get_retry is deprecated - please use 'retry'");
	return true;
}

static bool check_http_protocol(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *v = node->argv[0];

	if (!strcmp(v, "1.0") || !strcmp(v, "1.1") || !strcmp(v, "1.0C") || !strcmp(v, "1.0c"))
		return true;
	conf_err(ctx, &node->src, "Invalid http_protocol version %s", v);
	return false;
}

static bool check_checker_vhost(struct conf_ctx *ctx, struct conf_node *node)
{
	if (node->argc >= 1)
		return true;
	conf_err(ctx, &node->src, "HTTP_GET virtualhost name missing");
	return false;
}

static bool check_url_vhost(struct conf_ctx *ctx, struct conf_node *node)
{
	if (node->argc >= 1)
		return true;
	conf_err(ctx, &node->src, "Missing HTTP_GET virtualhost name");
	return false;
}

static bool check_digest(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *d = node->argv[0];
	size_t len = strlen(d);

	if (len != MD5_HEX_LEN) {
		conf_err(ctx, &node->src, "digest '%s' character length should be %d rather than %zu",
			 d, MD5_HEX_LEN, len);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)d[i])) {
			conf_err(ctx, &node->src, "Unable to interpret hex digit in '%s' at offset %zu/%zu",
				 d, i & ~(size_t)1, i);
			return false;
		}
	}
	return true;
}

/* One status code word: "200" or "200-299", codes in [100, 599]. */
static bool status_word_ok(const char *w)
{
	char *end;
	long lo, hi;

	if (!isdigit((unsigned char)w[0]))
		return false;
	lo = strtol(w, &end, 10);
	hi = lo;
	if (*end == '-') {
		const char *h = end + 1;

		if (!isdigit((unsigned char)*h))
			return false;
		hi = strtol(h, &end, 10);
	}
	return !*end && lo >= 100 && hi <= 599 && lo <= hi;
}

static bool check_status_code(struct conf_ctx *ctx, struct conf_node *node)
{
	int good = 0;

	for (int i = 0; i < node->argc; i++) {
		if (status_word_ok(node->argv[i]))
			good++;
		else
			conf_err(ctx, &node->src, "Invalid HTTP_GET status code '%s'", node->argv[i]);
	}
	return good > 0;
}

static bool check_regex(struct conf_ctx *ctx, struct conf_node *node)
{
	if (node->argc != 1)
		conf_warn(ctx, &node->src, "regex missing or too many fields");
	return node->argc == 1;
}

static bool check_regex_options(struct conf_ctx *ctx, struct conf_node *node)
{
	static const char *const opts[] = {
		"allow_empty_class", "alt_bsux", "auto_callout", "caseless", "dollar_endonly",
		"dotall", "dupnames", "extended", "firstline", "match_unset_backref",
		"multiline", "never_ucp", "never_utf", "no_auto_capture", "no_auto_possess",
		"no_dotstar_anchor", "no_start_optimize", "ucp", "ungreedy", "utf",
		"never_backslash_c", "alt_circumflex", "alt_verbnames", "use_offset_limit", NULL
	};

	for (int i = 0; i < node->argc; i++) {
		int k = 0;

		while (opts[k] && strcmp(opts[k], node->argv[i]))
			k++;
		if (!opts[k])
			conf_warn(ctx, &node->src, "Unknown regex option %s - ignoring", node->argv[i]);
	}
	return true;
}

static bool check_regex_stack(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t start, max;

	if (node->argc != 2) {
		conf_warn(ctx, &node->src, "regex_stack requires start and max values");
		return false;
	}
	if (!conf_parse_int(node->argv[0], 0, INT64_MAX, &start)) {
		conf_warn(ctx, &node->src, "regex_stack invalid start value");
		return false;
	}
	if (!conf_parse_int(node->argv[1], 0, INT64_MAX, &max)) {
		conf_warn(ctx, &node->src, "regex_stack invalid max value");
		return false;
	}
	if (start > max) {
		conf_warn(ctx, &node->src, "regex stack start cannot exceed max value");
		return false;
	}
	return true;
}

static bool check_regex_offset(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *which = strstr(conf_node_name(node), "min") ? "min" : "max";

	if (node->argc != 1) {
		conf_warn(ctx, &node->src, "Missing or too may options for regex_%s_offset", which);
		return false;
	}
	if (!conf_parse_int(node->argv[0], 0, INT64_MAX, &node->val.i)) {
		conf_warn(ctx, &node->src, "Invalid regex_%s_offset %s specified", which,
			  node->argv[0]);
		return false;
	}
	return true;
}

#define ANY_WORDS .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY

static const struct conf_kw kw_url[] = {
	{ .name = "path", .kind = KV_STR },
	{ .name = "digest", .kind = KV_STR, .check = check_digest },
	{ .name = "status_code", .kind = KV_WORDS, .check = check_status_code },
	{ .name = "virtualhost", ANY_WORDS, .check = check_url_vhost },
	{ .name = "regex", ANY_WORDS, .check = check_regex },
	{ .name = "regex_no_match", .kind = KV_FLAG },
	{ .name = "regex_options", ANY_WORDS, .check = check_regex_options },
	{ .name = "regex_stack", ANY_WORDS, .check = check_regex_stack },
	{ .name = "regex_min_offset", ANY_WORDS, .check = check_regex_offset },
	{ .name = "regex_max_offset", ANY_WORDS, .check = check_regex_offset },
	{ NULL }
};

const struct conf_kw kw_checker_http_get[] = {
	KW_CHECKER_CONN,
	KW_CHECKER_SCHED,
	{ .name = "nb_get_retry", .kind = KV_INT, .min = 0, .max = UINT32_MAX,
	  .canon = "retry", .check = check_nb_get_retry },
	{ .name = "http_protocol", .kind = KV_STR, .check = check_http_protocol },
	{ .name = "fast_recovery", .kind = KV_BOOL },
	{ .name = "enable_sni", .kind = KV_BOOL },
	{ .name = "virtualhost", ANY_WORDS, .check = check_checker_vhost },
	{ .name = "url", .kind = KV_BLOCK, .flags = KWF_MULTI, .sub = kw_url },
	{ NULL }
};
