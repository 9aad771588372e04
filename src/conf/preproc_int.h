/*
 * preproc_int.h - pieces shared by the files of the preprocessor.
 *
 *   preproc.c          the frame stack and pp_next(): files, expansions, loops
 *                      (preproc.h: pp_include_failed(), for the loader)
 *   preproc_vars.c     growable strings, the $VAR table and substitution
 *   preproc_loop.c     ~SEQ / ~SEQx / ~LST parsing and iteration
 *   preproc_include.c  include lines, include_check, brace expansion, glob
 *
 * Nothing here is visible outside src/conf/preproc*.c.
 */
#ifndef KA_PREPROC_INT_H
#define KA_PREPROC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "conf_internal.h"

/* Limits that keep hostile input (fuzzers) bounded. */
#define PP_MAX_INCLUDE_DEPTH   32        /* nested include files */
#define PP_MAX_EXPAND_DEPTH    64        /* nested multi-line/loop frames */
#define PP_MAX_SUBST_DEPTH     32        /* $A -> $B -> ... in one substitution */
#define PP_MAX_LINE            (1u << 20) /* bytes of one substituted line */
#define PP_MAX_GENERATED       1500000ul /* lines generated from one source line */
#define PP_MAX_GENERATED_TOTAL 3000000ul /* lines generated from all of them */
#define PP_MAX_BRACE_ALTS      1024      /* alternatives of one include pattern */

/* ---- growable NUL-terminated string --------------------------------- */

struct pp_buf {
	char *s;
	size_t len, cap;
};

void pp_buf_reset(struct pp_buf *b);                 /* len = 0, s = "" */
void pp_buf_add(struct pp_buf *b, const char *s, size_t n);
void pp_buf_addc(struct pp_buf *b, char c);
void pp_buf_free(struct pp_buf *b);

/* Bytes that may appear in a $NAME: [A-Za-z0-9_], not starting with a digit. */
bool pp_name_char(int c, bool first);
bool pp_is_space(int c);

/* ---- variables -------------------------------------------------------- */

struct pp_var {
	struct pp_var *next;                 /* hash chain */
	char *name;
	char *value;                         /* multi-line: lines joined by '\n' */
	bool multi;
	unsigned hash;
};

struct pp_vars;
struct pp_vars *pp_vars_new(void);
void pp_vars_free(struct pp_vars *v);
/* Define (or redefine) NAME[0..nlen) to VALUE[0..vlen). */
void pp_vars_set(struct pp_vars *v, const char *name, size_t nlen,
		 const char *value, size_t vlen, bool multi);
struct pp_var *pp_vars_get(const struct pp_vars *v, const char *name, size_t nlen);

/* Everything substitution needs besides the user's variables. */
struct pp_env {
	struct pp_vars *vars;
	const char *pwd;                     /* ${_PWD} */
	const char *instance;                /* ${_INSTANCE} */
	uint64_t *rng;                       /* ${_RANDOM} state, 0 = not seeded yet */
};

enum pp_subst_status {
	PP_SUBST_OK,
	PP_SUBST_TOO_DEEP,                   /* recursion limit hit: rest left as is */
	PP_SUBST_TOO_LONG,                   /* result truncated at PP_MAX_LINE */
};

/* Replace $NAME (followed by whitespace, the end, ')' or ',') and ${NAME} in `in`,
 * recursively, appending to `out`.  Undefined names are copied as they are. */
enum pp_subst_status pp_substitute(const struct pp_env *env, const char *in,
				   struct pp_buf *out);
/* Seed ${_RANDOM} (random_seed N). */
void pp_random_seed(uint64_t *rng, uint64_t seed);

/* ---- ~SEQ / ~SEQx / ~LST ------------------------------------------------ */

struct pp_loop;
/* `s` starts with "~SEQ(", "~SEQx(" or "~LST(".  On success returns the loop
 * and sets *body to the text after ')' (leading blanks skipped).  On a syntax
 * error returns NULL and sets *err to a message. */
struct pp_loop *pp_loop_parse(const char *s, const char **body, const char **err);
/* Define the loop's variable(s) for the next pass; false when finished. */
bool pp_loop_next(struct pp_loop *l, struct pp_vars *vars);
void pp_loop_free(struct pp_loop *l);
/* Does `s` start a loop ("~SEQ(", "~SEQx(", "~LST(")? */
bool pp_is_loop(const char *s);
/* Length of the loop head "~SEQ(...)" at s, 0 if it has no ')'. */
size_t pp_loop_head_len(const char *s);

/* ---- include -------------------------------------------------------------- */

enum pp_inc_check {
	PP_INC_READABLE = 1u << 0,
	PP_INC_MATCH    = 1u << 1,
	PP_INC_WILDCARD = 1u << 2,
	PP_INC_BRACE    = 1u << 3,
	PP_INC_ALL      = 0xfu,
};

/* The files an include line names, in order. */
struct pp_paths {
	char **path;
	size_t n, next;
	unsigned checks;                     /* enum pp_inc_check for these files */
	bool failed;                         /* a check failed (2.2.7's -t exits 6) */
};
void pp_paths_free(struct pp_paths *p);

/* If `line` (comment-free, leading blanks skipped) is an include or
 * include_check line, handle it and return true: include_check updates
 * *checks; an include fills `out` with the files to read (diagnostics for
 * missing matches already given).  `dir` is the including file's directory. */
bool pp_include_line(struct conf_ctx *ctx, const struct conf_src *src, const char *line,
		     const char *dir, unsigned *checks, struct pp_paths *out);

/* Split "{a,b}x{c,d}" into its alternatives (csh brace expansion). */
bool pp_brace_expand(const char *pat, char ***alts, size_t *n);

#endif
