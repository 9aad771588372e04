/*
 * kw_args.h - argument validators shared by the keyword tables.
 *
 * Each kwa_*_line() function is a conf_check_fn for the lines of a KV_LIST
 * block (node->argv holds every word of the line) or for a structured
 * keyword line (node->argv holds the words after the keyword).  They check
 * the syntax the way keepalived 2.2.7 does at load and report problems with
 * 2.2.7's wording through conf_err()/conf_warn().  They never look at the
 * host (interfaces, users): that is done in the whole-tree checks.
 * Return value: false drops the line, true keeps it (possibly after a
 * reported, non-fatal problem, as 2.2.7 keeps it).
 *
 * Small parsers (kwa_parse_*) are pure: no reporting, just a yes/no.
 */
#ifndef KA_KW_ARGS_H
#define KA_KW_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include "conf.h"

/* ---- pure parsers ------------------------------------------------------ */

/* Port number 1..65535 (decimal). */
bool kwa_parse_port(const char *word, uint16_t *port);
/* IPv4/IPv6 address, optional "/plen" when allow_prefix. */
bool kwa_parse_ip(const char *word, bool allow_prefix, struct conf_addr *out);
/* An interface name: 1..15 characters, no '/', no whitespace. */
bool kwa_valid_ifname(const char *word);

/* "ADDR [PORT]" in argv[first..]: both checked; *port is 0 when absent.
 * Reports "Invalid IP address ..."/"Invalid port ..." and returns false. */
bool kwa_addr_port(struct conf_ctx *ctx, const struct conf_node *node, int first,
		   struct conf_addr *addr, uint16_t *port);

/* ---- list lines ---------------------------------------------------------- */

/* virtual_ipaddress / virtual_ipaddress_excluded line:
 * ADDR[/MASK] [brd ADDR|+|-] [dev IF] [use_vmac [NAME]] [scope S] [label L]
 * [peer ADDR] [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin]
 * [no_track] [preferred_lft N|forever] */
bool kwa_vip_line(struct conf_ctx *ctx, struct conf_node *node);
/* static_ipaddress line: as above with [track_group G] instead of no_track/use_vmac. */
bool kwa_static_ip_line(struct conf_ctx *ctx, struct conf_node *node);
/* virtual_routes / static_routes line ("ip route add" syntax, plus "or",
 * "gw", no_track, track_group). */
bool kwa_vroute_line(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_static_route_line(struct conf_ctx *ctx, struct conf_node *node);
/* virtual_rules / static_rules line ("ip rule add" syntax). */
bool kwa_vrule_line(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_static_rule_line(struct conf_ctx *ctx, struct conf_node *node);
/* unicast_peer line: ADDR [min_ttl N] [max_ttl N]. */
bool kwa_unicast_peer_line(struct conf_ctx *ctx, struct conf_node *node);
/* track_interface line: IF [weight -253..253 [reverse]]. */
bool kwa_track_if_line(struct conf_ctx *ctx, struct conf_node *node);
/* track_script / track_bfd line: NAME [weight -253..253] [reverse|noreverse]. */
bool kwa_track_script_line(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_track_bfd_line(struct conf_ctx *ctx, struct conf_node *node);
/* track_file / track_process line: NAME [weight -254..254] [reverse|noreverse]. */
bool kwa_track_file_line(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_track_process_line(struct conf_ctx *ctx, struct conf_node *node);
/* A line holding exactly one name (group members, interfaces, emails). */
bool kwa_name_line(struct conf_ctx *ctx, struct conf_node *node);
/* linkbeat_interfaces line: IF [MII|ETHTOOL|IOCTL]. */
bool kwa_linkbeat_line(struct conf_ctx *ctx, struct conf_node *node);
/* interface_up_down_delays line: IF DOWN_DELAY [UP_DELAY], delays 0..255 s. */
bool kwa_updown_delay_line(struct conf_ctx *ctx, struct conf_node *node);

/* ---- structured keyword lines ---------------------------------------------- */

/* "weight N [reverse]": kwa_weight253 for vrrp_script and bfd_instance,
 * kwa_weight254 for track_file and vrrp_track_process (2.2.7's ranges),
 * kwa_weight_int for -2147483647..2147483647.  val.i gets the weight. */
bool kwa_weight253(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_weight254(struct conf_ctx *ctx, struct conf_node *node);
bool kwa_weight_int(struct conf_ctx *ctx, struct conf_node *node);
/* "smtp_server ADDR|NAME [PORT]". */
bool kwa_smtp_server(struct conf_ctx *ctx, struct conf_node *node);

/* ---- reading validated lines (for the cross-checks) ------------------------- */

/* The word after `opt` in a line (e.g. "dev"), at the top level of the line
 * (not inside a nexthop), or NULL. */
const char *kwa_line_opt(const struct conf_node *line, const char *opt);
/* True if `word` appears anywhere in the line. */
bool kwa_line_has(const struct conf_node *line, const char *word);

#endif
