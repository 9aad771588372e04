/*
 * test_vrrp_model.c - the typed VRRP instance model built from a
 * configuration: keepalived.conf(5)'s defaults, global overrides, VIP
 * lines, unicast peers, authentication, the family/version rules.
 * Instances use interface "lo", which every network namespace has (the
 * whole-tree checks, which refuse it, are skipped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "conf.h"
#include "vrrp_model.h"

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, "line %u: %s\n", (unsigned)src->line, msg);
}

static struct conf *conf;
static struct nlctx nl;
static struct vrrp_model model;

static const struct vrrp_model_inst *build(const char *text)
{
	/* No whole-tree checks: they refuse "lo" for VRRP, the one interface
	 * a unit test can count on. */
	struct conf_load_opts o = { .diag = diag, .config_id = "test", .skip_tree_checks = true };

	conf = conf_load_buffer("t.conf", text, strlen(text), &o);
	assert_int_equal(conf->errors, 0);
	assert_int_equal(nlctx_open(&nl), 0);
	assert_int_equal(vrrp_model_build(conf, &nl, &model), 0);
	return model.ninst ? &model.inst[0] : NULL;
}

static int teardown(void **state)
{
	(void)state;
	vrrp_model_free(&model);
	nlctx_close(&nl);
	conf_free(conf);
	conf = NULL;
	return 0;
}

static void test_defaults(void **state)
{
	const struct vrrp_model_inst *m = build(
		"vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n"
		" virtual_ipaddress {\n  10.1.2.3\n }\n}\n");

	(void)state;
	assert_non_null(m);
	assert_string_equal(m->name, "VI_1");
	assert_int_equal(m->vrid, 51);
	assert_int_equal(m->base_prio, 100);
	assert_int_equal(m->version, 2);
	assert_int_equal(m->family, AF_INET);
	assert_int_equal(m->adver_int_us, 1000000);
	assert_false(m->want_master);
	assert_false(m->nopreempt);
	assert_true(m->accept);
	assert_int_equal(m->garp_delay_s, 5);
	assert_int_equal(m->garp_repeat, 5);
	assert_int_equal(m->garp_refresh_s, 0);
	assert_int_equal(m->garp_refresh_repeat, 1);
	assert_int_equal(m->garp_lower_delay_s, 5);
	assert_int_equal(m->garp_lower_repeat, 5);
	assert_int_equal(m->down_timer_adverts, 3);
	assert_int_equal(m->unicast_ttl, 255);
	assert_int_equal(m->auth_type, VRRP_AUTH_NONE);
	assert_int_equal(m->nvips, 1);
	assert_int_equal(m->vips[0].plen, 32);
	assert_string_equal(m->vips[0].dev, "lo");
	assert_int_equal(m->vips[0].scope, -1);
	assert_int_equal(m->mcast_group.u.v4.s_addr, htonl(0xe0000012));
}

static void test_globals_and_overrides(void **state)
{
	const struct vrrp_model_inst *m = build(
		"global_defs {\n vrrp_version 3\n vrrp_garp_master_delay 2\n"
		" vrrp_garp_master_repeat 3\n vrrp_mcast_group4 224.0.0.19\n}\n"
		"vrrp_instance VI_1 {\n state MASTER\n interface lo\n virtual_router_id 7\n"
		" priority 200\n advert_int 0.25\n nopreempt\n garp_master_repeat 4\n"
		" virtual_ipaddress {\n  10.1.2.3/24 dev lo label lo:1 scope link brd 10.1.2.255\n"
		"  10.1.2.4/24 -nodad\n }\n}\n");
	char t[VRRP_VIP_TEXT];

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->version, 3);
	assert_int_equal(m->adver_int_us, 250000);
	assert_true(m->want_master);
	assert_true(m->nopreempt);
	assert_int_equal(m->base_prio, 200);
	assert_int_equal(m->garp_delay_s, 2);
	assert_int_equal(m->garp_repeat, 4);
	assert_int_equal(m->garp_lower_repeat, 4);
	assert_int_equal(m->mcast_group.u.v4.s_addr, htonl(0xe0000013));
	assert_int_equal(m->nvips, 2);
	assert_string_equal(vrrp_vip_text(&m->vips[0], t), "10.1.2.3/24");
	assert_string_equal(m->vips[0].label, "lo:1");
	assert_int_equal(m->vips[0].scope, RT_SCOPE_LINK);
	assert_int_equal(m->vips[0].brd.family, AF_INET);
	assert_true(m->vips[1].nodad);
}

static void test_v2_interval_whole_seconds_and_auth(void **state)
{
	const struct vrrp_model_inst *m = build(
		"vrrp_instance VI_1 {\n interface lo\n virtual_router_id 9\n advert_int 2.5\n"
		" authentication {\n  auth_type AH\n  auth_pass secret\n }\n"
		" virtual_ipaddress {\n  10.1.2.3\n }\n}\n");

	(void)state;
	assert_int_equal(m->adver_int_us, 2000000);
	assert_int_equal(m->auth_type, VRRP_AUTH_AH);
	assert_string_equal(m->auth_pass, "secret");
}

static void test_ipv6_forces_v3_and_unicast_peers(void **state)
{
	const struct vrrp_model_inst *m = build(
		"vrrp_instance VI_6 {\n interface lo\n virtual_router_id 9\n"
		" authentication {\n  auth_type PASS\n  auth_pass x\n }\n"
		" unicast_peer {\n  fd00::2 min_ttl 250 max_ttl 255\n  fd00::3\n }\n"
		" virtual_ipaddress {\n  fd00::100/64\n }\n}\n");

	(void)state;
	assert_int_equal(m->family, AF_INET6);
	assert_int_equal(m->version, 3);
	assert_int_equal(m->auth_type, VRRP_AUTH_NONE);
	assert_int_equal(m->npeers, 2);
	assert_int_equal(m->peers[0].min_ttl, 250);
	assert_int_equal(m->peers[1].min_ttl, 0);
	assert_int_equal(m->peers[1].max_ttl, 255);
	assert_true(m->check_unicast_src);
	assert_int_equal(m->vips[0].plen, 64);
}

static void test_unknown_interface_skipped(void **state)
{
	const struct vrrp_model_inst *m = build(
		"vrrp_instance VI_1 {\n interface nosuchif0\n virtual_router_id 9\n"
		" virtual_ipaddress {\n  10.1.2.3\n }\n}\n");

	(void)state;
	assert_null(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_globals_and_overrides, teardown),
		cmocka_unit_test_teardown(test_v2_interval_whole_seconds_and_auth, teardown),
		cmocka_unit_test_teardown(test_ipv6_forces_v3_and_unicast_peers, teardown),
		cmocka_unit_test_teardown(test_unknown_interface_skipped, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
