/*
 * proctable.c - the process graph (see proc.h): one row per child.
 */
#include "config.h"

#include "proc.h"

const struct proc_desc proc_table[PROC_COUNT] = {
	[PROC_VRRP] = {
		.id = PROC_VRRP,
		.name = "VRRP",
		.ident = "Keepalived_vrrp",
		.log_suffix = "_vrrp",
		.wanted = vrrp_child_wanted,
		.main = vrrp_child_main,
	},
	[PROC_CHECKER] = {
		.id = PROC_CHECKER,
		.name = "Healthcheck",
		.ident = "Keepalived_healthcheckers",
		.log_suffix = "_healthcheckers",
		.wanted = check_child_wanted,
		.main = check_child_main,
	},
};
