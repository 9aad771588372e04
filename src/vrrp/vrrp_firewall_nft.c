/*
 * vrrp_firewall_nft.c - nftables tables through libnftnl (vrrp_firewall_nft.h).
 *
 * Design.  Builders append netlink messages to one batch (struct batch);
 * b_send() closes it, sends it and collects one ack per message (every
 * message asks for one), so the first error of a batch is known and
 * logged with what was being done.  Rule builders mirror the expressions
 * 2.2.7's rules compile to (registers, offsets, order), so that `nft list
 * ruleset` prints the same rules for both daemons.  Set key types are
 * nft's datatype numbers, which `nft list` uses to print keys.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "log.h"
#include "vrrp_firewall_nft.h"
#include "vrrp_nft_dl.h"

/* nft's datatype numbers (what `nft list` prints set keys as). */
enum {
	NFT_DT_IPADDR = 7, NFT_DT_IP6ADDR = 8, NFT_DT_IFINDEX = 20, NFT_DT_ICMP6_TYPE = 29,
	NFT_DT_IFNAME = 41,
};
/* A concatenation's type: the parts' types, NFT_DT_CONCAT_BITS each. */
#define NFT_DT_CONCAT_BITS 6
/* nft's byte order tags in set user data (interface indexes: host order). */
enum { NFT_BO_HOST = 1 };

#define ICMPV6_PROTO 58
#define ICMPV6_RS 133
#define ICMPV6_NS 135
#define ICMPV6_NA 136
#define ICMPV6_MLD2_REPORT 143
#define IGMP_PROTO 2

static struct {
	struct mnl_socket *nl;
	uint32_t portid, seq, set_id;
	struct fw_nft_conf c;
	bool table[2];               /* [0] ip, [1] ip6: table and chain "out" exist */
	bool vips[2];                /* chain "in", set "vips" and drop rules exist */
	bool ll[2];                  /* ip6: set vips_link_local(_name) and its rules exist */
} nft;

struct batch {
	struct mnl_nlmsg_batch *b;
	uint16_t family;             /* NFPROTO_IPV4 / NFPROTO_IPV6 */
	unsigned nmsg;
};

static char batch_buf[1 << 16];

static int idx(int family)
{
	return family == AF_INET6;
}

/* ---- batches ------------------------------------------------------------------ */

static void b_start(struct batch *bt, int family)
{
	bt->b = mnl_nlmsg_batch_start(batch_buf, sizeof(batch_buf));
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), nft.seq++);
	mnl_nlmsg_batch_next(bt->b);
	bt->family = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	bt->nmsg = 0;
}

static struct nlmsghdr *b_hdr(struct batch *bt, uint16_t type, uint16_t flags)
{
	bt->nmsg++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, bt->family,
				     flags | NLM_F_ACK, nft.seq++);
}

static void b_next(struct batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
}

/* Count acks (NLMSG_ERROR with error 0) and remember the first error. */
static void read_acks(unsigned *acked, int *err, char *buf, int n)
{
	const struct nlmsghdr *h;

	for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
		const struct nlmsgerr *e;

		if (h->nlmsg_type != NLMSG_ERROR)
			continue;
		e = mnl_nlmsg_get_payload(h);
		(*acked)++;
		if (e->error && !*err)
			*err = e->error;
	}
}

/* Send the batch; 0 or -errno.  quiet: an -ENOENT is expected, not logged. */
static int b_send(struct batch *bt, const char *what, bool quiet)
{
	static char rbuf[16384];
	unsigned acked = 0;
	int err = 0;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), nft.seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (mnl_socket_sendto(nft.nl, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0)
		err = -errno;
	mnl_nlmsg_batch_stop(bt->b);
	while (!err && acked < bt->nmsg) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nft.nl), .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 2000) <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		n = mnl_socket_recvfrom(nft.nl, rbuf, sizeof(rbuf));
		if (n < 0) {
			err = -errno;
			break;
		}
		read_acks(&acked, &err, rbuf, (int)n);
	}
	/* after an error the kernel may still send acks: drain them */
	while (err && err != -ETIMEDOUT) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nft.nl), .events = POLLIN };

		if (poll(&p, 1, 0) <= 0 || mnl_socket_recvfrom(nft.nl, rbuf, sizeof(rbuf)) <= 0)
			break;
	}
	if (err && !(quiet && err == -ENOENT))
		log_warnx("nftables: cannot %s in table %s: %s", what, nft.c.table, strerror(-err));
	return err;
}

/* ---- objects --------------------------------------------------------------------- */

static void add_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, nft.c.table);
	nftnl_table_nlmsg_build_payload(b_hdr(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
	nftnl_table_free(t);
	b_next(bt);
}

static void del_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, nft.c.table);
	nftnl_table_nlmsg_build_payload(b_hdr(bt, NFT_MSG_DELTABLE, 0), t);
	nftnl_table_free(t);
	b_next(bt);
}

/* hook < 0: a regular chain (jump/goto target only). */
static void add_chain(struct batch *bt, const char *name, int hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, nft.c.table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, nft.c.priority);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(b_hdr(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
	nftnl_chain_free(c);
	b_next(bt);
}

/* Tell nft that keys (and data) are in host order, or it prints interface
 * indexes byte-swapped instead of as names. */
static void set_host_order(struct nftnl_set *s, bool data)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!u)
		return;
	nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, NFT_BO_HOST);
	if (data)
		nftnl_udata_put_u32(u, NFTNL_UDATA_SET_DATABYTEORDER, NFT_BO_HOST);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

/* A named set (data_type != 0: a map to 4-byte data); returns its id. */
static uint32_t add_set(struct batch *bt, const char *name, uint32_t key_type, uint32_t key_len,
			uint32_t flags, uint32_t data_type)
{
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t id = ++nft.set_id;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, nft.c.table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, bt->family);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	if (data_type) {
		flags |= NFT_SET_MAP;
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 4);
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	if (key_type == NFT_DT_IFINDEX)
		set_host_order(s, data_type != 0);
	nftnl_set_nlmsg_build_payload(b_hdr(bt, NFT_MSG_NEWSET, NLM_F_CREATE), s);
	nftnl_set_free(s);
	b_next(bt);
	return id;
}

/* Add (NFT_MSG_NEWSETELEM) or delete (NFT_MSG_DELSETELEM) n keys of klen
 * bytes, with 4-byte data when data is not NULL. */
static void set_elems(struct batch *bt, const char *name, uint16_t msg, const void *keys,
		      uint32_t klen, const uint32_t *data, size_t n)
{
	struct nftnl_set *s = nftnl_set_alloc();
	size_t i;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, nft.c.table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	for (i = 0; i < n; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();

		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, (const uint8_t *)keys + i * klen, klen);
		if (data)
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, &data[i], 4);
		nftnl_set_elem_add(s, e);
	}
	nftnl_set_elems_nlmsg_build_payload(b_hdr(bt, msg, msg == NFT_MSG_NEWSETELEM ?
						  NLM_F_CREATE : 0), s);
	nftnl_set_free(s);
	b_next(bt);
}

/* ---- rule expressions -------------------------------------------------------------- */

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *kind)
{
	struct nftnl_expr *e = nftnl_expr_alloc(kind);

	nftnl_rule_add_expr(r, e);
	return e;
}

static void e_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len,
		      uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

static void e_cmp(struct nftnl_rule *r, uint32_t sreg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(r, "cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void e_cmp8(struct nftnl_rule *r, uint32_t sreg, uint8_t v)
{
	e_cmp(r, sreg, &v, 1);
}

static void e_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
}

/* dreg 0: a set membership test; else a map lookup into dreg. */
static void e_lookup(struct nftnl_rule *r, uint32_t sreg, const char *set, uint32_t id,
		     uint32_t dreg)
{
	struct nftnl_expr *e = expr(r, "lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (id)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	if (dreg)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, dreg);
}

static void e_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e;

	if (nft.c.counters)
		expr(r, "counter");
	e = expr(r, "immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
}

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, nft.c.table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static void rule_add(struct batch *bt, struct nftnl_rule *r)
{
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, bt->family);
	nftnl_rule_nlmsg_build_payload(b_hdr(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
	nftnl_rule_free(r);
	b_next(bt);
}

/* ---- 2.2.7's rules ---------------------------------------------------------------- */

/* "meta oifkind "macvlan"" then "meta oif" into reg 2. */
static void match_macvlan_oif(struct nftnl_rule *r)
{
	static const char kind[IFNAMSIZ] = "macvlan";

	e_meta(r, NFT_META_OIFKIND, NFT_REG_2);
	e_cmp(r, NFT_REG_2, kind, sizeof(kind));
	e_meta(r, NFT_META_OIF, NFT_REG_2);
}

/* "icmpv6 type T" as nft compiles it in an ip6 table. */
static void match_icmpv6_type(struct nftnl_rule *r, uint8_t type)
{
	e_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	e_cmp8(r, NFT_REG_1, ICMPV6_PROTO);
	e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	e_cmp8(r, NFT_REG_1, type);
}

/* IPv4: "ip protocol igmp meta oifkind "macvlan" dup to ip daddr device
 * oif map @vmac_map drop"; IPv6 the same for MLDv2 reports, plus
 * "icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop". */
static void vmac_rules(struct batch *bt, int family, uint32_t map_id, uint32_t set_id)
{
	struct nftnl_rule *r = rule_new("out");
	struct nftnl_expr *e;

	if (family == AF_INET) {
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 9, 1, NFT_REG_1);
		e_cmp8(r, NFT_REG_1, IGMP_PROTO);
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
	} else {
		match_icmpv6_type(r, ICMPV6_MLD2_REPORT);
		e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NFT_REG_1);
	}
	match_macvlan_oif(r);
	e_lookup(r, NFT_REG_2, "vmac_map", map_id, NFT_REG_2);
	e = expr(r, "dup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_DUP_SREG_ADDR, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_DUP_SREG_DEV, NFT_REG_2);
	e_verdict(r, NF_DROP, NULL);
	rule_add(bt, r);
	if (family == AF_INET)
		return;
	r = rule_new("out");
	match_icmpv6_type(r, ICMPV6_RS);
	match_macvlan_oif(r);
	e_lookup(r, NFT_REG_2, "vmac_set", set_id, 0);
	e_verdict(r, NF_DROP, NULL);
	rule_add(bt, r);
}

int fw_nft_vmacs(int family, const struct fw_vmac_pair *v, size_t n)
{
	struct batch bt;
	uint32_t keys[64], data[64], map_id, set_id = 0;
	size_t i;
	int r;

	if (!nft.nl || !n)
		return 0;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		keys[i] = (uint32_t)v[i].vmac;
		data[i] = (uint32_t)v[i].parent;
	}
	b_start(&bt, family);
	if (!nft.table[idx(family)]) {
		add_table(&bt);
		add_chain(&bt, "out", NF_INET_LOCAL_OUT);
	}
	map_id = add_set(&bt, "vmac_map", NFT_DT_IFINDEX, 4, 0, NFT_DT_IFINDEX);
	set_elems(&bt, "vmac_map", NFT_MSG_NEWSETELEM, keys, 4, data, n);
	if (family == AF_INET6) {
		set_id = add_set(&bt, "vmac_set", NFT_DT_IFINDEX, 4, 0, 0);
		set_elems(&bt, "vmac_set", NFT_MSG_NEWSETELEM, keys, 4, NULL, n);
	}
	vmac_rules(&bt, family, map_id, set_id);
	r = b_send(&bt, "add the VMAC rules", false);
	if (!r)
		nft.table[idx(family)] = true;
	return r;
}

int fw_nft_vmac_moved(int family, const struct fw_vmac_pair *old, const struct fw_vmac_pair *now)
{
	uint32_t k_old = (uint32_t)old->vmac, k_new = (uint32_t)now->vmac;
	uint32_t parent = (uint32_t)now->parent;
	struct batch bt;

	if (!nft.nl || !nft.table[idx(family)])
		return 0;
	b_start(&bt, family);
	set_elems(&bt, "vmac_map", NFT_MSG_DELSETELEM, &k_old, 4, NULL, 1);
	set_elems(&bt, "vmac_map", NFT_MSG_NEWSETELEM, &k_new, 4, &parent, 1);
	if (family == AF_INET6) {
		set_elems(&bt, "vmac_set", NFT_MSG_DELSETELEM, &k_old, 4, NULL, 1);
		set_elems(&bt, "vmac_set", NFT_MSG_NEWSETELEM, &k_new, 4, NULL, 1);
	}
	return b_send(&bt, "move a VMAC in the VMAC rules", false);
}

/* "ip6 daddr|saddr fe80::/10 goto in|out_link_local" and the ND accept
 * rule before it (2.2.7 keeps NS/NA to and from VIPs working). */
static void v6_ll_rules(struct batch *bt, const char *chain, uint32_t off, const char *ll_chain,
			uint32_t nd_id)
{
	static const uint8_t mask[16] = { 0xff, 0xc0 }, zero[16], fe80[16] = { 0xfe, 0x80 };
	struct nftnl_rule *r = rule_new(chain);
	struct nftnl_expr *e;

	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 6, 1, NFT_REG_1);
	e_cmp8(r, NFT_REG_1, ICMPV6_PROTO);
	e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	e_lookup(r, NFT_REG_1, "neighbor-discovery", nd_id, 0);
	e_verdict(r, NF_ACCEPT, NULL);
	rule_add(bt, r);
	r = rule_new(chain);
	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, 16, NFT_REG_1);
	e = expr(r, "bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 16);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, sizeof(zero));
	e_cmp(r, NFT_REG_1, fe80, sizeof(fe80));
	e_verdict(r, NFT_GOTO, ll_chain);
	rule_add(bt, r);
}

/* "ip daddr @vips drop" in chain, or saddr (src true). */
static void vips_rule(struct batch *bt, int family, const char *chain, bool src, uint32_t id)
{
	struct nftnl_rule *r = rule_new(chain);
	uint32_t off = family == AF_INET ? (src ? 12 : 16) : (src ? 8 : 24);

	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, family == AF_INET ? 4 : 16, NFT_REG_1);
	e_lookup(r, NFT_REG_1, "vips", id, 0);
	e_verdict(r, NF_DROP, NULL);
	rule_add(bt, r);
}

static void vips_base(struct batch *bt, int family)
{
	static const uint8_t nd[2] = { ICMPV6_NS, ICMPV6_NA };
	uint32_t vips_id, nd_id = 0;

	if (!nft.table[idx(family)]) {
		add_table(bt);
		add_chain(bt, "out", NF_INET_LOCAL_OUT);
	}
	add_chain(bt, "in", NF_INET_LOCAL_IN);
	if (family == AF_INET) {
		vips_id = add_set(bt, "vips", NFT_DT_IPADDR, 4, 0, 0);
	} else {
		add_chain(bt, "in_link_local", -1);
		add_chain(bt, "out_link_local", -1);
		vips_id = add_set(bt, "vips", NFT_DT_IP6ADDR, 16, 0, 0);
		nd_id = add_set(bt, "neighbor-discovery", NFT_DT_ICMP6_TYPE, 1, NFT_SET_CONSTANT, 0);
		set_elems(bt, "neighbor-discovery", NFT_MSG_NEWSETELEM, nd, 1, NULL, 2);
		v6_ll_rules(bt, "in", 24, "in_link_local", nd_id);
		v6_ll_rules(bt, "out", 8, "out_link_local", nd_id);
	}
	vips_rule(bt, family, "in", false, vips_id);
	vips_rule(bt, family, "out", true, vips_id);
}

/* Link-local VIPs are keyed by address and interface: its index, or (for
 * instances with dont_track_primary, unless nftables_ifindex) its name. */
static const struct ll_kind {
	const char *set;
	uint32_t type, len;          /* of the interface part of the key */
	uint32_t meta_in, meta_out;
} ll_kinds[2] = {
	{ "vips_link_local", NFT_DT_IFINDEX, 4, NFT_META_IIF, NFT_META_OIF },
	{ "vips_link_local_name", NFT_DT_IFNAME, IFNAMSIZ, NFT_META_IIFNAME, NFT_META_OIFNAME },
};

/* The set of link-local VIPs and the rules of the link-local chains:
 * "ip6 daddr . iif @vips_link_local drop", "ip6 saddr . oif ... drop"
 * (iifname / oifname for the by-name set). */
static void ll_base(struct batch *bt, const struct ll_kind *k)
{
	uint32_t id = add_set(bt, k->set, NFT_DT_IP6ADDR << NFT_DT_CONCAT_BITS | k->type,
			      16 + k->len, 0, 0);
	struct nftnl_rule *r = rule_new("in_link_local");

	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, NFT_REG_1);
	e_meta(r, k->meta_in, NFT_REG_2);
	e_lookup(r, NFT_REG_1, k->set, id, 0);
	e_verdict(r, NF_DROP, NULL);
	rule_add(bt, r);
	r = rule_new("out_link_local");
	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, NFT_REG_1);
	e_meta(r, k->meta_out, NFT_REG_2);
	e_lookup(r, NFT_REG_1, k->set, id, 0);
	e_verdict(r, NF_DROP, NULL);
	rule_add(bt, r);
}

static bool is_ll(const struct sys_ip *ip)
{
	return ip->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&ip->u.v6);
}

struct keys {
	uint8_t k[64 * 32];
	size_t n;
};

/* Keys of the family's addresses: global ones into g (klen bytes each),
 * link-local ones into ll[kind] (address . interface index or name). */
static void split_keys(int family, const struct fw_addr *ips, size_t n, struct keys *g,
		       struct keys ll[2])
{
	uint32_t klen = family == AF_INET ? 4 : 16, ifi;
	size_t i;

	g->n = ll[0].n = ll[1].n = 0;
	for (i = 0; i < n; i++) {
		const struct fw_addr *a = &ips[i];
		struct keys *d;
		uint8_t *p;

		if (a->ip.family != family)
			continue;
		if (!is_ll(&a->ip)) {
			if (g->n < 64)
				memcpy(g->k + klen * g->n++, &a->ip.u, klen);
			continue;
		}
		d = &ll[a->by_name];
		if (d->n >= 64)
			continue;
		p = d->k + (16 + ll_kinds[a->by_name].len) * d->n++;
		memcpy(p, &a->ip.u.v6, 16);
		ifi = (uint32_t)a->ifindex;
		if (!a->by_name)
			memcpy(p + 16, &ifi, 4);
		else if (!if_indextoname(ifi, (char *)p + 16))
			memset(p + 16, 0, IFNAMSIZ);
	}
}

int fw_nft_vips(int family, const struct fw_addr *ips, size_t n, bool add)
{
	static struct keys g, ll[2];
	uint16_t msg = add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;
	struct batch bt;
	bool base = false, llbase[2] = { false, false };
	int r, f = idx(family), i;

	if (!nft.nl || (!add && !nft.vips[f]))
		return 0;
	split_keys(family, ips, n, &g, ll);
	for (i = 0; i < 2; i++)
		if (!add && !nft.ll[i])
			ll[i].n = 0;
	if (!g.n && !ll[0].n && !ll[1].n)
		return 0;
	b_start(&bt, family);
	if (add && !nft.vips[f]) {
		vips_base(&bt, family);
		base = true;
	}
	for (i = 0; i < 2; i++)
		if (add && ll[i].n && !nft.ll[i]) {
			ll_base(&bt, &ll_kinds[i]);
			llbase[i] = true;
		}
	if (g.n)
		set_elems(&bt, "vips", msg, g.k, family == AF_INET ? 4 : 16, NULL, g.n);
	for (i = 0; i < 2; i++)
		if (ll[i].n)
			set_elems(&bt, ll_kinds[i].set, msg, ll[i].k, 16 + ll_kinds[i].len, NULL,
				  ll[i].n);
	r = b_send(&bt, add ? "add the VIPs to the drop sets" : "remove the VIPs from the drop sets",
		   false);
	if (!r && base)
		nft.table[f] = nft.vips[f] = true;
	for (i = 0; i < 2; i++)
		if (!r && llbase[i])
			nft.ll[i] = true;
	return r;
}

/* ---- lifecycle ------------------------------------------------------------------ */

int fw_nft_open(const struct fw_nft_conf *c)
{
	struct batch bt;
	int family;

	if (nft.nl)
		return 0;
	nft.c = *c;
	nft.nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nft.nl || mnl_socket_bind(nft.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		log_warnx("nftables: cannot open the netfilter socket: %s", strerror(err));
		if (nft.nl)
			mnl_socket_close(nft.nl);
		nft.nl = NULL;
		return -err;
	}
	nft.portid = mnl_socket_get_portid(nft.nl);
	nft.seq = (uint32_t)time(NULL);
	for (family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		b_start(&bt, family);
		del_table(&bt);
		if (b_send(&bt, "delete a stale table", true) == 0)
			log_info("nftables: deleted a stale %s table %s",
				 family == AF_INET ? "ip" : "ip6", nft.c.table);
	}
	return 0;
}

void fw_nft_close(void)
{
	struct batch bt;
	int f;

	if (!nft.nl)
		return;
	for (f = 0; f < 2; f++) {
		if (!nft.table[f])
			continue;
		b_start(&bt, f ? AF_INET6 : AF_INET);
		del_table(&bt);
		b_send(&bt, "delete the table", true);
	}
	mnl_socket_close(nft.nl);
	memset(&nft, 0, sizeof(nft));
}
