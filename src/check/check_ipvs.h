/*
 * check_ipvs.h - keep the kernel's IPVS table in line with the checker's
 * model.
 *
 * The wanted table is a function of the model and the run-time state:
 * every service of every virtual server is present; a real server's
 * destination is present when it is alive (weight = its weight) or when
 * it is failed with inhibit_on_failure (weight 0), except while its
 * virtual server has lost quorum and has a sorry server, which then is
 * the only destination.  The functions below move the kernel from one
 * state to the next and log what 2.2.7 logs about quorum and the sorry
 * server ("Gained quorum 1+0=1 <= 3 for VS [10.0.0.1]:tcp:80", "Adding
 * sorry server ...", "Removing alive servers from the pool ...") and run
 * quorum_up / quorum_down.  Real-server transitions are logged by the
 * result funnel (check_result.c), which calls ck_ipvs_rs_changed().
 *
 * Kernel errors are logged and otherwise ignored (the next transition
 * retries the wanted state).
 */
#ifndef KA_CHECK_IPVS_H
#define KA_CHECK_IPVS_H

#include <stdbool.h>

struct ck_model;
struct ck_rs;
struct event_base;

/* Open the IPVS socket, flush when asked (lvs_flush), set lvs_timeouts,
 * add every service
 * and the destinations of the servers alive at start, evaluate quorum
 * (2.2.7 "gains" it at start and runs quorum_up; below quorum - hysteresis
 * with a sorry server it "starts with quorum down", runs quorum_down and
 * puts in the sorry server; otherwise it says nothing).  Returns 0, or -errno
 * when IPVS cannot be opened (logged; the state is still evaluated and
 * later calls work without a kernel table). */
int ck_ipvs_start(struct ck_model *m, struct event_base *base);

/* rs->alive changed: update its destination, then the quorum of its
 * virtual server. */
void ck_ipvs_rs_changed(struct ck_rs *rs);

/* At stop: unless `keep` (-I), log each real server as 2.2.7 does
 * ("Shutting down service X from VS Y", whatever its state) and delete
 * every service (and flush the whole table with lvs_flush_on_stop; with
 * "lvs_flush_on_stop VS" only ours go, which is the default anyway).
 * Then, for virtual servers with omega, run quorum_down
 * and the notify_down of each alive real server, waiting for each.
 * Closes the socket. */
void ck_ipvs_stop(struct ck_model *m, bool keep);

#endif
