/*
 * check_dump.h - the run-time part of the checker's data dump (USR1,
 * keepalived_check.data): every virtual server with its quorum state and
 * every real server with its state, configured and current weight.
 */
#ifndef KA_CHECK_DUMP_H
#define KA_CHECK_DUMP_H

#include <stdio.h>

struct ck_model;

void ck_dump_state(FILE *out, const struct ck_model *m);

#endif
