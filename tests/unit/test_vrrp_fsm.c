/*
 * test_vrrp_fsm.c - the VRRP state machine on a simulated segment.
 *
 * A fake clock and a tiny event loop: each simulated router is one FSM
 * whose timers are absolute deadlines; adverts go through a queue and are
 * delivered to every other live router at the same instant.  Tests assert
 * on states, on when transitions happen (to the microsecond) and on what
 * was sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp_fsm.h"

#define MAX_ROUTERS 3
#define MAX_QUEUE 64
#define SEC 1000000ULL

struct router {
	struct vrrp_fsm fsm;
	struct vrrp_fsm_config cfg;
	uint64_t t_adver, t_down;        /* absolute deadlines, 0 = not armed */
	bool alive;
	unsigned sent, sent_prio0, lower_seen;
	uint64_t became_master_at;
	enum vrrp_state log[32];
	unsigned nlog;
};

struct msg {
	int from;
	uint8_t priority;
};

static struct router routers[MAX_ROUTERS];
static int nrouters;
static uint64_t now;
static struct msg queue[MAX_QUEUE];
static unsigned nqueue;

static void op_send(void *arg, uint8_t prio)
{
	struct router *r = arg;

	r->sent++;
	if (prio == 0)
		r->sent_prio0++;
	if (nqueue < MAX_QUEUE)
		queue[nqueue++] = (struct msg){ (int)(r - routers), prio };
}

static void op_arm_adver(void *arg, uint64_t us)
{
	((struct router *)arg)->t_adver = now + us;
}

static void op_arm_down(void *arg, uint64_t us)
{
	((struct router *)arg)->t_down = now + us;
}

static void op_cancel(void *arg)
{
	struct router *r = arg;

	r->t_adver = r->t_down = 0;
}

static void op_change(void *arg, enum vrrp_state from, enum vrrp_state to)
{
	struct router *r = arg;

	(void)from;
	if (r->nlog < 32)
		r->log[r->nlog++] = to;
	if (to == VRRP_STATE_MASTER)
		r->became_master_at = now;
}

static void op_lower(void *arg)
{
	((struct router *)arg)->lower_seen++;
}

static const struct vrrp_fsm_ops ops = {
	.send_advert = op_send,
	.arm_adver_timer = op_arm_adver,
	.arm_master_down_timer = op_arm_down,
	.cancel_timers = op_cancel,
	.change_state = op_change,
	.lower_prio_seen = op_lower,
};

static struct router *add_router(uint8_t prio, uint8_t last_octet, uint8_t version,
				 uint64_t adver_us)
{
	struct router *r = &routers[nrouters++];

	memset(r, 0, sizeof(*r));
	r->cfg.version = version;
	r->cfg.adver_int_us = adver_us;
	r->cfg.down_timer_adverts = 3;
	r->cfg.addr_len = 4;
	memcpy(r->cfg.local_addr, (uint8_t[]){ 10, 0, 0, last_octet }, 4);
	r->alive = true;
	vrrp_fsm_init(&r->fsm, &r->cfg, &ops, r, prio);
	return r;
}

static void deliver(void)
{
	while (nqueue) {
		struct msg m = queue[0];
		struct router *from = &routers[m.from];

		memmove(queue, queue + 1, --nqueue * sizeof(queue[0]));
		for (int i = 0; i < nrouters; i++) {
			struct vrrp_rx_advert adv = {
				.priority = m.priority, .interval_us = from->cfg.adver_int_us,
				.src = from->cfg.local_addr, .src_len = 4,
			};

			if (i != m.from && routers[i].alive)
				vrrp_fsm_advert(&routers[i].fsm, &adv);
		}
	}
}

static uint64_t next_deadline(void)
{
	uint64_t t = UINT64_MAX;

	for (int i = 0; i < nrouters; i++) {
		struct router *r = &routers[i];

		if (r->alive && r->t_adver && r->t_adver < t)
			t = r->t_adver;
		if (r->alive && r->t_down && r->t_down < t)
			t = r->t_down;
	}
	return t;
}

/* Advance the fake clock to `until`.  Timers due at the same instant all
 * fire before any advert is delivered, as on a real wire. */
static void run_until(uint64_t until)
{
	for (;;) {
		uint64_t t;

		deliver();
		t = next_deadline();
		if (t == UINT64_MAX || t > until)
			break;
		now = t;
		for (int i = 0; i < nrouters; i++) {
			struct router *r = &routers[i];

			if (!r->alive)
				continue;
			if (r->t_adver == t) {
				r->t_adver = 0;
				vrrp_fsm_adver_timer(&r->fsm);
			}
			if (r->t_down == t) {
				r->t_down = 0;
				vrrp_fsm_master_down_timer(&r->fsm);
			}
		}
	}
	now = until;
}

static void kill_router(struct router *r)
{
	r->alive = false;
	r->t_adver = r->t_down = 0;
}

static int setup(void **state)
{
	(void)state;
	nrouters = 0;
	nqueue = 0;
	now = 1000;
	return 0;
}

static void test_timer_arithmetic(void **state)
{
	struct router *v3 = add_router(100, 1, 3, SEC);
	struct router *v2 = add_router(200, 2, 2, 3 * SEC);

	(void)state;
	/* v3: skew = (256 - 100) * 1 s / 256 */
	assert_int_equal(vrrp_skew_time_us(&v3->fsm), 609375);
	assert_int_equal(vrrp_master_down_interval_us(&v3->fsm), 3 * SEC + 609375);
	/* v2: skew = (256 - 200) / 256 s, independent of the interval */
	assert_int_equal(vrrp_skew_time_us(&v2->fsm), 218750);
	assert_int_equal(vrrp_master_down_interval_us(&v2->fsm), 9 * SEC + 218750);
	v3->cfg.down_timer_adverts = 5;
	assert_int_equal(vrrp_master_down_interval_us(&v3->fsm), 5 * SEC + 609375);
}

static void test_single_router_becomes_master_after_down_interval(void **state)
{
	struct router *r = add_router(100, 1, 3, SEC);
	uint64_t t0 = now;

	(void)state;
	vrrp_fsm_start(&r->fsm);
	assert_int_equal(r->fsm.state, VRRP_STATE_BACKUP);
	run_until(t0 + 3 * SEC + 609374);
	assert_int_equal(r->fsm.state, VRRP_STATE_BACKUP);
	run_until(t0 + 3 * SEC + 609375);
	assert_int_equal(r->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(r->became_master_at, t0 + 3 * SEC + 609375);
	run_until(t0 + 10 * SEC);
	assert_true(r->sent >= 7);
}

static void test_higher_priority_wins_and_backup_stays(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);

	(void)state;
	vrrp_fsm_start(&a->fsm);
	vrrp_fsm_start(&b->fsm);
	run_until(now + 60 * SEC);
	assert_int_equal(a->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(b->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(b->nlog, 1);                /* never left BACKUP */
}

static void test_crash_failover_timing(void **state)
{
	struct router *a = add_router(200, 1, 3, 100000);
	struct router *b = add_router(100, 2, 3, 100000);
	uint64_t last_advert;

	(void)state;
	vrrp_fsm_start(&a->fsm);
	vrrp_fsm_start(&b->fsm);
	run_until(now + 5 * SEC);
	assert_int_equal(a->fsm.state, VRRP_STATE_MASTER);
	last_advert = a->t_adver - 100000;           /* when a last sent */
	kill_router(a);
	run_until(now + 5 * SEC);
	assert_int_equal(b->fsm.state, VRRP_STATE_MASTER);
	/* master down = 3 * 0.1 s + (256 - 100) * 0.1 s / 256 after the last advert */
	assert_int_equal(b->became_master_at - last_advert, 300000 + 60937);
}

static void test_graceful_stop_takeover_after_skew(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);
	uint64_t stopped;

	(void)state;
	vrrp_fsm_start(&a->fsm);
	vrrp_fsm_start(&b->fsm);
	run_until(now + 10 * SEC);
	stopped = now;
	vrrp_fsm_stop(&a->fsm);
	assert_int_equal(a->fsm.state, VRRP_STATE_STOP);
	assert_int_equal(a->sent_prio0, 1);
	deliver();
	kill_router(a);
	run_until(now + 5 * SEC);
	assert_int_equal(b->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(b->became_master_at - stopped, 609375);   /* skew time only */
}

static void test_preempt_back(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);

	(void)state;
	vrrp_fsm_start(&b->fsm);
	run_until(now + 10 * SEC);
	assert_int_equal(b->fsm.state, VRRP_STATE_MASTER);
	vrrp_fsm_start(&a->fsm);
	run_until(now + 10 * SEC);
	assert_int_equal(a->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(b->fsm.state, VRRP_STATE_BACKUP);
	assert_true(b->lower_seen == 0);
}

static void test_nopreempt_keeps_lower_master(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);

	(void)state;
	a->cfg.nopreempt = true;
	vrrp_fsm_start(&b->fsm);
	run_until(now + 10 * SEC);
	vrrp_fsm_start(&a->fsm);
	run_until(now + 60 * SEC);
	assert_int_equal(a->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(b->fsm.state, VRRP_STATE_MASTER);
}

static void test_preempt_delay(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);
	uint64_t t0;

	(void)state;
	a->cfg.preempt_delay_us = 2 * SEC;
	vrrp_fsm_start(&b->fsm);
	run_until(now + 10 * SEC);
	t0 = now;
	vrrp_fsm_start(&a->fsm);
	/* at start: master down (3 s + skew 0.21875 s) + 2 s of preempt delay */
	run_until(t0 + 5 * SEC + 218749);
	assert_int_equal(a->fsm.state, VRRP_STATE_BACKUP);
	run_until(t0 + 5 * SEC + 218750);
	assert_int_equal(a->fsm.state, VRRP_STATE_MASTER);
}

static void test_equal_priority_tie_break(void **state)
{
	struct router *lo = add_router(150, 1, 3, SEC);
	struct router *hi = add_router(150, 9, 3, SEC);

	(void)state;
	/* started together, both time out at once: the higher address wins */
	vrrp_fsm_start(&lo->fsm);
	vrrp_fsm_start(&hi->fsm);
	run_until(now + 10 * SEC);
	assert_int_equal(hi->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(lo->fsm.state, VRRP_STATE_BACKUP);
}

static void test_equal_priority_does_not_preempt(void **state)
{
	struct router *lo = add_router(150, 1, 3, SEC);
	struct router *hi = add_router(150, 9, 3, SEC);

	(void)state;
	/* RFC 5798 6.4.2: a backup accepts an equal-priority master */
	vrrp_fsm_start(&lo->fsm);
	run_until(now + 10 * SEC);
	vrrp_fsm_start(&hi->fsm);
	run_until(now + 10 * SEC);
	assert_int_equal(lo->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(hi->fsm.state, VRRP_STATE_BACKUP);
}

static void test_owner_with_state_master_is_immediate(void **state)
{
	struct router *owner = add_router(255, 1, 3, SEC);
	struct router *plain = add_router(255, 2, 3, SEC);

	(void)state;
	owner->cfg.want_master = true;
	vrrp_fsm_start(&owner->fsm);
	assert_int_equal(owner->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(owner->sent, 1);
	kill_router(owner);
	vrrp_fsm_start(&plain->fsm);                 /* 255 without state MASTER waits */
	assert_int_equal(plain->fsm.state, VRRP_STATE_BACKUP);
}

static void test_lower_prio_advert_answered_unless_configured(void **state)
{
	struct router *m = add_router(200, 1, 3, SEC);
	struct router *b = add_router(100, 2, 3, SEC);
	struct vrrp_rx_advert low = { .priority = 50, .interval_us = SEC,
				      .src = b->cfg.local_addr, .src_len = 4 };
	unsigned sent;

	(void)state;
	vrrp_fsm_start(&m->fsm);
	run_until(now + 5 * SEC);
	sent = m->sent;
	vrrp_fsm_advert(&m->fsm, &low);
	assert_int_equal(m->sent, sent + 1);
	assert_int_equal(m->lower_seen, 1);
	m->cfg.lower_prio_no_advert = true;
	vrrp_fsm_advert(&m->fsm, &low);
	assert_int_equal(m->sent, sent + 1);
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
}

static void test_higher_prio_send_advert(void **state)
{
	struct router *m = add_router(100, 1, 3, SEC);
	struct router *h = add_router(200, 2, 3, SEC);
	struct vrrp_rx_advert high = { .priority = 200, .interval_us = SEC,
				       .src = h->cfg.local_addr, .src_len = 4 };
	unsigned sent;

	(void)state;
	m->cfg.higher_prio_send_advert = true;
	vrrp_fsm_start(&m->fsm);
	run_until(now + 5 * SEC);
	sent = m->sent;
	vrrp_fsm_advert(&m->fsm, &high);
	assert_int_equal(m->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(m->sent, sent + 1);
	assert_int_equal(m->sent_prio0, 0);
}

static void test_v3_backup_learns_master_interval(void **state)
{
	struct router *m = add_router(200, 1, 3, 50000);
	struct router *b = add_router(100, 2, 3, SEC);
	uint64_t last;

	(void)state;
	vrrp_fsm_start(&m->fsm);
	vrrp_fsm_start(&b->fsm);
	run_until(now + 5 * SEC);
	assert_int_equal(b->fsm.master_adver_int_us, 50000);
	last = m->t_adver - 50000;
	kill_router(m);
	run_until(now + 5 * SEC);
	assert_int_equal(b->became_master_at - last, 150000 + (156 * 50000) / 256);
}

static void test_fault_and_recovery(void **state)
{
	struct router *m = add_router(200, 1, 3, SEC);
	unsigned prio0;

	(void)state;
	vrrp_fsm_start(&m->fsm);
	run_until(now + 5 * SEC);
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
	prio0 = m->sent_prio0;
	vrrp_fsm_fault(&m->fsm, true);
	assert_int_equal(m->fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(m->sent_prio0, prio0 + 1);
	assert_int_equal(m->t_adver, 0);
	run_until(now + 10 * SEC);
	assert_int_equal(m->fsm.state, VRRP_STATE_FAULT);
	vrrp_fsm_fault(&m->fsm, false);
	assert_int_equal(m->fsm.state, VRRP_STATE_BACKUP);
	run_until(now + 5 * SEC);
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
}

static void test_start_while_faulted(void **state)
{
	struct router *r = add_router(100, 1, 3, SEC);

	(void)state;
	vrrp_fsm_fault(&r->fsm, true);
	vrrp_fsm_start(&r->fsm);
	assert_int_equal(r->fsm.state, VRRP_STATE_FAULT);
	assert_int_equal(r->t_down, 0);
	assert_string_equal(vrrp_state_name(r->fsm.state), "FAULT");
}

static void test_priority_drop_lets_backup_preempt(void **state)
{
	struct router *a = add_router(200, 1, 3, SEC);
	struct router *b = add_router(150, 2, 3, SEC);

	(void)state;
	vrrp_fsm_start(&a->fsm);
	vrrp_fsm_start(&b->fsm);
	run_until(now + 10 * SEC);
	vrrp_fsm_set_priority(&a->fsm, 100);         /* a tracked script failed: -100 */
	run_until(now + 10 * SEC);
	assert_int_equal(b->fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(a->fsm.state, VRRP_STATE_BACKUP);
}

/* Sync groups: a MASTER told to yield becomes BACKUP without a priority 0
 * advert and with the master-down timer running; yield means nothing to a
 * BACKUP. */
static void test_yield(void **state)
{
	struct router *m = add_router(200, 1, 3, SEC);
	unsigned prio0;

	(void)state;
	vrrp_fsm_start(&m->fsm);
	run_until(now + 5 * SEC);
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
	prio0 = m->sent_prio0;
	vrrp_fsm_yield(&m->fsm);
	assert_int_equal(m->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(m->sent_prio0, prio0);
	assert_int_equal(m->t_adver, 0);
	assert_int_equal(m->t_down, now + vrrp_master_down_interval_us(&m->fsm));
	vrrp_fsm_yield(&m->fsm);
	assert_int_equal(m->fsm.state, VRRP_STATE_BACKUP);
	run_until(now + 5 * SEC);                 /* alone: master again */
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
}

/* A VIP removed behind a MASTER's back: BACKUP, priority 0 advert, master
 * again after the skew time when alone. */
static void test_addr_lost(void **state)
{
	struct router *m = add_router(200, 1, 3, SEC);
	unsigned prio0;

	(void)state;
	vrrp_fsm_start(&m->fsm);
	run_until(now + 5 * SEC);
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
	prio0 = m->sent_prio0;
	vrrp_fsm_addr_lost(&m->fsm);
	assert_int_equal(m->fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(m->sent_prio0, prio0 + 1);
	assert_int_equal(m->t_down, now + vrrp_skew_time_us(&m->fsm));
	run_until(now + vrrp_skew_time_us(&m->fsm));
	assert_int_equal(m->fsm.state, VRRP_STATE_MASTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_timer_arithmetic, setup),
		cmocka_unit_test_setup(test_single_router_becomes_master_after_down_interval, setup),
		cmocka_unit_test_setup(test_higher_priority_wins_and_backup_stays, setup),
		cmocka_unit_test_setup(test_crash_failover_timing, setup),
		cmocka_unit_test_setup(test_graceful_stop_takeover_after_skew, setup),
		cmocka_unit_test_setup(test_preempt_back, setup),
		cmocka_unit_test_setup(test_nopreempt_keeps_lower_master, setup),
		cmocka_unit_test_setup(test_preempt_delay, setup),
		cmocka_unit_test_setup(test_equal_priority_tie_break, setup),
		cmocka_unit_test_setup(test_equal_priority_does_not_preempt, setup),
		cmocka_unit_test_setup(test_owner_with_state_master_is_immediate, setup),
		cmocka_unit_test_setup(test_lower_prio_advert_answered_unless_configured, setup),
		cmocka_unit_test_setup(test_higher_prio_send_advert, setup),
		cmocka_unit_test_setup(test_v3_backup_learns_master_interval, setup),
		cmocka_unit_test_setup(test_fault_and_recovery, setup),
		cmocka_unit_test_setup(test_start_while_faulted, setup),
		cmocka_unit_test_setup(test_priority_drop_lets_backup_preempt, setup),
		cmocka_unit_test_setup(test_yield, setup),
		cmocka_unit_test_setup(test_addr_lost, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
