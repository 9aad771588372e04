/*
 * vrrp_routes.c - install and remove routes, rules and static addresses
 * (see vrrp_routes.h).
 *
 * Design.  Three list verbs (routes, rules, addresses) that add or remove
 * every entry of an array and log a refused one with the kernel's reason
 * (nlctx_error()); the instance, static and reload verbs are orderings of
 * those.  Reload compares entries with vrrp_route_same()/vrrp_rule_same()
 * (the netlink request, byte for byte) and the addresses on address,
 * prefix and interface: quadratic, the lists are short.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_addr.h>

#include "log.h"
#include "nl_addr.h"
#include "vrrp_instance.h"
#include "vrrp_route_parse.h"
#include "vrrp_route_watch.h"
#include "vrrp_routes.h"

/* ---- list verbs ------------------------------------------------------------------ */

static void route_one(struct nlctx *nl, const char *owner, const struct vrrp_route *rt,
		      bool add)
{
	int r = add ? nl_route_add(nl, &rt->r, false) : nl_route_del(nl, &rt->r);

	if (r == 0 || (add && r == -EEXIST) || (!add && (r == -ESRCH || r == -ENOENT)))
		return;
	log_warnx("(%s) cannot %s route %s: %s", owner, add ? "add" : "remove", rt->text,
		  nlctx_error(nl));
}

static void rule_one(struct nlctx *nl, const char *owner, const struct vrrp_rule *ru, bool add)
{
	int r = add ? nl_rule_add(nl, &ru->r) : nl_rule_del(nl, &ru->r);

	if (r == 0 || (add && r == -EEXIST) || (!add && (r == -ENOENT || r == -ESRCH)))
		return;
	log_warnx("(%s) cannot %s rule %s: %s", owner, add ? "add" : "remove", ru->text,
		  nlctx_error(nl));
}

void vrrp_addr_request(const struct vrrp_vip *v, bool vip, struct sys_ifaddr *a)
{
	sys_ifaddr_init(a, v->ifindex);
	a->addr = v->addr;
	a->prefixlen = v->plen;
	a->brd = v->brd;
	a->scope = v->scope;
	if (v->addr.family == AF_INET)
		snprintf(a->label, sizeof(a->label), "%s", v->label);
	if (v->nodad || (vip && v->addr.family == AF_INET6))
		a->flags |= IFA_F_NODAD;
	if (v->noprefixroute)
		a->flags |= IFA_F_NOPREFIXROUTE;
}

int vrrp_static_addr_add(struct nlctx *nl, const struct vrrp_vip *v)
{
	struct sys_ifaddr a;

	vrrp_addr_request(v, false, &a);
	return nl_addr_add(nl, &a);
}

static void addr_one(struct nlctx *nl, const struct vrrp_vip *v, bool add)
{
	struct sys_ifaddr a;
	char t[VRRP_VIP_TEXT];
	int r;

	vrrp_addr_request(v, false, &a);
	r = add ? nl_addr_add(nl, &a) : nl_addr_del(nl, &a);
	if (r == 0 || (add && r == -EEXIST) || (!add && r == -EADDRNOTAVAIL))
		return;
	log_warnx("cannot %s static address %s on %s: %s", add ? "add" : "remove",
		  vrrp_vip_text(v, t), v->dev, nlctx_error(nl));
}

static void routes(struct nlctx *nl, const char *owner, const struct vrrp_route *v, size_t n,
		   bool add)
{
	for (size_t i = 0; i < n; i++)
		route_one(nl, owner, &v[i], add);
}

static void rules(struct nlctx *nl, const char *owner, const struct vrrp_rule *v, size_t n,
		  bool add)
{
	for (size_t i = 0; i < n; i++)
		rule_one(nl, owner, &v[i], add);
}

static void addrs(struct nlctx *nl, const struct vrrp_vip *v, size_t n, bool add)
{
	for (size_t i = 0; i < n; i++)
		addr_one(nl, &v[i], add);
}

/* ---- membership (reload) ---------------------------------------------------------- */

static bool has_route(const struct vrrp_route *v, size_t n, const struct vrrp_route *x)
{
	for (size_t i = 0; i < n; i++)
		if (vrrp_route_same(&v[i], x))
			return true;
	return false;
}

static bool has_rule(const struct vrrp_rule *v, size_t n, const struct vrrp_rule *x)
{
	for (size_t i = 0; i < n; i++)
		if (vrrp_rule_same(&v[i], x))
			return true;
	return false;
}

static bool has_addr(const struct vrrp_vip *v, size_t n, const struct vrrp_vip *x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr.family == x->addr.family && v[i].plen == x->plen &&
		    v[i].ifindex == x->ifindex &&
		    !memcmp(&v[i].addr.u, &x->addr.u, sys_ip_len(&x->addr)))
			return true;
	return false;
}

/* Entries of `from` that `other` lacks: removed (logged as 2.2.7 does) or added. */
static void diff_routes(struct nlctx *nl, const char *owner, const struct vrrp_route *from,
			size_t nfrom, const struct vrrp_route *other, size_t nother, bool add)
{
	for (size_t i = 0; i < nfrom; i++) {
		if (has_route(other, nother, &from[i]))
			continue;
		if (!add)
			log_info("Removing route %s", from[i].text);
		route_one(nl, owner, &from[i], add);
	}
}

static void diff_rules(struct nlctx *nl, const char *owner, const struct vrrp_rule *from,
		       size_t nfrom, const struct vrrp_rule *other, size_t nother, bool add)
{
	for (size_t i = 0; i < nfrom; i++) {
		if (has_rule(other, nother, &from[i]))
			continue;
		if (!add)
			log_info("ip rule %s removed", from[i].text);
		rule_one(nl, owner, &from[i], add);
	}
}

static void diff_addrs(struct nlctx *nl, const struct vrrp_vip *from, size_t nfrom,
		       const struct vrrp_vip *other, size_t nother, bool add)
{
	char t[VRRP_VIP_TEXT];

	for (size_t i = 0; i < nfrom; i++) {
		if (has_addr(other, nother, &from[i]))
			continue;
		if (!add)
			log_info("ip address %s dev %s, no longer exist",
				 vrrp_vip_text(&from[i], t), from[i].dev);
		addr_one(nl, &from[i], add);
	}
}

/* ---- instance ------------------------------------------------------------------------ */

void vrrp_routes_set(struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;

	if (m->nvroutes) {
		log_debug("(%s) setting Virtual Routes", m->name);
		routes(in->env->nl, m->name, m->vroutes, m->nvroutes, true);
	}
	if (m->nvrules) {
		log_debug("(%s) setting Virtual Rules", m->name);
		rules(in->env->nl, m->name, m->vrules, m->nvrules, true);
	}
}

void vrrp_routes_remove(struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;

	if (m->nvrules) {
		log_debug("(%s) removing Virtual Rules", m->name);
		rules(in->env->nl, m->name, m->vrules, m->nvrules, false);
	}
	if (m->nvroutes) {
		log_debug("(%s) removing Virtual Routes", m->name);
		routes(in->env->nl, m->name, m->vroutes, m->nvroutes, false);
	}
}

void vrrp_routes_update_remove(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			       const struct vrrp_model_inst *m)
{
	diff_rules(in->env->nl, m->name, old->vrules, old->nvrules, m->vrules, m->nvrules, false);
	diff_routes(in->env->nl, m->name, old->vroutes, old->nvroutes, m->vroutes, m->nvroutes,
		    false);
}

void vrrp_routes_update_add(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			    const struct vrrp_model_inst *m)
{
	diff_routes(in->env->nl, m->name, m->vroutes, m->nvroutes, old->vroutes, old->nvroutes,
		    true);
	diff_rules(in->env->nl, m->name, m->vrules, m->nvrules, old->vrules, old->nvrules, true);
}

/* ---- statics -------------------------------------------------------------------------- */

void vrrp_statics_set(struct event_base *base, struct nlctx *nl, const struct vrrp_model *m)
{
	addrs(nl, m->saddrs, m->nsaddrs, true);
	routes(nl, "static", m->sroutes, m->nsroutes, true);
	rules(nl, "static", m->srules, m->nsrules, true);
	vrrp_route_watch_init(base, nl);
	vrrp_route_watch_model(m);
}

void vrrp_statics_remove(struct nlctx *nl, const struct vrrp_model *m)
{
	vrrp_route_watch_close();
	rules(nl, "static", m->srules, m->nsrules, false);
	routes(nl, "static", m->sroutes, m->nsroutes, false);
	addrs(nl, m->saddrs, m->nsaddrs, false);
}

void vrrp_statics_update(struct nlctx *nl, const struct vrrp_model *old,
			 const struct vrrp_model *nm)
{
	diff_rules(nl, "static", old->srules, old->nsrules, nm->srules, nm->nsrules, false);
	diff_routes(nl, "static", old->sroutes, old->nsroutes, nm->sroutes, nm->nsroutes, false);
	diff_addrs(nl, old->saddrs, old->nsaddrs, nm->saddrs, nm->nsaddrs, false);
	diff_addrs(nl, nm->saddrs, nm->nsaddrs, old->saddrs, old->nsaddrs, true);
	diff_routes(nl, "static", nm->sroutes, nm->nsroutes, old->sroutes, old->nsroutes, true);
	diff_rules(nl, "static", nm->srules, nm->nsrules, old->srules, old->nsrules, true);
	vrrp_route_watch_model(nm);
}
