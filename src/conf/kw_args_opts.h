/*
 * kw_args_opts.h - the option-table walker shared by kw_args*.c (private).
 *
 * A line_opt row names an option word of a structured line, how its value
 * is checked and, optionally, 2.2.7's message for a bad value (a printf
 * format taking the value, then the line's first word).
 */
#ifndef KA_KW_ARGS_OPTS_H
#define KA_KW_ARGS_OPTS_H

#include "conf.h"

enum opt_kind {
	OK_FLAG,      /* no value */
	OK_WORD,      /* any word */
	OK_IFNAME,    /* interface name */
	OK_ADDR,      /* IP address */
	OK_ADDRP,     /* IP address with optional /plen */
	OK_BRD,       /* broadcast: address, '+' or '-' */
	OK_INT,       /* integer in [min, max] */
	OK_SCOPE,     /* site|link|host|nowhere|global|0..255 */
	OK_PLFT,      /* preferred_lft: number or forever */
};

struct line_opt {
	const char *name;
	enum opt_kind kind;
	int64_t min, max;
	bool optional_value;   /* the value may be absent (use_vmac [NAME]) */
	bool fatal;            /* a bad value drops the whole line */
	const char *bad;       /* message for a bad value: (value, first word) */
};

struct walk_msgs {
	const char *unknown;   /* (word, first word); NULL: silent */
	bool unknown_fatal;
	const char *missing;   /* (option, first word); NULL: 2.2.7's generic text */
};

#define WALK_BAD   1       /* a reported problem, line kept */
#define WALK_FATAL 2       /* the line must be dropped */

/* Walk argv[i..] of `n` as options of `opts`; returns WALK_* bits. */
int kwa_walk_opts(struct conf_ctx *ctx, const struct conf_node *n, int i,
		  const struct line_opt *opts, const struct walk_msgs *msgs);
const struct line_opt *kwa_opt_lookup(const struct line_opt *opts, const char *w);

#endif
