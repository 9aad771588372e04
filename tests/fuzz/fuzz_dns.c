/*
 * fuzz_dns.c - libFuzzer target for DNS_CHECK's reply validator
 * (src/check/check_dns_msg.c).
 *
 * The first input byte picks a query type and a name from a small list;
 * the query is built with the ID of the next two bytes, and the rest of
 * the input is the reply (with its ID forced to the query's half of the
 * time, so that the deeper checks are reached).  Invariants besides the
 * sanitizers: OK only for a datagram at least as long as the query with
 * our ID and QR set; matching answers never exceed ANCOUNT; every verdict
 * but OK gives a reason.
 * Build and run: make fuzz-dns (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { ".", "example.com", "a.example.", "xn--bcher-kva.ch" };
	static const uint16_t types[] = { 1, 2, 5, 6, 15, 16, 28, 46, 48 };
	uint8_t q[DNS_QUERY_MAX], *r;
	struct dns_reply_info info;
	const char *why = NULL;
	enum dns_verdict v;
	int ql;

	if (size < 3)
		return 0;
	ql = dns_query_build(q, sizeof(q), (uint16_t)(data[1] << 8 | data[2]), names[data[0] & 3],
			     types[(data[0] >> 2) % 9]);
	if (ql < 0)
		abort();
	size -= 3;
	r = malloc(size ? size : 1);
	if (!r)
		return 0;
	memcpy(r, data + 3, size);
	if ((data[0] & 0x80) && size >= 2)
		memcpy(r, q, 2);
	v = dns_reply_check(q, (size_t)ql, r, size, &info, &why);
	if (v == DNS_REPLY_OK &&
	    (size < (size_t)ql || memcmp(r, q, 2) || !(r[2] & 0x80) || info.rcode != 0))
		abort();
	if (v != DNS_REPLY_OK && !why)
		abort();
	if (info.matching > info.ancount)
		abort();
	free(r);
	return 0;
}
