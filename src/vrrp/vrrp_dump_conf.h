/*
 * vrrp_dump_conf.h - the configuration sections of the VRRP child's data
 * dump (keepalived.data), kept as text.
 *
 * Design.  The data dump prints, around the running instances, the
 * global_defs settings and the vrrp_sync_group, vrrp_script and static_*
 * blocks as written (confdump.h).  Those never change between reloads, so
 * they are rendered once from the tree at start and at each reload, and
 * the VRRP child can free the tree (the parent keeps its global_defs the
 * same way).  The text is exactly what confdump would print from the tree.
 */
#ifndef KA_VRRP_DUMP_CONF_H
#define KA_VRRP_DUMP_CONF_H

#include <stdio.h>

struct conf;

/* Render the sections of conf, replacing those kept before. */
void vrrp_dump_conf_keep(const struct conf *conf);
/* The "Global definitions" section: heading (with the time of the dump)
 * and the global_defs settings. */
void vrrp_dump_conf_globals(FILE *out);
/* The sync groups, scripts and static addresses, routes and rules
 * sections, headings included. */
void vrrp_dump_conf_blocks(FILE *out);
/* Forget the kept text. */
void vrrp_dump_conf_free(void);

#endif
