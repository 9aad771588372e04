/*
 * nl_route.h - routes: add and delete, with keepalived's options.
 *
 * keepalived's "virtual_routes" and "static_routes" map onto struct
 * sys_route: destination, table, metric, scope, preferred source, type
 * (unicast, blackhole, unreachable, prohibit), protocol, and one or more
 * next hops (a gateway and/or a device, with a weight when there are
 * several: a multipath route).  Routes we install carry protocol
 * "keepalived" (RTPROT_KEEPALIVED, 18) unless the caller says otherwise.
 * The "ip route" extras keepalived accepts map onto from (RTA_SRC), tos,
 * realms (RTA_FLOW), the RTAX_* metrics (mtu, advmss, window, rtt...,
 * with RTAX_LOCK as the mask of locked ones), the congestion control
 * algorithm (RTAX_CC_ALGO), IPv6's router preference and expiry (RTA_PREF,
 * RTA_EXPIRES) and append (NLM_F_APPEND instead of NLM_F_EXCL).  libnl
 * builds the request; what it cannot carry (the metrics nest, which may
 * hold a string, RTA_PREF, RTA_EXPIRES) is appended to its message.
 * Each verb returns 0 or -errno; nlctx_error() then holds the kernel's
 * reason (e.g. "Nexthop has invalid gateway").
 */
#ifndef KA_SYS_NL_ROUTE_H
#define KA_SYS_NL_ROUTE_H

#include <stdint.h>

#include "nl_core.h"

#define SYS_ROUTE_MAX_NH 8
/* Highest RTAX_* metric index carried (RTAX_FASTOPEN_NO_COOKIE). */
#define SYS_ROUTE_MAX_METRIC 17

struct sys_nexthop {
	struct sys_ip gw;            /* RTA_GATEWAY; family 0 = none */
	int ifindex;                 /* RTA_OIF; 0 = none */
	int weight;                  /* 1..256, multipath only; 0 = 1 */
	bool onlink;                 /* RTNH_F_ONLINK */
};

struct sys_route {
	int family;                  /* AF_INET or AF_INET6 */
	struct sys_ip dst;           /* family 0 = default route */
	int dst_len;                 /* prefix length of dst */
	uint32_t table;              /* RT_TABLE_MAIN by default */
	bool has_metric;
	uint32_t metric;             /* RTA_PRIORITY */
	int scope;                   /* RT_SCOPE_*; < 0: guessed like ip(8) does */
	int type;                    /* RTN_UNICAST by default, RTN_BLACKHOLE... */
	int protocol;                /* RTPROT_KEEPALIVED by default */
	struct sys_ip src;           /* RTA_PREFSRC; family 0 = none */
	int n_nh;                    /* number of next hops used in nh[] */
	struct sys_nexthop nh[SYS_ROUTE_MAX_NH];
	struct sys_ip from;          /* RTA_SRC source prefix (IPv6 "from"); family 0 = none */
	int from_len;
	uint8_t tos;                 /* rtm_tos; 0 = any */
	uint32_t realms;             /* RTA_FLOW (to | from << 16); 0 = none */
	uint32_t metrics_set;        /* bit (1u << RTAX_x) for each metric sent */
	uint32_t metrics[SYS_ROUTE_MAX_METRIC + 1];  /* RTAX_* values, by RTAX index;
	                              * metrics[RTAX_LOCK] is the mask of locked ones */
	bool append;                 /* nl_route_add: NLM_F_APPEND ("ip route append") */
	char congctl[16];            /* RTAX_CC_ALGO ("cubic"); "" = none; lock: RTAX_LOCK bit */
	bool has_pref;
	uint8_t pref;                /* RTA_PREF: ICMPV6_ROUTER_PREF_LOW/MEDIUM/HIGH (3/0/1) */
	bool has_expires;
	uint32_t expires;            /* RTA_EXPIRES, seconds (IPv6) */
};

/* Defaults: main table, no metric, guessed scope, unicast, protocol
 * keepalived, no next hop. */
void sys_route_init(struct sys_route *r, int family);
/* Append a next hop (gw may be NULL); -ENOSPC when full. */
int sys_route_add_nh(struct sys_route *r, const struct sys_ip *gw, int ifindex, int weight);

/* Set RTAX metric `rtax` (1..SYS_ROUTE_MAX_METRIC) to value; -EINVAL if
 * out of range. */
int sys_route_set_metric(struct sys_route *r, int rtax, uint32_t value);

/* Add the route; replace=false fails with -EEXIST if it exists (unless
 * r->append: added after the matching routes), replace=true overwrites
 * (NLM_F_REPLACE). */
int nl_route_add(struct nlctx *ctx, const struct sys_route *r, bool replace);
/* Delete the route matching r's destination, table, and whatever else r
 * sets (protocol, metric, next hop...).  -ESRCH when absent. */
int nl_route_del(struct nlctx *ctx, const struct sys_route *r);

#endif
