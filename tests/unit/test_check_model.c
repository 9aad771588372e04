/*
 * test_check_model.c - the checker's pure logic: the typed model built
 * from a config tree (src/check/check_model.c, check_model_group.c),
 * group range expansion, persistence masks, and the result funnel's
 * state machine (ck_result_step in src/check/check_result.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "check_model.h"
#include "check_result.h"
#include "conf.h"

#define S 1000000ull

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)src;
	(void)msg;
}

static struct conf *load(const char *text)
{
	struct conf_load_opts o = { .diag = quiet, .config_id = "test" };

	return conf_load_buffer("t.conf", text, strlen(text), &o);
}

static const char *ip(const struct ipvs_ip *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return ipvs_ip_format(a, buf[i], sizeof(buf[i]));
}

static const char conf_text[] =
	"virtual_server_group G1 {\n"
	"  10.0.1.1-3 8080\n"
	"  10.0.2.0/30 8080\n"
	"  fwmark 9\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"
	"  delay_loop 7\n"
	"  retry 4\n"
	"  persistence_timeout\n"
	"  persistence_granularity 255.255.255.0\n"
	"  lvs_method DR\n"
	"  quorum 3\n"
	"  hysteresis 1\n"
	"  sorry_server 10.9.0.9 81\n"
	"  sorry_server_lvs_method TUN type gue port 6080 csum\n"
	"  real_server 10.9.0.2 80 {\n"
	"    weight 2\n"
	"    inhibit_on_failure\n"
	"    notify_up \"/bin/true up\"\n"
	"    TCP_CHECK {\n"
	"      connect_timeout 2\n"
	"      connect_port 8080\n"
	"      bindto 10.9.0.1\n"
	"    }\n"
	"    TCP_CHECK {\n"
	"      retry 0\n"
	"      warmup 0\n"
	"      alpha\n"
	"    }\n"
	"  }\n"
	"  real_server 10.9.0.3 80 {\n"
	"    lvs_method NAT\n"
	"  }\n"
	"}\n"
	"virtual_server fwmark 7 {\n"
	"  protocol TCP\n"
	"  lvs_sched sh\n"
	"  sh-port\n"
	"  real_server 2001:db8::2 80 {\n"
	"  }\n"
	"}\n"
	"virtual_server group G1 {\n"
	"  protocol TCP\n"
	"  lvs_sched rr\n"
	"  real_server 10.9.0.7 8080 {\n"
	"  }\n"
	"}\n";

static void test_model_vs_and_rs(void **state)
{
	struct conf *c = load(conf_text);
	struct ck_model *m = check_model_build(c);
	const struct ck_vs *vs;
	const struct ck_rs *rs;
	const struct ck_check *t;

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->n_vs, 3);
	vs = &m->vs[0];
	assert_string_equal(vs->label, "[10.0.0.1]:udp:80");      /* no protocol: UDP */
	assert_true(vs->proto_defaulted);
	assert_int_equal(vs->n_svcs, 1);
	assert_int_equal(vs->svcs[0].protocol, IPPROTO_UDP);
	assert_string_equal(vs->svcs[0].sched, "wlc");
	assert_int_equal(vs->svcs[0].flags & IPVS_SVC_PERSISTENT, IPVS_SVC_PERSISTENT);
	assert_int_equal(vs->svcs[0].timeout, 360);
	assert_int_equal(vs->svcs[0].netmask_plen, 24);
	assert_int_equal(vs->quorum, 3);
	assert_int_equal(vs->hysteresis, 1);
	assert_int_equal(vs->n_rs, 2);

	rs = &vs->rs[0];
	assert_string_equal(rs->label, "[10.9.0.2]:udp:80");
	assert_int_equal(rs->weight, 2);
	assert_true(rs->inhibit);
	assert_int_equal(rs->fwd.fwd, IPVS_FWD_ROUTE);        /* from the VS */
	assert_string_equal(rs->notify_up, "/bin/true up");
	assert_null(rs->notify_down);
	assert_int_equal(rs->n_checks, 2);
	t = &rs->checks[0];
	assert_string_equal(ip(&t->connect_ip), "10.9.0.2");
	assert_int_equal(t->connect_port, 8080);
	assert_string_equal(ip(&t->bindto), "10.9.0.1");
	assert_int_equal(t->connect_timeout_us, 2 * S);
	assert_int_equal(t->delay_loop_us, 7 * S);            /* inherited */
	assert_int_equal(t->warmup_us, 7 * S);                /* = delay_loop */
	assert_int_equal(t->delay_before_retry_us, 1 * S);    /* default */
	assert_int_equal(t->retry, 4);
	assert_false(t->alpha);
	t = &rs->checks[1];
	assert_int_equal(t->connect_port, 80);
	assert_int_equal(t->connect_timeout_us, 5 * S);       /* default */
	assert_int_equal(t->retry, 0);
	assert_int_equal(t->warmup_us, 0);
	assert_true(t->alpha);

	rs = &vs->rs[1];
	assert_int_equal(rs->weight, 1);
	assert_false(rs->inhibit);
	assert_int_equal(rs->fwd.fwd, IPVS_FWD_MASQ);
	assert_int_equal(rs->n_checks, 0);

	assert_non_null(vs->sorry);
	assert_string_equal(vs->sorry->label, "[10.9.0.9]:udp:81");
	assert_int_equal(vs->sorry->fwd.fwd, IPVS_FWD_TUNNEL);
	assert_int_equal(vs->sorry->fwd.tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(vs->sorry->fwd.tun_port, 6080);
	assert_int_equal(vs->sorry->fwd.tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	check_model_free(m);
	conf_free(c);
}

static void test_model_fwmark_and_group(void **state)
{
	struct conf *c = load(conf_text);
	struct ck_model *m = check_model_build(c);
	const struct ck_vs *vs;
	const char *want[] = { "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.2.0", "10.0.2.1",
			       "10.0.2.2", "10.0.2.3" };

	(void)state;
	assert_non_null(m);
	vs = &m->vs[1];
	assert_string_equal(vs->label, "FWM 7");
	assert_true(vs->is_fwmark);
	assert_int_equal(vs->svcs[0].fwmark, 7);
	assert_int_equal(vs->svcs[0].af, AF_INET6);            /* from its real server */
	assert_int_equal(vs->svcs[0].flags, IPVS_SVC_SH_PORT);
	assert_string_equal(vs->rs[0].label, "[2001:db8::2]:none:0");
	assert_int_equal(vs->rs[0].port, 0);

	vs = &m->vs[2];
	assert_string_equal(vs->label, "[G1]:0");
	assert_int_equal(vs->n_svcs, 8);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(ip(&vs->svcs[i].addr), want[i]);
		assert_int_equal(vs->svcs[i].port, 8080);
		assert_int_equal(vs->svcs[i].protocol, IPPROTO_TCP);
		assert_string_equal(vs->svcs[i].sched, "rr");
	}
	assert_int_equal(vs->svcs[7].fwmark, 9);
	assert_int_equal(vs->svcs[7].af, AF_INET);
	assert_false(vs->is_fwmark);
	assert_int_equal(vs->rs[0].port, 8080);
	check_model_free(m);
	conf_free(c);
}

static void test_quorum_clamped(void **state)
{
	struct conf *c = load("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  quorum 9\n"
			      "  hysteresis 4\n  real_server 10.9.0.2 80 {\n    weight 3\n  }\n"
			      "  real_server 10.9.0.3 80 {\n  }\n}\n");
	struct ck_model *m = check_model_build(c);

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->vs[0].quorum, 4);           /* total weight 3 + 1 */
	assert_int_equal(m->vs[0].hysteresis, 3);
	check_model_free(m);
	conf_free(c);
}

/* 2.2.7: a VS without real servers is ignored; a server without a port
 * takes the VS's; quorum 0 gives hysteresis 4294967295. */
static void test_model_edges(void **state)
{
	struct conf *c = load("virtual_server 10.0.6.1 80 {\n  protocol TCP\n}\n"
			      "virtual_server 10.0.6.2 80 {\n  protocol TCP\n"
			      "  sorry_server 10.9.0.9\n"
			      "  real_server 10.9.0.30 {\n    weight 0\n"
			      "    TCP_CHECK {\n    }\n  }\n}\n");
	struct ck_model *m = check_model_build(c);

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->n_vs, 1);
	assert_string_equal(m->vs[0].label, "[10.0.6.2]:tcp:80");
	assert_int_equal(m->vs[0].rs[0].port, 80);
	assert_true(m->vs[0].rs[0].port_from_vs);
	assert_string_equal(m->vs[0].rs[0].label, "[10.9.0.30]:tcp:80");
	assert_int_equal(m->vs[0].rs[0].checks[0].connect_port, 80);
	assert_int_equal(m->vs[0].sorry->port, 80);
	assert_int_equal(m->vs[0].quorum, 0);
	assert_int_equal(m->vs[0].hysteresis, 4294967295u);
	check_model_free(m);
	conf_free(c);
}

static void test_expand_range(void **state)
{
	struct ipvs_ip out[16];

	(void)state;
	assert_int_equal(check_model_expand_range("10.0.0.250-10.0.1.3", out, 16), 10);
	assert_string_equal(ip(&out[6]), "10.0.1.0");
	assert_int_equal(check_model_expand_range("2001:db8::1-a", out, 16), 10);
	assert_string_equal(ip(&out[9]), "2001:db8::a");
	assert_int_equal(check_model_expand_range("10.0.0.8/29", out, 16), 8);
	assert_string_equal(ip(&out[7]), "10.0.0.15");
	assert_int_equal(check_model_expand_range("10.0.0.8", out, 16), 1);
	assert_int_equal(check_model_expand_range("10.0.0.0/16", NULL, 0), 4096);  /* capped */
	assert_int_equal(check_model_expand_range("10.0.0.9-3", out, 16), -1);
	assert_int_equal(check_model_expand_range("nonsense", out, 16), -1);
}

static void test_mask_plen(void **state)
{
	(void)state;
	assert_int_equal(check_model_mask_plen("255.255.255.0", AF_INET), 24);
	assert_int_equal(check_model_mask_plen("255.255.0.255", AF_INET), -1);
	assert_int_equal(check_model_mask_plen("64", AF_INET6), 64);
	assert_int_equal(check_model_mask_plen("129", AF_INET6), -1);
}

static void test_result_retry(void **state)
{
	struct ck_check c = { .retry = 2, .delay_loop_us = 10 * S, .delay_before_retry_us = 1 * S,
			    .up = true };
	struct ck_step st;

	(void)state;
	st = ck_result_step(&c, CK_SUCCESS);
	assert_int_equal(st.next_us, 10 * S);
	assert_false(st.changed);
	assert_true(st.log_success);                        /* first success is logged */
	st = ck_result_step(&c, CK_SUCCESS);
	assert_false(st.log_success);
	st = ck_result_step(&c, CK_REFUSED);
	assert_int_equal(st.next_us, 1 * S);
	assert_false(st.changed);
	st = ck_result_step(&c, CK_TIMEOUT);
	assert_int_equal(st.next_us, 1 * S);
	assert_false(st.changed);
	assert_true(c.up);
	st = ck_result_step(&c, CK_ERROR);
	assert_int_equal(st.next_us, 10 * S);
	assert_true(st.changed);
	assert_int_equal(st.retries, 2);
	assert_false(c.up);
	st = ck_result_step(&c, CK_REFUSED);
	assert_int_equal(st.next_us, 10 * S);
	assert_false(st.changed);
	assert_false(st.first_down);
	st = ck_result_step(&c, CK_SUCCESS);
	assert_true(st.changed);
	assert_true(st.log_success);
	assert_true(c.up);
	/* a success in the middle of retries starts the count again */
	ck_result_step(&c, CK_REFUSED);
	ck_result_step(&c, CK_SUCCESS);
	ck_result_step(&c, CK_REFUSED);
	ck_result_step(&c, CK_REFUSED);
	assert_true(c.up);
}

static void test_result_first_failure_is_final(void **state)
{
	struct ck_check c = { .retry = 3, .delay_loop_us = 5 * S, .delay_before_retry_us = 1 * S,
			    .up = true };
	struct ck_step st = ck_result_step(&c, CK_TIMEOUT);

	(void)state;
	assert_true(st.changed);
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.next_us, 5 * S);
	assert_false(c.up);
}

static void test_result_alpha(void **state)
{
	struct ck_check c = { .retry = 1, .delay_loop_us = 3 * S, .delay_before_retry_us = 1 * S,
			    .alpha = true, .up = false };
	struct ck_step st;

	(void)state;
	st = ck_result_step(&c, CK_REFUSED);
	assert_int_equal(st.next_us, 3 * S);
	assert_false(st.changed);                           /* already down */
	assert_true(st.first_down);                         /* but 2.2.7 reports it */
	st = ck_result_step(&c, CK_REFUSED);
	assert_false(st.first_down);
	st = ck_result_step(&c, CK_SUCCESS);
	assert_true(st.changed);
	assert_true(c.up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_vs_and_rs),
		cmocka_unit_test(test_model_fwmark_and_group),
		cmocka_unit_test(test_quorum_clamped),
		cmocka_unit_test(test_model_edges),
		cmocka_unit_test(test_expand_range),
		cmocka_unit_test(test_mask_plen),
		cmocka_unit_test(test_result_retry),
		cmocka_unit_test(test_result_first_failure_is_final),
		cmocka_unit_test(test_result_alpha),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
