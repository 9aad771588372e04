/*
 * kw_root.c - the top level of keepalived.conf.
 *
 * The blocks of keepalived.conf(5)'s TOP HIERARCHY: global_defs and the
 * global-configuration blocks (linkbeat, up/down delays, track groups,
 * static addresses/routes/rules), BFD, VRRP (scripts, track files and
 * processes, sync groups, garp groups, instances) and LVS (declared in
 * kw_lvs.h).  A few daemon-wide keywords live at the top level rather than
 * in global_defs in 2.2.7 (net_namespace, instance, use_pid_dir...): 2.2.7
 * rejects them inside global_defs, so do we.
 */
#include "kw_tables.h"
#include "kw_args.h"
#include "kw_lvs.h"

const struct conf_kw conf_root_keywords[] = {
	/* daemon-wide, outside global_defs */
	{ .name = "net_namespace", .kind = KV_STR },
	{ .name = "net_namespace_ipvs", .kind = KV_WORDS, .min_args = 0,
	  .max_args = CONF_ARGS_ANY },
	{ .name = "namespace_with_ipsets", .kind = KV_FLAG },
	{ .name = "instance", .kind = KV_STR },
	{ .name = "use_pid_dir", .kind = KV_FLAG },
	{ .name = "linkbeat_use_polling", .kind = KV_FLAG },
	{ .name = "child_wait_time", .kind = KV_INT, .min = 0, .max = 1000000 },

	/* GLOBAL CONFIGURATION */
	{ .name = "global_defs", .kind = KV_BLOCK, .sub = kw_global_defs, .flags = KWF_MULTI },
	{ .name = "linkbeat_interfaces", .kind = KV_LIST, .check = kwa_linkbeat_line,
	  .flags = KWF_MULTI },
	{ .name = "interface_up_down_delays", .kind = KV_LIST, .check = kwa_updown_delay_line,
	  .flags = KWF_MULTI },
	{ .name = "track_group", .kind = KV_BLOCK, .min_args = 1, .max_args = 1,
	  .sub = kw_track_group, .flags = KWF_MULTI },
	{ .name = "static_ipaddress", .kind = KV_LIST, .check = kwa_static_ip_line,
	  .flags = KWF_MULTI },
	{ .name = "static_routes", .kind = KV_LIST, .check = kwa_static_route_line,
	  .flags = KWF_MULTI },
	{ .name = "static_rules", .kind = KV_LIST, .check = kwa_static_rule_line,
	  .flags = KWF_MULTI },

	/* BFD CONFIGURATION */
	{ .name = "bfd_instance", .kind = KV_BLOCK, .check = kw_bfd_instance_check,
	  .min_args = 1, .max_args = 1,
	  .sub = kw_bfd_instance, .flags = KWF_MULTI },

	/* VRRPD CONFIGURATION */
	{ .name = "vrrp_script", .kind = KV_BLOCK, .check = kw_vrrp_script_check,
	  .min_args = 1, .max_args = 1,
	  .sub = kw_vrrp_script, .flags = KWF_MULTI },
	{ .name = "track_file", .kind = KV_BLOCK, .check = kw_track_file_check,
	  .min_args = 1, .max_args = 1,
	  .sub = kw_track_file, .flags = KWF_MULTI },
	{ .name = "vrrp_track_file", .kind = KV_BLOCK, .check = kw_track_file_check,
	  .min_args = 1, .max_args = 1,
	  .sub = kw_track_file, .flags = KWF_MULTI, .canon = "track_file" },
	{ .name = "vrrp_track_process", .kind = KV_BLOCK, .check = kw_track_process_check,
	  .min_args = 1, .max_args = 1,
	  .sub = kw_track_process, .flags = KWF_MULTI },
	{ .name = "vrrp_sync_group", .kind = KV_BLOCK, .min_args = 1, .max_args = 1,
	  .sub = kw_vrrp_sync_group, .flags = KWF_MULTI },
	{ .name = "garp_group", .kind = KV_BLOCK, .sub = kw_garp_group, .flags = KWF_MULTI },
	{ .name = "vrrp_instance", .kind = KV_BLOCK, .min_args = 1, .max_args = 1,
	  .sub = kw_vrrp_instance, .flags = KWF_MULTI },

	/* LVS CONFIGURATION (kw_lvs.h) */
	{ .name = "virtual_server", .kind = KV_BLOCK, .min_args = 1, .max_args = 2,
	  .sub = kw_virtual_server, .check = kw_vs_block_check, .flags = KWF_MULTI },
	{ .name = "virtual_server_group", .kind = KV_LIST, .min_args = 1, .max_args = 1,
	  .check = kw_vsg_line_check, .flags = KWF_MULTI },
	{ .name = "SSL", .kind = KV_BLOCK, .sub = kw_ssl },
	{ .name = NULL },
};
