/*
 * http_fetch.c - one non-blocking HTTP(S) GET over libevent (contract and
 * timeouts: http_fetch.h; the TLS part: http_fetch_tls.c).
 *
 * Design.  A plain fetch is one socket and one libevent event on it,
 * edge-triggered for reading and writing and persistent, with timeout_ms
 * as its timeout (libevent restarts it at every activation).  Phases:
 * CONNECTING (non-blocking connect; the first writability ends it) ->
 * SENDING (the request, written straight from our copy) -> RECEIVING
 * (reads of at most 4095 bytes into a stack buffer, fed to the parser,
 * until the server closes or the parser is done; EV_CLOSED, the server's
 * FIN, spares the last recv() that would return 0).  No bufferevent and no
 * evbuffer: nothing is allocated per fetch but this object, the request
 * copy and the parser's header buffer (grown as the header comes).  A TLS
 * fetch shares the CONNECTING phase, then hands the socket to
 * http_fetch_tls.c.
 *
 * Timeouts.  When the timer expires in the loop pass where the socket
 * became ready, libevent reports only EV_TIMEOUT; under load (long loop
 * passes) that made completed steps count as timeouts.  So a timeout is
 * only a timeout when the socket says so: on EV_TIMEOUT each phase tries
 * its step (poll for the connect, the write, the read) and reports the
 * timeout only when the step would still block.
 *
 * Close.  A plain close(), as 2.2.7's: an abortive one (SO_LINGER 0, an
 * RST) would leave no TIME_WAIT socket but showed no CPU gain, and would
 * make a server see a reset whenever a check gives up on it.
 *
 * Every path to the end goes through hf_finish(), which calls on_done once
 * and frees everything.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "http_fetch_int.h"

enum { PH_CONNECTING, PH_SENDING, PH_RECEIVING };

static uint64_t elapsed_us(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000000u +
	       (uint64_t)((now.tv_nsec - t0->tv_nsec) / 1000);
}

static void release(struct http_fetch *f)
{
	if (f->ev)
		event_free(f->ev);
	if (f->fd >= 0)
		close(f->fd);
	hf_tls_release(f);
	if (f->deferred)
		event_free(f->deferred);
	if (f->resp_ready)
		http_response_free(&f->resp);
	free(f->request);
	free(f->sni);
	free(f);
}

void hf_finish(struct http_fetch *f, enum http_fetch_status st, int err)
{
	struct http_fetch_result res = {
		.status = st,
		.err = err,
		.resp = &f->resp,
		.elapsed_us = elapsed_us(&f->t0),
	};

	if (f->o.on_done)
		f->o.on_done(f->o.arg, &res);
	release(f);
}

bool hf_ready(int fd, short mask)
{
	struct pollfd p = { .fd = fd, .events = mask };

	return poll(&p, 1, 0) == 1 && (p.revents & (mask | POLLERR | POLLHUP));
}

/*
 * Reads are at most HTTP_FETCH_READ_SIZE bytes; while the header is
 * incomplete, at most what still fits in it (2.2.7 reads the header into
 * a buffer of that size, which shapes its -v dumps).
 */
size_t hf_next_read_size(const struct http_fetch *f)
{
	size_t room;

	if (http_response_header_done(&f->resp) || f->resp.bytes_in >= f->resp.max_header)
		return HTTP_FETCH_READ_SIZE;
	room = f->resp.max_header - (size_t)f->resp.bytes_in;
	return room < HTTP_FETCH_READ_SIZE ? room : HTTP_FETCH_READ_SIZE;
}

bool hf_feed(struct http_fetch *f, const void *buf, size_t n)
{
	enum http_outcome o;

	if (f->o.on_read)
		f->o.on_read(f->o.arg, &f->resp, n);
	o = http_response_feed(&f->resp, buf, n);
	if ((o == HTTP_COMPLETE && !f->o.read_to_close) || (o != HTTP_MORE && o != HTTP_COMPLETE)) {
		hf_finish(f, HTTP_FETCH_OK, 0);
		return true;
	}
	return false;
}

/* ---- plain exchange ---------------------------------------------------- */

/*
 * Read until the socket would block; late: the timer fired; closed: the
 * server's FIN has come (EV_CLOSED), so a short read took the last bytes
 * and the end of input needs no further recv().
 */
static void receive(struct http_fetch *f, bool late, bool closed)
{
	uint8_t buf[HTTP_FETCH_READ_SIZE];

	for (;;) {
		size_t want = hf_next_read_size(f);
		ssize_t n = recv(f->fd, buf, want, 0);

		if (n > 0) {
			late = false;
			if (hf_feed(f, buf, (size_t)n))
				return;
			if (closed && (size_t)n < want)
				n = 0;
		}
		if (n > 0) {
			continue;
		} else if (n == 0) {
			http_response_finish(&f->resp);
			hf_finish(f, HTTP_FETCH_OK, 0);
			return;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (late)
				hf_finish(f, HTTP_FETCH_READ_TIMEOUT, 0);
			return;
		} else {
			hf_finish(f, HTTP_FETCH_READ_FAILED, errno);
			return;
		}
	}
}

/* Write what is left of the request; false when that ended the fetch. */
static bool send_request(struct http_fetch *f, bool late)
{
	while (f->sent < f->o.request_len) {
		ssize_t n = send(f->fd, f->request + f->sent, f->o.request_len - f->sent,
				 MSG_NOSIGNAL);

		if (n >= 0) {
			f->sent += (size_t)n;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (late)
				hf_finish(f, HTTP_FETCH_WRITE_TIMEOUT, 0);
			return !late;
		} else {
			hf_finish(f, HTTP_FETCH_WRITE_FAILED, errno);
			return false;
		}
	}
	f->phase = PH_RECEIVING;
	return true;
}

/* The connect has ended (writable, or an error or data is pending):
 * false when it failed (reported) or the fetch went to TLS. */
static bool connected(struct http_fetch *f, short what)
{
	int err = 0;
	socklen_t len = sizeof(err);

	/* Plain writability is success; anything else asks the socket. */
	if ((what & EV_READ) || f->o.tls) {
		if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			hf_finish(f, HTTP_FETCH_CONNECT_FAILED, err);
			return false;
		}
	}
	if (f->o.tls) {
		event_free(f->ev);
		f->ev = NULL;
		hf_tls_start(f);
		return false;
	}
	f->phase = PH_SENDING;
	return true;
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
	struct http_fetch *f = arg;
	bool late = (what & EV_TIMEOUT) != 0;

	if (f->phase == PH_CONNECTING) {
		if (late && !hf_ready((int)fd, POLLOUT)) {
			hf_finish(f, HTTP_FETCH_CONNECT_TIMEOUT, 0);
			return;
		}
		if (!connected(f, late ? EV_READ : what))
			return;
		late = false;
	}
	if (f->phase == PH_SENDING) {
		if (!send_request(f, late) || f->phase == PH_SENDING)
			return;
		late = false;   /* edge-triggered: the response will wake us */
	}
	if ((what & EV_READ) || late)
		receive(f, late, (what & EV_CLOSED) != 0);
}

/* ---- start --------------------------------------------------------------- */

static void deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_fetch *f = arg;

	(void)fd;
	(void)what;
	hf_finish(f, f->fail, f->fail_err);
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
	if (opts->sni) {
		f->sni = strdup(opts->sni);
		if (!f->sni)
			return false;
	}
	return true;
}

/* Connect f->fd and wait for the end of the connect. */
static struct http_fetch *start_connect(struct http_fetch *f)
{
	struct timeval tv = {
		.tv_sec = f->o.timeout_ms / 1000,
		.tv_usec = (f->o.timeout_ms % 1000) * 1000,
	};

	if (connect(f->fd, f->o.addr, f->o.addrlen) < 0 && errno != EINPROGRESS)
		return defer_failure(f, HTTP_FETCH_CONNECT_FAILED, errno);
	f->o.addr = NULL;   /* the caller's; not needed any more */
	f->ev = event_new(f->base, f->fd, EV_READ | EV_WRITE | EV_CLOSED | EV_PERSIST | EV_ET,
			  on_io, f);
	if (!f->ev || event_add(f->ev, f->o.timeout_ms ? &tv : NULL) < 0)
		return defer_failure(f, HTTP_FETCH_SOCKET_ERROR, ENOMEM);
	return f;
}

struct http_fetch *http_fetch_start(struct event_base *base, const struct http_fetch_opts *opts)
{
	struct http_fetch *f = calloc(1, sizeof(*f));

	if (!f || !copy_strings(f, opts) ||
	    http_response_init(&f->resp, opts->framing, opts->max_header, opts->on_header,
			       opts->on_body, opts->arg) < 0) {
		if (opts->use_fd)
			close(opts->fd);
		if (f) {
			f->fd = -1;
			release(f);
		}
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &f->t0);
	f->base = base;
	f->o = *opts;
	f->o.request = f->request;
	f->o.sni = f->sni;
	f->resp_ready = true;
	f->phase = PH_CONNECTING;
	if (opts->no_digest)
		http_response_skip_digest(&f->resp);
	f->fd = opts->use_fd ? opts->fd : open_socket(opts);
	if (f->fd < 0)
		return defer_failure(f, HTTP_FETCH_SOCKET_ERROR, errno);
	return start_connect(f);
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
