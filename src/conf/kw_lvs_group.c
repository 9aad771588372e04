/*
 * kw_lvs_group.c - lines of "virtual_server_group NAME { ... }".
 *
 * Each line is one entry: an address, an address range ("10.0.0.1-10",
 * "10.0.0.250-10.0.1.3", "10.0.0.8/29", IPv6 alike with hexadecimal last
 * group) with an optional port, or "fwmark N [inet|inet6]".  A bad line is
 * reported with keepalived 2.2.7's wording and dropped; the tree check
 * (kw_vsg_group_check) then reports a group left empty, or one mixing IPv4, IPv6 and fwmarks
 * without a family (as 2.2.7 does at load).
 */
#include <string.h>
#include <stdint.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include "kw_lvs.h"

static const char *group_name(const struct conf_node *line)
{
	const struct conf_node *g = line->parent;

	return g && g->argc > 0 ? g->argv[0] : "(null)";
}

static bool check_fwmark_line(struct conf_ctx *ctx, struct conf_node *node)
{
	int64_t mark;

	if (node->argc < 2) {
		conf_err(ctx, &node->src, "Configuration line starting `fwmark` is missing a "
			 "parameter after keyword `fwmark` at word position 2");
		return false;
	}
	if (!conf_parse_int(node->argv[1], 0, UINT32_MAX, &mark)) {
		conf_err(ctx, &node->src, "(%s): fwmark '%s' must be in [0, %u] - ignoring",
			 group_name(node), node->argv[1], UINT32_MAX);
		return false;
	}
	if (node->argc > 2 && strcmp(node->argv[2], "inet") && strcmp(node->argv[2], "inet6")) {
		conf_err(ctx, &node->src, "(%s): fwmark '%s' family %s unknown - ignoring",
			 group_name(node), node->argv[1], node->argv[2]);
		return false;
	}
	return true;
}

static size_t addr_len(const struct conf_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static const uint8_t *addr_bytes(const struct conf_addr *a)
{
	return a->family == AF_INET ? (const uint8_t *)&a->a.v4 : (const uint8_t *)&a->a.v6;
}

/* Results of the range parsers: the caller reports BAD_ADDR. */
enum { BAD_REPORTED = -1, BAD_ADDR = 0, GOOD = 1 };

/* "ADDR/PLEN": the host bits must be zero. */
static int check_prefix(struct conf_ctx *ctx, struct conf_node *node, const char *w,
			 const char *slash, struct conf_addr *a)
{
	char *head = strndup(w, (size_t)(slash - w));
	bool ok = head && conf_parse_addr(head, false, a);
	int64_t plen;

	free(head);
	if (!ok)
		return BAD_ADDR;
	if (!conf_parse_int(slash + 1, 0, a->family == AF_INET ? 32 : 128, &plen)) {
		conf_err(ctx, &node->src, "Invalid netmask - %s - skipping", w);
		return BAD_REPORTED;
	}
	const uint8_t *b = addr_bytes(a);
	for (size_t bit = (size_t)plen; bit < addr_len(a) * 8; bit++) {
		if (b[bit / 8] & (0x80u >> (bit % 8))) {
			conf_err(ctx, &node->src, "Address mask bits not empty - %s - skipping", w);
			return BAD_REPORTED;
		}
	}
	a->plen = (uint8_t)plen;
	a->has_plen = true;
	return GOOD;
}

/* "START-END": END is a whole address or the last byte (IPv4, decimal) or
 * the last group (IPv6, hexadecimal) of START; END must exceed START. */
static int check_range(struct conf_ctx *ctx, struct conf_node *node, const char *w,
			const char *dash, struct conf_addr *a)
{
	char *head = strndup(w, (size_t)(dash - w));
	bool ok = head && conf_parse_addr(head, false, a);
	const char *end = dash + 1;
	struct conf_addr e;

	free(head);
	if (!ok || !*end)
		return BAD_ADDR;
	if (strchr(end, a->family == AF_INET ? '.' : ':')) {
		if (!conf_parse_addr(end, false, &e) || e.family != a->family)
			return BAD_ADDR;
	} else {
		char *stop;
		unsigned long v = strtoul(end, &stop, a->family == AF_INET ? 10 : 16);

		if (*stop || end[0] == '-' || end[0] == '+')
			return BAD_ADDR;
		if (v > (a->family == AF_INET ? 255ul : 0xfffful)) {
			conf_err(ctx, &node->src, "Virtual server group range '%s' end '%s' too large",
				 w, end);
			return BAD_REPORTED;
		}
		e = *a;
		if (a->family == AF_INET) {
			e.a.v4.s_addr = htonl((ntohl(a->a.v4.s_addr) & ~0xffu) | (uint32_t)v);
		} else {
			e.a.v6.s6_addr[14] = (uint8_t)(v >> 8);
			e.a.v6.s6_addr[15] = (uint8_t)v;
		}
	}
	if (memcmp(addr_bytes(&e), addr_bytes(a), addr_len(a)) <= 0) {
		conf_err(ctx, &node->src,
			 "Address range end is not greater than address range start - %s - skipping", w);
		return BAD_REPORTED;
	}
	return GOOD;
}

bool kw_vsg_line_check(struct conf_ctx *ctx, struct conf_node *node)
{
	const char *w = node->argv[0];
	const char *slash = strchr(w, '/'), *dash = strchr(w, '-');
	struct conf_addr a;
	int64_t port = 0;
	int ok;

	if (!strcmp(w, "fwmark"))
		return check_fwmark_line(ctx, node);
	if (slash)
		ok = check_prefix(ctx, node, w, slash, &a);
	else if (dash)
		ok = check_range(ctx, node, w, dash, &a);
	else
		ok = conf_parse_addr(w, false, &a) ? GOOD : BAD_ADDR;
	if (ok == BAD_REPORTED)
		return false;
	if (ok == GOOD && (node->argc < 2 || conf_parse_int(node->argv[1], 1, 65535, &port))) {
		node->val.addr = conf_addr_store(ctx, &a);
		return true;
	}
	if (node->argc > 1)
		conf_err(ctx, &node->src, "Invalid virtual server group IP address %s /port/%s - skipping",
			 w, node->argv[1]);
	else
		conf_err(ctx, &node->src, "Invalid virtual server group IP address %s - skipping", w);
	return false;
}

bool kw_vsg_group_check(struct conf_ctx *ctx, const struct conf_node *node)
{
	const struct conf_node *l;
	bool v4 = false, v6 = false, bare_mark = false;

	if (!node->child) {
		conf_err(ctx, &node->src, "virtual server group %s has no entries - removing",
			 node->argc > 0 ? node->argv[0] : "");
		return false;
	}
	conf_foreach(l, node) {
		if (!strcmp(l->argv[0], "fwmark"))
			bare_mark |= l->argc < 3;
		else if (l->val.addr->family == AF_INET)
			v4 = true;
		else
			v6 = true;
	}
	if (v4 && v6 && bare_mark) {
		conf_err(ctx, &node->src, "virtual server group %s cannot have IPv4, IPv6 and fwmark "
			 "without family - removing", node->argv[0]);
		return false;
	}
	return true;
}
