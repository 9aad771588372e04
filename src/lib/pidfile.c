/*
 * pidfile.c - pid files (see pidfile.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"

bool pidfile_write(const char *path, pid_t pid)
{
	char tmp[4096];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return false;
	}
	f = fopen(tmp, "we");
	if (!f)
		return false;
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int saved = errno;

		unlink(tmp);
		errno = saved;
		return false;
	}
	return true;
}

pid_t pidfile_read(const char *path)
{
	FILE *f = fopen(path, "re");
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

bool pidfile_running(const char *path)
{
	pid_t pid = pidfile_read(path);

	if (pid <= 0 || pid == getpid())
		return false;
	return kill(pid, 0) == 0 || errno == EPERM;
}

void pidfile_remove(const char *path, pid_t pid)
{
	if (!path)
		return;
	if (pid && pidfile_read(path) != pid)
		return;
	unlink(path);
}
