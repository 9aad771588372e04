/*
 * ipvs_req.h - one generic netlink request built in a fixed buffer.
 *
 * The IPVS change verbs write their attributes here instead of through
 * libnl's nla_put_*(): a start of 1,000 x 10 real servers builds 11,000
 * requests, and libnl's allocation, per-attribute calls and final copy
 * into the batch were about a tenth of the checker's start-up CPU in the
 * test VM.  The layout is netlink's (<linux/netlink.h>): a struct
 * nlmsghdr, a struct genlmsghdr, then attributes aligned to 4 bytes;
 * nested attributes carry their total length.  Port and sequence number
 * are left 0 for whoever sends it (libnl's NL_AUTO_PORT/NL_AUTO_SEQ, or
 * the batch).
 */
#ifndef KA_CHECK_IPVS_REQ_H
#define KA_CHECK_IPVS_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* The largest IPVS request (a service with both 16-byte names and a
 * destination with tunnel options) takes under 300 bytes. */
#define IPVS_REQ_SIZE 512

struct ipvs_req {
	size_t len;
	bool overflow;                  /* an attribute did not fit: do not send */
	union {
		struct nlmsghdr hdr;
		unsigned char buf[IPVS_REQ_SIZE];
	} u;
};

/* Start a request of generic netlink family `family` (its id). */
void ipvs_req_init(struct ipvs_req *r, uint16_t family, uint8_t cmd, uint8_t version,
		   uint16_t flags);
void ipvs_req_put(struct ipvs_req *r, uint16_t type, const void *data, size_t len);
void ipvs_req_u8(struct ipvs_req *r, uint16_t type, uint8_t v);
void ipvs_req_u16(struct ipvs_req *r, uint16_t type, uint16_t v);
void ipvs_req_u32(struct ipvs_req *r, uint16_t type, uint32_t v);
void ipvs_req_str(struct ipvs_req *r, uint16_t type, const char *s);
/* A nested attribute: start returns its offset, end sets its length. */
size_t ipvs_req_nest_start(struct ipvs_req *r, uint16_t type);
void ipvs_req_nest_end(struct ipvs_req *r, size_t off);

#endif
