/*
 * http_fetch.h - one non-blocking HTTP(S) GET on libevent, ending in one
 * result callback.
 *
 * Design.  http_fetch_start() opens a TCP socket (optional SO_MARK and
 * source address; or takes the caller's, use_fd), connects, optionally
 * runs a TLS handshake (an OpenSSL filter bufferevent over the socket one,
 * with SNI; libssl and libevent_openssl are reached through http_tls.h,
 * loaded at first use, never linked), writes the request
 * the caller built (http_request.h) and feeds every read, at most 4095
 * bytes at a time as 2.2.7 reads, to a struct http_response
 * (http_response.h).  A plain fetch uses one libevent event and no
 * buffers of its own (http_fetch.c).  Exactly one on_done callback
 * follows, from the event loop, never from inside http_fetch_start(); the
 * fetch frees itself when that callback returns.  http_fetch_cancel()
 * stops a fetch silently.
 *
 * Timeouts: timeout_ms bounds the TCP connect, the TLS handshake, the
 * write of the request, and each wait for response bytes (it restarts at
 * every read, as 2.2.7's does); 0 means no timeout.  A step that
 * completed by the time its timeout is handled (a long loop pass under
 * load) is not a timeout: the socket is asked before one is reported.
 *
 * End of the exchange: with read_to_close (2.2.7's behaviour, which
 * genhash reproduces) the fetch reads until the server closes even when
 * the response framing is complete; otherwise it stops as soon as the
 * parser says HTTP_COMPLETE.  A reset or read error while waiting for the
 * response is HTTP_FETCH_READ_FAILED (2.2.7: "Read error"), on TLS a TLS
 * failure.
 *
 * The process must ignore SIGPIPE: libevent writes with write(2), and a
 * server that closes before reading the request would otherwise kill it.
 */
#ifndef KA_HTTP_FETCH_H
#define KA_HTTP_FETCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "http_response.h"
#include "http_tls.h"

struct event_base;
struct ssl_ctx_st;

enum http_fetch_status {
	HTTP_FETCH_OK,              /* end of response: resp->outcome is final */
	HTTP_FETCH_SOCKET_ERROR,    /* socket(), SO_MARK, bind() or TLS setup failed */
	HTTP_FETCH_CONNECT_FAILED,  /* refused, unreachable ... (err) */
	HTTP_FETCH_CONNECT_TIMEOUT,
	HTTP_FETCH_TLS_FAILED,      /* handshake or later TLS error */
	HTTP_FETCH_TLS_TIMEOUT,     /* handshake did not finish in time */
	HTTP_FETCH_WRITE_TIMEOUT,
	HTTP_FETCH_WRITE_FAILED,
	HTTP_FETCH_READ_TIMEOUT,    /* resp->bytes_in tells if anything came */
	HTTP_FETCH_READ_FAILED,     /* reset or read error (err) */
};

struct http_fetch_result {
	enum http_fetch_status status;
	int err;                           /* errno when known, else 0 */
	const struct http_response *resp;  /* valid during the callback only */
	uint64_t elapsed_us;               /* from start to this result */
};

struct http_fetch_opts {
	const struct sockaddr *addr;       /* server (IPv4 or IPv6) */
	socklen_t addrlen;
	const struct sockaddr *bind_addr;  /* source address, or NULL */
	socklen_t bind_addrlen;
	uint32_t fwmark;                   /* SO_MARK when non-zero */
	bool use_fd;                       /* connect fd instead of opening a socket */
	int fd;                            /* non-blocking, options applied (bind_addr
					    * and fwmark unused); the fetch owns it,
					    * even when start returns NULL */
	unsigned timeout_ms;               /* see above; 0 = none */
	struct ssl_ctx_st *tls;            /* TLS when non-NULL (http_tls.h) */
	const char *sni;                   /* TLS server name, or NULL */
	const char *request;               /* bytes to send */
	size_t request_len;
	enum http_framing framing;         /* how to parse the response */
	size_t max_header;                 /* 0 = HTTP_KA_MAX_HEADER */
	bool read_to_close;
	bool no_digest;                    /* skip the MD5 (http_response_skip_digest) */
	/* optional observers, called from the event loop */
	void (*on_read)(void *arg, const struct http_response *resp, size_t len);
	http_header_fn on_header;
	http_body_fn on_body;
	void (*on_done)(void *arg, const struct http_fetch_result *res);
	void *arg;
};

struct http_fetch;

/*
 * Start a fetch on base; opts and the strings it points to are copied
 * where needed (request, sni) and need not outlive this call.  Returns
 * NULL only when memory cannot be had; every other failure is reported
 * through on_done.
 */
struct http_fetch *http_fetch_start(struct event_base *base, const struct http_fetch_opts *opts);

/* Stop a fetch whose on_done has not run yet; on_done will not run. */
void http_fetch_cancel(struct http_fetch *f);

/* Short English text for a status ("connection timed out"). */
const char *http_fetch_status_str(enum http_fetch_status s);

#endif
