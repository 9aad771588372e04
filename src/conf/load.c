/*
 * load.c - conf_load(): preprocess, parse and check one configuration.
 *
 * The parent calls this once at start and once per reload; the result is
 * either used whole or, if it has errors on reload, thrown away whole.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_internal.h"
#include "preproc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static void set_config_id(struct conf_ctx *ctx)
{
	const char *id = ctx->opts->config_id;
	char host[256];

	if (!id) {
		if (gethostname(host, sizeof(host)) != 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ".")] = '\0';     /* the short host name */
		id = host;
	}
	snprintf(ctx->config_id, sizeof(ctx->config_id), "%s", id);
}

static struct conf *conf_new(int region)
{
	struct conf *conf = calloc(1, sizeof(*conf));

	if (!conf)
		abort();
	conf->arena = region > 0 ? arena_new_in_region(region - 1) : arena_new();
	conf->root = arena_alloc(conf->arena, sizeof(*conf->root));
	return conf;
}

/* 2.2.7 reads every global_defs block into one set of globals, a later
 * line overriding an earlier one.  Fold the later blocks into the first, so
 * that a reader finds every setting in one block with the usual
 * "last one wins" getters. */
static void merge_global_defs(struct conf *conf)
{
	struct conf_node *first = NULL, **link = &conf->root->child, *n, *c, **tail;

	while ((n = *link)) {
		const char *nm = conf_node_name(n);

		if (!nm || strcmp(nm, "global_defs") || !first) {
			if (nm && !strcmp(nm, "global_defs"))
				first = n;
			link = &n->next;
			continue;
		}
		for (tail = &first->child; *tail; tail = &(*tail)->next)
			;
		for (c = n->child; c; c = c->next)
			c->parent = first;
		*tail = n->child;
		*link = n->next;        /* the empty block stays in the arena */
	}
}

static struct conf *load_from(const struct conf_load_opts *opts,
			      struct preproc *(*open)(struct conf_ctx *, const void *),
			      const void *arg)
{
	static const struct conf_load_opts dflt;
	struct conf_ctx ctx = { .opts = opts ? opts : &dflt };
	struct preproc *pp;

	ctx.conf = conf_new(ctx.opts->region);
	set_config_id(&ctx);
	pp = open(&ctx, arg);
	conf_parse(&ctx, pp);
	ctx.conf->include_failed = pp_include_failed(pp);
	pp_close(pp);
	merge_global_defs(ctx.conf);
	if (!ctx.opts->skip_tree_checks)
		conf_check_tree(&ctx);
	return ctx.conf;
}

static struct preproc *open_path(struct conf_ctx *ctx, const void *arg)
{
	return pp_open_file(ctx, arg);
}

struct conf *conf_load(const struct conf_load_opts *opts)
{
	const char *path = opts && opts->path ? opts->path : SYSCONFDIR "/keepalived/keepalived.conf";

	return load_from(opts, open_path, path);
}

struct buffer_arg {
	const char *name, *text;
	size_t len;
};

static struct preproc *open_buffer(struct conf_ctx *ctx, const void *arg)
{
	const struct buffer_arg *b = arg;

	return pp_open_buffer(ctx, b->name, b->text, b->len);
}

struct conf *conf_load_buffer(const char *name, const char *text, size_t len,
			      const struct conf_load_opts *opts)
{
	struct buffer_arg b = { name, text, len };

	return load_from(opts, open_buffer, &b);
}
