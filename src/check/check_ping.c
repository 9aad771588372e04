/*
 * check_ping.c - PING_CHECK: one ICMP or ICMPv6 echo request, and its
 * reply within connect_timeout (see check_kind.h).
 *
 * The socket is an unprivileged "ping" socket (SOCK_DGRAM, IPPROTO_ICMP
 * or IPPROTO_ICMPV6) opened through ck_socket(): the kernel picks the
 * echo identifier, fills the checksum, and delivers only the replies to
 * this socket, so no raw socket and no filter are needed.  Like 2.2.7,
 * when the kernel refuses it (net.ipv4.ping_group_range excludes our
 * group) the range is widened once to include it.  Like 2.2.7 the
 * request goes out with sendto() (a route lookup failure is a send
 * failure, logged as 2.2.7 does).
 *
 * An attempt sends an echo request with a per-checker sequence number and
 * waits: an echo reply with that sequence is a success (any other ICMP
 * message is ignored, checked with bounds, never trusted), an error or
 * the timeout a failure.  Log lines are 2.2.7's, inconsistent as they
 * are: "ICMP connection to X success.", "ICMP CHECK on service X failed.",
 * "ICMP CHECK on service X of VS failed after N retries.", with
 * log_all_failures "ICMP connection to address X timeout.", and
 * "send ICMP[v6] packet fail - errno N" when the send fails.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check_kind.h"
#include "log.h"

#define ICMP_ECHO_REQ 8
#define ICMP_ECHO_REP 0
#define ICMP6_ECHO_REQ 128
#define ICMP6_ECHO_REP 129
#define PING_DATA_LEN 16

struct ping_run {
	struct ck_io k;
	uint16_t seq;
};

static uint16_t next_seq;

/* Widen net.ipv4.ping_group_range to include our group (2.2.7 does so);
 * true when it was changed. */
static bool allow_ping_group(void)
{
	static bool tried;
	const char *path = "/proc/sys/net/ipv4/ping_group_range";
	unsigned long lo = 1, hi = 0;
	unsigned long gid = (unsigned long)getgid();
	char buf[64];
	FILE *f;

	if (tried)
		return false;
	tried = true;
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%lu %lu", &lo, &hi) != 2)
		lo = 1, hi = 0;
	fclose(f);
	if (lo <= gid && gid <= hi)
		return false;
	if (lo > hi)
		lo = hi = gid;
	lo = gid < lo ? gid : lo;
	hi = gid > hi ? gid : hi;
	f = fopen(path, "w");
	if (!f)
		return false;
	snprintf(buf, sizeof(buf), "%lu %lu\n", lo, hi);
	fputs(buf, f);
	return fclose(f) == 0;
}

static int ping_socket(const struct ck_check *c)
{
	bool v6 = c->connect_ip.family == AF_INET6;
	int fd = ck_socket(c, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);

	if ((fd == -EACCES || fd == -EPERM) && allow_ping_group())
		fd = ck_socket(c, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	return fd;
}

static void release(struct ck_check *c)
{
	struct ping_run *r = c->run;

	if (!r)
		return;
	ck_io_release(&r->k);
	free(r);
	c->run = NULL;
}

static void finish(struct ck_check *c, enum ck_outcome o, const char *why)
{
	release(c);
	ck_check_done(c, o, "%s", why ? why : "");
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;

	(void)fd;
	(void)what;
	if (c->log_all_failures && c->up)      /* 2.2.7: only while up */
		log_info("ICMP connection to address %s timeout.", c->rs->label);
	finish(c, CK_TIMEOUT, "no echo reply");
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;
	struct ping_run *r = c->run;
	uint8_t buf[512];
	uint8_t want = c->connect_ip.family == AF_INET6 ? ICMP6_ECHO_REP : ICMP_ECHO_REP;
	ssize_t n;

	(void)what;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			finish(c, errno == ECONNREFUSED ? CK_REFUSED : CK_ERROR, strerror(errno));
			return;
		}
		/* type, code, checksum(2), id(2), seq(2) */
		if (n >= 8 && buf[0] == want && (uint16_t)(buf[6] << 8 | buf[7]) == r->seq) {
			finish(c, CK_SUCCESS, NULL);
			return;
		}
	}
}

static int send_echo(const struct ck_check *c, struct ping_run *r)
{
	uint8_t pkt[8 + PING_DATA_LEN];
	bool v6 = c->connect_ip.family == AF_INET6;
	struct sockaddr_storage ss;
	unsigned len = ck_sockaddr(&c->connect_ip, 0, &ss);

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? ICMP6_ECHO_REQ : ICMP_ECHO_REQ;
	pkt[6] = (uint8_t)(r->seq >> 8);
	pkt[7] = (uint8_t)r->seq;
	memcpy(pkt + 8, "keepalived-ping!", PING_DATA_LEN);
	if (sendto(r->k.fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;

		log_info("send ICMP%s packet fail - errno %d", v6 ? "v6" : "", err);
		return -err;
	}
	return 0;
}

static void ping_attempt(struct ck_check *c)
{
	struct timeval tv = { .tv_sec = (time_t)(c->connect_timeout_us / 1000000),
			      .tv_usec = (suseconds_t)(c->connect_timeout_us % 1000000) };
	struct ping_run *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	c->run = r;
	r->seq = ++next_seq;
	r->k.fd = ping_socket(c);
	if (r->k.fd < 0) {
		err = -r->k.fd;
		r->k.fd = -1;
		finish(c, CK_ERROR, strerror(err));
		return;
	}
	err = -send_echo(c, r);
	if (err) {
		finish(c, CK_ERROR, strerror(err));
		return;
	}
	if (ck_io_arm(&r->k, c, on_read, on_timeout, &tv) < 0)
		finish(c, CK_ERROR, "out of memory");
}

static void ping_log_ok(const struct ck_check *c)
{
	log_info("ICMP connection to %s success.", c->rs->label);
}

static void ping_log_failed(const struct ck_check *c, unsigned retries)
{
	if (retries)
		log_info("ICMP CHECK on service %s of %s failed after %u retries.", c->rs->label,
			 c->rs->vs->label, retries);
	else
		log_info("ICMP CHECK on service %s failed.", c->rs->label);
}

const struct ck_kind ck_kind_ping = {
	.keyword = "PING_CHECK",
	.build = NULL,
	.attempt = ping_attempt,
	.cancel = release,
	.log_ok = ping_log_ok,
	.log_failed = ping_log_failed,
	.logs_attempts = true,
};
