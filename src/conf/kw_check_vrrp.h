/*
 * kw_check_vrrp.h - state shared by the VRRP-side whole-tree checks
 * (kw_check_vrrp.c: driver, globals, scripts, sync groups, static blocks;
 * kw_check_inst.c: one vrrp_instance; kw_check_vrid.c: duplicate VRIDs).
 * Private to those files.
 */
#ifndef KA_KW_CHECK_VRRP_H
#define KA_KW_CHECK_VRRP_H

#include "host_ifs.h"
#include "kw_checks.h"

#define VC_MAX_REMOVED 256

struct vcheck {
	struct conf_ctx *ctx;
	const struct conf_node *root;
	bool check_system;         /* look at the host */
	bool strict;               /* global vrrp_strict */
	bool dynamic_if;           /* dynamic_interfaces: missing interfaces are fine */
	int64_t version;           /* global vrrp_version (default 2) */
	const struct conf_src *missing_if;   /* first reference to a missing interface */
	const char *removed[VC_MAX_REMOVED]; /* vrrp_scripts removed at load */
	unsigned n_removed;
	struct host_ifs ifs;       /* the host's interfaces, read on first use */
};

/* Last `name` over every global_defs block, or NULL. */
const struct conf_node *vc_global(const struct vcheck *v, const char *name);
/* Top-level block `kind` named `name` (first word), or NULL. */
const struct conf_node *vc_block(const struct vcheck *v, const char *kind, const char *name);
/* True if a vrrp_script of that name exists and was not removed. */
bool vc_script_defined(const struct vcheck *v, const char *name);
/* With check_system and without dynamic_interfaces: true (and remembered
 * for the final "Non-existent interface" error) if `ifname` is not on the host. */
bool vc_if_missing(struct vcheck *v, const char *ifname, const struct conf_src *src);
/* The sync group holding instance `name`, or NULL. */
const struct conf_node *vc_sync_group_of(const struct vcheck *v, const char *name);

/* Address/route/rule lines of a block: interface existence, rule preferences. */
void vc_check_addr_lines(struct vcheck *v, const struct conf_node *list);
void vc_check_route_lines(struct vcheck *v, const struct conf_node *list);
void vc_check_rule_lines(struct vcheck *v, const struct conf_node *list);
/* track_script/file/process/bfd/interface lists of an instance or sync group. */
void vc_check_tracking(struct vcheck *v, const struct conf_node *blk, const char *owner);

void vc_check_instance(struct vcheck *v, const struct conf_node *inst);
void vc_check_vrids(struct vcheck *v);

#endif
