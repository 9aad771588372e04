/*
 * logname.c - per-process log file names for -g (see childloop.h).
 *
 * keepalived(8): "FILE will have _vrrp, _healthcheckers ... inserted
 * before the last '.' in FILE".  Only a dot in the base name counts, and a
 * leading dot (hidden file) is not an extension.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "childloop.h"

char *child_log_file_name(const char *file, const char *suffix)
{
	const char *slash, *dot;
	size_t len, pos;
	char *out;

	if (!file)
		return NULL;
	len = strlen(file);
	slash = strrchr(file, '/');
	dot = strrchr(slash ? slash : file, '.');
	pos = dot && dot != (slash ? slash + 1 : file) ? (size_t)(dot - file) : len;
	out = malloc(len + strlen(suffix) + 1);
	if (!out)
		return NULL;
	memcpy(out, file, pos);
	strcpy(out + pos, suffix);
	strcat(out, file + pos);
	return out;
}
