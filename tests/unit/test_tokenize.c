/*
 * test_tokenize.c - conf_tokenize(): words, quotes, escapes, glued braces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf_internal.h"

/* Tokenize and render as "word|word|..." with quoted words as <word>. */
static char *render(const char *line, bool *unterminated)
{
	static char out[4096];
	struct conf_tokens t = { 0 };
	size_t i, len = 0;

	conf_tokenize(line, &t, unterminated);
	out[0] = '\0';
	for (i = 0; i < t.n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s%s%s", i ? "|" : "",
					t.tok[i].quoted ? "<" : "", t.tok[i].text,
					t.tok[i].quoted ? ">" : "");
	conf_tokens_free(&t);
	return out;
}

static void check(const char *line, const char *expect, bool expect_unterminated)
{
	bool u = !expect_unterminated;

	assert_string_equal(render(line, &u), expect);
	assert_int_equal(u, expect_unterminated);
}

static void test_words(void **state)
{
	(void)state;
	check("", "", false);
	check("   \t ", "", false);
	check("a", "a", false);
	check("  router_id   main_1\t x  ", "router_id|main_1|x", false);
	check("a\rb\vc\fd", "a|b|c|d", false);
}

static void test_quotes(void **state)
{
	(void)state;
	/* the man page's two examples */
	check("abcd\" efg h jkl \"mnop", "<abcd efg h jkl mnop>", false);
	check("abcd \"efg h jkl\" mnop", "abcd|<efg h jkl>|mnop", false);
	check("'single  quoted' x", "<single  quoted>|x", false);
	check("\"it's\"", "<it's>", false);
	check("'say \"hi\"'", "<say \"hi\">", false);
	check("\"\"", "<>", false);
	check("a \"\" b", "a|<>|b", false);
	check("\"a\"'b'c", "<abc>", false);
}

static void test_escapes(void **state)
{
	(void)state;
	check("a\\ b", "a\\ b", false);
	check("\"a\\\"b\" c", "<a\\\"b>|c", false);
	check("x\\\"y", "x\\\"y", false);
	check("\\n\\t", "\\n\\t", false);
	check("end\\", "end\\", false);
	check("\"q\\\\\" z", "<q\\\\>|z", false);
	check("\\{a\\}", "\\{a\\}", false);
}

static void test_braces(void **state)
{
	(void)state;
	check("global_defs{", "global_defs|{", false);
	check("a{b}c", "a|{|b|}|c", false);
	check("}}{", "}|}|{", false);
	check("vrrp_instance VI_1 {", "vrrp_instance|VI_1|{", false);
	check("\"{\" '}'", "<{>|<}>", false);
	check("\"a{b}\"", "<a{b}>", false);
	check("x\"{\"y", "<x{y>", false);
}

static void test_unterminated(void **state)
{
	(void)state;
	check("a \"b c", "a|<b c>", true);
	check("'open { }", "<open { }>", true);
	check("a\\\"b\"c d\"", "<a\\\"bc d>", false);
	check("\"x\\\"", "<x\\\">", true);
	/* NULL is allowed for the flag */
	{
		struct conf_tokens t = { 0 };

		conf_tokenize("\"x", &t, NULL);
		assert_int_equal(t.n, 1);
		conf_tokens_free(&t);
	}
}

static void test_clear_keeps_capacity(void **state)
{
	struct conf_tokens t = { 0 };
	bool u;
	size_t cap;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		conf_tokenize("a b c d e f g h i j k l m n o p q r s t", &t, &u);
	}
	assert_int_equal(t.n, 2000);
	cap = t.cap;
	conf_tokens_clear(&t);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.cap, cap);
	conf_tokenize("x {", &t, &u);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.tok[1].text, "{");
	assert_false(t.tok[1].quoted);
	conf_tokens_free(&t);
	assert_null(t.tok);
	conf_tokens_free(&t);
}

static void test_arbitrary_bytes(void **state)
{
	char line[512];
	struct conf_tokens t = { 0 };
	bool u;
	unsigned i, seed = 1;
	int round;

	(void)state;
	for (round = 0; round < 2000; round++) {
		for (i = 0; i < sizeof(line) - 1; i++) {
			seed = seed * 1103515245u + 12345u;
			line[i] = (char)(1 + (seed >> 16) % 255);
		}
		line[(seed >> 8) % sizeof(line)] = '\0';
		line[sizeof(line) - 1] = '\0';
		conf_tokenize(line, &t, &u);
		conf_tokens_clear(&t);
	}
	conf_tokens_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_braces),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_clear_keeps_capacity),
		cmocka_unit_test(test_arbitrary_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
