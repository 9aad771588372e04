/*
 * vrrp_fsm.h - the VRRP state machine of one instance (RFC 5798 section 6.4,
 * RFC 3768 section 6.4), with keepalived 2.2.7's extensions.
 *
 * Pure logic: it never reads a clock, touches a socket or an address.  It
 * is driven by events (start, advert received, timer expired, fault,
 * priority change, stop) and acts through an ops table: send an advert,
 * arm or cancel the two RFC timers, and change state.  All side effects
 * of a state change (log line, VIPs, GARP, notify scripts, counters) hang
 * off ops->change_state, the single choke point.  Unit tests drive it with
 * a fake clock (tests/unit/test_vrrp_fsm.c).
 *
 * 2.2.7 behaviour kept on purpose (see doc/compatibility.md):
 *  - down_timer_adverts replaces the RFC's constant 3 in Master_Down_Interval;
 *  - a master that receives a lower-priority advert answers with an advert
 *    at once unless lower_prio_no_advert (the RFC just discards it);
 *  - higher_prio_send_advert: a master sends one more advert before yielding;
 *  - preempt_delay extends the master-down wait at start and when a
 *    lower-priority master is first seen;
 *  - an owner (priority 255) goes straight to MASTER only with "state MASTER";
 *  - leaving MASTER for FAULT or STOP sends a priority 0 advert.
 */
#ifndef KA_VRRP_FSM_H
#define KA_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

enum vrrp_state {
	VRRP_STATE_INIT,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_STOP,
	VRRP_STATE_COUNT
};

#define VRRP_PRIO_OWNER 255
#define VRRP_PRIO_STOP 0

/* What the configuration says (the instance owns it; the FSM only reads it). */
struct vrrp_fsm_config {
	uint8_t version;                 /* 2 or 3 */
	uint64_t adver_int_us;           /* Advertisement_Interval */
	unsigned down_timer_adverts;     /* 3 per the RFCs */
	bool nopreempt;
	uint64_t preempt_delay_us;
	bool want_master;                /* "state MASTER" */
	bool lower_prio_no_advert;
	bool higher_prio_send_advert;
	uint8_t local_addr[16];          /* primary address, network order, for tie-breaks */
	uint8_t addr_len;                /* 4 or 16 */
};

/* A received advert that passed validation. */
struct vrrp_rx_advert {
	uint8_t priority;
	uint64_t interval_us;            /* v3: Max Adver Int; v2: the configured one */
	const uint8_t *src;              /* sender's address, network order */
	uint8_t src_len;
};

struct vrrp_fsm_ops {
	void (*send_advert)(void *arg, uint8_t priority);
	void (*arm_adver_timer)(void *arg, uint64_t usec);
	void (*arm_master_down_timer)(void *arg, uint64_t usec);
	void (*cancel_timers)(void *arg);
	void (*change_state)(void *arg, enum vrrp_state from, enum vrrp_state to);
	/* MASTER saw a lower-priority advert (2.2.7 re-sends GARP later). May be NULL. */
	void (*lower_prio_seen)(void *arg);
};

struct vrrp_fsm {
	const struct vrrp_fsm_config *cfg;
	const struct vrrp_fsm_ops *ops;
	void *arg;
	enum vrrp_state state;
	uint8_t priority;                /* effective priority (tracking applied) */
	uint64_t master_adver_int_us;    /* Master_Adver_Interval (learned in v3) */
	bool faulted;
	bool preempt_pending;            /* a preempt_delay wait is running */
	bool started_once;               /* preempt_delay at start applies once */
};

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg,
		   const struct vrrp_fsm_ops *ops, void *arg, uint8_t priority);

/* Events. */
void vrrp_fsm_start(struct vrrp_fsm *fsm);
void vrrp_fsm_advert(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv);
void vrrp_fsm_adver_timer(struct vrrp_fsm *fsm);
void vrrp_fsm_master_down_timer(struct vrrp_fsm *fsm);
void vrrp_fsm_fault(struct vrrp_fsm *fsm, bool faulted);
void vrrp_fsm_set_priority(struct vrrp_fsm *fsm, uint8_t priority);
/* Sync groups: a MASTER steps down to BACKUP (no priority 0 advert) because
 * another member did; other states ignore it.  A BACKUP is pushed up with
 * vrrp_fsm_master_down_timer(). */
void vrrp_fsm_yield(struct vrrp_fsm *fsm);
/* A MASTER's VIP was removed behind its back (2.2.7): BACKUP with a
 * priority 0 advert, master again after the skew time if nobody else is. */
void vrrp_fsm_addr_lost(struct vrrp_fsm *fsm);
void vrrp_fsm_stop(struct vrrp_fsm *fsm);

/* Timer arithmetic (microseconds). */
uint64_t vrrp_skew_time_us(const struct vrrp_fsm *fsm);
uint64_t vrrp_master_down_interval_us(const struct vrrp_fsm *fsm);

/* "INIT", "BACKUP", "MASTER", "FAULT", "STOP". */
const char *vrrp_state_name(enum vrrp_state state);

#endif
