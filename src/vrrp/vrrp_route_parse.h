/*
 * vrrp_route_parse.h - one virtual_routes / static_routes / virtual_rules /
 * static_rules line into the netlink request it stands for.
 *
 * Design.  Pure functions: a line (argv as in the configuration tree,
 * already checked word by word by src/conf/kw_args_route.c) becomes a
 * struct sys_route or struct sys_rule (src/sys/nl_route.h, nl_rule.h)
 * plus what the netlink layer cannot know: interface names (resolved to
 * indexes by the model, vrrp_model_routes.c), keepalived's own words
 * (no_track, track_group) and the text 2.2.7 logs for the entry.  Names
 * of tables, protocols, scopes, realms and dsfields are looked up in
 * /etc/iproute2 like ip(8) does.
 *
 * 2.2.7's semantics kept here: every route and rule carries protocol
 * keepalived (18) unless it cannot be tracked (no_track, or a route
 * without "dev") and names another protocol; a route without "scope" is
 * installed with scope global (host for "local" routes), not ip(8)'s
 * guess; rtt, rttvar and rto_min are the kernel's raw units (1/8 ms,
 * 1/4 ms, ms) raised to 200 ms at least; "or GW" adds a next
 * hop through GW on the route's device; "gw" is "via".
 *
 * What the netlink layer does not send (route options ttl-propagate,
 * pervasive) is listed in ->ignored; the route is installed without them
 * and the model logs one warning.  A route with "vrf" is refused (it would
 * land in the wrong table).
 */
#ifndef KA_VRRP_ROUTE_PARSE_H
#define KA_VRRP_ROUTE_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "nl_route.h"
#include "nl_rule.h"

/* One route line.  Two routes are the same route (reload) when their
 * ->r (with next-hop indexes resolved) are byte-equal: keep every field a
 * plain value and build it from a zeroed struct. */
struct vrrp_route {
	struct sys_route r;
	char dev[SYS_ROUTE_MAX_NH][IFNAMSIZ];  /* device of each next hop, "" = none */
	bool no_track;               /* "no_track", or no "dev" (2.2.7 cannot track it) */
	char text[64];               /* "DEST/PLEN", the name 2.2.7 logs */
	char ignored[96];            /* options not applied, "mtu, congctl" ("" = none) */
	char note[96];               /* other remarks for the log ("" = none) */
};

/* One rule line.  Same-ness as for routes: ->r byte-equal. */
struct vrrp_rule {
	struct sys_rule r;
	bool no_track;
	bool has_pref;               /* a preference was written (else the model numbers it) */
	char text[96];               /* "from X to Y", the name 2.2.7 logs */
};

/* Parse a route line; false with a reason in err (size errlen) when the
 * line cannot be turned into a route (the checker normally caught it). */
bool vrrp_route_parse(char *const *argv, int argc, struct vrrp_route *out,
		      char *err, size_t errlen);
/* Parse a rule line; same convention. */
bool vrrp_rule_parse(char *const *argv, int argc, struct vrrp_rule *out,
		     char *err, size_t errlen);

/* Are two parsed entries the same kernel object? */
bool vrrp_route_same(const struct vrrp_route *a, const struct vrrp_route *b);
bool vrrp_rule_same(const struct vrrp_rule *a, const struct vrrp_rule *b);

/* Number or name listed in /etc/iproute2/FILE (rt_tables, rt_protos,
 * rt_scopes, rt_realms, rt_dsfield; built-in names first); false if
 * neither or above max. */
bool vrrp_iproute_id(const char *file, const char *word, uint32_t max, uint32_t *out);

#endif
