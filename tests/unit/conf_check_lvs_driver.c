/*
 * conf_check_lvs_driver.c - load one configuration file the way `-t` does
 * (whole-tree checks, host checks on) and report like it, without the
 * daemon: diagnostics "FILE:LINE: message" on stdout, then exit 0 (clean),
 * 6 (scripts without script security) or 5 (configuration errors).
 * Used by tests/conf/lvs/run.sh for the LVS golden tests.
 *
 *   conf_check_lvs_driver FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"

static void print_diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	if (src && src->file)
		printf("%s:%u: %s\n", src->file, src->line, msg);
	else
		printf("%s\n", msg);
}

int main(int argc, char **argv)
{
	struct conf_load_opts opts = {
		.check_system = true,
		.diag = print_diag,
	};
	struct conf *conf;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	opts.path = argv[1];
	conf = conf_load(&opts);
	if (conf->security_violation)
		rc = 6;
	else if (conf->errors)
		rc = 5;
	conf_free(conf);
	return rc;
}
