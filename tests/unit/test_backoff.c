/*
 * test_backoff.c - the respawn back-off policy (src/core/backoff.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

#define S 1000000ULL

static void test_crash_loop_doubles_to_cap(void **state)
{
	const uint64_t want[] = { 0, 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	uint64_t st = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(respawn_delay(&st, 100000), want[i] * S);
}

static void test_stable_run_resets(void **state)
{
	uint64_t st = 0;

	(void)state;
	assert_int_equal(respawn_delay(&st, 0), 0);
	assert_int_equal(respawn_delay(&st, 0), 1 * S);
	assert_int_equal(respawn_delay(&st, 0), 2 * S);
	assert_int_equal(respawn_delay(&st, RESPAWN_STABLE_USEC), 0);   /* ran long enough */
	assert_int_equal(respawn_delay(&st, 5 * S), 1 * S);
	assert_int_equal(respawn_delay(&st, RESPAWN_STABLE_USEC - 1), 2 * S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_loop_doubles_to_cap),
		cmocka_unit_test(test_stable_run_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
