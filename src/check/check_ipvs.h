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
struct ck_vs;
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
 * ("Shutting down service X from VS Y", "(inhibited)" for a failed one
 * with inhibit_on_failure) and delete every service; with
 * "lvs_flush_on_stop VS" delete the services without those lines; with
 * lvs_flush_on_stop flush the whole table (one request, silently).
 * Then, for virtual servers with omega, run quorum_down
 * and the notify_down of each alive real server, waiting for each.
 * Closes the socket. */
void ck_ipvs_stop(struct ck_model *m, bool keep);

/* ---- reload (check_reload.c): the pieces of a diff ---------------------
 * The caller has carried the run-time state (rs->set, set_weight,
 * quorum_ok, sorry_set) from the old model into the new one. */
enum ck_ipvs_svc_op { CK_SVC_ADD, CK_SVC_EDIT, CK_SVC_DEL };
struct ipvs_service;

/* Same scheduler, flags, persistence and engine (identity not compared). */
bool ck_ipvs_svc_same_opts(const struct ipvs_service *a, const struct ipvs_service *b);
/* Add (with the destinations vs's servers already have elsewhere: set
 * ones), edit the options of, or delete one service of vs. */
void ck_ipvs_reload_svc(const struct ck_vs *vs, const struct ipvs_service *svc,
			enum ck_ipvs_svc_op op);
/* Edit one service of vs from the helper thread (ipvs_async.h); false:
 * not sent (dry run, no socket, no thread), send it with
 * ck_ipvs_reload_svc().  ck_ipvs_reload_finish() waits for the answers
 * and logs the refusals; it ends every reload (and does nothing when no
 * edit went ahead). */
bool ck_ipvs_reload_svc_early(const struct ck_vs *vs, const struct ipvs_service *svc);
void ck_ipvs_reload_finish(void);
/* A real server that the new configuration drops: delete its destination. */
void ck_ipvs_reload_rs_gone(struct ck_rs *rs);
/* Same forwarding method, tunnel options and thresholds. */
bool ck_ipvs_rs_same_dest(const struct ck_rs *a, const struct ck_rs *b);
/* Rewrite rs's destination (its attributes changed), if present. */
void ck_ipvs_reload_rs_edit(struct ck_rs *rs);
/* A kept virtual server: sorry server, each real server and quorum moved
 * to their wanted state (kernel touched only where it differs). */
void ck_ipvs_reload_vs_settle(struct ck_vs *vs);
/* A new virtual server: as at start.  A removed one: its services go
 * ("Removing Virtual Server X", as 2.2.7 logs). */
void ck_ipvs_reload_vs_add(struct ck_vs *vs);
void ck_ipvs_reload_vs_del(struct ck_vs *vs);
/* lvs_timeouts changed: set them again. */
void ck_ipvs_reload_globals(const struct ck_model *old, const struct ck_model *m);

/* For unit tests: called with every kernel operation the layer makes
 * (also without a socket): op "svc-add", "svc-edit", "svc-del",
 * "dest-add", "dest-edit", "dest-del"; svc "tcp/10.0.0.1/80" or
 * "FWM 7/2"; dest "10.9.0.2/80/WEIGHT" or "". NULL: none.  While a trace function is set,
 * ck_ipvs_start() opens no socket (a dry run that never touches the
 * host's table). */
void ck_ipvs_set_trace(void (*fn)(const char *op, const char *svc, const char *dest));

#endif
