/*
 * test_vrrp_route_parse.c - unit tests of the route and rule line parser
 * (src/vrrp/vrrp_route_parse.c): each line of keepalived.conf(5)'s
 * examples and of 2.2.7's behaviour (protocol reset, default scope, rtt
 * floor, "or", unsupported options) into the expected netlink request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "vrrp_route_parse.h"

/* Split `line` on spaces into argv (modifies a copy kept in buf). */
static int split(const char *line, char *buf, size_t len, char **argv, int max)
{
	int n = 0;

	snprintf(buf, len, "%s", line);
	for (char *t = strtok(buf, " "); t && n < max; t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

static bool route(const char *line, struct vrrp_route *rt, char *err)
{
	char buf[512], *argv[64];
	int argc = split(line, buf, sizeof(buf), argv, 64);

	return vrrp_route_parse(argv, argc, rt, err, 128);
}

static bool rule(const char *line, struct vrrp_rule *ru, char *err)
{
	char buf[512], *argv[64];
	int argc = split(line, buf, sizeof(buf), argv, 64);

	return vrrp_rule_parse(argv, argc, ru, err, 128);
}

static void assert_ip(const struct sys_ip *ip, const char *text)
{
	char buf[64];

	assert_string_equal(sys_ip_format(ip, buf, sizeof(buf)), text);
}

/* ---- routes ---- */

static void test_route_via_dev(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_true(route("src 192.168.100.1 to 192.168.109.0/24 via 192.168.200.254 dev eth1",
			  &rt, err));
	assert_int_equal(rt.r.family, AF_INET);
	assert_ip(&rt.r.dst, "192.168.109.0");
	assert_int_equal(rt.r.dst_len, 24);
	assert_ip(&rt.r.src, "192.168.100.1");
	assert_int_equal(rt.r.n_nh, 1);
	assert_ip(&rt.r.nh[0].gw, "192.168.200.254");
	assert_string_equal(rt.dev[0], "eth1");
	assert_int_equal(rt.r.table, RT_TABLE_MAIN);
	assert_int_equal(rt.r.protocol, RTPROT_KEEPALIVED);
	assert_int_equal(rt.r.scope, RT_SCOPE_UNIVERSE);    /* 2.2.7: not ip(8)'s guess */
	assert_int_equal(rt.r.type, RTN_UNICAST);
	assert_false(rt.no_track);
	assert_string_equal(rt.text, "192.168.109.0/24");
	assert_string_equal(rt.ignored, "");
}

static void test_route_types_and_no_dev(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_true(route("blackhole 192.168.114.0/24", &rt, err));
	assert_int_equal(rt.r.type, RTN_BLACKHOLE);
	assert_int_equal(rt.r.n_nh, 0);
	assert_true(rt.no_track);           /* no dev: 2.2.7 cannot track it */
	assert_true(route("unreachable 10.23.0.0/24 table 200", &rt, err));
	assert_int_equal(rt.r.type, RTN_UNREACHABLE);
	assert_int_equal(rt.r.table, 200);
	assert_true(route("prohibit 10.1.0.0/16 table local", &rt, err));
	assert_int_equal(rt.r.type, RTN_PROHIBIT);
	assert_int_equal(rt.r.table, RT_TABLE_LOCAL);
	assert_true(route("local 10.2.0.1 dev lo", &rt, err));
	assert_int_equal(rt.r.type, RTN_LOCAL);
	assert_int_equal(rt.r.scope, RT_SCOPE_HOST);
	assert_int_equal(rt.r.dst_len, 32);
	assert_true(route("0.0.0.0/0 gw 192.168.0.1 table 100", &rt, err));
	assert_int_equal(rt.r.dst_len, 0);
	assert_ip(&rt.r.nh[0].gw, "192.168.0.1");
}

static void test_route_protocol_reset(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	/* tracked (has dev, no no_track): protocol forced to keepalived */
	assert_true(route("10.40.0.0/24 dev eth0 protocol bird", &rt, err));
	assert_int_equal(rt.r.protocol, RTPROT_KEEPALIVED);
	assert_true(route("10.40.0.0/24 dev eth0 protocol bird no_track", &rt, err));
	assert_int_equal(rt.r.protocol, 12);
	assert_true(rt.no_track);
	assert_true(route("blackhole 10.40.0.0/24 proto 99", &rt, err));
	assert_int_equal(rt.r.protocol, 99);
}

static void test_route_multipath(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_true(route("192.168.100.0/24 table 6909 nexthop via 192.168.101.1 dev wlan0 "
			  "onlink weight 1 nexthop via 192.168.101.2 dev wlan0 onlink weight 2",
			  &rt, err));
	assert_int_equal(rt.r.table, 6909);
	assert_int_equal(rt.r.n_nh, 2);
	assert_ip(&rt.r.nh[0].gw, "192.168.101.1");
	assert_ip(&rt.r.nh[1].gw, "192.168.101.2");
	assert_string_equal(rt.dev[0], "wlan0");
	assert_string_equal(rt.dev[1], "wlan0");
	assert_true(rt.r.nh[0].onlink && rt.r.nh[1].onlink);
	assert_int_equal(rt.r.nh[0].weight, 1);
	assert_int_equal(rt.r.nh[1].weight, 2);
	/* a device before the next hops is their default */
	assert_true(route("10.25.0.0/24 dev eth0 nexthop via 10.0.0.1 weight 1 "
			  "nexthop via 10.0.0.2 dev eth1", &rt, err));
	assert_int_equal(rt.r.n_nh, 2);
	assert_ip(&rt.r.nh[0].gw, "10.0.0.1");
	assert_string_equal(rt.dev[0], "eth0");
	assert_string_equal(rt.dev[1], "eth1");
	assert_false(rt.no_track);
	/* deprecated "or": a second hop on the route's device */
	assert_true(route("192.168.113.0/24 via 192.168.200.254 or 192.168.100.254 dev eth1",
			  &rt, err));
	assert_int_equal(rt.r.n_nh, 2);
	assert_ip(&rt.r.nh[1].gw, "192.168.100.254");
	assert_string_equal(rt.dev[1], "eth1");
}

static void test_route_metrics(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_true(route("192.168.200.0/24 dev p33p1.2 table 6909 tos 0x04 protocol bird "
			  "scope link priority 12 mtu 1000 hoplimit 100 advmss 101 rtt 102 "
			  "rttvar 300 reordering 104 window 105 cwnd 106 ssthresh lock 107 "
			  "realms 10/0x14 rto_min 108 initcwnd 109 initrwnd 110 features ecn "
			  "quickack 1 fastopen_no_cookie 0", &rt, err));
	assert_int_equal(rt.r.tos, 4);
	assert_int_equal(rt.r.scope, RT_SCOPE_LINK);
	assert_true(rt.r.has_metric);
	assert_int_equal(rt.r.metric, 12);
	assert_int_equal(rt.r.metrics[RTAX_MTU], 1000);
	assert_int_equal(rt.r.metrics[RTAX_HOPLIMIT], 100);
	assert_int_equal(rt.r.metrics[RTAX_ADVMSS], 101);
	/* 2.2.7: raw kernel units (1/8 ms, 1/4 ms, ms), at least 200 ms */
	assert_int_equal(rt.r.metrics[RTAX_RTT], 200 * 8);
	assert_int_equal(rt.r.metrics[RTAX_RTTVAR], 200 * 4);
	assert_int_equal(rt.r.metrics[RTAX_RTO_MIN], 200);
	assert_int_equal(rt.r.metrics[RTAX_SSTHRESH], 107);
	assert_int_equal(rt.r.metrics[RTAX_LOCK], 1u << RTAX_SSTHRESH);
	assert_int_equal(rt.r.metrics[RTAX_FEATURES], RTAX_FEATURE_ECN);
	assert_int_equal(rt.r.metrics[RTAX_QUICKACK], 1);
	assert_true(rt.r.metrics_set & (1u << RTAX_FASTOPEN_NO_COOKIE));
	assert_int_equal(rt.r.metrics[RTAX_FASTOPEN_NO_COOKIE], 0);
	assert_int_equal(rt.r.realms, 10u << 16 | 0x14);
	assert_non_null(strstr(rt.note, "rtt value 102 below minimum 200ms"));
	assert_true(route("10.82.0.0/24 dev eth0 rtt 1000 rttvar 1000 rto_min 1000", &rt, err));
	assert_int_equal(rt.r.metrics[RTAX_RTT], 1600);
	assert_int_equal(rt.r.metrics[RTAX_RTTVAR], 1000);
	assert_int_equal(rt.r.metrics[RTAX_RTO_MIN], 1000);
	assert_string_equal(rt.ignored, "");
}

static void test_route_ipv6_and_unsupported(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_true(route("2001:470:69e9:1:2::4 dev p33p1.2 table 6909 mtu lock 1000 append "
			  "pref high expires 100 congctl lock cubic pervasive", &rt, err));
	assert_int_equal(rt.r.family, AF_INET6);
	assert_int_equal(rt.r.dst_len, 128);
	assert_true(rt.r.append);
	assert_int_equal(rt.r.metrics[RTAX_LOCK], 1u << RTAX_MTU | 1u << RTAX_CC_ALGO);
	assert_true(rt.r.has_pref);
	assert_int_equal(rt.r.pref, 1);
	assert_true(rt.r.has_expires);
	assert_int_equal(rt.r.expires, 100);
	assert_string_equal(rt.r.congctl, "cubic");
	assert_string_equal(rt.ignored, "pervasive");
	assert_string_equal(rt.text, "2001:470:69e9:1:2::4/128");
	assert_true(route("2001:db8:1::/64 from 2001:db8:2::/64 dev eth0", &rt, err));
	assert_ip(&rt.r.from, "2001:db8:2::");
	assert_int_equal(rt.r.from_len, 64);
	assert_false(route("10.1.0.0/16 dev eth0 vrf blue", &rt, err));
}

static void test_route_errors(void **state)
{
	struct vrrp_route rt;
	char err[128];

	(void)state;
	assert_false(route("via 10.0.0.1 dev eth0", &rt, err));
	assert_string_equal(err, "No destination specified for route");
	assert_false(route("10.0.0.0/8 table nosuchtable", &rt, err));
	assert_string_equal(err, "Routing table nosuchtable not found for route");
	assert_false(route("10.0.0.0/8 bogus", &rt, err));
	assert_string_equal(err, "unknown route keyword bogus");
	assert_false(route("10.0.0.0/8 via notanaddress", &rt, err));
	assert_false(route("10.0.0.0/8 dev", &rt, err));
	assert_false(route("2001:db8::/64 dev eth0 realms 5", &rt, err));
	assert_string_equal(err, "realms are only valid for IPv4");
}

static void test_route_same(void **state)
{
	struct vrrp_route a, b;
	char err[128];

	(void)state;
	assert_true(route("10.1.0.0/16 via 10.0.0.1 dev eth0", &a, err));
	assert_true(route("10.1.0.0/16 dev eth0 via 10.0.0.1", &b, err));
	assert_true(vrrp_route_same(&a, &b));
	assert_true(route("10.1.0.0/16 dev eth0 via 10.0.0.2", &b, err));
	assert_false(vrrp_route_same(&a, &b));
	assert_true(route("10.1.0.0/16 dev eth0 via 10.0.0.1 metric 5", &b, err));
	assert_false(vrrp_route_same(&a, &b));
}

/* ---- rules ---- */

static void test_rule_basic(void **state)
{
	struct vrrp_rule ru;
	char err[128];

	(void)state;
	assert_true(rule("from 192.168.2.0/24 table 1", &ru, err));
	assert_int_equal(ru.r.family, AF_INET);
	assert_ip(&ru.r.from, "192.168.2.0");
	assert_int_equal(ru.r.from_len, 24);
	assert_int_equal(ru.r.table, 1);
	assert_int_equal(ru.r.action, FR_ACT_TO_TBL);
	assert_false(ru.has_pref);
	assert_int_equal(ru.r.protocol, RTPROT_KEEPALIVED);
	assert_string_equal(ru.text, "from 192.168.2.0/24");
	assert_true(rule("to 192.168.2.0/24 table 1 no_track preference 10", &ru, err));
	assert_true(ru.no_track && ru.has_pref && ru.r.has_priority);
	assert_int_equal(ru.r.priority, 10);
	assert_string_equal(ru.text, "from all to 192.168.2.0/24");
}

static void test_rule_full(void **state)
{
	struct vrrp_rule ru;
	char err[128];

	(void)state;
	assert_true(rule("from 192.168.28.0/24 to 192.168.29.0/26 table main iif p33p1 oif wlan0 "
			 "tos 22 fwmark 24/12 preference 39 realms 30/20", &ru, err));
	assert_ip(&ru.r.to, "192.168.29.0");
	assert_int_equal(ru.r.to_len, 26);
	assert_int_equal(ru.r.table, RT_TABLE_MAIN);
	assert_string_equal(ru.r.iif, "p33p1");
	assert_string_equal(ru.r.oif, "wlan0");
	assert_int_equal(ru.r.tos, 22);
	assert_true(ru.r.has_fwmark);
	assert_int_equal(ru.r.fwmark, 24);
	assert_int_equal(ru.r.fwmask, 12);
	assert_int_equal(ru.r.priority, 39);
	assert_int_equal(ru.r.realms, 30u << 16 | 20);
}

static void test_rule_actions(void **state)
{
	struct vrrp_rule ru;
	char err[128];

	(void)state;
	assert_true(rule("from 10.33.0.0/24 goto 300 preference 206", &ru, err));
	assert_int_equal(ru.r.action, FR_ACT_GOTO);
	assert_int_equal(ru.r.goto_target, 300);
	assert_true(rule("from all blackhole preference 204", &ru, err));
	assert_int_equal(ru.r.action, FR_ACT_BLACKHOLE);
	assert_int_equal(ru.r.from.family, 0);
	assert_true(rule("from 10.0.0.0/8 prohibit", &ru, err));
	assert_int_equal(ru.r.action, FR_ACT_PROHIBIT);
	assert_true(rule("from 10.0.0.0/8 unreachable", &ru, err));
	assert_int_equal(ru.r.action, FR_ACT_UNREACHABLE);
	assert_true(rule("from 10.77.0.0/24 nop preference 33 protocol 99", &ru, err));
	assert_int_equal(ru.r.action, FR_ACT_NOP);
	assert_int_equal(ru.r.protocol, RTPROT_KEEPALIVED);     /* 2.2.7 resets it */
	assert_true(rule("from 10.77.0.0/24 nop protocol 99 no_track", &ru, err));
	assert_int_equal(ru.r.protocol, 99);
	assert_true(rule("to 10.73.0.0/24 l3mdev preference 37", &ru, err));
	assert_true(ru.r.l3mdev);
	assert_true(rule("from 10.74.0.0/24 ipproto udp sport 10-20 dport 30 table 5", &ru, err));
	assert_int_equal(ru.r.ipproto, 17);
	assert_int_equal(ru.r.sport[0], 10);
	assert_int_equal(ru.r.sport[1], 20);
	assert_int_equal(ru.r.dport[0], 30);
	assert_int_equal(ru.r.dport[1], 30);
}

static void test_rule_v6_selectors_errors(void **state)
{
	struct vrrp_rule ru;
	char err[128];

	(void)state;
	assert_true(rule("to 1:2:3:4:5:6:7:0/112 from 7:6:5:4:3:2::/96 table 6908 "
			 "uidrange 10000-19999", &ru, err));
	assert_int_equal(ru.r.family, AF_INET6);
	assert_true(ru.r.has_uidrange);
	assert_int_equal(ru.r.uid_start, 10000);
	assert_int_equal(ru.r.uid_end, 19999);
	assert_true(rule("inet6 fwmark 3 table 7", &ru, err));
	assert_int_equal(ru.r.family, AF_INET6);
	assert_true(rule("not from 10.75.0.0/24 table 5", &ru, err));
	assert_true(ru.r.invert);
	assert_true(rule("from all table main suppress_prefixlength 0 suppress_ifgroup 3 "
			 "tunnel-id 0x1234", &ru, err));
	assert_true(ru.r.has_suppress_prefixlen && ru.r.has_suppress_ifgroup && ru.r.has_tun_id);
	assert_int_equal(ru.r.suppress_prefixlen, 0);
	assert_int_equal(ru.r.suppress_ifgroup, 3);
	assert_int_equal(ru.r.tun_id, 0x1234);
	assert_false(rule("from all table 5 uidrange 20-10", &ru, err));
	assert_false(rule("from 10.0.0.0/8 table 5 bogus 1", &ru, err));
	assert_string_equal(err, "Unknown rule option bogus");
	assert_false(rule("from 10.0.0.0/8 fwmark x table 5", &ru, err));
	assert_false(rule("from 10.0.0.0/8 sport 20-10 table 5", &ru, err));
}

static void test_iproute_names(void **state)
{
	uint32_t v;

	(void)state;
	assert_true(vrrp_iproute_id("rt_tables", "main", UINT32_MAX, &v));
	assert_int_equal(v, 254);
	assert_true(vrrp_iproute_id("rt_protos", "keepalived", 255, &v));
	assert_int_equal(v, 18);
	assert_true(vrrp_iproute_id("rt_scopes", "link", 255, &v));
	assert_int_equal(v, RT_SCOPE_LINK);
	assert_true(vrrp_iproute_id("rt_dsfield", "0x10", 255, &v));
	assert_int_equal(v, 16);
	assert_false(vrrp_iproute_id("rt_protos", "300", 255, &v));
	assert_false(vrrp_iproute_id("rt_tables", "-1", UINT32_MAX, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_via_dev),
		cmocka_unit_test(test_route_types_and_no_dev),
		cmocka_unit_test(test_route_protocol_reset),
		cmocka_unit_test(test_route_multipath),
		cmocka_unit_test(test_route_metrics),
		cmocka_unit_test(test_route_ipv6_and_unsupported),
		cmocka_unit_test(test_route_errors),
		cmocka_unit_test(test_route_same),
		cmocka_unit_test(test_rule_basic),
		cmocka_unit_test(test_rule_full),
		cmocka_unit_test(test_rule_actions),
		cmocka_unit_test(test_rule_v6_selectors_errors),
		cmocka_unit_test(test_iproute_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
