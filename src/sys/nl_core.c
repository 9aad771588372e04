/*
 * nl_core.c - the request socket of the netlink verbs (see nl_core.h).
 *
 * libnl 3.7 has no setter for NETLINK_EXT_ACK, so we set the socket option
 * on its fd and install our own error callback: libnl hands it the
 * struct nlmsgerr of an NLMSG_ERROR reply, from which we step back to the
 * message header and read the extended-ack attributes that follow the
 * echoed request (or directly the nlmsgerr when the kernel capped it).
 * The callback records the errno and the text in the nlctx and stops the
 * receive loop; nlctx_finish() then reports the kernel's errno, not
 * libnl's lossy NLE_* translation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include "nl_dl.h"  /* after <netlink/...>: libnl loaded on first use */

#include "nl_core.h"
#include "nl_errors.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlctx *ctx = arg;

	(void)who;
	ctx->err = e->error < 0 ? -e->error : e->error;
	ctx->extack = nl_extack_text(e, ctx->errmsg, sizeof(ctx->errmsg));
	return NL_STOP;
}

int nlctx_open(struct nlctx *ctx)
{
	int one = 1, rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->sk = nl_socket_alloc();
	if (ctx->sk == NULL)
		return nlctx_fail(ctx, ENOMEM, "netlink: cannot allocate a socket");
	rc = nl_connect(ctx->sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(ctx->sk);
		ctx->sk = NULL;
		return nlctx_fail(ctx, EIO, "netlink: connect: %s", nl_geterror(rc));
	}
	nl_socket_enable_msg_peek(ctx->sk);
	/* Without extack (kernels before 4.12) we still work, with errno only. */
	(void)setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK,
			 &one, sizeof(one));
	nl_socket_modify_err_cb(ctx->sk, NL_CB_CUSTOM, on_error, ctx);
	return 0;
}

void nlctx_close(struct nlctx *ctx)
{
	if (ctx->sk != NULL)
		nl_socket_free(ctx->sk);
	ctx->sk = NULL;
}

const char *nlctx_error(const struct nlctx *ctx)
{
	return ctx->errmsg;
}

void nlctx_begin(struct nlctx *ctx)
{
	ctx->err = 0;
	ctx->extack = false;
	ctx->errmsg[0] = '\0';
}

int nlctx_fail(struct nlctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	ctx->err = err;
	ctx->extack = false;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return -err;
}

int nlctx_finish(struct nlctx *ctx, int nlret)
{
	/* A non-negative libnl result is a success even if an earlier attempt
	 * failed (rtnl_link_change() retries RTM_NEWLINK as RTM_SETLINK). */
	if (nlret >= 0) {
		ctx->err = 0;
		ctx->extack = false;
		ctx->errmsg[0] = '\0';
		return 0;
	}
	if (ctx->err == 0)
		return nlctx_fail(ctx, nl_errno_of_nlerr(nlret), "%s", nl_geterror(nlret));
	if (!ctx->extack)
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", strerror(ctx->err));
	return -ctx->err;
}

int sys_ip_parse(const char *text, struct sys_ip *ip, int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	long n;
	int max;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, &ip->u.v4) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &ip->u.v6) == 1)
		ip->family = AF_INET6;
	else
		return -EINVAL;
	max = ip->family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		if (plen != NULL)
			*plen = -1;
		return 0;
	}
	if (plen == NULL || *slash == '\0')
		return -EINVAL;
	errno = 0;
	n = strtol(slash, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > max)
		return -EINVAL;
	*plen = (int)n;
	return 0;
}

const char *sys_ip_format(const struct sys_ip *ip, char *buf, size_t len)
{
	if (ip->family == 0 || inet_ntop(ip->family, &ip->u, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

size_t sys_ip_len(const struct sys_ip *ip)
{
	return ip->family == AF_INET ? 4 : ip->family == AF_INET6 ? 16 : 0;
}

struct nl_addr *sys_ip_to_nl(const struct sys_ip *ip, int plen)
{
	struct nl_addr *a;
	size_t len = sys_ip_len(ip);

	if (len == 0)
		return NULL;
	a = nl_addr_build(ip->family, &ip->u, len);
	if (a != NULL && plen >= 0)
		nl_addr_set_prefixlen(a, plen);
	return a;
}

int sys_ip_from_nl(const struct nl_addr *a, struct sys_ip *ip)
{
	int fam = nl_addr_get_family(a);
	struct sys_ip tmp = { .family = fam };
	size_t len = sys_ip_len(&tmp);

	memset(ip, 0, sizeof(*ip));
	if (len == 0 || nl_addr_get_len(a) != len)
		return -EAFNOSUPPORT;
	ip->family = fam;
	memcpy(&ip->u, nl_addr_get_binary_addr(a), len);
	return 0;
}

void sys_ipv6_ll_from_mac(const uint8_t mac[6], struct sys_ip *ll)
{
	uint8_t *b = ll->u.v6.s6_addr;

	memset(ll, 0, sizeof(*ll));
	ll->family = AF_INET6;
	b[0] = 0xfe;
	b[1] = 0x80;
	b[8] = mac[0] ^ 0x02;               /* universal/local bit inverted */
	b[9] = mac[1];
	b[10] = mac[2];
	b[11] = 0xff;
	b[12] = 0xfe;
	b[13] = mac[3];
	b[14] = mac[4];
	b[15] = mac[5];
}
