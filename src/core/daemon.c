/*
 * daemon.c - daemonizing, core dumps and pid file paths (see daemon.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "options.h"
#include "proc.h"

#define PID_DIR "/run"
#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

static char saved_core_pattern[256];

bool daemonize(void)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_warn("cannot fork to become a daemon");
		return false;
	}
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0) {
		log_warn("cannot fork to become a daemon");
		return false;
	}
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		log_warn("cannot chdir to /");
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return true;
}

void core_dump_setup(const struct ka_options *o)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	FILE *f;

	if (!o->core_dump)
		return;
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		log_warn("cannot lift the core dump size limit");
	if (!o->core_pattern)
		return;
	f = fopen(CORE_PATTERN, "re");
	if (f) {
		if (!fgets(saved_core_pattern, sizeof(saved_core_pattern), f))
			saved_core_pattern[0] = '\0';
		fclose(f);
	}
	f = fopen(CORE_PATTERN, "we");
	if (!f || fprintf(f, "%s\n", o->core_pattern) < 0 || fclose(f) != 0) {
		log_warn("cannot set %s", CORE_PATTERN);
		saved_core_pattern[0] = '\0';
	}
}

void core_pattern_restore(void)
{
	FILE *f;

	if (!saved_core_pattern[0])
		return;
	f = fopen(CORE_PATTERN, "we");
	if (f) {
		fputs(saved_core_pattern, f);
		fclose(f);
	}
	saved_core_pattern[0] = '\0';
}

static char *path_in(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (!p)
		fatalx("out of memory");
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static char *dup_or_path(const char *given, const char *dir, const char *stem,
			 const char *instance)
{
	char name[512];

	if (given) {
		char *p = strdup(given);

		if (!p)
			fatalx("out of memory");
		return p;
	}
	snprintf(name, sizeof(name), "%s%s%s.pid", stem, instance ? "_" : "",
		 instance ? instance : "");
	return path_in(dir, name);
}

/*
 * Default pid files: /run/keepalived.pid, /run/keepalived_vrrp.pid,
 * /run/keepalived_checkers.pid.  With the top-level use_pid_dir or
 * instance NAME (as 2.2.7 does) they move to /run/keepalived/ as
 * keepalived[_NAME].pid, vrrp[_NAME].pid and checkers[_NAME].pid.
 * The directory is fixed at /run, whatever --runstatedir said, so that
 * the defaults match 2.2.7's.
 */
void ka_paths_init(struct ka_paths *p, const struct ka_options *o, const struct conf *conf)
{
	const char *instance = conf ? conf_get_str(conf->root, "instance", NULL) : NULL;
	bool pid_dir = instance || (conf && conf_find(conf->root, "use_pid_dir"));
	const char *dir = pid_dir ? PID_DIR "/keepalived" : PID_DIR;

	if (pid_dir && (!o->pid_file || !o->vrrp_pid_file || !o->checkers_pid_file) &&
	    mkdir(dir, 0755) != 0 && errno != EEXIST)
		log_warn("cannot create %s", dir);
	p->pidfile = dup_or_path(o->pid_file, dir, "keepalived", instance);
	p->child_pidfile[PROC_VRRP] = dup_or_path(o->vrrp_pid_file, dir,
						  pid_dir ? "vrrp" : "keepalived_vrrp", instance);
	p->child_pidfile[PROC_CHECKER] = dup_or_path(o->checkers_pid_file, dir,
						     pid_dir ? "checkers" : "keepalived_checkers",
						     instance);
}
