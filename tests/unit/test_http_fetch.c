/*
 * test_http_fetch.c - unit tests of the libevent HTTP fetch
 * (src/http/http_fetch.c) against a scripted server on the same event
 * base (127.0.0.1, a port the kernel picks): one result per fetch, early
 * completion with RFC framing, reading to close with keepalived's, read
 * timeouts before and after the first byte, refused connections, parser
 * errors, and cancelling.  TLS is covered by tests/system/test_genhash.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "http_fetch.h"
#include "http_request.h"

struct server {
	struct evconnlistener *lst;
	struct bufferevent *conn;  /* the connection being served, if any */
	const char *answer;       /* NULL: read the request, never answer */
	bool close_after;         /* close once the answer is written */
	char request[1024];
	size_t request_len;
	struct sockaddr_in addr;
};

struct outcome {
	int calls;
	struct http_fetch_result res;
	enum http_outcome parse;
	int status;
	uint64_t bytes_in;
	char hex[33];
	struct event_base *base;
};

static void server_close(struct server *s)
{
	if (s->conn)
		bufferevent_free(s->conn);
	s->conn = NULL;
}

static void srv_read(struct bufferevent *bev, void *arg)
{
	struct server *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	if (n > sizeof(s->request) - 1 - s->request_len)
		n = sizeof(s->request) - 1 - s->request_len;
	evbuffer_remove(in, s->request + s->request_len, n);
	s->request_len += n;
	if (!strstr(s->request, "\r\n\r\n") || !s->answer)
		return;
	/* with close_after, srv_write closes once this has drained */
	if (*s->answer)
		bufferevent_write(bev, s->answer, strlen(s->answer));
	else if (s->close_after)
		server_close(s);
}

static void srv_write(struct bufferevent *bev, void *arg)
{
	struct server *s = arg;

	(void)bev;
	if (s->close_after && s->answer && strstr(s->request, "\r\n\r\n"))
		server_close(s);
}

static void srv_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		server_close(arg);
}

static void srv_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		       int len, void *arg)
{
	struct bufferevent *bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
							  BEV_OPT_CLOSE_ON_FREE);

	(void)sa;
	(void)len;
	server_close(arg);
	((struct server *)arg)->conn = bev;
	bufferevent_setcb(bev, srv_read, srv_write, srv_event, arg);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void server_start(struct event_base *base, struct server *s, const char *answer, bool close_after)
{
	socklen_t len = sizeof(s->addr);

	memset(s, 0, sizeof(*s));
	s->answer = answer;
	s->close_after = close_after;
	s->addr.sin_family = AF_INET;
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lst = evconnlistener_new_bind(base, srv_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
					 8, (struct sockaddr *)&s->addr, sizeof(s->addr));
	assert_non_null(s->lst);
	getsockname(evconnlistener_get_fd(s->lst), (struct sockaddr *)&s->addr, &len);
}

static void server_stop(struct server *s)
{
	server_close(s);
	evconnlistener_free(s->lst);
}

static void on_done(void *arg, const struct http_fetch_result *res)
{
	struct outcome *o = arg;

	o->calls++;
	o->res = *res;
	o->parse = res->resp->outcome;
	o->status = res->resp->status;
	o->bytes_in = res->resp->bytes_in;
	if (o->parse == HTTP_COMPLETE)
		http_digest_hex(res->resp->digest, o->hex);
	event_base_loopbreak(o->base);
}

/* Fetch / from addr; returns after on_done (or a 10 s safety stop). */
static struct outcome fetch(struct event_base *base, const struct sockaddr_in *addr,
			    enum http_framing fr, bool to_close, unsigned timeout_ms)
{
	struct outcome o = { .base = base };
	char req[256];
	struct timeval guard = { 10, 0 };
	struct http_fetch_opts fo = {
		.addr = (const struct sockaddr *)addr,
		.addrlen = sizeof(*addr),
		.timeout_ms = timeout_ms,
		.framing = fr,
		.read_to_close = to_close,
		.on_done = on_done,
		.arg = &o,
	};

	fo.request_len = http_request_build(req, sizeof(req), "/", HTTP_PROTO_1_0, NULL, fo.addr);
	fo.request = req;
	assert_non_null(http_fetch_start(base, &fo));
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	return o;
}

static void test_rfc_completes_without_close(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	server_start(base, &s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false);
	o = fetch(base, &s.addr, HTTP_FRAMING_RFC, false, 2000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.res.status, HTTP_FETCH_OK);
	assert_int_equal(o.parse, HTTP_COMPLETE);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.hex, "5d41402abc4b2a76b9719d911017c592");
	assert_memory_equal(s.request, "GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:", 60);
	server_stop(&s);
	event_base_free(base);
}

/* keepalived framing waits for the close: without one, it is a read timeout. */
static void test_keepalived_reads_to_close(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	server_start(base, &s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false);
	o = fetch(base, &s.addr, HTTP_FRAMING_KEEPALIVED, true, 300);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.res.status, HTTP_FETCH_READ_TIMEOUT);
	assert_true(o.bytes_in > 0);
	server_stop(&s);
	server_start(base, &s, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhello", true);
	o = fetch(base, &s.addr, HTTP_FRAMING_KEEPALIVED, true, 2000);
	assert_int_equal(o.res.status, HTTP_FETCH_OK);
	assert_string_equal(o.hex, "46356afe55fa3cea9cbe73ad442cad47");
	server_stop(&s);
	event_base_free(base);
}

static void test_silent_server_times_out(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	server_start(base, &s, NULL, false);
	o = fetch(base, &s.addr, HTTP_FRAMING_RFC, false, 200);
	assert_int_equal(o.res.status, HTTP_FETCH_READ_TIMEOUT);
	assert_int_equal(o.bytes_in, 0);
	assert_true(o.res.elapsed_us >= 150000);
	server_stop(&s);
	event_base_free(base);
}

static void test_refused(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct sockaddr_in addr;
	struct outcome o;

	(void)state;
	server_start(base, &s, NULL, false);
	addr = s.addr;
	server_stop(&s);        /* nobody listens on that port now */
	o = fetch(base, &addr, HTTP_FRAMING_RFC, false, 1000);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.res.status, HTTP_FETCH_CONNECT_FAILED);
	event_base_free(base);
}

static void test_parser_error_ends_fetch(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	server_start(base, &s, "junk\r\n\r\n", false);
	o = fetch(base, &s.addr, HTTP_FRAMING_RFC, false, 2000);
	assert_int_equal(o.res.status, HTTP_FETCH_OK);
	assert_int_equal(o.parse, HTTP_ERR_STATUS_LINE);
	server_stop(&s);
	server_start(base, &s, "", true);
	o = fetch(base, &s.addr, HTTP_FRAMING_KEEPALIVED, true, 2000);
	assert_int_equal(o.parse, HTTP_ERR_EMPTY);
	server_stop(&s);
	event_base_free(base);
}

static void test_cancel(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o = { .base = base };
	struct http_fetch_opts fo = {
		.addrlen = sizeof(struct sockaddr_in),
		.request = "GET / HTTP/1.0\r\n\r\n",
		.request_len = 18,
		.on_done = on_done,
		.arg = &o,
	};
	struct http_fetch *f;
	struct timeval t = { 0, 200000 };

	(void)state;
	server_start(base, &s, NULL, false);
	fo.addr = (const struct sockaddr *)&s.addr;
	f = http_fetch_start(base, &fo);
	assert_non_null(f);
	event_base_loop(base, EVLOOP_NONBLOCK);
	http_fetch_cancel(f);
	event_base_loopexit(base, &t);
	event_base_dispatch(base);
	assert_int_equal(o.calls, 0);
	server_stop(&s);
	event_base_free(base);
}

static void test_tls_ctx_errors(void **state)
{
	char err[256];

	(void)state;
	assert_null(http_tls_ctx_new("/nonexistent/ca.pem", NULL, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	assert_string_equal(http_fetch_status_str(HTTP_FETCH_READ_TIMEOUT),
			    "timed out waiting for the response");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_completes_without_close),
		cmocka_unit_test(test_keepalived_reads_to_close),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_parser_error_ends_fetch),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_tls_ctx_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
