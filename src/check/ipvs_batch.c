/*
 * ipvs_batch.c - batched IPVS change requests (see ipvs_nl.h, "Batches").
 *
 * The change verbs build their request (ipvs_req.c) and hand it here: we give
 * it our own sequence number (from 0x40000000 up, apart from libnl's, so
 * libnl's bookkeeping for the synchronous verbs is untouched), ask for an
 * ACK, and append its bytes to one buffer.  A chunk (IPVS_BATCH_MAX
 * requests, well within the socket's send buffer) goes out in one
 * sendto(); the kernel runs every message of it in order, within that
 * call.  Only the chunk's last message asks for an ACK: the kernel answers
 * the others only when it refuses them, so a success costs no answer at
 * all; the refusals (a datagram each) arrive before the last ACK and are
 * read with recvmmsg() 64 at a time, matched by sequence number.  The
 * socket's receive buffer is raised so that a chunk's refusals fit (an
 * overflow would drop some: the rest are then reported with ENOBUFS).  Refusals
 * are kept with a copy of the request's objects and reported once the
 * chunk is complete, outside batch mode.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/msg.h>
#include <netlink/socket.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "ipvs_nl.h"
#include "ipvs_nl_int.h"
#include "nl_errors.h"

#define SEQ_BASE 0x40000000u

struct queued {
	int cmd;
	bool has_dest;
	bool answered;
	struct ipvs_service svc;
	struct ipvs_dest dest;
	const void *tag;
};

struct ipvs_batch {
	ipvs_refused_fn *fn;
	void *arg;
	unsigned char *buf;             /* the chunk's messages, back to back */
	size_t len, cap;
	struct queued q[IPVS_BATCH_MAX];
	size_t n;
	size_t last_off;                /* offset of the chunk's last message */
	struct ipvs_refusal *refused;   /* of the chunks sent so far */
	size_t n_refused, cap_refused;
	int sock_err;                   /* positive errno of a socket failure */
};

int ipvs_batch_begin(struct ipvs_ctx *ctx, ipvs_refused_fn *fn, void *arg)
{
	int rcvbuf = 2 << 20;
	struct ipvs_batch *b;

	if (ctx->batch)
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->buf = malloc(b->cap = 64 * 1024))) {
		free(b);
		return -ENOMEM;
	}
	b->fn = fn;
	b->arg = arg;
	ctx->batch = b;
	/* room for a chunk's answers (each one is a datagram of its own) */
	if (setsockopt(nl_socket_get_fd(ctx->sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		(void)setsockopt(nl_socket_get_fd(ctx->sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf));
	return 0;
}

void ipvs_batch_free(struct ipvs_ctx *ctx)
{
	if (!ctx->batch)
		return;
	free(ctx->batch->buf);
	free(ctx->batch->refused);
	free(ctx->batch);
	ctx->batch = NULL;
}

static void refuse(struct ipvs_batch *b, const struct queued *q, int err, const char *msg)
{
	struct ipvs_refusal *r;

	if (b->n_refused == b->cap_refused) {
		size_t cap = b->cap_refused ? 2 * b->cap_refused : 16;
		struct ipvs_refusal *t = realloc(b->refused, cap * sizeof(*t));

		if (!t)
			return;         /* reported as one fewer; nothing else to do */
		b->refused = t;
		b->cap_refused = cap;
	}
	r = &b->refused[b->n_refused++];
	memset(r, 0, sizeof(*r));
	r->cmd = q->cmd;
	r->svc = q->svc;
	if (q->has_dest)
		r->dest = q->dest;
	r->tag = q->tag;
	r->err = err;
	snprintf(r->msg, sizeof(r->msg), "%s", msg && *msg ? msg : strerror(err));
}

/* One received datagram: the answers it holds. */
static void answers(struct ipvs_batch *b, unsigned char *p, ssize_t len)
{
	int left = (int)len;

	for (struct nlmsghdr *h = (struct nlmsghdr *)p; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		struct nlmsgerr *e = NLMSG_DATA(h);
		uint32_t i = h->nlmsg_seq - SEQ_BASE;
		char text[160] = "";

		if (h->nlmsg_type != NLMSG_ERROR || i >= b->n || b->q[i].answered ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			continue;
		b->q[i].answered = true;
		if (e->error != 0) {
			nl_extack_text(e, text, sizeof(text));
			refuse(b, &b->q[i], -e->error, text);
		}
	}
}

/* Read answers (one datagram each) until `want` arrived: RECV_VEC per
 * system call; an error, or no answer for RECV_TIMEOUT_MS, ends the wait
 * (ENOBUFS means the kernel dropped answers). */
#define RECV_VEC 64
#define RECV_SLOT 512
#define RECV_TIMEOUT_MS 5000

static void collect(struct ipvs_batch *b, int fd)
{
	static unsigned char rbuf[RECV_VEC][RECV_SLOT];
	struct mmsghdr mm[RECV_VEC];
	struct iovec iov[RECV_VEC];

	while (!b->sock_err && !b->q[b->n - 1].answered) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n, pr = poll(&p, 1, RECV_TIMEOUT_MS);

		if (pr == 0)
			b->sock_err = ETIMEDOUT;
		if (pr <= 0) {
			if (pr < 0 && errno != EINTR)
				b->sock_err = errno;
			continue;
		}
		memset(mm, 0, sizeof(mm));
		for (int i = 0; i < RECV_VEC; i++) {
			iov[i].iov_base = rbuf[i];
			iov[i].iov_len = RECV_SLOT;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, RECV_VEC, MSG_DONTWAIT, NULL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			b->sock_err = errno;
		for (int i = 0; i < n; i++)
			answers(b, rbuf[i], (ssize_t)mm[i].msg_len);
	}
}

/* Send the chunk and collect its answers. */
static void flush_chunk(struct ipvs_ctx *ctx)
{
	struct ipvs_batch *b = ctx->batch;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = nl_socket_get_fd(ctx->sk);

	if (b->n == 0)
		return;
	((struct nlmsghdr *)(b->buf + b->last_off))->nlmsg_flags |= NLM_F_ACK;
	if (sendto(fd, b->buf, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		b->sock_err = errno;    /* nothing of the chunk ran */
		for (size_t i = 0; i < b->n; i++)
			refuse(b, &b->q[i], b->sock_err, NULL);
	} else {
		collect(b, fd);         /* a failure here loses refusals only */
	}
	b->n = 0;
	b->len = 0;
}

int ipvs_batch_queue(struct ipvs_ctx *ctx, const struct nlmsghdr *h, int cmd,
		     const struct ipvs_service *svc, const struct ipvs_dest *dest)
{
	struct ipvs_batch *b = ctx->batch;
	size_t len = NLMSG_ALIGN(h->nlmsg_len);
	struct nlmsghdr *copy;
	struct queued *q;

	if (b->len + len > b->cap)
		flush_chunk(ctx);
	if (len > b->cap)
		return -EMSGSIZE;
	q = &b->q[b->n];
	memset(q, 0, sizeof(*q));
	q->cmd = cmd;
	q->svc = *svc;
	q->has_dest = dest != NULL;
	if (dest)
		q->dest = *dest;
	q->tag = ctx->tag;
	b->last_off = b->len;
	copy = (struct nlmsghdr *)(b->buf + b->len);
	memcpy(copy, h, h->nlmsg_len);
	memset(b->buf + b->len + h->nlmsg_len, 0, len - h->nlmsg_len);
	copy->nlmsg_seq = SEQ_BASE + (uint32_t)b->n;
	copy->nlmsg_pid = nl_socket_get_local_port(ctx->sk);
	copy->nlmsg_flags = (uint16_t)((copy->nlmsg_flags | NLM_F_REQUEST) & ~NLM_F_ACK);
	b->len += len;
	b->n++;
	if (b->n == IPVS_BATCH_MAX)
		flush_chunk(ctx);
	return 0;
}

int ipvs_batch_end(struct ipvs_ctx *ctx)
{
	struct ipvs_batch *b = ctx->batch;
	int n, err;

	if (!b)
		return 0;
	flush_chunk(ctx);
	ctx->batch = NULL;              /* the callback may send requests */
	for (size_t i = 0; i < b->n_refused; i++)
		if (b->fn)
			b->fn(b->arg, ctx, &b->refused[i]);
	n = (int)b->n_refused;
	err = b->sock_err;
	ctx->batch = b;
	ipvs_batch_free(ctx);
	return err ? -err : n;
}
