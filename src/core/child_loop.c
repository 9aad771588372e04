/*
 * child_loop.c - the event loop of a child process (see childloop.h).
 *
 * Entered right after fork() from supervise.c with every signal blocked
 * and default dispositions: install our libevent signal events on a fresh
 * base, unblock, call the child's start hook, and run until TERM.  The
 * tree comes from the parent across fork(), or, for a child respawned
 * after the parent dropped its tree (parent.c), from reading the file;
 * at reload, from the parent's memfd (reload_blob.h) or the file.  A
 * child with drop_conf gives the tree back once it is started or
 * reloaded (drop_tree()).
 */
#include "config.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "childloop.h"
#include "core.h"
#include "dumpfile.h"
#include "evbase.h"
#include "log.h"
#include "options.h"
#include "pidfile.h"
#include "reaper.h"
#include "reload_blob.h"

struct child_state {
	const struct child_ops *ops;
	struct proc_ctx ctx;            /* ctx.conf changes at each reload */
	bool own_conf;                  /* ctx.conf was loaded here, not inherited */
	struct event_base *base;
	int exit_code;
};

static void write_report(struct child_state *cs, const char *name,
			 void (*fn)(FILE *, const struct proc_ctx *), const char *what)
{
	struct dumpfile d;

	if (!name || !fn)
		return;
	log_info("Printing %s %s for process(%d) on signal", cs->ops->desc->name, what,
		 (int)getpid());
	if (!dumpfile_open(&d, name))
		return;
	fn(d.f, &cs->ctx);
	dumpfile_commit(&d);
}

/* The child holds nothing of its tree any more (drop_conf): free it, and
 * give the freed pages back (the tree's chunks are mostly in the middle of
 * the heap, which only malloc_trim() returns to the kernel).  Inherited
 * across fork(), the tree is ours to free like a loaded one. */
static void drop_tree(struct child_state *cs)
{
	if (!cs->ops->drop_conf || !cs->ctx.conf)
		return;
	conf_free((struct conf *)cs->ctx.conf);
	cs->ctx.conf = NULL;
	cs->own_conf = false;
	malloc_trim(0);
}

/* Take the tree the parent has checked, or load the file again, quietly:
 * the parent has logged its diagnostics. */
static void reload(struct child_state *cs)
{
	struct proc_ctx next = cs->ctx;
	struct conf *conf;
	int rc;

	if (!cs->ops->reload) {
		log_info("Reload not supported by this child; keeping the running configuration");
		return;
	}
	conf = reload_blob_take();
	if (conf) {
		log_debug("Reloading with the configuration checked by the parent");
	} else {
		log_debug("Reading the configuration file again");
		conf = ka_load_config_quiet(cs->ctx.opts);
	}
	if (conf->missing_file || conf->errors > conf->errors_fixed) {
		log_errx("Configuration file %s %s since the parent read it; keeping the running "
			 "configuration", ka_config_path(cs->ctx.opts),
			 conf->missing_file ? "disappeared" : "gained errors");
		conf_free(conf);
		return;
	}
	next.conf = conf;
	rc = cs->ops->reload(&next, cs->base);
	/* Inherited across fork(), the old tree is ours to free like a loaded one. */
	conf_free((struct conf *)cs->ctx.conf);
	cs->ctx.conf = conf;
	cs->own_conf = true;
	drop_tree(cs);
	if (rc != 0) {
		log_errx("%s child: reload failed, exiting to be restarted", cs->ops->desc->name);
		cs->exit_code = rc;
		event_base_loopexit(cs->base, NULL);
	}
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct child_state *cs = arg;
	const struct child_ops *ops = cs->ops;

	(void)what;
	if (sig == SIGTERM || sig == SIGINT) {
		log_info("Stopping");
		if (ops->stop)
			ops->stop();
		event_base_loopexit(cs->base, NULL);
	} else if (sig == SIGUSR1) {
		write_report(cs, ops->data_file, ops->dump_data, "data");
	} else if (sig == SIGUSR2) {
		write_report(cs, ops->stats_file, ops->dump_stats, "stats");
	} else if (sig == SIGRTMAX - 1) {
		write_report(cs, ops->stats_file, ops->dump_stats, "stats");
		if (ops->clear_stats)
			ops->clear_stats();
	} else if (sig == SIGRTMIN + 2) {
		write_report(cs, ops->json_file, ops->dump_json, "as json");
	} else if (sig == SIGHUP) {
		log_info("Reloading");
		reload(cs);
	}
}

static void child_logging(const struct child_ops *ops, const struct ka_options *o)
{
	char *file = child_log_file_name(o->log_file, ops->desc->log_suffix);
	struct log_opts lo = {
		.ident = ops->desc->ident,
		.facility = o->log_facility,
		.console = o->log_console,
		.no_syslog = o->no_syslog,
		.detail = o->log_detail,
		.file = file,
	};

	log_init(&lo);
	free(file);
}

int child_loop_run(const struct child_ops *ops, const struct proc_ctx *ctx)
{
	const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGRTMAX - 1,
			     SIGRTMIN + 2 };
	struct child_state cs = { .ops = ops, .ctx = *ctx };
	sigset_t none;
	size_t i;
	int rc;

	child_logging(ops, ctx->opts);
	if (!cs.ctx.conf) {
		/* Respawned after the parent dropped its tree: read the file,
		 * quietly (the parent logged its diagnostics). */
		cs.ctx.conf = ka_load_config_quiet(ctx->opts);
		cs.own_conf = true;
	}
	cs.base = ka_event_base_new();
	if (!cs.base) {
		log_errx("%s child: cannot create the event loop", ops->desc->name);
		return KA_EXIT_FATAL;
	}
	reaper_init(cs.base);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct event *ev = evsignal_new(cs.base, sigs[i], on_signal, &cs);

		if (!ev || evsignal_add(ev, NULL) < 0) {
			log_errx("%s child: cannot handle signal %d", ops->desc->name, sigs[i]);
			return KA_EXIT_FATAL;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	rc = ops->start ? ops->start(&cs.ctx, cs.base) : 0;
	if (rc != 0)
		return rc;
	drop_tree(&cs);
	event_base_dispatch(cs.base);
	/* The parent removes it too when it reaps us, unless it died first. */
	pidfile_remove(ctx->pidfile, getpid());
	if (cs.own_conf)
		conf_free((struct conf *)cs.ctx.conf);
	if (cs.exit_code)
		return cs.exit_code;
	log_info("Stopped");
	return KA_EXIT_OK;
}
