/*
 * garp.c - gratuitous ARP and unsolicited NA frames (see garp.h).
 *
 * Frames are written byte by byte with explicit byte order rather than
 * through packed structs.  The NA checksum is the Internet checksum over
 * the IPv6 pseudo-header (RFC 8200 section 8.1) and the ICMPv6 message.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "garp.h"

#define ETH_HDR 14
#define IP6_HDR 40
#define NA_BODY 32                   /* NA header 24 + TLLA option 8 */

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t allnodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t allnodes_ip[16] = { 0xff, 0x02, [15] = 0x01 };

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

static uint8_t *put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	p = put(p, dst, 6);
	p = put(p, src, 6);
	return put16(p, type);
}

size_t garp_build_arp(uint8_t *buf, size_t len, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t *p = buf;

	if (len < GARP_ARP_LEN)
		return 0;
	p = put_eth(p, bcast, mac, ETH_P_ARP);
	p = put16(p, 1);                 /* hardware type: Ethernet */
	p = put16(p, ETH_P_IP);          /* protocol type */
	*p++ = 6;                        /* hardware address length */
	*p++ = 4;                        /* protocol address length */
	p = put16(p, 1);                 /* opcode: request */
	p = put(p, mac, 6);              /* sender hardware address */
	p = put(p, &ip, 4);              /* sender protocol address */
	p = put(p, bcast, 6);            /* target hardware address */
	put(p, &ip, 4);                  /* target protocol address */
	return GARP_ARP_LEN;
}

static uint16_t checksum(const uint8_t *pseudo_src, const uint8_t *body, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 32; i += 2)      /* source and destination addresses */
		sum += (uint32_t)(pseudo_src[i] << 8 | pseudo_src[i + 1]);
	sum += (uint32_t)n + 58;         /* upper-layer length, next header */
	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(body[i] << 8 | body[i + 1]);
	if (n & 1)
		sum += (uint32_t)(body[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t garp_build_na(uint8_t *buf, size_t len, const uint8_t mac[6],
		     const struct in6_addr *ip, bool router)
{
	uint8_t *p = buf, *addrs, *icmp;

	if (len < GARP_NA_LEN)
		return 0;
	p = put_eth(p, allnodes_mac, mac, ETH_P_IPV6);
	*p++ = 0x60;                     /* version 6, traffic class 0 */
	*p++ = 0;
	p = put16(p, 0);                 /* flow label */
	p = put16(p, NA_BODY);           /* payload length */
	*p++ = 58;                       /* next header: ICMPv6 */
	*p++ = 255;                      /* hop limit (RFC 4861 7.1.2) */
	addrs = p;
	p = put(p, ip, 16);              /* source: the address itself */
	p = put(p, allnodes_ip, 16);
	icmp = p;
	*p++ = 136;                      /* neighbour advertisement */
	*p++ = 0;                        /* code */
	p = put16(p, 0);                 /* checksum, filled below */
	*p++ = (uint8_t)(0x20 | (router ? 0x80 : 0));  /* R, S=0, O=1 */
	*p++ = 0;
	p = put16(p, 0);                 /* reserved */
	p = put(p, ip, 16);              /* target address */
	*p++ = 2;                        /* option: target link-layer address */
	*p++ = 1;                        /* length in units of 8 octets */
	put(p, mac, 6);
	put16(icmp + 2, checksum(addrs, icmp, NA_BODY));
	return GARP_NA_LEN;
}

int garp_open(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static int send_frame(int fd, int ifindex, const uint8_t *frame, size_t n, uint16_t proto)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_protocol = htons(proto);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int garp_send_arp(int fd, int ifindex, const uint8_t mac[6], struct in_addr ip)
{
	uint8_t frame[GARP_ARP_LEN];

	garp_build_arp(frame, sizeof(frame), mac, ip);
	return send_frame(fd, ifindex, frame, sizeof(frame), ETH_P_ARP);
}

int garp_send_na(int fd, int ifindex, const uint8_t mac[6], const struct in6_addr *ip,
		 bool router)
{
	uint8_t frame[GARP_NA_LEN];

	garp_build_na(frame, sizeof(frame), mac, ip, router);
	return send_frame(fd, ifindex, frame, sizeof(frame), ETH_P_IPV6);
}

