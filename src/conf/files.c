/*
 * files.c - the names of configuration files, stored once per process.
 *
 * A node's location is two 32-bit numbers (conf_src): an index into this
 * table and a line.  Names are never freed: a process reads a handful of
 * files, and a reload reading the same files finds the same indexes.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

static struct {
	char **names;                    /* names[0] is unused: index 0 = no file */
	uint32_t n, cap;
} files;

uint32_t conf_file_intern(const char *name)
{
	for (uint32_t i = 1; i < files.n; i++)
		if (strcmp(files.names[i], name) == 0)
			return i;
	if (files.n == 0)
		files.n = 1;
	if (files.n >= files.cap) {
		uint32_t cap = files.cap ? files.cap * 2 : 16;
		char **names = realloc(files.names, cap * sizeof(*names));

		if (!names)
			abort();
		files.names = names;
		files.cap = cap;
	}
	files.names[files.n] = strdup(name);
	if (!files.names[files.n])
		abort();
	return files.n++;
}

const char *conf_file_name(uint32_t file)
{
	return file && file < files.n ? files.names[file] : "";
}

uint32_t conf_file_count(void)
{
	return files.n ? files.n : 1;
}
