/*
 * check_fifo.h - the checker's notify FIFOs: global_defs lvs_notify_fifo
 * (with lvs_notify_fifo_script) and the shared notify_fifo.
 *
 * Lines, as 2.2.7 writes them (observed in the VM):
 *     VS [10.0.0.1]:tcp:80 UP          quorum gained (also at start)
 *     VS [10.0.0.1]:tcp:80 DOWN        quorum lost
 *     RS [10.9.0.3]:tcp:80 [10.0.0.1]:tcp:80 DOWN    a real server failed
 *     RS [10.9.0.3]:tcp:80 [10.0.0.1]:tcp:80 UP      ... and came back
 * (a real server a reload removes while alive is reported DOWN).
 *
 * The checker creates a missing lvs_notify_fifo (0600) and removes it at
 * stop; it opens it read-write and non-blocking (a full FIFO loses lines
 * rather than stalling the checks).  lvs_notify_fifo_script is started
 * with the FIFO's name as its last argument and gets SIGTERM at stop.
 * notify_fifo (shared with the VRRP child, which creates it and runs its
 * script) only receives the lines when it exists.  A reload keeps FIFOs
 * and scripts whose configuration did not change.
 */
#ifndef KA_CHECK_FIFO_H
#define KA_CHECK_FIFO_H

#include <stdbool.h>

struct conf;
struct ck_rs;
struct ck_vs;
struct event_base;

/* Open the FIFOs `conf` names and start the script; problems are logged. */
void ck_fifo_open(struct event_base *base, const struct conf *conf);
/* After a reload: reopen what changed (keeps no pointer into conf). */
void ck_fifo_reload(struct event_base *base, const struct conf *conf);
void ck_fifo_vs(const struct ck_vs *vs, bool up);
void ck_fifo_rs(const struct ck_rs *rs, bool up);
/* Stop: SIGTERM to the script, close, remove the FIFO we created. */
void ck_fifo_close(void);

#endif
