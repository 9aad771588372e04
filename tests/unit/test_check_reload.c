/*
 * test_check_reload.c - reload by difference (src/check/check_reload.c)
 * without a kernel: the IPVS layer runs dry with a trace hook
 * (ck_ipvs_set_trace) that records every kernel operation it would make,
 * so each test asserts exactly which operations a reload sends: none for
 * an unchanged configuration, one edit for a changed scheduler, and so on;
 * and that run-time state (verdicts, retries, kernel weights, quorum,
 * timers) crosses over.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "check_fifo.h"
#include "check_ipvs.h"
#include "check_model.h"
#include "check_reload.h"
#include "check_result.h"
#include "check_sched.h"
#include "conf.h"
#include "log.h"

/* ---- recorded kernel operations ----------------------------------------- */

static char ops[4096][96];
static size_t n_ops;

static void rec(const char *op, const char *svc, const char *dest)
{
	if (n_ops < sizeof(ops) / sizeof(ops[0]))
		snprintf(ops[n_ops++], sizeof(ops[0]), "%s %s%s%s", op, svc, *dest ? " " : "", dest);
}

static size_t count_ops(const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < n_ops; i++)
		n += !strncmp(ops[i], prefix, strlen(prefix));
	return n;
}

static bool has_op(const char *line)
{
	for (size_t i = 0; i < n_ops; i++)
		if (!strcmp(ops[i], line))
			return true;
	return false;
}

static void print_ops(void)
{
	for (size_t i = 0; i < n_ops; i++)
		fprintf(stderr, "  op: %s\n", ops[i]);
}

/* ---- running a model ----------------------------------------------------- */

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)src;
	(void)msg;
}

struct run {
	struct conf *conf;
	struct ck_model *m;
	uint64_t *sig;
};

static struct event_base *base;
static double apply_secs;       /* CPU time of the last ck_reload_apply() */

static struct run start(const char *text)
{
	struct conf_load_opts o = { .diag = quiet, .config_id = "test" };
	struct run r;

	r.conf = conf_load_buffer("t.conf", text, strlen(text), &o);
	r.m = check_model_build(r.conf);
	assert_non_null(r.m);
	r.sig = ck_reload_signatures(r.m, r.conf);
	assert_non_null(r.sig);
	ck_result_init(r.m);
	ck_ipvs_start(r.m, base);
	assert_int_equal(ck_sched_start_all(r.m, base), 0);
	return r;
}

static bool early_send(const struct ck_vs *vs, const struct ipvs_service *svc);

/* Reload `cur` into `text`; the kernel operations are in ops[].  With
 * `early`, the new model is built through the early hook (edits sent
 * ahead, check_reload.h) and *early gets the number of edits sent. */
static void reload_with(struct run *cur, const char *text, struct ck_reload_stats *st,
			size_t *early)
{
	struct conf_load_opts o = { .diag = quiet, .config_id = "test" };
	struct ck_reload_early *e = early ? ck_reload_early_begin(cur->m, early_send) : NULL;
	struct run nw;
	clock_t t0;

	assert_true(!early || e);
	n_ops = 0;
	nw.conf = conf_load_buffer("t.conf", text, strlen(text), &o);
	nw.m = check_model_build_each(nw.conf, e ? ck_reload_early_vs : NULL, e);
	if (early)
		*early = ck_reload_early_end(e);
	assert_non_null(nw.m);
	nw.sig = ck_reload_signatures(nw.m, nw.conf);
	t0 = clock();
	assert_int_equal(ck_reload_apply(cur->m, cur->sig, nw.m, nw.sig, base, st), 0);
	apply_secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	check_model_free(cur->m);
	free(cur->sig);
	conf_free(cur->conf);     /* nothing may point into the old tree now */
	*cur = nw;
}

static void reload(struct run *cur, const char *text, struct ck_reload_stats *st)
{
	reload_with(cur, text, st, NULL);
}

static void stop(struct run *r)
{
	ck_sched_stop_all(r->m);
	check_model_free(r->m);
	free(r->sig);
	conf_free(r->conf);
}

static int setup(void **state)
{
	struct log_opts lo = { .ident = "test", .no_syslog = true };

	(void)state;
	log_init(&lo);
	base = event_base_new();
	ck_ipvs_set_trace(rec);
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	event_base_free(base);
	return 0;
}

static struct ck_rs *find_rs(struct ck_model *m, const char *vs, const char *rs)
{
	for (size_t i = 0; i < m->n_vs; i++)
		for (size_t j = 0; strcmp(m->vs[i].label, vs) == 0 && j < m->vs[i].n_rs; j++)
			if (!strcmp(m->vs[i].rs[j].label, rs))
				return &m->vs[i].rs[j];
	fail_msg("no %s in %s", rs, vs);
	return NULL;
}

/* ---- configurations ------------------------------------------------------- */

#define VS1(sched, w3) \
	"virtual_server 10.0.0.1 80 {\n" \
	"  delay_loop 10\n" \
	"  lvs_sched " sched "\n" \
	"  protocol TCP\n" \
	"  real_server 10.9.0.2 80 {\n" \
	"    weight 2\n" \
	"    TCP_CHECK {\n" \
	"      connect_timeout 1\n" \
	"    }\n" \
	"  }\n" \
	"  real_server 10.9.0.3 80 {\n" \
	"    weight " w3 "\n" \
	"    TCP_CHECK {\n" \
	"      connect_timeout 1\n" \
	"    }\n" \
	"  }\n" \
	"}\n"

#define VS2 \
	"virtual_server 10.0.0.2 443 {\n" \
	"  protocol TCP\n" \
	"  quorum 2\n" \
	"  sorry_server 10.9.0.9 443\n" \
	"  real_server 10.9.0.4 443 {\n" \
	"    weight 2\n" \
	"  }\n" \
	"}\n"

#define GROUP(range) \
	"virtual_server_group G1 {\n" \
	"  " range " 8080\n" \
	"}\n" \
	"virtual_server group G1 {\n" \
	"  protocol TCP\n" \
	"  real_server 10.9.0.7 8080 {\n" \
	"    weight 4\n" \
	"  }\n" \
	"}\n"

static const char base_conf[] = VS1("rr", "1") VS2 GROUP("10.0.1.1-2");

/* ---- tests ---------------------------------------------------------------- */

static void test_unchanged_touches_nothing(void **state)
{
	struct run r;
	struct ck_reload_stats st;
	struct ck_rs *rs;

	(void)state;
	n_ops = 0;
	r = start(base_conf);
	assert_int_equal(count_ops("svc-add"), 4);
	assert_int_equal(count_ops("dest-add"), 5);
	/* a checker that failed and one retrying: their state must survive */
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.3]:tcp:80");
	ck_result(&rs->checks[0], CK_REFUSED);
	assert_false(rs->alive);
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.2]:tcp:80");
	ck_result(&rs->checks[0], CK_SUCCESS);
	ck_result(&rs->checks[0], CK_TIMEOUT);
	assert_int_equal(rs->checks[0].retries_done, 1);

	reload(&r, base_conf, &st);
	if (n_ops)
		print_ops();
	assert_int_equal(n_ops, 0);
	assert_int_equal(st.vs_kept, 3);
	assert_int_equal(st.svc_kept, 4);
	assert_int_equal(st.rs_kept, 4);
	assert_int_equal(st.ck_kept, 2);
	assert_int_equal(st.ck_added + st.ck_removed + st.vs_added + st.vs_removed, 0);
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.3]:tcp:80");
	assert_false(rs->alive);
	assert_false(rs->set);
	assert_false(rs->checks[0].up);
	assert_true(rs->checks[0].has_run);
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.2]:tcp:80");
	assert_true(rs->alive);
	assert_true(rs->set);
	assert_int_equal(rs->set_weight, 2);
	assert_int_equal(rs->checks[0].retries_done, 1);
	assert_non_null(rs->checks[0].timer);
	assert_true(r.m->vs[1].quorum_ok);
	stop(&r);
}

/* The new check's timer fires when the old one would have. */
static void test_timer_carried(void **state)
{
	struct run r;
	struct timeval due, now;
	struct ck_rs *rs;

	(void)state;
	r = start(base_conf);
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.2]:tcp:80");
	due.tv_sec = 7;
	due.tv_usec = 0;
	evtimer_add(rs->checks[0].timer, &due);
	reload(&r, base_conf, NULL);
	rs = find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.2]:tcp:80");
	assert_true(event_pending(rs->checks[0].timer, EV_TIMEOUT, &due));
	evutil_gettimeofday(&now, NULL);
	timersub(&due, &now, &due);
	assert_true(due.tv_sec >= 6 && due.tv_sec <= 7);
	stop(&r);
}

static void test_scheduler_and_weight_edited(void **state)
{
	struct run r;
	struct ck_reload_stats st;

	(void)state;
	r = start(base_conf);
	reload(&r, VS1("wrr", "5") VS2 GROUP("10.0.1.1-2"), &st);
	print_ops();
	assert_int_equal(n_ops, 2);
	assert_true(has_op("svc-edit TCP/10.0.0.1/80"));
	assert_true(has_op("dest-edit TCP/10.0.0.1/80 10.9.0.3/80/5"));
	assert_int_equal(st.svc_edited, 1);
	stop(&r);
}

/* ---- edits sent ahead (check_reload.h, "Service edits ahead") ----------- */

static bool send_ok = true;

static bool early_send(const struct ck_vs *vs, const struct ipvs_service *svc)
{
	if (!send_ok)
		return false;
	if (n_ops < sizeof(ops) / sizeof(ops[0]))
		snprintf(ops[n_ops++], sizeof(ops[0]), "early-edit %.48s %.15s", vs->label,
			 svc->sched);
	return true;
}

static size_t reload_early(struct run *cur, const char *text, struct ck_reload_stats *st)
{
	size_t sent;

	reload_with(cur, text, st, &sent);
	return sent;
}

/* A changed scheduler goes ahead, once; the difference then finds the
 * service unchanged (no second edit) and does the rest as before. */
static void test_scheduler_edit_sent_ahead(void **state)
{
	struct run r;
	struct ck_reload_stats st;

	(void)state;
	r = start(base_conf);
	assert_int_equal(reload_early(&r, VS1("wrr", "5") VS2 GROUP("10.0.1.1-3"), &st), 1);
	print_ops();
	assert_string_equal(ops[0], "early-edit [10.0.0.1]:tcp:80 wrr");
	assert_int_equal(count_ops("early-edit"), 1);
	assert_int_equal(count_ops("svc-edit"), 0);
	assert_true(has_op("dest-edit TCP/10.0.0.1/80 10.9.0.3/80/5"));
	assert_true(has_op("svc-add TCP/10.0.1.3/8080"));
	assert_int_equal(st.svc_edited, 0);     /* the caller counts the early ones */
	/* the same file again: nothing left to send */
	assert_int_equal(reload_early(&r, VS1("wrr", "5") VS2 GROUP("10.0.1.1-3"), &st), 0);
	assert_int_equal(n_ops, 0);
	stop(&r);
}

/* An edit that could not go ahead (no thread, dry run) is sent by the
 * difference, as without the hook. */
static void test_scheduler_edit_not_sent_ahead(void **state)
{
	struct run r;
	struct ck_reload_stats st;

	(void)state;
	r = start(base_conf);
	send_ok = false;
	assert_int_equal(reload_early(&r, VS1("wrr", "1") VS2 GROUP("10.0.1.1-2"), &st), 0);
	send_ok = true;
	print_ops();
	assert_int_equal(n_ops, 1);
	assert_true(has_op("svc-edit TCP/10.0.0.1/80"));
	assert_int_equal(st.svc_edited, 1);
	stop(&r);
}

static void test_servers_added_and_removed(void **state)
{
	static const char conf2[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  delay_loop 10\n"
		"  lvs_sched rr\n"
		"  protocol TCP\n"
		"  real_server 10.9.0.2 80 {\n"
		"    weight 2\n"
		"    TCP_CHECK {\n"
		"      connect_timeout 1\n"
		"    }\n"
		"  }\n"
		"  real_server 10.9.0.5 80 {\n"
		"    weight 3\n"
		"    TCP_CHECK {\n"
		"      connect_timeout 1\n"
		"    }\n"
		"  }\n"
		"}\n"
		"virtual_server 10.0.0.4 80 {\n"
		"  protocol TCP\n"
		"  real_server 10.9.0.4 80 {\n"
		"  }\n"
		"}\n"
		GROUP("10.0.1.1-2");
	struct run r;
	struct ck_reload_stats st;

	(void)state;
	r = start(base_conf);
	reload(&r, conf2, &st);
	print_ops();
	assert_true(has_op("dest-del TCP/10.0.0.1/80 10.9.0.3/80/1"));
	assert_true(has_op("svc-del TCP/10.0.0.2/443"));
	assert_true(has_op("dest-add TCP/10.0.0.1/80 10.9.0.5/80/3"));
	assert_true(has_op("svc-add TCP/10.0.0.4/80"));
	assert_true(has_op("dest-add TCP/10.0.0.4/80 10.9.0.4/80/1"));
	assert_int_equal(n_ops, 5);
	/* deletions first */
	assert_int_equal(strncmp(ops[0], "dest-del", 8) | strncmp(ops[1], "svc-del", 7), 0);
	assert_int_equal(st.vs_removed, 1);
	assert_int_equal(st.vs_added, 1);
	assert_int_equal(st.rs_removed, 1);
	assert_int_equal(st.ck_kept, 1);
	assert_int_equal(st.ck_added, 1);
	assert_int_equal(st.ck_removed, 0);
	assert_non_null(find_rs(r.m, "[10.0.0.1]:tcp:80", "[10.9.0.5]:tcp:80")->checks[0].timer);
	stop(&r);
}

/* A group that grows gets the new service with the destinations the
 * others have; one that shrinks loses a service, nothing else. */
static void test_group_changes(void **state)
{
	struct run r;

	(void)state;
	r = start(base_conf);
	reload(&r, VS1("rr", "1") VS2 GROUP("10.0.1.1-3"), NULL);
	print_ops();
	assert_int_equal(n_ops, 2);
	assert_true(has_op("svc-add TCP/10.0.1.3/8080"));
	assert_true(has_op("dest-add TCP/10.0.1.3/8080 10.9.0.7/8080/4"));
	reload(&r, VS1("rr", "1") VS2 GROUP("10.0.1.2-3"), NULL);
	print_ops();
	assert_int_equal(n_ops, 1);
	assert_true(has_op("svc-del TCP/10.0.1.1/8080"));
	stop(&r);
}

/* A check whose own options change is a new check (fresh verdict); one
 * whose shared timing changes keeps its verdict. */
static void test_check_identity(void **state)
{
	static const char a[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  protocol TCP\n"
		"  real_server 10.9.0.2 80 {\n"
		"    TCP_CHECK {\n"
		"      connect_timeout 1\n"
		"    }\n"
		"  }\n"
		"}\n";
	static const char b[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  protocol TCP\n"
		"  real_server 10.9.0.2 80 {\n"
		"    TCP_CHECK {\n"
		"      connect_timeout 3\n"
		"      delay_loop 4\n"
		"    }\n"
		"  }\n"
		"}\n";
	static const char c[] =
		"virtual_server 10.0.0.1 80 {\n"
		"  protocol TCP\n"
		"  real_server 10.9.0.2 80 {\n"
		"    TCP_CHECK {\n"
		"      connect_port 81\n"
		"    }\n"
		"  }\n"
		"}\n";
	struct run r;
	struct ck_reload_stats st;
	struct ck_rs *rs;

	(void)state;
	r = start(a);
	rs = &r.m->vs[0].rs[0];
	ck_result(&rs->checks[0], CK_REFUSED);
	assert_false(rs->alive);
	reload(&r, b, &st);
	assert_int_equal(st.ck_kept, 1);
	rs = &r.m->vs[0].rs[0];
	assert_false(rs->alive);
	assert_int_equal(rs->checks[0].connect_timeout_us, 3000000);
	assert_int_equal(n_ops, 0);
	reload(&r, c, &st);
	assert_int_equal(st.ck_kept, 0);
	assert_int_equal(st.ck_added, 1);
	assert_int_equal(st.ck_removed, 1);
	rs = &r.m->vs[0].rs[0];
	assert_true(rs->alive);                 /* a fresh check starts up */
	assert_false(rs->checks[0].has_run);
	assert_true(has_op("dest-add TCP/10.0.0.1/80 10.9.0.2/80/1"));
	assert_int_equal(n_ops, 1);
	stop(&r);
}

/* Quorum lost with the sorry server in: a reload that keeps everything
 * keeps that; one that lowers the quorum gives the pool back. */
static void test_quorum_and_sorry(void **state)
{
	static const char a[] =
		"virtual_server 10.0.0.2 443 {\n"
		"  protocol TCP\n"
		"  quorum 2\n"
		"  sorry_server 10.9.0.9 443\n"
		"  real_server 10.9.0.4 443 {\n"
		"    weight 2\n"
		"    TCP_CHECK {\n"
		"    }\n"
		"  }\n"
		"  real_server 10.9.0.5 443 {\n"
		"    weight 1\n"
		"  }\n"
		"}\n";
	static const char b[] =
		"virtual_server 10.0.0.2 443 {\n"
		"  protocol TCP\n"
		"  quorum 1\n"
		"  sorry_server 10.9.0.9 443\n"
		"  real_server 10.9.0.4 443 {\n"
		"    weight 2\n"
		"    TCP_CHECK {\n"
		"    }\n"
		"  }\n"
		"  real_server 10.9.0.5 443 {\n"
		"    weight 1\n"
		"  }\n"
		"}\n";
	struct run r;
	struct ck_vs *vs;

	(void)state;
	r = start(a);
	vs = &r.m->vs[0];
	n_ops = 0;
	ck_result(&vs->rs[0].checks[0], CK_REFUSED);
	assert_false(vs->quorum_ok);
	assert_true(vs->sorry_set);
	reload(&r, a, NULL);
	vs = &r.m->vs[0];
	assert_int_equal(n_ops, 0);
	assert_false(vs->quorum_ok);
	assert_true(vs->sorry_set);
	assert_true(vs->sorry->set);
	reload(&r, b, NULL);
	print_ops();
	vs = &r.m->vs[0];
	assert_true(vs->quorum_ok);
	assert_false(vs->sorry_set);
	assert_true(has_op("dest-del TCP/10.0.0.2/443 10.9.0.9/443/1"));
	assert_true(has_op("dest-add TCP/10.0.0.2/443 10.9.0.5/443/1"));
	assert_int_equal(n_ops, 2);
	stop(&r);
}

/* Many virtual servers: the cost is linear (hash tables), so 20,000 of
 * them with one change reload in well under a second. */
static void test_large_reload(void **state)
{
	enum { N = 20000 };
	size_t len = (size_t)N * 128 + 64;
	char *a = malloc(len), *b = malloc(len);
	size_t pa = 0, pb = 0;
	struct run r;
	struct ck_reload_stats st;
	clock_t t0;
	double secs;

	(void)state;
	for (int i = 0; i < N; i++) {
		pa += (size_t)snprintf(a + pa, len - pa,
				       "virtual_server 10.%d.%d.1 80 {\n protocol TCP\n"
				       " real_server 10.200.0.%d 80 {\n }\n}\n",
				       i / 256, i % 256, 1 + i % 200);
		pb += (size_t)snprintf(b + pb, len - pb,
				       "virtual_server 10.%d.%d.1 80 {\n protocol TCP\n"
				       " real_server 10.200.0.%d 80 {\n%s }\n}\n",
				       i / 256, i % 256, 1 + i % 200, i == 77 ? "  weight 3\n" : "");
	}
	r = start(a);
	t0 = clock();
	reload(&r, b, &st);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	fprintf(stderr, "reload of %d virtual servers: %.3f s, of which the diff %.3f s\n", N,
		secs, apply_secs);
	assert_int_equal(n_ops, 1);
	assert_int_equal(st.vs_kept, N);
	assert_true(apply_secs < 0.5);
	stop(&r);
	free(a);
	free(b);
}

/* lvs_notify_fifo: 2.2.7's line format; the FIFO is created and removed. */
static void test_fifo_lines(void **state)
{
	char path[64], conf_text[160], buf[256] = "";
	struct conf_load_opts o = { .diag = quiet, .config_id = "test" };
	struct run r;
	struct conf *c;
	int fd;
	ssize_t n;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_check_reload.%d.fifo", (int)getpid());
	snprintf(conf_text, sizeof(conf_text), "global_defs {\n  lvs_notify_fifo %s\n}\n", path);
	c = conf_load_buffer("t.conf", conf_text, strlen(conf_text), &o);
	ck_fifo_open(base, c);
	conf_free(c);                   /* the module keeps copies */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	r = start(base_conf);
	ck_fifo_vs(&r.m->vs[0], false);
	ck_fifo_rs(&r.m->vs[0].rs[1], true);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_string_equal(buf, "VS [10.0.0.1]:tcp:80 UP\nVS [10.0.0.2]:tcp:443 UP\n"
			    "VS [G1]:0 UP\nVS [10.0.0.1]:tcp:80 DOWN\n"
			    "RS [10.9.0.3]:tcp:80 [10.0.0.1]:tcp:80 UP\n");
	close(fd);
	ck_fifo_close();
	assert_int_equal(access(path, F_OK), -1);
	stop(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_touches_nothing),
		cmocka_unit_test(test_timer_carried),
		cmocka_unit_test(test_scheduler_and_weight_edited),
		cmocka_unit_test(test_scheduler_edit_sent_ahead),
		cmocka_unit_test(test_scheduler_edit_not_sent_ahead),
		cmocka_unit_test(test_servers_added_and_removed),
		cmocka_unit_test(test_group_changes),
		cmocka_unit_test(test_check_identity),
		cmocka_unit_test(test_quorum_and_sorry),
		cmocka_unit_test(test_large_reload),
		cmocka_unit_test(test_fifo_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
