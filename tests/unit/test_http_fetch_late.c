/*
 * test_http_fetch_late.c - a fetch whose socket became ready in the loop
 * pass where its timeout expired is not a timeout (src/http/http_fetch.c).
 *
 * libevent reports only EV_TIMEOUT when an event's timer expires in the
 * pass where its socket became ready; under load (long loop passes) that
 * turned completed connects and answered requests into timeouts.  Each
 * test blocks the loop longer than the fetch's timeout (usleep() in a
 * callback, or before the loop runs) while the kernel completes the step, then checks that the
 * fetch moved on:
 *   - connect: a listening socket nobody accepts on completes the
 *     handshake; the fetch must go on to wait for the response (read
 *     timeout), not report a connect timeout;
 *   - response: a server answers and closes, then blocks the loop; the
 *     fetch must report the response, not a read timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_fetch.h"
#include "http_request.h"

#define TIMEOUT_MS 100
#define STALL_US 400000   /* the blocked loop pass: well past TIMEOUT_MS */

struct server {
	int lfd, cfd;
	struct sockaddr_in addr;
	struct event *accept_ev, *read_ev;
};

struct outcome {
	int calls;
	enum http_fetch_status status;
	enum http_outcome parse;
	int code;
	struct event_base *base;
};

static void listen_local(struct server *s)
{
	socklen_t len = sizeof(s->addr);

	memset(s, 0, sizeof(*s));
	s->cfd = -1;
	s->addr.sin_family = AF_INET;
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&s->addr, sizeof(s->addr)), 0);
	assert_int_equal(listen(s->lfd, 8), 0);
	getsockname(s->lfd, (struct sockaddr *)&s->addr, &len);
}

static void server_free(struct server *s)
{
	if (s->accept_ev)
		event_free(s->accept_ev);
	if (s->read_ev)
		event_free(s->read_ev);
	if (s->cfd >= 0)
		close(s->cfd);
	close(s->lfd);
}

/* The request is in: answer, close, then stall the loop. */
static void srv_read(evutil_socket_t fd, short what, void *arg)
{
	static const char answer[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
	struct server *s = arg;
	char buf[1024];

	(void)what;
	if (read(fd, buf, sizeof(buf)) <= 0)
		return;
	assert_int_equal(write(fd, answer, sizeof(answer) - 1), (ssize_t)sizeof(answer) - 1);
	event_del(s->read_ev);
	close(s->cfd);
	s->cfd = -1;
	usleep(STALL_US);
}

static void srv_accept(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)what;
	s->cfd = accept(fd, NULL, NULL);
	if (s->cfd < 0)
		return;
	s->read_ev = event_new(event_get_base(s->accept_ev), s->cfd, EV_READ | EV_PERSIST,
			       srv_read, s);
	event_add(s->read_ev, NULL);
}

static void on_done(void *arg, const struct http_fetch_result *res)
{
	struct outcome *o = arg;

	o->calls++;
	o->status = res->status;
	o->parse = res->resp->outcome;
	o->code = res->resp->status;
	event_base_loopbreak(o->base);
}

static struct outcome run_fetch(struct event_base *base, const struct sockaddr_in *addr,
				bool stall_first)
{
	struct outcome o = { .base = base };
	struct timeval guard = { 10, 0 };
	char req[256];
	struct http_fetch_opts fo = {
		.addr = (const struct sockaddr *)addr,
		.addrlen = sizeof(*addr),
		.timeout_ms = TIMEOUT_MS,
		.framing = HTTP_FRAMING_KEEPALIVED,
		.read_to_close = true,
		.no_digest = true,
		.on_done = on_done,
		.arg = &o,
	};

	fo.request_len = http_request_build(req, sizeof(req), "/", HTTP_PROTO_1_0, NULL, fo.addr);
	fo.request = req;
	assert_non_null(http_fetch_start(base, &fo));
	if (stall_first)
		usleep(STALL_US);   /* the loop's first pass is the late one */
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	return o;
}

/* The handshake completes while the loop is blocked past the timeout. */
static void test_connect_done_in_timeout_pass(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	listen_local(&s);      /* nobody accepts: the kernel completes the handshake */
	o = run_fetch(base, &s.addr, true);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.status, HTTP_FETCH_READ_TIMEOUT);
	server_free(&s);
	event_base_free(base);
}

/* The answer and the close arrive while the loop is blocked past the timeout. */
static void test_response_in_timeout_pass(void **state)
{
	struct event_base *base = event_base_new();
	struct server s;
	struct outcome o;

	(void)state;
	listen_local(&s);
	s.accept_ev = event_new(base, s.lfd, EV_READ | EV_PERSIST, srv_accept, &s);
	event_add(s.accept_ev, NULL);
	o = run_fetch(base, &s.addr, false);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.status, HTTP_FETCH_OK);
	assert_int_equal(o.parse, HTTP_COMPLETE);
	assert_int_equal(o.code, 200);
	server_free(&s);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_done_in_timeout_pass),
		cmocka_unit_test(test_response_in_timeout_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
