/*
 * parser.c - build the configuration tree from logical lines.
 *
 * The parser keeps a stack of open blocks.  Each frame is a keyword block
 * (words are looked up in the frame's table), a value list (each line is
 * one list item) or a skipped block (an unknown keyword's braces, whose
 * content is not interpreted, so one typo gives one error instead of a
 * cascade).  A block keyword whose '{' is not on its own line waits for
 * the next line ("pending").  Braces may be glued to words or share a
 * line with content: "global_defs { router_id x }" is one line.
 *
 * Values are typed as the keyword table says (conf.h, SCHEMA in
 * /doc/architecture.md); a value that fails is reported at FILE:LINE and
 * left out of the tree, so consumers see defaults, never garbage.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

#define MAX_DEPTH 32
#define KW_CACHE_SIZE 1024   /* power of two; a few hundred (table, word) pairs exist */

enum frame_kind { F_BLOCK, F_LIST, F_SKIP };

struct frame {
	enum frame_kind kind;
	struct conf_node *node;          /* the block's node (root for depth 0) */
	struct conf_node **link;         /* where node is linked from its parent */
	struct conf_node **tail;         /* where the next child goes */
};

struct kw_cache_slot {
	const struct conf_kw *table;
	const char *name;                /* points into the table */
	uint32_t hash, len;              /* of name: conf_word_hash() */
	const struct conf_kw *kw;
};

struct parser {
	struct conf_ctx *ctx;
	struct frame stack[MAX_DEPTH];
	int depth;                       /* index of the top frame */
	struct conf_node *pending;       /* block keyword waiting for '{' */
	bool pending_skip;               /* reported keyword: skip a following block quietly */
	unsigned overflow;               /* braces opened beyond MAX_DEPTH, all skipped */
	struct conf_src src;             /* current line */
	struct kw_cache_slot *cache;
	const struct conf_kw *root_table;
};

/* ---- keyword lookup, cached per (table, word) ---------------------------- */

/* The word's hash comes from the tokenizer: a hit costs a table compare,
 * the hash, the length and one memcmp(). */
static unsigned hash_kw(const struct conf_kw *table, uint32_t word_hash)
{
	unsigned h = (unsigned)((uintptr_t)table >> 4) * 2654435761u;

	return (h ^ word_hash) & (KW_CACHE_SIZE - 1);
}

static const struct conf_kw *kw_lookup(struct parser *p, const struct conf_kw *table,
				       const struct conf_word *word)
{
	unsigned h = hash_kw(table, word->hash);
	const struct conf_kw *kw;

	for (unsigned probe = 0; probe < 8; probe++) {
		struct kw_cache_slot *s = &p->cache[(h + probe) & (KW_CACHE_SIZE - 1)];

		if (!s->table)
			break;
		if (s->table == table && s->hash == word->hash && s->len == word->len &&
		    memcmp(s->name, word->text, word->len) == 0)
			return s->kw;
	}
	for (kw = table; kw->name; kw++)
		if (strcmp(kw->name, word->text) == 0)
			break;
	if (!kw->name)
		return NULL;
	for (unsigned probe = 0; probe < 8; probe++) {
		struct kw_cache_slot *s = &p->cache[(h + probe) & (KW_CACHE_SIZE - 1)];

		if (!s->table) {
			s->table = table;
			s->name = kw->name;
			s->hash = word->hash;
			s->len = word->len;
			s->kw = kw;
			break;
		}
	}
	return kw;
}

/* ---- nodes ---------------------------------------------------------------- */

static struct conf_node *new_node(struct parser *p, const struct conf_kw *kw,
				  const struct conf_word *words, size_t n)
{
	struct conf_arena *a = p->ctx->conf->arena;
	struct conf_node *node = arena_alloc(a, sizeof(*node));
	char *stack[16], **tmp = n <= 16 ? stack : malloc(n * sizeof(char *));

	if (!tmp)
		abort();
	node->kw = kw;
	node->src = p->src;
	node->argc = (int)n;
	for (size_t i = 0; i < n; i++)
		tmp[i] = (char *)arena_word_n(a, words[i].text, words[i].len, words[i].hash);
	node->argv = arena_argv(a, tmp, (int)n);
	if (tmp != stack)
		free(tmp);
	return node;
}

static struct frame *top(struct parser *p)
{
	return &p->stack[p->depth];
}

static void append(struct frame *f, struct conf_node *node)
{
	node->parent = f->node;
	*f->tail = node;
	f->tail = &node->next;
}

/* ---- typing of values ----------------------------------------------------- */

static bool args_in_range(struct parser *p, struct conf_node *n, unsigned lo, unsigned hi)
{
	if (n->argc < (int)lo) {
		conf_err(p->ctx, &n->src, "Missing value for '%s'", conf_node_name(n));
		return false;
	}
	if (hi != CONF_ARGS_ANY && n->argc > (int)hi) {
		conf_err(p->ctx, &n->src, "Too many arguments for '%s' (at most %u)", conf_node_name(n), hi);
		return false;
	}
	return true;
}

static bool one_arg(struct parser *p, struct conf_node *n)
{
	if (n->argc < 1) {
		conf_err(p->ctx, &n->src, "Missing value for '%s'", conf_node_name(n));
		return false;
	}
	if (n->argc > 1)
		conf_warn(p->ctx, &n->src, "'%s': extra arguments after '%s' ignored",
			  conf_node_name(n), n->argv[0]);
	return true;
}

static bool type_enum(struct parser *p, struct conf_node *n)
{
	const char *const *e = n->kw->enums;

	for (int64_t i = 0; e && e[i]; i++)
		if (strcmp(e[i], n->argv[0]) == 0) {
			n->val.i = i;
			return true;
		}
	conf_err(p->ctx, &n->src, "Invalid value '%s' for %s", n->argv[0], conf_node_name(n));
	return false;
}

static bool type_int(struct parser *p, struct conf_node *n)
{
	const struct conf_kw *kw = n->kw;
	int64_t any;

	if (conf_parse_int(n->argv[0], kw->min, kw->max, &n->val.i))
		return true;
	if (conf_parse_int(n->argv[0], INT64_MIN, INT64_MAX, &any))
		conf_err(p->ctx, &n->src, "number '%s' outside range [%lld, %lld]", n->argv[0],
			 (long long)kw->min, (long long)kw->max);
	else
		conf_err(p->ctx, &n->src, "invalid number '%s'", n->argv[0]);
	return false;
}

static bool type_timer(struct parser *p, struct conf_node *n)
{
	const struct conf_kw *kw = n->kw;

	if (!conf_parse_timer(n->argv[0], &n->val.usec)) {
		conf_err(p->ctx, &n->src, "Invalid time '%s' for %s", n->argv[0], conf_node_name(n));
		return false;
	}
	if ((int64_t)n->val.usec < kw->min) {
		if (kw->min <= 1)
			conf_err(p->ctx, &n->src, "%s '%s' must be greater than 0", conf_node_name(n),
				 n->argv[0]);
		else
			conf_err(p->ctx, &n->src, "%s '%s' must be at least %g seconds", conf_node_name(n),
				 n->argv[0], (double)kw->min / 1e6);
		return false;
	}
	if (kw->max && (int64_t)n->val.usec > kw->max) {
		conf_err(p->ctx, &n->src, "%s '%s' outside range [%g, %g] seconds", conf_node_name(n),
			 n->argv[0], (double)kw->min / 1e6, (double)kw->max / 1e6);
		return false;
	}
	return true;
}

/* Type a non-block node by its keyword's kind; false drops it. */
static bool type_value(struct parser *p, struct conf_node *n)
{
	const struct conf_kw *kw = n->kw;
	struct conf_addr addr;

	switch (kw->kind) {
	case KV_FLAG:
		if (n->argc > 0)
			conf_warn(p->ctx, &n->src, "'%s' takes no argument; '%s' ignored",
				  conf_node_name(n), n->argv[0]);
		n->val.b = true;
		return true;
	case KV_BOOL:
		if (n->argc == 0) {
			n->val.b = true;
			return true;
		}
		if (n->argc > 1)
			conf_warn(p->ctx, &n->src, "'%s': extra arguments after '%s' ignored",
				  conf_node_name(n), n->argv[0]);
		if (conf_parse_bool(n->argv[0], &n->val.b))
			return true;
		conf_err(p->ctx, &n->src, "Invalid value '%s' for %s", n->argv[0], conf_node_name(n));
		return false;
	case KV_INT:
		return one_arg(p, n) && type_int(p, n);
	case KV_TIMER:
		return one_arg(p, n) && type_timer(p, n);
	case KV_STR:
		return one_arg(p, n);
	case KV_ENUM:
		return one_arg(p, n) && type_enum(p, n);
	case KV_ADDR:
		if (!one_arg(p, n))
			return false;
		if (conf_parse_addr(n->argv[0], kw->flags & KWF_PREFIX, &addr)) {
			n->val.addr = conf_addr_store(p->ctx, &addr);
			return true;
		}
		conf_err(p->ctx, &n->src, "Invalid IP address '%s' for %s", n->argv[0], conf_node_name(n));
		return false;
	case KV_WORDS:
	case KV_SCRIPT:
		if (kw->min_args == 0 && kw->max_args == 0)
			return args_in_range(p, n, 1, CONF_ARGS_ANY);
		return args_in_range(p, n, kw->min_args, kw->max_args);
	case KV_BLOCK:
	case KV_LIST:
		return args_in_range(p, n, kw->min_args, kw->max_args);
	}
	return false;
}

/* ---- frames ----------------------------------------------------------------- */

static void push(struct parser *p, enum frame_kind kind, struct conf_node *node,
		 struct conf_node **link)
{
	struct frame *f = &p->stack[++p->depth];

	f->kind = kind;
	f->node = node;
	f->link = link;
	f->tail = node ? &node->child : NULL;
}

/* Open the block or list of `node` (already checked): link it and push. */
static void open_block(struct parser *p, struct conf_node *node)
{
	struct frame *f = top(p);
	struct conf_node **link = f->tail;

	append(f, node);
	push(p, node->kw->kind == KV_LIST ? F_LIST : F_BLOCK, node, link);
}

static void unlink_top_node(struct parser *p, struct frame *f)
{
	struct frame *parent = &p->stack[p->depth - 1];

	*f->link = NULL;
	parent->tail = f->link;
}

static void close_frame(struct parser *p)
{
	struct frame *f = top(p);
	struct conf_node *n = f->node;

	if (f->kind == F_BLOCK && n && n->kw && n->kw->check && !n->kw->check(p->ctx, n))
		unlink_top_node(p, f);
	p->depth--;
}

/* A block keyword that never got its '{'. */
static void finish_pending(struct parser *p)
{
	struct conf_node *n = p->pending;

	p->pending = NULL;
	if (n->kw->flags & KWF_OPT_BLOCK) {
		if (!n->kw->check || n->kw->kind == KV_LIST || n->kw->check(p->ctx, n))
			append(top(p), n);
		return;
	}
	conf_err(p->ctx, &n->src, "Missing '{' after '%s'", conf_node_name(n));
}

/* ---- one keyword line -------------------------------------------------------- */

/* Words from i up to a brace or the end of the line. */
static size_t args_end(const struct conf_words *t, size_t i)
{
	while (i < t->n && !t->w[i].brace)
		i++;
	return i;
}

static void report_flags(struct parser *p, const struct conf_kw *kw, struct conf_node *n)
{
	if (kw->flags & KWF_DEPRECATED)
		conf_warn(p->ctx, &n->src, "'%s' is deprecated, use '%s'", kw->name,
			  kw->canon ? kw->canon : "another keyword");
	if (kw->flags & KWF_NOT_BUILT)
		conf_warn(p->ctx, &n->src, "'%s': this subsystem is not built into keepalived yet",
			  kw->name);
}

/* Handle the keyword at t[i]; returns the index of the next unprocessed token. */
static size_t keyword_line(struct parser *p, const struct conf_words *t, size_t i)
{
	const struct conf_kw *table = top(p)->node->kw ? top(p)->node->kw->sub : p->root_table;
	const struct conf_kw *kw = table ? kw_lookup(p, table, &t->w[i]) : NULL;
	size_t end = args_end(t, i + 1);
	struct conf_node *n;

	if (!kw) {
		conf_err(p->ctx, &p->src, "Unknown keyword '%s'", t->w[i].text);
		p->pending_skip = true;
		return end;
	}
	n = new_node(p, kw, &t->w[i + 1], end - i - 1);
	n->parent = top(p)->node;        /* checks may look at the enclosing block */
	report_flags(p, kw, n);
	if (kw->flags & KWF_IGNORED) {
		conf_warn(p->ctx, &n->src, "'%s' is obsolete and ignored", kw->name);
		p->pending_skip = true;
		return end;
	}
	if (!type_value(p, n)) {
		p->pending_skip = true;
		return end;
	}
	if (kw->kind == KV_BLOCK || kw->kind == KV_LIST) {
		p->pending = n;
		return end;
	}
	if (kw->check && !kw->check(p->ctx, n)) {
		p->pending_skip = true;
		return end;
	}
	append(top(p), n);
	return end;
}

/* One line of a value list. */
static void list_item(struct parser *p, struct frame *f, const struct conf_word *tok,
		      size_t n_tok)
{
	struct conf_node *n = new_node(p, NULL, tok, n_tok);
	const struct conf_kw *list_kw = f->node->kw;

	n->parent = f->node;
	if (!list_kw->check || list_kw->check(p->ctx, n))
		append(f, n);
}

/* One line of a list block: one node, or one per word for word lists. */
static size_t list_line(struct parser *p, const struct conf_words *t, size_t i)
{
	size_t end = args_end(t, i);
	struct frame *f = top(p);

	if (f->node->kw->flags & KWF_WORD_LIST) {
		for (size_t k = i; k < end; k++)
			list_item(p, f, &t->w[k], 1);
	} else {
		list_item(p, f, &t->w[i], end - i);
	}
	return end;
}

/* ---- driving the stack ---------------------------------------------------------- */

static void open_brace(struct parser *p)
{
	if (p->overflow || p->depth + 1 >= MAX_DEPTH) {
		if (!p->overflow++)
			conf_err(p->ctx, &p->src, "Blocks nested too deeply (more than %d)",
				 MAX_DEPTH - 1);
		p->pending = NULL;
		return;
	}
	if (p->pending) {
		struct conf_node *n = p->pending;

		p->pending = NULL;
		p->pending_skip = false;
		open_block(p, n);
		return;
	}
	if (!p->pending_skip && top(p)->kind != F_SKIP)
		conf_err(p->ctx, &p->src, "Unexpected '{' - ignoring the block");
	p->pending_skip = false;
	push(p, F_SKIP, NULL, NULL);
}

static void close_brace(struct parser *p)
{
	if (p->overflow) {
		p->overflow--;
		return;
	}
	if (p->depth == 0) {
		conf_err(p->ctx, &p->src, "Unexpected '}' - ignoring");
		return;
	}
	close_frame(p);
}

static void parse_line(struct parser *p, const struct conf_words *t)
{
	size_t i = 0;

	while (i < t->n) {
		const struct conf_word *tok = &t->w[i];

		if (tok->brace == '{') {
			open_brace(p);
			i++;
			continue;
		}
		if (p->pending)
			finish_pending(p);
		p->pending_skip = false;
		if (tok->brace == '}') {
			close_brace(p);
			i++;
		} else if (p->overflow || top(p)->kind == F_SKIP) {
			i = args_end(t, i);
		} else if (top(p)->kind == F_LIST) {
			i = list_line(p, t, i);
		} else {
			i = keyword_line(p, t, i);
		}
	}
}

static void finish(struct parser *p)
{
	if (p->pending)
		finish_pending(p);
	while (p->depth > 0) {
		struct frame *f = top(p);

		if (f->node)
			conf_err(p->ctx, &f->node->src, "Missing '}' closing '%s' at end of configuration",
				 conf_node_name(f->node));
		close_frame(p);
	}
}

void conf_parse(struct conf_ctx *ctx, struct preproc *pp)
{
	struct parser p = { .ctx = ctx };
	struct conf_words toks = { 0 };
	struct pp_line line;
	bool unterminated;

	p.root_table = ctx->opts->root_keywords ? ctx->opts->root_keywords : conf_root_keywords;
	p.cache = calloc(KW_CACHE_SIZE, sizeof(*p.cache));
	if (!p.cache)
		abort();
	p.stack[0].kind = F_BLOCK;
	p.stack[0].node = ctx->conf->root;
	p.stack[0].tail = &ctx->conf->root->child;
	while (pp_next(pp, &line)) {
		p.src.file = line.file;
		p.src.line = line.line;
		conf_split(line.text, line.len, &toks, &unterminated);
		if (unterminated)
			conf_warn(ctx, &p.src, "Unterminated quoted string");
		parse_line(&p, &toks);
	}
	finish(&p);
	conf_words_free(&toks);
	free(p.cache);
}
