/*
 * nl_monitor.h - kernel link and address events for an event loop.
 *
 * A monitor is a non-blocking NETLINK_ROUTE socket subscribed to the link,
 * IPv4 address and IPv6 address multicast groups.  The owner registers its
 * fd with its event loop (a libevent EV_READ|EV_PERSIST event) and calls
 * nl_monitor_dispatch() whenever it is readable; dispatch reads every
 * pending message and calls the callbacks synchronously, then returns.
 *
 * Events carry the kernel's full view of the object after the change:
 * a link event for every RTM_NEWLINK/RTM_DELLINK (flags changes, renames,
 * carrier changes), an address event for every RTM_NEWADDR/RTM_DELADDR.
 * If the kernel dropped messages because the socket buffer overflowed
 * (ENOBUFS), the resync callback says so, once, at the end of the dispatch
 * that noticed it, when the queue has been drained (the kernel drops
 * silently until then): the owner must then re-read the state it cares
 * about (nl_link_get(), nl_addr_present()).
 */
#ifndef KA_SYS_NL_MONITOR_H
#define KA_SYS_NL_MONITOR_H

#include <stdbool.h>
#include <net/if.h>

#include "nl_core.h"

struct nl_monitor;

struct nl_link_event {
	bool deleted;                /* RTM_DELLINK: the link is gone */
	int ifindex;
	char name[IFNAMSIZ];         /* IFLA_IFNAME, "" if absent */
	unsigned int flags;          /* IFF_* */
	bool admin_up;               /* IFF_UP */
	bool oper_up;                /* IFF_UP and IFF_RUNNING */
};

struct nl_addr_event {
	bool deleted;                /* RTM_DELADDR */
	int ifindex;
	struct sys_ip addr;          /* IFA_LOCAL, else IFA_ADDRESS */
	int prefixlen;
	int scope;                   /* RT_SCOPE_* */
	unsigned int flags;          /* IFA_F_* (IFA_FLAGS when present) */
	char label[IFNAMSIZ];        /* IFA_LABEL (IPv4), "" if absent */
};

struct nl_monitor_ops {
	void (*link)(void *arg, const struct nl_link_event *ev);   /* may be NULL */
	void (*addr)(void *arg, const struct nl_addr_event *ev);   /* may be NULL */
	void (*resync)(void *arg);                                 /* may be NULL */
};

/* Open and subscribe; ops and arg are kept for the callbacks.  NULL on
 * failure with errno set. */
struct nl_monitor *nl_monitor_open(const struct nl_monitor_ops *ops, void *arg);
/* The socket to watch for readability. */
int nl_monitor_fd(const struct nl_monitor *m);
/* Read and dispatch every pending message without blocking.  Returns the
 * number of events delivered, or -errno on a socket error (an overflow is
 * not an error: it is reported through ops->resync). */
int nl_monitor_dispatch(struct nl_monitor *m);
/* Close and free; safe on NULL. */
void nl_monitor_close(struct nl_monitor *m);

#endif
