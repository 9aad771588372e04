/*
 * check_tcp.c - TCP_CHECK: a non-blocking connect() (see check_kind.h).
 *
 * An attempt opens a socket through ck_socket() (fwmark, bind_if, bindto
 * and bind_port applied), connects to connect_ip:connect_port and waits
 * for writability with connect_timeout as the event's timeout.
 * Completion reads SO_ERROR (unless poll(2) already said "writable, no
 * error"): 0 success, ECONNREFUSED refused, anything else an error (also when the timer fired but the connect had ended by
 * then: a loop pass can be long under load).  Every path goes through
 * finish(), which closes the socket and reports.
 *
 * Cost per check (the kernel does most of the work: the handshake of a
 * local server runs in our connect()): the socket is polled once right
 * after connect(), and a local server has completed the handshake by
 * then, so such a check needs no event and no loop wake-up.  It is
 * closed with a plain close() (a FIN), as 2.2.7 closes it: an abortive
 * close (SO_LINGER 0, an RST, as HAProxy closes its checks) left no
 * TIME_WAIT socket but cost no less CPU when measured, and a server
 * application would have seen a "connection reset" for every check.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check_kind.h"
#include "log.h"

struct tcp_run {
	struct event *io;
	int fd;
};

static void release(struct ck_check *c)
{
	struct tcp_run *r = c->run;

	if (!r)
		return;
	if (r->io)
		event_free(r->io);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	c->run = NULL;
}

static void finish(struct ck_check *c, enum ck_outcome o, int err)
{
	release(c);
	if (o == CK_SUCCESS)
		ck_check_done(c, o, NULL);
	else if (o == CK_TIMEOUT)
		ck_check_done(c, o, "connection timed out");
	else
		ck_check_done(c, o, "%s", strerror(err));
}

/* The poll(2) events of FD now (0 while its connect is pending). */
static short connect_ended(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (poll(&p, 1, 0) != 1)
		return 0;
	return p.revents & (POLLOUT | POLLERR | POLLHUP);
}

/* The connect on FD has ended: report how.  revents: its poll(2) events
 * when known (writable without error or hang-up is a success that needs
 * no SO_ERROR), else 0. */
static void connect_result(struct ck_check *c, int fd, short revents)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if ((revents & (POLLERR | POLLHUP)) || !(revents & POLLOUT)) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
	}
	finish(c, err == 0 ? CK_SUCCESS : err == ECONNREFUSED ? CK_REFUSED : CK_ERROR, err);
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;

	/* When the socket became writable in the loop pass where the timer
	 * expired, libevent reports only EV_TIMEOUT: under load (a long pass)
	 * that made completed connections count as timeouts.  The socket's
	 * own state decides; only a connect still in progress timed out. */
	if ((what & EV_TIMEOUT) && !connect_ended(fd)) {
		finish(c, CK_TIMEOUT, ETIMEDOUT);
		return;
	}
	connect_result(c, fd, 0);
}

static void tcp_attempt(struct ck_check *c)
{
	struct timeval tv = { .tv_sec = (time_t)(c->connect_timeout_us / 1000000),
			      .tv_usec = (suseconds_t)(c->connect_timeout_us % 1000000) };
	struct sockaddr_storage ss;
	struct tcp_run *r = calloc(1, sizeof(*r));
	unsigned len;
	short revents;

	if (!r) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	c->run = r;
	r->fd = ck_socket(c, SOCK_STREAM, IPPROTO_TCP);
	if (r->fd < 0) {
		int err = -r->fd;

		r->fd = -1;
		finish(c, CK_ERROR, err);
		return;
	}
	len = ck_sockaddr(&c->connect_ip, c->connect_port, &ss);
	if (connect(r->fd, (struct sockaddr *)&ss, len) == 0) {
		finish(c, CK_SUCCESS, 0);
		return;
	}
	if (errno != EINPROGRESS) {
		int err = errno;

		finish(c, err == ECONNREFUSED ? CK_REFUSED : CK_ERROR, err);
		return;
	}
	/* A local server has answered the SYN before connect() returned:
	 * no event, no wake-up (one poll() lost for a remote server). */
	if ((revents = connect_ended(r->fd))) {
		connect_result(c, r->fd, revents);
		return;
	}
	r->io = event_new(c->base, r->fd, EV_WRITE, on_io, c);
	if (!r->io || event_add(r->io, &tv) < 0)
		finish(c, CK_ERROR, ENOMEM);
}

static void tcp_log_ok(const struct ck_check *c)
{
	log_info("TCP connection to %s success.", c->rs->label);
}

static void tcp_log_failed(const struct ck_check *c, unsigned retries)
{
	if (retries)
		log_info("TCP_CHECK on service %s failed after %u retries.", c->rs->label, retries);
	else
		log_info("TCP_CHECK on service %s failed.", c->rs->label);
}

const struct ck_kind ck_kind_tcp = {
	.keyword = "TCP_CHECK",
	.attempt = tcp_attempt,
	.cancel = release,
	.log_ok = tcp_log_ok,
	.log_failed = tcp_log_failed,
};
