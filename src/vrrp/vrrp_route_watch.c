/*
 * vrrp_route_watch.c - routes and rules deleted behind our back (see
 * vrrp_route_watch.h).
 *
 * Design.  A netlink socket of its own, subscribed to the IPv4/IPv6 route
 * and rule groups, read from the event loop.  Only deletions of entries
 * with protocol keepalived are looked at; each is compared with the
 * static lists (restored at once, as 2.2.7 does: "Restoring deleted static
 * route ...") and with the tracked routes and rules of the instances that
 * are MASTER (the instance steps down as for a deleted VIP:
 * vrrp_fsm_addr_lost()).  Deletions we caused ourselves (leaving MASTER,
 * reload) arrive later and must not count: before acting, the entry is
 * added again with NLM_F_EXCL, and only a successful add (it really was
 * missing) proves the deletion.  A kernel message overflow re-adds every
 * static entry (an existing one is left alone).
 *
 * Static addresses are watched through the engine's link and address
 * monitor (vrrp_engine.c passes its events on): a deleted one is added
 * back at once ("Restoring deleted
 * static address A/P dev D scope S set"), and when an interface holding
 * static entries comes back up (the kernel flushed its routes when it went
 * down) its static addresses and routes are added again, each logged as
 * restored, as 2.2.7 does.  The instances of a track_group go to FAULT
 * while the interface is down through tracking (vrrp_model_track.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "log.h"
#include "nl_addr.h"
#include "nl_link.h"
#include "nl_monitor.h"
#include "vrrp_engine.h"
#include "vrrp_route_parse.h"
#include "vrrp_route_watch.h"
#include "vrrp_routes.h"

#define MAX_LINKS 32                 /* interfaces of static entries followed */

static struct {
	struct event_base *base;
	struct nl_sock *sk;
	struct event *ev;
	struct nlctx *nl;
	const struct vrrp_route *sroutes;
	size_t nsroutes;
	const struct vrrp_rule *srules;
	size_t nsrules;
	const struct vrrp_vip *saddrs;
	size_t nsaddrs;
	struct { int ifindex; bool up; } links[MAX_LINKS];
	size_t nlinks;
} w;

/* What a deletion message says about the entry, in sys_route/sys_rule terms. */
struct gone {
	int family;
	struct sys_ip a, b;          /* route: dst; rule: from, to */
	int alen, blen;
	uint32_t table, prio;        /* rule priority / route metric */
	bool has_prio;
	int type;                    /* route type / rule action */
};

static void attr_ip(struct nlattr *a, int family, struct sys_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!a || (size_t)nla_len(a) != (family == AF_INET ? 4u : 16u))
		return;
	ip->family = family;
	memcpy(&ip->u, nla_data(a), (size_t)nla_len(a));
}

static bool same_ip(const struct sys_ip *x, int xlen, const struct sys_ip *y, int ylen)
{
	if (x->family != y->family)
		return false;
	return !x->family || (xlen == ylen && !memcmp(&x->u, &y->u, sys_ip_len(x)));
}

static bool route_is(const struct vrrp_route *rt, const struct gone *g)
{
	const struct sys_route *r = &rt->r;

	return r->family == g->family && r->table == g->table && r->type == g->type &&
	       same_ip(&r->dst, r->dst_len, &g->a, g->alen) &&
	       (!r->has_metric || (g->has_prio && r->metric == g->prio));
}

static bool rule_is(const struct vrrp_rule *ru, const struct gone *g)
{
	const struct sys_rule *r = &ru->r;

	return r->family == g->family && r->priority == g->prio && r->action == g->type &&
	       same_ip(&r->from, r->from_len, &g->a, g->alen) &&
	       same_ip(&r->to, r->to_len, &g->b, g->blen);
}

/* ---- reactions ---------------------------------------------------------------------- */

/* A tracked entry of a MASTER really missing?  (Re-adding proves it.) */
static void check_instances(const struct gone *g, bool rule)
{
	for (struct vrrp_inst *in = vrrp_engine_instances(); in; in = in->next) {
		const struct vrrp_model_inst *m = in->m;
		size_t i;

		if (in->fsm.state != VRRP_STATE_MASTER || !in->vips_set)
			continue;
		for (i = 0; !rule && i < m->nvroutes; i++)
			if (!m->vroutes[i].no_track && route_is(&m->vroutes[i], g) &&
			    nl_route_add(w.nl, &m->vroutes[i].r, false) == 0) {
				log_info("(%s) virtual route %s was deleted", m->name,
					 m->vroutes[i].text);
				vrrp_fsm_addr_lost(&in->fsm);
				break;
			}
		for (i = 0; rule && i < m->nvrules; i++)
			if (!m->vrules[i].no_track && rule_is(&m->vrules[i], g) &&
			    nl_rule_add(w.nl, &m->vrules[i].r) == 0) {
				log_info("(%s) virtual rule %s was deleted", m->name,
					 m->vrules[i].text);
				vrrp_fsm_addr_lost(&in->fsm);
				break;
			}
	}
}

static void restore_statics(const struct gone *g, bool rule)
{
	size_t i;

	for (i = 0; !rule && i < w.nsroutes; i++)
		if ((!g || route_is(&w.sroutes[i], g)) &&
		    nl_route_add(w.nl, &w.sroutes[i].r, false) == 0)
			log_info("Restoring deleted static route %s", w.sroutes[i].text);
	for (i = 0; rule && i < w.nsrules; i++)
		if ((!g || rule_is(&w.srules[i], g)) && nl_rule_add(w.nl, &w.srules[i].r) == 0)
			log_info("Restoring deleted static rule %s", w.srules[i].text);
}

static const char *scope_name(int scope)
{
	switch (scope) {
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	default: return "global";
	}
}

static void log_addr_restored(const struct vrrp_vip *v)
{
	char t[VRRP_VIP_TEXT];

	log_info("Restoring deleted static address %s dev %s scope %s%s%s set",
		 vrrp_vip_text(v, t), v->dev,
		 scope_name(v->scope), v->track_group ? " track_group " : "",
		 v->track_group ? v->track_group : "");
}

/* A static address deleted (ev), or every one (ev NULL: events lost). */
static void restore_addrs(const struct nl_addr_event *ev)
{
	for (size_t i = 0; i < w.nsaddrs; i++) {
		const struct vrrp_vip *v = &w.saddrs[i];

		if (ev && (v->ifindex != ev->ifindex || v->plen != ev->prefixlen ||
			   !same_ip(&v->addr, 0, &ev->addr, 0)))
			continue;
		if (vrrp_static_addr_add(w.nl, v) == 0)
			log_addr_restored(v);
	}
}

static bool route_uses(const struct vrrp_route *rt, int ifindex)
{
	for (int i = 0; i < rt->r.n_nh; i++)
		if (rt->r.nh[i].ifindex == ifindex)
			return true;
	return false;
}

/* The interface came back up: its static addresses and routes again. */
static void restore_link(int ifindex)
{
	char t[VRRP_VIP_TEXT];
	size_t i;
	int r;

	for (i = 0; i < w.nsaddrs; i++)
		if (w.saddrs[i].ifindex == ifindex) {
			log_addr_restored(&w.saddrs[i]);
			if ((r = vrrp_static_addr_add(w.nl, &w.saddrs[i])) < 0 && r != -EEXIST)
				log_warnx("cannot restore static address %s: %s",
					  vrrp_vip_text(&w.saddrs[i], t), nlctx_error(w.nl));
		}
	for (i = 0; i < w.nsroutes; i++)
		if (route_uses(&w.sroutes[i], ifindex)) {
			log_info("Restoring deleted static route %s", w.sroutes[i].text);
			if ((r = nl_route_add(w.nl, &w.sroutes[i].r, false)) < 0 && r != -EEXIST)
				log_warnx("cannot restore static route %s: %s", w.sroutes[i].text,
					  nlctx_error(w.nl));
		}
}

void vrrp_route_watch_link(const struct nl_link_event *ev)
{
	for (size_t i = 0; i < w.nlinks; i++) {
		bool up = !ev->deleted && ev->oper_up;

		if (w.links[i].ifindex != ev->ifindex || w.links[i].up == up)
			continue;
		w.links[i].up = up;
		if (up)
			restore_link(ev->ifindex);
	}
}

void vrrp_route_watch_addr(const struct nl_addr_event *ev)
{
	if (ev->deleted)
		restore_addrs(ev);
}

void vrrp_route_watch_resync(void)
{
	restore_addrs(NULL);
}

/* ---- messages --------------------------------------------------------------------------- */

static bool parse_route(struct nlmsghdr *h, struct gone *g)
{
	struct rtmsg *rtm = nlmsg_data(h);
	struct nlattr *tb[RTA_MAX + 1];

	if (nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0 ||
	    rtm->rtm_protocol != RTPROT_KEEPALIVED)
		return false;
	g->family = rtm->rtm_family;
	attr_ip(tb[RTA_DST], g->family, &g->a);
	g->alen = rtm->rtm_dst_len;
	if (!g->a.family && g->alen == 0) {      /* default route: 0.0.0.0/0, ::/0 */
		g->a.family = g->family;
	}
	g->table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	g->has_prio = tb[RTA_PRIORITY] != NULL;
	g->prio = g->has_prio ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	g->type = rtm->rtm_type;
	return true;
}

static bool parse_rule(struct nlmsghdr *h, struct gone *g)
{
	struct fib_rule_hdr *frh = nlmsg_data(h);
	struct nlattr *tb[FRA_MAX + 1];

	if (nlmsg_parse(h, sizeof(*frh), tb, FRA_MAX, NULL) < 0 || !tb[FRA_PROTOCOL] ||
	    nla_get_u8(tb[FRA_PROTOCOL]) != RTPROT_KEEPALIVED)
		return false;
	g->family = frh->family;
	attr_ip(tb[FRA_SRC], g->family, &g->a);
	g->alen = g->a.family ? frh->src_len : 0;
	attr_ip(tb[FRA_DST], g->family, &g->b);
	g->blen = g->b.family ? frh->dst_len : 0;
	g->prio = tb[FRA_PRIORITY] ? nla_get_u32(tb[FRA_PRIORITY]) : 0;
	g->type = frh->action;
	return true;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct gone g;

	(void)arg;
	memset(&g, 0, sizeof(g));
	if (h->nlmsg_type == RTM_DELROUTE && parse_route(h, &g)) {
		restore_statics(&g, false);
		check_instances(&g, false);
	} else if (h->nlmsg_type == RTM_DELRULE && parse_rule(h, &g)) {
		restore_statics(&g, true);
		check_instances(&g, true);
	}
	return NL_OK;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	int r;

	(void)fd;
	(void)what;
	(void)arg;
	while ((r = nl_recvmsgs_default(w.sk)) >= 0)
		;
	if (r == -NLE_NOMEM) {           /* ENOBUFS: events lost, check every static */
		restore_statics(NULL, false);
		restore_statics(NULL, true);
	}
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static bool has_entries(const struct vrrp_model *m)
{
	if (m->nsroutes || m->nsrules)
		return true;
	for (size_t i = 0; i < m->ninst; i++)
		if (m->inst[i].nvroutes || m->inst[i].nvrules)
			return true;
	return false;
}

static void open_socket(void)
{
	if (!(w.sk = nl_socket_alloc())) {
		log_warnx("cannot watch routes and rules: out of memory");
		return;
	}
	nl_socket_disable_seq_check(w.sk);
	nl_socket_modify_cb(w.sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	if (nl_connect(w.sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(w.sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
				      RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE, 0) < 0 ||
	    nl_socket_set_nonblocking(w.sk) < 0 ||
	    !(w.ev = event_new(w.base, nl_socket_get_fd(w.sk), EV_READ | EV_PERSIST, on_readable,
			       NULL))) {
		log_warnx("cannot watch routes and rules: deleted ones will not be noticed");
		if (w.ev)
			event_free(w.ev);
		nl_socket_free(w.sk);
		w.ev = NULL;
		w.sk = NULL;
		return;
	}
	event_add(w.ev, NULL);
}

static void note_link(int ifindex)
{
	struct sys_link l;
	size_t i;

	for (i = 0; i < w.nlinks; i++)
		if (w.links[i].ifindex == ifindex)
			return;
	if (ifindex <= 0 || w.nlinks == MAX_LINKS)
		return;
	w.links[w.nlinks].ifindex = ifindex;
	w.links[w.nlinks++].up = nl_link_get(w.nl, ifindex, NULL, &l) == 0 && l.oper_up;
}

/* The interfaces holding static entries, and their state now. */
static void watch_links(void)
{
	size_t i;

	w.nlinks = 0;
	for (i = 0; i < w.nsaddrs; i++)
		note_link(w.saddrs[i].ifindex);
	for (i = 0; i < w.nsroutes; i++)
		for (int j = 0; j < w.sroutes[i].r.n_nh; j++)
			note_link(w.sroutes[i].r.nh[j].ifindex);
}

void vrrp_route_watch_init(struct event_base *base, struct nlctx *nl)
{
	w.base = base;
	w.nl = nl;
}

void vrrp_route_watch_model(const struct vrrp_model *m)
{
	w.sroutes = m->sroutes;
	w.nsroutes = m->nsroutes;
	w.srules = m->srules;
	w.nsrules = m->nsrules;
	w.saddrs = m->saddrs;
	w.nsaddrs = m->nsaddrs;
	if (!w.sk && w.base && has_entries(m))
		open_socket();
	watch_links();
}

void vrrp_route_watch_close(void)
{
	if (w.ev)
		event_free(w.ev);
	if (w.sk)
		nl_socket_free(w.sk);
	memset(&w, 0, sizeof(w));
}
