/*
 * genhash_find.c - where -T/--genhash stands in keepalived's command line.
 *
 * To skip the values of keepalived's own options this file knows which of
 * them take a separate argument (keepalived's option table,
 * src/core/options.c); keep the two lists in step.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "genhash_find.h"

/* keepalived's short options that take a required argument */
static const char ka_short_with_arg[] = "fSgupr cbAsi";

static const char *const ka_long_with_arg[] = {
	"use-file", "log-facility", "log-file", "umask", "pid", "vrrp_pid",
	"checkers_pid", "bfd_pid", "snmp-agent-socket", "namespace", "config-id",
	"signum", NULL,
};

static bool long_takes_arg(const char *word)
{
	size_t i;

	if (strchr(word, '='))
		return false;
	for (i = 0; ka_long_with_arg[i]; i++)
		if (!strcmp(word + 2, ka_long_with_arg[i]))
			return true;
	return false;
}

/* Scan one short-option cluster ("-nT", "-fconf"); true when T is in it. */
static bool scan_cluster(const char *word, struct genhash_found *f, bool *skip_next)
{
	const char *p;

	for (p = word + 1; *p; p++) {
		if (*p == 'T') {
			f->rest = p[1] ? p + 1 : NULL;
			f->first = f->first && p == word + 1;
			return true;
		}
		if (*p != ' ' && strchr(ka_short_with_arg, *p)) {
			*skip_next = !p[1];
			return false;
		}
	}
	return false;
}

/* Locate -T; the words that are not options before it go to strays. */
struct genhash_found genhash_find(int argc, char **argv, char **strays, int *nstrays)
{
	struct genhash_found f = { .index = -1, .first = true };
	int i;

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool skip_next = false;

		if (!strcmp(w, "--"))
			break;
		if (w[0] != '-' || !w[1]) {
			strays[(*nstrays)++] = argv[i];
			continue;
		}
		if (!strcmp(w, "--genhash")) {
			f.index = i;
			f.long_form = true;
			return f;
		}
		if (w[1] == '-') {
			skip_next = long_takes_arg(w);
		} else if (scan_cluster(w, &f, &skip_next)) {
			f.index = i;
			return f;
		}
		f.first = false;
		if (skip_next)
			i++;
	}
	f.index = -1;
	return f;
}

bool genhash_in_cmdline(int argc, char **argv)
{
	char **strays = calloc((size_t)argc + 1, sizeof(*strays));
	int n = 0;
	bool found;

	if (!strays)
		abort();
	found = genhash_find(argc, argv, strays, &n).index >= 0;
	free(strays);
	return found;
}
