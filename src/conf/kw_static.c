/*
 * kw_static.c - static track groups.
 *
 * The other global-configuration blocks (linkbeat_interfaces,
 * interface_up_down_delays, static_ipaddress, static_routes, static_rules)
 * are value lists: their root entries (kw_root.c) name the line validator
 * from kw_args.h and need no table.  A track_group names the vrrp
 * instances that track the static addresses/routes/rules referring to it:
 *
 *     track_group NAME { group { VI_1 VI_2 } }
 */
#include "kw_tables.h"
#include "kw_args.h"

const struct conf_kw kw_track_group[] = {
	{ .name = "group", .kind = KV_LIST, .check = kwa_name_line,
	  .flags = KWF_MULTI | KWF_WORD_LIST },
	{ .name = NULL },
};
