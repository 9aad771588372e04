/*
 * script_file.c - checks on a script's program file (see script_file.h).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "script_file.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

bool ka_script_program(const char *command, char *buf, size_t size)
{
	const char *p = command;
	size_t n = 0;
	char quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p && n + 1 < size; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else
				buf[n++] = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == ' ' || *p == '\t') {
			break;
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
	return n > 0;
}

static enum ka_prog_state prog_state(const char *path, bool need_exec)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return KA_PROG_MISSING;
	if (!S_ISREG(st.st_mode))
		return need_exec ? KA_PROG_MISSING : KA_PROG_NOT_FILE;
	if (need_exec && (!(st.st_mode & 0111) || access(path, X_OK) != 0))
		return KA_PROG_MISSING;
	return KA_PROG_FILE;
}

enum ka_prog_state ka_find_program(const char *prog, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	enum ka_prog_state st = KA_PROG_MISSING;

	if (strchr(prog, '/')) {
		snprintf(out, size, "%s", prog);
		return prog_state(out, false);
	}
	copy = strdup(path && *path ? path : DEFAULT_PATH);
	if (!copy)
		return KA_PROG_MISSING;
	for (dir = strtok_r(copy, ":", &save); dir && st == KA_PROG_MISSING;
	     dir = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(out, size, "%s/%s", dir, prog) >= size)
			continue;
		st = prog_state(out, true);
	}
	free(copy);
	return st;
}

static bool entry_insecure(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return true;
	if (S_ISLNK(st.st_mode))         /* a link root owns can only change through its directory */
		return st.st_uid != 0;
	if (st.st_uid != 0)
		return true;
	if ((st.st_mode & S_IWGRP) && st.st_gid != 0)
		return true;
	return (st.st_mode & S_IWOTH) && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX));
}

/* The file and every directory above it. */
static bool path_insecure(const char *file)
{
	char buf[PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", file);
	if (entry_insecure(buf))
		return true;
	while ((slash = strrchr(buf, '/')) != NULL) {
		if (slash == buf) {
			buf[1] = '\0';
			return entry_insecure(buf);
		}
		*slash = '\0';
		if (entry_insecure(buf))
			return true;
	}
	return false;
}

bool ka_script_insecure(const char *file)
{
	char real[PATH_MAX];

	if (file[0] == '/' && path_insecure(file))
		return true;
	if (!realpath(file, real))
		return true;
	return path_insecure(real);
}
