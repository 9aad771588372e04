/*
 * check_dns.c - DNS_CHECK (see check_kind.h): one query over UDP.
 *
 * An attempt opens a UDP socket through ck_socket(), connects it to
 * connect_ip:connect_port (so that an ICMP port unreachable comes back
 * as ECONNREFUSED), sends one query built by dns_query_build() with a
 * random ID, and waits up to connect_timeout for its answer.  Each
 * datagram is judged by dns_reply_check(): not ours (other ID, garbage)
 * -> ignored, keep waiting until the deadline (as 2.2.7); NOERROR ->
 * success; an error RCODE or records running past the end -> failure.
 * Reasons and the verdict line are 2.2.7's: "DNS_CHECK ([10.9.0.3]:udp:53)
 * read error occurred. (rcode = 5)", "... read timeout from socket",
 * "... failed to read socket; errno 111 (Connection refused)", with
 * " after N retries" when retried, and with log_all_failures the same
 * line without it for each retried attempt.  2.2.7 logs nothing on
 * success.
 *
 * Defaults of 2.2.7 for this kind: type SOA, name ".", retry 3 and
 * delay_before_retry = delay_loop unless set on the check, its real
 * server or its virtual server.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check_dns_msg.h"
#include "check_kind.h"
#include "conf.h"
#include "log.h"

#define DNS_DEFAULT_RETRY 3

struct dns_spec {
	uint16_t qtype;
	const char *name;                /* in the tree, or "." */
	char ignored[96];                /* why the last stray datagram was ignored (dump) */
};

struct dns_run {
	int fd;
	struct event *ev;
	struct timeval deadline;         /* monotonic */
	size_t qlen;
	uint8_t query[DNS_QUERY_MAX];
};

static void dns_cancel(struct ck_check *c)
{
	struct dns_run *r = c->run;

	if (!r)
		return;
	if (r->ev)
		event_free(r->ev);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	c->run = NULL;
}

static void fail(struct ck_check *c, enum ck_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct ck_check *c, enum ck_outcome o, const char *fmt, ...)
{
	char why[CK_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	dns_cancel(c);
	/* log_all_failures: 2.2.7 logs each failed attempt that will be
	 * retried (the verdict, with " after N retries", is the funnel's) */
	if (ck_logs_failed_attempt(c))
		log_info("DNS_CHECK (%s) %s", c->rs->label, why);
	ck_check_done(c, o, "%s", why);
}

static struct timeval mono_now(void)
{
	struct timespec ts;
	struct timeval tv;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	tv.tv_sec = ts.tv_sec;
	tv.tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	return tv;
}

/* Time left until the deadline (zero when past). */
static struct timeval time_left(const struct dns_run *r)
{
	struct timeval now = mono_now(), left = { 0, 0 };

	if (timercmp(&r->deadline, &now, >))
		timersub(&r->deadline, &now, &left);
	return left;
}

/* Judge one datagram; true when the attempt is over. */
static bool judge(struct ck_check *c, const uint8_t *buf, size_t n)
{
	struct dns_run *r = c->run;
	struct dns_spec *s = c->spec;
	struct dns_reply_info info;
	const char *why = NULL;

	switch (dns_reply_check(r->query, r->qlen, buf, n, &info, &why)) {
	case DNS_REPLY_OK:
		log_debug("DNS_CHECK (%s) answer with %u record(s) of type %s", c->rs->label,
			  info.matching, dns_type_name(s->qtype));
		dns_cancel(c);
		ck_check_done(c, CK_SUCCESS, NULL);
		return true;
	case DNS_REPLY_RCODE:
		fail(c, CK_ERROR, "read error occurred. (rcode = %u)", info.rcode);
		return true;
	case DNS_REPLY_BAD:
		fail(c, CK_ERROR, "malformed reply: %s", why);
		return true;
	default:
		snprintf(s->ignored, sizeof(s->ignored), "%s", why);
		log_debug("DNS_CHECK (%s) ignored a datagram: %s", c->rs->label, why);
		return false;
	}
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;
	struct dns_run *r = c->run;
	uint8_t buf[4096];
	struct timeval left;

	if (what & EV_TIMEOUT) {
		fail(c, CK_TIMEOUT, "read timeout from socket");
		return;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			int err = errno;

			fail(c, err == ECONNREFUSED ? CK_REFUSED : CK_ERROR,
			     "failed to read socket; errno %d (%s)", err, strerror(err));
			return;
		}
		if (judge(c, buf, (size_t)n))
			return;
	}
	left = time_left(r);
	if (event_add(r->ev, &left) < 0)
		fail(c, CK_ERROR, "out of memory");
}

static void dns_attempt(struct ck_check *c)
{
	const struct dns_spec *s = c->spec;
	struct timeval tv = { .tv_sec = (time_t)(c->connect_timeout_us / 1000000),
			      .tv_usec = (suseconds_t)(c->connect_timeout_us % 1000000) }, now;
	struct sockaddr_storage ss;
	struct dns_run *r = calloc(1, sizeof(*r));
	unsigned alen;
	int len;

	if (!r) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	c->run = r;
	r->fd = ck_socket(c, SOCK_DGRAM, IPPROTO_UDP);
	if (r->fd < 0) {
		r->fd = -1;
		fail(c, CK_ERROR, "failed to create socket. Rescheduling.");
		return;
	}
	len = dns_query_build(r->query, sizeof(r->query), (uint16_t)random(), s->name, s->qtype);
	if (len < 0) {
		fail(c, CK_ERROR, "cannot encode name %s", s->name);
		return;
	}
	r->qlen = (size_t)len;
	alen = ck_sockaddr(&c->connect_ip, c->connect_port, &ss);
	if (connect(r->fd, (struct sockaddr *)&ss, alen) < 0 ||
	    send(r->fd, r->query, r->qlen, 0) != (ssize_t)r->qlen) {
		fail(c, errno == ECONNREFUSED ? CK_REFUSED : CK_ERROR,
		     "failed to write all of the datagram.");
		return;
	}
	now = mono_now();
	timeradd(&now, &tv, &r->deadline);
	r->ev = event_new(c->base, r->fd, EV_READ, on_io, c);
	if (!r->ev || event_add(r->ev, &tv) < 0)
		fail(c, CK_ERROR, "out of memory");
}

/* Is `name` set on the check block or the real/virtual server above it? */
static bool set_above(const struct conf_node *blk, const char *name)
{
	for (const struct conf_node *b = blk; b && b->kw; b = b->parent)
		if (conf_find_last(b, name))
			return true;
	return false;
}

static bool dns_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	struct dns_spec *s = calloc(1, sizeof(*s));
	const char *type = conf_get_str(blk, "type", "SOA");

	(void)conf;
	if (!s)
		return false;
	s->qtype = dns_type_code(type);
	if (!s->qtype)
		s->qtype = dns_type_code("SOA");
	s->name = conf_get_str(blk, "name", ".");
	if (!set_above(blk, "retry"))
		c->retry = DNS_DEFAULT_RETRY;
	if (!set_above(blk, "delay_before_retry"))
		c->delay_before_retry_us = c->delay_loop_us;
	c->spec = s;
	return true;
}

static void dns_log_ok(const struct ck_check *c)
{
	(void)c;                                 /* 2.2.7 logs no success line */
}

static void dns_log_failed(const struct ck_check *c, unsigned retries)
{
	if (retries)
		log_info("DNS_CHECK (%s) %s after %u retries", c->rs->label, c->reason, retries);
	else
		log_info("DNS_CHECK (%s) %s", c->rs->label, c->reason);
}

static void dns_dump(FILE *out, const struct ck_check *c)
{
	const struct dns_spec *s = c->spec;

	fprintf(out, "       type = %s, name = %s%s%s\n", dns_type_name(s->qtype), s->name,
		s->ignored[0] ? ", last ignored datagram: " : "", s->ignored);
}

const struct ck_kind ck_kind_dns = {
	.keyword = "DNS_CHECK",
	.build = dns_build,
	.attempt = dns_attempt,
	.cancel = dns_cancel,
	.log_ok = dns_log_ok,
	.log_failed = dns_log_failed,
	.logs_attempts = true,
	.dump = dns_dump,
};
