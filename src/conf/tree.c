/*
 * tree.c - reading the configuration tree, and diagnostics.
 *
 * Getters find a block's children by canonical keyword (the last one wins
 * when repeated).  conf_err()/conf_warn() format "FILE:LINE: message" and
 * hand it to the loader's diag callback (stderr by default).  The storage
 * itself is arena.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf_internal.h"

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
		fprintf(stderr, "%s:%u: %s\n", conf_file_name(src->file), src->line, msg);
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

void conf_fixed(struct conf_ctx *ctx, const struct conf_src *src, const char *fmt, ...)
{
	va_list ap;

	ctx->conf->errors++;
	ctx->conf->errors_fixed++;
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

const struct conf_addr *conf_addr_store(struct conf_ctx *ctx, const struct conf_addr *a)
{
	struct conf_addr *copy = arena_alloc(ctx->conf->arena, sizeof(*copy));

	*copy = *a;
	return copy;
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

/* Called for every child by every getter: the pointer test catches the
 * keyword tables' own strings (the linker merges equal literals), the
 * first-letter test spares most strcmp() calls. */
static bool node_is(const struct conf_node *n, const char *name)
{
	const char *nn = conf_node_name(n);

	return nn && (nn == name || (nn[0] == name[0] && strcmp(nn, name) == 0));
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

const struct conf_node *conf_global(const struct conf *conf, const char *name)
{
	const struct conf_node *g, *n, *found = NULL;

	if (!conf || !conf->root)
		return NULL;
	conf_foreach(g, conf->root)
		if (node_is(g, "global_defs") && (n = conf_find_last(g, name)))
			found = n;
	return found;
}

const struct conf_node *conf_next_same(const struct conf_node *n)
{
	const struct conf_node *m;

	for (m = n->next; m; m = m->next)
		if (n->kw && node_is(m, conf_node_name(n)))
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
