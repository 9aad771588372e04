/*
 * script.h - run external commands (notify scripts, vrrp_script,
 * MISC_CHECK) without blocking the event loop.
 *
 * A command line is split like 2.2.7 splits scripts: unquoted blanks
 * separate words, single quotes group a word with its blanks (quotes
 * removed, adjacent pieces glued: a'b c'd -> "ab cd").  The program runs
 * in its own process group with stdio on /dev/null, every other fd
 * closed, the parent's environment (as 2.2.7 does) plus optional extra
 * variables, default signal dispositions, and PR_SET_PDEATHSIG SIGTERM so
 * it cannot outlive a crashed keepalived.  Optionally it switches to a
 * uid/gid (script_user) before exec.
 *
 * With a timeout, the whole process group gets SIGTERM when it expires
 * and SIGKILL after the grace period.  The result arrives once, through
 * the done callback, from the event loop; script_cancel() kills the group
 * and guarantees no callback.
 *
 * The runner relies on the reaper (reaper.h): call reaper_init() on the
 * same base first.
 */
#ifndef KA_SCRIPT_H
#define KA_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct event_base;
struct script;

enum script_outcome {
	SCRIPT_EXITED,     /* status = exit code */
	SCRIPT_SIGNALED,   /* status = signal number (killed by someone else) */
	SCRIPT_TIMEDOUT,   /* ran past its timeout and was killed; status = signal */
	SCRIPT_FAILED,     /* could not be started (fork failed); status = errno */
};

struct script_result {
	enum script_outcome outcome;
	int status;
	pid_t pid;
};

typedef void script_done_fn(const struct script_result *res, void *arg);

struct script_spec {
	const char *cmdline;           /* split with script_split() */
	uint64_t timeout_usec;         /* 0: no timeout */
	uint64_t grace_usec;           /* SIGTERM -> SIGKILL delay; 0: 1 second */
	bool set_ids;                  /* run as uid/gid below */
	uid_t uid;
	gid_t gid;
	const char *const *extra_env;  /* "NAME=value" entries added, or NULL */
};

/* Split a command line into a NULL-terminated argv (one malloc block,
 * free() it).  Returns NULL with *err set to a static reason for an
 * unterminated quote or an empty command. */
char **script_split(const char *cmdline, const char **err);

/* Start the command.  Returns a handle valid until the done callback has
 * run or script_cancel() was called.  Returns NULL if the command line is
 * invalid (logged; the callback is not called) or if fork() failed (the
 * callback has already run with SCRIPT_FAILED). */
struct script *script_run(struct event_base *base, const struct script_spec *spec,
			  script_done_fn *done, void *arg);

/* Kill the process group (SIGKILL) and drop the handle; no callback. */
void script_cancel(struct script *s);

/* Process id (and process group id) of a running script. */
pid_t script_pid(const struct script *s);

#endif
