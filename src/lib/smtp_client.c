/*
 * smtp_client.c - the asynchronous SMTP client of the alerts (see
 * smtp_client.h).
 *
 * Structures: the client holds a FIFO of mails and a list of sessions.
 * pump() starts sessions while fewer than SMTP_CLIENT_PARALLEL run.  A
 * session is a bufferevent (non-blocking connect, buffered writes, read
 * and write timeouts equal to the server's timeout) and a state:
 *
 *   GREET -220-> HELO -250-> MAIL -250-> RCPT (x n) -250-> DATA -354->
 *   BODY -250-> QUIT -> done
 *
 * Received bytes accumulate in a small buffer; smtp_reply_parse() says
 * when a whole reply is there.  Every end (success, error, timeout,
 * malformed reply) goes through session_end(), which logs, frees the
 * session and its mail, and pumps the queue again.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "smtp_client.h"
#include "smtp_reply.h"

#define SMTP_IN_MAX 4096

enum smtp_state { S_CONNECT, S_GREET, S_HELO, S_MAIL, S_RCPT, S_DATA, S_BODY, S_QUIT };

struct smtp_mail {
	struct smtp_mail *next;
	char *from;
	char **to;
	size_t nto;
	char *data;
};

struct smtp_session {
	struct smtp_session *next;
	struct smtp_client *cl;
	struct smtp_mail *mail;
	int fd;                          /* until bev owns it */
	struct event *conn_ev;           /* connect in progress */
	struct bufferevent *bev;         /* after connect */
	enum smtp_state state;
	size_t rcpt;                     /* next recipient to send */
	bool delivered;                  /* the server took the mail (250 after DATA) */
	size_t inlen;
	char in[SMTP_IN_MAX];
};

struct smtp_client {
	struct event_base *base;
	struct smtp_server srv;
	struct smtp_mail *head, **tail;
	size_t queued;
	struct smtp_session *sessions;
	unsigned running;
	unsigned long sent, failed;
};

static void pump(struct smtp_client *cl);

static void mail_free(struct smtp_mail *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nto; i++)
		free(m->to[i]);
	free(m->to);
	free(m->from);
	free(m->data);
	free(m);
}

static void session_free(struct smtp_session *s)
{
	struct smtp_session **pp = &s->cl->sessions;

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	s->cl->running--;
	if (s->conn_ev)
		event_free(s->conn_ev);
	if (s->bev)
		bufferevent_free(s->bev);
	else if (s->fd >= 0)
		close(s->fd);
	mail_free(s->mail);
	free(s);
}

/* The end of a dialogue: count it, free it, start the next one. */
static void session_end(struct smtp_session *s)
{
	struct smtp_client *cl = s->cl;

	if (s->delivered)
		cl->sent++;
	else
		cl->failed++;
	session_free(s);
	pump(cl);
}

static void send_line(struct smtp_session *s, const char *fmt, const char *arg)
{
	struct evbuffer *out = bufferevent_get_output(s->bev);

	evbuffer_add_printf(out, fmt, arg);
	evbuffer_add(out, "\r\n", 2);
}

static const char *cmd_name(enum smtp_state st)
{
	static const char *const names[] = {
		[S_CONNECT] = "connect", [S_GREET] = "connect", [S_HELO] = "HELO",
		[S_MAIL] = "MAIL", [S_RCPT] = "RCPT", [S_DATA] = "DATA", [S_BODY] = "DATA",
		[S_QUIT] = "QUIT",
	};

	return names[st];
}

/* Advance on one complete reply; false when the session ended (freed). */
static bool on_reply(struct smtp_session *s, const struct smtp_reply *r)
{
	struct smtp_mail *m = s->mail;
	int want = s->state == S_DATA ? 3 : 2;

	if (s->state == S_QUIT) {
		session_end(s);
		return false;
	}
	if (r->code / 100 != want) {
		log_info("Error processing %s cmd on SMTP server %s. SMTP status code = %d",
			 cmd_name(s->state), s->cl->srv.label, r->code);
		session_end(s);
		return false;
	}
	switch (s->state) {
	case S_GREET:
		send_line(s, "HELO %s", s->cl->srv.helo);
		s->state = S_HELO;
		break;
	case S_HELO:
		send_line(s, "MAIL FROM:<%s>", m->from);
		s->state = S_MAIL;
		break;
	case S_MAIL:
	case S_RCPT:
		if (s->rcpt < m->nto) {
			send_line(s, "RCPT TO:<%s>", m->to[s->rcpt++]);
			s->state = S_RCPT;
		} else {
			send_line(s, "%s", "DATA");
			s->state = S_DATA;
		}
		break;
	case S_DATA:
		evbuffer_add(bufferevent_get_output(s->bev), m->data, strlen(m->data));
		s->state = S_BODY;
		break;
	default:                                 /* S_BODY */
		log_info("SMTP alert successfully sent.");
		s->delivered = true;
		send_line(s, "%s", "QUIT");
		s->state = S_QUIT;
		break;
	}
	return true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct smtp_session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;) {
		struct smtp_reply r;
		const char *why = "reply too long";
		enum smtp_reply_status st;
		int got = evbuffer_remove(in, s->in + s->inlen, sizeof(s->in) - s->inlen);

		s->inlen += got > 0 ? (size_t)got : 0;
		st = smtp_reply_parse(s->in, s->inlen, &r, &why);
		if (st == SMTP_REPLY_MORE && s->inlen < sizeof(s->in))
			return;                  /* everything read is in s->in */
		if (st != SMTP_REPLY_DONE) {
			if (s->state != S_QUIT)
				log_info("Malformed reply from SMTP server %s: %s",
					 s->cl->srv.label, why);
			session_end(s);
			return;
		}
		memmove(s->in, s->in + r.used, s->inlen - r.used);
		s->inlen -= r.used;
		if (!on_reply(s, &r))
			return;
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct smtp_session *s = arg;
	const char *label = s->cl->srv.label;

	(void)bev;
	if (s->state == S_QUIT) {                /* the mail is delivered anyway */
		session_end(s);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_info("Timeout reading data to remote SMTP server %s.", label);
	else if (what & BEV_EVENT_EOF)
		log_info("Remote SMTP server %s closed the connection.", label);
	else
		log_info("Error reading data from remote SMTP server %s.", label);
	session_end(s);
}

static struct timeval timeout_of(const struct smtp_client *cl)
{
	struct timeval tv = { .tv_sec = (time_t)(cl->srv.timeout_us / 1000000),
			      .tv_usec = (suseconds_t)(cl->srv.timeout_us % 1000000) };

	return tv;
}

/* Connected (or not): hand the socket to a bufferevent for the dialogue. */
static void on_connect(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session *s = arg;
	struct timeval tv = timeout_of(s->cl);
	int err = 0;
	socklen_t len = sizeof(err);

	event_free(s->conn_ev);
	s->conn_ev = NULL;
	if (what & EV_TIMEOUT) {
		log_info("Timeout connecting SMTP server %s.", s->cl->srv.label);
		session_end(s);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		log_info("smtp fd %d returned write error", (int)fd);   /* 2.2.7's words */
		session_end(s);
		return;
	}
	log_info("Remote SMTP server %s connected.", s->cl->srv.label);
	s->bev = bufferevent_socket_new(s->cl->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!s->bev) {
		session_end(s);
		return;
	}
	s->fd = -1;
	s->state = S_GREET;
	bufferevent_setcb(s->bev, on_read, NULL, on_event, s);
	bufferevent_set_timeouts(s->bev, &tv, &tv);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static bool session_start(struct smtp_client *cl, struct smtp_mail *m)
{
	struct timeval tv = timeout_of(cl);
	struct smtp_session *s = calloc(1, sizeof(*s));

	if (!s)
		return false;
	s->cl = cl;
	s->mail = m;
	s->next = cl->sessions;
	cl->sessions = s;
	cl->running++;
	s->fd = socket(cl->srv.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || (connect(s->fd, (struct sockaddr *)&cl->srv.addr, cl->srv.addrlen) < 0 &&
			  errno != EINPROGRESS)) {
		log_info("smtp fd %d returned write error", s->fd);
		session_end(s);
		return true;
	}
	s->conn_ev = event_new(cl->base, s->fd, EV_WRITE, on_connect, s);
	if (!s->conn_ev || event_add(s->conn_ev, &tv) < 0)
		session_end(s);
	return true;
}

/* Start queued mails while there is room. */
static void pump(struct smtp_client *cl)
{
	while (cl->head && cl->running < SMTP_CLIENT_PARALLEL) {
		struct smtp_mail *m = cl->head;

		cl->head = m->next;
		if (!cl->head)
			cl->tail = &cl->head;
		cl->queued--;
		m->next = NULL;
		if (!session_start(cl, m)) {
			log_warnx("SMTP alert dropped: out of memory");
			mail_free(m);
			cl->failed++;
		}
	}
}

struct smtp_client *smtp_client_new(struct event_base *base, const struct smtp_server *srv)
{
	struct smtp_client *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return NULL;
	cl->base = base;
	cl->srv = *srv;
	cl->tail = &cl->head;
	return cl;
}

void smtp_client_free(struct smtp_client *cl)
{
	if (!cl)
		return;
	while (cl->sessions)
		session_free(cl->sessions);
	while (cl->head) {
		struct smtp_mail *m = cl->head;

		cl->head = m->next;
		mail_free(m);
	}
	free(cl);
}

int smtp_client_send(struct smtp_client *cl, const char *from, const char *const *to,
		     size_t nto, char *data)
{
	struct smtp_mail *m;

	if (cl->queued >= SMTP_CLIENT_QUEUE_MAX) {
		log_warnx("SMTP alert dropped: %zu alerts already waiting for %s", cl->queued,
			  cl->srv.label);
		free(data);
		cl->failed++;
		return -1;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->from = strdup(from)) || !(m->to = calloc(nto ? nto : 1, sizeof(char *))))
		goto oom;
	m->data = data;
	data = NULL;
	for (; m->nto < nto; m->nto++)
		if (!(m->to[m->nto] = strdup(to[m->nto])))
			goto oom;
	*cl->tail = m;
	cl->tail = &m->next;
	cl->queued++;
	pump(cl);
	return 0;
oom:
	log_warnx("SMTP alert dropped: out of memory");
	free(data);
	mail_free(m);
	cl->failed++;
	return -1;
}

size_t smtp_client_pending(const struct smtp_client *cl)
{
	return cl->queued + cl->running;
}

unsigned long smtp_client_sent(const struct smtp_client *cl)
{
	return cl->sent;
}

unsigned long smtp_client_failed(const struct smtp_client *cl)
{
	return cl->failed;
}
