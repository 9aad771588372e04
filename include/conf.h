/*
 * conf.h - the configuration model shared by the whole program.
 *
 * keepalived.conf is read once, by the parent, into a tree of nodes:
 * one node per keyword line, children for "{ ... }" blocks.  Every node
 * points at its schema entry (struct conf_kw, from the keyword tables in
 * src/conf/kw_*.c) and holds its arguments both as written (argv, quotes
 * removed) and as a typed value (val) checked against the schema: integers
 * range-checked, timers in microseconds, booleans in all their spellings,
 * addresses with prefixes.  Lines of value blocks ("virtual_ipaddress {
 * ... }") are nodes with kw == NULL whose argv is the whole line.
 *
 * Pipeline: preproc.c (files, include, $VAR, @id, ~SEQ/~LST) yields
 * logical lines -> tokenize.c splits them into words and braces ->
 * parser.c matches words against the keyword tables and builds the tree
 * -> checks (kw_check_*.c) make 2.2.7's cross-checks -> printer.c prints
 * the canonical form (-d) that parses again to the same tree.
 *
 * Diagnostics are "FILE:LINE: message"; parsing continues after an error
 * so that one run reports every problem.  The tree is immutable after
 * conf_load() returns: children inherit it across fork(), and reload
 * builds a new tree beside the old one (reconfigure(old, new)).
 */
#ifndef KA_CONF_H
#define KA_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

/* ---- typed values ---------------------------------------------------- */

enum conf_kind {
	KV_FLAG,    /* no argument: "nopreempt" */
	KV_BOOL,    /* optional <BOOL>, absent means true: "smtp_alert [BOOL]" */
	KV_INT,     /* one integer in [min, max] */
	KV_TIMER,   /* seconds with fraction -> val.usec; min/max in microseconds */
	KV_STR,     /* exactly one word */
	KV_WORDS,   /* min_args..max_args words, free form (checked by ->check) */
	KV_ADDR,    /* one IPv4/IPv6 address, optional /prefix if KWF_PREFIX */
	KV_ENUM,    /* one word out of ->enums; val.i is its index */
	KV_SCRIPT,  /* a command line: words, with escapes processed */
	KV_BLOCK,   /* "{ sub-keywords }", min_args..max_args name words before it */
	KV_LIST,    /* "{ lines }" of values, each line checked by ->check */
};

struct conf_addr {
	int family;              /* AF_INET or AF_INET6 */
	uint8_t plen;            /* prefix length; 32/128 when not written */
	bool has_plen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
};

union conf_val {
	int64_t i;               /* KV_INT, KV_ENUM (index) */
	bool b;                  /* KV_BOOL, KV_FLAG (always true) */
	uint64_t usec;           /* KV_TIMER */
	const struct conf_addr *addr;   /* KV_ADDR (in the tree's arena) */
};

/* Where a node came from.  File names are kept once per process in a
 * table (conf_file_name()), so a location costs 8 bytes per node. */
struct conf_src {
	uint32_t file;           /* conf_file_name(file); 0: no file */
	uint32_t line;
};

/* The path of a configuration file by its conf_src index ("" for 0). */
const char *conf_file_name(uint32_t file);
/* One more than the highest file index given so far in this process. */
uint32_t conf_file_count(void);

struct conf_node;
struct conf_ctx;

/* Extra validation of a node's arguments (structured lines, list lines,
 * whole blocks at their closing brace).  Report problems with conf_err()/
 * conf_warn(); return false to drop the node from the tree. */
typedef bool conf_check_fn(struct conf_ctx *ctx, struct conf_node *node);

/* ---- the schema -------------------------------------------------------- */

enum conf_kw_flags {
	KWF_MULTI      = 1u << 0,  /* may appear several times (else last wins, warned) */
	KWF_PREFIX     = 1u << 1,  /* KV_ADDR: accept ADDR/PLEN */
	KWF_DEPRECATED = 1u << 2,  /* accepted with a warning naming ->canon */
	KWF_OPT_BLOCK  = 1u << 3,  /* KV_BLOCK/KV_LIST whose "{...}" may be absent */
	KWF_IGNORED    = 1u << 4,  /* accepted and ignored (obsolete), with a warning */
	KWF_NOT_BUILT  = 1u << 5,  /* subsystem not built here: accepted, warned */
	KWF_WORD_LIST  = 1u << 6,  /* KV_LIST of names: every word is one item (node) */
};

struct conf_kw {
	const char *name;                /* keyword as written */
	enum conf_kind kind;
	int64_t min, max;                /* KV_INT range; KV_TIMER range in usec */
	uint8_t min_args, max_args;      /* KV_WORDS/KV_SCRIPT/KV_BLOCK/KV_LIST; 255 = no limit */
	unsigned flags;                  /* enum conf_kw_flags */
	const struct conf_kw *sub;       /* KV_BLOCK: sub-keyword table, {NULL} terminated */
	const char *const *enums;        /* KV_ENUM: allowed words, NULL terminated */
	conf_check_fn *check;            /* optional; KV_LIST: called per line; KV_BLOCK: at '}' */
	const char *canon;               /* alias/deprecated name: the canonical keyword */
};

#define CONF_ARGS_ANY 255

/* The top-level keyword table (global_defs, vrrp_instance, virtual_server...). */
extern const struct conf_kw conf_root_keywords[];

/* ---- the tree ---------------------------------------------------------- */

/* A node is 64 bytes: a 1,000 x 10 real-server file makes 65,000 of them,
 * and -t must stay at half of 2.2.7's memory. */
struct conf_node {
	const struct conf_kw *kw;        /* NULL for a line of a KV_LIST block */
	char **argv;                     /* arguments after the keyword (list line: all
					    words); shared between nodes: read only */
	union conf_val val;
	struct conf_src src;
	struct conf_node *parent;
	struct conf_node *child;         /* first child (blocks and lists) */
	struct conf_node *next;          /* next sibling, in file order */
	int argc;
};

/* Canonical keyword of a node (kw->canon or kw->name); NULL for list lines. */
static inline const char *conf_node_name(const struct conf_node *n)
{
	return n->kw ? (n->kw->canon ? n->kw->canon : n->kw->name) : NULL;
}

struct conf {
	struct conf_node *root;          /* root->child is the first top-level node */
	unsigned errors;                 /* config errors: -t exits 5 */
	unsigned errors_fixed;           /* of which corrected with a default (conf_fixed) */
	unsigned warnings;
	bool missing_file;               /* a config file was missing (-t with -e exits 4) */
	bool security_violation;         /* insecure scripts without script security: -t exits 6 */
	bool include_failed;             /* an include failed its checks (-e, include_check): -t exits 6 */
	struct conf_arena *arena;        /* owns every node and string */
};

/* How to load: everything the preprocessor and checks need from the command line. */
struct conf_load_opts {
	const char *path;                /* -f, default SYSCONFDIR/keepalived/keepalived.conf */
	const char *config_id;           /* -i, default: short host name */
	bool all_config;                 /* -e: a missing include is an error */
	bool check_system;               /* cross-checks that look at the host (interfaces, scripts, users) */
	/* Where diagnostics go; NULL writes "FILE:LINE: msg" to stderr. */
	void (*diag)(void *arg, int prio, const struct conf_src *src, const char *msg);
	void *diag_arg;
	/* For unit tests of the reader: another root table, and no whole-tree checks. */
	const struct conf_kw *root_keywords;     /* NULL: conf_root_keywords */
	bool skip_tree_checks;
	/* r + 1: build the tree in shared region r (conf_region.h), for the
	 * children to take; 0: on the heap. */
	int region;
};

/* Read, preprocess, parse and check a configuration.  Never returns NULL
 * (out of memory aborts); look at ->errors.  A missing top file gives an
 * empty tree with missing_file set. */
struct conf *conf_load(const struct conf_load_opts *opts);
void conf_free(struct conf *conf);

/* Same, from a memory buffer named `name` (fuzzer, unit tests). */
struct conf *conf_load_buffer(const char *name, const char *text, size_t len,
			      const struct conf_load_opts *opts);

/* Print the canonical configuration: re-parsing it yields the same print. */
void conf_print(const struct conf *conf, FILE *out);

/* ---- reading the tree -------------------------------------------------- */

#define conf_foreach(n, block) for ((n) = (block)->child; (n); (n) = (n)->next)

/* First child of `block` whose canonical name is `name`, or NULL. */
const struct conf_node *conf_find(const struct conf_node *block, const char *name);
/* Last child named `name` (the one that takes effect when repeated). */
const struct conf_node *conf_find_last(const struct conf_node *block, const char *name);
/* `name` in global_defs: the last one over every global_defs block (the
 * block may repeat, as in 2.2.7; a later line overrides an earlier one). */
const struct conf_node *conf_global(const struct conf *conf, const char *name);
/* The next sibling after `n` with the same name. */
const struct conf_node *conf_next_same(const struct conf_node *n);

/* Typed getters with defaults (the last occurrence wins). */
int64_t conf_get_int(const struct conf_node *block, const char *name, int64_t dflt);
bool conf_get_bool(const struct conf_node *block, const char *name, bool dflt);
uint64_t conf_get_usec(const struct conf_node *block, const char *name, uint64_t dflt);
const char *conf_get_str(const struct conf_node *block, const char *name, const char *dflt);
/* Number of top-level blocks with this name ("vrrp_instance"). */
unsigned conf_count(const struct conf_node *block, const char *name);

/* ---- for keyword tables and checks --------------------------------------- */

/* Report a problem at a node's file:line; conf_err counts an error (-t exit 5). */
void conf_err(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_warn(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error 2.2.7 counts (-t exit 5) but corrects itself with a default
 * ("no scheduler set, setting default 'wlc'"): nothing the operator wrote
 * is lost, so it does not stop a reload (errors_fixed). */
void conf_fixed(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Keep a copy of `a` in the tree (for node->val.addr). */
const struct conf_addr *conf_addr_store(struct conf_ctx *ctx, const struct conf_addr *a);
/* Mark an insecure script (security violation, -t exit 6 when not enforced). */
void conf_security_violation(struct conf_ctx *ctx);
const struct conf_load_opts *conf_ctx_opts(const struct conf_ctx *ctx);
struct conf *conf_ctx_conf(struct conf_ctx *ctx);

/* Value parsers shared by checks; return false on a malformed word. */
bool conf_parse_bool(const char *word, bool *out);
bool conf_parse_int(const char *word, int64_t min, int64_t max, int64_t *out);
bool conf_parse_timer(const char *word, uint64_t *usec);
bool conf_parse_addr(const char *word, bool allow_prefix, struct conf_addr *out);
/* "ADDR PORT" or "ADDR:PORT" style helpers live with the tables that need them. */

/* Process quoted-string escapes (\n, \t, \xHH, \nnn, \cC, \C) of a script word. */
char *conf_unescape(const char *word);

#endif
