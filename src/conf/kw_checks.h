/*
 * kw_checks.h - whole-tree checks made after parsing, as keepalived 2.2.7
 * makes them at load: cross-references, duplicates, host checks (interfaces,
 * scripts, users) and script security.
 */
#ifndef KA_KW_CHECKS_H
#define KA_KW_CHECKS_H

#include "conf_internal.h"

/* global_defs, static_*, VRRP, tracking, BFD cross-checks (kw_check_vrrp.c). */
void kw_check_vrrp(struct conf_ctx *ctx);
/* virtual_server(_group), real_server and checker cross-checks (kw_check_lvs.c). */
void kw_check_lvs(struct conf_ctx *ctx);

/*
 * Check the script named by node->argv[first] (a KV_SCRIPT value; its
 * optional user/group follow it): the file exists and is executable, the
 * user exists, and the script-security rules of keepalived 2.2.7 hold
 * (global_defs script_user / enable_script_security).  Reports through
 * conf_err()/conf_warn()/conf_security_violation().  Returns false if the
 * script must be disabled.  Implemented in kw_script.c.
 */
bool kw_check_script(struct conf_ctx *ctx, const struct conf_node *node, int first);

#endif
