/*
 * nl_core.h - the request socket every netlink verb of src/sys uses.
 *
 * All of the daemon's netlink requests (addresses, routes, rules, links)
 * go through one struct nlctx: a libnl NETLINK_ROUTE socket opened with
 * NETLINK_EXT_ACK, plus the outcome of the last request.  A verb returns 0
 * or a negative errno; after a failure nlctx_error() gives a one-line
 * reason: the kernel's extended-ack text when it sent one (for instance
 * "Nexthop has invalid gateway"), otherwise strerror() of the errno.
 *
 * The verbs are synchronous (request, then wait for the kernel's ack) and
 * meant for the VRRP child's actions; the asynchronous side (kernel events)
 * is nl_monitor.h.  Not thread-safe: one nlctx per process is enough.
 *
 * struct sys_ip is the address type of this layer: a family and the bytes
 * in network order, independent of libnl's reference-counted nl_addr.
 */
#ifndef KA_SYS_NL_CORE_H
#define KA_SYS_NL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Protocol of the routes and rules we install (iproute2 names it "keepalived"). */
#define RTPROT_KEEPALIVED 18

struct nl_sock;
struct nl_addr;

struct sys_ip {
	int family;                     /* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

struct nlctx {
	struct nl_sock *sk;
	int err;                        /* positive errno of the last failure, 0 after success */
	bool extack;                    /* errmsg is the kernel's extended-ack text */
	char errmsg[256];               /* reason of the last failure, "" after success */
};

/* Open the request socket (NETLINK_ROUTE, NETLINK_EXT_ACK on).  0 or
 * -errno; on failure ctx->errmsg says why and nothing needs closing. */
int nlctx_open(struct nlctx *ctx);
/* Close it; safe on a closed or zeroed ctx. */
void nlctx_close(struct nlctx *ctx);
/* Reason of the last failure ("" if the last request succeeded). */
const char *nlctx_error(const struct nlctx *ctx);

/* For the verbs: clear the outcome before a request. */
void nlctx_begin(struct nlctx *ctx);
/* For the verbs: turn a libnl return value into 0 / -errno, keeping the
 * kernel's errno and extack text captured while the request ran. */
int nlctx_finish(struct nlctx *ctx, int nlret);
/* For the verbs: record a local failure (bad argument...) with a reason. */
int nlctx_fail(struct nlctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parse "10.0.0.1", "10.0.0.1/24", "fe80::1/64".  *plen gets the prefix
 * length, or -1 when the text has none (plen may be NULL when a prefix is
 * not allowed).  0 or -EINVAL. */
int sys_ip_parse(const char *text, struct sys_ip *ip, int *plen);
/* Write the address as text into buf; returns buf. */
const char *sys_ip_format(const struct sys_ip *ip, char *buf, size_t len);
/* Byte length of the address (4 or 16), 0 when unset. */
size_t sys_ip_len(const struct sys_ip *ip);
/* A new libnl address for ip/plen (plen < 0: full length); the caller
 * drops it with nl_addr_put().  NULL when out of memory or unset. */
struct nl_addr *sys_ip_to_nl(const struct sys_ip *ip, int plen);
/* Copy a libnl address into ip; 0 or -EAFNOSUPPORT. */
int sys_ip_from_nl(const struct nl_addr *a, struct sys_ip *ip);

/* The EUI-64 link-local address (fe80::/64, RFC 4291 appendix A) of mac.
 * 2.2.7 gives an IPv6 VMAC the link-local address derived from the
 * parent's MAC (added nodad, preferred_lft 0). */
void sys_ipv6_ll_from_mac(const uint8_t mac[6], struct sys_ip *ll);

#endif
