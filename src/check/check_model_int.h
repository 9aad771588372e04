/*
 * check_model_int.h - helpers shared by the files of the model builder
 * (check_model.c, check_model_group.c); not for the rest of the checker.
 */
#ifndef KA_CHECK_MODEL_INT_H
#define KA_CHECK_MODEL_INT_H

#include "check_model.h"

struct conf_addr;

/* Copy a tree address into an ipvs_ip. */
void ck_ip_from_conf(struct ipvs_ip *ip, const struct conf_addr *a);
/* "[ADDR]:PROTO:PORT", 2.2.7's way of naming a server in log lines. */
void ck_label(char *buf, size_t len, const struct ipvs_ip *ip, const char *proto, unsigned port);
/* Fill vs->svcs (and label, is_fwmark) from virtual_server_group `name`:
 * one service per address of each entry and one per fwmark, each a copy
 * of tmpl with its identity.  False when out of memory. */
bool ck_group_expand(struct ck_vs *vs, const struct conf *conf, const char *name,
		     const struct ipvs_service *tmpl, uint16_t proto);

#endif
