/*
 * garp.h - gratuitous ARP and unsolicited neighbour advertisements.
 *
 * When a VRRP instance becomes MASTER it announces each virtual address so
 * that hosts and switches learn the new owner (RFC 5798 section 6.4.1 (c),
 * RFC 4861 section 7.2.6).  The frames are those keepalived 2.2.7 sends,
 * as observed on the wire:
 *
 *   ARP (42 bytes): Ethernet dst ff:ff:ff:ff:ff:ff, src MAC, type 0x0806;
 *     ARP request (op 1), sender MAC/IP = MAC/VIP, target MAC
 *     ff:ff:ff:ff:ff:ff, target IP = VIP.
 *   NA (86 bytes): Ethernet dst 33:33:00:00:00:01, src MAC, type 0x86dd;
 *     IPv6 src = VIP, dst ff02::1, hop limit 255; ICMPv6 type 136 with
 *     the override flag (and router flag if asked), target = VIP, and a
 *     target link-layer address option carrying MAC.
 *
 * keepalived 2.2.7 sets the NA router flag exactly when IPv6 forwarding
 * is on for the sending interface (net.ipv6.conf.IF.forwarding; observed:
 * "all" alone does not count); sys_ipv6_forwarding() (if_sysctl.h) reads it.
 *
 * MAC is the sending interface's address (the VMAC when use_vmac).  The
 * builders are pure (buffer in, length out) so unit tests can check them;
 * the senders write one frame on an AF_PACKET socket bound to nothing.
 */
#ifndef KA_SYS_GARP_H
#define KA_SYS_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define GARP_ARP_LEN 42
#define GARP_NA_LEN 86

/* Write the gratuitous ARP frame into buf; returns GARP_ARP_LEN, or 0 if
 * len is too small. */
size_t garp_build_arp(uint8_t *buf, size_t len, const uint8_t mac[6], struct in_addr ip);
/* Write the unsolicited NA frame (checksum included) into buf; returns
 * GARP_NA_LEN, or 0 if len is too small. */
size_t garp_build_na(uint8_t *buf, size_t len, const uint8_t mac[6],
		     const struct in6_addr *ip, bool router);

/* An AF_PACKET socket for sending (it receives nothing); fd or -errno. */
int garp_open(void);
/* Send one gratuitous ARP / unsolicited NA out of ifindex; 0 or -errno. */
int garp_send_arp(int fd, int ifindex, const uint8_t mac[6], struct in_addr ip);
int garp_send_na(int fd, int ifindex, const uint8_t mac[6], const struct in6_addr *ip,
		 bool router);

#endif
