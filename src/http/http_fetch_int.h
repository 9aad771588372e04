/*
 * http_fetch_int.h - what http_fetch.c (connect, plain HTTP exchange, the
 * end of every fetch) shares with http_fetch_tls.c (TLS handshake and
 * exchange on libevent bufferevents).  Private to src/http.
 */
#ifndef KA_HTTP_FETCH_INT_H
#define KA_HTTP_FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http_fetch.h"

#define HTTP_FETCH_READ_SIZE 4095   /* 2.2.7 reads at most this much at a time */

struct event;
struct bufferevent;

struct http_fetch {
	struct event_base *base;
	struct http_fetch_opts o;      /* request and sni point into this object */
	char *request;
	char *sni;
	int fd;                        /* the socket until a bufferevent owns it; -1 */
	struct event *ev;              /* plain path: the socket's one event */
	int phase;                     /* plain path: see http_fetch.c */
	size_t sent;                   /* request bytes written */
	struct bufferevent *bev;       /* TLS path: the filter (owns the socket's) */
	struct event *deferred;        /* reports a failure found in start() */
	struct http_response resp;
	bool resp_ready;
	struct timespec t0;
	enum http_fetch_status fail;   /* for the deferred report */
	int fail_err;
};

/* Report st/err through on_done, then free f (and close its socket). */
void hf_finish(struct http_fetch *f, enum http_fetch_status st, int err);

/* Feed n response bytes to the parser; true when that ended the fetch
 * (f is gone). */
bool hf_feed(struct http_fetch *f, const void *buf, size_t n);

/* How much the next read may take (2.2.7's read sizes, see http_fetch.c). */
size_t hf_next_read_size(const struct http_fetch *f);

/* True when the socket has one of the poll(2) events in mask now. */
bool hf_ready(int fd, short mask);

/* TLS path, from a connected f->fd: handshake, request, response; ends
 * with hf_finish().  f->fd then belongs to the bufferevent. */
void hf_tls_start(struct http_fetch *f);

/* Free the TLS path's bufferevents (closes the socket). */
void hf_tls_release(struct http_fetch *f);

#endif
