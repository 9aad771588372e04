/*
 * nl_errors.h - decoding netlink failures, shared by every netlink socket
 * of the program (rtnetlink in nl_core.c, generic netlink in
 * src/check/ipvs_nl.c).  Pure functions over the kernel's error reply and
 * libnl's codes; no socket state.
 */
#ifndef KA_NL_ERRORS_H
#define KA_NL_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/netlink.h>

/* Copy the extended ack's text (NLMSGERR_ATTR_MSG) of an error reply into
 * buf (NUL-terminated, truncated to size); true if the kernel sent one.
 * `e` points into a complete netlink message, as libnl's error callback
 * receives it. */
bool nl_extack_text(const struct nlmsgerr *e, char *buf, size_t size);

/* The errno for a failure libnl detected itself (a negative NLE_* code). */
int nl_errno_of_nlerr(int nlret);

#endif
