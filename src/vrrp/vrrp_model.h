/*
 * vrrp_model.h - the typed VRRP instance model, built once from the
 * configuration tree when the VRRP child starts.
 *
 * Design.  The engine never reads the tree while it runs: vrrp_model_build()
 * walks every vrrp_instance block (and the global_defs defaults that apply
 * to instances), resolves interface names to indexes, parses VIP lines and
 * unicast peers, and fills one plain struct per instance with
 * keepalived.conf(5)'s defaults applied.  Everything the model points to is
 * owned by it until vrrp_model_free(): the names, commands and paths taken
 * from the tree are copied into the model's string pool at the end of the
 * build (vrrp_model_own.c), so the tree may be freed as soon as
 * vrrp_model_build() returns.
 * Problems that make an instance unusable (unknown interface, no VRID)
 * are logged and the instance is skipped, as 2.2.7 does.
 */
#ifndef KA_VRRP_MODEL_H
#define KA_VRRP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "nl_core.h"
#include "vrrp_model_vmac.h"
#include "vrrp_packet.h"

struct conf;
struct vrrp_strpool;

/* One virtual_ipaddress line. */
struct vrrp_vip {
	struct sys_ip addr;
	int plen;                    /* 32/128 when not written */
	char dev[IFNAMSIZ];          /* "dev" or the instance's interface */
	int ifindex;
	char label[IFNAMSIZ];        /* "" = none */
	struct sys_ip brd;           /* family 0 = none */
	int scope;                   /* RT_SCOPE_*, -1 = default */
	bool nodad;                  /* "-nodad" (IPv6) */
	bool noprefixroute;
	const char *track_group;     /* static_ipaddress: its track_group, or NULL */
};

/* Who runs a notify script. */
struct vrrp_notify {
	const char *cmd;             /* NULL = none */
	/* ops: the "user [group]" words after the script (NULL = none; see vrrp_runas.h) */
	const char *user, *group;
};

/* An instance's notify scripts (vrrp_model_inst.notify). */
enum vrrp_notify_kind {
	VRRP_NOTIFY_MASTER,          /* notify_master */
	VRRP_NOTIFY_BACKUP,
	VRRP_NOTIFY_FAULT,
	VRRP_NOTIFY_STOP,
	VRRP_NOTIFY_ANY,             /* notify: every state, with 2.2.7's four arguments */
	VRRP_NOTIFY_RX_LOWER,        /* notify_master_rx_lower_pri (ops) */
	VRRP_NOTIFY_KINDS
};

struct vrrp_model_inst {
	const char *name;
	const char *ifname;
	int ifindex;
	int family;                  /* AF_INET or AF_INET6 */
	/* (small fields together: no padding between them) */
	uint8_t vrid;
	uint8_t base_prio;
	uint8_t version;             /* 2 or 3 (IPv6: always 3) */
	uint8_t unicast_ttl;
	uint8_t auth_type;           /* enum vrrp_auth_type */
	bool want_master;
	bool nopreempt;
	bool accept;
	uint64_t adver_int_us;       /* v2: whole seconds */
	uint64_t preempt_delay_us;
	struct vrrp_vip *vips;
	size_t nvips;
	struct vrrp_vip *evips;      /* virtual_ipaddress_excluded */
	size_t nevips;
	struct sys_ip src_ip;        /* mcast_src_ip / unicast_src_ip; family 0 = auto */
	struct vrrp_peer *peers;     /* unicast_peer */
	size_t npeers;
	struct sys_ip mcast_group;   /* 224.0.0.18 / ff02::12 or the global override */
	char auth_pass[VRRP_AUTH_DATA_LEN + 1];
	unsigned garp_delay_s, garp_repeat, garp_refresh_s, garp_refresh_repeat;
	unsigned garp_lower_delay_s, garp_lower_repeat;
	/* VRRP_NOTIFY_KINDS entries, NULL when the instance has no notify
	 * script (most have none: 144 bytes saved each); read it through
	 * vrrp_model_notify() */
	struct vrrp_notify *notify;
	unsigned down_timer_adverts;
	bool lower_prio_no_advert, higher_prio_send_advert;
	bool skip_check_adv_addr, check_unicast_src, dont_track_primary;
	enum vrrp_old_csum old_csum;
	bool old_csum_send;          /* old_unicast_checksum: we send the old one */
	bool strict;
	/* ---- VMAC (use_vmac, vmac_xmit_base...): vrrp_model_vmac.h, vrrp_vmac.h ---- */
	struct vrrp_vmac_conf vmac;
	/* ---- tracking (track_interface/script/file/process): vrrp_track.h;
	 * NULL when the instance tracks nothing ---- */
	struct vrrp_track_model *track;
	/* ---- sync group: index into vrrp_model.groups, -1 none (vrrp_sync.c) ---- */
	int sync_group;
	/* ---- virtual_routes / virtual_rules (vrrp_route_parse.h, vrrp_routes.h) ---- */
	struct vrrp_route *vroutes;
	size_t nvroutes;
	struct vrrp_rule *vrules;
	size_t nvrules;
	/* notify_priority_changes (instance, else its sync group, else global_defs
	 * vrrp_notify_priority_changes): FIFO lines on priority changes */
	bool notify_prio_changes;
	bool notify_prio_own;        /* set in the instance: its sync group's does not apply */
};

struct vrrp_model {
	struct vrrp_model_inst *inst;
	size_t ninst;
	struct vrrp_model_group *groups;     /* vrrp_sync_group blocks (vrrp_sync.h) */
	size_t ngroups;
	/* ---- static_ipaddress / static_routes / static_rules (vrrp_routes.h) ---- */
	struct vrrp_vip *saddrs;
	size_t nsaddrs;
	struct vrrp_route *sroutes;
	size_t nsroutes;
	struct vrrp_rule *srules;
	size_t nsrules;
	/* the strings of every part above (names, notify commands and users,
	 * track_group, tracked object names and paths): vrrp_strpool.h */
	struct vrrp_strpool *strs;
};

/* Build the model from the tree; instances that cannot run are logged and
 * left out.  Returns 0, or -1 when out of memory.  The model keeps no
 * pointer into the tree. */
int vrrp_model_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *out);
void vrrp_model_free(struct vrrp_model *m);
/* The last step of vrrp_model_build() (vrrp_model_own.c): copy every string
 * the builders took from the tree into m->strs.  0, or -1 when out of memory. */
int vrrp_model_own_strings(struct vrrp_model *m);

/* "ADDR/PLEN" of v, for logs and dumps, in buf (VRRP_VIP_TEXT bytes). */
#define VRRP_VIP_TEXT 64
const char *vrrp_vip_text(const struct vrrp_vip *v, char *buf);

/* mi's notify script of kind k (cmd NULL: none). */
const struct vrrp_notify *vrrp_model_notify(const struct vrrp_model_inst *mi,
					    enum vrrp_notify_kind k);

/* Parse one virtual_ipaddress line (argv as in the tree) for an instance
 * on `dflt_if`; false if the address is malformed.  ifindex is not set. */
bool vrrp_vip_parse(char *const *argv, int argc, const char *dflt_if, struct vrrp_vip *out);

#endif
