/*
 * test_script_split.c - script command-line splitting (src/lib/script_split.c)
 * and -g log file names (src/core/logname.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "childloop.h"
#include "script.h"

/* Split `line` and compare with the expected NULL-terminated words. */
static void expect_split(const char *line, ...)
{
	const char *err = NULL, *w;
	char **argv = script_split(line, &err);
	va_list ap;
	int i = 0;

	assert_non_null(argv);
	va_start(ap, line);
	while ((w = va_arg(ap, const char *)) != NULL) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], w);
		i++;
	}
	va_end(ap);
	assert_null(argv[i]);
	free(argv);
}

static void test_plain(void **state)
{
	(void)state;
	expect_split("/bin/true", "/bin/true", NULL);
	expect_split("/bin/echo a b  c", "/bin/echo", "a", "b", "c", NULL);
	expect_split("  lead\ttab trail  ", "lead", "tab", "trail", NULL);
}

static void test_quotes(void **state)
{
	(void)state;
	expect_split("/x.sh 'a b' c", "/x.sh", "a b", "c", NULL);
	expect_split("a'b c'd", "ab cd", NULL);
	expect_split("x '' y", "x", "", "y", NULL);
	expect_split("say 'it''s'", "say", "its", NULL);
	expect_split("keep \"double\" quotes", "keep", "\"double\"", "quotes", NULL);
}

static void test_errors(void **state)
{
	const char *err = NULL;

	(void)state;
	assert_null(script_split("echo 'open", &err));
	assert_string_equal(err, "unterminated single quote");
	assert_null(script_split("   ", &err));
	assert_string_equal(err, "empty command");
	assert_null(script_split("", &err));
}

static void check_name(const char *file, const char *suffix, const char *want)
{
	char *got = child_log_file_name(file, suffix);

	assert_string_equal(got, want);
	free(got);
}

static void test_log_names(void **state)
{
	(void)state;
	check_name("/var/log/ka.log", "_vrrp", "/var/log/ka_vrrp.log");
	check_name("/var/log/ka", "_vrrp", "/var/log/ka_vrrp");
	check_name("/var/log.d/ka", "_healthcheckers", "/var/log.d/ka_healthcheckers");
	check_name("/tmp/.hidden", "_vrrp", "/tmp/.hidden_vrrp");
	check_name("a.b.c", "_x", "a.b_x.c");
	assert_null(child_log_file_name(NULL, "_vrrp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_log_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
