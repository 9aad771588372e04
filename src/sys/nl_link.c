/*
 * nl_link.c - interfaces over libnl's rtnl_link (see nl_link.h).
 *
 * Lookups ask the kernel for one link (RTM_GETLINK by index or name)
 * rather than keeping a cache: the monitor (nl_monitor.h) is what keeps
 * the VRRP child's view current.  A VMAC is an rtnl_link of kind macvlan
 * in MACVLAN_MODE_PRIVATE, so that it never talks to its sibling macvlans.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/inet6.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_link.h"

static void describe(struct rtnl_link *l, struct sys_link *out)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *s;

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	s = rtnl_link_get_name(l);
	snprintf(out->name, sizeof(out->name), "%s", s != NULL ? s : "");
	out->flags = rtnl_link_get_flags(l);
	out->admin_up = (out->flags & IFF_UP) != 0;
	out->oper_up = out->admin_up && (out->flags & IFF_RUNNING) != 0;
	if (mac != NULL && nl_addr_get_len(mac) == SYS_MAC_LEN) {
		memcpy(out->mac, nl_addr_get_binary_addr(mac), SYS_MAC_LEN);
		out->mac_len = SYS_MAC_LEN;
	}
	out->mtu = rtnl_link_get_mtu(l);
	out->parent = rtnl_link_get_link(l);
	s = rtnl_link_get_type(l);
	snprintf(out->kind, sizeof(out->kind), "%s", s != NULL ? s : "");
}

int nl_link_get(struct nlctx *ctx, int ifindex, const char *name, struct sys_link *out)
{
	struct rtnl_link *l = NULL;
	int rc;

	nlctx_begin(ctx);
	rc = rtnl_link_get_kernel(ctx->sk, ifindex > 0 ? ifindex : 0,
				  ifindex > 0 ? NULL : name, &l);
	if (rc < 0 || l == NULL)
		return nlctx_finish(ctx, rc < 0 ? rc : -NLE_OBJ_NOTFOUND);
	describe(l, out);
	rtnl_link_put(l);
	return nlctx_finish(ctx, 0);
}

int nl_link_index(struct nlctx *ctx, const char *name)
{
	struct sys_link info;
	int rc = nl_link_get(ctx, 0, name, &info);

	return rc < 0 ? rc : info.ifindex;
}

int nl_link_set_up(struct nlctx *ctx, int ifindex, bool up)
{
	struct rtnl_link *orig, *change;
	int rc = -NLE_NOMEM;

	nlctx_begin(ctx);
	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (orig != NULL && change != NULL) {
		rtnl_link_set_ifindex(orig, ifindex);
		if (up)
			rtnl_link_set_flags(change, IFF_UP);
		else
			rtnl_link_unset_flags(change, IFF_UP);
		rc = rtnl_link_change(ctx->sk, orig, change, 0);
	}
	if (orig != NULL)
		rtnl_link_put(orig);
	if (change != NULL)
		rtnl_link_put(change);
	return nlctx_finish(ctx, rc);
}

int nl_link_del(struct nlctx *ctx, int ifindex)
{
	struct rtnl_link *l;
	int rc;

	nlctx_begin(ctx);
	l = rtnl_link_alloc();
	if (l == NULL)
		return nlctx_fail(ctx, ENOMEM, "out of memory");
	rtnl_link_set_ifindex(l, ifindex);
	rc = rtnl_link_delete(ctx->sk, l);
	rtnl_link_put(l);
	return nlctx_finish(ctx, rc);
}

/* No kernel-made IPv6 link-local address on a VMAC (2.2.7 does the same;
 * the VRRP engine adds the one it wants, see sys_ipv6_ll_from_mac()).  The
 * kernel refuses IFLA_AF_SPEC while creating a macvlan, hence a change. */
static int set_addrgenmode_none(struct nlctx *ctx, int ifindex)
{
	struct rtnl_link *orig, *change;
	int rc = -NLE_NOMEM;

	nlctx_begin(ctx);
	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (orig != NULL && change != NULL) {
		rtnl_link_set_ifindex(orig, ifindex);
		rc = rtnl_link_inet6_set_addr_gen_mode(change, IN6_ADDR_GEN_MODE_NONE);
		if (rc == 0)
			rc = rtnl_link_change(ctx->sk, orig, change, 0);
	}
	if (orig != NULL)
		rtnl_link_put(orig);
	if (change != NULL)
		rtnl_link_put(change);
	return nlctx_finish(ctx, rc);
}

void sys_vmac_addr(uint8_t vrid, int family, uint8_t mac[SYS_MAC_LEN])
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = vrid;
}

int nl_vmac_add(struct nlctx *ctx, int parent_ifindex, const char *name,
		const uint8_t mac[SYS_MAC_LEN])
{
	struct rtnl_link *l;
	struct nl_addr *a;
	int rc, ifindex;

	nlctx_begin(ctx);
	if (strlen(name) >= IFNAMSIZ)
		return nlctx_fail(ctx, EINVAL, "interface name too long: %s", name);
	l = rtnl_link_macvlan_alloc();
	if (l == NULL)
		return nlctx_fail(ctx, ENOMEM, "out of memory");
	rtnl_link_set_link(l, parent_ifindex);
	rtnl_link_set_name(l, name);
	rc = rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
	a = nl_addr_build(AF_LLC, mac, SYS_MAC_LEN);
	if (a == NULL && rc == 0)
		rc = -NLE_NOMEM;
	if (rc == 0) {
		rtnl_link_set_addr(l, a);
		rc = rtnl_link_add(ctx->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (a != NULL)
		nl_addr_put(a);
	rtnl_link_put(l);
	rc = nlctx_finish(ctx, rc);
	if (rc < 0)
		return rc;
	ifindex = nl_link_index(ctx, name);
	if (ifindex < 0)
		return ifindex;
	rc = set_addrgenmode_none(ctx, ifindex);
	if (rc < 0) {
		struct nlctx saved = *ctx;           /* keep this failure's reason */

		nl_link_del(ctx, ifindex);
		ctx->err = saved.err;
		ctx->extack = saved.extack;
		memcpy(ctx->errmsg, saved.errmsg, sizeof(ctx->errmsg));
		return rc;
	}
	return ifindex;
}
