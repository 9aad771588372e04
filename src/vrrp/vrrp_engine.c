/*
 * vrrp_engine.c - start, route kernel events to, and stop the instances
 * (vrrp_engine.h).
 *
 * Design.  Module-level state: the VRRP child has exactly one engine.
 * Link events set the instances on that interface up or down; an address
 * removed behind our back is reported as 2.2.7 does ("Netlink reflector
 * reports IP ... removed from ...") and handed to the instances.  A
 * monitor overflow re-reads each interface's state.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "garp.h"
#include "log.h"
#include "nl_link.h"
#include "nl_monitor.h"
#include "proc.h"
#include "vrrp_engine.h"
#include "vrrp_firewall.h"
#include "vrrp_model.h"
#include "vrrp_net.h"
#include "vrrp_track.h"
#include "vrrp_vmac.h"
#include "vrrp_reload.h"
#include "vrrp_route_watch.h"
#include "vrrp_routes.h"
#include "vrrp_sync.h"

static struct {
	struct nlctx nl;
	struct nl_monitor *mon;
	struct event *mon_ev;
	struct vrrp_model model;
	struct vrrp_env env;
	struct vrrp_inst *head;
	struct vrrp_sync *sync;          /* sync groups (vrrp_sync.c), NULL none */
} eng;

struct vrrp_inst *vrrp_engine_instances(void)
{
	return eng.head;
}

static void on_link(void *arg, const struct nl_link_event *ev)
{
	struct vrrp_inst *in;
	bool up = !ev->deleted && ev->oper_up, changed = false;

	(void)arg;
	vrrp_vmac_link_event(&eng.model, eng.head, &eng.nl, ev);   /* our VMACs deleted by hand */
	vrrp_route_watch_link(ev);                                  /* static entries */
	for (in = eng.head; in; in = in->next)
		if (in->m->ifindex == ev->ifindex && in->link_up != up)
			changed = true;
	if (changed)
		log_info("Netlink reports %s %s", ev->name[0] ? ev->name : "?", up ? "up" : "down");
	for (in = eng.head; in; in = in->next)
		if (in->m->ifindex == ev->ifindex)
			vrrp_inst_link(in, up);
}

static void on_addr(void *arg, const struct nl_addr_event *ev)
{
	struct vrrp_inst *in;
	char ifname[IF_NAMESIZE] = "?", buf[INET6_ADDRSTRLEN];

	(void)arg;
	vrrp_route_watch_addr(ev);          /* a static address deleted by hand */
	if (!ev->deleted) {
		for (in = eng.head; in; in = in->next)
			vrrp_inst_addr_added(in, ev->ifindex);
		return;
	}
	if_indextoname((unsigned)ev->ifindex, ifname);
	log_debug("Netlink reflector reports IP %s removed from %s",
		  sys_ip_format(&ev->addr, buf, sizeof(buf)), ifname);
	for (in = eng.head; in; in = in->next)
		vrrp_inst_addr_deleted(in, &ev->addr);
}

static void on_resync(void *arg)
{
	struct vrrp_inst *in;
	struct sys_link l;

	(void)arg;
	vrrp_route_watch_resync();
	for (in = eng.head; in; in = in->next)
		if (nl_link_get(&eng.nl, in->m->ifindex, NULL, &l) == 0)
			vrrp_inst_link(in, l.oper_up);
}

static const struct nl_monitor_ops mon_ops = {
	.link = on_link, .addr = on_addr, .resync = on_resync,
};

static void on_mon(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	nl_monitor_dispatch(arg);
}

static int open_shared(struct event_base *base)
{
	if (nlctx_open(&eng.nl) < 0) {
		log_errx("cannot open netlink: %s", nlctx_error(&eng.nl));
		return KA_EXIT_FATAL;
	}
	eng.env.nl = &eng.nl;
	eng.env.base = base;
	eng.env.garp_fd = garp_open();
	if (eng.env.garp_fd < 0)
		log_warnx("cannot open the gratuitous ARP socket");
	eng.mon = nl_monitor_open(&mon_ops, NULL);
	if (!eng.mon) {
		log_warn("cannot open the netlink monitor");
		return 0;
	}
	eng.mon_ev = event_new(base, nl_monitor_fd(eng.mon), EV_READ | EV_PERSIST, on_mon, eng.mon);
	if (eng.mon_ev)
		event_add(eng.mon_ev, NULL);
	return 0;
}

#define START_STAGGER_US 10

int vrrp_engine_start(struct event_base *base, const struct conf *conf, bool dont_release)
{
	struct vrrp_inst **tail = &eng.head;
	size_t i;
	int r;

	memset(&eng, 0, sizeof(eng));
	eng.env.dont_release = dont_release;
	if ((r = open_shared(base)))
		return r;
	if (vrrp_model_build(conf, &eng.nl, &eng.model) < 0)
		return KA_EXIT_FATAL;
	vrrp_vmac_fw_start(conf, &eng.model, &eng.nl);    /* VMACs, firewall tables */
	vrrp_statics_set(base, &eng.nl, &eng.model);      /* static_* (vrrp_routes.h) */
	vrrp_net_addr_cache(true);                       /* one address dump for all */
	for (i = 0; i < eng.model.ninst; i++) {
		struct vrrp_inst *in = vrrp_inst_new(&eng.env, &eng.model.inst[i]);

		if (!in)
			continue;
		*tail = in;
		tail = &in->next;
	}
	vrrp_net_addr_cache(false);
	vrrp_track_start(base, &eng.nl, eng.head);       /* tracking (vrrp_track.c) */
	eng.sync = vrrp_sync_setup(eng.head, &eng.model);
	/* Every socket is open: listening.  START_STAGGER_US apart, so that
	 * instances with the same interval still leave BACKUP in configuration
	 * order, as 2.2.7's do (more than the jitter between our clock and
	 * libevent's when it turns a timeout into a deadline). */
	gettimeofday(&eng.env.start_clock, NULL);
	for (struct vrrp_inst *in = eng.head; in; in = in->next) {
		const struct timeval stagger = { 0, START_STAGGER_US };

		vrrp_inst_start(in);
		timeradd(&eng.env.start_clock, &stagger, &eng.env.start_clock);
	}
	timerclear(&eng.env.start_clock);
	return 0;
}

int vrrp_engine_reload(const struct conf *conf)
{
	struct vrrp_model nm;

	if (vrrp_model_build(conf, &eng.nl, &nm) < 0)
		return KA_EXIT_FAILURE;
	vrrp_vmac_setup(&nm, &eng.nl);                     /* VMACs of the new model */
	/* groups are rebuilt: members reconcile ungrouped, then regroup */
	vrrp_sync_free(eng.sync, eng.head);
	eng.sync = NULL;
	if (vrrp_reload_apply(&eng.head, &nm, &eng.env) < 0) {
		vrrp_model_free(&nm);
		return KA_EXIT_FAILURE;
	}
	vrrp_statics_update(&eng.nl, &eng.model, &nm);     /* static_* changes (vrrp_routes.h) */
	vrrp_fw_rebase(&nm);                               /* firewall follows the new model */
	vrrp_track_stop(true);                             /* tracking (vrrp_track.c): */
	vrrp_model_free(&eng.model);
	eng.model = nm;
	vrrp_track_start(eng.env.base, &eng.nl, eng.head); /* statuses carried over */
	eng.sync = vrrp_sync_setup(eng.head, &eng.model);
	return 0;
}

void vrrp_engine_stop(void)
{
	struct vrrp_inst *in, *next;

	vrrp_track_stop(false);                            /* tracking (vrrp_track.c) */
	for (in = eng.head; in; in = in->next)
		vrrp_inst_stop(in);
	for (in = eng.head; in; in = next) {
		next = in->next;
		vrrp_inst_free(in);
	}
	vrrp_sync_free(eng.sync, NULL);
	eng.head = NULL;
	vrrp_statics_remove(&eng.nl, &eng.model);     /* static_*, even with -V (vrrp_routes.h) */
	vrrp_vmac_fw_stop(&eng.nl, eng.env.dont_release);  /* tables, VMACs, sysctls */
	if (eng.mon_ev)
		event_free(eng.mon_ev);
	nl_monitor_close(eng.mon);
	vrrp_net_close_all();
	if (eng.env.garp_fd >= 0)
		close(eng.env.garp_fd);
	vrrp_model_free(&eng.model);
	nlctx_close(&eng.nl);
	memset(&eng, 0, sizeof(eng));
}
