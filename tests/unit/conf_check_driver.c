/*
 * conf_check_driver.c - load one configuration the way `keepalived -t`
 * does (whole-tree checks with host checks), without the daemon: prints
 * each diagnostic as "FILE:LINE: message" on stdout and exits 0 (clean),
 * 6 (scripts would run without script security), 5 (configuration errors).
 * Used by the golden tests (tests/conf/run_golden.sh).
 *
 *   conf_check_driver [-n] FILE      -n: no host checks (check_system off)
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"

static void print_diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	if (src && src->file)
		printf("%s:%u: %s\n", conf_file_name(src->file), src->line, msg);
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
	int rc = 0, i = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		opts.check_system = false;
		i++;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: %s [-n] FILE\n", argv[0]);
		return 2;
	}
	opts.path = argv[i];
	conf = conf_load(&opts);
	if (conf->security_violation)
		rc = 6;
	else if (conf->errors)
		rc = 5;
	conf_free(conf);
	return rc;
}
