/*
 * test_check_misc.c - pure logic of UDP_CHECK, MISC_CHECK and FILE_CHECK
 * (src/check/check_udp.c, check_misc.c, check_file.c): HEX_STR decoding,
 * the reply match, exit statuses, track file values, dynamic weights,
 * and what their build hooks read from a configuration (seen through
 * the retry/warmup they set and their dump lines).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check_kind.h"
#include "check_misc.h"
#include "check_model.h"
#include "conf.h"

/* ---- HEX_STR ----------------------------------------------------------------- */

static void test_hex_manual_example(void **state)
{
	/* keepalived.conf(5): "Ab12f 3 456 546443123" */
	char *w[] = { "Ab12f", "3", "456", "546443123" };
	const uint8_t want[] = { 0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03 };
	uint8_t v[32];

	(void)state;
	assert_int_equal(ck_hex_decode(w, 4, false, v, NULL, sizeof(v)), sizeof(want));
	assert_memory_equal(v, want, sizeof(want));
}

static void test_hex_masks(void **state)
{
	char *w[] = { "4x", "x1", "X" };
	uint8_t v[8], m[8];

	(void)state;
	assert_int_equal(ck_hex_decode(w, 3, true, v, m, sizeof(v)), 3);
	assert_int_equal(v[0], 0x40);
	assert_int_equal(m[0], 0xF0);
	assert_int_equal(v[1], 0x01);
	assert_int_equal(m[1], 0x0F);
	assert_int_equal(m[2], 0xF0);     /* lone x: high nibble 0, low ignored */
	assert_int_equal(v[2], 0x00);
}

static void test_hex_errors(void **state)
{
	char *bad[] = { "4g" };
	char *masked[] = { "4x" };
	char *big[] = { "001122" };
	uint8_t v[2];

	(void)state;
	assert_int_equal(ck_hex_decode(bad, 1, false, v, NULL, sizeof(v)), -1);
	assert_int_equal(ck_hex_decode(masked, 1, false, v, NULL, sizeof(v)), -1);
	assert_int_equal(ck_hex_decode(big, 1, false, v, NULL, sizeof(v)), -1);
	assert_int_equal(ck_hex_decode(big, 0, false, v, NULL, sizeof(v)), 0);
}

/* ---- UDP reply -------------------------------------------------------------- */

static void test_udp_reply(void **state)
{
	const uint8_t data[] = { 0x41, 0x40, 0x43 }, mask[] = { 0xFF, 0xF0, 0xFF };
	struct ck_udp_expect e = { .data = data, .mask = mask, .len = 3, .min_len = 3,
				   .max_len = 4 };

	(void)state;
	assert_null(ck_udp_reply_check(&e, (const uint8_t *)"ABC", 3, 3));
	assert_null(ck_udp_reply_check(&e, (const uint8_t *)"AOCD", 4, 4));  /* 4x: 0x4F ok */
	assert_string_equal(ck_udp_reply_check(&e, (const uint8_t *)"AXC", 3, 3),
			    "reply data mismatch");
	assert_string_equal(ck_udp_reply_check(&e, (const uint8_t *)"ABCDE", 5, 5),
			    "reply length out of range");
	assert_string_equal(ck_udp_reply_check(&e, (const uint8_t *)"A", 1, 1),
			    "reply length out of range");
	/* compared up to the shorter of reply and pattern */
	e.min_len = 0;
	assert_null(ck_udp_reply_check(&e, (const uint8_t *)"A", 1, 1));
	assert_null(ck_udp_reply_check(&e, (const uint8_t *)"", 0, 0));
	/* a datagram longer than what was kept cannot be judged past it */
	e.max_len = 70000;
	assert_string_equal(ck_udp_reply_check(&e, (const uint8_t *)"AB", 2, 65000),
			    "reply truncated");
	/* require_reply without data: only the length counts */
	e.data = NULL;
	e.max_len = 2;
	assert_null(ck_udp_reply_check(&e, (const uint8_t *)"zz", 2, 2));
	assert_non_null(ck_udp_reply_check(&e, (const uint8_t *)"zzz", 3, 3));
}

/* ---- MISC exit status --------------------------------------------------------- */

static void test_misc_verdict(void **state)
{
	bool set;
	int w = -7;

	(void)state;
	assert_int_equal(ck_misc_verdict(0, true, &set, &w), CK_SUCCESS);
	assert_false(set);
	assert_int_equal(ck_misc_verdict(1, true, &set, &w), CK_ERROR);
	assert_false(set);
	assert_int_equal(ck_misc_verdict(3, false, &set, &w), CK_ERROR);
	assert_false(set);
	assert_int_equal(w, -7);
	assert_int_equal(ck_misc_verdict(2, true, &set, &w), CK_SUCCESS);
	assert_true(set);
	assert_int_equal(w, 0);
	assert_int_equal(ck_misc_verdict(255, true, &set, &w), CK_SUCCESS);
	assert_int_equal(w, 253);
}

/* ---- track files and weights -------------------------------------------------- */

static void test_file_value(void **state)
{
	(void)state;
	assert_int_equal(ck_file_value("5\n", 2), 5);
	assert_int_equal(ck_file_value("  -3 junk", 9), -3);
	assert_int_equal(ck_file_value("+12", 3), 12);
	assert_int_equal(ck_file_value("abc", 3), 0);
	assert_int_equal(ck_file_value("", 0), 0);
	assert_int_equal(ck_file_value("99999999999999999999", 20), INT32_MAX);
	assert_int_equal(ck_file_value("-99999999999999999999", 21), -(long long)INT32_MAX);
}

static void test_file_offset(void **state)
{
	bool fault;

	(void)state;
	assert_int_equal(ck_file_offset(5, 2, false, &fault), 10);
	assert_false(fault);
	assert_int_equal(ck_file_offset(2, 3, true, &fault), -6);
	assert_int_equal(ck_file_offset(3, 0, false, &fault), 0);
	assert_true(fault);
	assert_int_equal(ck_file_offset(0, 0, false, &fault), 0);
	assert_false(fault);
	ck_file_offset(0, 0, true, &fault);
	assert_true(fault);
	ck_file_offset(1, 0, true, &fault);
	assert_false(fault);
	assert_int_equal(ck_file_offset(INT32_MAX, 1000, false, &fault), INT32_MAX);
	assert_int_equal(ck_file_offset(INT32_MAX, -1000, false, &fault), -(int64_t)INT32_MAX);
}

static void test_dyn_weight(void **state)
{
	/* 2.2.7, observed: weight 1 with misc exits 3 and 4 -> 2; 10 with
	 * value 8 x -2 -> 0 (clamped) */
	const int64_t two[] = { 3 - 2 - 1, 4 - 2 - 1 };
	const int64_t neg[] = { -16 };
	const int64_t big[] = { INT32_MAX, INT32_MAX };

	(void)state;
	assert_int_equal(ck_dyn_weight(1, two, 2), 2);
	assert_int_equal(ck_dyn_weight(10, neg, 1), 0);
	assert_int_equal(ck_dyn_weight(10, big, 2), INT32_MAX);
	assert_int_equal(ck_dyn_weight(10, NULL, 0), 10);
}

/* ---- build hooks, through the model ------------------------------------------- */

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)src;
	(void)msg;
}

static const char conf_text[] =
	"track_file tf {\n  file /tmp/x/tf\n  weight 3 reverse\n}\n"
	"virtual_server 10.0.0.1 80 {\n"
	"  delay_loop 7\n  protocol TCP\n"
	"  real_server 10.9.0.1 80 {\n"
	"    weight 5\n"
	"    MISC_CHECK {\n      misc_path \"/bin/true a\"\n      misc_dynamic\n    }\n"
	"    MISC_CHECK {\n      misc_path /bin/false\n      misc_timeout 4\n      retry 2\n    }\n"
	"    FILE_CHECK {\n      track_file tf\n    }\n"
	"    FILE_CHECK {\n      track_file tf\n      weight -2\n    }\n"
	"    UDP_CHECK {\n      payload 0102 3\n      require_reply 41 4x\n"
	"      min_reply_length 1\n      max_reply_length 9\n    }\n"
	"    UDP_CHECK {\n    }\n"
	"    PING_CHECK {\n    }\n"
	"  }\n"
	"}\n";

static char *dump_of(const struct ck_check *c)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	buf[0] = '\0';
	if (c->kind->dump)
		c->kind->dump(f, c);
	fclose(f);
	return buf;
}

static void test_build(void **state)
{
	struct conf_load_opts o = { .diag = quiet, .config_id = "test" };
	struct conf *conf = conf_load_buffer("t.conf", conf_text, strlen(conf_text), &o);
	struct ck_model *m = check_model_build(conf);
	struct ck_check *c;

	(void)state;
	/* "no scheduler set" and the like are counted as errors, as in 2.2.7 */
	assert_non_null(m);
	assert_int_equal(m->vs[0].rs[0].n_checks, 7);
	c = m->vs[0].rs[0].checks;
	assert_string_equal(c[0].kind->keyword, "MISC_CHECK");
	assert_int_equal(c[0].retry, 0);                    /* MISC default */
	assert_non_null(strstr(dump_of(&c[0]), "timeout = 0, dynamic = yes"));
	assert_int_equal(c[1].retry, 2);
	assert_non_null(strstr(dump_of(&c[1]), "timeout = 4, dynamic = no"));
	assert_string_equal(c[2].kind->keyword, "FILE_CHECK");
	assert_int_equal(c[2].warmup_us, 0);
	assert_int_equal(c[2].retry, 0);
	assert_non_null(strstr(dump_of(&c[2]), "file = /tmp/x/tf, weight = 3 reverse"));
	assert_non_null(strstr(dump_of(&c[3]), "weight = -2,"));
	assert_string_equal(c[4].kind->keyword, "UDP_CHECK");
	assert_non_null(strstr(dump_of(&c[4]), "payload len = 3, require reply = yes, "
			       "min reply length = 1, max reply length = 9, reply data len = 2, "
			       "reply data mask = yes"));
	assert_non_null(strstr(dump_of(&c[5]), "payload specified = no, require reply = no"));
	assert_int_equal(c[5].retry, 1);
	assert_string_equal(c[6].kind->keyword, "PING_CHECK");
	check_model_free(m);
	conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_manual_example),
		cmocka_unit_test(test_hex_masks),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_udp_reply),
		cmocka_unit_test(test_misc_verdict),
		cmocka_unit_test(test_file_value),
		cmocka_unit_test(test_file_offset),
		cmocka_unit_test(test_dyn_weight),
		cmocka_unit_test(test_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
