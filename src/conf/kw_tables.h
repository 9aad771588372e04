/*
 * kw_tables.h - the keyword tables of keepalived.conf, one per block.
 *
 * conf_root_keywords[] (kw_root.c, declared in conf.h) is the top level; it
 * points at the tables below through .sub.  Each table is a static,
 * declarative list of struct conf_kw (see include/conf.h and SCHEMA-NOTES):
 * reading a table tells which keywords a block accepts, their value kind,
 * range and aliases.  Argument validators shared by several tables live in
 * kw_args.h.
 *
 * Owners: global/static/VRRP/tracking/BFD tables here (kw_global.c,
 * kw_static.c, kw_vrrp.c, kw_track.c, kw_bfd.c); the LVS tables
 * (virtual_server, virtual_server_group, SSL) are declared in kw_lvs.h and
 * only referenced by the root table.
 */
#ifndef KA_KW_TABLES_H
#define KA_KW_TABLES_H

#include "conf.h"

/* kw_global.c */
extern const struct conf_kw kw_global_defs[];

/* kw_static.c: linkbeat_interfaces, interface_up_down_delays, track_group,
 * static_ipaddress / static_routes / static_rules are KV_LIST (no table). */
extern const struct conf_kw kw_track_group[];

/* kw_vrrp.c */
extern const struct conf_kw kw_vrrp_instance[];
extern const struct conf_kw kw_vrrp_sync_group[];
extern const struct conf_kw kw_garp_group[];

/* kw_track.c */
extern const struct conf_kw kw_vrrp_script[];
extern const struct conf_kw kw_track_file[];
extern const struct conf_kw kw_track_process[];

/* kw_bfd.c */
extern const struct conf_kw kw_bfd_instance[];

/* Block checks (KV_BLOCK .check of the root entries), called at '}'. */
conf_check_fn kw_vrrp_script_check;      /* kw_track.c */
conf_check_fn kw_track_file_check;
conf_check_fn kw_track_process_check;
conf_check_fn kw_bfd_instance_check;     /* kw_bfd.c */

#endif
