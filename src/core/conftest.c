/*
 * conftest.c - -t/--config-test: check the configuration and exit.
 *
 * Exit statuses follow what 2.2.7 does (not what its man page says):
 *   0  the configuration is clean, or the main file is missing without -e
 *   4  a configuration file is missing and -e was given
 *   6  scripts would run without script security, or an include failed its
 *      checks (include_check, includer/m/w/b/a, -e) (checked before errors)
 *   5  configuration errors
 * With -d the canonical configuration is printed on stdout afterwards.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core.h"

#define EXIT_MISSING 4
#define EXIT_ERRORS 5
#define EXIT_SECURITY 6

int ka_config_test(const struct ka_options *o)
{
	FILE *out = stderr;
	struct conf *conf;
	unsigned ndiag = 0;
	int rc = 0;

	if (o->config_test_log) {
		out = fopen(o->config_test_log, "ae");
		if (!out) {
			fprintf(stderr, "keepalived: cannot open %s: %s\n", o->config_test_log,
				strerror(errno));
			out = stderr;
		}
	}
	conf = ka_load_config(o, out, &ndiag);
	if (conf->missing_file && ndiag == 0)
		fprintf(out, "Config files missing '%s'.\n", ka_config_path(o));
	if (conf->security_violation)
		fprintf(out, "SECURITY VIOLATION - scripts are being executed but script_security "
			"not enabled. There are insecure scripts.\n");
	if (conf->missing_file && o->all_config)
		rc = EXIT_MISSING;
	else if (conf->security_violation || conf->include_failed)
		rc = EXIT_SECURITY;
	else if (conf->errors)
		rc = EXIT_ERRORS;
	if (o->dump_conf)
		conf_print(conf, stdout);
	fflush(stdout);
	conf_free(conf);
	if (out != stderr)
		fclose(out);
	return rc;
}
