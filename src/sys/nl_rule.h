/*
 * nl_rule.h - policy routing rules ("ip rule"): add and delete.
 *
 * keepalived's "virtual_rules"/"static_rules" map onto struct sys_rule:
 * from/to prefixes, input/output interface names, fwmark with mask,
 * table, priority and protocol (RTPROT_KEEPALIVED by default).  The
 * action is "lookup table" unless the caller sets another FR_ACT_*.
 * Each verb returns 0 or -errno; nlctx_error() then holds the reason.
 */
#ifndef KA_SYS_NL_RULE_H
#define KA_SYS_NL_RULE_H

#include <stdint.h>
#include <net/if.h>

#include "nl_core.h"

struct sys_rule {
	int family;                  /* AF_INET or AF_INET6 */
	struct sys_ip from;          /* FRA_SRC; family 0 = all */
	int from_len;
	struct sys_ip to;            /* FRA_DST; family 0 = all */
	int to_len;
	char iif[IFNAMSIZ];          /* FRA_IIFNAME; "" = any */
	char oif[IFNAMSIZ];          /* FRA_OIFNAME; "" = any */
	bool has_fwmark;
	uint32_t fwmark;             /* FRA_FWMARK */
	uint32_t fwmask;             /* FRA_FWMASK; 0 = 0xffffffff */
	uint32_t table;              /* FRA_TABLE; 0 = none (action not "lookup") */
	bool has_priority;
	uint32_t priority;           /* FRA_PRIORITY ("pref") */
	int protocol;                /* FRA_PROTOCOL; < 0 = not sent */
	int action;                  /* FR_ACT_TO_TBL by default */
};

/* Defaults: everything unset, protocol keepalived, action "lookup". */
void sys_rule_init(struct sys_rule *r, int family);

/* Add the rule (NLM_F_EXCL: -EEXIST if an identical rule exists). */
int nl_rule_add(struct nlctx *ctx, const struct sys_rule *r);
/* Delete the first rule matching every field r sets; -ENOENT if none. */
int nl_rule_del(struct nlctx *ctx, const struct sys_rule *r);

#endif
