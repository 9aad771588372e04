/*
 * check_sched.c - timers of the health checks and the end of an attempt
 * (see check_sched.h and check_kind.h).
 *
 * ck_check_done() is the only way an outcome reaches the result funnel,
 * so "one attempt in flight at a time" is enforced here: a kind that
 * reports twice is a bug, logged and ignored.  Attempts are started on
 * 10 ms boundaries (due_in()), so that many checks share a wake-up.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check_kind.h"
#include "check_result.h"
#include "check_sched.h"
#include "log.h"

static struct timeval tv_of(uint64_t us)
{
	struct timeval tv = { .tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000) };

	return tv;
}

/*
 * The wait until an attempt due in `us`: rounded up to the next multiple
 * of CK_SLOT_US of the loop's clock, so that checks due about the same
 * time start in one loop pass (one wake-up and one timer re-arm for all
 * of them, instead of one per check: at 10,000 checks a second the
 * wake-ups cost more than the checks' own system calls).  An attempt is
 * never early, and at most CK_SLOT_US late; waits shorter than a slot
 * are kept as they are.
 */
#define CK_SLOT_US 10000u

static struct timeval due_in(struct event_base *base, uint64_t us)
{
	struct timeval now;
	uint64_t at;

	if (us < CK_SLOT_US || event_base_gettimeofday_cached(base, &now) < 0)
		return tv_of(us);
	at = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec + us;
	if (at % CK_SLOT_US)
		us += CK_SLOT_US - at % CK_SLOT_US;
	return tv_of(us);
}

void ck_check_done(struct ck_check *c, enum ck_outcome outcome, const char *why, ...)
{
	struct timeval tv;
	va_list ap;

	if (!c->in_flight) {
		log_errx("%s of %s reported twice (ignored)", c->kind->keyword, c->rs->label);
		return;
	}
	c->in_flight = false;
	c->reason[0] = '\0';
	if (why && *why) {
		va_start(ap, why);
		vsnprintf(c->reason, sizeof(c->reason), why, ap);
		va_end(ap);
	}
	tv = due_in(c->base, ck_result(c, outcome));
	if (c->timer)
		evtimer_add(c->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;

	(void)fd;
	(void)what;
	c->in_flight = true;
	c->kind->attempt(c);
}

int ck_sched_start(struct ck_check *c, struct event_base *base)
{
	struct timeval tv;

	c->base = base;
	c->timer = evtimer_new(base, on_timer, c);
	if (!c->timer)
		return -ENOMEM;
	tv = due_in(base, c->warmup_us ? (uint64_t)random() % (c->warmup_us + 1) : 0);
	evtimer_add(c->timer, &tv);
	return 0;
}

void ck_sched_stop(struct ck_check *c)
{
	if (c->in_flight && c->kind->cancel)
		c->kind->cancel(c);
	c->in_flight = false;
	if (c->timer)
		event_free(c->timer);
	c->timer = NULL;
}

int ck_sched_start_all(struct ck_model *m, struct event_base *base)
{
	for (size_t i = 0; i < m->n_vs; i++) {
		struct ck_vs *vs = &m->vs[i];

		for (size_t j = 0; j < vs->n_rs; j++) {
			struct ck_rs *rs = &vs->rs[j];

			for (size_t k = 0; k < rs->n_checks; k++) {
				if (!rs->checks[k].kind->silent_start)
					log_info("Activating healthchecker for service %s for VS %s",
						 rs->label, vs->label);
				if (ck_sched_start(&rs->checks[k], base) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

void ck_sched_stop_all(struct ck_model *m)
{
	for (size_t i = 0; i < m->n_vs; i++)
		for (size_t j = 0; j < m->vs[i].n_rs; j++)
			for (size_t k = 0; k < m->vs[i].rs[j].n_checks; k++)
				ck_sched_stop(&m->vs[i].rs[j].checks[k]);
}

unsigned ck_sockaddr(const struct ipvs_ip *ip, uint16_t port, struct sockaddr_storage *ss)
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

void ck_io_release(struct ck_io *x)
{
	if (x->io)
		event_free(x->io);
	if (x->timer)
		event_free(x->timer);
	if (x->fd >= 0)
		close(x->fd);
	x->io = x->timer = NULL;
	x->fd = -1;
}

int ck_io_arm(struct ck_io *x, struct ck_check *c, event_callback_fn on_read,
	      event_callback_fn on_timeout, const struct timeval *tv)
{
	x->io = event_new(c->base, x->fd, EV_READ | EV_PERSIST, on_read, c);
	x->timer = evtimer_new(c->base, on_timeout, c);
	if (!x->io || !x->timer || event_add(x->io, NULL) < 0 || evtimer_add(x->timer, tv) < 0)
		return -1;
	return 0;
}

int ck_socket(const struct ck_check *c, int type, int protocol)
{
	struct sockaddr_storage ss;
	int one = 1, err;
	int fd = socket(c->connect_ip.family ? c->connect_ip.family : AF_INET,
			type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);

	if (fd < 0)
		return -errno;
	if (c->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &c->fwmark, sizeof(c->fwmark)) < 0)
		goto fail;
	if (c->bind_if[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->bind_if,
					(socklen_t)strlen(c->bind_if)) < 0)
		goto fail;
	if (c->bindto.family || c->bind_port) {
		struct ipvs_ip any = { .family = c->connect_ip.family };
		unsigned len = ck_sockaddr(c->bindto.family ? &c->bindto : &any, c->bind_port, &ss);

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, len) < 0)
			goto fail;
	}
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}
