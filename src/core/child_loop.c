/*
 * child_loop.c - the event loop of a child process (see childloop.h).
 *
 * Entered right after fork() from supervise.c with every signal blocked
 * and default dispositions: install our libevent signal events on a fresh
 * base, unblock, call the child's start hook, and run until TERM.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "childloop.h"
#include "dumpfile.h"
#include "evbase.h"
#include "log.h"
#include "options.h"
#include "pidfile.h"
#include "reaper.h"

struct child_state {
	const struct child_ops *ops;
	const struct proc_ctx *ctx;
	struct event_base *base;
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
	fn(d.f, cs->ctx);
	dumpfile_commit(&d);
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
		log_debug("SIGHUP ignored: the parent restarts children on reload");
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
	struct child_state cs = { .ops = ops, .ctx = ctx };
	sigset_t none;
	size_t i;
	int rc;

	child_logging(ops, ctx->opts);
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
	rc = ops->start ? ops->start(ctx, cs.base) : 0;
	if (rc != 0)
		return rc;
	event_base_dispatch(cs.base);
	/* The parent removes it too when it reaps us, unless it died first. */
	pidfile_remove(ctx->pidfile, getpid());
	log_info("Stopped");
	return KA_EXIT_OK;
}
