/*
 * script_driver.c - runs one command through the script runner, for the
 * system tests (tests/system/test_process.py).
 *
 *   script_driver [-t TIMEOUT_MS] [-g GRACE_MS] [-u UID -G GID] [-e NAME=VALUE]...
 *                 [-r] CMDLINE
 *
 * Prints "pid=P pgid=G outcome=exited|signaled|timedout|failed status=N"
 * on stdout when the script finishes and exits 0; exits 2 if the command
 * line is invalid.  With -r the driver is a child subreaper, as the
 * parent keepalived is, and after the result waits (up to 5 s) until the
 * reaper has collected every orphan the script left behind; the reaper
 * logs each on stderr ("reaped orphan process N").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "evbase.h"
#include "log.h"
#include "reaper.h"
#include "script.h"

static const char *const outcome_names[] = { "exited", "signaled", "timedout", "failed" };
static bool wait_orphans;
static struct event *t_orphans;
static int orphan_polls;

/* True while this process still has children (orphans re-parented to us). */
static bool have_children(void)
{
	char path[64], buf[64];
	FILE *f;
	bool any;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	f = fopen(path, "re");
	if (!f)
		return false;
	any = fgets(buf, sizeof(buf), f) != NULL && buf[0] != '\0';
	fclose(f);
	return any;
}

static void on_orphan_poll(evutil_socket_t fd, short what, void *arg)
{
	struct timeval tv = { 0, 50000 };

	(void)fd;
	(void)what;
	if (!have_children() || ++orphan_polls > 100) {
		event_base_loopexit(arg, NULL);
		return;
	}
	evtimer_add(t_orphans, &tv);
}

static void done(const struct script_result *res, void *arg)
{
	struct event_base *base = arg;

	printf("pid=%d pgid=%d outcome=%s status=%d\n", (int)res->pid, (int)res->pid,
	       outcome_names[res->outcome], res->status);
	fflush(stdout);
	if (wait_orphans) {
		t_orphans = evtimer_new(base, on_orphan_poll, base);
		on_orphan_poll(-1, 0, base);
	} else {
		event_base_loopexit(base, NULL);
	}
}

int main(int argc, char **argv)
{
	struct log_opts lo = { .ident = "script_driver", .console = true, .no_syslog = true,
			       .detail = true };
	struct script_spec spec = { 0 };
	const char *env[16] = { NULL };
	struct event_base *base;
	size_t nenv = 0;
	int c;

	while ((c = getopt(argc, argv, "+t:g:u:G:e:r")) != -1) {
		switch (c) {
		case 't': spec.timeout_usec = strtoull(optarg, NULL, 10) * 1000; break;
		case 'g': spec.grace_usec = strtoull(optarg, NULL, 10) * 1000; break;
		case 'u': spec.set_ids = true; spec.uid = (uid_t)atoi(optarg); break;
		case 'G': spec.gid = (gid_t)atoi(optarg); break;
		case 'e': if (nenv < 15) env[nenv++] = optarg; break;
		case 'r': wait_orphans = true; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: script_driver [options] CMDLINE\n");
		return 2;
	}
	log_init(&lo);
	if (wait_orphans)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	spec.cmdline = argv[optind];
	spec.extra_env = nenv ? env : NULL;
	base = ka_event_base_new();
	reaper_init(base);
	if (!script_run(base, &spec, done, base))
		return 2;
	event_base_dispatch(base);
	return 0;
}
