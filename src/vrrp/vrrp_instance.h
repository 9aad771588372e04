/*
 * vrrp_instance.h - one VRRP instance at runtime.
 *
 * Design.  An instance couples the pure state machine (vrrp_fsm.h) to the
 * world: its ops arm libevent timers with microsecond precision, send
 * adverts through the shared sockets (vrrp_net.h), and change_state is the
 * one place where a transition has effects: 2.2.7's log lines, VIPs added
 * or removed over netlink, gratuitous ARP / unsolicited NA bursts, notify
 * scripts, counters.  Received packets are validated with the codec
 * (vrrp_rx_validate) against the instance's expectations; drops are
 * counted per reason and logged at most once per reason per second.
 * Kernel events (link up/down, an address removed) arrive from the child
 * through vrrp_inst_link() and vrrp_inst_addr_deleted().
 */
#ifndef KA_VRRP_INSTANCE_H
#define KA_VRRP_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/time.h>

#include "nl_core.h"
#include "vrrp_fsm.h"
#include "vrrp_model.h"
#include "vrrp_packet.h"

struct event;
struct event_base;
struct vrrp_sock;

/* Drop counters and when each reason was last logged: allocated at an
 * instance's first drop (most instances never drop anything; 256 bytes
 * each otherwise). */
struct vrrp_drops {
	unsigned long n[VRRP_DROP_MAX];
	time_t logged[VRRP_DROP_MAX];
};

struct vrrp_stats {
	unsigned long adv_rx, adv_tx;
	unsigned long became_master, released_master;
	unsigned long prio0_rx, prio0_tx;
	struct vrrp_drops *drops;          /* NULL: nothing dropped yet */
};

/* What every instance shares: the event base, the netlink request socket,
 * the GARP socket, and the -V option. */
struct vrrp_env {
	struct event_base *base;
	struct nlctx *nl;
	int garp_fd;
	bool dont_release;
	/* Set by the engine while it starts its instances: their first
	 * master-down timers count from this one moment rather than from
	 * when the start loop reached each (1,000 instances take tens of ms
	 * to start, more than the 39 ms between a priority 200 and a
	 * priority 100 router's master-down intervals at 0.1 s adverts). */
	struct timeval start_clock;
};

struct vrrp_inst {
	const struct vrrp_model_inst *m;
	const struct vrrp_env *env;
	struct vrrp_fsm fsm;
	struct vrrp_fsm_config fcfg;
	struct vrrp_sock *sock;
	struct sys_ip src;                 /* source of our adverts */
	uint8_t mac[6];
	uint8_t *vip_wire;                 /* the VIPs as sent: nvips x 4 or 16 bytes */
	struct timeval adver_due;          /* deadline of the next advert (loop's clock) */
	bool adver_periodic;               /* arming from the advert timer itself */
	/* The advert timer (MASTER) and the master-down timer (BACKUP) are
	 * never armed together (the FSM cancels both on every transition):
	 * one event, t_fsm_down saying which one it is. */
	struct event *t_fsm;
	bool t_fsm_down;
	bool t_fsm_spin;                   /* master-down armed early: wait the rest awake */
	struct event *t_garp;              /* these three: NULL until first armed */
	struct event *t_refresh, *t_lower;  /* garp_master_refresh, garp_lower_prio_delay */
	/* MASTER's VIPs, GARPs and notify run after the loop pass (see
	 * do_takeover()): queued in takeover_next until then */
	bool takeover_queued, takeover_due;
	struct vrrp_inst *takeover_next;
	struct timeval t_down_due;         /* when the master-down timer fires */
	struct timeval rx_time;            /* kernel receive time of the advert being
					    * handled (zero otherwise): master-down
					    * runs from it, not from our wake-up */
	bool vips_set;
	bool link_up;
	bool no_src;                       /* no address to send from: FAULT */
	bool track_fault;                  /* a weight-0 tracked object is down (vrrp_track.c) */
	bool track_hold, start_held;       /* tracking: start waits for first script results */
	struct vrrp_sync *sync;            /* its vrrp_sync_group, NULL none (vrrp_sync.c) */
	bool down_expired;                 /* master-down ran out, not re-armed since (sync) */
	uint16_t ip_id;
	uint32_t ah_seq;
	struct vrrp_ip last_master;        /* sender of the last accepted advert */
	struct timeval last_transition;
	struct vrrp_stats st;
	struct vrrp_inst *next;
};

/* Create the instance (sockets, timers); NULL and logged on failure. */
struct vrrp_inst *vrrp_inst_new(const struct vrrp_env *env, const struct vrrp_model_inst *m);
/* Enter BACKUP (or MASTER for an owner with "state MASTER"), or FAULT. */
void vrrp_inst_start(struct vrrp_inst *in);
/* Leave for STOP (priority 0 advert when MASTER, VIPs released unless -V). */
void vrrp_inst_stop(struct vrrp_inst *in);
void vrrp_inst_free(struct vrrp_inst *in);
/* Reload: take the new model m of the same instance (same VRID, family,
 * interface and unicast/multicast) keeping state, timers and counters;
 * as MASTER, only VIPs added or removed change.  The old model may be
 * freed afterwards. */
void vrrp_inst_reconfigure(struct vrrp_inst *in, const struct vrrp_model_inst *m);
/* Faulted by itself: link down (unless dont_track_primary), no source
 * address, a weight-0 tracked object down. */
bool vrrp_inst_own_fault(const struct vrrp_inst *in);
/* Re-evaluate FAULT: faulted by itself or by another sync group member. */
void vrrp_inst_refresh_fault(struct vrrp_inst *in);
/* Kernel events for this instance's interface / addresses. */
void vrrp_inst_link(struct vrrp_inst *in, bool up);
void vrrp_inst_addr_deleted(struct vrrp_inst *in, const struct sys_ip *addr);
/* An address appeared on ifindex: an instance without a source may run now. */
void vrrp_inst_addr_added(struct vrrp_inst *in, int ifindex);
void vrrp_inst_clear_stats(struct vrrp_inst *in);
/* vrrp_startup_delay (vrrp_rt.c): a BACKUP's pending master-down timer,
 * and moving it to another deadline (the loop's clock). */
bool vrrp_inst_down_timer_due(const struct vrrp_inst *in, struct timeval *due);
void vrrp_inst_down_timer_move(struct vrrp_inst *in, const struct timeval *due);
/* Adverts dropped for reason r. */
unsigned long vrrp_inst_drops(const struct vrrp_inst *in, enum vrrp_drop r);
/* The hook for tracking (track_script, track_interface weights...): set the
 * effective priority; it takes effect with the next advert sent or
 * compared, as in 2.2.7.  Called by tracking (vrrp_track.c). */
void vrrp_inst_set_priority(struct vrrp_inst *in, uint8_t priority);
/* Tracking (vrrp_track.c): a weight-0 tracked object is down (or back).
 * FAULT while it is, or while the link is down or there is no source
 * address; callable before vrrp_inst_start(). */
void vrrp_inst_set_track_fault(struct vrrp_inst *in, bool fault);
/* Tracking (vrrp_track.c): while held, vrrp_inst_start() only remembers
 * the request (2.2.7 keeps an instance in INIT until its weight-0 scripts
 * have reported once); releasing the hold starts it then. */
void vrrp_inst_set_track_hold(struct vrrp_inst *in, bool hold);

#endif
