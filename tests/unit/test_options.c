/*
 * test_options.c - the command line parser (src/core/options.c).
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "options.h"

/* Parse a NULL-terminated word list; complaints land in errbuf. */
static char errbuf[1024];

static int parse(struct ka_options *o, ...)
{
	char *argv[64];
	int argc = 0, rc;
	va_list ap;
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	const char *w;

	memset(errbuf, 0, sizeof(errbuf));
	argv[argc++] = (char *)"keepalived";
	va_start(ap, o);
	while ((w = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	ka_options_init(o);
	rc = ka_options_parse(o, argc, argv, err);
	fclose(err);
	return rc;
}

static void test_defaults(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, NULL), 0);
	assert_null(o.conf_file);
	assert_int_equal(o.umask_val, -1);
	assert_false(o.dont_fork);
	assert_false(o.config_test);
}

static void test_short_flags(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "-PCBlDGXVIRndTaxme", "-v", "-h", NULL), 0);
	assert_true(o.vrrp_only && o.check_only && o.no_bfd && o.log_console);
	assert_true(o.log_detail && o.no_syslog && o.release_vips && o.dont_release_vrrp);
	assert_true(o.dont_release_ipvs && o.dont_respawn && o.dont_fork && o.dump_conf);
	assert_true(o.genhash && o.address_monitoring && o.snmp && o.core_dump);
	assert_true(o.all_config && o.version && o.help);
}

static void test_arguments(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "-f", "/x.conf", "-p", "/p", "-r", "/r", "-c", "/c",
			       "-b", "/b", "-A", "/sock", "-s", "ns1", "-i", "id1",
			       "-g", "/log", "-u", "027", NULL), 0);
	assert_string_equal(o.conf_file, "/x.conf");
	assert_string_equal(o.pid_file, "/p");
	assert_string_equal(o.vrrp_pid_file, "/r");
	assert_string_equal(o.checkers_pid_file, "/c");
	assert_string_equal(o.bfd_pid_file, "/b");
	assert_string_equal(o.snmp_socket, "/sock");
	assert_string_equal(o.namespace_name, "ns1");
	assert_string_equal(o.config_id, "id1");
	assert_string_equal(o.log_file, "/log");
	assert_int_equal(o.umask_val, 027);
}

static void test_long_options(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "--use-file=/k.conf", "--vrrp", "--check", "--no_bfd",
			       "--all", "--log-console", "--log-detail", "--log-facility=local3",
			       "--log-file=/l", "--flush-log-file", "--no-syslog",
			       "--dont-respawn", "--dont-fork", "--dump-conf", "--pid=/p",
			       "--vrrp_pid=/r", "--checkers_pid=/c", "--all-config",
			       "--config-id=x", "--no-mem-check", "--perf", "--debug=DvEcv", NULL), 0);
	assert_string_equal(o.conf_file, "/k.conf");
	assert_true(o.vrrp_only && o.check_only && o.no_bfd && o.all_children);
	assert_int_equal(o.log_facility, LOG_LOCAL3);
	assert_true(o.flush_log_file && o.no_syslog && o.dont_respawn && o.dont_fork);
	assert_string_equal(o.pid_file, "/p");
	assert_string_equal(o.config_id, "x");
	assert_true(o.no_mem_check);
	assert_string_equal(o.perf, "run");
	assert_string_equal(o.debug, "DvEcv");
}

static void test_optional_arguments(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "-t", NULL), 0);
	assert_true(o.config_test);
	assert_null(o.config_test_log);
	assert_int_equal(parse(&o, "-t/tmp/log", NULL), 0);
	assert_string_equal(o.config_test_log, "/tmp/log");
	assert_int_equal(parse(&o, "--config-test=/tmp/l2", NULL), 0);
	assert_string_equal(o.config_test_log, "/tmp/l2");
	assert_int_equal(parse(&o, "-M", NULL), 0);
	assert_true(o.core_dump);
	assert_string_equal(o.core_pattern, "core");
	assert_int_equal(parse(&o, "--core-dump-pattern=/c.%p", NULL), 0);
	assert_string_equal(o.core_pattern, "/c.%p");
	assert_int_equal(parse(&o, "--signum=JSON", NULL), 0);
	assert_string_equal(o.signum, "JSON");
}

static void test_errors(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "--bogus", NULL), -1);
	assert_string_equal(errbuf, "Unknown option --bogus\n");
	assert_int_equal(parse(&o, "-Z", NULL), -1);
	assert_string_equal(errbuf, "Unknown option -Z\n");
	assert_int_equal(parse(&o, "-f", NULL), -1);
	assert_string_equal(errbuf, "Missing parameter for option -f\n");
	assert_int_equal(parse(&o, "--signum", NULL), -1);
	assert_string_equal(errbuf, "Missing parameter for option --signum\n");
}

static void test_warnings_only(void **state)
{
	struct ka_options o;

	(void)state;
	assert_int_equal(parse(&o, "-S", "foo", NULL), 0);
	assert_string_equal(errbuf, "Invalid log facility 'foo'\n");
	assert_int_equal(o.log_facility, 0);
	assert_int_equal(parse(&o, "-u", "zz", NULL), 0);
	assert_string_equal(errbuf, "Invalid --umask option zz\n");
	assert_int_equal(o.umask_val, -1);
	assert_int_equal(parse(&o, "-n", "extra", NULL), 0);
	assert_string_equal(errbuf, "Unexpected argument(s): extra\n");
	assert_int_equal(parse(&o, "-S", "7", NULL), 0);
	assert_int_equal(o.log_facility, LOG_LOCAL7);
	assert_int_equal(parse(&o, "-S", "user", NULL), 0);
	assert_int_equal(o.log_facility, LOG_USER);
}

static void test_sigfunc(void **state)
{
	(void)state;
	assert_int_equal(ka_sigfunc_number("RELOAD"), 1);
	assert_int_equal(ka_sigfunc_number("STOP"), 15);
	assert_int_equal(ka_sigfunc_number("DATA"), 10);
	assert_int_equal(ka_sigfunc_number("STATS"), 12);
	assert_int_equal(ka_sigfunc_number("STATS_CLEAR"), 63);
	assert_int_equal(ka_sigfunc_number("JSON"), 36);
	assert_int_equal(ka_sigfunc_number("TDATA"), -1);
	assert_int_equal(ka_sigfunc_number("stop"), -1);
}

static void test_unbuilt(void **state)
{
	struct ka_options o;
	char buf[2048] = "";
	FILE *f;

	(void)state;
	assert_int_equal(parse(&o, "-x", "-s", "ns", NULL), 0);
	f = fmemopen(buf, sizeof(buf), "w");
	ka_options_report_unbuilt(&o, f);
	fclose(f);
	assert_non_null(strstr(buf, "-x/--snmp: SNMP support is not built"));
	assert_non_null(strstr(buf, "-s/--namespace"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_short_flags),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_optional_arguments),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_warnings_only),
		cmocka_unit_test(test_sigfunc),
		cmocka_unit_test(test_unbuilt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
