/*
 * test_check_http_url.c - unit tests of check_http_url.c: status code
 * sets, digests, regex options and the verdict on a response, and a url
 * {} block read from a real configuration.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check_http_url.h"
#include "conf.h"

static void test_codes(void **state)
{
	uint64_t codes[CK_HTTP_CODE_WORDS] = { 0 };

	(void)state;
	assert_true(ck_http_codes_add(codes, "200-299"));
	assert_true(ck_http_codes_add(codes, "404"));
	assert_true(ck_http_code_in(codes, 200));
	assert_true(ck_http_code_in(codes, 299));
	assert_true(ck_http_code_in(codes, 404));
	assert_false(ck_http_code_in(codes, 300));
	assert_false(ck_http_code_in(codes, 0));
	assert_false(ck_http_code_in(codes, -1));
	assert_false(ck_http_code_in(codes, 100000));
	assert_false(ck_http_codes_add(codes, "abc"));
	assert_false(ck_http_codes_add(codes, "300-200"));
	assert_false(ck_http_codes_add(codes, "200-"));
	assert_false(ck_http_codes_add(codes, "700"));
	assert_false(ck_http_codes_add(codes, "2x0"));
}

static void test_digest(void **state)
{
	uint8_t d[16];

	(void)state;
	assert_true(ck_http_digest_parse("764efa883dda1e11db47671c4a3bbd9e", d));
	assert_int_equal(d[0], 0x76);
	assert_int_equal(d[15], 0x9e);
	assert_true(ck_http_digest_parse("764EFA883DDA1E11DB47671C4A3BBD9E", d));
	assert_false(ck_http_digest_parse("764efa883dda1e11db47671c4a3bbd9", d));
	assert_false(ck_http_digest_parse("764efa883dda1e11db47671c4a3bbd9g", d));
	assert_false(ck_http_digest_parse(" 64efa883dda1e11db47671c4a3bbd9e", d));
}

static void test_verdict_status_digest(void **state)
{
	struct ck_http_url u;
	uint8_t good[16], bad[16] = { 0 };

	(void)state;
	memset(&u, 0, sizeof(u));
	ck_http_codes_add(u.codes, "200-299");
	assert_int_equal(ck_http_url_verdict(&u, 200, bad, NULL, 0), CK_HTTP_OK);
	assert_int_equal(ck_http_url_verdict(&u, 404, bad, NULL, 0), CK_HTTP_FAIL_STATUS);
	assert_int_equal(ck_http_url_verdict(&u, 0, bad, NULL, 0), CK_HTTP_FAIL_STATUS);
	ck_http_digest_parse("764efa883dda1e11db47671c4a3bbd9e", good);
	memcpy(u.digest, good, 16);
	u.has_digest = true;
	assert_int_equal(ck_http_url_verdict(&u, 200, good, NULL, 0), CK_HTTP_OK);
	assert_int_equal(ck_http_url_verdict(&u, 200, bad, NULL, 0), CK_HTTP_FAIL_DIGEST);
	/* the status is judged first */
	assert_int_equal(ck_http_url_verdict(&u, 500, bad, NULL, 0), CK_HTTP_FAIL_STATUS);
}

#ifdef HAVE_PCRE2
static void test_verdict_regex(void **state)
{
	struct ck_http_url u;
	const uint8_t body[] = "<html>Server OK, version 2</html>";
	uint8_t d[16] = { 0 };
	char err[200];

	(void)state;
	memset(&u, 0, sizeof(u));
	ck_http_codes_add(u.codes, "200");
	u.regex = strdup("ok, version [0-9]");
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1),
			 CK_HTTP_FAIL_REGEX);
	ck_http_url_free(&u);

	memset(&u, 0, sizeof(u));
	ck_http_codes_add(u.codes, "200");
	u.regex = strdup("ok, version [0-9]");
	u.regex_opts = ck_http_regex_option("caseless");
	assert_int_not_equal(u.regex_opts, 0);
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1), CK_HTTP_OK);
	u.regex_no_match = true;
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1),
			 CK_HTTP_FAIL_REGEX);
	u.regex_no_match = false;
	u.regex_min_offset = 20;     /* the match starts at 13 */
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1),
			 CK_HTTP_FAIL_REGEX);
	u.regex_min_offset = 0;
	u.regex_max_offset = 5;
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1),
			 CK_HTTP_FAIL_REGEX);
	u.regex_max_offset = 13;
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, sizeof(body) - 1), CK_HTTP_OK);
	assert_int_equal(ck_http_url_verdict(&u, 200, d, NULL, 0), CK_HTTP_FAIL_REGEX);
	ck_http_url_free(&u);

	memset(&u, 0, sizeof(u));
	ck_http_codes_add(u.codes, "200");
	u.regex = strdup("([unclosed");
	assert_false(ck_http_regex_compile(&u, err, sizeof(err)));
	assert_non_null(strstr(err, "([unclosed"));
	assert_int_equal(ck_http_url_verdict(&u, 200, d, body, 3), CK_HTTP_FAIL_REGEX_ERROR);
	ck_http_url_free(&u);
	assert_int_equal(ck_http_regex_option("bogus"), 0);
}
#endif

static const char conf_text[] =
	"virtual_server 10.0.0.1 80 {\n"
	"  protocol TCP\n  lvs_sched rr\n  lvs_method NAT\n"
	"  real_server 10.0.0.2 80 {\n"
	"    HTTP_GET {\n"
	"      url {\n"
	"        path /a\n"
	"        status_code 200 301-302 404\n"
	"        digest 764efa883dda1e11db47671c4a3bbd9e\n"
	"        virtualhost www.example.org\n"
	"        regex \"x+y\"\n"
	"        regex_no_match\n"
	"        regex_options caseless multiline\n"
	"        regex_min_offset 3\n"
	"        regex_max_offset 9\n"
	"      }\n"
	"      url {\n"
	"        path /b\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n";

static const struct conf_node *child(const struct conf_node *n, const char *name)
{
	const struct conf_node *c = conf_find(n, name);

	assert_non_null(c);
	return c;
}

static void test_build(void **state)
{
	struct conf_load_opts opts = { 0 };
	struct conf *conf = conf_load_buffer("t.conf", conf_text, sizeof(conf_text) - 1, &opts);
	const struct conf_node *chk, *url;
	struct ck_http_url u;

	(void)state;
	assert_int_equal(conf->errors, 0);
	chk = child(child(child(conf->root, "virtual_server"), "real_server"), "HTTP_GET");
	url = child(chk, "url");
	assert_true(ck_http_url_build(&u, url));
	assert_string_equal(u.path, "/a");
	assert_string_equal(u.vhost, "www.example.org");
	assert_true(u.has_digest);
	assert_string_equal(u.digest_hex, "764efa883dda1e11db47671c4a3bbd9e");
	assert_string_equal(u.codes_text, "200 301-302 404");
	assert_true(ck_http_code_in(u.codes, 301));
	assert_false(ck_http_code_in(u.codes, 250));
	assert_string_equal(u.regex, "x+y");
	assert_true(u.regex_no_match);
	assert_int_equal(u.regex_min_offset, 3);
	assert_int_equal(u.regex_max_offset, 9);
#ifdef HAVE_PCRE2
	assert_int_equal(u.regex_opts, ck_http_regex_option("caseless") |
			 ck_http_regex_option("multiline"));
#endif
	ck_http_url_free(&u);
	assert_true(ck_http_url_build(&u, conf_next_same(url)));
	assert_string_equal(u.path, "/b");
	assert_null(u.vhost);
	assert_false(u.has_digest);
	assert_null(u.regex);
	assert_string_equal(u.codes_text, "200-299");
	assert_true(ck_http_code_in(u.codes, 250));
	ck_http_url_free(&u);
	conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_verdict_status_digest),
#ifdef HAVE_PCRE2
		cmocka_unit_test(test_verdict_regex),
#endif
		cmocka_unit_test(test_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
