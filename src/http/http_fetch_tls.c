/*
 * http_fetch_tls.c - the TLS part of an HTTP fetch (contract: http_fetch.h;
 * shared state: http_fetch_int.h).
 *
 * Once http_fetch.c has connected the socket, it is wrapped in a socket
 * bufferevent and an OpenSSL filter bufferevent in connecting state (with
 * SNI); the handshake, the request and the response then go through the
 * filter.  OpenSSL and libevent_openssl are reached through http_tls.h's
 * table (loaded by http_tls_ctx_new()), never linked.
 *
 * Timeouts are the bufferevents' own (timeout_ms for each wait).  When a
 * timeout expires in the loop pass where the socket became ready, libevent
 * reports only the timeout; the socket then decides: if it is ready, the
 * bufferevent is re-enabled (with a fresh timeout) and goes on.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "http_fetch_int.h"
#include "http_tls.h"

static void set_timeouts(struct http_fetch *f, struct bufferevent *bev)
{
	struct timeval tv = {
		.tv_sec = f->o.timeout_ms / 1000,
		.tv_usec = (f->o.timeout_ms % 1000) * 1000,
	};

	if (f->o.timeout_ms)
		bufferevent_set_timeouts(bev, &tv, &tv);
}

/* A timeout was reported: true when the socket is in fact ready (the
 * bufferevent was re-enabled and goes on). */
static bool late_not_timeout(struct http_fetch *f, short what)
{
	int fd = (int)bufferevent_getfd(f->bev);

	if (fd < 0 || !hf_ready(fd, (what & BEV_EVENT_WRITING) ? POLLOUT : POLLIN))
		return false;
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
	return true;
}

/* Feed what the filter holds; true when that ended the fetch (f is gone). */
static bool drain(struct http_fetch *f)
{
	struct evbuffer *in = bufferevent_get_input(f->bev);
	uint8_t buf[HTTP_FETCH_READ_SIZE];

	while (evbuffer_get_length(in)) {
		int n = evbuffer_remove(in, buf, sizeof(buf));

		if (n <= 0)
			break;
		if (hf_feed(f, buf, (size_t)n))
			return true;
		bufferevent_set_max_single_read(f->bev, hf_next_read_size(f));
	}
	return false;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	drain(arg);
}

static void exchange_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_fetch *f = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		if (!late_not_timeout(f, what))
			hf_finish(f, (what & BEV_EVENT_WRITING) ? HTTP_FETCH_WRITE_TIMEOUT
							       : HTTP_FETCH_READ_TIMEOUT, 0);
	} else if (what & BEV_EVENT_EOF) {
		/* bytes the filter still holds come first */
		if (!drain(f)) {
			http_response_finish(&f->resp);
			hf_finish(f, HTTP_FETCH_OK, 0);
		}
	} else if (what & BEV_EVENT_ERROR) {
		if (http_tls()->get_error(f->bev))
			hf_finish(f, HTTP_FETCH_TLS_FAILED, 0);
		else if (what & BEV_EVENT_WRITING)
			hf_finish(f, HTTP_FETCH_WRITE_FAILED, err);
		else if (!drain(f))
			hf_finish(f, HTTP_FETCH_READ_FAILED, err);
	}
}

static void start_exchange(struct http_fetch *f)
{
	bufferevent_set_max_single_read(f->bev, hf_next_read_size(f));
	bufferevent_setcb(f->bev, read_cb, NULL, exchange_event_cb, f);
	if (bufferevent_write(f->bev, f->request, f->o.request_len) < 0) {
		hf_finish(f, HTTP_FETCH_WRITE_FAILED, ENOMEM);
		return;
	}
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
}

static void handshake_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_fetch *f = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		start_exchange(f);
	else if (what & BEV_EVENT_TIMEOUT) {
		if (!late_not_timeout(f, what))
			hf_finish(f, HTTP_FETCH_TLS_TIMEOUT, 0);
	} else if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))
		hf_finish(f, HTTP_FETCH_TLS_FAILED, 0);
}

void hf_tls_start(struct http_fetch *f)
{
	const struct http_tls_api *t = http_tls();   /* loaded: f->o.tls exists */
	SSL *ssl = t ? t->ssl_new(f->o.tls) : NULL;
	struct bufferevent *sock, *filter;

	if (!ssl || (f->sni && t->ssl_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
					    TLSEXT_NAMETYPE_host_name, f->sni) != 1))
		goto fail;
	sock = bufferevent_socket_new(f->base, f->fd, BEV_OPT_CLOSE_ON_FREE);
	if (!sock)
		goto fail;
	f->fd = -1;     /* the bufferevent closes it */
	filter = t->filter_new(f->base, sock, ssl, BUFFEREVENT_SSL_CONNECTING,
			       BEV_OPT_CLOSE_ON_FREE);
	if (!filter) {
		bufferevent_free(sock);
		goto fail;
	}
	f->bev = filter;
	t->allow_dirty_shutdown(filter, 1);
	bufferevent_set_max_single_read(sock, HTTP_FETCH_READ_SIZE);
	bufferevent_set_max_single_read(filter, HTTP_FETCH_READ_SIZE);
	bufferevent_setcb(filter, NULL, NULL, handshake_event_cb, f);
	set_timeouts(f, filter);
	bufferevent_enable(filter, EV_READ | EV_WRITE);
	return;
fail:
	if (ssl)
		t->ssl_free(ssl);
	hf_finish(f, HTTP_FETCH_SOCKET_ERROR, 0);
}

void hf_tls_release(struct http_fetch *f)
{
	if (f->bev)
		bufferevent_free(f->bev);   /* frees the socket bufferevent too */
	f->bev = NULL;
}
