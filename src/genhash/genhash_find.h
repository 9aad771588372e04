/*
 * genhash_find.h - find -T/--genhash in keepalived's command line.  Pure and
 * dependency-free: keepalived links it to decide to run genhash, genhash
 * links it to rebuild its own arguments (genhash_kacli.c).
 */
#ifndef KA_GENHASH_FIND_H
#define KA_GENHASH_FIND_H

#include <stdbool.h>

struct genhash_found {
	int index;          /* argv index of the word holding -T, or -1 */
	const char *rest;   /* letters after T in that word, or NULL */
	bool first;         /* no keepalived option came before */
	bool long_form;
};

/* Locate -T; words that are not options before it go to strays (room for
 * argc entries), their count to *nstrays. */
struct genhash_found genhash_find(int argc, char **argv, char **strays, int *nstrays);

/* True when keepalived's command line asks for genhash (-T/--genhash). */
bool genhash_in_cmdline(int argc, char **argv);

#endif
