/*
 * ipvs_nl.c - IPVS over generic netlink (see ipvs_nl.h).
 *
 * Design: every verb builds one request of the attributes <linux/ip_vs.h>
 * defines, the service and destination verbs in a fixed buffer
 * (ipvs_req.c: they are the thousands of a start), the others with libnl
 * (genlmsg_put() and nla_put_*()); request() sends it and reads the
 * answer: an ACK or an error for the changes, a multipart dump for the
 * reads, whose messages go to a per-verb parser.  Errors are caught by
 * our own error callback, which keeps the kernel's errno (libnl's NLE_*
 * codes lose it) and the text of the extended ack (NETLINK_EXT_ACK is set
 * on the socket; libnl 3.7 has no API for it).
 *
 * Encoding rules of the kernel (net/netfilter/ipvs/ip_vs_ctl.c):
 *  - a service is identified by AF plus FWMARK, or AF plus PROTOCOL, ADDR
 *    and PORT; adding or editing one also needs SCHED_NAME, FLAGS (a
 *    struct ip_vs_flags: value and mask), TIMEOUT and NETMASK;
 *  - NETMASK is a 32-bit mask in network order for IPv4 and a prefix
 *    length for IPv6;
 *  - a destination needs ADDR, PORT, FWD_METHOD, WEIGHT, U_THRESH and
 *    L_THRESH, plus ADDR_FAMILY when it differs from the service's;
 *  - ports are big-endian 16-bit attributes, addresses are raw bytes
 *    (the kernel answers with 16 bytes whatever the family).
 * In batch mode the change verbs hand their built request to
 * ipvs_batch.c instead of sending it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "ipvs_nl.h"
#include "ipvs_nl_int.h"
#include "ipvs_req.h"
#include "nl_errors.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ---- errors ----------------------------------------------------------- */

static int fail(struct ipvs_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ipvs_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	ctx->err = err;
	ctx->extack = false;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return -err;
}

static void clear_error(struct ipvs_ctx *ctx)
{
	ctx->err = 0;
	ctx->extack = false;
	ctx->errmsg[0] = '\0';
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ipvs_ctx *ctx = arg;

	(void)who;
	ctx->err = e->error < 0 ? -e->error : e->error;
	ctx->extack = nl_extack_text(e, ctx->errmsg, sizeof(ctx->errmsg));
	return NL_STOP;
}

/* ---- socket and requests ---------------------------------------------- */

int ipvs_open(struct ipvs_ctx *ctx)
{
	int one = 1, rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->sk = nl_socket_alloc();
	if (ctx->sk == NULL)
		return fail(ctx, ENOMEM, "ipvs: cannot allocate a netlink socket");
	rc = genl_connect(ctx->sk);
	if (rc < 0) {
		ipvs_close(ctx);
		return fail(ctx, EIO, "ipvs: netlink connect: %s", nl_geterror(rc));
	}
	nl_socket_enable_msg_peek(ctx->sk);
	(void)setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK,
			 &one, sizeof(one));
	rc = genl_ctrl_resolve(ctx->sk, IPVS_GENL_NAME);
	if (rc < 0) {
		ipvs_close(ctx);
		return fail(ctx, EPROTONOSUPPORT,
			    "ipvs: no generic netlink family " IPVS_GENL_NAME
			    " (is the ip_vs module loaded?): %s", nl_geterror(rc));
	}
	ctx->family = rc;
	nl_socket_modify_err_cb(ctx->sk, NL_CB_CUSTOM, on_error, ctx);
	return 0;
}

void ipvs_close(struct ipvs_ctx *ctx)
{
	ipvs_batch_free(ctx);
	if (ctx->sk != NULL)
		nl_socket_free(ctx->sk);
	ctx->sk = NULL;
}

const char *ipvs_error(const struct ipvs_ctx *ctx)
{
	return ctx->errmsg;
}

/* A new request for cmd; NULL (with the error recorded) when out of memory. */
static struct nl_msg *new_request(struct ipvs_ctx *ctx, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg == NULL || genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family,
				       0, flags, cmd, IPVS_GENL_VERSION) == NULL) {
		nlmsg_free(msg);
		fail(ctx, ENOMEM, "ipvs: out of memory");
		return NULL;
	}
	return msg;
}

/* Send msg (consumed) and read the answer.  With parse, each reply
 * message goes to parse(msg, arg): a multipart dump when the request has
 * NLM_F_DUMP, else one reply followed by the ACK.  0 or -errno. */
static int request(struct ipvs_ctx *ctx, struct nl_msg *msg,
		   nl_recvmsg_msg_cb_t parse, void *arg)
{
	bool dump;
	int rc;

	clear_error(ctx);
	if (ctx->sk == NULL) {
		nlmsg_free(msg);
		return fail(ctx, EBADF, "ipvs: not open");
	}
	dump = (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	rc = nl_send_auto(ctx->sk, msg);
	nlmsg_free(msg);
	if (rc >= 0 && parse != NULL) {
		nl_socket_modify_cb(ctx->sk, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
		rc = nl_recvmsgs_default(ctx->sk);
		nl_socket_modify_cb(ctx->sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	}
	/* After a GET's reply (even one our parser refused) comes the ACK. */
	if (rc >= 0 && !dump)
		rc = nl_wait_for_ack(ctx->sk);
	if (rc >= 0 && ctx->err == 0) {
		clear_error(ctx);
		return 0;
	}
	if (ctx->err == 0)
		return fail(ctx, nl_errno_of_nlerr(rc), "%s", nl_geterror(rc));
	if (ctx->errmsg[0] == '\0')
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", strerror(ctx->err));
	return -ctx->err;
}

/* ---- encoding --------------------------------------------------------- */

static size_t ip_len(const struct ipvs_ip *ip)
{
	return ip->family == AF_INET ? 4 : ip->family == AF_INET6 ? 16 : 0;
}

/* Kernel form of the persistence netmask. */
static uint32_t netmask_to_kernel(const struct ipvs_service *svc)
{
	unsigned plen = svc->netmask_plen;

	if (svc->af == AF_INET6)
		return plen == 0 || plen > 128 ? 128 : plen;
	if (plen == 0 || plen >= 32)
		return 0xffffffffu;
	return htonl(~0u << (32 - plen));
}

static uint8_t netmask_from_kernel(int af, uint32_t mask)
{
	uint32_t m = ntohl(mask);
	uint8_t plen = 0;

	if (af == AF_INET6)
		return (uint8_t)mask;
	while (plen < 32 && (m & (0x80000000u >> plen)))
		plen++;
	return plen;
}

/* The nested IPVS_CMD_ATTR_SERVICE: identity, and options when full. */
static int put_service(struct ipvs_ctx *ctx, struct ipvs_req *r,
		       const struct ipvs_service *svc, bool full)
{
	struct ip_vs_flags fl = { .flags = svc->flags, .mask = ~0u };
	size_t nest;

	if (svc->af != AF_INET && svc->af != AF_INET6)
		return fail(ctx, EAFNOSUPPORT, "ipvs: service without address family");
	if (svc->fwmark == 0 && svc->addr.family != svc->af)
		return fail(ctx, EINVAL, "ipvs: service address of another family");
	nest = ipvs_req_nest_start(r, IPVS_CMD_ATTR_SERVICE);
	ipvs_req_u16(r, IPVS_SVC_ATTR_AF, (uint16_t)svc->af);
	if (svc->fwmark != 0) {
		ipvs_req_u32(r, IPVS_SVC_ATTR_FWMARK, svc->fwmark);
	} else {
		ipvs_req_u16(r, IPVS_SVC_ATTR_PROTOCOL, svc->protocol);
		ipvs_req_put(r, IPVS_SVC_ATTR_ADDR, &svc->addr.u, ip_len(&svc->addr));
		ipvs_req_u16(r, IPVS_SVC_ATTR_PORT, htons(svc->port));
	}
	if (full) {
		ipvs_req_str(r, IPVS_SVC_ATTR_SCHED_NAME, svc->sched[0] != '\0' ? svc->sched : "wlc");
		ipvs_req_put(r, IPVS_SVC_ATTR_FLAGS, &fl, sizeof(fl));
		ipvs_req_u32(r, IPVS_SVC_ATTR_TIMEOUT, svc->timeout);
		ipvs_req_u32(r, IPVS_SVC_ATTR_NETMASK, netmask_to_kernel(svc));
		if (svc->pe_name[0] != '\0')
			ipvs_req_str(r, IPVS_SVC_ATTR_PE_NAME, svc->pe_name);
	}
	ipvs_req_nest_end(r, nest);
	return r->overflow ? fail(ctx, EMSGSIZE, "ipvs: request too large") : 0;
}

static int put_dest(struct ipvs_ctx *ctx, struct ipvs_req *r,
		    const struct ipvs_dest *d, bool full)
{
	size_t nest;

	if (ip_len(&d->addr) == 0)
		return fail(ctx, EAFNOSUPPORT, "ipvs: destination without address");
	nest = ipvs_req_nest_start(r, IPVS_CMD_ATTR_DEST);
	ipvs_req_put(r, IPVS_DEST_ATTR_ADDR, &d->addr.u, ip_len(&d->addr));
	ipvs_req_u16(r, IPVS_DEST_ATTR_ADDR_FAMILY, (uint16_t)d->addr.family);
	ipvs_req_u16(r, IPVS_DEST_ATTR_PORT, htons(d->port));
	if (full) {
		ipvs_req_u32(r, IPVS_DEST_ATTR_FWD_METHOD, (uint32_t)d->fwd);
		ipvs_req_u32(r, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight);
		ipvs_req_u32(r, IPVS_DEST_ATTR_U_THRESH, d->u_threshold);
		ipvs_req_u32(r, IPVS_DEST_ATTR_L_THRESH, d->l_threshold);
		if (d->fwd == IPVS_FWD_TUNNEL) {
			ipvs_req_u8(r, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type);
			ipvs_req_u16(r, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port));
			ipvs_req_u16(r, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
		}
	}
	ipvs_req_nest_end(r, nest);
	return r->overflow ? fail(ctx, EMSGSIZE, "ipvs: request too large") : 0;
}

/* A request for cmd in a fixed buffer, as new_request() with libnl. */
static void start_req(struct ipvs_ctx *ctx, struct ipvs_req *r, uint8_t cmd, uint16_t flags)
{
	ipvs_req_init(r, (uint16_t)ctx->family, cmd, IPVS_GENL_VERSION, flags);
}

/* Send a request built in a buffer and read its answer, as request()
 * (libnl fills in the port and sequence number). */
static int request_buf(struct ipvs_ctx *ctx, struct ipvs_req *r,
		       nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct nl_msg *msg = nlmsg_convert(&r->u.hdr);

	if (msg == NULL)
		return fail(ctx, ENOMEM, "ipvs: out of memory");
	return request(ctx, msg, parse, arg);
}

/* ---- changes ---------------------------------------------------------- */

static int service_cmd(struct ipvs_ctx *ctx, uint8_t cmd,
		       const struct ipvs_service *svc, bool full)
{
	struct ipvs_req r;
	int rc;

	start_req(ctx, &r, cmd, 0);
	rc = put_service(ctx, &r, svc, full);
	if (rc < 0)
		return rc;
	if (ctx->batch)
		return ipvs_batch_queue(ctx, &r.u.hdr, cmd, svc, NULL);
	return request_buf(ctx, &r, NULL, NULL);
}

int ipvs_service_add(struct ipvs_ctx *ctx, const struct ipvs_service *svc)
{
	return service_cmd(ctx, IPVS_CMD_NEW_SERVICE, svc, true);
}

int ipvs_service_edit(struct ipvs_ctx *ctx, const struct ipvs_service *svc)
{
	return service_cmd(ctx, IPVS_CMD_SET_SERVICE, svc, true);
}

int ipvs_service_del(struct ipvs_ctx *ctx, const struct ipvs_service *svc)
{
	return service_cmd(ctx, IPVS_CMD_DEL_SERVICE, svc, false);
}

int ipvs_flush(struct ipvs_ctx *ctx)
{
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_FLUSH, 0);

	return msg == NULL ? -ENOMEM : request(ctx, msg, NULL, NULL);
}

static int dest_cmd(struct ipvs_ctx *ctx, uint8_t cmd, const struct ipvs_service *svc,
		    const struct ipvs_dest *d, bool full)
{
	struct ipvs_req r;
	int rc;

	start_req(ctx, &r, cmd, 0);
	rc = put_service(ctx, &r, svc, false);
	if (rc == 0)
		rc = put_dest(ctx, &r, d, full);
	if (rc < 0)
		return rc;
	if (ctx->batch)
		return ipvs_batch_queue(ctx, &r.u.hdr, cmd, svc, d);
	return request_buf(ctx, &r, NULL, NULL);
}

int ipvs_dest_add(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		  const struct ipvs_dest *dest)
{
	return dest_cmd(ctx, IPVS_CMD_NEW_DEST, svc, dest, true);
}

int ipvs_dest_edit(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		   const struct ipvs_dest *dest)
{
	return dest_cmd(ctx, IPVS_CMD_SET_DEST, svc, dest, true);
}

int ipvs_dest_del(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		  const struct ipvs_dest *dest)
{
	return dest_cmd(ctx, IPVS_CMD_DEL_DEST, svc, dest, false);
}

int ipvs_timeouts_set(struct ipvs_ctx *ctx, const struct ipvs_timeouts *t)
{
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_SET_CONFIG, 0);

	if (msg == NULL)
		return -ENOMEM;
	if ((t->tcp && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp) < 0) ||
	    (t->tcp_fin && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin) < 0) ||
	    (t->udp && nla_put_u32(msg, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp) < 0)) {
		nlmsg_free(msg);
		return fail(ctx, EMSGSIZE, "ipvs: request too large");
	}
	return request(ctx, msg, NULL, NULL);
}

static int put_sync(struct nl_msg *msg, const struct ipvs_sync *s)
{
	struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DAEMON);

	if (nest == NULL ||
	    nla_put_u32(msg, IPVS_DAEMON_ATTR_STATE, (uint32_t)s->state) < 0 ||
	    nla_put_string(msg, IPVS_DAEMON_ATTR_MCAST_IFN, s->ifname) < 0 ||
	    nla_put_u32(msg, IPVS_DAEMON_ATTR_SYNC_ID, s->syncid) < 0)
		return -EMSGSIZE;
	if ((s->maxlen && nla_put_u16(msg, IPVS_DAEMON_ATTR_SYNC_MAXLEN, s->maxlen) < 0) ||
	    (s->port && nla_put_u16(msg, IPVS_DAEMON_ATTR_MCAST_PORT, s->port) < 0) ||
	    (s->ttl && nla_put_u8(msg, IPVS_DAEMON_ATTR_MCAST_TTL, s->ttl) < 0))
		return -EMSGSIZE;
	if (s->group.family == AF_INET &&
	    nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, &s->group.u.v4) < 0)
		return -EMSGSIZE;
	if (s->group.family == AF_INET6 &&
	    nla_put(msg, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, &s->group.u.v6) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int ipvs_sync_start(struct ipvs_ctx *ctx, const struct ipvs_sync *s)
{
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_NEW_DAEMON, 0);

	if (msg == NULL)
		return -ENOMEM;
	if (put_sync(msg, s) < 0) {
		nlmsg_free(msg);
		return fail(ctx, EMSGSIZE, "ipvs: request too large");
	}
	return request(ctx, msg, NULL, NULL);
}

int ipvs_sync_stop(struct ipvs_ctx *ctx, int state)
{
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_DEL_DAEMON, 0);
	struct nlattr *nest;

	if (msg == NULL)
		return -ENOMEM;
	nest = nla_nest_start(msg, IPVS_CMD_ATTR_DAEMON);
	if (nest == NULL || nla_put_u32(msg, IPVS_DAEMON_ATTR_STATE, (uint32_t)state) < 0) {
		nlmsg_free(msg);
		return fail(ctx, EMSGSIZE, "ipvs: request too large");
	}
	nla_nest_end(msg, nest);
	return request(ctx, msg, NULL, NULL);
}


/* ---- reading ---------------------------------------------------------- */

static struct nla_policy cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = { .type = NLA_U32 },
};

static struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR] = { .type = NLA_UNSPEC, .minlen = 4 },
	[IPVS_SVC_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { .type = NLA_STRING },
	[IPVS_SVC_ATTR_FLAGS] = { .type = NLA_UNSPEC, .minlen = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME] = { .type = NLA_STRING },
	[IPVS_SVC_ATTR_STATS64] = { .type = NLA_NESTED },
};

static struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { .type = NLA_UNSPEC, .minlen = 4 },
	[IPVS_DEST_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_TUN_TYPE] = { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { .type = NLA_U16 },
};

static struct nla_policy daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { .type = NLA_STRING },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { .type = NLA_UNSPEC, .minlen = 16 },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { .type = NLA_U8 },
};

/* What a reply parser needs: the context (for errors) and its output. */
struct reader {
	struct ipvs_ctx *ctx;
	void *out;
	size_t count, max;
};

/* Record the first failure of a reply parser and skip the message: the
 * rest of the answer is still read, so the socket stays in step. */
static int read_fail(struct reader *r, int err, const char *what)
{
	if (r->ctx->err == 0)
		fail(r->ctx, err, "ipvs: %s", what);
	return NL_SKIP;
}

/* The top-level attributes of a reply; NULL (error recorded) when bad. */
static struct nlattr **reply_attrs(struct reader *r, struct nl_msg *msg,
				   struct nlattr **tb)
{
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPVS_CMD_ATTR_MAX, cmd_policy) < 0) {
		read_fail(r, EBADMSG, "malformed reply from the kernel");
		return NULL;
	}
	return tb;
}

/* Counters: the 64-bit set when given, else the older 32-bit one. */
static void read_stats(struct nlattr *nest, bool wide, struct ipvs_stats *st)
{
	struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	uint64_t *field[IPVS_STATS_ATTR_MAX + 1] = {
		[IPVS_STATS_ATTR_CONNS] = &st->conns,
		[IPVS_STATS_ATTR_INPKTS] = &st->inpkts,
		[IPVS_STATS_ATTR_OUTPKTS] = &st->outpkts,
		[IPVS_STATS_ATTR_INBYTES] = &st->inbytes,
		[IPVS_STATS_ATTR_OUTBYTES] = &st->outbytes,
		[IPVS_STATS_ATTR_CPS] = &st->cps,
		[IPVS_STATS_ATTR_INPPS] = &st->inpps,
		[IPVS_STATS_ATTR_OUTPPS] = &st->outpps,
		[IPVS_STATS_ATTR_INBPS] = &st->inbps,
		[IPVS_STATS_ATTR_OUTBPS] = &st->outbps,
	};
	int i;

	if (nest == NULL || nla_parse_nested(tb, IPVS_STATS_ATTR_MAX, nest, NULL) < 0)
		return;
	for (i = 1; i <= IPVS_STATS_ATTR_MAX; i++) {
		if (tb[i] == NULL || field[i] == NULL)
			continue;
		if (nla_len(tb[i]) >= 8 && (wide || i == IPVS_STATS_ATTR_INBYTES ||
					     i == IPVS_STATS_ATTR_OUTBYTES))
			*field[i] = nla_get_u64(tb[i]);
		else if (nla_len(tb[i]) >= 4)
			*field[i] = nla_get_u32(tb[i]);
	}
}

static void read_addr(struct nlattr *a, int family, struct ipvs_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (a == NULL || (family != AF_INET && family != AF_INET6))
		return;
	if (nla_len(a) < (family == AF_INET ? 4 : 16))
		return;
	ip->family = family;
	memcpy(&ip->u, nla_data(a), family == AF_INET ? 4 : 16);
}

static void copy_string(char *dst, size_t len, struct nlattr *a)
{
	dst[0] = '\0';
	if (a != NULL)
		nla_strlcpy(dst, a, len);
}

static int parse_service(struct nlattr *nest, struct ipvs_service *svc)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags fl;

	memset(svc, 0, sizeof(*svc));
	if (nest == NULL || nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nest, svc_policy) < 0 ||
	    tb[IPVS_SVC_ATTR_AF] == NULL)
		return -EBADMSG;
	svc->af = nla_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (tb[IPVS_SVC_ATTR_FWMARK] != NULL)
		svc->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	if (tb[IPVS_SVC_ATTR_PROTOCOL] != NULL)
		svc->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
	if (svc->fwmark == 0)
		read_addr(tb[IPVS_SVC_ATTR_ADDR], svc->af, &svc->addr);
	if (tb[IPVS_SVC_ATTR_PORT] != NULL)
		svc->port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	copy_string(svc->sched, sizeof(svc->sched), tb[IPVS_SVC_ATTR_SCHED_NAME]);
	copy_string(svc->pe_name, sizeof(svc->pe_name), tb[IPVS_SVC_ATTR_PE_NAME]);
	if (tb[IPVS_SVC_ATTR_FLAGS] != NULL) {
		memcpy(&fl, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
		svc->flags = fl.flags & ~(uint32_t)IP_VS_SVC_F_HASHED;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT] != NULL)
		svc->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	if (tb[IPVS_SVC_ATTR_NETMASK] != NULL)
		svc->netmask_plen = netmask_from_kernel(svc->af,
					nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]));
	if (tb[IPVS_SVC_ATTR_STATS64] != NULL)
		read_stats(tb[IPVS_SVC_ATTR_STATS64], true, &svc->stats);
	else
		read_stats(tb[IPVS_SVC_ATTR_STATS], false, &svc->stats);
	return 0;
}

static uint32_t get_u32_or0(struct nlattr *a)
{
	return a != NULL ? nla_get_u32(a) : 0;
}

static int parse_dest(struct nlattr *nest, int svc_af, struct ipvs_dest *d)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	int af = svc_af;

	memset(d, 0, sizeof(*d));
	if (nest == NULL || nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, nest, dest_policy) < 0)
		return -EBADMSG;
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY] != NULL)
		af = nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
	read_addr(tb[IPVS_DEST_ATTR_ADDR], af, &d->addr);
	if (tb[IPVS_DEST_ATTR_PORT] != NULL)
		d->port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	d->fwd = (enum ipvs_fwd)(get_u32_or0(tb[IPVS_DEST_ATTR_FWD_METHOD]) &
				 IP_VS_CONN_F_FWD_MASK);
	d->weight = (int)get_u32_or0(tb[IPVS_DEST_ATTR_WEIGHT]);
	d->u_threshold = get_u32_or0(tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_threshold = get_u32_or0(tb[IPVS_DEST_ATTR_L_THRESH]);
	d->active_conns = get_u32_or0(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	d->inact_conns = get_u32_or0(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	d->persist_conns = get_u32_or0(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE] != NULL)
		d->tun_type = nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT] != NULL)
		d->tun_port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS] != NULL)
		d->tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	if (tb[IPVS_DEST_ATTR_STATS64] != NULL)
		read_stats(tb[IPVS_DEST_ATTR_STATS64], true, &d->stats);
	else
		read_stats(tb[IPVS_DEST_ATTR_STATS], false, &d->stats);
	return 0;
}

/* Make room for one more element of size sz in r->out. */
static void *reader_grow(struct reader *r, size_t sz)
{
	void *p;
	size_t max;

	if (r->count == r->max) {
		max = r->max ? r->max * 2 : 8;
		p = realloc(r->out, max * sz);
		if (p == NULL)
			return NULL;
		memset((char *)p + r->max * sz, 0, (max - r->max) * sz);
		r->out = p;
		r->max = max;
	}
	return (char *)r->out + r->count * sz;
}

static int on_service(struct nl_msg *msg, void *arg)
{
	struct reader *r = arg;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct ipvs_table_entry *e;

	if (reply_attrs(r, msg, tb) == NULL)
		return NL_SKIP;
	e = reader_grow(r, sizeof(*e));
	if (e == NULL)
		return read_fail(r, ENOMEM, "out of memory");
	if (parse_service(tb[IPVS_CMD_ATTR_SERVICE], &e->svc) < 0)
		return read_fail(r, EBADMSG, "malformed service in the kernel's reply");
	r->count++;
	return NL_OK;
}

/* The service whose destinations are being read (struct reader.out is the
 * destination array; svc_af the family of the service). */
struct dest_reader {
	struct reader r;
	int svc_af;
};

static int on_dest(struct nl_msg *msg, void *arg)
{
	struct dest_reader *dr = arg;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct ipvs_dest *d;

	if (reply_attrs(&dr->r, msg, tb) == NULL)
		return NL_SKIP;
	d = reader_grow(&dr->r, sizeof(*d));
	if (d == NULL)
		return read_fail(&dr->r, ENOMEM, "out of memory");
	if (parse_dest(tb[IPVS_CMD_ATTR_DEST], dr->svc_af, d) < 0)
		return read_fail(&dr->r, EBADMSG, "malformed destination in the kernel's reply");
	dr->r.count++;
	return NL_OK;
}

static int dump_dests(struct ipvs_ctx *ctx, struct ipvs_table_entry *e)
{
	struct dest_reader dr = { .r = { .ctx = ctx }, .svc_af = e->svc.af };
	struct ipvs_req r;
	int rc;

	start_req(ctx, &r, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	rc = put_service(ctx, &r, &e->svc, false);
	if (rc < 0)
		return rc;
	rc = request_buf(ctx, &r, on_dest, &dr);
	e->dests = dr.r.out;
	e->n_dests = dr.r.count;
	e->svc.num_dests = (uint32_t)dr.r.count;
	return rc;
}

int ipvs_dump(struct ipvs_ctx *ctx, struct ipvs_table *tab)
{
	struct reader r = { .ctx = ctx };
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	size_t i;
	int rc;

	memset(tab, 0, sizeof(*tab));
	if (msg == NULL)
		return -ENOMEM;
	rc = request(ctx, msg, on_service, &r);
	tab->svcs = r.out;
	tab->n_svcs = r.count;
	for (i = 0; rc == 0 && i < tab->n_svcs; i++)
		rc = dump_dests(ctx, &tab->svcs[i]);
	return rc;
}

void ipvs_table_free(struct ipvs_table *tab)
{
	size_t i;

	for (i = 0; i < tab->n_svcs; i++)
		free(tab->svcs[i].dests);
	free(tab->svcs);
	memset(tab, 0, sizeof(*tab));
}

static int on_config(struct nl_msg *msg, void *arg)
{
	struct reader *r = arg;
	struct ipvs_timeouts *t = r->out;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	if (reply_attrs(r, msg, tb) == NULL)
		return NL_SKIP;
	t->tcp = get_u32_or0(tb[IPVS_CMD_ATTR_TIMEOUT_TCP]);
	t->tcp_fin = get_u32_or0(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	t->udp = get_u32_or0(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]);
	return NL_OK;
}

int ipvs_timeouts_get(struct ipvs_ctx *ctx, struct ipvs_timeouts *t)
{
	struct reader r = { .ctx = ctx, .out = t };
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_GET_CONFIG, 0);

	memset(t, 0, sizeof(*t));
	return msg == NULL ? -ENOMEM : request(ctx, msg, on_config, &r);
}

static int on_info(struct nl_msg *msg, void *arg)
{
	struct reader *r = arg;
	uint32_t *out = r->out;
	struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, IPVS_INFO_ATTR_MAX, NULL) < 0)
		return read_fail(r, EBADMSG, "malformed reply from the kernel");
	if (tb[IPVS_INFO_ATTR_VERSION] != NULL && nla_len(tb[IPVS_INFO_ATTR_VERSION]) >= 4)
		out[0] = nla_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
	if (tb[IPVS_INFO_ATTR_CONN_TAB_SIZE] != NULL &&
	    nla_len(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]) >= 4)
		out[1] = nla_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
	return NL_OK;
}

int ipvs_info(struct ipvs_ctx *ctx, uint32_t *version, uint32_t *conn_tab_size)
{
	uint32_t out[2] = { 0, 0 };
	struct reader r = { .ctx = ctx, .out = out };
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_GET_INFO, 0);
	int rc;

	if (msg == NULL)
		return -ENOMEM;
	rc = request(ctx, msg, on_info, &r);
	*version = out[0];
	*conn_tab_size = out[1];
	return rc;
}

static int on_daemon(struct nl_msg *msg, void *arg)
{
	struct reader *r = arg;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr *d[IPVS_DAEMON_ATTR_MAX + 1];
	struct ipvs_sync *s;

	if (reply_attrs(r, msg, tb) == NULL)
		return NL_SKIP;
	if (tb[IPVS_CMD_ATTR_DAEMON] == NULL || r->count >= r->max ||
	    nla_parse_nested(d, IPVS_DAEMON_ATTR_MAX, tb[IPVS_CMD_ATTR_DAEMON],
			     daemon_policy) < 0)
		return NL_OK;
	s = (struct ipvs_sync *)r->out + r->count++;
	memset(s, 0, sizeof(*s));
	s->state = (int)get_u32_or0(d[IPVS_DAEMON_ATTR_STATE]);
	copy_string(s->ifname, sizeof(s->ifname), d[IPVS_DAEMON_ATTR_MCAST_IFN]);
	s->syncid = (uint8_t)get_u32_or0(d[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (d[IPVS_DAEMON_ATTR_SYNC_MAXLEN] != NULL)
		s->maxlen = nla_get_u16(d[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (d[IPVS_DAEMON_ATTR_MCAST_PORT] != NULL)
		s->port = nla_get_u16(d[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (d[IPVS_DAEMON_ATTR_MCAST_TTL] != NULL)
		s->ttl = nla_get_u8(d[IPVS_DAEMON_ATTR_MCAST_TTL]);
	if (d[IPVS_DAEMON_ATTR_MCAST_GROUP6] != NULL)
		read_addr(d[IPVS_DAEMON_ATTR_MCAST_GROUP6], AF_INET6, &s->group);
	else if (d[IPVS_DAEMON_ATTR_MCAST_GROUP] != NULL)
		read_addr(d[IPVS_DAEMON_ATTR_MCAST_GROUP], AF_INET, &s->group);
	return NL_OK;
}

int ipvs_sync_get(struct ipvs_ctx *ctx, struct ipvs_sync *out, size_t max, size_t *n)
{
	struct reader r = { .ctx = ctx, .out = out, .max = max };
	struct nl_msg *msg = new_request(ctx, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	int rc;

	*n = 0;
	if (msg == NULL)
		return -ENOMEM;
	rc = request(ctx, msg, on_daemon, &r);
	*n = r.count;
	return rc;
}

/* ---- helpers ---------------------------------------------------------- */

int ipvs_ip_parse(const char *text, struct ipvs_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, text, &ip->u.v4) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, text, &ip->u.v6) == 1)
		ip->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/* Dotted quad, as inet_ntop() writes it: every label of a large table is
 * made at start and reload, so skip inet_ntop's generic path. */
static void ipv4_format(const struct in_addr *a, char *buf)
{
	const unsigned char *b = (const unsigned char *)&a->s_addr;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*buf++ = (char)('0' + v / 100);
		if (v >= 10)
			*buf++ = (char)('0' + v / 10 % 10);
		*buf++ = (char)('0' + v % 10);
		*buf++ = i < 3 ? '.' : '\0';
	}
}

const char *ipvs_ip_format(const struct ipvs_ip *ip, char *buf, size_t len)
{
	if (ip->family == AF_INET && len >= INET_ADDRSTRLEN) {
		ipv4_format(&ip->u.v4, buf);
		return buf;
	}
	if (ip->family == 0 || inet_ntop(ip->family, &ip->u, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *ipvs_proto_name(uint16_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:  return "TCP";
	case IPPROTO_UDP:  return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default:           return NULL;
	}
}

const char *ipvs_fwd_name(enum ipvs_fwd fwd)
{
	switch (fwd) {
	case IPVS_FWD_MASQ:   return "masq";
	case IPVS_FWD_LOCAL:  return "local";
	case IPVS_FWD_TUNNEL: return "tunnel";
	case IPVS_FWD_ROUTE:  return "route";
	default:              return "?";
	}
}
