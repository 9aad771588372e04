/*
 * vrrp_track_if.c - track_interface: an interface is up when it is
 * administratively up and running (carrier), as the VRRP engine sees its
 * own interface.
 *
 * Design.  A netlink monitor of our own (link events only matter here), so
 * the engine's monitor stays untouched; the state of every tracked
 * interface is read once at start and again after a monitor overflow.
 * Linkbeat interfaces (linkbeat_interfaces, linkbeat_use_polling) ignore
 * netlink and ask the driver every second (vrrp_track_linkbeat.c).
 * A deleted interface is down.  Changes are logged as 2.2.7 logs them
 * ("Netlink reports eth1 down") and go through track_obj_changed(), after
 * the interface's interface_up_down_delays delay when it has one (a state
 * that does not last that long is ignored).
 */
#include "config.h"

#include <event2/event.h>

#include "log.h"
#include "nl_link.h"
#include "nl_monitor.h"
#include "vrrp_track_int.h"

#define LINKBEAT_POLL_US 1000000

static struct nl_monitor *mon;
static struct event *mon_ev;
static struct event *poll_ev;        /* linkbeat interfaces */

static void apply(struct track_obj *o, bool up, bool report)
{
	o->st.known = true;
	o->st.up = up;
	if (report)
		log_info("Netlink reports %s %s", o->cfg->name, up ? "up" : "down");
	track_obj_changed(o);
}

static void on_delay(evutil_socket_t fd, short what, void *arg)
{
	struct track_obj *o = arg;

	(void)fd;
	(void)what;
	if (o->want_up != o->st.up)
		apply(o, o->want_up, true);
}

/* The kernel says `up`: apply it now, or after the interface's up/down
 * delay if it still holds then (a bounce shorter than the delay is not
 * seen).  At start (report false) the state is taken as it is. */
static void set_state(struct track_obj *o, bool up, bool report)
{
	const struct vrrp_track_if_cfg *ic = &o->cfg->u.iface;
	uint64_t delay = up ? ic->up_delay_us : ic->down_delay_us;
	struct timeval tv = { (time_t)(delay / 1000000), (suseconds_t)(delay % 1000000) };

	o->want_up = up;
	if (!o->st.known || !report || !o->timer) {
		if (!o->st.known || o->st.up != up)
			apply(o, up, report);
		return;
	}
	if (up == o->st.up) {
		if (evtimer_pending(o->timer, NULL))
			log_debug("%s back %s before its delay ran out", o->cfg->name,
				  up ? "up" : "down");
		evtimer_del(o->timer);
		return;
	}
	if (!delay) {
		evtimer_del(o->timer);
		apply(o, up, report);
		return;
	}
	if (!evtimer_pending(o->timer, NULL)) {
		log_debug("Netlink reports %s %s, acting in %llu us", o->cfg->name,
			  up ? "up" : "down", (unsigned long long)delay);
		evtimer_add(o->timer, &tv);
	}
}

/* Linkbeat interfaces by asking the driver; the others (only_linkbeat
 * false) from netlink. */
static void read_all(bool report, bool only_linkbeat)
{
	struct sys_link l;
	bool up;

	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind != VRRP_TRACK_IF ||
		    (only_linkbeat && !o->cfg->u.iface.linkbeat))
			continue;
		if (o->cfg->u.iface.linkbeat)
			set_state(o, track_linkbeat_read(o->cfg->name, &up) && up, report);
		else if (nl_link_get(trk.nl, o->cfg->ifindex, NULL, &l) == 0)
			set_state(o, l.oper_up, report);
		else
			set_state(o, false, report);
	}
}

static void on_link(void *arg, const struct nl_link_event *ev)
{
	(void)arg;
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind == VRRP_TRACK_IF && o->cfg->ifindex == ev->ifindex &&
		    !o->cfg->u.iface.linkbeat)
			set_state(o, !ev->deleted && ev->oper_up, true);
	}
}

static void on_resync(void *arg)
{
	(void)arg;
	read_all(true, false);
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	read_all(true, true);
}

static void start_polling(void)
{
	struct timeval tv = { LINKBEAT_POLL_US / 1000000, LINKBEAT_POLL_US % 1000000 };
	bool any = false;

	for (size_t i = 0; i < trk.nobjs; i++)
		if (trk.objs[i].cfg->kind == VRRP_TRACK_IF && trk.objs[i].cfg->u.iface.linkbeat)
			any = true;
	if (!any)
		return;
	poll_ev = event_new(trk.base, -1, EV_PERSIST, on_poll, NULL);
	if (poll_ev)
		event_add(poll_ev, &tv);
}

static const struct nl_monitor_ops ops = { .link = on_link, .resync = on_resync };

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	nl_monitor_dispatch(arg);
}

int track_if_start(void)
{
	if (!track_have(VRRP_TRACK_IF))
		return 0;
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind == VRRP_TRACK_IF &&
		    (o->cfg->u.iface.down_delay_us || o->cfg->u.iface.up_delay_us))
			o->timer = evtimer_new(trk.base, on_delay, o);
	}
	start_polling();
	mon = nl_monitor_open(&ops, NULL);
	if (!mon) {
		log_warn("track_interface: cannot open a netlink monitor");
		read_all(false, false);
		return -1;
	}
	mon_ev = event_new(trk.base, nl_monitor_fd(mon), EV_READ | EV_PERSIST, on_readable, mon);
	if (mon_ev)
		event_add(mon_ev, NULL);
	read_all(false, false);
	return 0;
}

void track_if_stop(void)
{
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind == VRRP_TRACK_IF && o->timer) {
			event_free(o->timer);
			o->timer = NULL;
		}
	}
	if (poll_ev)
		event_free(poll_ev);
	poll_ev = NULL;
	if (mon_ev)
		event_free(mon_ev);
	mon_ev = NULL;
	nl_monitor_close(mon);
	mon = NULL;
}
