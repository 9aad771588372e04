/*
 * nl_driver.c - command-line driver of the src/sys netlink layer, for the
 * namespace tests (tests/system/test_netlink.py).
 *
 *   nl_driver addr-add|addr-del IF ADDR/LEN [brd A] [peer A] [scope S]
 *             [label L] [preferred_lft N|forever] [valid_lft N|forever]
 *             [nodad|-nodad] [home] [mngtmpaddr] [noprefixroute] [autojoin]
 *   nl_driver addr-present IF ADDR          prints "present" or "absent"
 *   nl_driver route-add|route-del DST/LEN|default [via GW] [dev IF]
 *             [table N] [metric N] [scope S] [src A] [type T] [proto N]
 *             [onlink] [nexthop [via GW] [dev IF] [weight W]]... [replace]
 *   nl_driver rule-add|rule-del [-6] [from P] [to P] [iif I] [oif O]
 *             [fwmark M[/MASK]] [table N] [priority N] [proto N]
 *   nl_driver link IF                       prints one key=value line
 *   nl_driver link-set IF up|down
 *   nl_driver vmac-add PARENT NAME VRID [-6]   prints the new ifindex
 *   nl_driver link-del IF
 *   nl_driver garp IF ADDR [count N] [router|norouter]
 *             ARP (IPv4) or NA (IPv6); the NA router flag follows the
 *             interface's IPv6 forwarding setting unless forced
 *   nl_driver monitor [count N] [timeout SEC]  one line per event
 *   nl_driver if-sysctl 4|6 IF KEY [VALUE]     print (or set) a conf sysctl
 *
 * It also shows how the VRRP child wires the monitor into libevent: the
 * monitor's fd gets a persistent EV_READ event whose callback is
 * nl_monitor_dispatch().  Failures print "nl_driver: VERB: REASON
 * (errno N)" on stderr and exit 2; usage errors exit 64.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>

#include "nl_core.h"
#include "nl_addr.h"
#include "nl_route.h"
#include "nl_rule.h"
#include "nl_link.h"
#include "nl_monitor.h"
#include "garp.h"
#include "if_sysctl.h"

#define EX_USAGE 64

static struct nlctx ctx;
static const char *verb;

static void usage(const char *why)
{
	fprintf(stderr, "nl_driver: %s: %s\n", verb != NULL ? verb : "usage", why);
	exit(EX_USAGE);
}

static int fail(int rc)
{
	fprintf(stderr, "nl_driver: %s: %s (errno %d%s)\n", verb, nlctx_error(&ctx),
		-rc, ctx.extack ? ", kernel extack" : "");
	return 2;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || *s == '\0')
		usage("bad number");
	return v;
}

static int ifindex_of(const char *name)
{
	int rc = nl_link_index(&ctx, name);

	if (rc < 0)
		exit(fail(rc));
	return rc;
}

static void ip_arg(const char *text, struct sys_ip *ip, int *plen)
{
	if (sys_ip_parse(text, ip, plen) < 0)
		usage("bad address");
}

static int scope_arg(const char *s)
{
	if (strcmp(s, "global") == 0 || strcmp(s, "universe") == 0)
		return RT_SCOPE_UNIVERSE;
	if (strcmp(s, "site") == 0)
		return RT_SCOPE_SITE;
	if (strcmp(s, "link") == 0)
		return RT_SCOPE_LINK;
	if (strcmp(s, "host") == 0)
		return RT_SCOPE_HOST;
	if (strcmp(s, "nowhere") == 0)
		return RT_SCOPE_NOWHERE;
	return (int)num(s);
}

/* ---- addresses ---- */

static uint32_t lifetime(const char *s)
{
	return strcmp(s, "forever") == 0 ? SYS_LFT_FOREVER : (uint32_t)num(s);
}

/* keepalived's address flag keywords; true if k is one. */
static bool addr_flag(const char *k, uint32_t *flags)
{
	static const struct { const char *name; uint32_t flag; } f[] = {
		{ "nodad", IFA_F_NODAD }, { "-nodad", IFA_F_NODAD },
		{ "home", IFA_F_HOMEADDRESS }, { "mngtmpaddr", IFA_F_MANAGETEMPADDR },
		{ "noprefixroute", IFA_F_NOPREFIXROUTE }, { "autojoin", IFA_F_MCAUTOJOIN },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(k, f[i].name) == 0) {
			*flags |= f[i].flag;
			return true;
		}
	return false;
}

static int cmd_addr(int argc, char **argv, bool add)
{
	struct sys_ifaddr a;
	int i;

	if (argc < 2)
		usage("IF ADDR/LEN required");
	sys_ifaddr_init(&a, ifindex_of(argv[0]));
	ip_arg(argv[1], &a.addr, &a.prefixlen);
	for (i = 2; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (addr_flag(k, &a.flags))
			continue;
		if (v == NULL)
			usage("option needs a value");
		i++;
		if (strcmp(k, "brd") == 0)
			ip_arg(v, &a.brd, NULL);
		else if (strcmp(k, "peer") == 0)
			ip_arg(v, &a.peer, NULL);
		else if (strcmp(k, "scope") == 0)
			a.scope = scope_arg(v);
		else if (strcmp(k, "label") == 0)
			snprintf(a.label, sizeof(a.label), "%s", v);
		else if (strcmp(k, "preferred_lft") == 0)
			a.preferred_lft = lifetime(v);
		else if (strcmp(k, "valid_lft") == 0)
			a.valid_lft = lifetime(v);
		else
			usage("unknown option");
	}
	i = add ? nl_addr_add(&ctx, &a) : nl_addr_del(&ctx, &a);
	return i < 0 ? fail(i) : 0;
}

static int cmd_addr_present(int argc, char **argv)
{
	struct sys_ip ip;
	int rc;

	if (argc != 2)
		usage("IF ADDR required");
	ip_arg(argv[1], &ip, NULL);
	rc = nl_addr_present(&ctx, ifindex_of(argv[0]), &ip);
	if (rc < 0)
		return fail(rc);
	printf("%s\n", rc ? "present" : "absent");
	return 0;
}

/* ---- routes ---- */

static int type_arg(const char *s)
{
	static const struct { const char *name; int type; } t[] = {
		{ "unicast", RTN_UNICAST }, { "local", RTN_LOCAL },
		{ "blackhole", RTN_BLACKHOLE }, { "unreachable", RTN_UNREACHABLE },
		{ "prohibit", RTN_PROHIBIT }, { "throw", RTN_THROW },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].type;
	usage("unknown route type");
	return 0;
}

/* Next-hop keywords (via, dev, weight, onlink) apply to hop nh. */
static bool nh_option(struct sys_nexthop *nh, const char *k, const char *v)
{
	if (strcmp(k, "via") == 0 && v != NULL)
		ip_arg(v, &nh->gw, NULL);
	else if (strcmp(k, "dev") == 0 && v != NULL)
		nh->ifindex = ifindex_of(v);
	else if (strcmp(k, "weight") == 0 && v != NULL)
		nh->weight = (int)num(v);
	else
		return false;
	return true;
}

static void route_option(struct sys_route *r, const char *k, const char *v)
{
	if (v == NULL)
		usage("option needs a value");
	if (strcmp(k, "table") == 0)
		r->table = (uint32_t)num(v);
	else if (strcmp(k, "metric") == 0) {
		r->has_metric = true;
		r->metric = (uint32_t)num(v);
	} else if (strcmp(k, "scope") == 0)
		r->scope = scope_arg(v);
	else if (strcmp(k, "src") == 0)
		ip_arg(v, &r->src, NULL);
	else if (strcmp(k, "type") == 0)
		r->type = type_arg(v);
	else if (strcmp(k, "proto") == 0)
		r->protocol = (int)num(v);
	else
		usage("unknown option");
}

static int cmd_route(int argc, char **argv, bool add)
{
	struct sys_route r;
	struct sys_nexthop *nh;
	bool replace = false;
	int i, rc;

	if (argc < 1)
		usage("DST required");
	sys_route_init(&r, AF_INET);
	if (strcmp(argv[0], "default") != 0) {
		ip_arg(argv[0], &r.dst, &r.dst_len);
		r.family = r.dst.family;
		if (r.dst_len < 0)
			r.dst_len = (int)sys_ip_len(&r.dst) * 8;
	}
	r.n_nh = 1;
	nh = &r.nh[0];
	for (i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(k, "replace") == 0)
			replace = true;
		else if (strcmp(k, "onlink") == 0)
			nh->onlink = true;
		else if (strcmp(k, "nexthop") == 0) {
			if (nh->gw.family != 0 || nh->ifindex != 0)
				nh = &r.nh[r.n_nh++];
			if (r.n_nh > SYS_ROUTE_MAX_NH)
				usage("too many next hops");
		} else if (strcmp(k, "-6") == 0)
			r.family = AF_INET6;
		else {
			if (!nh_option(nh, k, v))
				route_option(&r, k, v);
			i++;
		}
	}
	if (r.nh[0].gw.family == 0 && r.nh[0].ifindex == 0)
		r.n_nh = 0;
	if (r.n_nh > 0 && r.nh[0].gw.family != 0 && r.dst.family == 0)
		r.family = r.nh[0].gw.family;
	rc = add ? nl_route_add(&ctx, &r, replace) : nl_route_del(&ctx, &r);
	return rc < 0 ? fail(rc) : 0;
}

/* ---- rules ---- */

static void prefix_arg(const char *v, struct sys_ip *ip, int *len, struct sys_rule *r)
{
	ip_arg(v, ip, len);
	if (*len < 0)
		*len = (int)sys_ip_len(ip) * 8;
	r->family = ip->family;
}

static void rule_option(struct sys_rule *r, const char *k, const char *v)
{
	char *slash;

	if (strcmp(k, "from") == 0)
		prefix_arg(v, &r->from, &r->from_len, r);
	else if (strcmp(k, "to") == 0)
		prefix_arg(v, &r->to, &r->to_len, r);
	else if (strcmp(k, "iif") == 0)
		snprintf(r->iif, sizeof(r->iif), "%s", v);
	else if (strcmp(k, "oif") == 0)
		snprintf(r->oif, sizeof(r->oif), "%s", v);
	else if (strcmp(k, "fwmark") == 0) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", v);
		slash = strchr(buf, '/');
		if (slash != NULL) {
			*slash++ = '\0';
			r->fwmask = (uint32_t)num(slash);
		}
		r->has_fwmark = true;
		r->fwmark = (uint32_t)num(buf);
	} else if (strcmp(k, "table") == 0)
		r->table = (uint32_t)num(v);
	else if (strcmp(k, "priority") == 0 || strcmp(k, "pref") == 0) {
		r->has_priority = true;
		r->priority = (uint32_t)num(v);
	} else if (strcmp(k, "proto") == 0)
		r->protocol = (int)num(v);
	else
		usage("unknown option");
}

static int cmd_rule(int argc, char **argv, bool add)
{
	struct sys_rule r;
	int i, rc;

	sys_rule_init(&r, AF_INET);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-6") == 0) {
			r.family = AF_INET6;
			continue;
		}
		if (i + 1 >= argc)
			usage("option needs a value");
		rule_option(&r, argv[i], argv[i + 1]);
		i++;
	}
	rc = add ? nl_rule_add(&ctx, &r) : nl_rule_del(&ctx, &r);
	return rc < 0 ? fail(rc) : 0;
}

/* ---- links ---- */

static void print_mac(const uint8_t *mac, int len)
{
	int i;

	for (i = 0; i < len; i++)
		printf("%s%02x", i ? ":" : "", mac[i]);
}

static int cmd_link(int argc, char **argv)
{
	struct sys_link l;
	int rc;

	if (argc != 1)
		usage("IF required");
	rc = nl_link_get(&ctx, 0, argv[0], &l);
	if (rc < 0)
		return fail(rc);
	printf("ifindex=%d name=%s admin_up=%d oper_up=%d mtu=%u parent=%d kind=%s mac=",
	       l.ifindex, l.name, l.admin_up, l.oper_up, l.mtu, l.parent,
	       l.kind[0] ? l.kind : "-");
	print_mac(l.mac, l.mac_len);
	printf("\n");
	return 0;
}

static int cmd_link_set(int argc, char **argv)
{
	int rc;

	if (argc != 2 || (strcmp(argv[1], "up") != 0 && strcmp(argv[1], "down") != 0))
		usage("IF up|down required");
	rc = nl_link_set_up(&ctx, ifindex_of(argv[0]), strcmp(argv[1], "up") == 0);
	return rc < 0 ? fail(rc) : 0;
}

static int cmd_vmac_add(int argc, char **argv)
{
	uint8_t mac[SYS_MAC_LEN];
	int rc;

	if (argc < 3 || argc > 4)
		usage("PARENT NAME VRID [-6] required");
	sys_vmac_addr((uint8_t)num(argv[2]), argc == 4 ? AF_INET6 : AF_INET, mac);
	rc = nl_vmac_add(&ctx, ifindex_of(argv[0]), argv[1], mac);
	if (rc < 0)
		return fail(rc);
	printf("%d\n", rc);
	return 0;
}

static int cmd_link_del(int argc, char **argv)
{
	int rc;

	if (argc != 1)
		usage("IF required");
	rc = nl_link_del(&ctx, ifindex_of(argv[0]));
	return rc < 0 ? fail(rc) : 0;
}

/* ---- gratuitous ARP / NA ---- */

static int cmd_garp(int argc, char **argv)
{
	struct sys_link l;
	struct sys_ip ip;
	unsigned long count = 1, n;
	int router = -1, fd, i, rc = 0;

	if (argc < 2)
		usage("IF ADDR required");
	ip_arg(argv[1], &ip, NULL);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "router") == 0)
			router = 1;
		else if (strcmp(argv[i], "norouter") == 0)
			router = 0;
		else if (strcmp(argv[i], "count") == 0 && i + 1 < argc)
			count = num(argv[++i]);
		else
			usage("unknown option");
	}
	rc = nl_link_get(&ctx, 0, argv[0], &l);
	if (rc < 0)
		return fail(rc);
	if (router < 0 && ip.family == AF_INET6)
		router = sys_ipv6_forwarding(l.name) == 1;
	fd = garp_open();
	if (fd < 0)
		return fail(nlctx_fail(&ctx, -fd, "AF_PACKET socket: %s", strerror(-fd)));
	for (n = 0; n < count && rc == 0; n++)
		rc = ip.family == AF_INET ? garp_send_arp(fd, l.ifindex, l.mac, ip.u.v4)
			: garp_send_na(fd, l.ifindex, l.mac, &ip.u.v6, router == 1);
	close(fd);
	if (rc < 0)
		return fail(nlctx_fail(&ctx, -rc, "send: %s", strerror(-rc)));
	return 0;
}

/* ---- per-interface sysctls ---- */

static int cmd_if_sysctl(int argc, char **argv)
{
	int family, v, rc;

	if (argc < 3 || argc > 4 || (strcmp(argv[0], "4") != 0 && strcmp(argv[0], "6") != 0))
		usage("4|6 IF KEY [VALUE] required");
	family = argv[0][0] == '4' ? AF_INET : AF_INET6;
	if (argc == 4)
		rc = sys_if_sysctl_set(family, argv[1], argv[2], (int)num(argv[3]));
	else
		rc = sys_if_sysctl_get(family, argv[1], argv[2], &v);
	if (rc < 0)
		return fail(nlctx_fail(&ctx, -rc, "%s", strerror(-rc)));
	if (argc == 3)
		printf("%d\n", v);
	return 0;
}

/* ---- monitor: the libevent wiring the VRRP child will use ---- */

struct mon_state {
	struct event_base *base;
	struct nl_monitor *mon;
	unsigned long count;         /* stop after this many events; 0 = never */
	unsigned long seen;
};

static void count_event(struct mon_state *st)
{
	fflush(stdout);
	if (st->count != 0 && ++st->seen >= st->count)
		event_base_loopbreak(st->base);
}

static void on_link_event(void *arg, const struct nl_link_event *ev)
{
	printf("%s ifindex=%d name=%s admin_up=%d oper_up=%d flags=0x%x\n",
	       ev->deleted ? "link-del" : "link", ev->ifindex, ev->name,
	       ev->admin_up, ev->oper_up, ev->flags);
	count_event(arg);
}

static void on_addr_event(void *arg, const struct nl_addr_event *ev)
{
	char buf[INET6_ADDRSTRLEN];

	printf("%s ifindex=%d addr=%s/%d scope=%d label=%s\n",
	       ev->deleted ? "addr-del" : "addr-add", ev->ifindex,
	       sys_ip_format(&ev->addr, buf, sizeof(buf)), ev->prefixlen, ev->scope,
	       ev->label[0] ? ev->label : "-");
	count_event(arg);
}

static void on_resync(void *arg)
{
	printf("resync\n");
	count_event(arg);
}

/* EV_READ|EV_PERSIST callback on the monitor's fd. */
static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct mon_state *st = arg;
	int rc;

	(void)fd;
	(void)what;
	rc = nl_monitor_dispatch(st->mon);
	if (rc < 0) {
		fprintf(stderr, "nl_driver: monitor: %s\n", strerror(-rc));
		event_base_loopbreak(st->base);
	}
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct nl_monitor_ops ops = { on_link_event, on_addr_event, on_resync };
	struct mon_state st = { 0 };
	struct timeval tv = { 0, 0 };
	struct event *ev;
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "count") == 0)
			st.count = num(argv[i + 1]);
		else if (strcmp(argv[i], "timeout") == 0)
			tv.tv_sec = (time_t)num(argv[i + 1]);
		else
			usage("unknown option");
	}
	st.base = event_base_new();
	st.mon = nl_monitor_open(&ops, &st);
	if (st.base == NULL || st.mon == NULL)
		return fail(nlctx_fail(&ctx, errno, "cannot open the monitor: %s", strerror(errno)));
	ev = event_new(st.base, nl_monitor_fd(st.mon), EV_READ | EV_PERSIST, on_readable, &st);
	event_add(ev, NULL);
	if (tv.tv_sec > 0)
		event_base_loopexit(st.base, &tv);
	printf("ready\n");
	fflush(stdout);
	event_base_dispatch(st.base);
	event_free(ev);
	nl_monitor_close(st.mon);
	event_base_free(st.base);
	return 0;
}

/* ---- main ---- */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} verbs[] = {
	{ "addr-present", cmd_addr_present },
	{ "link", cmd_link },
	{ "link-set", cmd_link_set },
	{ "vmac-add", cmd_vmac_add },
	{ "link-del", cmd_link_del },
	{ "garp", cmd_garp },
	{ "monitor", cmd_monitor },
	{ "if-sysctl", cmd_if_sysctl },
};

static int run_verb(int argc, char **argv)
{
	size_t i;

	if (strcmp(verb, "addr-add") == 0 || strcmp(verb, "addr-del") == 0)
		return cmd_addr(argc, argv, verb[5] == 'a');
	if (strcmp(verb, "route-add") == 0 || strcmp(verb, "route-del") == 0)
		return cmd_route(argc, argv, verb[6] == 'a');
	if (strcmp(verb, "rule-add") == 0 || strcmp(verb, "rule-del") == 0)
		return cmd_rule(argc, argv, verb[5] == 'a');
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i].name) == 0)
			return verbs[i].run(argc, argv);
	usage("unknown command");
	return EX_USAGE;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		usage("a command is required (see the comment at the top of nl_driver.c)");
	verb = argv[1];
	rc = nlctx_open(&ctx);
	if (rc < 0)
		return fail(rc);
	rc = run_verb(argc - 2, argv + 2);
	nlctx_close(&ctx);
	return rc;
}
