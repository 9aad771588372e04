/*
 * genhash_exec.c - `keepalived -T ...`: run the genhash program.
 *
 * genhash needs OpenSSL and libevent_openssl; linking them into
 * keepalived would map about 2 MiB into every daemon process (and into
 * -t).  So keepalived executes genhash with its own, unchanged command
 * line and KA_GENHASH_FROM_KEEPALIVED=1; genhash then behaves exactly as
 * 2.2.7's built-in mode (usage named "<argv0> --genhash", warning when -T
 * is not the first option).  genhash is looked for beside this binary
 * (a build tree), then in the configured bindir, then on PATH.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

#ifndef BINDIR
#define BINDIR "/usr/bin"
#endif

/* dirname(/proc/self/exe)/genhash, if it exists and is executable. */
static bool genhash_beside_us(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return false;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (snprintf(out, size, "%s/genhash", self) >= (int)size)
		return false;
	return access(out, X_OK) == 0;
}

int ka_genhash_exec(char **argv)
{
	char path[PATH_MAX];

	setenv("KA_GENHASH_FROM_KEEPALIVED", "1", 1);
	if (genhash_beside_us(path, sizeof(path)))
		execv(path, argv);
	execv(BINDIR "/genhash", argv);
	execvp("genhash", argv);
	fprintf(stderr, "keepalived: -T/--genhash: cannot run genhash (%s): %s\n",
		BINDIR "/genhash", strerror(errno));
	return EXIT_FAILURE;
}
