/*
 * genhash_kacli.c - `keepalived -T ...` / `keepalived --genhash ...`:
 * find the option in keepalived's command line and run genhash with what
 * follows it, as 2.2.7 does:
 *
 *   - the usage names the program "<argv[0]> --genhash";
 *   - options before -T are ignored, with "Warning -- `-T` not used as
 *     first option, previous options ignored" (`genhash` for the long
 *     form) on stderr;
 *   - letters clustered after T ("-TS") are genhash options;
 *   - words that are not options, before -T, reach genhash too (2.2.7's
 *     getopt moves them to the end, where genhash reports them).
 *
 * keepalived itself does not link this (it would map OpenSSL into the
 * daemon): it finds -T with genhash_find() and executes the genhash
 * program with its whole command line and KA_GENHASH_FROM_KEEPALIVED set
 * (src/core/genhash_exec.c); genhash's main() then lands here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "genhash.h"
#include "genhash_find.h"

int genhash_keepalived_main(int argc, char **argv)
{
	struct genhash_opts o;
	struct genhash_found f;
	char *prog, *cluster = NULL;
	char **gargv, **strays;
	int gargc = 0, nstrays = 0, i, rc;

	strays = calloc((size_t)argc + 1, sizeof(*strays));
	if (!strays) {
		fprintf(stderr, "genhash: out of memory\n");
		return EXIT_FAILURE;
	}
	f = genhash_find(argc, argv, strays, &nstrays);
	if (f.index < 0) {
		free(strays);
		return -1;
	}
	if (!f.first)
		fprintf(stderr, "Warning -- `%s` not used as first option, previous options ignored\n",
			f.long_form ? "genhash" : "-T");
	prog = malloc(strlen(argv[0]) + sizeof(" --genhash"));
	gargv = calloc((size_t)argc + 2, sizeof(*gargv));
	if (f.rest)
		cluster = malloc(strlen(f.rest) + 2);
	if (!prog || !gargv || (f.rest && !cluster)) {
		fprintf(stderr, "genhash: out of memory\n");
		return EXIT_FAILURE;
	}
	sprintf(prog, "%s --genhash", argv[0]);
	gargv[gargc++] = prog;
	if (cluster) {
		sprintf(cluster, "-%s", f.rest);
		gargv[gargc++] = cluster;
	}
	for (i = f.index + 1; i < argc; i++)
		gargv[gargc++] = argv[i];
	for (i = 0; i < nstrays; i++)
		gargv[gargc++] = strays[i];
	rc = genhash_parse(&o, gargc, gargv, prog, false, stderr);
	if (!rc)
		rc = genhash_run(&o, stdout, stderr);
	free(cluster);
	free(strays);
	free(gargv);
	free(prog);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
