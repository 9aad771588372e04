/*
 * test_dns_msg.c - DNS_CHECK's codec (check_dns_msg.c): query encoding,
 * reply validation (ours or not, RCODE, answers of the type, truncation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "check_dns_msg.h"

static void test_types(void **state)
{
	(void)state;
	assert_int_equal(dns_type_code("SOA"), 6);
	assert_int_equal(dns_type_code("aaaa"), 28);
	assert_int_equal(dns_type_code("DNSKEY"), 48);
	assert_int_equal(dns_type_code("PTR"), 0);
	assert_string_equal(dns_type_name(15), "MX");
	assert_string_equal(dns_type_name(99), "?");
	assert_string_equal(dns_rcode_name(5), "REFUSED");
}

/* 2.2.7 sends exactly root_soa for the defaults (random ID, RD set; its
 * datagrams were captured in the QEMU VM). */
static void test_query(void **state)
{
	static const uint8_t root_soa[] = { 0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					    0, 0, 6, 0, 1 };
	static const uint8_t ex_a[] = { 0xab, 0xcd, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
					0, 1, 0, 1 };
	uint8_t b[DNS_QUERY_MAX];
	char longlabel[80], longname[300];

	(void)state;
	assert_int_equal(dns_query_build(b, sizeof(b), 0x1234, ".", 6), sizeof(root_soa));
	assert_memory_equal(b, root_soa, sizeof(root_soa));
	assert_int_equal(dns_query_build(b, sizeof(b), 0xabcd, "example.com", 1), sizeof(ex_a));
	assert_memory_equal(b, ex_a, sizeof(ex_a));
	/* a final dot is the same name */
	assert_int_equal(dns_query_build(b, sizeof(b), 0xabcd, "example.com.", 1), sizeof(ex_a));
	assert_memory_equal(b, ex_a, sizeof(ex_a));
	/* bad names */
	assert_int_equal(dns_query_build(b, sizeof(b), 1, "a..b", 1), -1);
	assert_int_equal(dns_query_build(b, sizeof(b), 1, ".a", 1), -1);
	assert_int_equal(dns_query_build(b, sizeof(b), 1, "", 1), -1);
	memset(longlabel, 'x', 64);
	longlabel[64] = '\0';
	assert_int_equal(dns_query_build(b, sizeof(b), 1, longlabel, 1), -1);
	for (int i = 0; i < 100; i++)
		memcpy(longname + 3 * i, "ab.", 3);
	longname[299] = '\0';
	assert_int_equal(dns_query_build(b, sizeof(b), 1, longname, 1), -1);
	/* too small a buffer */
	assert_int_equal(dns_query_build(b, 20, 1, "example.com", 1), -1);
}

/* A reply to q: header copied, QR set, rcode, answers appended. */
static size_t reply(uint8_t *r, const uint8_t *q, size_t qlen, unsigned rcode,
		    const uint8_t *ans, size_t alen, unsigned ancount)
{
	memcpy(r, q, qlen);
	r[2] |= 0x80;
	r[3] = (uint8_t)(0x80 | rcode);
	r[6] = (uint8_t)(ancount >> 8);
	r[7] = (uint8_t)ancount;
	if (alen)
		memcpy(r + qlen, ans, alen);
	return qlen + alen;
}

static void test_replies(void **state)
{
	/* SOA answer for the root, name compressed to the question */
	static const uint8_t soa[] = { 0xc0, 0x0c, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22,
				       0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
				       0, 0, 0, 1 };
	static const uint8_t a_rec[] = { 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1 };
	uint8_t q[DNS_QUERY_MAX], r[512];
	struct dns_reply_info info;
	const char *why;
	int ql = dns_query_build(q, sizeof(q), 0x4242, ".", 6);
	size_t rl;

	(void)state;
	rl = reply(r, q, (size_t)ql, 0, soa, sizeof(soa), 1);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_OK);
	assert_int_equal(info.ancount, 1);
	assert_int_equal(info.matching, 1);
	/* other types are counted but do not match; NOERROR without answers is fine */
	rl = reply(r, q, (size_t)ql, 0, a_rec, sizeof(a_rec), 1);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_OK);
	assert_int_equal(info.matching, 0);
	rl = reply(r, q, (size_t)ql, 0, NULL, 0, 0);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_OK);
	/* error rcodes, even without the question */
	rl = reply(r, q, (size_t)ql, 5, NULL, 0, 0);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_RCODE);
	assert_int_equal(info.rcode, 5);
	assert_string_equal(why, "REFUSED");
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, DNS_HEADER_LEN, &info, &why),
			 DNS_REPLY_RCODE);
	/* truncated answers */
	rl = reply(r, q, (size_t)ql, 0, soa, sizeof(soa), 1);
	for (size_t cut = (size_t)ql; cut < rl; cut++)
		assert_int_equal(dns_reply_check(q, (size_t)ql, r, cut, &info, &why), DNS_REPLY_BAD);
	rl = reply(r, q, (size_t)ql, 0, soa, sizeof(soa), 2);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_BAD);
}

static void test_not_ours(void **state)
{
	uint8_t q[DNS_QUERY_MAX], r[512];
	struct dns_reply_info info;
	const char *why;
	int ql = dns_query_build(q, sizeof(q), 0x4242, "Example.com", 1);
	size_t rl;

	(void)state;
	rl = reply(r, q, (size_t)ql, 0, NULL, 0, 0);
	/* names compare case-insensitively */
	r[13] = 'e';
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_OK);
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, 11, &info, &why), DNS_REPLY_IGNORE);
	assert_string_equal(why, "reply shorter than a DNS header");
	r[1] ^= 1;
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_IGNORE);
	assert_string_equal(why, "reply with another ID");
	r[1] ^= 1;
	r[2] &= 0x7f;
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_IGNORE);
	assert_string_equal(why, "not a response (QR clear)");
	r[2] |= 0x80;
	r[14] = 'y';
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_IGNORE);
	assert_string_equal(why, "response to another question");
	r[14] = 'x';
	r[rl - 3] = 28;                          /* QTYPE AAAA instead of A */
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl, &info, &why), DNS_REPLY_IGNORE);
	r[rl - 3] = 1;
	assert_int_equal(dns_reply_check(q, (size_t)ql, r, rl - 1, &info, &why), DNS_REPLY_IGNORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_not_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
