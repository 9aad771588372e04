/*
 * nl_addr.c - interface addresses over libnl's rtnl_addr (see nl_addr.h).
 *
 * Each verb builds one rtnl_addr from struct sys_ifaddr and sends it with
 * rtnl_addr_add()/rtnl_addr_delete(); errors come back through the nlctx
 * error callback.  Presence is answered from a fresh address dump, which
 * is cheap at the rate the VRRP engine asks (state changes, not packets).
 */
#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_addr.h"

void sys_ifaddr_init(struct sys_ifaddr *a, int ifindex)
{
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->prefixlen = -1;
	a->scope = -1;
	a->preferred_lft = SYS_LFT_FOREVER;
	a->valid_lft = SYS_LFT_FOREVER;
}

static int set_local(struct rtnl_addr *ra, const struct sys_ifaddr *a)
{
	int plen = a->prefixlen >= 0 ? a->prefixlen : (int)sys_ip_len(&a->addr) * 8;
	struct nl_addr *na = sys_ip_to_nl(&a->addr, plen);
	int rc;

	if (na == NULL)
		return -NLE_INVAL;
	rc = rtnl_addr_set_local(ra, na);
	nl_addr_put(na);
	if (rc < 0 || a->peer.family == 0)
		return rc;
	na = sys_ip_to_nl(&a->peer, plen);
	if (na == NULL)
		return -NLE_INVAL;
	rc = rtnl_addr_set_peer(ra, na);
	nl_addr_put(na);
	return rc;
}

/* Translate a into a new rtnl_addr; NULL with the reason in ctx. */
static struct rtnl_addr *build(struct nlctx *ctx, const struct sys_ifaddr *a)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	int rc;

	if (ra == NULL) {
		nlctx_fail(ctx, ENOMEM, "out of memory");
		return NULL;
	}
	rtnl_addr_set_ifindex(ra, a->ifindex);
	rtnl_addr_set_family(ra, a->addr.family);
	rc = set_local(ra, a);
	if (rc == 0 && a->brd.family != 0) {
		struct nl_addr *b = sys_ip_to_nl(&a->brd, -1);

		rc = b != NULL ? rtnl_addr_set_broadcast(ra, b) : -NLE_INVAL;
		if (b != NULL)
			nl_addr_put(b);
	}
	if (rc == 0 && a->label[0] != '\0')
		rc = rtnl_addr_set_label(ra, a->label);
	if (rc < 0) {
		rtnl_addr_put(ra);
		nlctx_fail(ctx, EINVAL, "invalid address request: %s", nl_geterror(rc));
		return NULL;
	}
	if (a->scope >= 0)
		rtnl_addr_set_scope(ra, a->scope);
	if (a->preferred_lft != SYS_LFT_FOREVER || a->valid_lft != SYS_LFT_FOREVER) {
		rtnl_addr_set_preferred_lifetime(ra, a->preferred_lft);
		rtnl_addr_set_valid_lifetime(ra, a->valid_lft);
	}
	if (a->flags != 0)
		rtnl_addr_set_flags(ra, a->flags);
	return ra;
}

int nl_addr_add(struct nlctx *ctx, const struct sys_ifaddr *a)
{
	struct rtnl_addr *ra;
	int rc;

	nlctx_begin(ctx);
	ra = build(ctx, a);
	if (ra == NULL)
		return -ctx->err;
	rc = rtnl_addr_add(ctx->sk, ra, NLM_F_EXCL);
	rtnl_addr_put(ra);
	return nlctx_finish(ctx, rc);
}

int nl_addr_del(struct nlctx *ctx, const struct sys_ifaddr *a)
{
	struct rtnl_addr *ra;
	int rc;

	nlctx_begin(ctx);
	ra = build(ctx, a);
	if (ra == NULL)
		return -ctx->err;
	rc = rtnl_addr_delete(ctx->sk, ra, 0);
	rtnl_addr_put(ra);
	return nlctx_finish(ctx, rc);
}

static bool same_ip(struct rtnl_addr *ra, const struct sys_ip *ip)
{
	struct nl_addr *local = rtnl_addr_get_local(ra);
	struct sys_ip have;

	if (local == NULL || sys_ip_from_nl(local, &have) < 0)
		return false;
	return have.family == ip->family &&
		memcmp(&have.u, &ip->u, sys_ip_len(ip)) == 0;
}

int nl_addr_present(struct nlctx *ctx, int ifindex, const struct sys_ip *ip)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int rc, found = 0;

	nlctx_begin(ctx);
	rc = rtnl_addr_alloc_cache(ctx->sk, &cache);
	if (rc < 0)
		return nlctx_finish(ctx, rc);
	for (o = nl_cache_get_first(cache); o != NULL && !found; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;

		if (ifindex != 0 && rtnl_addr_get_ifindex(ra) != ifindex)
			continue;
		found = same_ip(ra, ip);
	}
	nl_cache_free(cache);
	nlctx_finish(ctx, 0);
	return found;
}
