/*
 * vrrp_fifo.h - the notify FIFOs of the VRRP child: global_defs
 * notify_fifo and vrrp_notify_fifo, each with its optional _script.
 *
 * Design.  2.2.7's behaviour, observed on its binary:
 *  - the VRRP child creates a missing FIFO (mode 0600, owned by the
 *    "FIFO [user [group]]" words when given) and removes it at stop; a
 *    FIFO that already existed is used as it is (owner unchanged) and left
 *    in place; so is an existing regular file, written from its start;
 *  - it opens each FIFO read-write, so that writing never waits for a
 *    reader and lines written before the reader opens are kept (we also
 *    open it non-blocking: a full FIFO loses lines rather than stalling
 *    the VRRP loop);
 *  - the FIFO script is started once, at start (and again after each
 *    reload), with the FIFO's name as its last argument; its end is
 *    logged ("vrrp notify fifo script terminated"), it is not restarted;
 *  - every event goes to both FIFOs as one line:
 *        INSTANCE "VI_1" MASTER 100      (BACKUP, FAULT, STOP, ...)
 *        GROUP "G1" BACKUP 0             (sync groups: priority 0)
 *    and, with notify_priority_changes, when tracking moves an instance's
 *    priority (written by vrrp_track.c through vrrp_fifo_instance()):
 *        INSTANCE "VI_1" MASTER_PRIORITY 90   (BACKUP_PRIORITY unless MASTER)
 *  - at stop the scripts get SIGTERM first, then the STOP lines are
 *    written, then the FIFOs are closed (the reader sees end of file).
 */
#ifndef KA_VRRP_FIFO_H
#define KA_VRRP_FIFO_H

struct conf;
struct event_base;
struct vrrp_inst;

/* Create/open the configured FIFOs and start their scripts.  Problems are
 * logged and leave that FIFO out; never fatal. */
void vrrp_fifo_open(struct event_base *base, const struct conf *conf);

/* INSTANCE "name" STATE PRIORITY to every open FIFO. */
void vrrp_fifo_instance(const char *name, const char *state, unsigned priority);
/* GROUP "name" STATE 0 to every open FIFO. */
void vrrp_fifo_group(const char *name, const char *state);

/* SIGTERM to the running FIFO scripts (before the STOP lines). */
void vrrp_fifo_stop_scripts(void);
/* Close the FIFOs and remove the ones we created. */
void vrrp_fifo_close(void);

/* Reload (2.2.7): scripts TERMed, FIFOs closed (and removed if ours), then
 * opened again from the new tree and the scripts started again. */
void vrrp_fifo_reload(struct event_base *base, const struct conf *conf);
/* After a reload, with fifo_write_vrrp_states_on_reload: what 2.2.7 writes
 * then, observed: one GROUP line per sync group with its state (and no
 * INSTANCE line, grouped or not). */
void vrrp_fifo_states_on_reload(const struct vrrp_inst *head, const struct conf *conf);

#endif
