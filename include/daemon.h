/*
 * daemon.h - becoming a daemon and the process-wide settings of the
 * parent (src/core/daemon.c).
 */
#ifndef KA_DAEMON_H
#define KA_DAEMON_H

#include <stdbool.h>

struct ka_options;
struct conf;

/* Detach: fork, setsid, fork again, chdir("/"), stdio on /dev/null.
 * Returns in the grandchild only; false (logged) if a fork failed. */
bool daemonize(void);

/* -m / -M: lift RLIMIT_CORE and, with -M, set the kernel core pattern
 * (the old one is restored by core_pattern_restore()). */
void core_dump_setup(const struct ka_options *o);
void core_pattern_restore(void);

/* Pid file paths for the parent and each child (-p/-r/-c, use_pid_dir),
 * malloc'd strings kept for the life of the process. */
struct ka_paths {
	char *pidfile;
	char *child_pidfile[2];   /* indexed by enum proc_id */
};
void ka_paths_init(struct ka_paths *p, const struct ka_options *o, const struct conf *conf);

#endif
