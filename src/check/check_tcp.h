/*
 * check_tcp.h - TCP_CHECK: a non-blocking connect() in the event loop.
 *
 * Each TCP_CHECK owns a timer and, during an attempt, a socket.  The first
 * attempt starts after a random delay in [0, warmup]; each attempt marks
 * (fwmark), binds to a device (bind_if) and an address (bindto /
 * bind_port) when asked, connects to connect_ip:connect_port,
 * waits at most connect_timeout, closes the socket and reports only the
 * outcome to the result funnel (ck_result()), which says when to try next.
 */
#ifndef KA_CHECK_TCP_H
#define KA_CHECK_TCP_H

#include "check_model.h"

struct event_base;

/* Start every TCP_CHECK of the model (logs "Activating healthchecker for
 * service X for VS Y" per checker, as 2.2.7).  0 or -ENOMEM. */
int ck_tcp_start_all(struct ck_model *m, struct event_base *base);
/* Stop them all: timers cancelled, sockets closed; no more results. */
void ck_tcp_stop_all(struct ck_model *m);

#endif
