/*
 * vrrp_route_watch.h - noticing routes and rules deleted behind our back.
 *
 * 2.2.7 restores a deleted static address, route or rule at once (and
 * every static address and route of an interface that comes back up: the
 * kernel flushed its routes when it went down), and a MASTER
 * whose tracked virtual route or rule is deleted steps down as for a
 * deleted VIP (priority 0 advert, BACKUP, MASTER again after the skew time
 * if nobody else takes over).  Entries with no_track (or a route without
 * "dev") are left alone.  Used by vrrp_routes.c only: the watch runs from
 * the start of the static entries to their removal at stop.
 */
#ifndef KA_VRRP_ROUTE_WATCH_H
#define KA_VRRP_ROUTE_WATCH_H

#include "nl_core.h"
#include "vrrp_model.h"

struct event_base;

/* Where to watch from (the event loop) and to send requests through. */
void vrrp_route_watch_init(struct event_base *base, struct nlctx *nl);
/* The model in force (at start, after each reload): its static lists are
 * used in place from now on.  The route and rule groups are subscribed to
 * (once) when some route or rule is configured; a failure is logged and
 * nothing is watched. */
void vrrp_route_watch_model(const struct vrrp_model *m);
/* Stop watching; safe when not open. */
void vrrp_route_watch_close(void);

/* Link and address events of the engine's monitor (vrrp_engine.c): a
 * deleted static address is restored, an interface holding static entries
 * that comes back up gets them again; after a monitor overflow (resync)
 * every static address is checked.  No effect outside start..close. */
struct nl_link_event;
struct nl_addr_event;
void vrrp_route_watch_link(const struct nl_link_event *ev);
void vrrp_route_watch_addr(const struct nl_addr_event *ev);
void vrrp_route_watch_resync(void);

#endif
