/*
 * nl_rule.h - policy routing rules ("ip rule"): add and delete.
 *
 * keepalived's "virtual_rules"/"static_rules" map onto struct sys_rule:
 * from/to prefixes, input/output interface names, fwmark with mask,
 * table, priority and protocol (RTPROT_KEEPALIVED by default), and the
 * "ip rule" extras: tos, realms, goto target, l3mdev, IP protocol and
 * port ranges (through libnl), "not", uidrange, suppress_prefixlength,
 * suppress_ifgroup and tunnel-id (appended to libnl's request).  The
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
	uint32_t goto_target;        /* FRA_GOTO, with action FR_ACT_GOTO */
	bool l3mdev;                 /* FRA_L3MDEV: table from the l3mdev device */
	uint8_t tos;                 /* rule's dsfield; 0 = any */
	uint32_t realms;             /* FRA_FLOW; 0 = none */
	uint8_t ipproto;             /* FRA_IP_PROTO; 0 = any */
	uint16_t sport[2], dport[2]; /* FRA_SPORT/DPORT_RANGE [start, end]; start 0 = any */
	bool invert;                 /* "not": FIB_RULE_INVERT */
	bool has_uidrange;
	uint32_t uid_start, uid_end; /* FRA_UID_RANGE */
	bool has_suppress_prefixlen;
	uint32_t suppress_prefixlen; /* FRA_SUPPRESS_PREFIXLEN */
	bool has_suppress_ifgroup;
	uint32_t suppress_ifgroup;   /* FRA_SUPPRESS_IFGROUP */
	bool has_tun_id;
	uint64_t tun_id;             /* FRA_TUN_ID (sent big-endian) */
};

/* Defaults: everything unset, protocol keepalived, action "lookup". */
void sys_rule_init(struct sys_rule *r, int family);

/* Add the rule (NLM_F_EXCL: -EEXIST if an identical rule exists). */
int nl_rule_add(struct nlctx *ctx, const struct sys_rule *r);
/* Delete the first rule matching every field r sets; -ENOENT if none. */
int nl_rule_del(struct nlctx *ctx, const struct sys_rule *r);

#endif
