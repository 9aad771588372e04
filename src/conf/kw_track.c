/*
 * kw_track.c - the tracked objects of VRRP: vrrp_script, track_file (and
 * its deprecated synonym vrrp_track_file, an alias in kw_root.c) and
 * vrrp_track_process.
 *
 * Block checks run at the closing '}' and drop a block that cannot work
 * (no script / file / process), as 2.2.7 removes it at load; instances
 * tracking it then report "not found" in the whole-tree pass.  Script files
 * themselves are checked there too (kw_check_script()).
 */
#include <string.h>
#include "kw_tables.h"
#include "kw_args.h"

static const char *block_name(const struct conf_node *blk)
{
	return blk->argc ? blk->argv[0] : "?";
}

bool kw_vrrp_script_check(struct conf_ctx *ctx, struct conf_node *blk)
{
	if (conf_find(blk, "script"))
		return true;
	conf_err(ctx, &blk->src, "No script set for vrrp_script %s - removing", block_name(blk));
	return false;
}

/* Keyword `name` given again in block `blk`: 2.2.7's "already set" error. */
static void report_repeats(struct conf_ctx *ctx, const struct conf_node *blk, const char *name,
			   const char *what, const char *kind)
{
	const struct conf_node *first = conf_find(blk, name), *n;

	for (n = first ? conf_next_same(first) : NULL; n; n = conf_next_same(n))
		conf_err(ctx, &n->src, "%s already set for %s %s - ignoring %s", what, kind,
			 block_name(blk), n->argv[0]);
}

bool kw_track_file_check(struct conf_ctx *ctx, struct conf_node *blk)
{
	const struct conf_node *init = conf_find_last(blk, "init_file");
	int64_t v;

	if (!conf_find(blk, "file")) {
		conf_err(ctx, &blk->src, "No file set for track_file %s - ignoring",
			 block_name(blk));
		return false;
	}
	report_repeats(ctx, blk, "file", "File", "track file");
	if (init && init->argc > 0 && conf_parse_int(init->argv[0], INT32_MIN, INT32_MAX, &v) &&
	    (v < -254 || v > 254))
		conf_err(ctx, &init->src, "Track file %s init value %s is outside sensible range "
			 "[-254, 254]", block_name(blk), init->argv[0]);
	return true;
}

/* "param_match [initial|partial]" */
static bool check_param_match(struct conf_ctx *ctx, struct conf_node *n)
{
	if (n->argc == 0 || strcmp(n->argv[0], "initial") == 0 ||
	    strcmp(n->argv[0], "partial") == 0)
		return true;
	conf_err(ctx, &n->src, "Invalid param_match type %s - ignoring", n->argv[0]);
	return false;
}

/* "init_file [VALUE] [overwrite]" */
static bool check_init_file(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;

	for (int i = 0; i < n->argc; i++)
		if (strcmp(n->argv[i], "overwrite") != 0 &&
		    !conf_parse_int(n->argv[i], INT32_MIN, INT32_MAX, &v)) {
			conf_err(ctx, &n->src, "track file init_file value '%s' is invalid",
				 n->argv[i]);
			return false;
		}
	return true;
}

bool kw_track_process_check(struct conf_ctx *ctx, struct conf_node *blk)
{
	const struct conf_node *q = conf_find_last(blk, "quorum");
	const struct conf_node *qm = conf_find_last(blk, "quorum_max");

	if (!conf_find(blk, "process")) {
		conf_err(ctx, &blk->src, "track process '%s' process name not specified",
			 block_name(blk));
		return false;
	}
	report_repeats(ctx, blk, "process", "Process", "track process");
	if (q && qm && qm->val.i < q->val.i)
		conf_err(ctx, &qm->src, "quorum_max is less than quorum - ignoring");
	return true;
}

const struct conf_kw kw_vrrp_script[] = {
	{ .name = "script", .kind = KV_SCRIPT, .min_args = 1, .max_args = CONF_ARGS_ANY },
	{ .name = "interval", .kind = KV_INT, .min = 0, .max = 4294 },  /* 0: kw_check_vrrp.c */
	{ .name = "timeout", .kind = KV_INT, .min = 1, .max = 4294 },
	{ .name = "weight", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = kwa_weight253 },
	{ .name = "rise", .kind = KV_INT, .min = 1, .max = INT32_MAX },
	{ .name = "fall", .kind = KV_INT, .min = 1, .max = INT32_MAX },
	{ .name = "user", .kind = KV_WORDS, .min_args = 1, .max_args = 2 },
	{ .name = "init_fail", .kind = KV_FLAG },
	{ .name = NULL },
};

const struct conf_kw kw_track_file[] = {
	{ .name = "file", .kind = KV_STR },
	{ .name = "weight", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = kwa_weight254 },   /* the man page's int32 range is not 2.2.7's */
	{ .name = "init_file", .kind = KV_WORDS, .min_args = 0, .max_args = 2,
	  .check = check_init_file },
	{ .name = NULL },
};

const struct conf_kw kw_track_process[] = {
	{ .name = "process", .kind = KV_WORDS, .min_args = 1, .max_args = CONF_ARGS_ANY },
	{ .name = "param_match", .kind = KV_WORDS, .min_args = 0, .max_args = 1,
	  .check = check_param_match },
	{ .name = "weight", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = kwa_weight254 },
	{ .name = "quorum", .kind = KV_INT, .min = 1, .max = 65535 },
	{ .name = "quorum_max", .kind = KV_INT, .min = 0, .max = 65535 },
	{ .name = "fork_delay", .kind = KV_TIMER, .min = 1, .max = 3600000000LL },
	{ .name = "terminate_delay", .kind = KV_TIMER, .min = 1, .max = 3600000000LL },
	{ .name = "delay", .kind = KV_TIMER, .min = 1, .max = 3600000000LL },
	{ .name = "full_command", .kind = KV_FLAG },
	{ .name = NULL },
};
