/*
 * vrrp_model.c - build the typed instance model from the configuration
 * tree (see vrrp_model.h).
 *
 * Design.  One function per concern: globals that give defaults, the
 * instance's scalar settings, its address lists (VIPs, excluded VIPs,
 * unicast peers).  Defaults follow keepalived.conf(5): VRRP version 2
 * (IPv6 forces 3), advert_int 1 s, priority 100, garp_master_delay 5,
 * garp_master_repeat 5, refresh off (repeat 1), lower-priority GARP settings
 * defaulting to the master ones, down_timer_adverts 3, a master answers a
 * lower-priority advert, unicast_ttl 255.  The family of an instance is
 * that of its first VIP (else of its source address or first peer).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "conf.h"
#include "log.h"
#include "nl_link.h"
#include "vrrp_model.h"
#include "vrrp_routes.h"
#include "vrrp_strpool.h"
#include "vrrp_sync.h"
#include "vrrp_track.h"

struct globals {
	int version;
	unsigned garp_delay, garp_repeat, garp_refresh, garp_refresh_repeat;
	int garp_lower_delay, garp_lower_repeat;    /* -1: master value */
	unsigned down_timer_adverts;
	bool lower_prio_no_advert, higher_prio_send_advert;
	bool check_unicast_src, skip_check_adv_addr, strict;
	bool notify_prio_changes;
	struct sys_ip group4, group6;
};

/* Interface indexes by name, for the length of one vrrp_model_build():
 * every instance and every VIP names an interface, and asking netlink each
 * time cost 2,000 round trips for 1,000 instances over four links (a
 * fifth of the child's start-up to its first timers).  A few names are
 * kept; past that, lookups go to netlink as before. */
#define IFCACHE_SIZE 16

static struct {
	struct { char name[IF_NAMESIZE]; int index; } e[IFCACHE_SIZE];
	size_t n;
} ifcache;

static int link_index(struct nlctx *nl, const char *name)
{
	size_t i;
	int index;

	for (i = 0; i < ifcache.n; i++)
		if (!strcmp(ifcache.e[i].name, name))
			return ifcache.e[i].index;
	index = nl_link_index(nl, name);
	if (ifcache.n < IFCACHE_SIZE && strlen(name) < IF_NAMESIZE) {
		memcpy(ifcache.e[ifcache.n].name, name, strlen(name) + 1);
		ifcache.e[ifcache.n++].index = index;
	}
	return index;
}

static void sys_ip_from_conf(const struct conf_addr *a, struct sys_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = a->family;
	if (a->family == AF_INET)
		ip->u.v4 = a->a.v4;
	else
		ip->u.v6 = a->a.v6;
}

static void read_globals(const struct conf *conf, struct globals *g)
{
	const struct conf_node *gd = conf_find(conf->root, "global_defs");
	const struct conf_node *n;

	memset(g, 0, sizeof(*g));
	g->group4.family = AF_INET;
	g->group4.u.v4.s_addr = htonl(VRRP_MCAST4);
	g->group6.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::12", &g->group6.u.v6);
	g->version = 2;
	g->garp_delay = 5;
	g->garp_repeat = 5;
	g->garp_refresh_repeat = 1;
	g->garp_lower_delay = g->garp_lower_repeat = -1;
	g->down_timer_adverts = 3;
	if (!gd)
		return;
	g->version = (int)conf_get_int(gd, "vrrp_version", 2);
	g->garp_delay = (unsigned)conf_get_int(gd, "vrrp_garp_master_delay", 5);
	g->garp_repeat = (unsigned)conf_get_int(gd, "vrrp_garp_master_repeat", 5);
	g->garp_refresh = (unsigned)conf_get_int(gd, "vrrp_garp_master_refresh", 0);
	g->garp_refresh_repeat = (unsigned)conf_get_int(gd, "vrrp_garp_master_refresh_repeat", 1);
	g->garp_lower_delay = (int)conf_get_int(gd, "vrrp_garp_lower_prio_delay", -1);
	g->garp_lower_repeat = (int)conf_get_int(gd, "vrrp_garp_lower_prio_repeat", -1);
	g->down_timer_adverts = (unsigned)conf_get_int(gd, "vrrp_down_timer_adverts", 3);
	g->lower_prio_no_advert = conf_get_bool(gd, "vrrp_lower_prio_no_advert", false);
	g->higher_prio_send_advert = conf_get_bool(gd, "vrrp_higher_prio_send_advert", false);
	g->check_unicast_src = conf_get_bool(gd, "vrrp_check_unicast_src", false);
	g->skip_check_adv_addr = conf_get_bool(gd, "vrrp_skip_check_adv_addr", false);
	g->strict = conf_get_bool(gd, "vrrp_strict", false);
	g->notify_prio_changes = conf_get_bool(gd, "vrrp_notify_priority_changes", false);
	if ((n = conf_find_last(gd, "vrrp_mcast_group4")) && n->val.addr)
		sys_ip_from_conf(n->val.addr, &g->group4);
	if ((n = conf_find_last(gd, "vrrp_mcast_group6")) && n->val.addr)
		sys_ip_from_conf(n->val.addr, &g->group6);
}

static int parse_scope(const char *w)
{
	static const struct { const char *name; int v; } scopes[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
		{ "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		{ "nowhere", RT_SCOPE_NOWHERE },
	};
	size_t i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (!strcmp(w, scopes[i].name))
			return scopes[i].v;
	return atoi(w);
}

static void copy_name(char dst[IFNAMSIZ], const char *src)
{
	snprintf(dst, IFNAMSIZ, "%s", src ? src : "");
}

bool vrrp_vip_parse(char *const *argv, int argc, const char *dflt_if, struct vrrp_vip *out)
{
	struct conf_addr a;
	int i;

	memset(out, 0, sizeof(*out));
	out->scope = -1;
	if (argc < 1 || !conf_parse_addr(argv[0], true, &a))
		return false;
	sys_ip_from_conf(&a, &out->addr);
	out->plen = a.has_plen ? a.plen : (a.family == AF_INET ? 32 : 128);
	copy_name(out->dev, dflt_if);
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		struct conf_addr b;

		if (!strcmp(o, "-nodad")) { out->nodad = true; continue; }
		if (!strcmp(o, "noprefixroute")) { out->noprefixroute = true; continue; }
		if (!v)
			continue;
		if (!strcmp(o, "dev"))
			copy_name(out->dev, v);
		else if (!strcmp(o, "label"))
			copy_name(out->label, v);
		else if (!strcmp(o, "scope"))
			out->scope = parse_scope(v);
		else if (!strcmp(o, "brd") && conf_parse_addr(v, false, &b))
			sys_ip_from_conf(&b, &out->brd);
		else
			continue;
		i++;
	}
	return true;
}

const char *vrrp_vip_text(const struct vrrp_vip *v, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, VRRP_VIP_TEXT, "%s/%d", sys_ip_format(&v->addr, a, sizeof(a)), v->plen);
	return buf;
}

/* Parse every line of every `name` list of the instance into *out. */
static int read_vips(const struct conf_node *inst, const char *name, const char *ifname,
		     struct nlctx *nl, struct vrrp_vip **out, size_t *n)
{
	const struct conf_node *l, *line;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (l = conf_find(inst, name); l; l = conf_next_same(l))
		conf_foreach(line, l)
			cap++;
	if (!cap)
		return 0;
	if (!(*out = calloc(cap, sizeof(**out))))
		return -1;
	for (l = conf_find(inst, name); l; l = conf_next_same(l)) {
		conf_foreach(line, l) {
			struct vrrp_vip *v = &(*out)[*n];

			if (!vrrp_vip_parse(line->argv, line->argc, ifname, v))
				continue;
			v->ifindex = link_index(nl, v->dev);
			if (v->ifindex <= 0) {
				char t[VRRP_VIP_TEXT];

				log_warnx("(%s) interface %s of VIP %s not found", inst->argv[0],
					  v->dev, vrrp_vip_text(v, t));
				continue;
			}
			(*n)++;
		}
	}
	return 0;
}

static int read_peers(const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	const struct conf_node *l, *line;
	size_t cap = 0;

	for (l = conf_find(inst, "unicast_peer"); l; l = conf_next_same(l))
		conf_foreach(line, l)
			cap++;
	if (!cap)
		return 0;
	if (!(mi->peers = calloc(cap, sizeof(*mi->peers))))
		return -1;
	for (l = conf_find(inst, "unicast_peer"); l; l = conf_next_same(l)) {
		conf_foreach(line, l) {
			struct vrrp_peer *p = &mi->peers[mi->npeers];
			struct conf_addr a;
			int i;

			if (!conf_parse_addr(line->argv[0], false, &a))
				continue;
			p->addr.af = a.family;
			if (a.family == AF_INET)
				p->addr.u.v4 = a.a.v4;
			else
				p->addr.u.v6 = a.a.v6;
			p->min_ttl = 0;
			p->max_ttl = 255;
			for (i = 1; i + 1 < line->argc; i += 2) {
				if (!strcmp(line->argv[i], "min_ttl"))
					p->min_ttl = (uint8_t)atoi(line->argv[i + 1]);
				else if (!strcmp(line->argv[i], "max_ttl"))
					p->max_ttl = (uint8_t)atoi(line->argv[i + 1]);
				if (p->min_ttl != 0 || p->max_ttl != 255)
					mi->check_unicast_src = true;
			}
			mi->npeers++;
		}
	}
	return 0;
}

/* A notify script: "CMD [user [group]]" (ops). */
static void notify_of(const struct conf_node *inst, const char *name, struct vrrp_notify *out)
{
	const struct conf_node *n = conf_find_last(inst, name);

	out->cmd = n && n->argc >= 1 ? n->argv[0] : NULL;
	out->user = n && n->argc >= 2 ? n->argv[1] : NULL;
	out->group = n && n->argc >= 3 ? n->argv[2] : NULL;
}

/* The notify scripts; mi->notify stays NULL when there are none.
 * false when out of memory. */
static bool read_notify(const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	static const char *const kw[VRRP_NOTIFY_KINDS] = {
		[VRRP_NOTIFY_MASTER] = "notify_master", [VRRP_NOTIFY_BACKUP] = "notify_backup",
		[VRRP_NOTIFY_FAULT] = "notify_fault", [VRRP_NOTIFY_STOP] = "notify_stop",
		[VRRP_NOTIFY_ANY] = "notify",
		[VRRP_NOTIFY_RX_LOWER] = "notify_master_rx_lower_pri",   /* ops */
	};
	struct vrrp_notify n[VRRP_NOTIFY_KINDS];
	bool any = false;

	for (int k = 0; k < VRRP_NOTIFY_KINDS; k++) {
		notify_of(inst, kw[k], &n[k]);
		any |= n[k].cmd != NULL;
	}
	if (!any)
		return true;
	if (!(mi->notify = malloc(sizeof(n))))
		return false;
	memcpy(mi->notify, n, sizeof(n));
	return true;
}

const struct vrrp_notify *vrrp_model_notify(const struct vrrp_model_inst *mi,
					    enum vrrp_notify_kind k)
{
	static const struct vrrp_notify none;

	return mi->notify ? &mi->notify[k] : &none;
}

static void read_auth(const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	const struct conf_node *auth = conf_find_last(inst, "authentication");
	const struct conf_node *t;

	if (!auth || !(t = conf_find_last(auth, "auth_type")))
		return;
	mi->auth_type = t->val.i == 0 ? VRRP_AUTH_PASS : t->val.i == 1 ? VRRP_AUTH_AH
							   : VRRP_AUTH_NONE;
	snprintf(mi->auth_pass, sizeof(mi->auth_pass), "%s",
		 conf_get_str(auth, "auth_pass", ""));
}

static void read_scalars(const struct conf_node *inst, const struct globals *g,
			 struct vrrp_model_inst *mi)
{
	const struct conf_node *n;

	mi->base_prio = (uint8_t)conf_get_int(inst, "priority", 100);
	mi->version = (uint8_t)conf_get_int(inst, "version", g->version);
	mi->adver_int_us = conf_get_usec(inst, "advert_int", 1000000);
	mi->want_master = (n = conf_find_last(inst, "state")) && n->val.i == 0;
	mi->nopreempt = conf_find(inst, "nopreempt") != NULL;
	mi->preempt_delay_us = conf_get_usec(inst, "preempt_delay", 0);
	mi->strict = g->strict || conf_get_bool(inst, "strict_mode", false);
	mi->accept = !mi->strict || conf_find(inst, "accept");
	if (conf_find(inst, "no_accept"))
		mi->accept = false;
	mi->garp_delay_s = (unsigned)conf_get_int(inst, "garp_master_delay", g->garp_delay);
	mi->garp_repeat = (unsigned)conf_get_int(inst, "garp_master_repeat", g->garp_repeat);
	mi->garp_refresh_s = (unsigned)conf_get_int(inst, "garp_master_refresh", g->garp_refresh);
	mi->garp_refresh_repeat = (unsigned)conf_get_int(inst, "garp_master_refresh_repeat",
							  g->garp_refresh_repeat);
	mi->garp_lower_delay_s = (unsigned)conf_get_int(inst, "garp_lower_prio_delay",
		g->garp_lower_delay >= 0 ? g->garp_lower_delay : (int)mi->garp_delay_s);
	mi->garp_lower_repeat = (unsigned)conf_get_int(inst, "garp_lower_prio_repeat",
		g->garp_lower_repeat >= 0 ? g->garp_lower_repeat : (int)mi->garp_repeat);
	mi->down_timer_adverts = (unsigned)conf_get_int(inst, "down_timer_adverts",
							 g->down_timer_adverts);
	mi->lower_prio_no_advert = conf_get_bool(inst, "lower_prio_no_advert",
						 g->lower_prio_no_advert);
	mi->higher_prio_send_advert = conf_get_bool(inst, "higher_prio_send_advert",
						    g->higher_prio_send_advert);
	mi->skip_check_adv_addr = conf_get_bool(inst, "skip_check_adv_addr",
						g->skip_check_adv_addr);
	mi->check_unicast_src = g->check_unicast_src || conf_find(inst, "check_unicast_src");
	mi->dont_track_primary = conf_find(inst, "dont_track_primary") != NULL;
	mi->unicast_ttl = (uint8_t)conf_get_int(inst, "unicast_ttl", 255);
	if ((n = conf_find_last(inst, "old_unicast_checksum"))) {
		mi->old_csum_send = !(n->argc >= 1 && !strcmp(n->argv[0], "never"));
		mi->old_csum = mi->old_csum_send ? VRRP_OLD_CSUM_ALWAYS : VRRP_OLD_CSUM_NEVER;
	}
	if ((n = conf_find_last(inst, "mcast_src_ip")) && n->val.addr)
		sys_ip_from_conf(n->val.addr, &mi->src_ip);
	mi->notify_prio_changes = conf_get_bool(inst, "notify_priority_changes",
						g->notify_prio_changes);
	mi->notify_prio_own = conf_find(inst, "notify_priority_changes") != NULL;
	read_auth(inst, mi);
}

/* Family, version and interval once the addresses are known. */
static void settle_family(struct vrrp_model_inst *mi, const struct globals *g)
{
	mi->family = mi->nvips ? mi->vips[0].addr.family
		   : mi->src_ip.family ? mi->src_ip.family
		   : mi->npeers ? mi->peers[0].addr.af : AF_INET;
	if (mi->family == AF_INET6) {
		mi->version = 3;
		mi->auth_type = VRRP_AUTH_NONE;
	}
	if (mi->version == 3)
		mi->auth_type = VRRP_AUTH_NONE;
	if (mi->version == 2)
		mi->adver_int_us = vrrp_s_to_us(vrrp_us_to_v2_s(mi->adver_int_us));
	else
		mi->adver_int_us = vrrp_cs_to_us(vrrp_interval_cs_clamp(
					vrrp_us_to_cs(mi->adver_int_us)));
	mi->mcast_group = mi->family == AF_INET ? g->group4 : g->group6;
}

static int build_one(const struct conf_node *inst, const struct globals *g, struct nlctx *nl,
		     struct vrrp_model_inst *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->name = inst->argv[0];
	mi->ifname = conf_get_str(inst, "interface", NULL);
	mi->vrid = (uint8_t)conf_get_int(inst, "virtual_router_id", 0);
	if (!mi->vrid) {
		log_errx("(%s) the virtual router id must be set", mi->name);
		return 1;
	}
	if (!mi->ifname || (mi->ifindex = link_index(nl, mi->ifname)) <= 0) {
		log_errx("(%s) interface %s not found", mi->name, mi->ifname ? mi->ifname : "(none)");
		return 1;
	}
	read_scalars(inst, g, mi);
	if (!read_notify(inst, mi) ||
	    read_vips(inst, "virtual_ipaddress", mi->ifname, nl, &mi->vips, &mi->nvips) ||
	    read_vips(inst, "virtual_ipaddress_excluded", mi->ifname, nl, &mi->evips,
		      &mi->nevips) ||
	    read_peers(inst, mi))
		return -1;
	settle_family(mi, g);
	vrrp_model_vmac_read(inst, mi);     /* use_vmac & co (vrrp_model_vmac.c) */
	return 0;
}

static void free_inst(struct vrrp_model_inst *mi)
{
	free(mi->vips);
	free(mi->evips);
	free(mi->peers);
	free(mi->notify);
}

int vrrp_model_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *out)
{
	const struct conf_node *n;
	struct globals g;
	unsigned cap = conf_count(conf->root, "vrrp_instance");

	memset(out, 0, sizeof(*out));
	ifcache.n = 0;                   /* interfaces may have changed since the last build */
	read_globals(conf, &g);
	if (cap && !(out->inst = calloc(cap, sizeof(*out->inst))))
		return -1;
	conf_foreach(n, conf->root) {
		const char *nm = conf_node_name(n);
		int r;

		if (!nm || strcmp(nm, "vrrp_instance") || n->argc < 1)
			continue;
		r = build_one(n, &g, nl, &out->inst[out->ninst]);
		if (r < 0)
			return -1;
		if (r == 0)
			out->ninst++;
		else
			free_inst(&out->inst[out->ninst]);
	}
	if (vrrp_model_sync_build(conf, out) < 0)        /* sync groups (vrrp_sync.c) */
		return -1;
	if (vrrp_model_routes_build(conf, nl, out) < 0)   /* routes, rules, statics (vrrp_routes.h) */
		return -1;
	if (vrrp_model_track_build(conf, nl, out) < 0)    /* tracking (vrrp_model_track.c) */
		return -1;
	return vrrp_model_own_strings(out);               /* off the tree (vrrp_model_own.c) */
}

void vrrp_model_free(struct vrrp_model *m)
{
	size_t i;

	vrrp_model_track_free(m);                         /* tracking (vrrp_model_track.c) */
	vrrp_model_sync_free(m);                          /* sync groups (vrrp_sync.c) */
	vrrp_model_routes_free(m);                        /* routes, rules, statics (vrrp_routes.h) */
	for (i = 0; i < m->ninst; i++)
		free_inst(&m->inst[i]);
	free(m->inst);
	vrrp_strpool_free(m->strs);
	memset(m, 0, sizeof(*m));
}
