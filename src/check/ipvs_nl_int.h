/*
 * ipvs_nl_int.h - between ipvs_nl.c and ipvs_batch.c; not for users of
 * the IPVS layer (they use ipvs_nl.h).
 */
#ifndef KA_CHECK_IPVS_NL_INT_H
#define KA_CHECK_IPVS_NL_INT_H

#include "ipvs_nl.h"

struct nlmsghdr;

/* Queue a copy of a built change request for the batch in progress; dest
 * is NULL for the service verbs.  0, or -errno when it could not be
 * queued (nothing was sent). */
int ipvs_batch_queue(struct ipvs_ctx *ctx, const struct nlmsghdr *h, int cmd,
		     const struct ipvs_service *svc, const struct ipvs_dest *dest);
/* Drop a batch without sending it (ipvs_close). */
void ipvs_batch_free(struct ipvs_ctx *ctx);

#endif
