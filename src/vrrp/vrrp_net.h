/*
 * vrrp_net.h - the VRRP child's sockets.
 *
 * Design.  One raw socket per (interface, family, IP protocol, multicast or
 * unicast), shared by every instance that uses that combination and
 * demultiplexed by VRID, as 2.2.7's "sockpool".  The socket is bound to its
 * interface (SO_BINDTODEVICE), joins the VRRP group there when multicast,
 * does not loop its own multicast back, and is read from a libevent
 * EV_PERSIST event.  IPv4 packets are sent with IP_HDRINCL (the codec
 * writes the IP header); IPv6 ones with IPV6_PKTINFO naming the source
 * address (the link-local one) and hop limit 255.  Each received packet is
 * parsed up to step (a) of the codec pipeline (vrrp_packet.h) and handed to
 * the instance owning its VRID, which validates it; unknown VRIDs are
 * dropped silently.  Step (a) failures are counted per socket.
 */
#ifndef KA_VRRP_NET_H
#define KA_VRRP_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl_core.h"
#include "vrrp_packet.h"

struct event_base;
struct vrrp_sock;

/* A packet for the instance; rx points into a buffer valid during the call. */
typedef void vrrp_net_rx_fn(void *arg, const struct vrrp_rx *rx);

/* The shared socket for this combination, opened on first use (NULL and
 * logged on failure).  group is the multicast group to join (ignored for
 * unicast); proto is VRRP_IPPROTO or VRRP_AH_IPPROTO. */
struct vrrp_sock *vrrp_sock_get(struct event_base *base, int ifindex, const char *ifname,
				int family, int proto, bool unicast, const struct sys_ip *group);
/* Deliver packets for vrid to fn(arg).  false if the VRID is taken. */
bool vrrp_sock_bind_vrid(struct vrrp_sock *s, uint8_t vrid, vrrp_net_rx_fn *fn, void *arg);
/* Stop delivering vrid's packets, if they go to arg (reload, instance freed). */
void vrrp_sock_unbind_vrid(struct vrrp_sock *s, uint8_t vrid, void *arg);
/* Send one packet.  IPv4: pkt starts with the IP header.  IPv6: pkt is the
 * VRRP message, src the source address, hop the hop limit.  0 or -errno. */
int vrrp_sock_send(struct vrrp_sock *s, const uint8_t *pkt, size_t len,
		   const struct sys_ip *src, const struct sys_ip *dst, uint8_t hop);
/* The socket's file descriptor (for dumps). */
int vrrp_sock_fd(const struct vrrp_sock *s);
/* Packets dropped before reaching an instance (step (a) failures). */
unsigned long vrrp_sock_header_drops(const struct vrrp_sock *s);
/* Close every socket. */
void vrrp_net_close_all(void);

/* The interface's first address of this family (IPv6: its link-local
 * address), as 2.2.7 picks a source.  0 or -ENOENT. */
int vrrp_net_if_addr(int ifindex, int family, struct sys_ip *out);
/* Between on and off, vrrp_net_if_addr() answers from one snapshot of
 * the addresses (taken at its first call) instead of one netlink dump per
 * call: for starting or reloading many instances in one go. */
void vrrp_net_addr_cache(bool on);

#endif
