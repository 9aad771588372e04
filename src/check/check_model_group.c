/*
 * check_model_group.c - virtual_server_group expansion.
 *
 * A "virtual_server group NAME" stands for every entry of the group:
 * each address of an address range or prefix (with the entry's port) is
 * one kernel service of the virtual server's protocol, and each "fwmark
 * N [inet|inet6]" one fwmark service.  The reader has already checked the
 * entries (kw_lvs_group.c); this file only enumerates them.  Very large
 * ranges are capped at CK_GROUP_MAX addresses per entry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_model_int.h"
#include "conf.h"

#define CK_GROUP_MAX 4096

static size_t ip_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static uint8_t *ip_bytes(struct ipvs_ip *ip)
{
	return ip->family == AF_INET ? (uint8_t *)&ip->u.v4 : (uint8_t *)&ip->u.v6;
}

static void ip_inc(struct ipvs_ip *ip)
{
	uint8_t *b = ip_bytes(ip);

	for (size_t i = ip_len(ip->family); i-- > 0;)
		if (++b[i])
			break;
}

/* Parse the end of "START-END": a whole address, or the last byte (IPv4,
 * decimal) or last group (IPv6, hexadecimal) of START. */
static bool range_end(const char *end, const struct ipvs_ip *start, struct ipvs_ip *e)
{
	char *stop;
	unsigned long v;

	if (strchr(end, start->family == AF_INET ? '.' : ':'))
		return ipvs_ip_parse(end, e) == 0 && e->family == start->family;
	v = strtoul(end, &stop, start->family == AF_INET ? 10 : 16);
	if (*stop || !*end)
		return false;
	*e = *start;
	if (start->family == AF_INET) {
		ip_bytes(e)[3] = (uint8_t)v;
	} else {
		ip_bytes(e)[14] = (uint8_t)(v >> 8);
		ip_bytes(e)[15] = (uint8_t)v;
	}
	return true;
}

/* Start and end of a prefix "ADDR/PLEN". */
static bool prefix_bounds(const char *w, const char *slash, struct ipvs_ip *s, struct ipvs_ip *e)
{
	char head[INET6_ADDRSTRLEN + 1];
	char *stop;
	unsigned long plen;
	size_t bits;

	if ((size_t)(slash - w) >= sizeof(head))
		return false;
	memcpy(head, w, (size_t)(slash - w));
	head[slash - w] = '\0';
	if (ipvs_ip_parse(head, s))
		return false;
	bits = ip_len(s->family) * 8;
	plen = strtoul(slash + 1, &stop, 10);
	if (*stop || plen > bits)
		return false;
	*e = *s;
	for (size_t bit = plen; bit < bits; bit++)
		ip_bytes(e)[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	return true;
}

long check_model_expand_range(const char *word, struct ipvs_ip *out, size_t max)
{
	const char *slash = strchr(word, '/'), *dash = strchr(word, '-');
	struct ipvs_ip s, e;
	long n = 0;

	if (slash) {
		if (!prefix_bounds(word, slash, &s, &e))
			return -1;
	} else if (dash) {
		char head[INET6_ADDRSTRLEN + 1];

		if ((size_t)(dash - word) >= sizeof(head))
			return -1;
		memcpy(head, word, (size_t)(dash - word));
		head[dash - word] = '\0';
		if (ipvs_ip_parse(head, &s) || !range_end(dash + 1, &s, &e))
			return -1;
	} else {
		if (ipvs_ip_parse(word, &s))
			return -1;
		e = s;
	}
	if (memcmp(ip_bytes(&s), ip_bytes(&e), ip_len(s.family)) > 0)
		return -1;
	for (;;) {
		if ((size_t)n < max)
			out[n] = s;
		n++;
		if (!memcmp(ip_bytes(&s), ip_bytes(&e), ip_len(s.family)) || n >= CK_GROUP_MAX)
			break;
		ip_inc(&s);
	}
	return n;
}

static const struct conf_node *find_group(const struct conf *conf, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, conf->root) {
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "virtual_server_group") &&
		    n->argc > 0 && !strcmp(n->argv[0], name))
			return n;
	}
	return NULL;
}

static bool add_svc(struct ck_vs *vs, size_t *cap, const struct ipvs_service *s)
{
	if (vs->n_svcs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct ipvs_service *p = realloc(vs->svcs, ncap * sizeof(*p));

		if (!p)
			return false;
		vs->svcs = p;
		*cap = ncap;
	}
	vs->svcs[vs->n_svcs++] = *s;
	return true;
}

static bool add_entry(struct ck_vs *vs, size_t *cap, const struct conf_node *l,
		      const struct ipvs_service *tmpl, uint16_t proto)
{
	struct ipvs_service s = *tmpl;
	struct ipvs_ip *all;
	long n;

	if (!strcmp(l->argv[0], "fwmark")) {
		s.fwmark = (uint32_t)strtoul(l->argv[1], NULL, 10);
		s.af = l->argc > 2 && !strcmp(l->argv[2], "inet6") ? AF_INET6 : AF_INET;
		return add_svc(vs, cap, &s);
	}
	s.protocol = proto;
	s.port = l->argc > 1 ? (uint16_t)atoi(l->argv[1]) : 0;
	n = check_model_expand_range(l->argv[0], NULL, 0);
	if (n <= 0)
		return true;
	all = calloc((size_t)n, sizeof(*all));
	if (!all)
		return false;
	check_model_expand_range(l->argv[0], all, (size_t)n);
	for (long i = 0; i < n; i++) {
		s.addr = all[i];
		s.af = all[i].family;
		if (!add_svc(vs, cap, &s)) {
			free(all);
			return false;
		}
	}
	free(all);
	return true;
}

bool ck_group_expand(struct ck_vs *vs, const struct conf *conf, const char *name,
		     const struct ipvs_service *tmpl, uint16_t proto)
{
	const struct conf_node *g = find_group(conf, name), *l;
	size_t cap = 0;
	bool only_marks = true;

	snprintf(vs->label, sizeof(vs->label), "[%s]:0", name);
	vs->svcs = NULL;
	vs->n_svcs = 0;
	if (!g)
		return true;
	conf_foreach(l, g) {
		only_marks &= !strcmp(l->argv[0], "fwmark");
		if (!add_entry(vs, &cap, l, tmpl, proto))
			return false;
	}
	vs->is_fwmark = only_marks;
	if (only_marks)
		vs->proto_name = "none";
	return true;
}
