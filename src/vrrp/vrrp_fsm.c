/*
 * vrrp_fsm.c - the VRRP state machine: a table of (state, event) handlers.
 *
 * Each public event function looks its handler up in fsm_table; a NULL
 * entry means the event is ignored in that state (for example an advert
 * in FAULT).  Handlers only call ops and goto_state(), so every
 * transition passes through ops->change_state exactly once.
 */
#include <string.h>

#include "vrrp_fsm.h"

enum fsm_event {
	EV_START,
	EV_ADVERT,
	EV_ADVER_TIMER,
	EV_MASTER_DOWN,
	EV_FAULT,
	EV_FAULT_CLEARED,
	EV_YIELD,
	EV_ADDR_LOST,
	EV_STOP,
	EV_COUNT
};

typedef void fsm_handler(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv);

static const char *const state_names[VRRP_STATE_COUNT] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
	[VRRP_STATE_STOP] = "STOP",
};

const char *vrrp_state_name(enum vrrp_state state)
{
	return state < VRRP_STATE_COUNT ? state_names[state] : "UNKNOWN";
}

/* ---- timer arithmetic ------------------------------------------------------ */

uint64_t vrrp_skew_time_us(const struct vrrp_fsm *fsm)
{
	uint64_t base = fsm->cfg->version == 2 ? 1000000 : fsm->master_adver_int_us;

	/* RFC 3768: (256 - Priority) / 256 s; RFC 5798: scaled by the interval. */
	return ((256 - (uint64_t)fsm->priority) * base) / 256;
}

uint64_t vrrp_master_down_interval_us(const struct vrrp_fsm *fsm)
{
	unsigned adverts = fsm->cfg->down_timer_adverts ? fsm->cfg->down_timer_adverts : 3;

	return adverts * fsm->master_adver_int_us + vrrp_skew_time_us(fsm);
}

/* ---- building blocks --------------------------------------------------------- */

static void goto_state(struct vrrp_fsm *fsm, enum vrrp_state to)
{
	enum vrrp_state from = fsm->state;

	fsm->state = to;
	if (from != to)
		fsm->ops->change_state(fsm->arg, from, to);
}

static void become_master(struct vrrp_fsm *fsm)
{
	fsm->preempt_pending = false;
	fsm->ops->cancel_timers(fsm->arg);
	fsm->ops->send_advert(fsm->arg, fsm->priority);
	fsm->ops->arm_adver_timer(fsm->arg, fsm->cfg->adver_int_us);
	goto_state(fsm, VRRP_STATE_MASTER);
}

/* Enter BACKUP waiting `extra_us` beyond the master-down interval. */
static void become_backup(struct vrrp_fsm *fsm, uint64_t extra_us)
{
	fsm->ops->cancel_timers(fsm->arg);
	fsm->ops->arm_master_down_timer(fsm->arg, vrrp_master_down_interval_us(fsm) + extra_us);
	goto_state(fsm, VRRP_STATE_BACKUP);
}

static void leave_master_quietly(struct vrrp_fsm *fsm, enum vrrp_state to)
{
	fsm->ops->cancel_timers(fsm->arg);
	if (fsm->state == VRRP_STATE_MASTER)
		fsm->ops->send_advert(fsm->arg, VRRP_PRIO_STOP);
	goto_state(fsm, to);
}

static bool sender_wins_tie(const struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	uint8_t len = adv->src_len < fsm->cfg->addr_len ? adv->src_len : fsm->cfg->addr_len;

	return memcmp(adv->src, fsm->cfg->local_addr, len) > 0;
}

static void learn_master_interval(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	if (fsm->cfg->version == 3 && adv->interval_us)
		fsm->master_adver_int_us = adv->interval_us;
}

/* ---- handlers ------------------------------------------------------------------ */

/* INIT or FAULT -> the state the instance should run in now. */
static void enter_running(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	uint64_t delay = 0;

	(void)adv;
	fsm->master_adver_int_us = fsm->cfg->adver_int_us;
	if (fsm->faulted) {
		goto_state(fsm, VRRP_STATE_FAULT);
		return;
	}
	if (fsm->priority == VRRP_PRIO_OWNER && fsm->cfg->want_master) {
		become_master(fsm);
		return;
	}
	if (!fsm->started_once && !fsm->cfg->nopreempt && fsm->cfg->preempt_delay_us)
		delay = fsm->cfg->preempt_delay_us;
	fsm->started_once = true;
	fsm->preempt_pending = delay != 0;
	become_backup(fsm, delay);
}

static void backup_advert(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	if (adv->priority == VRRP_PRIO_STOP) {
		fsm->preempt_pending = false;
		fsm->ops->arm_master_down_timer(fsm->arg, vrrp_skew_time_us(fsm));
		return;
	}
	if (fsm->cfg->nopreempt || adv->priority >= fsm->priority) {
		fsm->preempt_pending = false;
		learn_master_interval(fsm, adv);
		fsm->ops->arm_master_down_timer(fsm->arg, vrrp_master_down_interval_us(fsm));
		return;
	}
	/* A lower-priority master: let the timer run out (preempt), later with preempt_delay. */
	if (fsm->cfg->preempt_delay_us && !fsm->preempt_pending) {
		fsm->preempt_pending = true;
		fsm->ops->arm_master_down_timer(fsm->arg, vrrp_master_down_interval_us(fsm) +
							  fsm->cfg->preempt_delay_us);
	}
}

static void backup_master_down(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	become_master(fsm);
}

static void master_adver_timer(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	fsm->ops->send_advert(fsm->arg, fsm->priority);
	fsm->ops->arm_adver_timer(fsm->arg, fsm->cfg->adver_int_us);
}

static void master_advert(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	bool yield = adv->priority > fsm->priority ||
		     (adv->priority == fsm->priority && sender_wins_tie(fsm, adv));

	if (adv->priority == VRRP_PRIO_STOP) {
		master_adver_timer(fsm, NULL);
		return;
	}
	if (!yield) {
		if (!fsm->cfg->lower_prio_no_advert)
			master_adver_timer(fsm, NULL);
		if (fsm->ops->lower_prio_seen)
			fsm->ops->lower_prio_seen(fsm->arg);
		return;
	}
	if (fsm->cfg->higher_prio_send_advert)
		fsm->ops->send_advert(fsm->arg, fsm->priority);
	learn_master_interval(fsm, adv);
	become_backup(fsm, 0);
}

/* A sync group member went BACKUP: so does this MASTER, without a
 * priority 0 advert (2.2.7 sends none here). */
static void master_yield(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	become_backup(fsm, 0);
}

/* 2.2.7, when a VIP disappears behind a MASTER's back: priority 0 advert,
 * BACKUP, and master again after the skew time unless someone else
 * takes over (the VIPs are set again on the way back). */
static void master_addr_lost(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	fsm->ops->cancel_timers(fsm->arg);
	goto_state(fsm, VRRP_STATE_BACKUP);
	fsm->ops->send_advert(fsm->arg, VRRP_PRIO_STOP);
	fsm->ops->arm_master_down_timer(fsm->arg, vrrp_skew_time_us(fsm));
}

static void any_fault(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	leave_master_quietly(fsm, VRRP_STATE_FAULT);
}

static void any_stop(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	(void)adv;
	leave_master_quietly(fsm, VRRP_STATE_STOP);
}

static fsm_handler *const fsm_table[VRRP_STATE_COUNT][EV_COUNT] = {
	[VRRP_STATE_INIT] = {
		[EV_START] = enter_running,
		[EV_STOP] = any_stop,
	},
	[VRRP_STATE_BACKUP] = {
		[EV_ADVERT] = backup_advert,
		[EV_MASTER_DOWN] = backup_master_down,
		[EV_FAULT] = any_fault,
		[EV_STOP] = any_stop,
	},
	[VRRP_STATE_MASTER] = {
		[EV_ADVERT] = master_advert,
		[EV_ADVER_TIMER] = master_adver_timer,
		[EV_FAULT] = any_fault,
		[EV_YIELD] = master_yield,
		[EV_ADDR_LOST] = master_addr_lost,
		[EV_STOP] = any_stop,
	},
	[VRRP_STATE_FAULT] = {
		[EV_FAULT_CLEARED] = enter_running,
		[EV_STOP] = any_stop,
	},
	[VRRP_STATE_STOP] = { 0 },
};

static void dispatch(struct vrrp_fsm *fsm, enum fsm_event ev, const struct vrrp_rx_advert *adv)
{
	fsm_handler *h = fsm_table[fsm->state][ev];

	if (h)
		h(fsm, adv);
}

/* ---- public events ------------------------------------------------------------- */

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg,
		   const struct vrrp_fsm_ops *ops, void *arg, uint8_t priority)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = cfg;
	fsm->ops = ops;
	fsm->arg = arg;
	fsm->state = VRRP_STATE_INIT;
	fsm->priority = priority;
	fsm->master_adver_int_us = cfg->adver_int_us;
}

void vrrp_fsm_start(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_START, NULL);
}

void vrrp_fsm_advert(struct vrrp_fsm *fsm, const struct vrrp_rx_advert *adv)
{
	dispatch(fsm, EV_ADVERT, adv);
}

void vrrp_fsm_adver_timer(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_ADVER_TIMER, NULL);
}

void vrrp_fsm_master_down_timer(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_MASTER_DOWN, NULL);
}

void vrrp_fsm_fault(struct vrrp_fsm *fsm, bool faulted)
{
	if (fsm->faulted == faulted)
		return;
	fsm->faulted = faulted;
	dispatch(fsm, faulted ? EV_FAULT : EV_FAULT_CLEARED, NULL);
}

void vrrp_fsm_yield(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_YIELD, NULL);
}

void vrrp_fsm_addr_lost(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_ADDR_LOST, NULL);
}

void vrrp_fsm_set_priority(struct vrrp_fsm *fsm, uint8_t priority)
{
	/* Takes effect in the next advert (MASTER) or the next received advert
	 * comparison (BACKUP), as in 2.2.7. */
	fsm->priority = priority;
}

void vrrp_fsm_stop(struct vrrp_fsm *fsm)
{
	dispatch(fsm, EV_STOP, NULL);
}
