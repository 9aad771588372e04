/*
 * kw_check_lvs.h - pieces of the LVS whole-tree checks shared between
 * kw_check_lvs.c (virtual and real servers) and kw_check_lvs_checkers.c
 * (checker blocks, scripts).
 */
#ifndef KA_KW_CHECK_LVS_H
#define KA_KW_CHECK_LVS_H

#include <stddef.h>
#include "kw_lvs.h"

/* Address as text (inet_ntop). */
void kw_lvs_addr_str(const struct conf_addr *a, char *buf, size_t len);
/* A real server as 2.2.7 names it: "[ADDR]:proto:PORT". */
void kw_lvs_rs_name(const struct conf_node *rs, const char *proto, char *buf, size_t len);

/* A name for messages, made on first use (most servers never need theirs:
 * formatting 10,000 of them was a visible part of a load).  Set rs and
 * proto for a real server's name, or text for a ready one. */
struct kw_lvs_name {
	const struct conf_node *rs;
	const char *proto;
	char text[96];
};
const char *kw_lvs_name(struct kw_lvs_name *n);

/* The two script keywords `up` and `down` of `block` (notify_up/notify_down
 * of a real server, quorum_up/quorum_down of a virtual server): the first
 * of each is checked with kw_check_script(), repeats are errors naming
 * `owner`. */
void kw_check_lvs_scripts(struct conf_ctx *ctx, const struct conf_node *block,
			  const char *up, const char *down, struct kw_lvs_name *owner);

/* Every checker block of real server `rs` (named `rsname` in messages). */
void kw_check_lvs_checkers(struct conf_ctx *ctx, const struct conf_node *rs,
			   struct kw_lvs_name *rsname);

#endif
