/*
 * vrrp_net.c - raw VRRP sockets shared between instances (vrrp_net.h).
 *
 * Design.  A small linked list of sockets, looked up by (ifindex, family,
 * protocol, unicast).  Each socket has a 256-entry VRID table of receive
 * handlers.  The read callback drains the socket (non-blocking) so one
 * wake-up handles a burst.  IPv6 reception asks for the hop limit and the
 * destination (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO) because the codec
 * checks the hop limit and the v3 checksum covers the addresses.
 */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "log.h"
#include "vrrp_net.h"

struct vrrp_sock {
	struct vrrp_sock *next;
	int fd, ifindex, family, proto;
	bool unicast;
	struct event *ev;
	unsigned long header_drops;
	vrrp_net_rx_fn *fn[256];
	void *arg[256];
};

static struct vrrp_sock *socks;

static int setopt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static int join4(int fd, int ifindex, const struct sys_ip *group)
{
	struct ip_mreqn m;

	memset(&m, 0, sizeof(m));
	m.imr_multiaddr = group->u.v4;
	m.imr_ifindex = ifindex;
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)) < 0)
		return -1;
	return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m));
}

static int join6(int fd, int ifindex, const struct sys_ip *group)
{
	struct ipv6_mreq m;

	memset(&m, 0, sizeof(m));
	m.ipv6mr_multiaddr = group->u.v6;
	m.ipv6mr_interface = (unsigned)ifindex;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)) < 0)
		return -1;
	return setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
}

static int open_fd(int ifindex, const char *ifname, int family, int proto, bool unicast,
		   const struct sys_ip *group)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int r = 0;

	if (fd < 0)
		return -1;
	r |= setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1);
	if (family == AF_INET) {
		r |= setopt(fd, IPPROTO_IP, IP_HDRINCL, 1);
		r |= setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
		if (!unicast)
			r |= join4(fd, ifindex, group);
	} else {
		r |= setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
		r |= setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL);
		if (!unicast)
			r |= join6(fd, ifindex, group);
	}
	if (r) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void deliver(struct vrrp_sock *s, const struct vrrp_rx *rx)
{
	int vrid = vrrp_rx_vrid(rx);

	if (vrid < 0) {
		s->header_drops++;
		return;
	}
	if (s->fn[vrid])
		s->fn[vrid](s->arg[vrid], rx);
}

static void read4(struct vrrp_sock *s, const uint8_t *buf, size_t len)
{
	struct vrrp_rx rx;

	if (vrrp_rx_ip4(buf, len, &rx) != VRRP_OK) {
		s->header_drops++;
		return;
	}
	deliver(s, &rx);
}

static ssize_t recv6(struct vrrp_sock *s, uint8_t *buf, size_t size, struct vrrp_rx *rx)
{
	struct sockaddr_in6 from;
	union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
					CMSG_SPACE(sizeof(int))]; } cb;
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = &cb, .msg_controllen = sizeof(cb) };
	struct in6_addr dst = IN6ADDR_ANY_INIT;
	struct cmsghdr *c;
	int hop = 0;
	ssize_t n = recvmsg(s->fd, &mh, 0);

	if (n < 0)
		return n;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hop, CMSG_DATA(c), sizeof(hop));
		else if (c->cmsg_type == IPV6_PKTINFO)
			memcpy(&dst, &((struct in6_pktinfo *)(void *)CMSG_DATA(c))->ipi6_addr,
			       sizeof(dst));
	}
	vrrp_rx_ip6(rx, buf, (size_t)n, &from.sin6_addr, &dst, (uint8_t)hop);
	return n;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_sock *s = arg;
	uint8_t buf[4096];
	int budget = 64;

	(void)what;
	while (budget--) {
		struct vrrp_rx rx;
		ssize_t n;

		if (s->family == AF_INET) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n >= 0)
				read4(s, buf, (size_t)n);
		} else {
			n = recv6(s, buf, sizeof(buf), &rx);
			if (n >= 0)
				deliver(s, &rx);
		}
		if (n < 0)
			break;
	}
}

struct vrrp_sock *vrrp_sock_get(struct event_base *base, int ifindex, const char *ifname,
				int family, int proto, bool unicast, const struct sys_ip *group)
{
	struct vrrp_sock *s;

	for (s = socks; s; s = s->next)
		if (s->ifindex == ifindex && s->family == family && s->proto == proto &&
		    s->unicast == unicast)
			return s;
	if (!(s = calloc(1, sizeof(*s))))
		return NULL;
	s->fd = open_fd(ifindex, ifname, family, proto, unicast, group);
	if (s->fd < 0) {
		log_warn("cannot open VRRP socket on %s", ifname);
		free(s);
		return NULL;
	}
	s->ifindex = ifindex;
	s->family = family;
	s->proto = proto;
	s->unicast = unicast;
	s->ev = event_new(base, s->fd, EV_READ | EV_PERSIST, on_read, s);
	if (!s->ev || event_add(s->ev, NULL) < 0) {
		if (s->ev)
			event_free(s->ev);
		close(s->fd);
		free(s);
		return NULL;
	}
	s->next = socks;
	socks = s;
	{
		char g[INET6_ADDRSTRLEN];

		log_debug("VRRP sockpool: [ifindex(%d), family(%s), proto(%d), fd(%d,%d) %s%s%s%s]",
			  ifindex, family == AF_INET ? "IPv4" : "IPv6", proto, s->fd, s->fd,
			  unicast ? "unicast" : "multicast", unicast ? "" : ", address(",
			  unicast ? "" : sys_ip_format(group, g, sizeof(g)), unicast ? "" : ")");
	}
	return s;
}

bool vrrp_sock_bind_vrid(struct vrrp_sock *s, uint8_t vrid, vrrp_net_rx_fn *fn, void *arg)
{
	if (s->fn[vrid])
		return false;
	s->fn[vrid] = fn;
	s->arg[vrid] = arg;
	return true;
}

void vrrp_sock_unbind_vrid(struct vrrp_sock *s, uint8_t vrid, void *arg)
{
	if (s && s->arg[vrid] == arg) {
		s->fn[vrid] = NULL;
		s->arg[vrid] = NULL;
	}
}

static int send6(struct vrrp_sock *s, const uint8_t *pkt, size_t len,
		 const struct sys_ip *src, const struct sys_ip *dst, uint8_t hop)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = dst->u.v6,
				   .sin6_scope_id = (uint32_t)s->ifindex };
	union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
					CMSG_SPACE(sizeof(int))]; } cb;
	struct iovec iov = { (void *)pkt, len };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = &cb, .msg_controllen = sizeof(cb) };
	struct cmsghdr *c;
	struct in6_pktinfo pi;
	int h = hop;

	memset(&cb, 0, sizeof(cb));
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = src->u.v6;
	pi.ipi6_ifindex = (unsigned)s->ifindex;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &h, sizeof(h));
	return sendmsg(s->fd, &mh, 0) < 0 ? -errno : 0;
}

int vrrp_sock_send(struct vrrp_sock *s, const uint8_t *pkt, size_t len,
		   const struct sys_ip *src, const struct sys_ip *dst, uint8_t hop)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	if (s->family == AF_INET6)
		return send6(s, pkt, len, src, dst, hop);
	to.sin_addr = dst->u.v4;
	return sendto(s->fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

int vrrp_sock_fd(const struct vrrp_sock *s)
{
	return s->fd;
}

unsigned long vrrp_sock_header_drops(const struct vrrp_sock *s)
{
	return s->header_drops;
}

void vrrp_net_close_all(void)
{
	while (socks) {
		struct vrrp_sock *s = socks;

		socks = s->next;
		event_free(s->ev);
		close(s->fd);
		free(s);
	}
}

static bool addr_caching;
static struct ifaddrs *addr_cache;

void vrrp_net_addr_cache(bool on)
{
	addr_caching = on;
	if (!on && addr_cache) {
		freeifaddrs(addr_cache);
		addr_cache = NULL;
	}
}

int vrrp_net_if_addr(int ifindex, int family, struct sys_ip *out)
{
	struct ifaddrs *ifa, *i;
	char name[IF_NAMESIZE];
	int r = -ENOENT;

	if (!if_indextoname((unsigned)ifindex, name))
		return -ENOENT;
	if (addr_cache)
		ifa = addr_cache;
	else if (getifaddrs(&ifa) < 0)
		return -ENOENT;
	else if (addr_caching)
		addr_cache = ifa;
	for (i = ifa; i && r; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, name))
			continue;
		memset(out, 0, sizeof(*out));
		out->family = family;
		if (family == AF_INET) {
			out->u.v4 = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
			r = 0;
		} else {
			out->u.v6 = ((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&out->u.v6))
				r = 0;
		}
	}
	if (ifa != addr_cache)
		freeifaddrs(ifa);
	return r;
}
