/*
 * vrrp_ipvlan.c - the ipvlan link of "use_ipvlan" (vrrp_ipvlan.h).
 *
 * Design.  libnl's ipvlan support sets the mode but not the flags, so the
 * RTM_NEWLINK request is built by hand: IFLA_IFNAME, IFLA_LINK and
 * IFLA_LINKINFO { kind "ipvlan", data { IFLA_IPVLAN_MODE = L2,
 * IFLA_IPVLAN_FLAGS } }, sent and acknowledged on the nlctx socket so
 * that nlctx_error() holds the kernel's reason.  No module state.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_addr.h"
#include "nl_link.h"
#include "vrrp_ipvlan.h"

static int build(struct nl_msg *msg, int parent, const char *name, int flags)
{
	struct ifinfomsg ifi;
	struct nlattr *info, *data;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    nla_put_u32(msg, IFLA_LINK, (uint32_t)parent) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "ipvlan") < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u16(msg, IFLA_IPVLAN_MODE, IPVLAN_MODE_L2) < 0 ||
	    nla_put_u16(msg, IFLA_IPVLAN_FLAGS, (uint16_t)flags) < 0)
		return -1;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;
}

int vrrp_ipvlan_add(struct nlctx *nl, int parent, const char *name, int flags)
{
	struct nl_msg *msg;
	int rc;

	nlctx_begin(nl);
	if (strlen(name) >= IFNAMSIZ)
		return nlctx_fail(nl, EINVAL, "interface name too long: %s", name);
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return nlctx_fail(nl, ENOMEM, "out of memory");
	if (build(msg, parent, name, flags) < 0) {
		nlmsg_free(msg);
		return nlctx_fail(nl, ENOMEM, "netlink message too long");
	}
	rc = nlctx_finish(nl, nl_send_sync(nl->sk, msg));     /* frees msg */
	if (rc < 0)
		return rc;
	return nl_link_index(nl, name);
}

int vrrp_ipvlan_addr(struct nlctx *nl, int ifindex, const struct sys_ip *addr, int plen)
{
	struct sys_ifaddr a;
	int rc;

	if (!addr->family)
		return 0;
	sys_ifaddr_init(&a, ifindex);
	a.addr = *addr;
	a.prefixlen = plen;
	if (addr->family == AF_INET6)
		a.flags = IFA_F_NODAD;
	rc = nl_addr_add(nl, &a);
	return rc == -EEXIST ? 0 : rc;
}
