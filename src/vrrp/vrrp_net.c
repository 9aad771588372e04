/*
 * vrrp_net.c - raw VRRP sockets shared between instances (vrrp_net.h).
 *
 * Design.  A small linked list of sockets, looked up by (ifindex, family,
 * protocol, unicast).  Each socket has a 256-entry VRID table of receive
 * handlers.  The read callback drains the socket (non-blocking) so one
 * wake-up handles a burst.  IPv6 reception asks for the hop limit and the
 * destination (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO) because the codec
 * checks the hop limit and the v3 checksum covers the addresses.  As
 * 2.2.7 does, IPv6 sockets have the kernel verify (and fill in) the VRRP
 * checksum (IPV6_CHECKSUM at offset 6): an IPv6 advert with a bad checksum
 * is dropped by the kernel, unseen and uncounted, and a truncated one
 * reaches the codec only when its checksum is right.  Every socket asks
 * for kernel receive timestamps (SO_TIMESTAMPNS): a backup times
 * master-down from when the advert arrived, not from when we woke up.
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
	unsigned nbound;                /* VRIDs bound; 0: closed by the reaper */
	vrrp_net_rx_fn *fn[256];
	void *arg[256];
};

static struct vrrp_sock *socks;
/* Closes the sockets no instance uses any more (a reload that removes an
 * interface's last instance, a VMAC made again under a new index), in a
 * later loop pass: the last unbind may come from inside the socket's own
 * read callback, and an instance rebound at once keeps its socket. */
static struct event *reaper;

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
	r |= setopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
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
		r |= setopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6);
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

/* The kernel receive time of a message (SCM_TIMESTAMPNS), zero if absent. */
static struct timeval rx_time(struct msghdr *mh)
{
	struct timeval tv = { 0, 0 };
	struct timespec ts;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			tv.tv_sec = ts.tv_sec;
			tv.tv_usec = ts.tv_nsec / 1000;
		}
	return tv;
}

#define TS_SPACE CMSG_SPACE(sizeof(struct timespec))

static ssize_t recv4(struct vrrp_sock *s, uint8_t *buf, size_t size)
{
	union { struct cmsghdr c; char b[TS_SPACE]; } cb;
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cb,
			     .msg_controllen = sizeof(cb) };
	struct vrrp_rx rx;
	ssize_t n = recvmsg(s->fd, &mh, 0);

	if (n < 0)
		return n;
	if (vrrp_rx_ip4(buf, (size_t)n, &rx) != VRRP_OK) {
		s->header_drops++;
		return n;
	}
	rx.rx_time = rx_time(&mh);
	deliver(s, &rx);
	return n;
}

static ssize_t recv6(struct vrrp_sock *s, uint8_t *buf, size_t size, struct vrrp_rx *rx)
{
	struct sockaddr_in6 from;
	union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
					CMSG_SPACE(sizeof(int)) + TS_SPACE]; } cb;
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
	rx->rx_time = rx_time(&mh);
	return n;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_sock *s = arg;
	uint8_t buf[4096];
	int budget = 64;

	(void)fd;
	(void)what;
	while (budget--) {
		struct vrrp_rx rx;
		ssize_t n;

		if (s->family == AF_INET) {
			n = recv4(s, buf, sizeof(buf));
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
	s->nbound++;
	return true;
}

static void sock_free(struct vrrp_sock *s)
{
	event_free(s->ev);
	close(s->fd);
	free(s);
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_sock **p = &socks, *s;

	(void)fd;
	(void)what;
	(void)arg;
	while ((s = *p)) {
		if (s->nbound) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		log_debug("VRRP sockpool: closing fd(%d), no instance uses it", s->fd);
		sock_free(s);
	}
}

void vrrp_sock_unbind_vrid(struct vrrp_sock *s, uint8_t vrid, void *arg)
{
	static const struct timeval now;

	if (!s || s->arg[vrid] != arg)
		return;
	s->fn[vrid] = NULL;
	s->arg[vrid] = NULL;
	if (--s->nbound)
		return;
	if (!reaper)
		reaper = evtimer_new(event_get_base(s->ev), on_reap, NULL);
	if (reaper)
		evtimer_add(reaper, &now);
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
		sock_free(s);
	}
	if (reaper)
		event_free(reaper);
	reaper = NULL;
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
