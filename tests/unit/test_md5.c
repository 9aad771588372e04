/*
 * test_md5.c - the lazily loaded MD5: RFC 1321's test suite, context reuse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "md5.h"

static void hex(const uint8_t d[KA_MD5_LEN], char out[2 * KA_MD5_LEN + 1])
{
	for (int i = 0; i < KA_MD5_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_rfc1321_vectors(void **state)
{
	static const struct { const char *in, *md5; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	struct ka_md5 *ctx = ka_md5_new();
	uint8_t d[KA_MD5_LEN];
	char h[2 * KA_MD5_LEN + 1];

	(void)state;
	assert_non_null(ctx);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(ka_md5_init(ctx));
		/* fed in two pieces: the split must not matter */
		assert_true(ka_md5_update(ctx, v[i].in, strlen(v[i].in) / 2));
		assert_true(ka_md5_update(ctx, v[i].in + strlen(v[i].in) / 2,
					  strlen(v[i].in) - strlen(v[i].in) / 2));
		assert_true(ka_md5_final(ctx, d));
		hex(d, h);
		assert_string_equal(h, v[i].md5);
	}
	ka_md5_free(ctx);
	assert_string_equal(ka_md5_error(), "no error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1321_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
