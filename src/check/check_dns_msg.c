/*
 * check_dns_msg.c - DNS query builder and reply validator (see
 * check_dns_msg.h).
 *
 * A reply is ours when it is at least a header long, carries our ID, has
 * QR set and the same opcode, one question, and that question is the one
 * we asked (name compared case-insensitively, RFC 4343; type and class
 * equal).  Anything else is ignored, as a stray datagram would be.  Then
 * the RCODE decides (an error RCODE with our ID is ours even when the
 * server left the question out).  For NOERROR the answer records are
 * walked (a compression pointer ends a name) to count those of our type,
 * and a record that runs past the datagram makes the reply bad.  As
 * 2.2.7 does, an empty answer with NOERROR is a success; the count is
 * reported for logs.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "check_dns_msg.h"

#define DNS_CLASS_IN 1
#define DNS_TYPE_CNAME 5

static const struct {
	const char *name;
	uint16_t code;
} dns_types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "MX", 15 }, { "TXT", 16 },
	{ "AAAA", 28 }, { "RRSIG", 46 }, { "DNSKEY", 48 },
};

uint16_t dns_type_code(const char *word)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (!strcasecmp(word, dns_types[i].name))
			return dns_types[i].code;
	return 0;
}

const char *dns_type_name(uint16_t type)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (dns_types[i].code == type)
			return dns_types[i].name;
	return "?";
}

const char *dns_rcode_name(unsigned rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "unknown rcode";
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Wire form of name into out[0..size); returns its length or -1. */
static int encode_name(uint8_t *out, size_t size, const char *name)
{
	size_t n = 0;
	const char *p = name;

	if (!strcmp(name, ".")) {
		if (size < 1)
			return -1;
		out[0] = 0;
		return 1;
	}
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || n + 1 + l + 1 > DNS_NAME_MAX || n + 1 + l + 1 > size)
			return -1;
		out[n++] = (uint8_t)l;
		memcpy(out + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	if (n == 0 || n + 1 > size)
		return -1;
	out[n++] = 0;
	return (int)n;
}

int dns_query_build(uint8_t *buf, size_t size, uint16_t id, const char *name, uint16_t qtype)
{
	int nl;

	if (size < DNS_HEADER_LEN + 4)
		return -1;
	memset(buf, 0, DNS_HEADER_LEN);
	put16(buf, id);
	buf[2] = 0x01;                           /* RD */
	put16(buf + 4, 1);                       /* QDCOUNT */
	nl = encode_name(buf + DNS_HEADER_LEN, size - DNS_HEADER_LEN - 4, name);
	if (nl < 0)
		return -1;
	put16(buf + DNS_HEADER_LEN + nl, qtype);
	put16(buf + DNS_HEADER_LEN + nl + 2, DNS_CLASS_IN);
	return DNS_HEADER_LEN + nl + 4;
}

/* Skip the (possibly compressed) name at r[*off]; false when it runs past
 * rlen or loops. */
static bool skip_name(const uint8_t *r, size_t rlen, size_t *off)
{
	size_t p = *off;

	for (;;) {
		if (p >= rlen)
			return false;
		if ((r[p] & 0xc0) == 0xc0) {
			if (p + 2 > rlen)
				return false;
			*off = p + 2;
			return true;
		}
		if (r[p] & 0xc0)                 /* 0x40/0x80: reserved label types */
			return false;
		if (r[p] == 0) {
			*off = p + 1;
			return true;
		}
		p += 1u + r[p];
	}
}

/* Does the question at r[DNS_HEADER_LEN] equal ours (q's)? */
static bool same_question(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen)
{
	size_t qq = qlen - DNS_HEADER_LEN;

	if (rlen < DNS_HEADER_LEN + qq)
		return false;
	for (size_t i = 0; i < qq; i++) {
		uint8_t a = q[DNS_HEADER_LEN + i], b = r[DNS_HEADER_LEN + i];

		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (uint8_t)(b + 32);
		if (a != b)
			return false;
	}
	return true;
}

static enum dns_verdict verdict(enum dns_verdict v, const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return v;
}

/* Walk ancount records from r[off]; count those of qtype or CNAME. */
static enum dns_verdict walk_answers(const uint8_t *r, size_t rlen, size_t off, uint16_t qtype,
				     struct dns_reply_info *info, const char **why)
{
	for (unsigned i = 0; i < info->ancount; i++) {
		uint16_t type, rdlen;

		if (!skip_name(r, rlen, &off))
			return verdict(DNS_REPLY_BAD, why, "malformed name in the answer section");
		if (off + 10 > rlen)
			return verdict(DNS_REPLY_BAD, why, "answer record truncated");
		type = get16(r + off);
		rdlen = get16(r + off + 8);
		off += 10;
		if (off + rdlen > rlen)
			return verdict(DNS_REPLY_BAD, why, "answer data truncated");
		off += rdlen;
		if (type == qtype || type == DNS_TYPE_CNAME)
			info->matching++;
	}
	return verdict(DNS_REPLY_OK, why, NULL);
}

enum dns_verdict dns_reply_check(const uint8_t *q, size_t qlen, const uint8_t *r, size_t rlen,
				 struct dns_reply_info *info, const char **why)
{
	memset(info, 0, sizeof(*info));
	if (qlen < DNS_HEADER_LEN + 5)
		return verdict(DNS_REPLY_IGNORE, why, "no query");
	if (rlen < DNS_HEADER_LEN)
		return verdict(DNS_REPLY_IGNORE, why, "reply shorter than a DNS header");
	if (get16(r) != get16(q))
		return verdict(DNS_REPLY_IGNORE, why, "reply with another ID");
	if (!(r[2] & 0x80))
		return verdict(DNS_REPLY_IGNORE, why, "not a response (QR clear)");
	if ((r[2] & 0x78) != (q[2] & 0x78))
		return verdict(DNS_REPLY_IGNORE, why, "response with another opcode");
	info->rcode = r[3] & 0x0f;
	info->ancount = get16(r + 6);
	if (info->rcode)        /* servers may drop the question of an error */
		return verdict(DNS_REPLY_RCODE, why, dns_rcode_name(info->rcode));
	if (get16(r + 4) != 1 || !same_question(q, qlen, r, rlen))
		return verdict(DNS_REPLY_IGNORE, why, "response to another question");
	return walk_answers(r, rlen, qlen, get16(q + qlen - 4), info, why);
}
