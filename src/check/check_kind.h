/*
 * check_kind.h - what one kind of health check (TCP_CHECK, HTTP_GET,
 * SSL_GET, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK,
 * FILE_CHECK) provides to the rest of the checker.
 *
 * A kind is a small module with one job: given a struct ck_check, make
 * one attempt and report its outcome.  Everything else is shared:
 *   - check_model.c reads the options every kind has (connect_ip,
 *     connect_port, bindto, bind_port, bind_if, fwmark, connect_timeout,
 *     retry / nb_get_retry, delay_before_retry, delay_loop, warmup, alpha,
 *     log_all_failures) and then calls kind->build() for the kind's own
 *     keywords;
 *   - check_sched.c owns the timer: it waits warmup, calls
 *     kind->attempt(), and when the kind calls ck_check_done() it hands
 *     the outcome to the result funnel (check_result.c), which applies
 *     retry / delay_before_retry / alpha, logs the verdict through the
 *     kind's log hooks, updates IPVS, and says when to try next;
 *   - stop and reload call kind->cancel() on an attempt in flight.
 *
 * Contract of attempt(): start one attempt (non-blocking: sockets and
 * timeouts are libevent events on c->base) and call ck_check_done()
 * exactly once when it is over, possibly before attempt() returns.  It
 * must enforce its own timeout (usually connect_timeout).  Per-attempt
 * log lines (2.2.7's "HTTP status code error to ..." and the like) are
 * the kind's; verdict lines go through log_ok / log_failed.
 *
 * The kinds known to the checker are listed in check_kind.c.  A kind
 * whose module is not linked is absent (the reader has already accepted
 * its keyword): its blocks are skipped with one warning.
 */
#ifndef KA_CHECK_KIND_H
#define KA_CHECK_KIND_H

#include <stdbool.h>
#include <stdio.h>

#include <event2/event.h>

#include "check_model.h"
#include "check_result.h"

struct conf;
struct conf_node;

struct ck_kind {
	const char *keyword;             /* "TCP_CHECK" (canonical keyword) */
	/* Read the kind's own keywords from its block into c->spec (which it
	 * owns).  conf gives access to root blocks (SSL {}, global_defs).
	 * False when out of memory: the model build fails. NULL: no options. */
	bool (*build)(struct ck_check *c, const struct conf_node *blk,
		      const struct conf *conf);
	/* Free c->spec.  NULL: free(c->spec). */
	void (*free_spec)(struct ck_check *c);
	/* Start one attempt (see the contract above). */
	void (*attempt)(struct ck_check *c);
	/* Abandon the attempt in flight, if any, without calling
	 * ck_check_done(); free c->run.  Called at stop and reload. */
	void (*cancel)(struct ck_check *c);
	/* The verdict lines of 2.2.7: a checker found up again, a checker
	 * declared failed (after `retries` retries; 0 = without retrying).
	 * NULL: the generic "<KEYWORD> on service X succeeded/failed." */
	void (*log_ok)(const struct ck_check *c);
	void (*log_failed)(const struct ck_check *c, unsigned retries);
	/* The kind logs its own per-attempt failure lines (2.2.7's wording,
	 * log_all_failures): the funnel adds none. */
	bool logs_attempts;
	/* 2.2.7 logs no "Activating healthchecker" line for this kind. */
	bool silent_start;
	/* Extra line(s) for the USR1 data dump (the kind's options); NULL: none. */
	void (*dump)(FILE *out, const struct ck_check *c);
};

/* The kind whose keyword is `keyword`; NULL when unknown or not built. */
const struct ck_kind *ck_kind_find(const char *keyword);
/* Every kind's keyword is one of these (NULL-terminated), built or not. */
extern const char *const ck_kind_keywords[];

/* The end of an attempt: outcome, and for a failure why, printf-style
 * (kept in c->reason for logs and dumps; NULL or "" for no detail).
 * Feeds the result funnel and arms the next attempt. */
void ck_check_done(struct ck_check *c, enum ck_outcome outcome, const char *why, ...)
	__attribute__((format(printf, 3, 4)));

/* Socket helpers the network kinds share (check_sched.c). */
struct sockaddr_storage;
/* sockaddr of ip:port; returns its length. */
unsigned ck_sockaddr(const struct ipvs_ip *ip, uint16_t port, struct sockaddr_storage *ss);
/* A non-blocking socket of `type` (SOCK_STREAM, SOCK_DGRAM...) for c's
 * connect_ip family with c's fwmark, bind_if, bindto and bind_port
 * applied; -errno on failure. */
int ck_socket(const struct ck_check *c, int type, int protocol);

/* An attempt's socket, its I/O event and its timeout (kinds that drive a
 * datagram exchange with plain events: UDP_CHECK, PING_CHECK). */
struct ck_io {
	struct event *io, *timer;
	int fd;                      /* -1: none */
};
/* Free both events and close the socket (each only when set). */
void ck_io_release(struct ck_io *x);
/* Wait for x->fd to be readable (on_read, persistent) for at most tv
 * (on_timeout), both called with c; -1 when out of memory. */
int ck_io_arm(struct ck_io *x, struct ck_check *c, event_callback_fn on_read,
	      event_callback_fn on_timeout, const struct timeval *tv);

#endif
