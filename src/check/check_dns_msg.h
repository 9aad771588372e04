/*
 * check_dns_msg.h - the DNS wire codec of DNS_CHECK (RFC 1035 section 4).
 *
 * Pure functions on buffers, for the check and for its unit test and
 * fuzz target: build one query (one question, RD set, no EDNS), and judge
 * a datagram received in answer to it.  Bytes are read with explicit
 * bounds and byte order; nothing is cast onto the packet.
 */
#ifndef KA_CHECK_DNS_MSG_H
#define KA_CHECK_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_NAME_MAX 255            /* wire length of a name */
#define DNS_QUERY_MAX (DNS_HEADER_LEN + DNS_NAME_MAX + 4)

/* The query type of a DNS_CHECK "type" word (A NS CNAME SOA MX TXT AAAA
 * RRSIG DNSKEY, any case); 0 when unknown. */
uint16_t dns_type_code(const char *word);
/* Its name ("SOA"); "?" when unknown. */
const char *dns_type_name(uint16_t type);

/* Encode a query for `name` ("." or "example.com", a final dot allowed)
 * and `qtype`, class IN, into buf[0..size).  Returns its length, or -1
 * when the name has an empty or over-long label, is too long, or buf is
 * too small. */
int dns_query_build(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t qtype);

enum dns_verdict {
	DNS_REPLY_OK,        /* our answer, rcode NOERROR, answer section well formed */
	DNS_REPLY_IGNORE,    /* not an answer to our query (short, other id, not a
			      * response, other question): keep waiting */
	DNS_REPLY_RCODE,     /* our answer with an error rcode (REFUSED, SERVFAIL...) */
	DNS_REPLY_BAD,       /* our answer, but its records run past the end */
};

struct dns_reply_info {
	unsigned rcode;      /* RCODE of the header */
	unsigned ancount;    /* ANCOUNT of the header */
	unsigned matching;   /* answers of the query's type (or CNAME) */
};

/* Judge the datagram r[0..rlen) against the query q[0..qlen) that
 * dns_query_build() made.  Fills *info as far as it could read; *why (when
 * not NULL) gets a static reason for every verdict but DNS_REPLY_OK. */
enum dns_verdict dns_reply_check(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen,
				 struct dns_reply_info *info, const char **why);

/* Name of an RCODE ("REFUSED"); "RCODE<n>" style numbers are the caller's. */
const char *dns_rcode_name(unsigned rcode);

#endif
