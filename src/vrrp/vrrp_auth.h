/*
 * vrrp_auth.h - VRRPv2 authentication as keepalived 2.2.7 implements it.
 *
 * PASS (RFC 2338 5.3.6.1): the 8-byte Authentication Data trailer holds the
 * first 8 bytes of auth_pass, zero padded.
 *
 * AH (keepalived's IPSEC-AH, after RFC 2402): an AH header sits between the
 * IPv4 header (protocol 51) and the VRRP message:
 *     Next Header = 112, Payload Len = 4, Reserved = 0,
 *     SPI = the sender's IPv4 address, Sequence Number (incremented by the
 *     sender for each advert, starting at 1), ICV = 12 bytes.
 * The VRRP message inside has Auth Type 2 and zero Authentication Data.
 * ICV = the first 96 bits of HMAC-MD5, keyed with auth_pass (at most 8
 * bytes), over the whole packet (IP header + AH + VRRP message) with the ICV
 * zeroed and, in the IP header, TOS, flags + fragment offset and header
 * checksum zeroed.  Unlike RFC 2402, keepalived does NOT zero the TTL: the
 * TTL (255) is covered.  Established by reproducing captured packets of the
 * reference bit for bit (tests/unit/data/vrrp/README).
 */
#ifndef KA_VRRP_AUTH_H
#define KA_VRRP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_AH_ICV_OFF		12

/* Fills out[8] with the first 8 bytes of pass, zero padded (pass may be
 * NULL: all zero). */
void vrrp_auth_pass_data(const char *pass, uint8_t out[8]);

/* True if data[8] equals vrrp_auth_pass_data(pass) (constant time). */
bool vrrp_auth_pass_ok(const char *pass, const uint8_t data[8]);

/* Writes a 24-byte AH header (next header 112, payload len 4, spi, seq,
 * ICV zero).  spi is the sender's address in network byte order, as the
 * 4 bytes appear on the wire.  Returns 24, or 0 if buflen < 24. */
size_t vrrp_ah_encode(uint8_t *buf, size_t buflen, const uint8_t spi[4], uint32_t seq);

/* Computes the ICV of the IPv4 packet pkt[0..len) whose AH header starts at
 * ip_hdr_len (the ICV bytes in pkt are treated as zero).  Requires
 * len >= ip_hdr_len + 24 and ip_hdr_len >= 20.  Returns false if the
 * arguments are out of range or the crypto library fails. */
bool vrrp_ah_icv(const uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass,
		 uint8_t icv[12]);

/* Computes and stores the ICV in pkt (see vrrp_ah_icv). */
bool vrrp_ah_sign(uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass);

/* True if the ICV stored in pkt verifies (constant-time compare). */
bool vrrp_ah_verify(const uint8_t *pkt, size_t len, size_t ip_hdr_len, const char *pass);

#endif
