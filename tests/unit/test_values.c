/*
 * test_values.c - word parsers: <BOOL>, integers, <TIMER>, addresses, escapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"

static void test_bool(void **state)
{
	const char *yes[] = { "on", "true", "yes", "YES", "True" };
	const char *no[] = { "off", "false", "no", "OFF" };
	bool b;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_true(conf_parse_bool(yes[i], &b));
		assert_true(b);
	}
	for (size_t i = 0; i < 4; i++) {
		assert_true(conf_parse_bool(no[i], &b));
		assert_false(b);
	}
	assert_false(conf_parse_bool("1", &b));
	assert_false(conf_parse_bool("", &b));
	assert_false(conf_parse_bool("maybe", &b));
}

static void test_int(void **state)
{
	int64_t v;

	(void)state;
	assert_true(conf_parse_int("255", 1, 255, &v));
	assert_int_equal(v, 255);
	assert_true(conf_parse_int("-5", -10, 10, &v));
	assert_int_equal(v, -5);
	assert_false(conf_parse_int("256", 1, 255, &v));
	assert_false(conf_parse_int("0", 1, 255, &v));
	assert_false(conf_parse_int("12a", 0, 100, &v));
	assert_false(conf_parse_int("", 0, 100, &v));
	assert_false(conf_parse_int(" 1", 0, 100, &v));
	assert_false(conf_parse_int("99999999999999999999999", 0, INT64_MAX, &v));
}

static void test_timer(void **state)
{
	uint64_t us;

	(void)state;
	assert_true(conf_parse_timer("3", &us));
	assert_int_equal(us, 3000000);
	assert_true(conf_parse_timer("2.71828", &us));
	assert_int_equal(us, 2718280);
	assert_true(conf_parse_timer("0.000001", &us));
	assert_int_equal(us, 1);
	assert_true(conf_parse_timer(".5", &us));
	assert_int_equal(us, 500000);
	assert_true(conf_parse_timer("1.0000009", &us));   /* beyond microseconds: truncated */
	assert_int_equal(us, 1000000);
	assert_false(conf_parse_timer("-1", &us));
	assert_false(conf_parse_timer("1s", &us));
	assert_false(conf_parse_timer(".", &us));
	assert_false(conf_parse_timer("", &us));
	assert_false(conf_parse_timer("99999999999999999999", &us));
}

static void test_addr(void **state)
{
	struct conf_addr a;

	(void)state;
	assert_true(conf_parse_addr("192.168.1.1", false, &a));
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.plen, 32);
	assert_false(a.has_plen);
	assert_true(conf_parse_addr("10.0.0.0/8", true, &a));
	assert_int_equal(a.plen, 8);
	assert_true(a.has_plen);
	assert_false(conf_parse_addr("10.0.0.0/8", false, &a));
	assert_false(conf_parse_addr("10.0.0.0/33", true, &a));
	assert_false(conf_parse_addr("10.0.0.0/", true, &a));
	assert_false(conf_parse_addr("10.0.0.0/-1", true, &a));
	assert_true(conf_parse_addr("fe80::1/64", true, &a));
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.plen, 64);
	assert_false(conf_parse_addr("fe80::1/129", true, &a));
	assert_false(conf_parse_addr("192.168.100.", true, &a));
	assert_false(conf_parse_addr("", true, &a));
}

static void test_unescape(void **state)
{
	struct { const char *in, *out; } cases[] = {
		{ "a\\tb", "a\tb" }, { "\\n", "\n" }, { "\\x41\\x4a", "AJ" },
		{ "\\101", "A" }, { "\\cA", "\x01" }, { "\\\\", "\\" }, { "\\\"", "\"" },
		{ "\\q", "q" }, { "end\\", "end\\" }, { "\\E", "\033" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = conf_unescape(cases[i].in);

		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
