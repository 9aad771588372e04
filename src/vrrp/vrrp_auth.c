/*
 * vrrp_auth.c - VRRPv2 PASS and IPSEC-AH authentication (see vrrp_auth.h).
 *
 * HMAC-MD5 (RFC 2104) is computed here over three pieces (the IP header with
 * its mutable fields zeroed, the AH header with its ICV zeroed, the rest of
 * the packet) with OpenSSL's MD5 (md5.h: libcrypto is loaded on first use),
 * so the received packet is never copied or modified.
 */
#include <string.h>

#include "md5.h"
#include "vrrp_auth.h"
#include "vrrp_packet.h"

#define MD5_BLOCK 64
#define MD5_LEN 16

void vrrp_auth_pass_data(const char *pass, uint8_t out[8])
{
	memset(out, 0, VRRP_AUTH_DATA_LEN);
	if (pass)
		memcpy(out, pass, strnlen(pass, VRRP_AUTH_DATA_LEN));
}

static bool equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

bool vrrp_auth_pass_ok(const char *pass, const uint8_t data[8])
{
	uint8_t want[VRRP_AUTH_DATA_LEN];

	vrrp_auth_pass_data(pass, want);
	return equal_ct(want, data, VRRP_AUTH_DATA_LEN);
}

size_t vrrp_ah_encode(uint8_t *buf, size_t buflen, const uint8_t spi[4], uint32_t seq)
{
	if (buflen < VRRP_AH_LEN)
		return 0;
	memset(buf, 0, VRRP_AH_LEN);
	buf[0] = VRRP_IPPROTO;
	buf[1] = (VRRP_AH_LEN / 4) - 2;		/* RFC 2402 2.2: 32-bit words - 2 */
	memcpy(buf + 4, spi, 4);
	buf[8] = (uint8_t)(seq >> 24);
	buf[9] = (uint8_t)(seq >> 16);
	buf[10] = (uint8_t)(seq >> 8);
	buf[11] = (uint8_t)seq;
	return VRRP_AH_LEN;
}

/* Feeds the packet to ctx as keepalived covers it: mutable IP fields and
 * the ICV zeroed. */
static bool md5_packet(struct ka_md5 *ctx, const uint8_t *pkt, size_t len, size_t ihl)
{
	uint8_t ip[VRRP_IP4_HDR_LEN], ah[VRRP_AH_LEN];

	memcpy(ip, pkt, sizeof(ip));
	ip[1] = 0;			/* TOS */
	ip[6] = ip[7] = 0;		/* flags, fragment offset */
	ip[10] = ip[11] = 0;		/* header checksum */
	memcpy(ah, pkt + ihl, sizeof(ah));
	memset(ah + VRRP_AH_ICV_OFF, 0, VRRP_AH_ICV_LEN);
	return ka_md5_update(ctx, ip, sizeof(ip)) &&
	       ka_md5_update(ctx, pkt + sizeof(ip), ihl - sizeof(ip)) &&
	       ka_md5_update(ctx, ah, sizeof(ah)) &&
	       ka_md5_update(ctx, pkt + ihl + sizeof(ah), len - ihl - sizeof(ah));
}

/* One pass of HMAC: MD5((key ^ pad) || data...). */
static bool hmac_pass(struct ka_md5 *ctx, const uint8_t key[MD5_BLOCK], uint8_t pad)
{
	uint8_t k[MD5_BLOCK];

	for (size_t i = 0; i < MD5_BLOCK; i++)
		k[i] = (uint8_t)(key[i] ^ pad);
	return ka_md5_init(ctx) && ka_md5_update(ctx, k, sizeof(k));
}

bool vrrp_ah_icv(const uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass,
		 uint8_t icv[12])
{
	uint8_t key[MD5_BLOCK] = { 0 }, inner[MD5_LEN], outer[MD5_LEN];
	struct ka_md5 *ctx;
	bool ok;

	if (ip_hdr_len < VRRP_IP4_HDR_LEN || len < ip_hdr_len || len - ip_hdr_len < VRRP_AH_LEN)
		return false;
	vrrp_auth_pass_data(pass, key);
	ctx = ka_md5_new();
	if (!ctx)
		return false;
	ok = hmac_pass(ctx, key, 0x36) && md5_packet(ctx, pkt, len, ip_hdr_len) &&
	     ka_md5_final(ctx, inner) &&
	     hmac_pass(ctx, key, 0x5c) && ka_md5_update(ctx, inner, sizeof(inner)) &&
	     ka_md5_final(ctx, outer);
	ka_md5_free(ctx);
	if (ok)
		memcpy(icv, outer, VRRP_AH_ICV_LEN);
	return ok;
}

bool vrrp_ah_sign(uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass)
{
	uint8_t icv[VRRP_AH_ICV_LEN];

	if (!vrrp_ah_icv(pkt, len, ip_hdr_len, pass, icv))
		return false;
	memcpy(pkt + ip_hdr_len + VRRP_AH_ICV_OFF, icv, sizeof(icv));
	return true;
}

bool vrrp_ah_verify(const uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass)
{
	uint8_t icv[VRRP_AH_ICV_LEN];

	if (!vrrp_ah_icv(pkt, len, ip_hdr_len, pass, icv))
		return false;
	return equal_ct(icv, pkt + ip_hdr_len + VRRP_AH_ICV_OFF, sizeof(icv));
}
