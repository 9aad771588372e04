/*
 * test_garp.c - unit tests of the gratuitous ARP / NA frame builders
 * (src/sys/garp.c) and of the address helpers of src/sys/nl_core.c.
 *
 * The expected frames are the bytes Debian's keepalived 2.2.7 put on the
 * wire when it became MASTER for 10.9.0.100 and fd00:9::100 on an
 * interface with MAC 02:00:00:00:00:0a (captured with tcpdump on the peer
 * end of a veth); ours must be identical.
 */
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "garp.h"
#include "nl_core.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };

static const uint8_t ref_arp[GARP_ARP_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x09, 0x00, 0x64,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0x09, 0x00, 0x64,
};

static const uint8_t ref_na[GARP_NA_LEN] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,
	0xfd, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x88, 0x00, 0x58, 0x82, 0x20, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
	0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
};

static void arp_matches_reference(void **state)
{
	uint8_t buf[64];
	struct in_addr ip;

	(void)state;
	inet_pton(AF_INET, "10.9.0.100", &ip);
	assert_int_equal(garp_build_arp(buf, sizeof(buf), mac, ip), GARP_ARP_LEN);
	assert_memory_equal(buf, ref_arp, GARP_ARP_LEN);
	assert_int_equal(garp_build_arp(buf, GARP_ARP_LEN - 1, mac, ip), 0);
}

static void na_matches_reference(void **state)
{
	uint8_t buf[128];
	struct in6_addr ip;

	(void)state;
	inet_pton(AF_INET6, "fd00:9::100", &ip);
	assert_int_equal(garp_build_na(buf, sizeof(buf), mac, &ip, false), GARP_NA_LEN);
	assert_memory_equal(buf, ref_na, GARP_NA_LEN);
	assert_int_equal(garp_build_na(buf, GARP_NA_LEN - 1, mac, &ip, false), 0);
}

/* One's-complement sum of the pseudo-header and ICMPv6 message of an NA
 * frame: 0xffff when the checksum in it is right. */
static unsigned int na_checksum_sum(const uint8_t *f)
{
	unsigned int sum = 32 + 58, i;

	for (i = 22; i < 54; i += 2)             /* source, destination */
		sum += (unsigned int)(f[i] << 8 | f[i + 1]);
	for (i = 54; i < GARP_NA_LEN; i += 2)    /* ICMPv6 message */
		sum += (unsigned int)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void na_router_flag(void **state)
{
	uint8_t buf[GARP_NA_LEN];
	struct in6_addr ip;

	(void)state;
	inet_pton(AF_INET6, "fd00:9::100", &ip);
	garp_build_na(buf, sizeof(buf), mac, &ip, true);
	assert_int_equal(buf[58], 0xa0);          /* R and O, not S */
	assert_int_equal(na_checksum_sum(buf), 0xffff);
	assert_int_equal(na_checksum_sum(ref_na), 0xffff);
	inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", &ip);
	garp_build_na(buf, sizeof(buf), mac, &ip, false);
	assert_int_equal(na_checksum_sum(buf), 0xffff);
}

static void ip_parse(void **state)
{
	struct sys_ip ip;
	int plen;
	char buf[64];

	(void)state;
	assert_int_equal(sys_ip_parse("10.0.0.1/24", &ip, &plen), 0);
	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(plen, 24);
	assert_string_equal(sys_ip_format(&ip, buf, sizeof(buf)), "10.0.0.1");
	assert_int_equal(sys_ip_parse("fe80::1", &ip, &plen), 0);
	assert_int_equal(ip.family, AF_INET6);
	assert_int_equal(plen, -1);
	assert_int_equal(sys_ip_len(&ip), 16);
	assert_int_equal(sys_ip_parse("fe80::1/129", &ip, &plen), -EINVAL);
	assert_int_equal(sys_ip_parse("10.0.0.1/33", &ip, &plen), -EINVAL);
	assert_int_equal(sys_ip_parse("10.0.0.1/", &ip, &plen), -EINVAL);
	assert_int_equal(sys_ip_parse("10.0.0.1/24", &ip, NULL), -EINVAL);
	assert_int_equal(sys_ip_parse("eth0", &ip, &plen), -EINVAL);
}

static void ll_from_mac(void **state)
{
	/* 2.2.7 gave its IPv6 VMAC fe80::ff:fe00:a, from parent MAC
	 * 02:00:00:00:00:0a. */
	struct sys_ip ll;
	char buf[64];

	(void)state;
	sys_ipv6_ll_from_mac(mac, &ll);
	assert_string_equal(sys_ip_format(&ll, buf, sizeof(buf)), "fe80::ff:fe00:a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_matches_reference),
		cmocka_unit_test(na_matches_reference),
		cmocka_unit_test(na_router_flag),
		cmocka_unit_test(ip_parse),
		cmocka_unit_test(ll_from_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
