/*
 * test_vrrp_packet.c - the VRRP wire codec against packets captured from the
 * reference keepalived 2.2.7 (tests/unit/data/vrrp/, see its README): our
 * encoder reproduces them byte for byte (AH ICV and old unicast checksum
 * included), our receive pipeline accepts them, and mutated or truncated
 * copies are dropped with the expected reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp_auth.h"
#include "vrrp_packet.h"

#ifndef VRRP_DATA_DIR
#define VRRP_DATA_DIR "tests/unit/data/vrrp"
#endif

#define MAXPKT 2048
#define MAXVEC 8

struct vec {
	uint8_t b[MAXPKT];
	size_t len;
};

/* Reads up to MAXVEC hex lines of NAME.hex; returns the count. */
static size_t load(const char *name, struct vec *v)
{
	char path[512], line[2 * MAXPKT + 8];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.hex", VRRP_DATA_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (n < MAXVEC && fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\r\n");

		v[n].len = l / 2;
		for (size_t i = 0; i < v[n].len; i++) {
			unsigned x;

			assert_int_equal(sscanf(line + 2 * i, "%2x", &x), 1);
			v[n].b[i] = (uint8_t)x;
		}
		n++;
	}
	fclose(f);
	assert_true(n > 0);
	return n;
}

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *const VIPS4[] = { "10.9.0.100", "10.9.0.101", "192.168.77.1" };
static uint8_t vips4[12];
static uint8_t vips6[32];
static struct vrrp_peer peer2;

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct in_addr a = a4(VIPS4[i]);

		memcpy(vips4 + 4 * i, &a, 4);
	}
	assert_int_equal(inet_pton(AF_INET6, "fd00:9::100", vips6), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00:9::101", vips6 + 16), 1);
	peer2.addr.af = AF_INET;
	peer2.addr.u.v4 = a4("10.9.0.1");
	peer2.min_ttl = 0;
	peer2.max_ttl = 255;
	return 0;
}

/* One IPv4 scenario: how the reference was configured. */
struct scen {
	const char *name;
	uint8_t version, auth_type, adver_int_s, naddr;
	uint16_t int_cs;
	const char *pass;
	bool unicast, old;
};

static const struct scen SCEN[] = {
	{ "v2_mcast", 2, VRRP_AUTH_NONE, 1, 3, 0, NULL, false, false },
	{ "v2_pass", 2, VRRP_AUTH_PASS, 2, 3, 0, "secret12", false, false },
	{ "v2_pass_short", 2, VRRP_AUTH_PASS, 1, 1, 0, "abc", false, false },
	{ "v2_ah", 2, VRRP_AUTH_AH, 1, 3, 0, "ahsecret", false, false },
	{ "v3_mcast4", 3, 0, 0, 3, 150, NULL, false, false },
	{ "v3_ucast4", 3, 0, 0, 3, 100, NULL, true, false },
	{ "v3_ucast4_old", 3, 0, 0, 3, 100, NULL, true, true },
};

static struct vrrp_expect expect_for(const struct scen *s)
{
	struct vrrp_expect e = {
		.af = AF_INET, .version = s->version, .vrid = 51, .auth_type = s->auth_type,
		.auth_pass = s->pass, .adver_int_s = s->adver_int_s, .vips = vips4,
		.nvips = s->naddr, .unicast = s->unicast,
		.peers = s->unicast ? &peer2 : NULL, .npeers = s->unicast ? 1 : 0,
	};
	return e;
}

static struct vrrp_tx4 tx_for(const struct scen *s, const uint8_t *pkt)
{
	struct vrrp_tx4 tx = {
		.ip = { .tos = VRRP_IP4_TOS, .id = (uint16_t)(pkt[4] << 8 | pkt[5]),
			.ttl = VRRP_TTL, .src = a4("10.9.0.1"),
			.dst = a4(s->unicast ? "10.9.0.2" : "224.0.0.18") },
		.adv = { .version = s->version, .type = VRRP_TYPE_ADVERT, .vrid = 51,
			 .priority = 150, .naddr = s->naddr, .auth_type = s->auth_type,
			 .adver_int_s = s->adver_int_s, .max_adver_int_cs = s->int_cs,
			 .af = AF_INET, .addrs = vips4 },
		.auth_pass = s->pass,
		.old_checksum = s->old,
	};
	if (s->auth_type == VRRP_AUTH_AH)
		tx.ah_seq = (uint32_t)pkt[28] << 24 | (uint32_t)pkt[29] << 16 | pkt[30] << 8 | pkt[31];
	return tx;
}

/* With VRRP_DUMP=FILE in the environment, the packets we encode are
 * appended to FILE as "label hex" lines (check_with_tshark.sh). */
static void dump(const char *label, const uint8_t *hdr, size_t hlen, const uint8_t *p, size_t len)
{
	const char *path = getenv("VRRP_DUMP");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "%s ", label);
	for (size_t i = 0; i < hlen; i++)
		fprintf(f, "%02x", hdr[i]);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fprintf(f, "\n");
	fclose(f);
}

static enum vrrp_drop run_rx(const uint8_t *pkt, size_t len, const struct vrrp_expect *e,
			     struct vrrp_rx_info *info)
{
	struct vrrp_rx rx;
	struct vrrp_advert a;
	enum vrrp_drop r = vrrp_rx_ip4(pkt, len, &rx);

	return r != VRRP_OK ? r : vrrp_rx_validate(&rx, e, &a, info);
}

static void test_reference_ip4(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(SCEN) / sizeof(SCEN[0]); s++) {
		struct vec v[MAXVEC];
		size_t n = load(SCEN[s].name, v);
		struct vrrp_expect e = expect_for(&SCEN[s]);

		for (size_t i = 0; i < n; i++) {
			uint8_t out[MAXPKT];
			struct vrrp_tx4 tx = tx_for(&SCEN[s], v[i].b);
			struct vrrp_rx_info info;
			size_t len = vrrp_tx4_encode(out, sizeof(out), &tx);

			print_message("%s #%zu\n", SCEN[s].name, i);
			dump(SCEN[s].name, NULL, 0, out, len);
			assert_int_equal(len, v[i].len);
			assert_memory_equal(out, v[i].b, len);
			assert_int_equal(run_rx(v[i].b, v[i].len, &e, &info), VRRP_OK);
			assert_int_equal(info.old_checksum, SCEN[s].old);
			/* an encoder buffer one byte short fails cleanly */
			assert_int_equal(vrrp_tx4_encode(out, len - 1, &tx), 0);
		}
	}
}

static void ip6_rx(const struct vec *v, struct vrrp_rx *rx)
{
	struct in6_addr src, dst;

	memcpy(&src, v->b + 8, 16);
	memcpy(&dst, v->b + 24, 16);
	vrrp_rx_ip6(rx, v->b + 40, v->len - 40, &src, &dst, v->b[7]);
}

static void test_reference_ip6(void **state)
{
	struct vec v[MAXVEC];
	size_t n = load("v3_mcast6", v);
	struct vrrp_expect e = { .af = AF_INET6, .version = 3, .vrid = 51, .vips = vips6,
				 .nvips = 2 };

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct vrrp_rx rx;
		struct vrrp_advert a, enc = { .version = 3, .type = 1, .vrid = 51,
					      .priority = 150, .naddr = 2,
					      .max_adver_int_cs = 50, .af = AF_INET6,
					      .addrs = vips6 };
		uint8_t out[MAXPKT];

		ip6_rx(&v[i], &rx);
		assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_OK);
		assert_int_equal(a.max_adver_int_cs, 50);
		assert_int_equal(vrrp_advert_encode(out, sizeof(out), &enc, &rx.src, &rx.dst),
				 v[i].len - 40);
		dump("v3_mcast6", v[i].b, 40, out, v[i].len - 40);
		assert_memory_equal(out, v[i].b + 40, v[i].len - 40);
		/* hop limit 254 */
		rx.ttl = 254;
		assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_DROP_TTL);
		/* v2 over IPv6 does not exist */
		e.version = 2;
		ip6_rx(&v[i], &rx);
		assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_DROP_VERSION);
		e.version = 3;
		/* a packet saying version 2: no trailer over IPv6 (2.2.7), so the
		 * same length is a version error and 8 bytes more are too long */
		{
			uint8_t m[MAXPKT];
			size_t mlen = v[i].len - 40;
			struct in6_addr s6 = rx.src.u.v6, d6 = rx.dst.u.v6;

			memcpy(m, v[i].b + 40, mlen);
			m[0] = (uint8_t)(0x20 | (m[0] & 0x0f));
			vrrp_rx_ip6(&rx, m, mlen, &s6, &d6, 255);
			assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_DROP_VERSION);
			memset(m + mlen, 0, 8);
			vrrp_rx_ip6(&rx, m, mlen + 8, &s6, &d6, 255);
			assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_DROP_TOO_LONG);
			ip6_rx(&v[i], &rx);
		}
		/* a wrong pseudo-header (other destination) breaks the checksum */
		rx.dst.u.v6.s6_addr[15] ^= 1;
		assert_int_equal(vrrp_rx_validate(&rx, &e, &a, NULL), VRRP_DROP_CHECKSUM);
	}
}

/* Fixes the IPv4 header checksum after a mutation (the kernel would have
 * dropped a packet with a bad one). */
static void fix_ip(uint8_t *p)
{
	p[10] = p[11] = 0;
	uint16_t c = vrrp_inet_csum(p, (size_t)(p[0] & 15) * 4);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
}

/* Recomputes the VRRP checksum of an IPv4 packet without AH. */
static void fix_vrrp(uint8_t *p, size_t len, int version)
{
	struct vrrp_ip s = { .af = AF_INET }, d = { .af = AF_INET };
	uint16_t c;

	memcpy(&s.u.v4, p + 12, 4);
	memcpy(&d.u.v4, p + 16, 4);
	c = vrrp_advert_csum(version, p + 20, len - 20, &s, &d);
	p[26] = (uint8_t)(c >> 8);
	p[27] = (uint8_t)c;
}

struct mut {
	size_t off;
	uint8_t xor;
	bool fix_csum;
	enum vrrp_drop want;
};

static void apply_muts(const char *name, const struct mut *m, size_t nm, int version)
{
	const struct scen *s = NULL;
	struct vec v[MAXVEC];

	for (size_t i = 0; i < sizeof(SCEN) / sizeof(SCEN[0]); i++)
		if (!strcmp(SCEN[i].name, name))
			s = &SCEN[i];
	assert_non_null(s);
	load(name, v);
	for (size_t i = 0; i < nm; i++) {
		struct vrrp_expect e = expect_for(s);
		uint8_t p[MAXPKT];

		memcpy(p, v[0].b, v[0].len);
		p[m[i].off] ^= m[i].xor;
		if (m[i].fix_csum)
			fix_vrrp(p, v[0].len, version);
		fix_ip(p);
		print_message("%s: byte %zu ^ %#x -> %s\n", name, m[i].off, m[i].xor,
			      vrrp_drop_str(m[i].want));
		assert_string_equal(vrrp_drop_str(run_rx(p, v[0].len, &e, NULL)),
				    vrrp_drop_str(m[i].want));
	}
}

static void test_mutations_v2_pass(void **state)
{
	static const struct mut m[] = {
		{ 0, 0x10, false, VRRP_DROP_IP_HEADER },	/* IP version 5 */
		{ 0, 0x01, false, VRRP_DROP_IP_HEADER },	/* IHL 4 */
		{ 0, 0x0a, false, VRRP_DROP_TOO_SHORT },	/* IHL 15 > packet */
		{ 6, 0x20, false, VRRP_DROP_IP_HEADER },	/* MF */
		{ 9, 0x01, false, VRRP_DROP_IP_HEADER },	/* protocol 113 */
		{ 8, 0x01, false, VRRP_DROP_TTL },		/* TTL 254 */
		{ 20, 0x10, true, VRRP_DROP_TOO_LONG },	/* version 3: no trailer expected */
		{ 20, 0x40, true, VRRP_DROP_TOO_LONG },	/* version 6 */
		{ 20, 0x03, true, VRRP_DROP_TYPE },		/* type 2 */
		{ 24, 0x03, true, VRRP_DROP_AUTH_TYPE },	/* auth type 2 */
		{ 24, 0x01, true, VRRP_DROP_AUTH_TYPE },	/* auth type 0 */
		{ 47, 0x01, true, VRRP_DROP_AUTH_PASS },	/* last password byte */
		{ 40, 0x20, true, VRRP_DROP_AUTH_PASS },	/* first password byte */
		{ 25, 0x01, true, VRRP_DROP_INTERVAL },		/* 3 s */
		{ 27, 0x01, false, VRRP_DROP_CHECKSUM },
		{ 22, 0x01, false, VRRP_DROP_CHECKSUM },	/* priority, stale checksum */
		{ 21, 0x01, true, VRRP_DROP_VRID },
		{ 23, 0x01, true, VRRP_DROP_TOO_LONG },	/* count 2: the message is longer */
		{ 23, 0x07, true, VRRP_DROP_TOO_SHORT },	/* count 4: past the end */
		{ 39, 0x01, true, VRRP_DROP_ADDR_LIST },	/* 192.168.77.0 */
		{ 22, 0x96, true, VRRP_OK },			/* priority 0 is valid */
	};

	(void)state;
	apply_muts("v2_pass", m, sizeof(m) / sizeof(m[0]), 2);
}

static void test_mutations_v3(void **state)
{
	static const struct mut m[] = {
		{ 8, 0x01, false, VRRP_DROP_TTL },
		{ 20, 0x10, true, VRRP_DROP_TOO_SHORT },	/* version 2: a trailer expected */
		{ 20, 0x30, true, VRRP_DROP_VERSION },	/* version 0 */
		{ 20, 0x02, true, VRRP_DROP_TYPE },
		{ 24, 0x10, true, VRRP_OK },	/* reserved bits of Max Adver Int: ignored */
		{ 25, 0x01, true, VRRP_OK },			/* v3 interval is learnt */
		{ 26, 0x80, false, VRRP_DROP_CHECKSUM },
		{ 16, 0x01, false, VRRP_DROP_CHECKSUM },	/* multicast to 224.0.0.19 */
		{ 21, 0x80, true, VRRP_DROP_VRID },
		{ 39, 0x01, true, VRRP_DROP_ADDR_LIST },
	};

	(void)state;
	apply_muts("v3_mcast4", m, sizeof(m) / sizeof(m[0]), 3);
}

static void test_mutations_ah(void **state)
{
	static const struct mut m[] = {
		{ 8, 0x01, false, VRRP_DROP_TTL },
		{ 1, 0x04, false, VRRP_OK },		/* TOS is not covered by the ICV */
		{ 4, 0x01, false, VRRP_DROP_AH_ICV },	/* IP id is covered */
		{ 9, 0x0f, false, VRRP_DROP_IP_HEADER },/* protocol 60 */
		{ 20, 0x01, false, VRRP_DROP_IP_HEADER },/* AH next header 113 */
		{ 21, 0x01, false, VRRP_DROP_IP_HEADER },/* AH payload length 5 */
		{ 27, 0x01, false, VRRP_DROP_AH_ICV },	/* SPI */
		{ 31, 0x08, false, VRRP_DROP_AH_ICV },	/* sequence number */
		{ 43, 0x01, false, VRRP_DROP_AH_ICV },	/* ICV */
		{ 45, 0x01, false, VRRP_DROP_VRID },	/* VRID: demultiplexed first */
		{ 44, 0x30, false, VRRP_DROP_TOO_LONG },	/* VRRP version 1: no trailer */
		{ 48, 0x03, false, VRRP_DROP_AUTH_TYPE },	/* auth type PASS */
		{ 49, 0x03, false, VRRP_DROP_AH_ICV },	/* interval (ICV fails first) */
	};

	(void)state;
	apply_muts("v2_ah", m, sizeof(m) / sizeof(m[0]), 2);
}

/* Probes sent to the reference (probe_order.py): each line of probe_KIND.tsv
 * is "name, reason keepalived logged, packet hex, its log line".  "silent"
 * means keepalived logged nothing: the packet was accepted, or dropped
 * before any check (unknown VRID), or never delivered by the kernel (IP
 * length wrong), which our IPv4 parser reports as too_short, or filtered by
 * multicast group membership (NULL: nothing to compare). */
static const char *silent_reason(const char *name)
{
	if (!strcmp(name, "dst.19"))
		return NULL;
	if (strstr(name, "vrid"))
		return "vrid";
	if (!strcmp(name, "trunc-1") || !strcmp(name, "iplen-long"))
		return "too_short";
	return "ok";
}

static void run_probes(const char *kind, const struct vrrp_expect *e)
{
	char path[512], line[4 * MAXPKT];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/probe_%s.tsv", VRRP_DATA_DIR, kind);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		const char *name = strtok(line, "\t"), *want = strtok(NULL, "\t");
		char *hex = strtok(NULL, "\t\n");
		uint8_t p[MAXPKT];
		size_t len = hex ? strlen(hex) / 2 : 0;

		assert_non_null(hex);
		for (size_t i = 0; i < len; i++) {
			unsigned x;

			assert_int_equal(sscanf(hex + 2 * i, "%2x", &x), 1);
			p[i] = (uint8_t)x;
		}
		if (!strcmp(want, "silent"))
			want = silent_reason(name);
		if (!want)
			continue;
		print_message("%s %-24s keepalived: %s\n", kind, name, want);
		assert_string_equal(vrrp_drop_str(run_rx(p, len, e, NULL)), want);
		n++;
	}
	fclose(f);
	assert_true(n >= 40);
}

static void test_reference_order(void **state)
{
	struct vrrp_expect e = expect_for(&SCEN[1]);
	struct vrrp_peer peer = { .addr = { .af = AF_INET }, .min_ttl = 250, .max_ttl = 255 };

	(void)state;
	run_probes("v2pass", &e);
	e = expect_for(&SCEN[3]);
	e.ah_check_seq = true;	/* the reference had seen sequence number 1 */
	e.ah_last_seq = 1;
	run_probes("v2ah", &e);
	e = expect_for(&SCEN[5]);
	peer.addr.u.v4 = a4("10.9.0.1");
	e.peers = &peer;
	e.check_unicast_src = true;	/* implied by min_ttl */
	run_probes("v3ucast", &e);
}

static void test_ah_details(void **state)
{
	struct vec v[MAXVEC];
	size_t n = load("v2_ah", v);
	struct vrrp_expect e = expect_for(&SCEN[3]);
	uint8_t icv[VRRP_AH_ICV_LEN];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_true(vrrp_ah_icv(v[i].b, v[i].len, 20, "ahsecret", icv));
		assert_memory_equal(icv, v[i].b + 32, sizeof(icv));
		assert_true(vrrp_ah_verify(v[i].b, v[i].len, 20, "ahsecret"));
		assert_false(vrrp_ah_verify(v[i].b, v[i].len, 20, "ahsecreu"));
		/* only the first 8 bytes of the secret count */
		assert_true(vrrp_ah_verify(v[i].b, v[i].len, 20, "ahsecretXX"));
		assert_false(vrrp_ah_icv(v[i].b, 43, 20, "ahsecret", icv));
	}
	/* sequence numbers: accepted only when increasing */
	e.ah_check_seq = true;
	e.ah_last_seq = 1;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_AH_SEQ);
	assert_int_equal(run_rx(v[1].b, v[1].len, &e, NULL), VRRP_OK);
	e.auth_pass = "wrong";
	assert_int_equal(run_rx(v[1].b, v[1].len, &e, NULL), VRRP_DROP_AH_ICV);
	/* an AH packet to a PASS instance, and the reverse */
	e = expect_for(&SCEN[1]);
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_AUTH_TYPE);
	load("v2_pass", v);
	e = expect_for(&SCEN[3]);
	e.adver_int_s = 2;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_AUTH_TYPE);
}

static void test_truncations(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(SCEN) / sizeof(SCEN[0]); s++) {
		struct vec v[MAXVEC];
		struct vrrp_expect e = expect_for(&SCEN[s]);

		load(SCEN[s].name, v);
		for (size_t len = 0; len < v[0].len; len++) {
			uint8_t *p = malloc(len ? len : 1);	/* exact size for ASan */

			memcpy(p, v[0].b, len);
			assert_int_equal(run_rx(p, len, &e, NULL), VRRP_DROP_TOO_SHORT);
			/* the total length shortened to match: still too short */
			if (len >= 20) {
				p[2] = (uint8_t)(len >> 8);
				p[3] = (uint8_t)len;
				assert_int_not_equal(run_rx(p, len, &e, NULL), VRRP_OK);
			}
			free(p);
		}
		/* trailing bytes beyond the IP total length are ignored */
		v[0].b[v[0].len] = 0xaa;
		assert_int_equal(run_rx(v[0].b, v[0].len + 1, &e, NULL), VRRP_OK);
	}
}

static void test_old_checksum(void **state)
{
	struct vec old[MAXVEC], new[MAXVEC];
	struct vrrp_expect e = expect_for(&SCEN[5]);
	struct vrrp_rx_info info;

	(void)state;
	load("v3_ucast4_old", old);
	load("v3_ucast4", new);
	e.old_csum = VRRP_OLD_CSUM_NEVER;
	assert_int_equal(run_rx(old[0].b, old[0].len, &e, &info), VRRP_DROP_CHECKSUM);
	assert_int_equal(run_rx(new[0].b, new[0].len, &e, &info), VRRP_OK);
	assert_false(info.old_checksum);
	e.old_csum = VRRP_OLD_CSUM_ALWAYS;
	assert_int_equal(run_rx(old[0].b, old[0].len, &e, &info), VRRP_OK);
	assert_true(info.old_checksum);
	/* multicast instances never accept the old form */
	e.unicast = false;
	old[0].b[8] = 255;
	assert_int_equal(run_rx(old[0].b, old[0].len, &e, &info), VRRP_DROP_CHECKSUM);
}

static void test_unicast(void **state)
{
	struct vec v[MAXVEC];
	struct vrrp_expect e = expect_for(&SCEN[5]);
	struct vrrp_peer other = peer2;

	(void)state;
	load("v3_ucast4", v);
	e.check_unicast_src = true;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	other.addr.u.v4 = a4("10.9.0.3");
	e.peers = &other;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_UNICAST_SRC);
	e.check_unicast_src = false;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	/* the peer's TTL range; TTL 254 is fine for unicast without one */
	v[0].b[8] = 254;
	fix_ip(v[0].b);
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	e.peers = &peer2;
	peer2.min_ttl = 255;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_TTL);
	peer2.min_ttl = 250;
	peer2.max_ttl = 253;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_TTL);
	peer2.max_ttl = 254;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	peer2.min_ttl = 0;
	peer2.max_ttl = 255;
}

static void test_addr_checks(void **state)
{
	struct vec v[MAXVEC];
	struct vrrp_expect e = expect_for(&SCEN[4]);
	uint8_t reordered[12];

	(void)state;
	load("v3_mcast4", v);
	e.nvips = 2;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_ADDR_COUNT);
	e.skip_addr_check = true;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	e.skip_addr_check = false;
	e.nvips = 3;
	memcpy(reordered, vips4 + 8, 4);
	memcpy(reordered + 4, vips4, 8);
	e.vips = reordered;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_OK);
	e.vrid = 52;
	assert_int_equal(run_rx(v[0].b, v[0].len, &e, NULL), VRRP_DROP_VRID);
}

static void test_helpers(void **state)
{
	/* RFC 1071 section 3 example: sum 0xddf2, checksum 0x220d */
	static const uint8_t ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };
	struct vrrp_advert a = { .version = 3, .type = 1, .af = AF_INET,
				 .max_adver_int_cs = 4096 };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(vrrp_inet_csum(ex, sizeof(ex)), 0x220d);
	assert_int_equal(vrrp_inet_csum(odd, 1), 0xfeff);
	assert_int_equal(vrrp_interval_cs_clamp(0), 1);
	assert_int_equal(vrrp_interval_cs_clamp(100000), 4095);
	assert_int_equal(vrrp_us_to_cs(1500000), 150);
	assert_int_equal(vrrp_us_to_cs(4999), 0);
	assert_int_equal(vrrp_us_to_v2_s(500000), 1);
	assert_int_equal(vrrp_us_to_v2_s(2900000), 2);
	assert_int_equal(vrrp_cs_to_us(150), 1500000);
	assert_int_equal(vrrp_s_to_us(3), 3000000);
	assert_int_equal(vrrp_addr_len(AF_INET6), 16);
	assert_int_equal(vrrp_addr_len(AF_UNIX), 0);
	for (int r = 0; r < VRRP_DROP_MAX; r++) {
		assert_non_null(vrrp_drop_str((enum vrrp_drop)r));
		assert_string_not_equal(vrrp_drop_str((enum vrrp_drop)r), "unknown");
		for (int q = 0; q < r; q++)
			assert_string_not_equal(vrrp_drop_str((enum vrrp_drop)r),
						vrrp_drop_str((enum vrrp_drop)q));
	}
	assert_string_equal(vrrp_drop_str(VRRP_DROP_MAX), "unknown");
	assert_string_equal(vrrp_drop_str(VRRP_DROP_TTL), "ttl");
	/* unencodable adverts */
	assert_int_equal(vrrp_advert_encode(buf, sizeof(buf), &a, NULL, NULL), 0);
	a.max_adver_int_cs = 100;
	assert_int_equal(vrrp_advert_encode(buf, sizeof(buf), &a, NULL, NULL), 0);
	a.version = 2;
	a.af = AF_INET6;
	assert_int_equal(vrrp_advert_encode(buf, sizeof(buf), &a, NULL, NULL), 0);
	/* receive-side argument checks */
	{
		struct vrrp_rx rx;
		struct vrrp_advert out;
		struct vrrp_expect e = { .af = AF_INET, .version = 3, .vrid = 1 };
		struct in6_addr any = IN6ADDR_ANY_INIT;

		memset(buf, 0, sizeof(buf));
		buf[0] = 0x31;
		buf[1] = 7;
		vrrp_rx_ip6(&rx, buf, 8, &any, &any, 255);
		assert_int_equal(vrrp_rx_vrid(&rx), 7);
		assert_int_equal(vrrp_rx_validate(&rx, &e, &out, NULL), VRRP_DROP_IP_HEADER);
		e.af = AF_INET6;
		assert_int_equal(vrrp_rx_validate(&rx, &e, &out, NULL), VRRP_DROP_VRID);
		vrrp_rx_ip6(&rx, buf, 7, &any, &any, 255);
		assert_int_equal(vrrp_rx_vrid(&rx), -1);
		assert_int_equal(vrrp_rx_validate(&rx, &e, &out, NULL), VRRP_DROP_TOO_SHORT);
	}
	/* PASS data */
	vrrp_auth_pass_data("0123456789", buf);
	assert_memory_equal(buf, "01234567", 8);
	assert_true(vrrp_auth_pass_ok("01234567zz", buf));
	assert_false(vrrp_auth_pass_ok("0123456", buf));
	assert_false(vrrp_auth_pass_ok(NULL, buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_reference_ip4),
		cmocka_unit_test(test_reference_ip6),
		cmocka_unit_test(test_mutations_v2_pass),
		cmocka_unit_test(test_mutations_v3),
		cmocka_unit_test(test_mutations_ah),
		cmocka_unit_test(test_reference_order),
		cmocka_unit_test(test_ah_details),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_old_checksum),
		cmocka_unit_test(test_unicast),
		cmocka_unit_test(test_addr_checks),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
