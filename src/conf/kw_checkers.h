/*
 * kw_checkers.h - pieces shared by the checker keyword tables
 * (kw_checkers.c, kw_checkers_http.c) and the LVS tree checks.
 */
#ifndef KA_KW_CHECKERS_H
#define KA_KW_CHECKERS_H

#include <stdint.h>
#include "conf_internal.h"

/* Largest UDP_CHECK reply length 2.2.7 accepts. */
#define KW_UDP_MAX_REPLY 65535

/* connect_ip / bindto: one address, else "Invalid NAME address X - ignoring". */
bool kw_chk_addr_opt(struct conf_ctx *ctx, struct conf_node *node);
/* bind_if: an interface name shorter than IFNAMSIZ. */
bool kw_chk_bind_if(struct conf_ctx *ctx, struct conf_node *node);
/* All words of node are hex digits (or x/X when masked). */
bool kw_hex_string_ok(const struct conf_node *node, bool masked);

/* Connection options of every checker but MISC_CHECK, FILE_CHECK, BFD_CHECK. */
#define KW_CHECKER_CONN \
	{ .name = "connect_ip", .kind = KV_STR, .check = kw_chk_addr_opt }, \
	{ .name = "connect_port", .kind = KV_INT, .min = 1, .max = 65535 }, \
	{ .name = "bindto", .kind = KV_STR, .check = kw_chk_addr_opt }, \
	{ .name = "bind_if", .kind = KV_STR, .check = kw_chk_bind_if }, \
	{ .name = "bind_port", .kind = KV_INT, .min = 1, .max = 65535 }, \
	{ .name = "fwmark", .kind = KV_INT, .min = 0, .max = UINT32_MAX }, \
	{ .name = "connect_timeout", .kind = KV_TIMER, .min = 1, .max = UINT32_MAX }

/* Scheduling options (MISC_CHECK has these but not the connection ones). */
#define KW_CHECKER_SCHED \
	{ .name = "alpha", .kind = KV_BOOL }, \
	{ .name = "retry", .kind = KV_INT, .min = 0, .max = UINT32_MAX }, \
	{ .name = "delay_before_retry", .kind = KV_TIMER, .min = 0, .max = 0 }, \
	{ .name = "warmup", .kind = KV_TIMER, .min = 0, .max = 0 }, \
	{ .name = "delay_loop", .kind = KV_TIMER, .min = 1, .max = 0 }, \
	{ .name = "log_all_failures", .kind = KV_BOOL }

#endif
