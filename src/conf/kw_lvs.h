/*
 * kw_lvs.h - keyword tables of the LVS part of keepalived.conf.
 *
 * The root table (kw_root.c) points at:
 *   virtual_server       KV_BLOCK, 1..2 words ("IP [PORT]", "fwmark N",
 *                        "group NAME"), sub-table kw_virtual_server
 *   virtual_server_group KV_LIST, 1 word (the name), each line checked by
 *                        kw_vsg_line_check
 *   SSL                  KV_BLOCK, no words, sub-table kw_ssl
 * and the whole-tree checks of these blocks run in kw_check_lvs()
 * (kw_checks.h).  The tables follow keepalived.conf(5) of 2.2.7: aliases
 * (lb_algo, lb_kind) carry .canon; nb_get_retry (HTTP_GET/SSL_GET only)
 * maps to "retry" and is reported as 2.2.7 does (an error that keeps it).
 *
 * Helpers below are shared by kw_lvs.c, kw_checkers*.c and
 * kw_check_lvs.c only.
 */
#ifndef KA_KW_LVS_H
#define KA_KW_LVS_H

#include <stdbool.h>
#include "conf_internal.h"

/* Sub-keywords of "virtual_server ... {" and of "SSL {". */
extern const struct conf_kw kw_virtual_server[];
extern const struct conf_kw kw_ssl[];

/* Line check of a "virtual_server_group NAME { ... }" list: "ADDR [PORT]",
 * "RANGE [PORT]" (a.b.c.d-e, a.b.c.d-e.f.g.h, a.b.c.d/nn, IPv6 alike) or
 * "fwmark N [inet|inet6]".  Reports and returns false for a bad line. */
bool kw_vsg_line_check(struct conf_ctx *ctx, struct conf_node *node);

/* Whole-group rules of a virtual_server_group (called by kw_check_lvs):
 * no entries left, or IPv4 + IPv6 + fwmark without family.  False when
 * 2.2.7 would remove the group. */
bool kw_vsg_group_check(struct conf_ctx *ctx, const struct conf_node *node);

/* Block check of "virtual_server ARGS {}": validates the three forms. */
bool kw_vs_block_check(struct conf_ctx *ctx, struct conf_node *node);

/* Typed values for consumers: "lvs_sched" (also written lb_algo) has
 * val.i = index in kw_lvs_schedulers; "protocol" (any case) has val.i =
 * index in kw_lvs_protocols.  "lvs_method" (also lb_kind) and
 * "sorry_server_lvs_method" keep their words in argv: NAT | DR | TUN
 * [type ipip|gue port N|gre] [nocsum|csum|remcsum]. */
extern const char *const kw_lvs_schedulers[];   /* "rr" ... "twos", NULL */
extern const char *const kw_lvs_protocols[];    /* "TCP", "UDP", "SCTP", NULL */

/* ---- helpers (internal to the LVS tables) -------------------------------- */

/* Sub-keywords of "real_server ADDR [PORT] {" (kw_checkers.c holds the
 * checker blocks it points at). */
extern const struct conf_kw kw_real_server[];
/* Sub-tables of the checker blocks (HTTP_GET and SSL_GET share one). */
extern const struct conf_kw kw_checker_http_get[],
	kw_checker_tcp[], kw_checker_smtp[], kw_checker_dns[], kw_checker_misc[],
	kw_checker_bfd[], kw_checker_udp[], kw_checker_ping[], kw_checker_file[];

/* Parse a port word: decimal 0..65535.  False if malformed. */
bool kw_lvs_port(const char *word, unsigned *port);

#endif
