/*
 * vrrp_packet.h - pure VRRP wire codec: encode, decode and validate adverts.
 *
 * Design.  Everything here works on caller-supplied byte buffers and plain
 * structs: no sockets, no instance state, no configuration, no logging, no
 * allocation.  Encoders return the number of bytes written (0 = the buffer is
 * too small or the parameters are invalid); receive steps return an enum
 * vrrp_drop (VRRP_OK or the one reason the packet is dropped).  Received bytes
 * are read field by field with explicit byte order and a bounds check before
 * every access; no struct is ever cast onto them.  Safe for arbitrary input.
 *
 * Formats: VRRPv2 (RFC 3768 section 5; IPv4 only; Adver Int in seconds; an
 * 8-byte authentication data trailer; checksum over the VRRP message) and
 * VRRPv3 (RFC 5798 section 5; IPv4 and IPv6; 12-bit Max Adver Int in
 * centiseconds; checksum over a pseudo-header, RFC 5798 5.2.8).  With
 * keepalived's IPSEC-AH authentication (VRRPv2 only) the IPv4 packet carries
 * an RFC 2402 AH header between the IP header and the VRRP message; see
 * vrrp_auth.h.
 *
 * Receive pipeline (one exit per packet, one reason per drop).  The order
 * is keepalived 2.2.7's, established by sending it packets with two faults
 * and reading which one it logs (tests/unit/data/vrrp/probe_order.py):
 *   (a) vrrp_rx_ip4() parses the IPv4 header a raw socket delivers (and the
 *       AH header when protocol is 51); for IPv6 the caller fills the struct
 *       with vrrp_rx_ip6() from recvmsg() data (hop limit, addresses).
 *         VRRP_DROP_TOO_SHORT, VRRP_DROP_IP_HEADER
 *   (b) vrrp_advert_decode() decodes the VRRP message (structure only).
 *         VRRP_DROP_TOO_SHORT, VRRP_DROP_TOO_LONG, VRRP_DROP_VERSION
 *   (c) vrrp_rx_validate() checks against the instance's expectations
 *       (struct vrrp_expect), running (b) at step 2:
 *         1. VRID == ours (keepalived demultiplexes on it first and drops
 *            unknown VRIDs silently)                       VRRP_DROP_VRID
 *         2. length == what the packet's version and count imply (the v2
 *            trailer counts when the packet says version 2, over IPv4
 *            only: 2.2.7 finds a v2 advert with trailer over IPv6 too long)
 *                                    ..._TOO_SHORT, ..._TOO_LONG
 *         3. multicast: TTL / Hop Limit == 255             VRRP_DROP_TTL
 *         4. version == ours (and not v2 over IPv6)       ..._VERSION
 *         5. v2: auth type == ours (AH present iff ours is AH)
 *                                                          ..._AUTH_TYPE
 *         6. v2: PASS data; AH ICV, then AH sequence number
 *                                ..._AUTH_PASS, ..._AH_ICV, ..._AH_SEQ
 *         7. v2: Adver Int == ours                          ..._INTERVAL
 *         8. type == ADVERTISEMENT                          ..._TYPE
 *         9. unless skip_addr_check: count == our VIP count ..._ADDR_COUNT
 *        10. checksum (v3 over IPv4 unicast: the old pseudo-header with the
 *            multicast group is accepted too, see vrrp_expect)  ..._CHECKSUM
 *        11. unless skip_addr_check: each of our VIPs is in the advert
 *                                                          ..._ADDR_LIST
 *        12. unicast: with check_unicast_src the source must be a peer
 *                                                      ..._UNICAST_SRC
 *        13. unicast: the TTL of a known peer's packet must be within that
 *            peer's [min_ttl, max_ttl] (no TTL check for unicast otherwise)
 *                                                          VRRP_DROP_TTL
 *       Probes showing each pair's order: tests/unit/data/vrrp/probe_*.txt.
 *
 * Units are in the names: _s (seconds), _cs (centiseconds), _us.
 */
#ifndef KA_VRRP_PACKET_H
#define KA_VRRP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/time.h>

#define VRRP_IPPROTO		112	/* IANA protocol number of VRRP */
#define VRRP_AH_IPPROTO		51	/* IPSEC AH */
#define VRRP_TTL		255	/* RFC 5798 5.1.1.3 */
#define VRRP_IP4_TOS		0xc0	/* keepalived: IPTOS_PREC_INTERNETCONTROL */
#define VRRP_TYPE_ADVERT	1
#define VRRP_HDR_LEN		8	/* fixed part of a VRRP message */
#define VRRP_AUTH_DATA_LEN	8	/* v2 trailer; also the max PASS length */
#define VRRP_IP4_HDR_LEN	20	/* IPv4 header without options */
#define VRRP_AH_LEN		24	/* AH header with a 96-bit ICV */
#define VRRP_AH_ICV_LEN		12
#define VRRP_MAX_ADDRS		255
#define VRRP_V3_MAX_INT_CS	4095	/* 12-bit field */
#define VRRP_MCAST4		0xe0000012u	/* 224.0.0.18, host order */

/* VRRPv2 Auth Type field (RFC 2338 5.3.6; keepalived's values). */
enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,
	VRRP_AUTH_AH = 2,
};

/* The one reason a received packet is dropped; VRRP_OK when accepted. */
enum vrrp_drop {
	VRRP_OK = 0,
	VRRP_DROP_TOO_SHORT,	/* buffer shorter than a header or the count says */
	VRRP_DROP_TOO_LONG,	/* VRRP message longer than its count says */
	VRRP_DROP_IP_HEADER,	/* bad IPv4 version/IHL/length/protocol/AH header */
	VRRP_DROP_TTL,		/* TTL/Hop Limit not 255 or outside the peer's range */
	VRRP_DROP_VERSION,	/* not 2 or 3, or not the instance's version */
	VRRP_DROP_TYPE,		/* not ADVERTISEMENT */
	VRRP_DROP_AUTH_TYPE,	/* v2 auth type differs from ours */
	VRRP_DROP_AUTH_PASS,	/* v2 PASS data differs */
	VRRP_DROP_AH_ICV,	/* AH ICV (HMAC-MD5-96) does not verify */
	VRRP_DROP_AH_SEQ,	/* AH sequence number not increasing */
	VRRP_DROP_INTERVAL,	/* v2 Adver Int differs from ours */
	VRRP_DROP_CHECKSUM,	/* VRRP checksum wrong */
	VRRP_DROP_VRID,		/* VRID is not ours */
	VRRP_DROP_ADDR_COUNT,	/* Count IPvX Addr differs from our VIP count */
	VRRP_DROP_ADDR_LIST,	/* an advertised address is not one of our VIPs */
	VRRP_DROP_UNICAST_SRC,	/* unicast source is not a configured peer */
	VRRP_DROP_MAX
};

/* Short stable name of a reason ("ok", "too_short", "ttl", ...), for stats
 * dumps and logs; "unknown" for out-of-range values. */
const char *vrrp_drop_str(enum vrrp_drop reason);

/* An IPv4 or IPv6 address in network byte order; af is AF_INET or AF_INET6. */
struct vrrp_ip {
	int af;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* Bytes an address of this family takes on the wire: 4, 16, or 0. */
size_t vrrp_addr_len(int af);

/* ---- units ---- */

/* v3 Max Adver Int from centiseconds, clamped to 1..4095. */
uint16_t vrrp_interval_cs_clamp(uint32_t interval_cs);
/* Microseconds to centiseconds, rounded to nearest. */
uint32_t vrrp_us_to_cs(uint64_t interval_us);
static inline uint64_t vrrp_cs_to_us(uint32_t interval_cs) { return (uint64_t)interval_cs * 10000u; }
static inline uint64_t vrrp_s_to_us(uint32_t interval_s) { return (uint64_t)interval_s * 1000000u; }
/* Microseconds to whole seconds as VRRPv2 sends them (rounded down, >= 1). */
uint8_t vrrp_us_to_v2_s(uint64_t interval_us);

/* ---- checksums ---- */

/* RFC 1071 Internet checksum of buf[0..len), as the 16-bit value to store
 * (host order); a buffer that includes a correct checksum sums to 0. */
uint16_t vrrp_inet_csum(const void *buf, size_t len);
/* Ones-complement partial sum, to chain pieces (pseudo-headers). */
uint32_t vrrp_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t vrrp_csum_fold(uint32_t sum);

/* Checksum of a VRRP message msg[0..len) whose checksum field (bytes 6-7)
 * is taken as zero.  version 2: over the message only; version 3: with the
 * pseudo-header of src/dst (same family; RFC 2460 8.1 for IPv6).  Returns
 * the value to store, host order. */
uint16_t vrrp_advert_csum(int version, const uint8_t *msg, size_t len,
			  const struct vrrp_ip *src, const struct vrrp_ip *dst);

/* ---- the VRRP message ---- */

/* A VRRP advert, host byte order except addresses. */
struct vrrp_advert {
	uint8_t version;	/* 2 or 3 */
	uint8_t type;		/* VRRP_TYPE_ADVERT (decode does not check it) */
	uint8_t vrid;		/* Virtual Rtr ID, 1..255 */
	uint8_t priority;	/* 0..255 */
	uint8_t naddr;		/* Count IPvX Addr */
	uint8_t auth_type;	/* v2 Auth Type (0 in v3) */
	uint8_t adver_int_s;	/* v2 Adver Int, seconds */
	uint16_t max_adver_int_cs; /* v3 Max Adver Int, centiseconds (12 bits) */
	uint16_t checksum;	/* as on the wire (decode) */
	int af;			/* family of the addresses */
	const uint8_t *addrs;	/* naddr packed addresses (4 or 16 bytes each) */
	uint8_t auth_data[VRRP_AUTH_DATA_LEN]; /* v2 trailer */
	size_t len;		/* length of the message in bytes */
};

/* Length of the message a encodes: 8 + naddr * addr_len (+ 8 for v2 over IPv4). */
size_t vrrp_advert_len(const struct vrrp_advert *a);

/* Writes the VRRP message a into buf and fills in its checksum (src/dst are
 * used for v3 only; pass the multicast group as dst for keepalived's old
 * unicast checksum).  Fields written: version, type, vrid, priority, naddr,
 * v2 auth_type + adver_int_s + auth_data, v3 max_adver_int_cs (rsvd 0).
 * Returns the length, or 0 if buf is too small or a field is out of range
 * (version, af, v3 interval > 4095, v2 with IPv6). */
size_t vrrp_advert_encode(uint8_t *buf, size_t buflen, const struct vrrp_advert *a,
			  const struct vrrp_ip *src, const struct vrrp_ip *dst);

/* Decodes msg[0..len) for addresses of family af into out (out->addrs
 * points into msg).  Checks, in order: len >= 8 (TOO_SHORT); len equals
 * 8 + count * address length (+ 8 if the version field says 2): TOO_SHORT /
 * TOO_LONG; version 2 or 3, and not 2 with IPv6 (VERSION).  Neither the
 * type nor the checksum are checked.  out->len is set as soon as the header
 * is read. */
enum vrrp_drop vrrp_advert_decode(const uint8_t *msg, size_t len, int af,
				  struct vrrp_advert *out);

/* ---- IPv4 (IP_HDRINCL) ---- */

/* Parameters of the IPv4 header keepalived sends (no options). */
struct vrrp_ip4_hdr {
	uint8_t tos;		/* VRRP_IP4_TOS */
	uint16_t id;		/* Identification */
	uint8_t ttl;		/* VRRP_TTL, or unicast_ttl */
	uint8_t protocol;	/* VRRP_IPPROTO or VRRP_AH_IPPROTO */
	struct in_addr src, dst;
};

/* Writes a 20-byte IPv4 header with total length 20 + payload_len and its
 * checksum.  Returns 20, or 0 if buflen < 20 or the total exceeds 65535. */
size_t vrrp_ip4_encode(uint8_t *buf, size_t buflen, const struct vrrp_ip4_hdr *h,
		       size_t payload_len);

/* Everything needed to build one IPv4 advert packet. */
struct vrrp_tx4 {
	struct vrrp_ip4_hdr ip;	/* protocol is set by the encoder */
	struct vrrp_advert adv;	/* af AF_INET; auth_data is set for PASS/AH */
	const char *auth_pass;	/* PASS/AH secret (first 8 bytes used) */
	uint32_t ah_seq;	/* AH Sequence Number (the caller increments) */
	bool old_checksum;	/* v3 unicast: checksum with 224.0.0.18 as dst */
};

/* Builds IPv4 header [+ AH] + VRRP message into buf.  For v2 PASS, the auth
 * data is auth_pass zero padded; for AH the VRRP auth data is zero and the AH
 * ICV is computed (vrrp_auth.h).  Returns the packet length or 0. */
size_t vrrp_tx4_encode(uint8_t *buf, size_t buflen, const struct vrrp_tx4 *tx);

/* ---- receive ---- */

/* What the IP layer told us about a received packet. */
struct vrrp_rx {
	struct vrrp_ip src, dst;
	uint8_t ttl;		/* IPv4 TTL or IPv6 Hop Limit */
	const uint8_t *ip;	/* IPv4: start of the IP header (AH ICV); else NULL */
	size_t ip_len;		/* IPv4: total length used */
	size_t ip_hdr_len;	/* IPv4: IHL * 4 */
	bool ah;		/* an AH header precedes the VRRP message */
	uint32_t ah_spi, ah_seq;
	const uint8_t *vrrp;	/* the VRRP message */
	size_t vrrp_len;	/* bytes from the message to the end of the packet */
	struct timeval rx_time;	/* kernel receive time (wall clock), zero = unknown;
				 * set by the socket layer (vrrp_net.c), unused here */
};

/* Step (a), IPv4: parses pkt[0..len) (IP header onwards) into rx.  Drops:
 * TOO_SHORT (len < 20, < IHL*4, < total length, AH truncated, no VRRP header
 * bytes), IP_HEADER (version != 4, IHL < 5, total length < IHL*4,
 * fragment, protocol not 112/51, AH next header not 112 or AH length not
 * 4).  Bytes after the total length are ignored. */
enum vrrp_drop vrrp_rx_ip4(const uint8_t *pkt, size_t len, struct vrrp_rx *rx);

/* Step (a), IPv6: fills rx from what recvmsg() gave (msg is the VRRP
 * message, hop_limit from IPV6_HOPLIMIT, dst from IPV6_PKTINFO). */
void vrrp_rx_ip6(struct vrrp_rx *rx, const uint8_t *msg, size_t len,
		 const struct in6_addr *src, const struct in6_addr *dst, uint8_t hop_limit);

/* The VRID of a received message, for demultiplexing to an instance; -1
 * if rx holds no complete VRRP header. */
int vrrp_rx_vrid(const struct vrrp_rx *rx);

/* A unicast peer and the TTL range accepted from it (0..255 = any). */
struct vrrp_peer {
	struct vrrp_ip addr;
	uint8_t min_ttl, max_ttl;
};

/* keepalived's old_unicast_checksum setting for v3 over IPv4 unicast. */
enum vrrp_old_csum {
	VRRP_OLD_CSUM_AUTO = 0,	/* accept both; report which one matched */
	VRRP_OLD_CSUM_ALWAYS,	/* accept both (we send the old one) */
	VRRP_OLD_CSUM_NEVER,	/* accept only the RFC checksum */
};

/* What the receiving instance expects (step (c)). */
struct vrrp_expect {
	int af;
	uint8_t version;	/* 2 or 3 */
	uint8_t vrid;
	uint8_t auth_type;	/* v2: enum vrrp_auth_type */
	const char *auth_pass;	/* PASS/AH secret (first 8 bytes used) */
	uint8_t adver_int_s;	/* v2: our Adver Int, seconds */
	const uint8_t *vips;	/* our addresses, packed like the wire format */
	uint8_t nvips;
	bool skip_addr_check;	/* skip_check_adv_addr and sender == last master */
	bool unicast;		/* the instance uses unicast peers */
	bool check_unicast_src;	/* drop unicast adverts not from a peer (on
				 * when a peer has min_ttl/max_ttl) */
	const struct vrrp_peer *peers;
	size_t npeers;
	enum vrrp_old_csum old_csum;
	bool ah_check_seq;	/* drop AH seq <= ah_last_seq */
	uint32_t ah_last_seq;
};

/* Result details of an accepted advert. */
struct vrrp_rx_info {
	bool old_checksum;	/* matched only the old unicast checksum */
};

/* Step (c): decodes rx->vrrp into out and validates it against exp in the
 * order documented at the top.  info may be NULL.  Returns VRRP_OK or the
 * reason (IP_HEADER if rx and exp differ in family, TOO_SHORT if rx holds
 * no VRRP header); out is only meaningful when (b) succeeded.  Reads rx and
 * exp only; no side effects (the caller updates ah_last_seq etc.). */
enum vrrp_drop vrrp_rx_validate(const struct vrrp_rx *rx, const struct vrrp_expect *exp,
				struct vrrp_advert *out, struct vrrp_rx_info *info);

#endif
