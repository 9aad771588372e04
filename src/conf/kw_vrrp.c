/*
 * kw_vrrp.c - vrrp_instance, vrrp_sync_group and garp_group blocks.
 *
 * The vrrp_instance table follows keepalived.conf(5) "VRRP instance(s)"
 * in order: identity and interface, VMAC/ipvlan, tracking lists, source
 * and destination addresses, unicast, GARP tuning, the VRRP parameters
 * proper (VRID, priority, advert_int, authentication), addresses, routes
 * and rules, preemption and accept mode, notify scripts.  Value lists use
 * the line validators of kw_args.h.  Checks that need the whole instance
 * or the whole tree (missing VRID, strict mode, duplicate VRIDs, unknown
 * tracked names, interfaces of the host) are in kw_check_vrrp.c, where
 * 2.2.7 also makes them: after reading the configuration.
 */
#include <ctype.h>
#include <string.h>
#include "kw_tables.h"
#include "kw_args.h"

/* "state MASTER|BACKUP": val.i = 0 for MASTER, 1 for BACKUP (also for an
 * unknown word, which kw_check_inst.c reports as 2.2.7 does: it needs the
 * instance name, not known yet while the line is read). */
static bool check_state(struct conf_ctx *ctx, struct conf_node *n)
{
	(void)ctx;
	n->val.i = strcmp(n->argv[0], "MASTER") == 0 ? 0 : 1;
	return true;
}

static bool check_auth_pass(struct conf_ctx *ctx, struct conf_node *n)
{
	if (strlen(n->argv[0]) > 8)
		conf_err(ctx, &n->src, "Truncating auth_pass to 8 characters");
	return true;
}

/* "garp_extra_if [all] SECS" */
static bool check_garp_extra_if(struct conf_ctx *ctx, struct conf_node *n)
{
	int64_t v;
	int i = n->argc == 2 ? 1 : 0;

	if (i && strcmp(n->argv[0], "all") != 0) {
		conf_err(ctx, &n->src, "Unknown %s option %s", conf_node_name(n), n->argv[0]);
		return false;
	}
	if (!conf_parse_int(n->argv[i], 0, 86400, &v)) {
		conf_err(ctx, &n->src, "number '%s' outside range [0, 86400]", n->argv[i]);
		return false;
	}
	return true;
}

/* A MAC address of 5 or 6 octets ("use_vmac ... 02:00:5e:00:01[:xx]"). */
static bool is_mac(const char *w)
{
	int octets = 0;

	while (*w) {
		if (!isxdigit((unsigned char)w[0]) || !isxdigit((unsigned char)w[1]))
			return false;
		octets++;
		w += 2;
		if (*w == ':')
			w++;
		else if (*w)
			return false;
	}
	return octets == 5 || octets == 6;
}

/* "use_vmac [NAME] [MAC]" */
static bool check_use_vmac(struct conf_ctx *ctx, struct conf_node *n)
{
	bool name_seen = false;

	for (int i = 0; i < n->argc; i++) {
		if (is_mac(n->argv[i]))
			continue;
		if (name_seen) {
			conf_err(ctx, &n->src, "VMAC interface name already specified");
			return true;
		}
		name_seen = true;
	}
	return true;
}

/* "use_ipvlan [NAME] [ADDR[/PLEN]] [bridge|private|vepa]" */
static bool check_use_ipvlan(struct conf_ctx *ctx, struct conf_node *n)
{
	struct conf_addr a;

	for (int i = 0; i < n->argc; i++) {
		const char *w = n->argv[i];

		if (strcmp(w, "bridge") == 0 || strcmp(w, "private") == 0 || strcmp(w, "vepa") == 0)
			continue;
		if (kwa_parse_ip(w, true, &a))
			continue;
		if (i > 0 || !kwa_valid_ifname(w)) {
			conf_err(ctx, &n->src, "use_ipvlan: unknown option %s", w);
			return false;
		}
	}
	return true;
}

/* "auth_type PASS|AH": val.i = 0 for PASS, 1 for AH, -1 for anything else
 * (reported by kw_check_inst.c with the instance name, as 2.2.7 does). */
static bool check_auth_type(struct conf_ctx *ctx, struct conf_node *n)
{
	(void)ctx;
	n->val.i = strcmp(n->argv[0], "PASS") == 0 ? 0 : strcmp(n->argv[0], "AH") == 0 ? 1 : -1;
	return true;
}

static const struct conf_kw kw_authentication[] = {
	{ .name = "auth_type", .kind = KV_STR, .check = check_auth_type },
	{ .name = "auth_pass", .kind = KV_STR, .check = check_auth_pass },
	{ .name = NULL },
};

#define FLAG(nm) { .name = nm, .kind = KV_FLAG }
#define BOOL(nm) { .name = nm, .kind = KV_BOOL }
#define SCRIPT(nm) { .name = nm, .kind = KV_SCRIPT, .min_args = 1, .max_args = 3 }
#define LIST(nm, fn) { .name = nm, .kind = KV_LIST, .check = fn, .flags = KWF_MULTI }
#define GARP_INT(nm, lo) { .name = nm, .kind = KV_INT, .min = lo, .max = 86400 }

const struct conf_kw kw_vrrp_instance[] = {
	{ .name = "state", .kind = KV_STR, .check = check_state },
	{ .name = "interface", .kind = KV_STR },
	{ .name = "vrf", .kind = KV_STR },
	{ .name = "use_vmac", .kind = KV_WORDS, .min_args = 0, .max_args = 2,
	  .check = check_use_vmac },
	FLAG("use_vmac_addr"),
	FLAG("vmac_xmit_base"),
	{ .name = "use_ipvlan", .kind = KV_WORDS, .min_args = 0, .max_args = 3,
	  .check = check_use_ipvlan },
	FLAG("native_ipv6"),
	FLAG("dont_track_primary"),
	/* tracking */
	LIST("track_interface", kwa_track_if_line),
	LIST("track_script", kwa_track_script_line),
	LIST("track_file", kwa_track_file_line),
	LIST("track_process", kwa_track_process_line),
	LIST("track_bfd", kwa_track_bfd_line),
	/* addressing of adverts */
	{ .name = "mcast_src_ip", .kind = KV_ADDR },
	{ .name = "unicast_src_ip", .kind = KV_ADDR, .canon = "mcast_src_ip" },
	{ .name = "mcast_dst_ip", .kind = KV_ADDR },
	FLAG("track_src_ip"),
	{ .name = "version", .kind = KV_INT, .min = 2, .max = 3 },
	FLAG("check_unicast_src"),
	LIST("unicast_peer", kwa_unicast_peer_line),
	FLAG("unicast_fault_no_peer"),
	{ .name = "unicast_ttl", .kind = KV_INT, .min = 0, .max = 255 },
	{ .name = "old_unicast_checksum", .kind = KV_WORDS, .min_args = 0, .max_args = 1 },
	/* GARP / NA */
	GARP_INT("garp_master_delay", 0),
	GARP_INT("garp_master_repeat", 1),
	GARP_INT("garp_lower_prio_delay", 0),
	GARP_INT("garp_lower_prio_repeat", 0),
	GARP_INT("garp_master_refresh", 0),
	GARP_INT("garp_master_refresh_repeat", 1),
	{ .name = "garp_extra_if", .kind = KV_WORDS, .min_args = 1, .max_args = 2,
	  .check = check_garp_extra_if },
	{ .name = "down_timer_adverts", .kind = KV_INT, .min = 1, .max = 100 },
	BOOL("lower_prio_no_advert"),
	BOOL("higher_prio_send_advert"),
	/* the protocol */
	{ .name = "virtual_router_id", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "priority", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "advert_int", .kind = KV_TIMER, .min = 10000, .max = 255000000 },
	{ .name = "authentication", .kind = KV_BLOCK, .sub = kw_authentication },
	/* addresses, routes, rules */
	LIST("virtual_ipaddress", kwa_vip_line),
	LIST("virtual_ipaddress_excluded", kwa_vip_line),
	FLAG("promote_secondaries"),
	LIST("virtual_routes", kwa_vroute_line),
	LIST("virtual_rules", kwa_vrule_line),
	/* accept mode, preemption */
	FLAG("accept"),
	FLAG("no_accept"),
	FLAG("nopreempt"),
	FLAG("preempt"),
	{ .name = "preempt_delay", .kind = KV_TIMER, .min = 0, .max = 1000000000 },
	BOOL("skip_check_adv_addr"),
	BOOL("strict_mode"),
	{ .name = "debug", .kind = KV_INT, .min = 0, .max = 4 },
	/* notification */
	SCRIPT("notify_master"),
	SCRIPT("notify_backup"),
	SCRIPT("notify_fault"),
	SCRIPT("notify_stop"),
	SCRIPT("notify"),
	SCRIPT("notify_master_rx_lower_pri"),
	BOOL("notify_priority_changes"),
	BOOL("smtp_alert"),
	{ .name = "kernel_rx_buf_size", .kind = KV_INT, .min = 0, .max = UINT32_MAX },
	/* deprecated: reported by kw_check_inst.c as 2.2.7 does (an error, kept) */
	FLAG("linkbeat_use_polling"),
	{ .name = "lvs_sync_daemon_interface", .kind = KV_STR },
	{ .name = NULL },
};

const struct conf_kw kw_vrrp_sync_group[] = {
	{ .name = "group", .kind = KV_LIST, .check = kwa_name_line,
	  .flags = KWF_MULTI | KWF_WORD_LIST },
	LIST("track_interface", kwa_track_if_line),
	LIST("track_script", kwa_track_script_line),
	LIST("track_file", kwa_track_file_line),
	LIST("track_process", kwa_track_process_line),
	LIST("track_bfd", kwa_track_bfd_line),
	SCRIPT("notify_master"),
	SCRIPT("notify_backup"),
	SCRIPT("notify_fault"),
	SCRIPT("notify_stop"),
	SCRIPT("notify"),
	BOOL("notify_priority_changes"),
	BOOL("smtp_alert"),
	FLAG("global_tracking"),      /* deprecated: reported by kw_check_vrrp.c */
	FLAG("sync_group_tracking_weight"),
	{ .name = NULL },
};

const struct conf_kw kw_garp_group[] = {
	{ .name = "garp_interval", .kind = KV_TIMER, .min = 0, .max = 0 },
	{ .name = "gna_interval", .kind = KV_TIMER, .min = 0, .max = 0 },
	{ .name = "interface", .kind = KV_STR },
	{ .name = "interfaces", .kind = KV_LIST, .check = kwa_name_line,
	  .flags = KWF_MULTI | KWF_WORD_LIST },
	{ .name = NULL },
};
