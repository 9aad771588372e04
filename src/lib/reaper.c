/*
 * reaper.c - the process's SIGCHLD handler (see reaper.h).
 *
 * A small fixed table maps watched pids to callbacks; the SIGCHLD event
 * drains waitpid(-1, WNOHANG) and dispatches.  The table is small because
 * a keepalived process runs few processes at a time (two children in the
 * parent, a handful of scripts in a child); watch() fails loudly rather
 * than growing without bound.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "log.h"
#include "reaper.h"

#define REAPER_SLOTS 256

struct watch {
	pid_t pid;
	reaper_fn *fn;
	void *arg;
};

static struct watch watches[REAPER_SLOTS];
static struct event *sigchld_ev;

static struct watch *find(pid_t pid)
{
	size_t i;

	for (i = 0; i < REAPER_SLOTS; i++)
		if (watches[i].pid == pid)
			return &watches[i];
	return NULL;
}

void reaper_poll(void)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct watch *w = find(pid);

		if (w) {
			struct watch copy = *w;

			w->pid = 0;
			copy.fn(pid, status, copy.arg);
		} else {
			log_debug("reaped orphan process %d (status 0x%x)", (int)pid, status);
		}
	}
}

static void on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	reaper_poll();
}

void reaper_init(struct event_base *base)
{
	memset(watches, 0, sizeof(watches));
	sigchld_ev = evsignal_new(base, SIGCHLD, on_sigchld, NULL);
	if (!sigchld_ev || evsignal_add(sigchld_ev, NULL) < 0)
		fatalx("cannot install the SIGCHLD handler");
}

bool reaper_watch(pid_t pid, reaper_fn *fn, void *arg)
{
	struct watch *w = find(0);

	if (!w) {
		log_warnx("too many processes to watch, cannot follow pid %d", (int)pid);
		return false;
	}
	w->pid = pid;
	w->fn = fn;
	w->arg = arg;
	return true;
}

void reaper_forget(pid_t pid)
{
	struct watch *w = pid > 0 ? find(pid) : NULL;

	if (w)
		w->pid = 0;
}

void reaper_shutdown(void)
{
	if (sigchld_ev)
		event_free(sigchld_ev);
	sigchld_ev = NULL;
}
