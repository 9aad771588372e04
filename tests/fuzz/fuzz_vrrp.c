/*
 * fuzz_vrrp.c - libFuzzer target for the VRRP wire codec: arbitrary bytes
 * go through the IPv4 receive pipeline (IP header, AH, decode, validate)
 * under several instance expectations (v2 none/PASS/AH, v3 multicast, v3
 * unicast with old-checksum detection), through the IPv6 path as a bare
 * VRRP message, and through the decoder alone.  Invariants checked besides
 * the sanitizers: every result has a name, and an accepted message
 * re-encodes to the same bytes (reserved bits aside).  Each input also runs
 * a second time with its VRRP checksum (and AH ICV) recomputed, so that the
 * checks after the checksum (addresses, unicast source, TTL range, AH
 * sequence) see mutated packets too.
 * Build and run: see tests/fuzz/README.md (make fuzz-vrrp).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "vrrp_auth.h"
#include "vrrp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t VIPS4[] = { 10, 9, 0, 100, 10, 9, 0, 101, 192, 168, 77, 1 };
static const uint8_t VIPS6[32] = { 0xfd, 0, 0, 9, [15] = 0x01, 0xfd, 0, 0, 9, [31] = 0x01 };

static void check_name(enum vrrp_drop r)
{
	if (!strcmp(vrrp_drop_str(r), "unknown"))
		__builtin_trap();
}

/* An accepted message must re-encode to itself, v3 reserved bits and the
 * checksum field aside (the sender may have summed the reserved bits, and
 * 0x0000 and 0xffff both verify). */
static void check_roundtrip(const struct vrrp_rx *rx, const struct vrrp_advert *a,
			    const struct vrrp_rx_info *info)
{
	uint8_t buf[8 + 255 * 16 + 8];
	struct vrrp_ip dst = rx->dst;
	size_t len;

	if (info->old_checksum)
		dst.u.v4.s_addr = htonl(VRRP_MCAST4);
	len = vrrp_advert_encode(buf, sizeof(buf), a, &rx->src, &dst);
	if (len != a->len)
		__builtin_trap();
	if (a->version == 3)
		buf[4] |= rx->vrrp[4] & 0xf0;
	if (memcmp(buf, rx->vrrp, 6) != 0 || memcmp(buf + 8, rx->vrrp + 8, len - 8) != 0)
		__builtin_trap();
}

static void run4(const uint8_t *data, size_t size, const struct vrrp_expect *exp)
{
	struct vrrp_rx rx;
	struct vrrp_advert a;
	struct vrrp_rx_info info;
	enum vrrp_drop r = vrrp_rx_ip4(data, size, &rx);

	check_name(r);
	if (r != VRRP_OK)
		return;
	(void)vrrp_rx_vrid(&rx);
	r = vrrp_rx_validate(&rx, exp, &a, &info);
	check_name(r);
	if (r == VRRP_OK)
		check_roundtrip(&rx, &a, &info);
}

/* Copies the packet and repairs its VRRP checksum and AH ICV. */
static size_t fix_packet(const uint8_t *data, size_t size, uint8_t *buf, size_t buflen)
{
	struct vrrp_rx rx;
	struct vrrp_advert a;
	uint8_t *msg;
	uint16_t c;

	if (size > buflen)
		return 0;
	memcpy(buf, data, size);
	if (vrrp_rx_ip4(buf, size, &rx) != VRRP_OK)
		return 0;
	msg = buf + (rx.vrrp - buf);
	if (vrrp_advert_decode(msg, rx.vrrp_len, AF_INET, &a) != VRRP_OK)
		return 0;
	c = vrrp_advert_csum(a.version, msg, a.len, &rx.src, &rx.dst);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
	if (rx.ah && !vrrp_ah_sign(buf, rx.ip_len, rx.ip_hdr_len, "ahsecret"))
		__builtin_trap();
	return size;
}

static void run6(const uint8_t *data, size_t size)
{
	static const struct vrrp_expect exp = {
		.af = AF_INET6, .version = 3, .vrid = 51, .vips = VIPS6, .nvips = 2,
	};
	struct in6_addr src = { .s6_addr = { 0xfe, 0x80, [15] = 1 } };
	struct in6_addr dst = { .s6_addr = { 0xff, 0x02, [15] = 0x12 } };
	struct vrrp_rx rx;
	struct vrrp_advert a;
	struct vrrp_rx_info info;
	enum vrrp_drop r;

	vrrp_rx_ip6(&rx, data, size, &src, &dst, 255);
	r = vrrp_rx_validate(&rx, &exp, &a, &info);
	check_name(r);
	if (r == VRRP_OK)
		check_roundtrip(&rx, &a, &info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vrrp_peer peer = {
		.addr = { .af = AF_INET, .u.v4.s_addr = 0x0100090a }, /* 10.9.0.1 */
		.min_ttl = 250, .max_ttl = 255,
	};
	const struct vrrp_expect exps[] = {
		{ .af = AF_INET, .version = 2, .vrid = 51, .adver_int_s = 1, .vips = VIPS4,
		  .nvips = 3 },
		{ .af = AF_INET, .version = 2, .vrid = 51, .adver_int_s = 2, .vips = VIPS4,
		  .nvips = 3, .auth_type = VRRP_AUTH_PASS, .auth_pass = "secret12" },
		{ .af = AF_INET, .version = 2, .vrid = 51, .adver_int_s = 1, .vips = VIPS4,
		  .nvips = 3, .auth_type = VRRP_AUTH_AH, .auth_pass = "ahsecret",
		  .ah_check_seq = true, .ah_last_seq = 1 },
		{ .af = AF_INET, .version = 3, .vrid = 51, .vips = VIPS4, .nvips = 3,
		  .skip_addr_check = true },
		{ .af = AF_INET, .version = 3, .vrid = 51, .vips = VIPS4, .nvips = 3,
		  .unicast = true, .check_unicast_src = true, .peers = &peer, .npeers = 1 },
	};
	struct vrrp_advert a;
	static uint8_t buf[4096];
	size_t fixed = fix_packet(data, size, buf, sizeof(buf));

	for (size_t i = 0; i < sizeof(exps) / sizeof(exps[0]); i++) {
		run4(data, size, &exps[i]);
		if (fixed)
			run4(buf, fixed, &exps[i]);
	}
	run6(data, size);
	check_name(vrrp_advert_decode(data, size, AF_INET, &a));
	check_name(vrrp_advert_decode(data, size, AF_INET6, &a));
	(void)vrrp_inet_csum(data, size);
	return 0;
}
