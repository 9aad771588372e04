/*
 * kw_bfd.c - the bfd_instance block (RFC 5880 sessions).
 *
 * Intervals are milliseconds with a microsecond resolution in the man page
 * ("min_rx 3.312"); they are KV_STR checked here rather than KV_TIMER
 * (which counts seconds).
 */
#include <stdlib.h>
#include <string.h>
#include "kw_tables.h"
#include "kw_args.h"

/* A decimal number of milliseconds in [1, 4294967] ([1000, ...] for idle_tx). */
static bool check_ms(struct conf_ctx *ctx, struct conf_node *n)
{
	uint64_t usec;
	uint64_t min = strcmp(conf_node_name(n), "idle_tx") == 0 ? 1000 : 1;

	/* conf_parse_timer() reads "seconds with fraction": the same syntax,
	 * here counting milliseconds (so usec / 1e6 is the value in ms). */
	if (conf_parse_timer(n->argv[0], &usec) && usec >= min * 1000000 &&
	    usec <= 4294967ULL * 1000000)
		return true;
	conf_err(ctx, &n->src, "number '%s' outside range [%llu.000, 4294967.000]", n->argv[0],
		 (unsigned long long)min);
	return false;
}

const struct conf_kw kw_bfd_instance[] = {
	{ .name = "neighbor_ip", .kind = KV_ADDR },
	{ .name = "neighbour_ip", .kind = KV_ADDR, .canon = "neighbor_ip" },
	{ .name = "source_ip", .kind = KV_ADDR },
	{ .name = "min_rx", .kind = KV_STR, .check = check_ms },
	{ .name = "min_tx", .kind = KV_STR, .check = check_ms },
	{ .name = "idle_tx", .kind = KV_STR, .check = check_ms },
	{ .name = "multiplier", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "passive", .kind = KV_FLAG },
	{ .name = "ttl", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "hoplimit", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "max_hops", .kind = KV_INT, .min = -1, .max = 255 },
	{ .name = "weight", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = kwa_weight253 },
	{ .name = "vrrp", .kind = KV_FLAG },
	{ .name = "checker", .kind = KV_FLAG },
	{ .name = NULL },
};

bool kw_bfd_instance_check(struct conf_ctx *ctx, struct conf_node *blk)
{
	if (conf_find(blk, "neighbor_ip"))
		return true;
	/* 2.2.7 keeps the (disabled) instance: track_bfd still finds it. */
	conf_err(ctx, &blk->src, "Configuration error: BFD instance %s has no neighbor address "
		 "set, disabling instance", blk->argc ? blk->argv[0] : "?");
	return true;
}
