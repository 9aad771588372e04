/*
 * test_vrrp_track.c - the pure parts of VRRP tracking: what one tracked
 * object does to an instance (weights, reverse, files, faults), the clamp
 * of the effective priority, a vrrp_script's rise/fall counter, and the
 * process matcher of vrrp_track_process.  The expected values are those
 * observed on keepalived 2.2.7 (see vrrp_track_calc.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp_track_int.h"

static struct vrrp_track_effect eff(enum vrrp_track_kind k, int w, bool rev, bool up, long v)
{
	struct vrrp_track_status st = { .known = true, .up = up, .value = v };

	return vrrp_track_effect_of(k, w, rev, &st);
}

static void test_updown_weights(void **state)
{
	(void)state;
	/* weight 0: fault while down; reverse: while up */
	assert_true(eff(VRRP_TRACK_SCRIPT, 0, false, false, 0).fault);
	assert_false(eff(VRRP_TRACK_SCRIPT, 0, false, true, 0).fault);
	assert_true(eff(VRRP_TRACK_IF, 0, true, true, 0).fault);
	assert_false(eff(VRRP_TRACK_IF, 0, true, false, 0).fault);
	/* positive: added while up */
	assert_int_equal(eff(VRRP_TRACK_SCRIPT, 20, false, true, 0).delta, 20);
	assert_int_equal(eff(VRRP_TRACK_SCRIPT, 20, false, false, 0).delta, 0);
	/* negative: subtracted while down */
	assert_int_equal(eff(VRRP_TRACK_IF, -10, false, false, 0).delta, -10);
	assert_int_equal(eff(VRRP_TRACK_IF, -10, false, true, 0).delta, 0);
	/* reverse negates (2.2.7: weight 20 reverse up -> -20; -20 reverse down -> +20) */
	assert_int_equal(eff(VRRP_TRACK_IF, 20, true, true, 0).delta, -20);
	assert_int_equal(eff(VRRP_TRACK_IF, 20, true, false, 0).delta, 0);
	assert_int_equal(eff(VRRP_TRACK_IF, -20, true, false, 0).delta, 20);
	assert_int_equal(eff(VRRP_TRACK_PROC, 7, false, true, 0).delta, 7);
	assert_false(eff(VRRP_TRACK_PROC, 7, false, false, 0).fault);
}

static void test_files(void **state)
{
	(void)state;
	assert_int_equal(eff(VRRP_TRACK_FILE, 5, false, false, 3).delta, 15);
	assert_int_equal(eff(VRRP_TRACK_FILE, 2, true, false, 4).delta, -8);
	assert_int_equal(eff(VRRP_TRACK_FILE, 2, true, false, -3).delta, 6);
	assert_false(eff(VRRP_TRACK_FILE, 1, false, false, -253).fault);
	assert_true(eff(VRRP_TRACK_FILE, 1, false, false, -254).fault);
	assert_true(eff(VRRP_TRACK_FILE, 0, false, false, 7).fault);
	assert_false(eff(VRRP_TRACK_FILE, 0, false, false, 0).fault);
}

static void test_unknown_has_no_effect(void **state)
{
	struct vrrp_track_status st = { .known = false };
	struct vrrp_track_effect e = vrrp_track_effect_of(VRRP_TRACK_SCRIPT, 0, false, &st);

	(void)state;
	assert_false(e.fault);
	assert_int_equal(e.delta, 0);
}

static void test_clamp(void **state)
{
	(void)state;
	assert_int_equal(vrrp_track_effective(100, 70), 70);
	assert_int_equal(vrrp_track_effective(250, 270), 254);
	assert_int_equal(vrrp_track_effective(100, -20), 1);
	assert_int_equal(vrrp_track_effective(100, 0), 1);
	assert_int_equal(vrrp_track_effective(255, 100), 255);
}

static void test_rise_fall(void **state)
{
	bool ch;
	unsigned r;

	(void)state;
	/* the first result decides at once */
	r = vrrp_track_script_step(0, 2, 2, false, true, &ch);
	assert_true(ch);
	assert_int_equal(r, 0);
	r = vrrp_track_script_step(0, 3, 3, true, true, &ch);
	assert_true(ch);
	assert_int_equal(r, 5);                  /* rise + fall - 1, as 2.2.7's dump */
	/* good, fall 2: one failure is not enough, two are */
	r = vrrp_track_script_step(3, 2, 2, false, false, &ch);
	assert_false(ch);
	assert_int_equal(r, 2);
	r = vrrp_track_script_step(r, 2, 2, false, false, &ch);
	assert_true(ch);
	assert_int_equal(r, 0);
	/* bad, rise 2 */
	r = vrrp_track_script_step(0, 2, 2, true, false, &ch);
	assert_false(ch);
	r = vrrp_track_script_step(r, 2, 2, true, false, &ch);
	assert_true(ch);
	assert_int_equal(r, 3);
	/* a success in between restores the full count */
	r = vrrp_track_script_step(3, 2, 2, false, false, &ch);
	r = vrrp_track_script_step(r, 2, 2, true, false, &ch);
	assert_false(ch);
	assert_int_equal(r, 3);
	/* rise/fall 1 */
	r = vrrp_track_script_step(1, 1, 1, false, false, &ch);
	assert_true(ch);
	assert_int_equal(r, 0);
}

static struct vrrp_track_proc_cfg proc(const char *words, size_t len, unsigned nparams,
				       enum vrrp_param_match m, bool full)
{
	struct vrrp_track_proc_cfg c = { 0 };

	c.cmdline = (char *)(uintptr_t)words;
	c.cmdline_len = len;
	c.name = words;
	c.nparams = nparams;
	c.match = m;
	c.full_command = full;
	return c;
}

#define P(s) s, sizeof(s)   /* a literal with embedded NULs, its final NUL counted */

static void test_proc_match(void **state)
{
	struct vrrp_track_proc_cfg c;

	(void)state;
	c = proc(P("sleep"), 0, VRRP_PARAM_NONE, false);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "30")));
	assert_false(vrrp_track_proc_match(&c, "sleeper", P("sleeper")));
	assert_false(vrrp_track_proc_match(&c, "slee", P("slee")));
	/* comm is truncated to 15 bytes by the kernel */
	c = proc(P("a_very_long_process_name"), 0, VRRP_PARAM_NONE, false);
	assert_true(vrrp_track_proc_match(&c, "a_very_long_pro", P("x")));
	/* exact parameters */
	c = proc(P("sleep\0" "30"), 1, VRRP_PARAM_EXACT, false);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("/bin/sleep\0" "30")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "300")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "30\0" "x")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep")));
	/* param_match with no parameters: none allowed */
	c = proc(P("sleep"), 0, VRRP_PARAM_EXACT, false);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("sleep")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "1")));
	/* partial: the first ones */
	c = proc(P("sleep\0" "30"), 1, VRRP_PARAM_PARTIAL, false);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "30\0" "x")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "300")));
	/* initial: the last may be longer */
	c = proc(P("sleep\0" "30"), 1, VRRP_PARAM_INITIAL, false);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "300")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "300\0" "1")));
	/* full command: the first word too */
	c = proc(P("/bin/sleep\0" "30"), 1, VRRP_PARAM_EXACT, true);
	assert_true(vrrp_track_proc_match(&c, "sleep", P("/bin/sleep\0" "30")));
	assert_false(vrrp_track_proc_match(&c, "sleep", P("sleep\0" "30")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_updown_weights),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_unknown_has_no_effect),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_rise_fall),
		cmocka_unit_test(test_proc_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
