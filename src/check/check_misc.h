/*
 * check_misc.h - pure helpers of UDP_CHECK, MISC_CHECK and FILE_CHECK
 * (check_udp.c, check_misc.c, check_file.c), and the dynamic weight that
 * MISC_CHECK misc_dynamic and FILE_CHECK give a real server.
 *
 * Dynamic weight (2.2.7, observed): each dynamic checker of a real server
 * holds an offset ("current weight" in 2.2.7's dump) from the configured
 * weight; the real server's weight is the configured weight plus the sum
 * of its checkers' offsets.  A MISC_CHECK exit status s in 2..255 makes
 * its offset s - 2 - configured weight (one checker alone: weight s - 2);
 * a FILE_CHECK's offset is value x weight.  Every function here is pure,
 * for the unit tests (tests/unit/test_check_misc.c).
 */
#ifndef KA_CHECK_MISC_H
#define KA_CHECK_MISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_result.h"

struct ck_rs;

/* ---- HEX_STR (UDP_CHECK payload / require_reply) ----------------------- */

/* Decode the words of a HEX_STR: each word is read two digits at a time,
 * a last lone digit is a byte of its own ("Ab12f" -> AB 12 0F, "3" -> 03).
 * With mask != NULL an x/X digit matches anything: its mask nibble is 0
 * (others 0xF).  Writes at most cap bytes to val (and mask); returns the
 * number of bytes, or -1 on a bad digit or when cap is too small. */
long ck_hex_decode(char *const *words, int n, bool masked, uint8_t *val, uint8_t *mask,
		   size_t cap);

/* What a UDP_CHECK with require_reply expects. */
struct ck_udp_expect {
	const uint8_t *data, *mask;      /* require_reply HEX_STR; data NULL: any */
	size_t len;
	size_t min_len, max_len;         /* min_reply_length (0), max_reply_length (255) */
};

/* Check a reply of `len` bytes (the datagram's real length; buf holds the
 * first `have` bytes of it).  NULL when it is acceptable, else a static
 * reason: its length is outside [min_len, max_len], or its first
 * min(len, e->len) bytes differ from the expected ones under the mask. */
const char *ck_udp_reply_check(const struct ck_udp_expect *e, const uint8_t *buf,
			       size_t have, size_t len);

/* ---- MISC_CHECK -------------------------------------------------------- */

/* The outcome of a script that exited with `status`: 0 success; 1
 * failure; 2..255 success with *weight = status - 2 when dynamic, else
 * failure.  *weight is left alone unless set. */
enum ck_outcome ck_misc_verdict(int status, bool dynamic, bool *set_weight, int *weight);

/* ---- FILE_CHECK -------------------------------------------------------- */

/* The value written in a track file: optional blanks, an optional sign,
 * decimal digits; what follows is ignored.  Text that is not a number
 * reads as 0 (as 2.2.7).  Clamped to [INT32_MIN + 1, INT32_MAX]. */
long long ck_file_value(const char *buf, size_t len);

/* The effect of `value` for a FILE_CHECK of `weight` (reverse negates it):
 * with weight 0 the checker fails (*fault) when the value is not 0 (with
 * reverse: when it is 0) and the offset is 0; else the offset is
 * value x weight, clamped to int32, and *fault is false. */
int64_t ck_file_offset(long long value, int weight, bool reverse, bool *fault);

/* ---- dynamic weight ------------------------------------------------------ */

/* Configured weight plus the offsets, clamped to [0, INT32_MAX] for IPVS. */
int ck_dyn_weight(int configured, const int64_t *offsets, size_t n);

/* The first member of the specs of MISC_CHECK and FILE_CHECK. */
struct ck_dyn {
	int configured;                  /* the real server's configured weight */
	int64_t offset;                  /* this checker's offset (2.2.7's "current weight") */
};

/* Recompute the weight of rs from the offsets of its MISC_CHECK and
 * FILE_CHECK checkers.  loud: when it changed, log it and update IPVS
 * (ck_result_weight()); else only set rs->weight (2.2.7 resets a failed
 * misc_dynamic checker's offset without a log line). */
void ck_dyn_apply(struct ck_rs *rs, bool loud);

#endif
