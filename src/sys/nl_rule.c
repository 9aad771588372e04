/*
 * nl_rule.c - policy routing rules over libnl's rtnl_rule (see nl_rule.h).
 *
 * One translation from struct sys_rule to rtnl_rule serves both verbs; the
 * kernel matches a deletion against every attribute present, so unset
 * fields are simply left out.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <linux/fib_rules.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/rule.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_rule.h"

void sys_rule_init(struct sys_rule *r, int family)
{
	memset(r, 0, sizeof(*r));
	r->family = family;
	r->protocol = RTPROT_KEEPALIVED;
	r->action = FR_ACT_TO_TBL;
}

static int set_prefix(struct rtnl_rule *rr, const struct sys_ip *ip, int len, bool src)
{
	struct nl_addr *a;
	int rc;

	if (ip->family == 0)
		return 0;
	a = sys_ip_to_nl(ip, len);
	if (a == NULL)
		return -NLE_NOMEM;
	rc = src ? rtnl_rule_set_src(rr, a) : rtnl_rule_set_dst(rr, a);
	nl_addr_put(a);
	return rc;
}

static int set_ports(struct rtnl_rule *rr, const struct sys_rule *r)
{
	int rc = 0;

	if (r->ipproto)
		rc = rtnl_rule_set_ipproto(rr, r->ipproto);
	if (rc == 0 && r->sport[0])
		rc = rtnl_rule_set_sport_range(rr, r->sport[0], r->sport[1]);
	if (rc == 0 && r->dport[0])
		rc = rtnl_rule_set_dport_range(rr, r->dport[0], r->dport[1]);
	return rc;
}

static int set_fields(struct rtnl_rule *rr, const struct sys_rule *r)
{
	int rc;

	rtnl_rule_set_family(rr, r->family);
	rtnl_rule_set_action(rr, (uint8_t)r->action);
	if (r->table != 0)
		rtnl_rule_set_table(rr, r->table);
	if (r->has_priority)
		rtnl_rule_set_prio(rr, r->priority);
	if (r->has_fwmark) {
		rtnl_rule_set_mark(rr, r->fwmark);
		rtnl_rule_set_mask(rr, r->fwmask != 0 ? r->fwmask : UINT32_MAX);
	}
	if (r->action == FR_ACT_GOTO)
		rtnl_rule_set_goto(rr, r->goto_target);
	if (r->l3mdev)
		rtnl_rule_set_l3mdev(rr, 1);
	if (r->tos)
		rtnl_rule_set_dsfield(rr, r->tos);
	if (r->realms)
		rtnl_rule_set_realms(rr, r->realms);
	rc = set_ports(rr, r);
	if (rc == 0)
		rc = set_prefix(rr, &r->from, r->from_len, true);
	if (rc == 0)
		rc = set_prefix(rr, &r->to, r->to_len, false);
	if (rc == 0 && r->iif[0] != '\0')
		rc = rtnl_rule_set_iif(rr, r->iif);
	if (rc == 0 && r->oif[0] != '\0')
		rc = rtnl_rule_set_oif(rr, r->oif);
	if (rc == 0 && r->protocol >= 0)
		rc = rtnl_rule_set_protocol(rr, (uint8_t)r->protocol);
	return rc;
}

/* What libnl's rule object cannot carry, appended to its request. */
static int put_extras(struct nl_msg *msg, const struct sys_rule *r)
{
	struct fib_rule_hdr *frh = nlmsg_data(nlmsg_hdr(msg));
	struct fib_rule_uid_range uid = { r->uid_start, r->uid_end };

	if (r->invert)
		frh->flags |= FIB_RULE_INVERT;
	if ((r->has_uidrange && nla_put(msg, FRA_UID_RANGE, sizeof(uid), &uid) < 0) ||
	    (r->has_suppress_prefixlen &&
	     nla_put_u32(msg, FRA_SUPPRESS_PREFIXLEN, r->suppress_prefixlen) < 0) ||
	    (r->has_suppress_ifgroup &&
	     nla_put_u32(msg, FRA_SUPPRESS_IFGROUP, r->suppress_ifgroup) < 0) ||
	    (r->has_tun_id && nla_put_u64(msg, FRA_TUN_ID, htobe64(r->tun_id)) < 0))
		return -NLE_NOMEM;
	return 0;
}

static int run(struct nlctx *ctx, const struct sys_rule *r, bool add)
{
	struct rtnl_rule *rr;
	struct nl_msg *msg = NULL;
	int rc;

	nlctx_begin(ctx);
	rr = rtnl_rule_alloc();
	if (rr == NULL)
		return nlctx_fail(ctx, ENOMEM, "out of memory");
	rc = set_fields(rr, r);
	if (rc < 0) {
		rtnl_rule_put(rr);
		return nlctx_fail(ctx, EINVAL, "invalid rule request: %s", nl_geterror(rc));
	}
	rc = add ? rtnl_rule_build_add_request(rr, NLM_F_EXCL, &msg)
		 : rtnl_rule_build_delete_request(rr, 0, &msg);
	rtnl_rule_put(rr);
	if (rc == 0 && (rc = put_extras(msg, r)) == 0)
		rc = nl_send_sync(ctx->sk, msg);     /* frees msg */
	else
		nlmsg_free(msg);
	return nlctx_finish(ctx, rc);
}

int nl_rule_add(struct nlctx *ctx, const struct sys_rule *r)
{
	return run(ctx, r, true);
}

int nl_rule_del(struct nlctx *ctx, const struct sys_rule *r)
{
	return run(ctx, r, false);
}
