/*
 * conf_internal.h - contracts between the stages of the config reader.
 *
 *   preproc.c   files -> logical lines (include/glob, comments, $VAR,
 *               @id / @^id, ~SEQ / ~SEQx / ~LST, multi-line definitions)
 *   tokenize.c  one logical line -> words and braces
 *   parser.c    words -> tree, against the keyword tables
 *   tree.c      arena, getters, diagnostics
 *   printer.c   tree -> canonical text
 */
#ifndef KA_CONF_INTERNAL_H
#define KA_CONF_INTERNAL_H

#include <stddef.h>
#include "conf.h"

/* ---- arena: every node and string of one tree ------------------------- */

struct conf_arena;
struct conf_arena *arena_new(void);
/* An arena whose chunks come from shared region r (conf_region.h) while
 * it has room, then from the heap ("spilled"). */
struct conf_arena *arena_new_in_region(int r);
/* The arena of a tree copied into region r whose newest chunk is `head`
 * (conf_region_adopt()). */
struct conf_arena *arena_adopt_region(int r, void *head);
/* The region a's chunks come from, or -1. */
int arena_region(const struct conf_arena *a);
/* The newest chunk of a region arena that never spilled; false otherwise. */
bool arena_region_head(const struct conf_arena *a, const void **head);
void arena_free(struct conf_arena *a);
void *arena_alloc(struct conf_arena *a, size_t size);          /* zeroed */
/* Does [p, p + size) lie in memory a has handed out? */
bool arena_contains(const struct conf_arena *a, const void *p, size_t size);
char *arena_strdup(struct conf_arena *a, const char *s);
char *arena_strndup(struct conf_arena *a, const char *s, size_t n);
/* The tree's one copy of word `s` (arguments share storage: never write to them). */
const char *arena_word(struct conf_arena *a, const char *s);
/* The tree's one copy of the argument list words[0..argc) (interned words),
 * NULL-terminated; shared between nodes: never write to it. */
char **arena_argv(struct conf_arena *a, char *const *words, int argc);
/* arena_word() for a word whose length and conf_word_hash() are known
 * (s[len] need not be NUL): the parser's path, no strlen or rehash. */
const char *arena_word_n(struct conf_arena *a, const char *s, size_t len, uint32_t hash);
/* The hash arena_word_n() wants; conf_split() stores it with each word. */
uint32_t conf_word_hash(const char *s, size_t len);
/* The conf_src index of a file name (each name stored once per process). */
uint32_t conf_file_intern(const char *name);

/* ---- the context shared by all stages of one load ---------------------- */

struct conf_ctx {
	struct conf *conf;
	const struct conf_load_opts *opts;
	char config_id[256];             /* -i or short host name */
};

/* ---- preprocessor ------------------------------------------------------ */

struct pp_line {
	uint32_t file;                   /* conf_file_name() index */
	unsigned line;                   /* 1-based line in that file */
	const char *text;                /* comment-free, substituted; valid until next pp_next() */
	size_t len;                      /* strlen(text) */
};

struct preproc;
/* Open the top file (missing: reported, conf->missing_file set, returns a
 * preprocessor that yields nothing). */
struct preproc *pp_open_file(struct conf_ctx *ctx, const char *path);
/* Open a memory buffer named `name`; includes are resolved relative to cwd. */
struct preproc *pp_open_buffer(struct conf_ctx *ctx, const char *name, const char *text, size_t len);
/* Next logical line; false at the end of all input. */
bool pp_next(struct preproc *pp, struct pp_line *out);
void pp_close(struct preproc *pp);

/* ---- tokenizer ---------------------------------------------------------- */

struct conf_token {
	char *text;                      /* quotes removed; backslash escapes kept verbatim */
	bool quoted;                     /* some part was quoted: never a brace */
};

struct conf_tokens {
	struct conf_token *tok;
	size_t n, cap;
};

/* Split a logical line into words; '{' and '}' outside quotes are words of
 * their own even when glued to others ("global_defs{").  An unterminated
 * quote runs to the end of the line (reported by the caller via *unterminated). */
void conf_tokenize(const char *line, struct conf_tokens *out, bool *unterminated);
void conf_tokens_clear(struct conf_tokens *t);   /* keep capacity */
void conf_tokens_free(struct conf_tokens *t);

/* The parser's tokenizer: the same words as conf_tokenize(), but the
 * texts live in one buffer owned by `out` (no allocation per word, valid
 * until the next conf_split() on it) and carry their length and
 * conf_word_hash().  `out` is replaced, not appended to. */
struct conf_word {
	const char *text;                /* NUL-terminated */
	uint32_t len;
	uint32_t hash;                   /* conf_word_hash(text, len) */
	bool quoted;                     /* some part was quoted: never a brace */
	char brace;                      /* '{' or '}' for an unquoted brace, else 0 */
};

struct conf_words {
	struct conf_word *w;
	size_t n, cap;
	char *buf;                       /* the texts, NUL-separated */
	size_t buf_cap;
};

void conf_split(const char *line, size_t len, struct conf_words *out, bool *unterminated);
void conf_words_free(struct conf_words *w);

/* ---- parser ------------------------------------------------------------- */

/* Build the tree from a preprocessor into ctx->conf (used by conf_load*). */
void conf_parse(struct conf_ctx *ctx, struct preproc *pp);

/* Post-parse cross-checks of the whole tree (kw_checks.c). */
void conf_check_tree(struct conf_ctx *ctx);

#endif
