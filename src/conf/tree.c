/*
 * tree.c - storage and reading of the configuration tree.
 *
 * All nodes and strings of one tree live in an arena: a list of large
 * chunks freed together by conf_free().  Loading a 60,000-line file
 * allocates a few dozen chunks instead of a few hundred thousand small
 * blocks, which is most of why -t is cheap.  File names are interned so
 * every node of a file shares one copy.
 *
 * Diagnostics: conf_err()/conf_warn() format "FILE:LINE: message" and hand
 * it to the loader's diag callback (stderr by default).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf_internal.h"

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct interned {
	struct interned *next;
	const char *s;
};

struct conf_arena {
	struct arena_chunk *head;
	struct interned *names;
};

struct conf_arena *arena_new(void)
{
	struct conf_arena *a = calloc(1, sizeof(*a));

	if (!a)
		abort();
	return a;
}

void arena_free(struct conf_arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct conf_arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	void *p;

	if (!c || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (!c)
			abort();
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct conf_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct conf_arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

const char *arena_intern(struct conf_arena *a, const char *s)
{
	struct interned *i;

	for (i = a->names; i; i = i->next)
		if (strcmp(i->s, s) == 0)
			return i->s;
	i = arena_alloc(a, sizeof(*i));
	i->s = arena_strdup(a, s);
	i->next = a->names;
	a->names = i;
	return i->s;
}

/* ---- diagnostics --------------------------------------------------------- */

static void conf_report(struct conf_ctx *ctx, int prio, const struct conf_src *src,
			const char *fmt, va_list ap)
{
	char msg[1024];
	const struct conf_load_opts *o = ctx->opts;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (o && o->diag) {
		o->diag(o->diag_arg, prio, src, msg);
		return;
	}
	if (src && src->file)
		fprintf(stderr, "%s:%u: %s\n", src->file, src->line, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

void conf_err(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
{
	va_list ap;

	ctx->conf->errors++;
	va_start(ap, fmt);
	conf_report(ctx, LOG_ERR, src, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
{
	va_list ap;

	ctx->conf->warnings++;
	va_start(ap, fmt);
	conf_report(ctx, LOG_WARNING, src, fmt, ap);
	va_end(ap);
}

void conf_security_violation(struct conf_ctx *ctx)
{
	ctx->conf->security_violation = true;
}

const struct conf_load_opts *conf_ctx_opts(const struct conf_ctx *ctx)
{
	return ctx->opts;
}

struct conf *conf_ctx_conf(struct conf_ctx *ctx)
{
	return ctx->conf;
}

/* ---- reading ------------------------------------------------------------- */

static bool node_is(const struct conf_node *n, const char *name)
{
	return n->name && strcmp(n->name, name) == 0;
}

const struct conf_node *conf_find(const struct conf_node *block, const char *name)
{
	const struct conf_node *n;

	if (!block)
		return NULL;
	conf_foreach(n, block)
		if (node_is(n, name))
			return n;
	return NULL;
}

const struct conf_node *conf_find_last(const struct conf_node *block, const char *name)
{
	const struct conf_node *n, *last = NULL;

	if (!block)
		return NULL;
	conf_foreach(n, block)
		if (node_is(n, name))
			last = n;
	return last;
}

const struct conf_node *conf_next_same(const struct conf_node *n)
{
	const struct conf_node *m;

	for (m = n->next; m; m = m->next)
		if (n->name && node_is(m, n->name))
			return m;
	return NULL;
}

int64_t conf_get_int(const struct conf_node *block, const char *name, int64_t dflt)
{
	const struct conf_node *n = conf_find_last(block, name);

	return n ? n->val.i : dflt;
}

bool conf_get_bool(const struct conf_node *block, const char *name, bool dflt)
{
	const struct conf_node *n = conf_find_last(block, name);

	return n ? n->val.b : dflt;
}

uint64_t conf_get_usec(const struct conf_node *block, const char *name, uint64_t dflt)
{
	const struct conf_node *n = conf_find_last(block, name);

	return n ? n->val.usec : dflt;
}

const char *conf_get_str(const struct conf_node *block, const char *name, const char *dflt)
{
	const struct conf_node *n = conf_find_last(block, name);

	return n && n->argc > 0 ? n->argv[0] : dflt;
}

unsigned conf_count(const struct conf_node *block, const char *name)
{
	const struct conf_node *n;
	unsigned count = 0;

	if (!block)
		return 0;
	conf_foreach(n, block)
		if (node_is(n, name))
			count++;
	return count;
}

void conf_free(struct conf *conf)
{
	if (!conf)
		return;
	arena_free(conf->arena);
	free(conf);
}
