/*
 * check_notify.c - notify/quorum scripts of the checker (see
 * check_notify.h).  The synchronous variant splits the command line like
 * the common runner (script_split) and execs it in its own process group
 * with stdio on /dev/null, then polls waitpid() every 10 ms.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "check_notify.h"
#include "log.h"
#include "script.h"

static struct event_base *ev_base;

void ck_notify_init(struct event_base *base)
{
	ev_base = base;
}

static void script_done(const struct script_result *res, void *arg)
{
	(void)arg;
	if (res->outcome != SCRIPT_EXITED || res->status != 0)
		log_debug("notify script (pid %d) ended with %s %d", (int)res->pid,
			  res->outcome == SCRIPT_EXITED ? "status" : "signal/errno", res->status);
}

void ck_notify(const char *cmdline)
{
	struct script_spec spec = { .cmdline = cmdline };

	if (cmdline && ev_base)
		script_run(ev_base, &spec, script_done, NULL);
}

static void exec_child(char **argv)
{
	int fd = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	execvp(argv[0], argv);
	_exit(127);
}

void ck_notify_wait(const char *cmdline, unsigned timeout_ms)
{
	const char *err = NULL;
	char **argv;
	pid_t pid;
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };

	if (!cmdline)
		return;
	argv = script_split(cmdline, &err);
	if (!argv) {
		log_warnx("Cannot run script '%s': %s", cmdline, err ? err : "invalid");
		return;
	}
	pid = fork();
	if (pid == 0)
		exec_child(argv);
	free(argv);
	if (pid < 0) {
		log_warn("fork for script '%s'", cmdline);
		return;
	}
	for (unsigned waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return;
		if (waited >= timeout_ms) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		nanosleep(&tick, NULL);
	}
}
