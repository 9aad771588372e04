/*
 * check_smtp.c - SMTP_CHECK (see check_kind.h).
 *
 * An attempt talks to each target in turn: the check's own connect_ip /
 * connect_port, then each deprecated "host {}" block's (2.2.7 turns those
 * into extra checkers; here one check passes only when every target
 * does, which gives the real server the same verdict).  Per target:
 *
 *   connect (connect_timeout) -> greeting 220 -> "HELO <helo_name>" ->
 *   250 -> "QUIT" -> any reply, EOF or timeout: this target passed
 *
 * Replies are parsed with smtp_reply_parse() (multi-line replies too;
 * 2.2.7 refuses a multi-line HELO reply, we accept it).  Each wait for a
 * reply is bounded by connect_timeout.  Failures carry 2.2.7's reasons
 * ("Bad greeting banner from server [10.9.0.6]:25", the address checked),
 * which its verdict line "SMTP_CHECK <reason>" (no retry count), the
 * log_all_failures line of a retried attempt and the alert mail repeat;
 * success is "Remote SMTP server [10.9.0.3]:tcp:25 succeed on service."
 * (the real server).  All observed on 2.2.7 in the QEMU VM.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "check_kind.h"
#include "conf.h"
#include "log.h"
#include "smtp_reply.h"

#define SMTP_CHECK_IN_MAX 2048
#define SMTP_CHECK_HELO "smtpchecker.keepalived.org"    /* 2.2.7's default */

/* Where to connect: the check itself or one host {} block. */
struct ck_smtp_target {
	struct ipvs_ip ip;
	uint16_t port;
	struct ipvs_ip bindto;
	uint16_t bind_port;
	char bind_if[16];
	uint32_t fwmark;
	uint64_t timeout_us;
	char label[CK_LABEL_MAX];        /* "[10.9.0.2]:25" */
};

struct ck_smtp_spec {
	const char *helo;                /* helo_name (in the tree) or the default */
	size_t n;                        /* targets: t[0] the check, then host {} blocks */
	struct ck_smtp_target t[];
};

enum smtp_phase { P_CONNECT, P_GREET, P_HELO, P_QUIT };

struct smtp_run {
	size_t target;                   /* index in spec->t */
	enum smtp_phase phase;
	int fd;                          /* until bev owns it */
	struct event *conn_ev;
	struct bufferevent *bev;
	size_t inlen;
	char in[SMTP_CHECK_IN_MAX];
};

static const struct ck_smtp_spec *spec_of(const struct ck_check *c)
{
	return c->spec;
}

static void run_close(struct smtp_run *r)
{
	if (r->conn_ev)
		event_free(r->conn_ev);
	if (r->bev)
		bufferevent_free(r->bev);
	else if (r->fd >= 0)
		close(r->fd);
	r->conn_ev = NULL;
	r->bev = NULL;
	r->fd = -1;
}

static void smtp_cancel(struct ck_check *c)
{
	if (!c->run)
		return;
	run_close(c->run);
	free(c->run);
	c->run = NULL;
}

/* The current target's label, for reasons. */
static const char *label_of(const struct ck_check *c)
{
	const struct smtp_run *r = c->run;

	return spec_of(c)->t[r ? r->target : 0].label;
}

/* End the attempt with a failure and 2.2.7's reason. */
static void fail(struct ck_check *c, enum ck_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct ck_check *c, enum ck_outcome o, const char *fmt, ...)
{
	char why[CK_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	smtp_cancel(c);
	/* log_all_failures: 2.2.7 logs each failed attempt that will be
	 * retried with the verdict's words (the verdict is the funnel's) */
	if (ck_logs_failed_attempt(c))
		log_info("SMTP_CHECK %s", why);
	ck_check_done(c, o, "%s", why);
}

static void start_target(struct ck_check *c);

/* The current target passed: the next one, or success. */
static void target_done(struct ck_check *c)
{
	struct smtp_run *r = c->run;

	run_close(r);
	if (++r->target < spec_of(c)->n) {
		start_target(c);
		return;
	}
	smtp_cancel(c);
	ck_check_done(c, CK_SUCCESS, NULL);
}

static void send_line(struct smtp_run *r, const char *verb, const char *arg)
{
	struct evbuffer *out = bufferevent_get_output(r->bev);

	evbuffer_add_printf(out, "%s%s%s\r\n", verb, arg ? " " : "", arg ? arg : "");
}

/* One complete reply (or a malformed one: code 0). */
static void on_reply(struct ck_check *c, int code)
{
	struct smtp_run *r = c->run;

	switch (r->phase) {
	case P_GREET:
		if (code != 220) {
			fail(c, CK_ERROR, "Bad greeting banner from server %s", label_of(c));
			return;
		}
		send_line(r, "HELO", spec_of(c)->helo);
		r->phase = P_HELO;
		return;
	case P_HELO:
		if (code != 250) {
			fail(c, CK_ERROR, "Bad HELO response from server %s", label_of(c));
			return;
		}
		send_line(r, "QUIT", NULL);
		r->phase = P_QUIT;
		return;
	default:
		target_done(c);
		return;
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct ck_check *c = arg;
	struct smtp_run *r = c->run;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;) {
		struct smtp_reply rep;
		const char *why = "reply too long";
		enum smtp_reply_status st;
		enum smtp_phase before = r->phase;
		int got = evbuffer_remove(in, r->in + r->inlen, sizeof(r->in) - r->inlen);

		r->inlen += got > 0 ? (size_t)got : 0;
		st = smtp_reply_parse(r->in, r->inlen, &rep, &why);
		if (st == SMTP_REPLY_MORE && r->inlen < sizeof(r->in))
			return;
		if (st != SMTP_REPLY_DONE) {
			log_debug("SMTP_CHECK %s: %s", spec_of(c)->t[r->target].label, why);
			if (r->phase != P_QUIT && st == SMTP_REPLY_MORE) {
				fail(c, CK_ERROR, "Buffer overflow reading from server %s", label_of(c));
				return;
			}
			on_reply(c, 0);
			return;
		}
		memmove(r->in, r->in + rep.used, r->inlen - rep.used);
		r->inlen -= rep.used;
		on_reply(c, rep.code);
		/* the attempt ended or moved to another target: stop here */
		if (c->run != r || before == P_QUIT || r->phase == P_CONNECT)
			return;
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct ck_check *c = arg;
	struct smtp_run *r = c->run;

	(void)bev;
	if (r->phase == P_QUIT) {                /* HELO passed: that is enough */
		target_done(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		fail(c, CK_TIMEOUT, "%s timeout %s server %s",
		     what & BEV_EVENT_WRITING ? "Write" : "Read",
		     what & BEV_EVENT_WRITING ? "to" : "from", label_of(c));
	else if (what & BEV_EVENT_WRITING)
		fail(c, CK_ERROR, "Write failure to server %s", label_of(c));
	else
		fail(c, CK_ERROR, "Read failure from server %s", label_of(c));
}

static struct timeval tv_of(uint64_t us)
{
	struct timeval tv = { .tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000) };

	return tv;
}

static void on_connect(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;
	struct smtp_run *r = c->run;
	struct timeval tv = tv_of(spec_of(c)->t[r->target].timeout_us);
	int err = 0;
	socklen_t len = sizeof(err);

	event_free(r->conn_ev);
	r->conn_ev = NULL;
	if (what & EV_TIMEOUT) {
		fail(c, CK_TIMEOUT, "Connection timeout to server %s", label_of(c));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		fail(c, err == ECONNREFUSED ? CK_REFUSED : CK_ERROR,
		     "Could not connect to server %s", label_of(c));
		return;
	}
	r->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!r->bev) {
		fail(c, CK_ERROR, "Unknown connection error to server %s", label_of(c));
		return;
	}
	r->fd = -1;
	r->phase = P_GREET;
	bufferevent_setcb(r->bev, on_read, NULL, on_event, c);
	bufferevent_set_timeouts(r->bev, &tv, &tv);
	bufferevent_enable(r->bev, EV_READ | EV_WRITE);
}

/* Connect to the current target, with its own socket options. */
static void start_target(struct ck_check *c)
{
	struct smtp_run *r = c->run;
	const struct ck_smtp_target *t = &spec_of(c)->t[r->target];
	struct timeval tv = tv_of(t->timeout_us);
	struct ck_check opts = *c;
	struct sockaddr_storage ss;
	unsigned len;

	opts.connect_ip = t->ip;
	opts.bindto = t->bindto;
	opts.bind_port = t->bind_port;
	opts.fwmark = t->fwmark;
	memcpy(opts.bind_if, t->bind_if, sizeof(opts.bind_if));
	r->phase = P_CONNECT;
	r->inlen = 0;
	r->fd = ck_socket(&opts, SOCK_STREAM, IPPROTO_TCP);
	if (r->fd < 0) {
		r->fd = -1;
		fail(c, CK_ERROR, "Unknown connection error to server %s", label_of(c));
		return;
	}
	len = ck_sockaddr(&t->ip, t->port, &ss);
	if (connect(r->fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		int err = errno;

		fail(c, err == ECONNREFUSED ? CK_REFUSED : CK_ERROR,
		     "Could not connect to server %s", label_of(c));
		return;
	}
	r->conn_ev = event_new(c->base, r->fd, EV_WRITE, on_connect, c);
	if (!r->conn_ev || event_add(r->conn_ev, &tv) < 0)
		fail(c, CK_ERROR, "Unknown connection error to server %s", label_of(c));
}

static void smtp_attempt(struct ck_check *c)
{
	struct smtp_run *r = calloc(1, sizeof(*r));

	if (!r) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	r->fd = -1;
	c->run = r;
	start_target(c);
}

/* One target from a block's connection options, defaulting to dflt's. */
static void read_target(struct ck_smtp_target *t, const struct conf_node *b,
			const struct ck_smtp_target *dflt)
{
	const char *w;
	char a[INET6_ADDRSTRLEN];

	*t = *dflt;
	if ((w = conf_get_str(b, "connect_ip", NULL)))
		ipvs_ip_parse(w, &t->ip);
	t->port = (uint16_t)conf_get_int(b, "connect_port", t->port);
	if ((w = conf_get_str(b, "bindto", NULL)))
		ipvs_ip_parse(w, &t->bindto);
	t->bind_port = (uint16_t)conf_get_int(b, "bind_port", t->bind_port);
	if ((w = conf_get_str(b, "bind_if", NULL)))
		snprintf(t->bind_if, sizeof(t->bind_if), "%s", w);
	t->fwmark = (uint32_t)conf_get_int(b, "fwmark", t->fwmark);
	t->timeout_us = conf_get_usec(b, "connect_timeout", t->timeout_us);
	snprintf(t->label, sizeof(t->label), "[%s]:%u", ipvs_ip_format(&t->ip, a, sizeof(a)),
		 t->port);
}

static bool smtp_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	const struct conf_node *n = conf_find_last(blk, "helo_name");
	struct ck_smtp_target base = {
		.ip = c->connect_ip, .port = c->connect_port, .bindto = c->bindto,
		.bind_port = c->bind_port, .fwmark = c->fwmark, .timeout_us = c->connect_timeout_us,
	};
	struct ck_smtp_spec *s;
	size_t hosts = 0, i = 1;

	(void)conf;
	memcpy(base.bind_if, c->bind_if, sizeof(base.bind_if));
	conf_foreach(n, blk)
		hosts += conf_node_name(n) && !strcmp(conf_node_name(n), "host");
	s = calloc(1, sizeof(*s) + (1 + hosts) * sizeof(s->t[0]));
	if (!s)
		return false;
	n = conf_find_last(blk, "helo_name");
	s->helo = n && n->argc > 0 ? n->argv[0] : SMTP_CHECK_HELO;
	s->n = 1 + hosts;
	read_target(&s->t[0], blk, &base);       /* only the label: c has the rest */
	conf_foreach(n, blk)
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "host"))
			read_target(&s->t[i++], n, &s->t[0]);
	c->spec = s;
	return true;
}

static void smtp_log_ok(const struct ck_check *c)
{
	log_info("Remote SMTP server %s succeed on service.", c->rs->label);   /* sic */
}

static void smtp_log_failed(const struct ck_check *c, unsigned retries)
{
	(void)retries;
	log_info("SMTP_CHECK %s", c->reason[0] ? c->reason : "failed");
}

static void smtp_dump(FILE *out, const struct ck_check *c)
{
	const struct ck_smtp_spec *s = spec_of(c);

	fprintf(out, "       helo = %s\n", s->helo);
	for (size_t i = 1; i < s->n; i++)
		fprintf(out, "       host = %s, timeout = %llu us\n", s->t[i].label,
			(unsigned long long)s->t[i].timeout_us);
}

const struct ck_kind ck_kind_smtp = {
	.keyword = "SMTP_CHECK",
	.build = smtp_build,
	.attempt = smtp_attempt,
	.cancel = smtp_cancel,
	.log_ok = smtp_log_ok,
	.log_failed = smtp_log_failed,
	.logs_attempts = true,
	.dump = smtp_dump,
};
