/*
 * script.c - the asynchronous script runner (see script.h).
 *
 * Life of a script: script_run() splits the command line, forks with all
 * signals blocked (so no libevent handler of ours can run in the child),
 * and the child prepares itself (process group, death signal, stdio on
 * /dev/null, fds closed, ids, signal defaults) before execvp().  The
 * parent watches the pid through the reaper and arms the timeout.  On
 * timeout the group gets SIGTERM, then SIGKILL when the grace timer
 * fires.  When the reaper reports the leader's exit, any remaining group
 * members are killed if the script had timed out, the result is delivered
 * and the handle freed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "reaper.h"
#include "script.h"

extern char **environ;

struct script {
	pid_t pid;
	bool timed_out;
	int kill_signal;
	struct event *t_timeout;
	struct event *t_grace;
	uint64_t grace_usec;
	script_done_fn *done;
	void *arg;
};

static struct timeval usec_tv(uint64_t usec)
{
	struct timeval tv = { .tv_sec = (time_t)(usec / 1000000),
			      .tv_usec = (suseconds_t)(usec % 1000000) };
	return tv;
}

static void reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static char **build_env(const char *const *extra)
{
	size_t n = 0, k = 0, i;
	char **env;

	if (!extra)
		return environ;
	while (environ[n])
		n++;
	while (extra[k])
		k++;
	env = calloc(n + k + 1, sizeof(*env));
	if (!env)
		return environ;
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	for (i = 0; i < k; i++)
		env[n + i] = (char *)(uintptr_t)extra[i];
	return env;
}

static void stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* In the forked child: never returns. */
static void exec_child(char **argv, const struct script_spec *spec, pid_t parent)
{
	reset_signals();
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	stdio_to_null();
	close_range(3, ~0U, 0);
	if (spec->set_ids) {
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			_exit(126);
		if (setgid(spec->gid) < 0 || setuid(spec->uid) < 0)
			_exit(126);
	}
	execvpe(argv[0], argv, build_env(spec->extra_env));
	_exit(127);
}

static void script_free(struct script *s)
{
	if (s->t_timeout)
		event_free(s->t_timeout);
	if (s->t_grace)
		event_free(s->t_grace);
	free(s);
}

static void on_exit_status(pid_t pid, int status, void *arg)
{
	struct script *s = arg;
	struct script_result res = { .pid = pid };

	if (s->timed_out) {
		kill(-pid, SIGKILL);        /* stragglers of a killed script */
		res.outcome = SCRIPT_TIMEDOUT;
		res.status = WIFSIGNALED(status) ? WTERMSIG(status) : s->kill_signal;
	} else if (WIFSIGNALED(status)) {
		res.outcome = SCRIPT_SIGNALED;
		res.status = WTERMSIG(status);
	} else {
		res.outcome = SCRIPT_EXITED;
		res.status = WEXITSTATUS(status);
	}
	s->done(&res, s->arg);
	script_free(s);
}

static void on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct script *s = arg;

	(void)fd;
	(void)what;
	log_debug("script pid %d ignored SIGTERM, sending SIGKILL to its group", (int)s->pid);
	s->kill_signal = SIGKILL;
	kill(-s->pid, SIGKILL);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct script *s = arg;
	struct timeval tv = usec_tv(s->grace_usec);

	(void)fd;
	(void)what;
	s->timed_out = true;
	s->kill_signal = SIGTERM;
	log_debug("script pid %d timed out, sending SIGTERM to its group", (int)s->pid);
	kill(-s->pid, SIGTERM);
	evtimer_add(s->t_grace, &tv);
}

static struct script *script_start(struct event_base *base, char **argv,
				   const struct script_spec *spec)
{
	struct script *s = calloc(1, sizeof(*s));
	sigset_t all, old;
	pid_t self = getpid();

	if (!s)
		return NULL;
	s->t_timeout = evtimer_new(base, on_timeout, s);
	s->t_grace = evtimer_new(base, on_grace, s);
	s->grace_usec = spec->grace_usec ? spec->grace_usec : 1000000;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	s->pid = fork();
	if (s->pid == 0)
		exec_child(argv, spec, self);
	if (s->pid > 0)
		setpgid(s->pid, s->pid);   /* both sides set it: no race with kill(-pid) */
	sigprocmask(SIG_SETMASK, &old, NULL);
	return s;
}

struct script *script_run(struct event_base *base, const struct script_spec *spec,
			  script_done_fn *done, void *arg)
{
	const char *why = NULL;
	char **argv = script_split(spec->cmdline, &why);
	struct script *s;

	if (!argv) {
		log_warnx("cannot run script '%s': %s", spec->cmdline ? spec->cmdline : "", why);
		return NULL;
	}
	s = script_start(base, argv, spec);
	free(argv);
	if (!s)
		return NULL;
	s->done = done;
	s->arg = arg;
	if (s->pid < 0) {
		struct script_result res = { .outcome = SCRIPT_FAILED, .status = errno };

		log_warn("cannot fork for script '%s'", spec->cmdline);
		done(&res, arg);
		script_free(s);
		return NULL;
	}
	reaper_watch(s->pid, on_exit_status, s);
	if (spec->timeout_usec) {
		struct timeval tv = usec_tv(spec->timeout_usec);

		evtimer_add(s->t_timeout, &tv);
	}
	return s;
}

void script_cancel(struct script *s)
{
	if (!s)
		return;
	kill(-s->pid, SIGKILL);
	reaper_forget(s->pid);
	script_free(s);
}

pid_t script_pid(const struct script *s)
{
	return s->pid;
}
