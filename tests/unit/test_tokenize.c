/*
 * test_tokenize.c - conf_tokenize(): words, quotes, escapes, glued braces;
 * conf_split() (the parser's tokenizer) gives the same words, with their
 * lengths and conf_word_hash(), on every line tested and on random ones;
 * the arena's word and argument-list interning those hashes feed.
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

/* conf_split() on line agrees with conf_tokenize(), word for word. */
static void split_agrees(const char *line, struct conf_words *w)
{
	struct conf_tokens t = { 0 };
	bool ut = false, uw = true;

	conf_tokenize(line, &t, &ut);
	conf_split(line, strlen(line), w, &uw);
	assert_int_equal(ut, uw);
	assert_int_equal(t.n, w->n);
	for (size_t i = 0; i < t.n; i++) {
		const struct conf_word *x = &w->w[i];
		bool brace = !t.tok[i].quoted && (!strcmp(t.tok[i].text, "{") || !strcmp(t.tok[i].text, "}"));

		assert_string_equal(x->text, t.tok[i].text);
		assert_int_equal(x->quoted, t.tok[i].quoted);
		assert_int_equal(x->brace, brace ? t.tok[i].text[0] : 0);
		assert_int_equal(x->len, strlen(t.tok[i].text));
		assert_int_equal(x->hash, conf_word_hash(x->text, x->len));
	}
	conf_tokens_free(&t);
}

static void check(const char *line, const char *expect, bool expect_unterminated)
{
	bool u = !expect_unterminated;
	struct conf_words w = { 0 };

	split_agrees(line, &w);
	conf_words_free(&w);

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

/* Lines of the bytes that matter to the tokenizer, and of any byte. */
static void test_split_random(void **state)
{
	static const char alphabet[] = "ab {}\"'\\ \t#$x";
	struct conf_words w = { 0 };
	char line[300];
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % (sizeof(line) - 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			line[i] = round % 2 ? alphabet[(seed >> 16) % (sizeof(alphabet) - 1)]
					    : (char)(1 + (seed >> 16) % 255);
		}
		line[n] = '\0';
		split_agrees(line, &w);
	}
	conf_words_free(&w);
	/* one hash for one text, whatever its length */
	assert_int_equal(conf_word_hash("0123456789abcdefg", 17), conf_word_hash("0123456789abcdefg", 17));
	assert_int_not_equal(conf_word_hash("12345678", 8), conf_word_hash("12345678\0", 9));
}

/* One copy per distinct word and per distinct list, across table growth. */
static void test_interning(void **state)
{
	struct conf_arena *a = arena_new();
	static const char *first[5000];
	char w[32];

	(void)state;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 5000; i++) {
			const char *p;
			size_t n = (size_t)snprintf(w, sizeof(w), "w%d", i);

			p = round ? arena_word(a, w) : arena_word_n(a, w, n, conf_word_hash(w, n));
			assert_string_equal(p, w);
			if (round == 0)
				first[i] = p;
			else
				assert_ptr_equal(p, first[i]);
		}
	}
	/* a prefix, and a word not NUL-terminated at len */
	assert_ptr_not_equal(arena_word(a, "w1"), arena_word(a, "w12"));
	assert_ptr_equal(arena_word_n(a, "w12xyz", 3, conf_word_hash("w12", 3)), arena_word(a, "w12"));
	assert_ptr_equal(arena_word(a, ""), arena_word_n(a, "", 0, conf_word_hash("", 0)));
	{
		char *l1[2] = { (char *)first[1], (char *)first[2] };
		char *l2[2] = { (char *)first[2], (char *)first[1] };
		char **x = arena_argv(a, l1, 2);

		for (int i = 0; i < 3000; i++) {
			char *one[1] = { (char *)first[i] };

			assert_ptr_equal(arena_argv(a, one, 1)[0], first[i]);
		}
		assert_ptr_equal(arena_argv(a, l1, 2), x);
		assert_ptr_not_equal(arena_argv(a, l2, 2), x);
		assert_ptr_not_equal(arena_argv(a, l1, 1), x);
		assert_null(x[2]);
		assert_null(arena_argv(a, l1, 0)[0]);
		assert_ptr_equal(arena_argv(a, l1, 0), arena_argv(a, l2, 0));
	}
	arena_free(a);
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
		cmocka_unit_test(test_split_random),
		cmocka_unit_test(test_interning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
