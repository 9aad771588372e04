/*
 * nl_route.c - routes over libnl's rtnl_route (see nl_route.h).
 *
 * struct sys_route is translated into an rtnl_route with one rtnl_nexthop
 * per next hop; libnl emits RTA_GATEWAY/RTA_OIF for a single hop and
 * RTA_MULTIPATH for several.  When the caller gives no scope we choose it
 * the way ip(8) does: host for local routes, link for a unicast route
 * whose next hops have no gateway, universe otherwise.
 */
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_route.h"

void sys_route_init(struct sys_route *r, int family)
{
	memset(r, 0, sizeof(*r));
	r->family = family;
	r->table = RT_TABLE_MAIN;
	r->scope = -1;
	r->type = RTN_UNICAST;
	r->protocol = RTPROT_KEEPALIVED;
}

int sys_route_add_nh(struct sys_route *r, const struct sys_ip *gw, int ifindex, int weight)
{
	struct sys_nexthop *nh;

	if (r->n_nh >= SYS_ROUTE_MAX_NH)
		return -ENOSPC;
	nh = &r->nh[r->n_nh++];
	memset(nh, 0, sizeof(*nh));
	if (gw != NULL)
		nh->gw = *gw;
	nh->ifindex = ifindex;
	nh->weight = weight;
	return 0;
}

int sys_route_set_metric(struct sys_route *r, int rtax, uint32_t value)
{
	if (rtax < 1 || rtax > SYS_ROUTE_MAX_METRIC)
		return -EINVAL;
	r->metrics[rtax] = value;
	r->metrics_set |= 1u << rtax;
	return 0;
}

static int guess_scope(const struct sys_route *r)
{
	int i;

	if (r->type == RTN_LOCAL)
		return RT_SCOPE_HOST;
	if (r->type != RTN_UNICAST || r->family == AF_INET6)
		return RT_SCOPE_UNIVERSE;
	for (i = 0; i < r->n_nh; i++)
		if (r->nh[i].gw.family != 0)
			return RT_SCOPE_UNIVERSE;
	return r->n_nh > 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
}

static int add_nexthop(struct rtnl_route *rr, const struct sys_nexthop *h, bool multi,
		       uint32_t realms)
{
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

	if (nh == NULL)
		return -NLE_NOMEM;
	if (h->ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, h->ifindex);
	if (h->gw.family != 0) {
		struct nl_addr *gw = sys_ip_to_nl(&h->gw, -1);

		if (gw == NULL) {
			rtnl_route_nh_free(nh);
			return -NLE_NOMEM;
		}
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	if (multi && h->weight > 0)
		rtnl_route_nh_set_weight(nh, (uint8_t)(h->weight - 1));
	if (h->onlink)
		rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	if (realms)
		rtnl_route_nh_set_realms(nh, realms);   /* RTA_FLOW, per hop in libnl */
	rtnl_route_add_nexthop(rr, nh);
	return 0;
}

static int set_addrs(struct rtnl_route *rr, const struct sys_route *r)
{
	struct sys_ip any = { .family = r->family };
	struct nl_addr *a;
	int rc;

	a = sys_ip_to_nl(r->dst.family != 0 ? &r->dst : &any,
			 r->dst.family != 0 ? r->dst_len : 0);
	if (a == NULL)
		return -NLE_NOMEM;
	rc = rtnl_route_set_dst(rr, a);
	nl_addr_put(a);
	if (rc == 0 && r->from.family != 0) {
		if (!(a = sys_ip_to_nl(&r->from, r->from_len)))
			return -NLE_NOMEM;
		rc = rtnl_route_set_src(rr, a);
		nl_addr_put(a);
	}
	if (rc < 0 || r->src.family == 0)
		return rc;
	a = sys_ip_to_nl(&r->src, -1);
	if (a == NULL)
		return -NLE_NOMEM;
	rc = rtnl_route_set_pref_src(rr, a);
	nl_addr_put(a);
	return rc;
}

/* Translate r; NULL with the reason in ctx. */
static struct rtnl_route *build(struct nlctx *ctx, const struct sys_route *r)
{
	struct rtnl_route *rr = rtnl_route_alloc();
	int rc, i;

	if (rr == NULL) {
		nlctx_fail(ctx, ENOMEM, "out of memory");
		return NULL;
	}
	rtnl_route_set_family(rr, (uint8_t)r->family);
	rtnl_route_set_table(rr, r->table);
	rtnl_route_set_protocol(rr, (uint8_t)r->protocol);
	rtnl_route_set_scope(rr, (uint8_t)(r->scope >= 0 ? r->scope : guess_scope(r)));
	if (r->has_metric)
		rtnl_route_set_priority(rr, r->metric);
	rc = rtnl_route_set_type(rr, (uint8_t)r->type);
	if (r->tos)
		rtnl_route_set_tos(rr, r->tos);
	if (rc == 0)
		rc = set_addrs(rr, r);
	for (i = 0; rc == 0 && i < r->n_nh; i++)
		rc = add_nexthop(rr, &r->nh[i], r->n_nh > 1, r->realms);
	if (rc < 0) {
		rtnl_route_put(rr);
		nlctx_fail(ctx, EINVAL, "invalid route request: %s", nl_geterror(rc));
		return NULL;
	}
	return rr;
}

/* What libnl's route object cannot carry: RTA_METRICS (ours, since it
 * may hold the RTAX_CC_ALGO string), RTA_PREF, RTA_EXPIRES. */
static int put_extras(struct nl_msg *msg, const struct sys_route *r)
{
	struct nlattr *nest;
	int i;

	if (r->metrics_set || r->congctl[0]) {
		if (!(nest = nla_nest_start(msg, RTA_METRICS)))
			return -NLE_NOMEM;
		for (i = 1; i <= SYS_ROUTE_MAX_METRIC; i++)
			if ((r->metrics_set & (1u << i)) && nla_put_u32(msg, i, r->metrics[i]) < 0)
				return -NLE_NOMEM;
		if (r->congctl[0] && nla_put_string(msg, RTAX_CC_ALGO, r->congctl) < 0)
			return -NLE_NOMEM;
		nla_nest_end(msg, nest);
	}
	if (r->has_pref && nla_put_u8(msg, RTA_PREF, r->pref) < 0)
		return -NLE_NOMEM;
	if (r->has_expires && nla_put_u32(msg, RTA_EXPIRES, r->expires) < 0)
		return -NLE_NOMEM;
	return 0;
}

int nl_route_add(struct nlctx *ctx, const struct sys_route *r, bool replace)
{
	struct rtnl_route *rr;
	struct nl_msg *msg = NULL;
	int rc;

	nlctx_begin(ctx);
	rr = build(ctx, r);
	if (rr == NULL)
		return -ctx->err;
	rc = rtnl_route_build_add_request(rr, replace ? NLM_F_REPLACE
					      : r->append ? NLM_F_APPEND : NLM_F_EXCL, &msg);
	rtnl_route_put(rr);
	if (rc == 0 && (rc = put_extras(msg, r)) == 0)
		rc = nl_send_sync(ctx->sk, msg);     /* frees msg */
	else
		nlmsg_free(msg);
	return nlctx_finish(ctx, rc);
}

int nl_route_del(struct nlctx *ctx, const struct sys_route *r)
{
	struct rtnl_route *rr;
	int rc;

	nlctx_begin(ctx);
	rr = build(ctx, r);
	if (rr == NULL)
		return -ctx->err;
	/* The kernel matches on every attribute we send: an unset scope must
	 * not be guessed here, or a route added with another scope is missed. */
	if (r->scope < 0)
		rtnl_route_set_scope(rr, RT_SCOPE_NOWHERE);
	rc = rtnl_route_delete(ctx->sk, rr, 0);
	rtnl_route_put(rr);
	return nlctx_finish(ctx, rc);
}
