/*
 * test_ipvs_async.c - the helper thread of src/check/ipvs_async.c: every
 * queued edit gets its answer, refusals come back in queue order with
 * their tags and a reason, the queue grows past its first allocation
 * while the thread drains it, and finish leaves nothing behind (ASan).
 *
 * This host's kernel has no IPVS, so the thread's socket cannot resolve
 * the family and every edit is refused with that reason; on a kernel with
 * IPVS the services below (TEST-NET addresses) do not exist and every
 * edit is refused with the kernel's ESRCH.  Either way: all refused.  The
 * accepted case is proven in the VM (tests/system/test_vm_reload.py).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ipvs_async.h"

#define N_EDITS 40                      /* more than the first queue (16) */

struct seen {
	size_t n;
	const void *tags[N_EDITS];
	bool reasons;
};

static void on_refused(void *arg, const void *tag, const char *why)
{
	struct seen *s = arg;

	assert_true(s->n < N_EDITS);
	s->tags[s->n++] = tag;
	s->reasons = s->reasons && why && why[0];
}

static void service(struct ipvs_service *svc, unsigned i)
{
	memset(svc, 0, sizeof(*svc));
	svc->af = AF_INET;
	svc->protocol = IPPROTO_TCP;
	svc->addr.family = AF_INET;
	svc->addr.u.v4.s_addr = htonl(0xc0000200u + (i & 0xff));      /* 192.0.2.i */
	svc->port = (uint16_t)(1000 + i);
	strcpy(svc->sched, i % 2 ? "wrr" : "rr");
}

static void test_every_edit_answered_in_order(void **state)
{
	static const char tags[N_EDITS];
	struct ipvs_async *a = NULL;
	struct seen s = { .reasons = true };
	struct ipvs_service svc;

	(void)state;
	for (unsigned i = 0; i < N_EDITS; i++) {
		service(&svc, i);
		assert_int_equal(ipvs_async_edit(&a, &svc, &tags[i]), 0);
		assert_non_null(a);
	}
	assert_int_equal(ipvs_async_finish(&a, on_refused, &s), N_EDITS);
	assert_null(a);
	assert_int_equal(s.n, N_EDITS);
	for (unsigned i = 0; i < N_EDITS; i++)
		assert_ptr_equal(s.tags[i], &tags[i]);
	assert_true(s.reasons);
}

/* Nothing queued: nothing started, nothing to wait for. */
static void test_finish_without_edits(void **state)
{
	struct ipvs_async *a = NULL;

	(void)state;
	assert_int_equal(ipvs_async_finish(&a, on_refused, NULL), 0);
	assert_null(a);
}

/* A second reload starts a new thread after the first was finished. */
static void test_two_rounds(void **state)
{
	struct ipvs_async *a = NULL;
	struct ipvs_service svc;
	struct seen s = { .reasons = true };

	(void)state;
	for (int round = 0; round < 2; round++) {
		service(&svc, (unsigned)round);
		assert_int_equal(ipvs_async_edit(&a, &svc, &s), 0);
		assert_int_equal(ipvs_async_finish(&a, NULL, NULL), 1);
		assert_null(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_edit_answered_in_order),
		cmocka_unit_test(test_finish_without_edits),
		cmocka_unit_test(test_two_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
