/*
 * kw_global.c - the global_defs block.
 *
 * One row per keyword of keepalived.conf(5) "Global definitions", grouped
 * as the man page groups them: process naming, scripts, e-mail, VRRP
 * defaults (GARP, multicast groups, strict mode), firewall, process
 * priorities, SNMP/DBus, FIFOs, netlink buffers, reload.  Keywords with a
 * structured value get a small check below; the rest are typed by kind.
 *
 * Not here on purpose: net_namespace, instance, use_pid_dir... (top level,
 * see kw_root.c), and vrrp_ipsets, which the 2.2.7 reference build (no
 * iptables support) rejects as an unknown keyword.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "kw_tables.h"
#include "kw_args.h"

/* "lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]" */
static bool check_lvs_sync_daemon(struct conf_ctx *ctx, struct conf_node *n)
{
	static const struct { const char *opt; int64_t min, max; } nums[] = {
		{ "id", 0, 255 }, { "maxlen", 1, 65507 }, { "port", 1, 65535 }, { "ttl", 1, 255 },
	};
	struct conf_addr a;
	int i;

	for (i = 1; i < n->argc; i++) {
		const char *o = n->argv[i];
		const char *v = i + 1 < n->argc ? n->argv[i + 1] : NULL;
		bool known = false;
		int64_t x;

		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
			if (strcmp(o, nums[k].opt) != 0)
				continue;
			known = true;
			if (!v || !conf_parse_int(v, nums[k].min, nums[k].max, &x)) {
				conf_err(ctx, &n->src, "Invalid lvs_sync_daemon %s %s", o, v ? v : "");
				return false;
			}
		}
		if (!known && strcmp(o, "group") == 0) {
			known = true;
			if (!v || !kwa_parse_ip(v, false, &a)) {
				conf_err(ctx, &n->src, "Invalid lvs_sync_daemon group %s", v ? v : "");
				return false;
			}
		}
		if (!known && strcmp(o, "inst") == 0 && v)
			known = true;
		if (known) {
			i++;
			continue;
		}
		if (i != 1) {
			conf_err(ctx, &n->src, "Unknown option %s specified for lvs_sync_daemon", o);
			return false;
		}
	}
	return true;
}

/* "lvs_timeouts [tcp SECS] [tcpfin SECS] [udp SECS]" */
static bool check_lvs_timeouts(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;
	int i;

	for (i = 0; i < n->argc; i += 2) {
		const char *o = n->argv[i];

		if (strcmp(o, "tcp") && strcmp(o, "tcpfin") && strcmp(o, "udp")) {
			conf_err(ctx, &n->src, "Unknown option %s specified for lvs_timeouts", o);
			return false;
		}
		if (i + 1 >= n->argc || !conf_parse_int(n->argv[i + 1], 0, 86400 * 31, &v)) {
			conf_err(ctx, &n->src, "Invalid lvs_timeout %s (%s)", o,
				 i + 1 < n->argc ? n->argv[i + 1] : "");
			return false;
		}
	}
	return true;
}

/* A list of CPU numbers. */
static bool check_cpu_list(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;

	for (int i = 0; i < n->argc; i++)
		if (!conf_parse_int(n->argv[i], 0, 4095, &v)) {
			conf_err(ctx, &n->src, "%s: invalid cpu %s", conf_node_name(n), n->argv[i]);
			return false;
		}
	return true;
}

/* "umask NUMBER" (hex/octal/decimal) or "umask IRUSR|IWGRP..." */
static bool check_umask(struct conf_ctx *ctx, struct conf_node *n)
{
	static const char *const bits[] = {
		"IRUSR", "IWUSR", "IXUSR", "IRGRP", "IWGRP", "IXGRP", "IROTH", "IWOTH", "IXOTH", NULL
	};
	char buf[256] = "";
	char *tok, *save;
	char *end;

	strtoul(n->argv[0], &end, 0);
	if (end != n->argv[0] && *end == '\0' && n->argc == 1)
		return true;
	for (int i = 0; i < n->argc; i++)
		strncat(buf, n->argv[i], sizeof(buf) - strlen(buf) - 1);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		int k;

		for (k = 0; bits[k] && strcmp(bits[k], tok) != 0; k++)
			;
		if (!bits[k]) {
			conf_err(ctx, &n->src, "Invalid umask value %s", n->argv[0]);
			return false;
		}
	}
	return true;
}

/* "vrrp_rx_bufs_policy MTU|ADVERT|NUMBER" */
static bool check_rx_bufs_policy(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;

	if (strcmp(n->argv[0], "MTU") == 0 || strcmp(n->argv[0], "ADVERT") == 0 ||
	    conf_parse_int(n->argv[0], 1, UINT32_MAX, &v))
		return true;
	conf_err(ctx, &n->src, "Invalid vrrp_rx_bufs_policy %s", n->argv[0]);
	return false;
}

/* "vrrp_garp_extra_if [all] SECS", 0..86400 */
static bool check_garp_extra_if(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;
	int i = 0;

	if (n->argc == 2) {
		if (strcmp(n->argv[0], "all") != 0) {
			conf_err(ctx, &n->src, "Unknown %s option %s", conf_node_name(n), n->argv[0]);
			return false;
		}
		i = 1;
	}
	if (!conf_parse_int(n->argv[i], 0, 86400, &v)) {
		conf_err(ctx, &n->src, "number '%s' outside range [0, 86400]", n->argv[i]);
		return false;
	}
	return true;
}

/* "max_auto_priority [-1..99]" */
static bool check_max_auto_priority(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;

	if (n->argc == 0 || conf_parse_int(n->argv[0], -1, 99, &v))
		return true;
	conf_err(ctx, &n->src, "number '%s' outside range [-1, 99]", n->argv[0]);
	return false;
}

/* 2.2.7 as Debian packages it has no iptables support, nor have we unless
 * built with --enable-iptables (then vrrp_ipsets is a keyword too). */
static bool check_iptables(struct conf_ctx *ctx, struct conf_node *n)
{
#ifndef WITH_IPTABLES
	conf_err(ctx, &n->src, "iptables not supported, using nftables instead. Please replace "
		 "'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
#else
	(void)ctx;
	(void)n;
#endif
	return true;
}

/* "include_check [[+|-]match|wildcard_match|brace_match ...]".  The man page
 * also lists "readable", which 2.2.7 rejects as an unknown type: so do we. */
static bool check_include_check(struct conf_ctx *ctx, struct conf_node *n)
{
	static const char *const kinds[] = { "match", "wildcard_match", "brace_match", NULL };

	for (int i = 0; i < n->argc; i++) {
		const char *w = n->argv[i] + (n->argv[i][0] == '+' || n->argv[i][0] == '-');
		int k;

		for (k = 0; kinds[k] && strcmp(kinds[k], w) != 0; k++)
			;
		if (!kinds[k])
			conf_err(ctx, &n->src, "Unknown include_check type '%s' - ignoring", w);
	}
	return true;
}

/* Keywords taking one word where 2.2.7 rejects more (with its wording). */
static bool check_one_word(struct conf_ctx *ctx, struct conf_node *n)
{
	if (n->argc == 1)
		return true;
	if (strcmp(conf_node_name(n), "snmp_socket") == 0)
		conf_err(ctx, &n->src, "Too many parameters specified for snmp_socket - ignoring");
	else
		conf_err(ctx, &n->src, "%s invalid", conf_node_name(n));
	return false;
}

/* "dynamic_interfaces [allow_if_changes]", "lvs_flush_on_stop [VS]" */
static bool check_word_option(struct conf_ctx *ctx, struct conf_node *n)
{
	if (n->argc == 0)
		return true;
	if (strcmp(conf_node_name(n), "dynamic_interfaces") == 0) {
		if (strcmp(n->argv[0], "allow_if_changes") == 0)
			return true;
		conf_err(ctx, &n->src, "Unknown dynamic_interfaces option '%s'", n->argv[0]);
		return false;
	}
	if (strcmp(n->argv[0], "VS") == 0)
		return true;
	conf_err(ctx, &n->src, "Unknown %s type %s", conf_node_name(n), n->argv[0]);
	return false;
}

#define RT_PRIO(nm) { .name = nm, .kind = KV_INT, .min = 1, .max = 99 }
#define NICE(nm) { .name = nm, .kind = KV_INT, .min = -20, .max = 19 }
#define RTTIME(nm) { .name = nm, .kind = KV_INT, .min = 2, .max = UINT32_MAX }
#define BUFS(nm) { .name = nm, .kind = KV_INT, .min = 0, .max = UINT32_MAX }
#define BOOL(nm) { .name = nm, .kind = KV_BOOL }
#define FLAG(nm) { .name = nm, .kind = KV_FLAG }
#define STR(nm) { .name = nm, .kind = KV_STR }
#define FIFO(nm) { .name = nm, .kind = KV_WORDS, .min_args = 1, .max_args = 3 }
#define SCRIPT(nm) { .name = nm, .kind = KV_SCRIPT, .min_args = 1, .max_args = 3 }

const struct conf_kw kw_global_defs[] = {
	/* config handling and process names */
	STR("tmp_config_directory"),
	STR("config_save_dir"),
	FLAG("process_names"),
	STR("process_name"),
	STR("vrrp_process_name"),
	STR("checker_process_name"),
	STR("bfd_process_name"),
	/* startup/shutdown scripts */
	SCRIPT("startup_script"),
	{ .name = "startup_script_timeout", .kind = KV_INT, .min = 1, .max = 1000 },
	SCRIPT("shutdown_script"),
	{ .name = "shutdown_script_timeout", .kind = KV_INT, .min = 1, .max = 1000 },
	/* e-mail */
	{ .name = "notification_email", .kind = KV_LIST, .check = kwa_name_line,
	  .flags = KWF_WORD_LIST },
	STR("notification_email_from"),
	{ .name = "smtp_server", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = kwa_smtp_server },
	{ .name = "smtp_helo_name", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY },
	{ .name = "smtp_connect_timeout", .kind = KV_INT, .min = 1, .max = 86400 },
	BOOL("smtp_alert"),
	BOOL("smtp_alert_vrrp"),
	BOOL("smtp_alert_checker"),
	BOOL("checker_log_all_failures"),
	FLAG("no_email_faults"),
	STR("router_id"),
	/* VRRP defaults */
	{ .name = "vrrp_mcast_group4", .kind = KV_ADDR },
	{ .name = "vrrp_mcast_group6", .kind = KV_ADDR },
	STR("default_interface"),
	{ .name = "lvs_sync_daemon", .kind = KV_WORDS, .min_args = 1, .max_args = 12,
	  .check = check_lvs_sync_daemon },
	{ .name = "lvs_timeouts", .kind = KV_WORDS, .min_args = 2, .max_args = 6,
	  .check = check_lvs_timeouts },
	FLAG("lvs_flush"),
	{ .name = "lvs_flush_on_stop", .kind = KV_WORDS, .min_args = 0, .max_args = 1,
	  .check = check_word_option },
	{ .name = "vrrp_garp_master_delay", .kind = KV_INT, .min = 0, .max = 86400 },
	{ .name = "vrrp_garp_master_repeat", .kind = KV_INT, .min = 1, .max = 65535 },
	{ .name = "vrrp_garp_lower_prio_delay", .kind = KV_INT, .min = 0, .max = 86400 },
	{ .name = "vrrp_down_timer_adverts", .kind = KV_INT, .min = 1, .max = 100 },
	{ .name = "vrrp_garp_lower_prio_repeat", .kind = KV_INT, .min = 0, .max = 65535 },
	{ .name = "vrrp_garp_master_refresh", .kind = KV_INT, .min = 0, .max = 86400 },
	{ .name = "vrrp_garp_master_refresh_repeat", .kind = KV_INT, .min = 1, .max = 65535 },
	{ .name = "vrrp_garp_interval", .kind = KV_TIMER, .min = 0, .max = 1000000 },
	{ .name = "vrrp_gna_interval", .kind = KV_TIMER, .min = 0, .max = 1000000 },
	BOOL("vrrp_min_garp"),
	{ .name = "vrrp_garp_extra_if", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = check_garp_extra_if },
	BOOL("vrrp_lower_prio_no_advert"),
	BOOL("vrrp_higher_prio_send_advert"),
	{ .name = "vrrp_version", .kind = KV_INT, .min = 2, .max = 3 },
	/* firewall */
	{ .name = "nftables", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY },
	{ .name = "nftables_priority", .kind = KV_INT, .min = INT32_MIN, .max = INT32_MAX },
	FLAG("nftables_counters"),
	FLAG("nftables_ifindex"),
	{ .name = "nftables_ipvs", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY },
	{ .name = "nftables_ipvs_priority", .kind = KV_INT, .min = INT32_MIN, .max = INT32_MAX },
	{ .name = "nftables_ipvs_start_fwmark", .kind = KV_INT, .min = 1, .max = UINT32_MAX },
	{ .name = "vrrp_iptables", .kind = KV_WORDS, .min_args = 0, .max_args = 2,
	  .check = check_iptables },
#ifdef WITH_IPTABLES
	{ .name = "vrrp_ipsets", .kind = KV_WORDS, .min_args = 0, .max_args = 5 },
#endif
	FLAG("disable_local_igmp"),
	FLAG("vrrp_check_unicast_src"),
	FLAG("vrrp_skip_check_adv_addr"),
	FLAG("vrrp_strict"),
	BOOL("vrrp_notify_priority_changes"),
	/* scheduling */
	{ .name = "max_auto_priority", .kind = KV_WORDS, .min_args = 0, .max_args = 1,
	  .check = check_max_auto_priority },
	{ .name = "min_auto_priority_delay", .kind = KV_INT, .min = 1, .max = 10000000 },
	NICE("vrrp_priority"), NICE("checker_priority"), NICE("bfd_priority"),
	FLAG("vrrp_no_swap"), FLAG("checker_no_swap"), FLAG("bfd_no_swap"),
	{ .name = "vrrp_cpu_affinity", .kind = KV_WORDS, .max_args = CONF_ARGS_ANY, .min_args = 1,
	  .check = check_cpu_list },
	{ .name = "checker_cpu_affinity", .kind = KV_WORDS, .max_args = CONF_ARGS_ANY,
	  .min_args = 1, .check = check_cpu_list },
	{ .name = "bfd_cpu_affinity", .kind = KV_WORDS, .max_args = CONF_ARGS_ANY, .min_args = 1,
	  .check = check_cpu_list },
	RT_PRIO("vrrp_rt_priority"), RT_PRIO("checker_rt_priority"), RT_PRIO("bfd_rt_priority"),
	RTTIME("vrrp_rlimit_rttime"), RTTIME("checker_rlimit_rttime"), RTTIME("bfd_rlimit_rttime"),
	/* SNMP, DBus */
	{ .name = "snmp_socket", .kind = KV_WORDS, .min_args = 1, .max_args = CONF_ARGS_ANY,
	  .check = check_one_word },
	FLAG("enable_snmp_vrrp"),
	{ .name = "enable_snmp_keepalived", .kind = KV_FLAG, .flags = KWF_DEPRECATED,
	  .canon = "enable_snmp_vrrp" },
	FLAG("enable_snmp_checker"),
	FLAG("enable_snmp_rfc"),
	FLAG("enable_snmp_rfcv2"),
	FLAG("enable_snmp_rfcv3"),
	FLAG("enable_traps"),
	FLAG("enable_dbus"),
	STR("dbus_service_name"),
	/* scripts */
	{ .name = "script_user", .kind = KV_WORDS, .min_args = 1, .max_args = 2 },
	FLAG("enable_script_security"),
	FIFO("notify_fifo"), SCRIPT("notify_fifo_script"),
	FIFO("vrrp_notify_fifo"), SCRIPT("vrrp_notify_fifo_script"),
	FIFO("lvs_notify_fifo"), SCRIPT("lvs_notify_fifo_script"),
	FLAG("fifo_write_vrrp_states_on_reload"),
	/* interfaces and netlink */
	{ .name = "dynamic_interfaces", .kind = KV_WORDS, .min_args = 0, .max_args = 1,
	  .check = check_word_option },
	BUFS("vrrp_netlink_cmd_rcv_bufs"), BOOL("vrrp_netlink_cmd_rcv_bufs_force"),
	BUFS("vrrp_netlink_monitor_rcv_bufs"), BOOL("vrrp_netlink_monitor_rcv_bufs_force"),
	BUFS("lvs_netlink_cmd_rcv_bufs"), BOOL("lvs_netlink_cmd_rcv_bufs_force"),
	BUFS("lvs_netlink_monitor_rcv_bufs"), BOOL("lvs_netlink_monitor_rcv_bufs_force"),
	BUFS("process_monitor_rcv_bufs"), BOOL("process_monitor_rcv_bufs_force"),
	{ .name = "vrrp_rx_bufs_policy", .kind = KV_STR, .check = check_rx_bufs_policy },
	{ .name = "vrrp_rx_bufs_multiplier", .kind = KV_INT, .min = 1, .max = UINT32_MAX },
	/* checker */
	BOOL("rs_init_notifies"),
	BOOL("no_checker_emails"),
	/* misc */
	{ .name = "umask", .kind = KV_WORDS, .min_args = 1, .max_args = CONF_ARGS_ANY,
	  .check = check_umask },
	{ .name = "vrrp_startup_delay", .kind = KV_TIMER, .min = 0, .max = 0 },
	FLAG("log_unknown_vrids"),
	STR("vmac_prefix"),
	STR("vmac_addr_prefix"),
	{ .name = "random_seed", .kind = KV_INT, .min = 0, .max = UINT32_MAX },
	{ .name = "reload_check_config", .kind = KV_WORDS, .min_args = 0,
	  .max_args = CONF_ARGS_ANY },
	{ .name = "include_check", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY,
	  .check = check_include_check },
	{ .name = "reload_time_file", .kind = KV_WORDS, .min_args = 1, .max_args = CONF_ARGS_ANY,
	  .check = check_one_word },
	FLAG("reload_repeat"),
	{ .name = "reload_file", .kind = KV_WORDS, .min_args = 0, .max_args = CONF_ARGS_ANY },
	BOOL("data_use_instance"),
	{ .name = NULL },
};
