/*
 * vrrp_packet.c - pure VRRP wire codec (see vrrp_packet.h for the contract
 * and the receive order).
 *
 * Reading goes through get8/get16/get32 on a pointer whose bounds were
 * checked just before; writing through put16/put32.  Multi-byte fields are
 * always converted explicitly, so the code is independent of host byte
 * order and alignment.
 */
#include <string.h>
#include <sys/socket.h>

#include "vrrp_auth.h"
#include "vrrp_packet.h"

static const char *const drop_names[VRRP_DROP_MAX] = {
	[VRRP_OK] = "ok",
	[VRRP_DROP_TOO_SHORT] = "too_short",
	[VRRP_DROP_TOO_LONG] = "too_long",
	[VRRP_DROP_IP_HEADER] = "ip_header",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH_PASS] = "auth_pass",
	[VRRP_DROP_AH_ICV] = "ah_icv",
	[VRRP_DROP_AH_SEQ] = "ah_seq",
	[VRRP_DROP_INTERVAL] = "interval",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_ADDR_COUNT] = "addr_count",
	[VRRP_DROP_ADDR_LIST] = "addr_list",
	[VRRP_DROP_UNICAST_SRC] = "unicast_src",
};

const char *vrrp_drop_str(enum vrrp_drop reason)
{
	if ((unsigned)reason >= VRRP_DROP_MAX)
		return "unknown";
	return drop_names[reason];
}

size_t vrrp_addr_len(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ---- units ---- */

uint16_t vrrp_interval_cs_clamp(uint32_t interval_cs)
{
	if (interval_cs < 1)
		return 1;
	return interval_cs > VRRP_V3_MAX_INT_CS ? VRRP_V3_MAX_INT_CS : (uint16_t)interval_cs;
}

uint32_t vrrp_us_to_cs(uint64_t interval_us)
{
	uint64_t cs = (interval_us + 5000) / 10000;

	return cs > UINT32_MAX ? UINT32_MAX : (uint32_t)cs;
}

uint8_t vrrp_us_to_v2_s(uint64_t interval_us)
{
	uint64_t s = interval_us / 1000000;

	return s < 1 ? 1 : s > 255 ? 255 : (uint8_t)s;
}

/* ---- checksums ---- */

uint32_t vrrp_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	/* Folding as we go keeps sum below 2^17, whatever the length. */
	for (; len >= 2; p += 2, len -= 2) {
		sum += get16(p);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t vrrp_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t vrrp_inet_csum(const void *buf, size_t len)
{
	return vrrp_csum_fold(vrrp_csum_add(0, buf, len));
}

/* Sum of the RFC 5798 5.2.8 pseudo-header (IPv4: RFC 768 style; IPv6:
 * RFC 2460 8.1). */
static uint32_t pseudo_sum(const struct vrrp_ip *src, const struct vrrp_ip *dst, size_t len)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	if (src->af == AF_INET) {
		sum = vrrp_csum_add(0, &src->u.v4, 4);
		sum = vrrp_csum_add(sum, &dst->u.v4, 4);
		tail[1] = VRRP_IPPROTO;
		put16(tail + 2, (uint16_t)len);
		return vrrp_csum_add(sum, tail, 4);
	}
	sum = vrrp_csum_add(0, &src->u.v6, 16);
	sum = vrrp_csum_add(sum, &dst->u.v6, 16);
	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[7] = VRRP_IPPROTO;
	return vrrp_csum_add(sum, tail, 8);
}

uint16_t vrrp_advert_csum(int version, const uint8_t *msg, size_t len,
			  const struct vrrp_ip *src, const struct vrrp_ip *dst)
{
	uint32_t sum = 0;

	if (len < VRRP_HDR_LEN)
		return 0;
	if (version == 3 && src && dst)
		sum = pseudo_sum(src, dst, len);
	sum = vrrp_csum_add(sum, msg, 6);
	sum = vrrp_csum_add(sum, msg + VRRP_HDR_LEN, len - VRRP_HDR_LEN);
	return vrrp_csum_fold(sum);
}

/* ---- the VRRP message ---- */

size_t vrrp_advert_len(const struct vrrp_advert *a)
{
	/* 2.2.7: over IPv6 even a packet saying version 2 has no trailer */
	return VRRP_HDR_LEN + (size_t)a->naddr * vrrp_addr_len(a->af) +
	       (a->version == 2 && a->af == AF_INET ? VRRP_AUTH_DATA_LEN : 0);
}

static bool advert_encodable(const struct vrrp_advert *a)
{
	if (a->version == 2)
		return a->af == AF_INET;
	if (a->version == 3)
		return vrrp_addr_len(a->af) && a->max_adver_int_cs <= VRRP_V3_MAX_INT_CS;
	return false;
}

size_t vrrp_advert_encode(uint8_t *buf, size_t buflen, const struct vrrp_advert *a,
			  const struct vrrp_ip *src, const struct vrrp_ip *dst)
{
	size_t alen = (size_t)a->naddr * vrrp_addr_len(a->af);
	size_t len = vrrp_advert_len(a);

	if (!advert_encodable(a) || buflen < len || (a->naddr && !a->addrs))
		return 0;
	if (a->version == 3 && (!src || !dst || src->af != a->af || dst->af != a->af))
		return 0;
	buf[0] = (uint8_t)(a->version << 4 | (a->type & 0x0f));
	buf[1] = a->vrid;
	buf[2] = a->priority;
	buf[3] = a->naddr;
	if (a->version == 2) {
		buf[4] = a->auth_type;
		buf[5] = a->adver_int_s;
	} else {
		put16(buf + 4, a->max_adver_int_cs & 0x0fff);
	}
	buf[6] = buf[7] = 0;
	if (alen)
		memcpy(buf + VRRP_HDR_LEN, a->addrs, alen);
	if (a->version == 2)
		memcpy(buf + VRRP_HDR_LEN + alen, a->auth_data, VRRP_AUTH_DATA_LEN);
	put16(buf + 6, vrrp_advert_csum(a->version, buf, len, src, dst));
	return len;
}

enum vrrp_drop vrrp_advert_decode(const uint8_t *msg, size_t len, int af,
				  struct vrrp_advert *out)
{
	memset(out, 0, sizeof(*out));
	if (len < VRRP_HDR_LEN || !vrrp_addr_len(af))
		return VRRP_DROP_TOO_SHORT;
	out->af = af;
	out->version = msg[0] >> 4;
	out->type = msg[0] & 0x0f;
	out->vrid = msg[1];
	out->priority = msg[2];
	out->naddr = msg[3];
	out->checksum = get16(msg + 6);
	if (out->version == 2) {
		out->auth_type = msg[4];
		out->adver_int_s = msg[5];
	} else {
		out->max_adver_int_cs = get16(msg + 4) & 0x0fff;
	}
	out->len = vrrp_advert_len(out);
	if (len < out->len)
		return VRRP_DROP_TOO_SHORT;
	if (len > out->len)
		return VRRP_DROP_TOO_LONG;
	if ((out->version != 2 && out->version != 3) || (out->version == 2 && af != AF_INET))
		return VRRP_DROP_VERSION;
	out->addrs = msg + VRRP_HDR_LEN;
	if (out->version == 2)
		memcpy(out->auth_data, msg + out->len - VRRP_AUTH_DATA_LEN, VRRP_AUTH_DATA_LEN);
	return VRRP_OK;
}

/* ---- IPv4 ---- */

size_t vrrp_ip4_encode(uint8_t *buf, size_t buflen, const struct vrrp_ip4_hdr *h,
		       size_t payload_len)
{
	if (buflen < VRRP_IP4_HDR_LEN || payload_len > 65535 - VRRP_IP4_HDR_LEN)
		return 0;
	buf[0] = 0x45;
	buf[1] = h->tos;
	put16(buf + 2, (uint16_t)(VRRP_IP4_HDR_LEN + payload_len));
	put16(buf + 4, h->id);
	buf[6] = buf[7] = 0;		/* keepalived does not set DF */
	buf[8] = h->ttl;
	buf[9] = h->protocol;
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, &h->src, 4);
	memcpy(buf + 16, &h->dst, 4);
	put16(buf + 10, vrrp_inet_csum(buf, VRRP_IP4_HDR_LEN));
	return VRRP_IP4_HDR_LEN;
}

size_t vrrp_tx4_encode(uint8_t *buf, size_t buflen, const struct vrrp_tx4 *tx)
{
	struct vrrp_advert a = tx->adv;
	struct vrrp_ip4_hdr ip = tx->ip;
	struct vrrp_ip src = { .af = AF_INET }, dst = { .af = AF_INET };
	bool ah = a.version == 2 && a.auth_type == VRRP_AUTH_AH;
	size_t off = VRRP_IP4_HDR_LEN + (ah ? VRRP_AH_LEN : 0), len;

	if (a.af != AF_INET || buflen < off)
		return 0;
	src.u.v4 = ip.src;
	dst.u.v4 = ip.dst;
	if (tx->old_checksum)
		dst.u.v4.s_addr = htonl(VRRP_MCAST4);
	if (a.version == 2)
		vrrp_auth_pass_data(a.auth_type == VRRP_AUTH_PASS ? tx->auth_pass : NULL,
				    a.auth_data);
	len = vrrp_advert_encode(buf + off, buflen - off, &a, &src, &dst);
	if (!len)
		return 0;
	ip.protocol = ah ? VRRP_AH_IPPROTO : VRRP_IPPROTO;
	if (!vrrp_ip4_encode(buf, buflen, &ip, off - VRRP_IP4_HDR_LEN + len))
		return 0;
	if (ah) {
		vrrp_ah_encode(buf + VRRP_IP4_HDR_LEN, VRRP_AH_LEN, buf + 12, tx->ah_seq);
		if (!vrrp_ah_sign(buf, off + len, VRRP_IP4_HDR_LEN, tx->auth_pass))
			return 0;
	}
	return off + len;
}

/* ---- receive ---- */

/* Parses the AH header at pkt[off..end) into rx. */
static enum vrrp_drop rx_ah(const uint8_t *pkt, size_t off, size_t end, struct vrrp_rx *rx)
{
	if (end - off < VRRP_AH_LEN)
		return VRRP_DROP_TOO_SHORT;
	if (pkt[off] != VRRP_IPPROTO || pkt[off + 1] != VRRP_AH_LEN / 4 - 2)
		return VRRP_DROP_IP_HEADER;
	rx->ah = true;
	rx->ah_spi = get32(pkt + off + 4);
	rx->ah_seq = get32(pkt + off + 8);
	return VRRP_OK;
}

enum vrrp_drop vrrp_rx_ip4(const uint8_t *pkt, size_t len, struct vrrp_rx *rx)
{
	size_t ihl, tot, off;
	enum vrrp_drop r;

	memset(rx, 0, sizeof(*rx));
	if (len < VRRP_IP4_HDR_LEN)
		return VRRP_DROP_TOO_SHORT;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = get16(pkt + 2);
	if (pkt[0] >> 4 != 4 || ihl < VRRP_IP4_HDR_LEN)
		return VRRP_DROP_IP_HEADER;
	if (len < ihl || len < tot)
		return VRRP_DROP_TOO_SHORT;
	if (tot < ihl || (get16(pkt + 6) & 0x3fff))
		return VRRP_DROP_IP_HEADER;
	if (pkt[9] != VRRP_IPPROTO && pkt[9] != VRRP_AH_IPPROTO)
		return VRRP_DROP_IP_HEADER;
	rx->src.af = rx->dst.af = AF_INET;
	memcpy(&rx->src.u.v4, pkt + 12, 4);
	memcpy(&rx->dst.u.v4, pkt + 16, 4);
	rx->ttl = pkt[8];
	rx->ip = pkt;
	rx->ip_len = tot;
	rx->ip_hdr_len = ihl;
	off = ihl;
	if (pkt[9] == VRRP_AH_IPPROTO) {
		r = rx_ah(pkt, off, tot, rx);
		if (r != VRRP_OK)
			return r;
		off += VRRP_AH_LEN;
	}
	if (tot - off < VRRP_HDR_LEN)
		return VRRP_DROP_TOO_SHORT;
	rx->vrrp = pkt + off;
	rx->vrrp_len = tot - off;
	return VRRP_OK;
}

void vrrp_rx_ip6(struct vrrp_rx *rx, const uint8_t *msg, size_t len,
		 const struct in6_addr *src, const struct in6_addr *dst, uint8_t hop_limit)
{
	memset(rx, 0, sizeof(*rx));
	rx->src.af = rx->dst.af = AF_INET6;
	rx->src.u.v6 = *src;
	rx->dst.u.v6 = *dst;
	rx->ttl = hop_limit;
	rx->vrrp = msg;
	rx->vrrp_len = len;
}

static bool ip_equal(const struct vrrp_ip *a, const struct vrrp_ip *b)
{
	return a->af == b->af && memcmp(&a->u, &b->u, vrrp_addr_len(a->af)) == 0;
}

static const struct vrrp_peer *find_peer(const struct vrrp_expect *exp, const struct vrrp_ip *src)
{
	for (size_t i = 0; i < exp->npeers; i++)
		if (ip_equal(&exp->peers[i].addr, src))
			return &exp->peers[i];
	return NULL;
}

int vrrp_rx_vrid(const struct vrrp_rx *rx)
{
	if (!rx->vrrp || rx->vrrp_len < VRRP_HDR_LEN)
		return -1;
	return rx->vrrp[1];
}

/* Steps 12 and 13: unicast source and the peer's TTL range. */
static enum vrrp_drop check_unicast(const struct vrrp_rx *rx, const struct vrrp_expect *exp)
{
	const struct vrrp_peer *peer = find_peer(exp, &rx->src);

	if (!peer)
		return exp->check_unicast_src ? VRRP_DROP_UNICAST_SRC : VRRP_OK;
	if (rx->ttl < peer->min_ttl || rx->ttl > peer->max_ttl)
		return VRRP_DROP_TTL;
	return VRRP_OK;
}

/* Steps 5 and 6: v2 authentication. */
static enum vrrp_drop check_auth(const struct vrrp_rx *rx, const struct vrrp_expect *exp,
				 const struct vrrp_advert *a)
{
	if (a->auth_type != exp->auth_type || rx->ah != (exp->auth_type == VRRP_AUTH_AH))
		return VRRP_DROP_AUTH_TYPE;
	if (a->auth_type == VRRP_AUTH_PASS && !vrrp_auth_pass_ok(exp->auth_pass, a->auth_data))
		return VRRP_DROP_AUTH_PASS;
	if (a->auth_type == VRRP_AUTH_AH) {
		if (!rx->ip || !vrrp_ah_verify(rx->ip, rx->ip_len, rx->ip_hdr_len, exp->auth_pass))
			return VRRP_DROP_AH_ICV;
		if (exp->ah_check_seq && rx->ah_seq <= exp->ah_last_seq)
			return VRRP_DROP_AH_SEQ;
	}
	return VRRP_OK;
}

/* True if the message's checksum verifies against the pseudo-header of
 * src/dst (v3): the ones-complement sum over everything, checksum field
 * included, is 0xffff (either representation of zero is accepted). */
static bool csum_ok(int version, const uint8_t *msg, size_t len, const struct vrrp_ip *src,
		    const struct vrrp_ip *dst)
{
	uint32_t sum = version == 3 ? pseudo_sum(src, dst, len) : 0;

	return vrrp_csum_fold(vrrp_csum_add(sum, msg, len)) == 0;
}

/* Step 10: checksum, with keepalived's old v3 unicast variant. */
static enum vrrp_drop check_csum(const struct vrrp_rx *rx, const struct vrrp_expect *exp,
				 const struct vrrp_advert *a, struct vrrp_rx_info *info)
{
	struct vrrp_ip mcast = { .af = AF_INET };

	if (csum_ok(a->version, rx->vrrp, a->len, &rx->src, &rx->dst))
		return VRRP_OK;
	if (a->version != 3 || a->af != AF_INET || !exp->unicast ||
	    exp->old_csum == VRRP_OLD_CSUM_NEVER)
		return VRRP_DROP_CHECKSUM;
	mcast.u.v4.s_addr = htonl(VRRP_MCAST4);
	if (!csum_ok(3, rx->vrrp, a->len, &rx->src, &mcast))
		return VRRP_DROP_CHECKSUM;
	info->old_checksum = true;
	return VRRP_OK;
}

/* Step 9: the advertised count against ours. */
static enum vrrp_drop check_count(const struct vrrp_expect *exp, const struct vrrp_advert *a)
{
	return a->naddr == exp->nvips ? VRRP_OK : VRRP_DROP_ADDR_COUNT;
}

/* Step 11: every one of our VIPs must be advertised (any order). */
static enum vrrp_drop check_addrs(const struct vrrp_expect *exp, const struct vrrp_advert *a)
{
	size_t alen = vrrp_addr_len(a->af);

	for (size_t i = 0; i < exp->nvips; i++) {
		const uint8_t *vip = exp->vips + i * alen;
		bool found = false;

		for (size_t j = 0; j < a->naddr && !found; j++)
			found = memcmp(vip, a->addrs + j * alen, alen) == 0;
		if (!found)
			return VRRP_DROP_ADDR_LIST;
	}
	return VRRP_OK;
}

/* Steps 2 to 8: structure, multicast TTL, version, v2 authentication and
 * interval, type. */
static enum vrrp_drop check_header(const struct vrrp_rx *rx, const struct vrrp_expect *exp,
				   struct vrrp_advert *a)
{
	enum vrrp_drop r = vrrp_advert_decode(rx->vrrp, rx->vrrp_len, exp->af, a);

	/* keepalived checks the TTL after the length but before the version */
	if (r == VRRP_DROP_TOO_SHORT || r == VRRP_DROP_TOO_LONG)
		return r;
	if (!exp->unicast && rx->ttl != VRRP_TTL)
		return VRRP_DROP_TTL;
	if (r != VRRP_OK)
		return r;
	if (a->version != exp->version)
		return VRRP_DROP_VERSION;
	if (a->version == 2) {
		r = check_auth(rx, exp, a);
		if (r != VRRP_OK)
			return r;
		if (a->adver_int_s != exp->adver_int_s)
			return VRRP_DROP_INTERVAL;
	} else if (rx->ah) {
		return VRRP_DROP_AUTH_TYPE;
	}
	return a->type == VRRP_TYPE_ADVERT ? VRRP_OK : VRRP_DROP_TYPE;
}

enum vrrp_drop vrrp_rx_validate(const struct vrrp_rx *rx, const struct vrrp_expect *exp,
				struct vrrp_advert *out, struct vrrp_rx_info *info)
{
	struct vrrp_rx_info dummy;
	enum vrrp_drop r;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	memset(out, 0, sizeof(*out));
	if (rx->src.af != exp->af)
		return VRRP_DROP_IP_HEADER;	/* caller error: wrong family */
	if (vrrp_rx_vrid(rx) < 0)
		return VRRP_DROP_TOO_SHORT;
	if (rx->vrrp[1] != exp->vrid)
		return VRRP_DROP_VRID;
	r = check_header(rx, exp, out);
	if (r == VRRP_OK && !exp->skip_addr_check)
		r = check_count(exp, out);
	if (r == VRRP_OK)
		r = check_csum(rx, exp, out, info);
	if (r == VRRP_OK && !exp->skip_addr_check)
		r = check_addrs(exp, out);
	if (r == VRRP_OK && exp->unicast)
		r = check_unicast(rx, exp);
	return r;
}
