/*
 * nl_monitor.c - link and address events (see nl_monitor.h).
 *
 * The socket is a libnl socket with sequence checks off (multicast
 * messages carry no sequence numbers we asked for) and our NL_CB_VALID
 * handler, which decodes the four message types with nlmsg_parse() into
 * the small event structs of the header.  nl_monitor_dispatch() loops on
 * nl_recvmsgs() until the non-blocking socket reports EAGAIN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_monitor.h"

struct nl_monitor {
	struct nl_sock *sk;
	struct nl_monitor_ops ops;
	void *arg;
	int delivered;               /* events in the current dispatch */
};

static void copy_name(char *dst, const struct nlattr *a)
{
	dst[0] = '\0';
	if (a != NULL)
		nla_strlcpy(dst, a, IFNAMSIZ);
}

static void on_link(struct nl_monitor *m, struct nlmsghdr *h)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;
	struct nl_link_event ev;

	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return;
	ifi = nlmsg_data(h);
	memset(&ev, 0, sizeof(ev));
	ev.deleted = h->nlmsg_type == RTM_DELLINK;
	ev.ifindex = ifi->ifi_index;
	ev.flags = ifi->ifi_flags;
	ev.admin_up = (ev.flags & IFF_UP) != 0;
	ev.oper_up = ev.admin_up && (ev.flags & IFF_RUNNING) != 0;
	copy_name(ev.name, tb[IFLA_IFNAME]);
	m->delivered++;
	if (m->ops.link != NULL)
		m->ops.link(m->arg, &ev);
}

static void on_addr(struct nl_monitor *m, struct nlmsghdr *h)
{
	struct nlattr *tb[IFA_MAX + 1];
	struct ifaddrmsg *ifa;
	struct nl_addr_event ev;
	struct nlattr *a;

	if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return;
	ifa = nlmsg_data(h);
	memset(&ev, 0, sizeof(ev));
	ev.deleted = h->nlmsg_type == RTM_DELADDR;
	ev.ifindex = (int)ifa->ifa_index;
	ev.prefixlen = ifa->ifa_prefixlen;
	ev.scope = ifa->ifa_scope;
	ev.flags = tb[IFA_FLAGS] != NULL ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	ev.addr.family = ifa->ifa_family;
	if (a == NULL || (size_t)nla_len(a) != sys_ip_len(&ev.addr))
		return;
	memcpy(&ev.addr.u, nla_data(a), (size_t)nla_len(a));
	copy_name(ev.label, tb[IFA_LABEL]);
	m->delivered++;
	if (m->ops.addr != NULL)
		m->ops.addr(m->arg, &ev);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		on_link(arg, h);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		on_addr(arg, h);
		break;
	default:
		break;
	}
	return NL_OK;
}

struct nl_monitor *nl_monitor_open(const struct nl_monitor_ops *ops, void *arg)
{
	struct nl_monitor *m = calloc(1, sizeof(*m));
	int rc;

	if (m == NULL)
		return NULL;
	m->ops = *ops;
	m->arg = arg;
	m->sk = nl_socket_alloc();
	if (m->sk == NULL) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	nl_socket_disable_seq_check(m->sk);
	nl_socket_modify_cb(m->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, m);
	rc = nl_connect(m->sk, NETLINK_ROUTE);
	if (rc == 0)
		rc = nl_socket_add_memberships(m->sk, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
					       RTNLGRP_IPV6_IFADDR, 0);
	if (rc == 0)
		rc = nl_socket_set_nonblocking(m->sk);
	if (rc == 0)
		rc = nl_socket_set_buffer_size(m->sk, 1024 * 1024, 0);
	if (rc < 0) {
		nl_monitor_close(m);
		errno = EIO;
		return NULL;
	}
	return m;
}

int nl_monitor_fd(const struct nl_monitor *m)
{
	return nl_socket_get_fd(m->sk);
}

int nl_monitor_dispatch(struct nl_monitor *m)
{
	bool overrun = false;
	int rc;

	m->delivered = 0;
	for (;;) {
		rc = nl_recvmsgs_default(m->sk);
		if (rc >= 0)
			continue;
		if (rc == -NLE_NOMEM && errno == ENOBUFS) {
			/* Messages were lost; the socket goes on.  The kernel drops
			 * silently until its queue is empty again, so the owner
			 * must re-read only after we have drained it. */
			overrun = true;
			continue;
		}
		if (rc != -NLE_AGAIN)
			return rc == -NLE_NOMEM ? -ENOMEM : -EIO;
		if (overrun) {
			m->delivered++;
			if (m->ops.resync != NULL)
				m->ops.resync(m->arg);
		}
		return m->delivered;
	}
}

void nl_monitor_close(struct nl_monitor *m)
{
	if (m == NULL)
		return;
	if (m->sk != NULL)
		nl_socket_free(m->sk);
	free(m);
}
