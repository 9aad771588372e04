/*
 * check_tcp.c - TCP_CHECK attempts (see check_tcp.h).
 *
 * struct ck_tcp_run is the per-checker run state: one timer event that
 * starts an attempt, and while an attempt is in flight the socket with a
 * write event that carries connect_timeout as its timeout.  Completion
 * reads SO_ERROR: 0 success, ECONNREFUSED refused, anything else an error;
 * the libevent timeout is a timeout.  Every path closes the socket and
 * goes through finish(), the only caller of ck_result().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "check_result.h"
#include "check_tcp.h"
#include "log.h"

struct ck_tcp_run {
	struct ck_tcp *c;
	struct event_base *base;
	struct event *timer;             /* next attempt */
	struct event *io;                /* attempt in flight, NULL otherwise */
	int fd;
};

static struct timeval tv_of(uint64_t us)
{
	struct timeval tv = { .tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000) };

	return tv;
}

static void finish(struct ck_tcp_run *r, enum ck_outcome o)
{
	struct timeval tv;

	if (r->io) {
		event_free(r->io);
		r->io = NULL;
	}
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	tv = tv_of(ck_result(r->c, o));
	evtimer_add(r->timer, &tv);
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
	struct ck_tcp_run *r = arg;
	int err = 0;
	socklen_t len = sizeof(err);

	if (what & EV_TIMEOUT) {
		finish(r, CK_TIMEOUT);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	finish(r, err == 0 ? CK_SUCCESS : err == ECONNREFUSED ? CK_REFUSED : CK_ERROR);
}

static socklen_t sockaddr_of(const struct ipvs_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = ip->u.v6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr = ip->u.v4;
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

/* Open, bind and start connecting; the outcome if known at once, else -1. */
static int launch(struct ck_tcp_run *r)
{
	const struct ck_tcp *c = r->c;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	r->fd = socket(c->connect_ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (r->fd < 0)
		return CK_ERROR;
	if (c->fwmark && setsockopt(r->fd, SOL_SOCKET, SO_MARK, &c->fwmark, sizeof(c->fwmark)) < 0)
		return CK_ERROR;
	if (c->bind_if[0] && setsockopt(r->fd, SOL_SOCKET, SO_BINDTODEVICE, c->bind_if,
					(socklen_t)strlen(c->bind_if)) < 0)
		return CK_ERROR;
	if (c->bindto.family || c->bind_port) {
		struct ipvs_ip any = { .family = c->connect_ip.family };

		setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		len = sockaddr_of(c->bindto.family ? &c->bindto : &any, c->bind_port, &ss);
		if (bind(r->fd, (struct sockaddr *)&ss, len) < 0)
			return CK_ERROR;
	}
	len = sockaddr_of(&c->connect_ip, c->connect_port, &ss);
	if (connect(r->fd, (struct sockaddr *)&ss, len) == 0)
		return CK_SUCCESS;
	if (errno == ECONNREFUSED)
		return CK_REFUSED;
	if (errno != EINPROGRESS)
		return CK_ERROR;
	return -1;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ck_tcp_run *r = arg;
	struct timeval tv = tv_of(r->c->connect_timeout_us);
	int now;

	(void)fd;
	(void)what;
	now = launch(r);
	if (now >= 0) {
		finish(r, (enum ck_outcome)now);
		return;
	}
	r->io = event_new(r->base, r->fd, EV_WRITE, on_io, r);
	if (!r->io) {
		finish(r, CK_ERROR);
		return;
	}
	event_add(r->io, &tv);
}

static int start_one(struct ck_tcp *c, struct event_base *base)
{
	struct ck_tcp_run *r = calloc(1, sizeof(*r));
	struct timeval tv;

	if (!r)
		return -ENOMEM;
	r->c = c;
	r->base = base;
	r->fd = -1;
	r->timer = evtimer_new(base, on_timer, r);
	if (!r->timer) {
		free(r);
		return -ENOMEM;
	}
	c->run = r;
	tv = tv_of(c->warmup_us ? (uint64_t)random() % (c->warmup_us + 1) : 0);
	evtimer_add(r->timer, &tv);
	return 0;
}

int ck_tcp_start_all(struct ck_model *m, struct event_base *base)
{
	for (size_t i = 0; i < m->n_vs; i++) {
		struct ck_vs *vs = &m->vs[i];

		for (size_t j = 0; j < vs->n_rs; j++) {
			struct ck_rs *rs = &vs->rs[j];

			for (size_t k = 0; k < rs->n_checks; k++) {
				log_info("Activating healthchecker for service %s for VS %s",
					 rs->label, vs->label);
				if (start_one(&rs->checks[k], base) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

void ck_tcp_stop_all(struct ck_model *m)
{
	for (size_t i = 0; i < m->n_vs; i++) {
		for (size_t j = 0; j < m->vs[i].n_rs; j++) {
			struct ck_rs *rs = &m->vs[i].rs[j];

			for (size_t k = 0; k < rs->n_checks; k++) {
				struct ck_tcp_run *r = rs->checks[k].run;

				if (!r)
					continue;
				if (r->io)
					event_free(r->io);
				if (r->fd >= 0)
					close(r->fd);
				event_free(r->timer);
				free(r);
				rs->checks[k].run = NULL;
			}
		}
	}
}
