/*
 * nl_rule.c - policy routing rules over libnl's rtnl_rule (see nl_rule.h).
 *
 * One translation from struct sys_rule to rtnl_rule serves both verbs; the
 * kernel matches a deletion against every attribute present, so unset
 * fields are simply left out.
 */
#include <errno.h>
#include <string.h>
#include <linux/fib_rules.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/rule.h>

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

static int run(struct nlctx *ctx, const struct sys_rule *r, bool add)
{
	struct rtnl_rule *rr;
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
	rc = add ? rtnl_rule_add(ctx->sk, rr, NLM_F_EXCL) : rtnl_rule_delete(ctx->sk, rr, 0);
	rtnl_rule_put(rr);
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
