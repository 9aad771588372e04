/*
 * http_fetch.c - one non-blocking HTTP(S) GET over libevent bufferevents
 * (contract and timeouts: http_fetch.h).
 *
 * Phases, each with its own event callback: connect (socket bufferevent,
 * write timeout = connect timeout) -> TLS handshake (TLS only: OpenSSL
 * filter bufferevent in connecting state) -> exchange (request written,
 * response read and fed to the parser).
 * Every path to the end goes through finish(), which calls on_done once
 * and frees everything.  TLS functions are called through http_tls.h's
 * table (loaded by http_tls_ctx_new()), never linked directly.
 */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_fetch.h"
#include "http_tls.h"

#define READ_SIZE 4095   /* 2.2.7 reads at most this much at a time */

struct http_fetch {
	struct event_base *base;
	struct http_fetch_opts o;      /* request and sni point into this object */
	char *request;
	char *sni;
	struct bufferevent *sock;      /* the TCP bufferevent */
	struct bufferevent *bev;       /* what we read and write: sock or TLS filter */
	struct event *deferred;        /* reports a failure found in start() */
	struct http_response resp;
	bool resp_ready;
	struct timespec t0;
	enum http_fetch_status fail;   /* for the deferred report */
	int fail_err;
};

static uint64_t elapsed_us(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000000u +
	       (uint64_t)((now.tv_nsec - t0->tv_nsec) / 1000);
}

static void release(struct http_fetch *f)
{
	if (f->bev)
		bufferevent_free(f->bev);   /* frees sock too when it is a filter */
	else if (f->sock)
		bufferevent_free(f->sock);
	if (f->deferred)
		event_free(f->deferred);
	if (f->resp_ready)
		http_response_free(&f->resp);
	free(f->request);
	free(f->sni);
	free(f);
}

static void finish(struct http_fetch *f, enum http_fetch_status st, int err)
{
	struct http_fetch_result res = {
		.status = st,
		.err = err,
		.resp = &f->resp,
		.elapsed_us = elapsed_us(&f->t0),
	};

	if (f->bev)
		bufferevent_disable(f->bev, EV_READ | EV_WRITE);
	if (f->o.on_done)
		f->o.on_done(f->o.arg, &res);
	release(f);
}

static void set_timeouts(struct http_fetch *f, struct bufferevent *bev)
{
	struct timeval tv = {
		.tv_sec = f->o.timeout_ms / 1000,
		.tv_usec = (f->o.timeout_ms % 1000) * 1000,
	};

	if (f->o.timeout_ms)
		bufferevent_set_timeouts(bev, &tv, &tv);
}

/* ---- exchange -------------------------------------------------------- */

/*
 * Reads are at most READ_SIZE bytes; while the header is incomplete, at
 * most what still fits in it (2.2.7 reads the header into a buffer of
 * that size, which shapes its -v dumps).
 */
static size_t next_read_size(const struct http_fetch *f)
{
	size_t room;

	if (http_response_header_done(&f->resp) || f->resp.bytes_in >= f->resp.max_header)
		return READ_SIZE;
	room = f->resp.max_header - (size_t)f->resp.bytes_in;
	return room < READ_SIZE ? room : READ_SIZE;
}

/* Feed what the bufferevent holds; true when that ended the fetch (f is gone). */
static bool drain(struct http_fetch *f)
{
	struct evbuffer *in = bufferevent_get_input(f->bev);
	uint8_t buf[READ_SIZE];

	while (evbuffer_get_length(in)) {
		int n = evbuffer_remove(in, buf, sizeof(buf));
		enum http_outcome o;

		if (n <= 0)
			break;
		if (f->o.on_read)
			f->o.on_read(f->o.arg, &f->resp, (size_t)n);
		o = http_response_feed(&f->resp, buf, (size_t)n);
		bufferevent_set_max_single_read(f->bev, next_read_size(f));
		if ((o == HTTP_COMPLETE && !f->o.read_to_close) ||
		    (o != HTTP_MORE && o != HTTP_COMPLETE)) {
			finish(f, HTTP_FETCH_OK, 0);
			return true;
		}
	}
	return false;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	drain(arg);
}

/* The server closed (or reset): bytes a TLS filter still holds come first. */
static void end_of_input(struct http_fetch *f)
{
	if (drain(f))
		return;
	http_response_finish(&f->resp);
	finish(f, HTTP_FETCH_OK, 0);
}

static void exchange_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_fetch *f = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		finish(f, (what & BEV_EVENT_WRITING) ? HTTP_FETCH_WRITE_TIMEOUT
						     : HTTP_FETCH_READ_TIMEOUT, 0);
	} else if (what & BEV_EVENT_EOF) {
		end_of_input(f);
	} else if (what & BEV_EVENT_ERROR) {
		if (f->o.tls && http_tls()->get_error(f->bev))
			finish(f, HTTP_FETCH_TLS_FAILED, 0);
		else if (what & BEV_EVENT_WRITING)
			finish(f, HTTP_FETCH_WRITE_FAILED, err);
		else if (!drain(f))
			finish(f, HTTP_FETCH_READ_FAILED, err);
	}
}

static void start_exchange(struct http_fetch *f)
{
	bufferevent_set_max_single_read(f->bev, next_read_size(f));
	bufferevent_setcb(f->bev, read_cb, NULL, exchange_event_cb, f);
	set_timeouts(f, f->bev);
	if (bufferevent_write(f->bev, f->request, f->o.request_len) < 0) {
		finish(f, HTTP_FETCH_WRITE_FAILED, ENOMEM);
		return;
	}
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
}

/* ---- TLS handshake --------------------------------------------------- */

static void handshake_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_fetch *f = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		start_exchange(f);
	else if (what & BEV_EVENT_TIMEOUT)
		finish(f, HTTP_FETCH_TLS_TIMEOUT, 0);
	else if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))
		finish(f, HTTP_FETCH_TLS_FAILED, 0);
}

static void start_tls(struct http_fetch *f)
{
	const struct http_tls_api *t = http_tls();   /* loaded: f->o.tls exists */
	SSL *ssl = t ? t->ssl_new(f->o.tls) : NULL;
	struct bufferevent *filter;

	if (!ssl || (f->sni && t->ssl_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
					    TLSEXT_NAMETYPE_host_name, f->sni) != 1)) {
		if (ssl)
			t->ssl_free(ssl);
		finish(f, HTTP_FETCH_SOCKET_ERROR, 0);
		return;
	}
	filter = t->filter_new(f->base, f->sock, ssl, BUFFEREVENT_SSL_CONNECTING,
			       BEV_OPT_CLOSE_ON_FREE);
	if (!filter) {
		t->ssl_free(ssl);
		finish(f, HTTP_FETCH_SOCKET_ERROR, 0);
		return;
	}
	f->bev = filter;
	t->allow_dirty_shutdown(filter, 1);
	bufferevent_set_max_single_read(filter, READ_SIZE);
	bufferevent_setcb(filter, NULL, NULL, handshake_event_cb, f);
	set_timeouts(f, filter);
	bufferevent_enable(filter, EV_READ | EV_WRITE);
}

/* ---- connect --------------------------------------------------------- */

static void connect_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_fetch *f = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (f->o.tls) {
			start_tls(f);
		} else {
			f->bev = f->sock;
			start_exchange(f);
		}
	} else if (what & BEV_EVENT_TIMEOUT) {
		finish(f, HTTP_FETCH_CONNECT_TIMEOUT, 0);
	} else {
		finish(f, HTTP_FETCH_CONNECT_FAILED, err);
	}
}

static void deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_fetch *f = arg;

	(void)fd;
	(void)what;
	finish(f, f->fail, f->fail_err);
}

/* Report a failure from start() on the next loop iteration. */
static struct http_fetch *defer_failure(struct http_fetch *f, enum http_fetch_status st, int err)
{
	struct timeval zero = { 0, 0 };

	f->fail = st;
	f->fail_err = err;
	f->deferred = evtimer_new(f->base, deferred_cb, f);
	if (!f->deferred) {
		release(f);
		return NULL;
	}
	evtimer_add(f->deferred, &zero);
	return f;
}

static int open_socket(const struct http_fetch_opts *o)
{
	int fd = socket(o->addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if ((o->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &o->fwmark, sizeof(o->fwmark)) < 0) ||
	    (o->bind_addr && bind(fd, o->bind_addr, o->bind_addrlen) < 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static bool copy_strings(struct http_fetch *f, const struct http_fetch_opts *opts)
{
	f->request = malloc(opts->request_len ? opts->request_len : 1);
	if (!f->request)
		return false;
	memcpy(f->request, opts->request, opts->request_len);
	f->o.request = f->request;
	if (opts->sni) {
		f->sni = strdup(opts->sni);
		if (!f->sni)
			return false;
	}
	f->o.sni = f->sni;
	return true;
}

struct http_fetch *http_fetch_start(struct event_base *base, const struct http_fetch_opts *opts)
{
	struct http_fetch *f = calloc(1, sizeof(*f));
	int fd;

	if (!f || !copy_strings(f, opts) ||
	    http_response_init(&f->resp, opts->framing, opts->max_header, opts->on_header,
			       opts->on_body, opts->arg) < 0) {
		if (opts->use_fd)
			close(opts->fd);
		if (f)
			release(f);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &f->t0);
	f->base = base;
	f->o = *opts;
	f->o.request = f->request;
	f->o.sni = f->sni;
	f->resp_ready = true;
	if (opts->no_digest)
		http_response_skip_digest(&f->resp);
	fd = opts->use_fd ? opts->fd : open_socket(opts);
	if (fd < 0)
		return defer_failure(f, HTTP_FETCH_SOCKET_ERROR, errno);
	f->sock = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!f->sock) {
		close(fd);
		return defer_failure(f, HTTP_FETCH_SOCKET_ERROR, ENOMEM);
	}
	bufferevent_set_max_single_read(f->sock, READ_SIZE);
	bufferevent_setcb(f->sock, NULL, NULL, connect_event_cb, f);
	set_timeouts(f, f->sock);
	/* an immediate refusal is reported through connect_event_cb later */
	if (bufferevent_socket_connect(f->sock, opts->addr, (int)opts->addrlen) < 0)
		return defer_failure(f, HTTP_FETCH_CONNECT_FAILED, errno);
	return f;
}

void http_fetch_cancel(struct http_fetch *f)
{
	if (f)
		release(f);
}

const char *http_fetch_status_str(enum http_fetch_status s)
{
	switch (s) {
	case HTTP_FETCH_OK: return "response received";
	case HTTP_FETCH_SOCKET_ERROR: return "socket setup failed";
	case HTTP_FETCH_CONNECT_FAILED: return "connection failed";
	case HTTP_FETCH_CONNECT_TIMEOUT: return "connection timed out";
	case HTTP_FETCH_TLS_FAILED: return "TLS handshake/communication error";
	case HTTP_FETCH_TLS_TIMEOUT: return "TLS handshake timed out";
	case HTTP_FETCH_WRITE_TIMEOUT: return "timed out sending the request";
	case HTTP_FETCH_WRITE_FAILED: return "sending the request failed";
	case HTTP_FETCH_READ_TIMEOUT: return "timed out waiting for the response";
	case HTTP_FETCH_READ_FAILED: return "reading the response failed";
	}
	return "unknown";
}
