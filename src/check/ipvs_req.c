/*
 * ipvs_req.c - generic netlink requests in a fixed buffer (ipvs_req.h).
 */
#include <string.h>
#include <linux/genetlink.h>

#include "ipvs_req.h"

void ipvs_req_init(struct ipvs_req *r, uint16_t family, uint8_t cmd, uint8_t version,
		   uint16_t flags)
{
	struct genlmsghdr g = { .cmd = cmd, .version = version };

	r->overflow = false;
	r->u.hdr = (struct nlmsghdr){ .nlmsg_type = family,
				      .nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags) };
	memcpy(r->u.buf + NLMSG_HDRLEN, &g, sizeof(g));
	r->len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(g));
	r->u.hdr.nlmsg_len = (uint32_t)r->len;
}

/* Room for an attribute of `len` payload bytes, its header written; NULL
 * (and overflow set) when it does not fit. */
static unsigned char *reserve(struct ipvs_req *r, uint16_t type, size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	unsigned char *p;

	if (r->overflow || total > sizeof(r->u.buf) - r->len) {
		r->overflow = true;
		return NULL;
	}
	p = r->u.buf + r->len;
	memcpy(p, &a, sizeof(a));
	/* the padding is zero, as the kernel's own messages have it */
	memset(p + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	r->len += total;
	r->u.hdr.nlmsg_len = (uint32_t)r->len;
	return p + NLA_HDRLEN;
}

void ipvs_req_put(struct ipvs_req *r, uint16_t type, const void *data, size_t len)
{
	unsigned char *p = reserve(r, type, len);

	if (p && len)
		memcpy(p, data, len);
}

void ipvs_req_u8(struct ipvs_req *r, uint16_t type, uint8_t v)
{
	ipvs_req_put(r, type, &v, sizeof(v));
}

void ipvs_req_u16(struct ipvs_req *r, uint16_t type, uint16_t v)
{
	ipvs_req_put(r, type, &v, sizeof(v));
}

void ipvs_req_u32(struct ipvs_req *r, uint16_t type, uint32_t v)
{
	ipvs_req_put(r, type, &v, sizeof(v));
}

void ipvs_req_str(struct ipvs_req *r, uint16_t type, const char *s)
{
	ipvs_req_put(r, type, s, strlen(s) + 1);
}

size_t ipvs_req_nest_start(struct ipvs_req *r, uint16_t type)
{
	size_t off = r->len;

	reserve(r, (uint16_t)(type | NLA_F_NESTED), 0);
	return off;
}

void ipvs_req_nest_end(struct ipvs_req *r, size_t off)
{
	struct nlattr a;

	if (r->overflow)
		return;
	memcpy(&a, r->u.buf + off, sizeof(a));
	a.nla_len = (uint16_t)(r->len - off);
	memcpy(r->u.buf + off, &a, sizeof(a));
}
