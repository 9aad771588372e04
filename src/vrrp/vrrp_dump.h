/*
 * vrrp_dump.h - the VRRP child's reports: data (USR1), stats (USR2) and
 * JSON (SIGRTMIN+2), in 2.2.7's formats and field names.
 *
 * Design.  Pure printers over the engine's instance list; no state of
 * their own.  Passwords are never printed.
 */
#ifndef KA_VRRP_DUMP_H
#define KA_VRRP_DUMP_H

#include <stdio.h>

#include "vrrp_instance.h"

void vrrp_dump_instances(FILE *out, const struct vrrp_inst *head);
void vrrp_dump_stats_of(FILE *out, const struct vrrp_inst *head);
void vrrp_dump_json_of(FILE *out, const struct vrrp_inst *head);

#endif
