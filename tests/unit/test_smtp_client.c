/*
 * test_smtp_client.c - the asynchronous SMTP client (smtp_client.c)
 * against a scripted server running in the same event loop: a whole
 * dialogue with a multi-line reply and two recipients, a refused
 * recipient, a garbage greeting, a server that never answers, a closed
 * port, and a queue longer than the parallel sessions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <event2/event.h>

#include "log.h"
#include "smtp_client.h"
#include "smtp_message.h"

enum mode { M_OK, M_RCPT_550, M_GARBAGE, M_SILENT };

struct conn {
	int fd;
	struct event *ev;
	char buf[8192];
	size_t len;
	int data;
};

static struct event_base *base;
static enum mode mode;
static char transcript[65536];
static size_t tlen;
static struct conn *conns[32];
static unsigned nconns;

static void reply(struct conn *c, const char *s)
{
	if (write(c->fd, s, strlen(s)) < 0)
		fail();
}

static void on_line(struct conn *c, const char *line)
{
	if (c->data) {
		if (!strcmp(line, ".")) {
			c->data = 0;
			reply(c, "250 queued\r\n");
		}
		return;
	}
	if (!strncmp(line, "HELO", 4))
		reply(c, "250-fake.example\r\n250 hello\r\n");
	else if (!strncmp(line, "RCPT", 4) && mode == M_RCPT_550)
		reply(c, "550 no such user\r\n");
	else if (!strncmp(line, "DATA", 4)) {
		c->data = 1;
		reply(c, "354 go ahead\r\n");
	} else if (!strncmp(line, "QUIT", 4))
		reply(c, "221 bye\r\n");
	else
		reply(c, "250 ok\r\n");
}

static void on_conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	ssize_t n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *e;

	(void)what;
	if (n <= 0) {
		event_del(c->ev);
		return;
	}
	memcpy(transcript + tlen, c->buf + c->len, (size_t)n);
	tlen += (size_t)n;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (mode == M_SILENT)
		return;
	while ((e = strstr(c->buf, "\r\n"))) {
		*e = '\0';
		on_line(c, c->buf);
		c->len -= (size_t)(e + 2 - c->buf);
		memmove(c->buf, e + 2, c->len + 1);
	}
}

static void on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = calloc(1, sizeof(*c));

	(void)what;
	(void)arg;
	c->fd = accept(fd, NULL, NULL);
	assert_true(c->fd >= 0);
	conns[nconns++] = c;
	c->ev = event_new(base, c->fd, EV_READ | EV_PERSIST, on_conn_read, c);
	event_add(c->ev, NULL);
	if (mode == M_GARBAGE)
		reply(c, "garbage here\r\n");
	else if (mode != M_SILENT)
		reply(c, "220 fake ESMTP\r\n");
}

/* A listener on 127.0.0.1:<random>; srv points to it. */
static int listen_on(struct smtp_server *srv, struct event **ev)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	memset(srv, 0, sizeof(*srv));
	memcpy(&srv->addr, &sin, sizeof(sin));
	srv->addrlen = sizeof(sin);
	snprintf(srv->label, sizeof(srv->label), "[127.0.0.1]:%u", ntohs(sin.sin_port));
	snprintf(srv->helo, sizeof(srv->helo), "testhelo");
	srv->timeout_us = 300000;
	*ev = event_new(base, fd, EV_READ | EV_PERSIST, on_accept, NULL);
	event_add(*ev, NULL);
	return fd;
}

static void run_until_idle(struct smtp_client *cl)
{
	time_t end = time(NULL) + 5;

	while (smtp_client_pending(cl) > 0 && time(NULL) < end)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(smtp_client_pending(cl), 0);
}

static int setup(void **state)
{
	(void)state;
	base = event_base_new();
	tlen = 0;
	nconns = 0;
	memset(transcript, 0, sizeof(transcript));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < nconns; i++) {
		event_free(conns[i]->ev);
		close(conns[i]->fd);
		free(conns[i]);
	}
	event_base_free(base);
	return 0;
}

/* One client against the scripted server in `m`; sends n mails. */
static struct smtp_client *run(enum mode m, unsigned n, int *lfd, struct event **lev)
{
	const char *to[] = { "x@example.com", "z@example.com" };
	struct smtp_server srv;
	struct smtp_client *cl;

	mode = m;
	*lfd = listen_on(&srv, lev);
	cl = smtp_client_new(base, &srv);
	assert_non_null(cl);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(smtp_client_send(cl, "ka@example.com", to, 2,
						  smtp_message_build(0, "ka@example.com", to, 2,
								     "subj", "body")), 0);
	run_until_idle(cl);
	return cl;
}

static void done(struct smtp_client *cl, int lfd, struct event *lev)
{
	smtp_client_free(cl);
	event_free(lev);
	close(lfd);
}

static void test_dialogue(void **state)
{
	struct event *lev;
	int lfd;
	struct smtp_client *cl = run(M_OK, 1, &lfd, &lev);

	(void)state;
	assert_int_equal(smtp_client_sent(cl), 1);
	assert_int_equal(smtp_client_failed(cl), 0);
	assert_non_null(strstr(transcript, "HELO testhelo\r\nMAIL FROM:<ka@example.com>\r\n"
				"RCPT TO:<x@example.com>\r\nRCPT TO:<z@example.com>\r\nDATA\r\n"));
	assert_non_null(strstr(transcript, "Subject: subj\r\nX-Mailer: Keepalived\r\n"
				"To: x@example.com, z@example.com\r\n\r\nbody\r\n\r\n.\r\nQUIT\r\n"));
	done(cl, lfd, lev);
}

static void test_rcpt_refused(void **state)
{
	struct event *lev;
	int lfd;
	struct smtp_client *cl = run(M_RCPT_550, 1, &lfd, &lev);

	(void)state;
	assert_int_equal(smtp_client_sent(cl), 0);
	assert_int_equal(smtp_client_failed(cl), 1);
	assert_null(strstr(transcript, "DATA"));
	done(cl, lfd, lev);
}

static void test_garbage_greeting(void **state)
{
	struct event *lev;
	int lfd;
	struct smtp_client *cl = run(M_GARBAGE, 1, &lfd, &lev);

	(void)state;
	assert_int_equal(smtp_client_failed(cl), 1);
	assert_null(strstr(transcript, "HELO"));
	done(cl, lfd, lev);
}

static void test_silent_server(void **state)
{
	struct event *lev;
	int lfd;
	time_t t0 = time(NULL);
	struct smtp_client *cl = run(M_SILENT, 1, &lfd, &lev);

	(void)state;
	assert_int_equal(smtp_client_failed(cl), 1);
	assert_true(time(NULL) - t0 <= 2);
	done(cl, lfd, lev);
}

static void test_refused(void **state)
{
	struct event *lev;
	int lfd;
	struct smtp_server srv;
	struct smtp_client *cl;
	const char *to[] = { "x@example.com" };

	(void)state;
	lfd = listen_on(&srv, &lev);
	event_free(lev);
	close(lfd);                              /* nothing listens there now */
	cl = smtp_client_new(base, &srv);
	smtp_client_send(cl, "a@b", to, 1, smtp_message_build(0, "a@b", to, 1, "s", "b"));
	run_until_idle(cl);
	assert_int_equal(smtp_client_failed(cl), 1);
	smtp_client_free(cl);
}

static void test_queue(void **state)
{
	struct event *lev;
	int lfd;
	struct smtp_client *cl = run(M_OK, 3 * SMTP_CLIENT_PARALLEL + 1, &lfd, &lev);

	(void)state;
	assert_int_equal(smtp_client_sent(cl), 3 * SMTP_CLIENT_PARALLEL + 1);
	assert_int_equal(nconns, 3 * SMTP_CLIENT_PARALLEL + 1);
	done(cl, lfd, lev);
}

static void test_free_while_running(void **state)
{
	const char *to[] = { "x@example.com" };
	struct smtp_server srv;
	struct event *lev;
	int lfd;
	struct smtp_client *cl;

	(void)state;
	mode = M_SILENT;
	lfd = listen_on(&srv, &lev);
	cl = smtp_client_new(base, &srv);
	for (int i = 0; i < 2 * SMTP_CLIENT_PARALLEL; i++)
		smtp_client_send(cl, "a@b", to, 1, smtp_message_build(0, "a@b", to, 1, "s", "b"));
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(smtp_client_pending(cl), 2 * SMTP_CLIENT_PARALLEL);
	done(cl, lfd, lev);                      /* ASan/valgrind: nothing leaks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dialogue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcpt_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_greeting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_while_running, setup, teardown),
	};
	struct log_opts lo = { .ident = "test_smtp_client", .no_syslog = true, .console = true };

	log_init(&lo);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
