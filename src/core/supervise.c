/*
 * supervise.c - the parent's child supervisor (see supervise.h).
 *
 * Each slot follows: idle -> running (pid set, pid file written) ->
 * reaped (pid file removed) -> either idle (not wanted / stopping) or
 * restarted after the back-off timer.  A reload signals running children
 * (HUP: they reload in place), stops those no longer wanted and starts
 * those newly wanted.
 *
 * Forking: all signals are blocked around fork() so that no libevent
 * signal handler of the parent runs in the child before the child has
 * reset every disposition; the child then closes every inherited fd
 * (the parent's epoll and signal socketpair included: the child must not
 * touch the parent's event base), sets PR_SET_PDEATHSIG and enters its
 * entry point, which builds its own base.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "backoff.h"
#include "conf.h"
#include "log.h"
#include "monotime.h"
#include "options.h"
#include "pidfile.h"
#include "reaper.h"
#include "supervise.h"
#include "reload_blob.h"


struct child {
	const struct proc_desc *desc;
	const char *pidfile;
	pid_t pid;
	uint64_t started_usec;      /* monotonic */
	uint64_t backoff_usec;      /* delay before the next unasked restart */
	bool wanted;
	struct event *t_respawn;
};

static struct {
	struct event_base *base;
	const struct ka_options *opts;
	struct sup_hooks hooks;
	struct proc_ctx ctx;        /* what children inherit */
	struct child child[PROC_COUNT];
	bool stopping;
	struct event *t_kill;
} sup;

static struct timeval usec_tv(uint64_t usec)
{
	struct timeval tv = { .tv_sec = (time_t)(usec / 1000000),
			      .tv_usec = (suseconds_t)(usec % 1000000) };
	return tv;
}

static bool any_running(void)
{
	int i;

	for (i = 0; i < PROC_COUNT; i++)
		if (sup.child[i].pid > 0)
			return true;
	return false;
}

/* In the forked child: never returns. */
static void run_child(struct child *c, pid_t parent)
{
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) {
		/* The parent died before PDEATHSIG was armed: no TERM will come.
		 * Leave no pid file naming us behind (the parent may have written
		 * it already). */
		pidfile_remove(c->pidfile, getpid());
		_exit(KA_EXIT_FAILURE);
	}
	log_close();
	reload_blob_close_fds(3);     /* all but the configuration memfd */
	reload_blob_set_slot((unsigned)(c - sup.child));
	/* A tree built at reload lies in memory the parent reuses: ours now. */
	sup.ctx.conf = reload_blob_after_fork(sup.ctx.conf);
	/* Signals stay blocked: the child loop unblocks them once its own
	 * handlers are installed. */
	exit(c->desc->main(&sup.ctx));
}

static void on_child_exit(pid_t pid, int status, void *arg);
static void on_kill_timer(evutil_socket_t fd, short what, void *arg);

static void spawn(struct child *c)
{
	sigset_t all, old;
	pid_t parent = getpid();
	pid_t pid;

	sup.ctx.pidfile = c->pidfile;    /* the child's copy of sup.ctx is its own */
	fflush(NULL);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		run_child(c, parent);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		log_warn("cannot fork the %s child process", c->desc->name);
		if (sup.hooks.fatal)
			sup.hooks.fatal(KA_EXIT_FATAL);
		return;
	}
	c->pid = pid;
	c->started_usec = mono_usec();
	log_info("Starting %s child process, pid=%d", c->desc->name, (int)pid);
	if (c->pidfile && !pidfile_write(c->pidfile, pid))
		log_warn("cannot write pid file %s", c->pidfile);
	reaper_watch(pid, on_child_exit, c);
}

static void on_respawn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct child *c = arg;

	(void)fd;
	(void)what;
	if (!sup.stopping && c->wanted && c->pid == 0)
		spawn(c);
}

static void describe_exit(const struct child *c, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_warnx("%s child process(%d) exited due to signal %d (%s)", c->desc->name,
			  (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		log_info("%s child process(%d) exited with status %d", c->desc->name,
			 (int)pid, WEXITSTATUS(status));
}

static void schedule_respawn(struct child *c)
{
	uint64_t up = mono_usec() - c->started_usec;
	uint64_t delay = respawn_delay(&c->backoff_usec, up);
	struct timeval tv;

	log_warnx("%s child process died after %llu.%03llu s: respawning in %llu.%03llu s "
		  "(restarts are delayed to limit the respawn rate)", c->desc->name,
		  (unsigned long long)(up / 1000000), (unsigned long long)(up / 1000 % 1000),
		  (unsigned long long)(delay / 1000000), (unsigned long long)(delay / 1000 % 1000));
	tv = usec_tv(delay);
	evtimer_add(c->t_respawn, &tv);
}

static void on_child_exit(pid_t pid, int status, void *arg)
{
	struct child *c = arg;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	c->pid = 0;
	reload_blob_child_gone((unsigned)(c - sup.child));  /* it reads no region now */
	pidfile_remove(c->pidfile, pid);
	describe_exit(c, pid, status);
	if (sup.stopping) {
		if (!any_running() && sup.hooks.all_stopped)
			sup.hooks.all_stopped();
		return;
	}
	if (!c->wanted)
		return;
	if (code == KA_EXIT_FATAL || code == KA_EXIT_CONFIG) {
		log_errx("%s child process(%d) exited with permanent error %s. Terminating",
			 c->desc->name, (int)pid, code == KA_EXIT_CONFIG ? "CONFIG" : "FATAL");
		sup.hooks.fatal(code);
		return;
	}
	if (sup.opts->dont_respawn) {
		log_errx("%s child process(%d) died: not respawning (-R), stopping",
			 c->desc->name, (int)pid);
		sup.hooks.fatal(KA_EXIT_FAILURE);
		return;
	}
	schedule_respawn(c);
}

void sup_init(struct event_base *base, const struct ka_options *opts,
	      const struct sup_hooks *hooks, const char *const pidfiles[PROC_COUNT])
{
	int i;

	sup.base = base;
	sup.opts = opts;
	sup.hooks = *hooks;
	sup.ctx.opts = opts;
	sup.t_kill = evtimer_new(base, on_kill_timer, NULL);
	for (i = 0; i < PROC_COUNT; i++) {
		sup.child[i].desc = &proc_table[i];
		sup.child[i].pidfile = pidfiles[i];
		sup.child[i].t_respawn = evtimer_new(base, on_respawn_timer, &sup.child[i]);
	}
}

static bool wanted(const struct proc_desc *d, const struct conf *conf)
{
	const struct ka_options *o = sup.opts;

	if (d->id == PROC_VRRP && o->check_only)
		return false;
	if (d->id == PROC_CHECKER && o->vrrp_only)
		return false;
	return o->all_children || d->wanted(conf);
}

void sup_start(const struct conf *conf)
{
	int i;

	sup.ctx.conf = conf;
	for (i = 0; i < PROC_COUNT; i++) {
		struct child *c = &sup.child[i];

		c->wanted = wanted(c->desc, conf);
		if (c->wanted && c->pid == 0)
			spawn(c);
	}
}

void sup_reload(const struct conf *conf, uint64_t wait_usec)
{
	struct timeval tv = usec_tv(wait_usec);
	bool killing = false;
	int i;

	sup.ctx.conf = conf;
	for (i = 0; i < PROC_COUNT; i++) {
		struct child *c = &sup.child[i];

		c->wanted = wanted(c->desc, conf);
		if (c->pid > 0 && c->wanted) {
			kill(c->pid, SIGHUP);       /* it reloads in place */
		} else if (c->pid > 0) {
			kill(c->pid, SIGTERM);
			killing = true;
		} else if (c->wanted) {
			evtimer_del(c->t_respawn);
			c->backoff_usec = 0;
			spawn(c);
		}
	}
	if (killing)
		evtimer_add(sup.t_kill, &tv);
}

void sup_forget_conf(void)
{
	sup.ctx.conf = NULL;
}

void sup_signal_all(int sig)
{
	int i;

	for (i = 0; i < PROC_COUNT; i++)
		if (sup.child[i].pid > 0)
			kill(sup.child[i].pid, sig);
}

static void on_kill_timer(evutil_socket_t fd, short what, void *arg)
{
	int i;

	(void)fd;
	(void)what;
	(void)arg;
	for (i = 0; i < PROC_COUNT; i++) {
		const struct child *c = &sup.child[i];

		if (c->pid > 0 && (sup.stopping || !c->wanted)) {
			log_warnx("%s child process(%d) did not stop in time, killing it",
				  sup.child[i].desc->name, (int)sup.child[i].pid);
			kill(sup.child[i].pid, SIGKILL);
		}
	}
}

void sup_stop_all(uint64_t wait_usec)
{
	struct timeval tv = usec_tv(wait_usec);
	int i;

	sup.stopping = true;
	for (i = 0; i < PROC_COUNT; i++) {
		evtimer_del(sup.child[i].t_respawn);
	}
	if (!any_running()) {
		if (sup.hooks.all_stopped)
			sup.hooks.all_stopped();
		return;
	}
	sup_signal_all(SIGTERM);
	evtimer_add(sup.t_kill, &tv);
}

void sup_dump(FILE *out)
{
	int i;

	fprintf(out, "------< Processes >------\n");
	fprintf(out, " Parent pid = %d\n", (int)getpid());
	for (i = 0; i < PROC_COUNT; i++) {
		const struct child *c = &sup.child[i];

		fprintf(out, " %s child: %s", c->desc->name, c->wanted ? "wanted" : "not wanted");
		if (c->pid > 0)
			fprintf(out, ", pid = %d", (int)c->pid);
		if (c->pidfile)
			fprintf(out, ", pid file = %s", c->pidfile);
		fputc('\n', out);
	}
}
