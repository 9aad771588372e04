/*
 * parent.c - the parent process: signals, reload, dumps, orderly stop.
 *
 * The parent parses the configuration, forks the children with it and
 * supervises them (supervise.c).  Its event loop only handles signals:
 *
 *   HUP          reload: load the new file completely; if it is missing or
 *                has errors (other than the ones 2.2.7 corrects with a
 *                default, conf_fixed), log why and keep everything
 *                running as it is; otherwise signal the children
 *                (supervise.c), which reload in place, and free it.
 *   TERM, INT    stop: TERM the children, SIGKILL them after
 *                child_wait_time (default 5 s), leave the loop.
 *   USR1         write keepalived_parent.data, forward to the children
 *   USR2, STATS_CLEAR (SIGRTMAX-1), JSON (SIGRTMIN+2): forward
 *
 * How a child gets the new tree: the parent writes the tree it has just
 * checked into a memfd every child shares (reload_blob.h) and the child
 * takes it at SIGHUP (child_loop.c), instead of parsing the file a second
 * time as 2.2.7's children do; when that fails, the child reads the file
 * again itself, quietly since we have just logged the diagnostics, and
 * keeps its running configuration if the file changed in between and no
 * longer loads cleanly.  Each child then reconciles its state with the
 * new tree (VRRP instances keep their state, the checker diffs the IPVS
 * table).
 *
 * Memory: the parent keeps no tree while it waits.  Once the children
 * are forked (they inherit it), it keeps only what it uses later, the
 * child_wait_time and its rendered global_defs for the USR1 dump, and
 * frees the tree (malloc_trim gives the pages back: with 1,000 VRRP
 * instances that is about 0.7 MiB of the parent's RSS).  A child
 * respawned later reads the file itself (child_loop.c), as 2.2.7's
 * children always do; a HUP loads a new tree, which lives only until the
 * children have been signalled or forked.
 *
 * The parent is a child subreaper: scripts whose parent child died are
 * re-parented to us and reaped by the reaper.
 */
#include "config.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "confdump.h"
#include "core.h"
#include "dumpfile.h"
#include "evbase.h"
#include "log.h"
#include "pidfile.h"
#include "reaper.h"
#include "reload_blob.h"
#include "sdnotify.h"
#include "supervise.h"
#include "version.h"

#define DEFAULT_CHILD_WAIT_SEC 5

static struct {
	struct event_base *base;
	uint64_t child_wait_usec;        /* child_wait_time of the running configuration */
	char *globals;                   /* its global_defs, rendered for the USR1 dump */
	struct conf *start_tree;         /* the initial tree until dropped (on_drop_start_tree) */
	const struct ka_options *opts;
	bool stopping;
	int exit_code;
} par;

static void all_stopped(void)
{
	event_base_loopexit(par.base, NULL);
}

/* Keep what the parent needs of `conf` after it is freed.
 * child_wait_time is a top-level keyword in 2.2.7, not a global_defs one. */
static void keep_settings(const struct conf *conf)
{
	size_t len = 0;
	FILE *mem;

	par.child_wait_usec = (uint64_t)conf_get_int(conf->root, "child_wait_time",
						     DEFAULT_CHILD_WAIT_SEC) * 1000000ULL;
	free(par.globals);
	par.globals = NULL;
	mem = open_memstream(&par.globals, &len);
	if (!mem)
		return;
	confdump_global_defs(mem, conf);
	fclose(mem);
}

/* The children have the tree now (forked, or signalled to take it from
 * the memfd or re-read the file): drop ours and give its pages back. */
static void drop_tree(struct conf *conf)
{
	sup_forget_conf();
	conf_free(conf);
	malloc_trim(0);
}

/* At start the drop waits a second, so that it does not compete for a CPU
 * with the children's start-up (their first adverts). */
static void on_drop_start_tree(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (par.start_tree)
		drop_tree(par.start_tree);
	par.start_tree = NULL;
}

static void stop(int code)
{
	if (par.stopping)
		return;
	par.stopping = true;
	par.exit_code = code;
	ka_sd_notify("STOPPING=1");
	log_info("Stopping");
	sup_stop_all(par.child_wait_usec);
}

static void child_fatal(int code)
{
	stop(code);
}

/* The children take the blob as soon as they handle their HUP; after
 * that it only holds shared memory (1.3 MB for 1,000 x 10 real servers). */
static void on_release_blob(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	reload_blob_release();
}

static void release_blob_later(void)
{
	static struct event *t;
	struct timeval tv = { .tv_sec = 5 };

	if (!t)
		t = evtimer_new(par.base, on_release_blob, NULL);
	if (t)
		evtimer_add(t, &tv);
}

static void reload(void)
{
	struct conf *next;

	log_info("Reloading");
	ka_sd_notify("RELOADING=1");
	next = ka_load_config_in(par.opts, NULL, NULL, reload_blob_region());
	if (next->missing_file) {
		log_errx("Configuration file %s is missing, keeping the running configuration",
			 ka_config_path(par.opts));
		conf_free(next);
	} else if (next->errors > next->errors_fixed) {
		log_errx("Configuration has %u error(s), keeping the running configuration "
			 "(fix %s and reload again)", next->errors - next->errors_fixed,
			 ka_config_path(par.opts));
		conf_free(next);
	} else {
		if (par.opts->dump_conf)
			ka_log_config(next);
		keep_settings(next);
		reload_blob_publish(next);
		sup_reload(next, par.child_wait_usec);
		drop_tree(next);
		release_blob_later();
		on_drop_start_tree(-1, 0, NULL);
		log_info("Configuration reloaded");
	}
	ka_sd_notify("READY=1");
}

/* confdump_globals() of the tree we no longer hold. */
static void print_globals(FILE *out)
{
	confdump_globals_heading(out);
	if (par.globals)
		fputs(par.globals, out);
}

static void dump_parent(void)
{
	struct dumpfile d;

	log_info("Printing parent data for process(%d) on signal", (int)getpid());
	if (!dumpfile_open(&d, "keepalived_parent.data"))
		return;
	print_globals(d.f);
	sup_dump(d.f);
	dumpfile_commit(&d);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (sig == SIGTERM || sig == SIGINT) {
		stop(KA_EXIT_OK);
	} else if (par.stopping) {
		return;
	} else if (sig == SIGHUP) {
		reload();
	} else {
		if (sig == SIGUSR1)
			dump_parent();
		sup_signal_all((int)sig);
	}
}

static void add_signals(void)
{
	int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGRTMAX - 1, SIGRTMIN + 2 };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct event *ev = evsignal_new(par.base, sigs[i], on_signal, NULL);

		if (!ev || evsignal_add(ev, NULL) < 0)
			fatalx("cannot handle signal %d", sigs[i]);
	}
}

static void log_cpu_usage(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	log_info("CPU usage (self/children) user: %ld.%06ld/%ld.%06ld system: %ld.%06ld/%ld.%06ld",
		 (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec,
		 (long)kids.ru_utime.tv_sec, (long)kids.ru_utime.tv_usec,
		 (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec,
		 (long)kids.ru_stime.tv_sec, (long)kids.ru_stime.tv_usec);
}

int parent_run(struct conf *conf, const struct ka_options *o, const struct ka_paths *paths)
{
	struct sup_hooks hooks = { .fatal = child_fatal, .all_stopped = all_stopped };
	const struct timeval drop_delay = { .tv_sec = 1 };
	const char *pidfiles[PROC_COUNT];
	int i;

	par.opts = o;
	keep_settings(conf);
	par.base = ka_event_base_new();
	if (!par.base)
		fatalx("cannot create the event loop");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		log_warn("cannot become a child subreaper");
	reaper_init(par.base);
	add_signals();
	for (i = 0; i < PROC_COUNT; i++)
		pidfiles[i] = paths->child_pidfile[i];
	sup_init(par.base, o, &hooks, pidfiles);
	reload_blob_init();
	sup_start(conf);
	par.start_tree = conf;
	if (event_base_once(par.base, -1, EV_TIMEOUT, on_drop_start_tree, NULL, &drop_delay) < 0)
		on_drop_start_tree(-1, 0, NULL);
	ka_sd_notify("READY=1");
	event_base_dispatch(par.base);
	log_cpu_usage();
	pidfile_remove(paths->pidfile, getpid());
	log_info("Stopped %s", KA_VERSION_LINE);
	on_drop_start_tree(-1, 0, NULL);
	free(par.globals);
	return par.exit_code;
}
