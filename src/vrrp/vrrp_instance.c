/*
 * vrrp_instance.c - one VRRP instance at runtime (vrrp_instance.h).
 *
 * Design.  The FSM's ops live here: two one-shot libevent timers (advert
 * and master-down), send_advert building packets with the codec, and
 * change_state, the choke point for every effect of a transition.  The
 * receive path builds a struct vrrp_expect from the model, runs
 * vrrp_rx_validate(), counts and logs drops, logs what 2.2.7 logs about
 * accepted adverts, and feeds the FSM.
 */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "log.h"
#include "monotime.h"
#include "nl_addr.h"
#include "nl_link.h"
#include "vrrp_actions.h"
#include "vrrp_instance.h"
#include "vrrp_lvs_syncd.h"
#include "vrrp_net.h"
#include "vrrp_sync.h"
#include "vrrp_track.h"
#include "vrrp_vmac.h"

static void arm(struct event *ev, uint64_t usec)
{
	struct timeval tv = { (time_t)(usec / 1000000), (suseconds_t)(usec % 1000000) };

	event_add(ev, &tv);
}

/* ---- sending ----------------------------------------------------------------- */

static void fill_advert(struct vrrp_inst *in, struct vrrp_advert *a, uint8_t prio)
{
	const struct vrrp_model_inst *m = in->m;

	memset(a, 0, sizeof(*a));
	a->version = m->version;
	a->type = VRRP_TYPE_ADVERT;
	a->vrid = m->vrid;
	a->priority = prio;
	a->naddr = (uint8_t)m->nvips;
	a->af = m->family;
	a->addrs = in->vip_wire;
	if (m->version == 2) {
		a->auth_type = m->auth_type;
		a->adver_int_s = vrrp_us_to_v2_s(m->adver_int_us);
	} else {
		a->max_adver_int_cs = vrrp_interval_cs_clamp(vrrp_us_to_cs(m->adver_int_us));
	}
}

static int send_to(struct vrrp_inst *in, uint8_t prio, const struct sys_ip *dst, bool unicast)
{
	const struct vrrp_model_inst *m = in->m;
	uint8_t buf[VRRP_IP4_HDR_LEN + VRRP_AH_LEN + 16 + VRRP_MAX_ADDRS * 16];
	size_t len;

	if (m->family == AF_INET) {
		struct vrrp_tx4 tx;

		memset(&tx, 0, sizeof(tx));
		tx.ip.tos = VRRP_IP4_TOS;
		tx.ip.id = ++in->ip_id;
		tx.ip.ttl = unicast ? m->unicast_ttl : VRRP_TTL;
		tx.ip.src = in->src.u.v4;
		tx.ip.dst = dst->u.v4;
		fill_advert(in, &tx.adv, prio);
		tx.auth_pass = m->auth_pass;
		if (m->auth_type == VRRP_AUTH_AH)
			tx.ah_seq = ++in->ah_seq;
		tx.old_checksum = unicast && m->old_csum_send;
		len = vrrp_tx4_encode(buf, sizeof(buf), &tx);
	} else {
		struct vrrp_advert a;
		struct vrrp_ip s = { .af = AF_INET6 }, d = { .af = AF_INET6 };

		s.u.v6 = in->src.u.v6;
		d.u.v6 = dst->u.v6;
		fill_advert(in, &a, prio);
		len = vrrp_advert_encode(buf, sizeof(buf), &a, &s, &d);
	}
	if (!len)
		return -1;
	return vrrp_sock_send(in->sock, buf, len, &in->src, dst,
			      unicast ? m->unicast_ttl : VRRP_TTL);
}

static void op_send_advert(void *arg, uint8_t prio)
{
	struct vrrp_inst *in = arg;
	const struct vrrp_model_inst *m = in->m;
	size_t i;
	int r = 0;

	if (!in->sock || in->no_src)
		return;
	if (m->npeers) {
		for (i = 0; i < m->npeers; i++) {
			struct sys_ip d = { .family = m->peers[i].addr.af };

			memcpy(&d.u, &m->peers[i].addr.u, sizeof(d.u));
			r |= send_to(in, prio, &d, true);
		}
	} else {
		r = send_to(in, prio, &m->mcast_group, false);
	}
	if (r)
		log_debug("(%s) sending advert failed", m->name);
	in->st.adv_tx++;
	if (prio == VRRP_PRIO_STOP) {
		in->st.prio0_tx++;
		log_debug("(%s) sent 0 priority", m->name);
	}
}

/* ---- timers --------------------------------------------------------------------- */

/* The periodic advert is due one interval after the previous deadline,
 * not after this callback ran: with many instances on one tick, time
 * spent on the others would otherwise stretch every interval.  Times are
 * the loop's cached clock, so that instances that became MASTER in the
 * same loop pass keep identical deadlines and share one wakeup. */
static void op_arm_adver(void *arg, uint64_t usec)
{
	struct vrrp_inst *in = arg;
	struct timeval now, d = { (time_t)(usec / 1000000), (suseconds_t)(usec % 1000000) };
	struct timeval due;

	event_base_gettimeofday_cached(in->env->base, &now);
	timeradd(in->adver_periodic && timerisset(&in->adver_due) ? &in->adver_due : &now, &d, &due);
	in->adver_due = due;
	if (timercmp(&due, &now, <))
		due = now;
	timersub(&due, &now, &d);
	in->t_fsm_down = false;
	event_add(in->t_fsm, &d);
}

/* The master-down timer wakes the child DOWN_SPIN_US before its deadline
 * and the child waits the rest awake (down_spin()): on a virtual machine
 * a timer that wakes an idle CPU fires 0.1-0.2 ms late, and that delay
 * would be added to every failover.  The cost is at most DOWN_SPIN_US of
 * CPU per expiry, that is per failover or start, never per advert. */
#define DOWN_SPIN_US 300

/* Arm the master-down timer d from the loop's cached time (t_down_due is
 * set by the caller). */
static void arm_down(struct vrrp_inst *in, struct timeval *d)
{
	const struct timeval lead = { 0, DOWN_SPIN_US };

	in->down_expired = false;
	in->t_fsm_down = true;
	in->t_fsm_spin = timercmp(d, &lead, >);
	if (in->t_fsm_spin)
		timersub(d, &lead, d);
	event_add(in->t_fsm, d);
}

/* Wait awake until t_down_due; false, with the timer armed for the rest,
 * when a packet reaches the instance's socket first: it may be the
 * master's advert, which must be read before the timer runs out.  The
 * wait is measured on the monotonic clock (at most DOWN_SPIN_US), so that
 * a step of the wall clock cannot stretch it. */
static bool down_spin(struct vrrp_inst *in)
{
	struct pollfd p = { .fd = in->sock ? vrrp_sock_fd(in->sock) : -1, .events = POLLIN };
	struct timeval now, d;
	uint64_t start = mono_usec(), wait_us, spent;

	in->t_fsm_spin = false;
	gettimeofday(&now, NULL);
	if (!timercmp(&now, &in->t_down_due, <))
		return true;
	timersub(&in->t_down_due, &now, &d);
	wait_us = d.tv_sec || d.tv_usec > DOWN_SPIN_US ? DOWN_SPIN_US : (uint64_t)d.tv_usec;
	while ((spent = mono_usec() - start) < wait_us) {
		if (p.fd >= 0 && poll(&p, 1, 0) > 0) {
			d.tv_sec = 0;
			d.tv_usec = (suseconds_t)(wait_us - spent);
			event_base_update_cache_time(in->env->base);  /* d counts from now */
			event_add(in->t_fsm, &d);
			return false;
		}
	}
	return true;
}

/* Armed on an advert, master-down runs from the packet's kernel receive
 * time: libevent counts a relative timeout from the loop's cached time
 * (our wake-up), so the time the packet waited for us is taken off.  At
 * start it runs from the engine's start (vrrp_env.start_clock). */
static void op_arm_down(void *arg, uint64_t usec)
{
	struct vrrp_inst *in = arg;
	struct timeval now, late, d = { (time_t)(usec / 1000000), (suseconds_t)(usec % 1000000) };
	const struct timeval *from = timerisset(&in->rx_time) ? &in->rx_time
				     : timerisset(&in->env->start_clock) ? &in->env->start_clock
				     : NULL;

	event_base_gettimeofday_cached(in->env->base, &now);
	if (!from) {
		timeradd(&now, &d, &in->t_down_due);
		arm_down(in, &d);
		return;
	}
	timeradd(from, &d, &in->t_down_due);
	if (timercmp(from, &now, <)) {
		timersub(&now, from, &late);
		if (timercmp(&late, &d, <))
			timersub(&d, &late, &d);
		else
			timerclear(&d);
	}
	arm_down(in, &d);
}

static void op_cancel(void *arg)
{
	struct vrrp_inst *in = arg;

	event_del(in->t_fsm);
}

static void on_adver(struct vrrp_inst *in)
{
	in->adver_periodic = true;
	vrrp_fsm_adver_timer(&in->fsm);
	in->adver_periodic = false;
}

static void on_down(struct vrrp_inst *in)
{
	if (in->fsm.state == VRRP_STATE_BACKUP)
		log_debug("(%s) Receive advertisement timeout", in->m->name);
	in->down_expired = true;
	if (!vrrp_sync_may_master(in))      /* the last member to be ready moves the group */
		return;
	vrrp_fsm_master_down_timer(&in->fsm);
}

static void on_fsm_timer(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_inst *in = arg;

	(void)fd;
	(void)what;
	if (!in->t_fsm_down)
		on_adver(in);
	else if (!in->t_fsm_spin || down_spin(in))
		on_down(in);
}

bool vrrp_inst_down_timer_due(const struct vrrp_inst *in, struct timeval *due)
{
	if (in->fsm.state != VRRP_STATE_BACKUP || !in->t_fsm_down ||
	    !evtimer_pending(in->t_fsm, NULL))
		return false;
	*due = in->t_down_due;
	return true;
}

void vrrp_inst_down_timer_move(struct vrrp_inst *in, const struct timeval *due)
{
	struct timeval now, left;

	event_base_gettimeofday_cached(in->env->base, &now);
	in->t_down_due = *due;
	if (timercmp(due, &now, >))
		timersub(due, &now, &left);
	else
		timerclear(&left);
	arm_down(in, &left);
}

static void on_garp(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_inst *in = arg;

	(void)fd;
	(void)what;
	if (in->fsm.state == VRRP_STATE_MASTER)
		vrrp_act_garp(in, in->m->garp_repeat);
}

static void on_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_inst *in = arg;

	(void)fd;
	(void)what;
	if (in->fsm.state == VRRP_STATE_MASTER)
		vrrp_act_garp(in, in->m->garp_refresh_repeat);
}

static void on_lower(evutil_socket_t fd, short what, void *arg)
{
	struct vrrp_inst *in = arg;

	(void)fd;
	(void)what;
	if (in->fsm.state == VRRP_STATE_MASTER)
		vrrp_act_garp(in, in->m->garp_lower_repeat);
}

/* The GARP timers are created on first use: a backup never needs them,
 * and refresh/lower-priority GARPs are off unless configured (1,000
 * instances: 0.24 MiB less heap in the VRRP child). */
static void arm_garp_timer(struct vrrp_inst *in, struct event **ev, short flags,
			   event_callback_fn cb, uint64_t usec)
{
	if (!*ev)
		*ev = event_new(in->env->base, -1, flags, cb, in);
	if (*ev)
		arm(*ev, usec);
	else
		log_warnx("(%s) out of memory for a GARP timer", in->m->name);
}

static void stop_garp_timers(struct vrrp_inst *in)
{
	if (in->t_garp)
		event_del(in->t_garp);
	if (in->t_refresh)
		event_del(in->t_refresh);
	if (in->t_lower)
		event_del(in->t_lower);
}

/* What entering MASTER does after the first advert: VIPs, GARPs, notify.
 * It runs from an event made active at the transition, so that when many
 * instances' master-down timers expire in one loop pass, every first
 * advert goes out before any instance spends time on netlink and GARPs
 * (each instance's address work would otherwise delay the next one's
 * advert, and a peer's master-down interval can be only ms longer). */
static void do_takeover(struct vrrp_inst *in)
{
	vrrp_act_set_vips(in);
	vrrp_act_garp(in, in->m->garp_repeat);
	if (in->m->garp_delay_s)
		arm_garp_timer(in, &in->t_garp, 0, on_garp,
			       (uint64_t)in->m->garp_delay_s * 1000000);
	if (in->m->garp_refresh_s)
		arm_garp_timer(in, &in->t_refresh, EV_PERSIST, on_refresh,
			       (uint64_t)in->m->garp_refresh_s * 1000000);
	vrrp_act_notify(in, VRRP_STATE_MASTER);
}

/* The instances waiting for their takeover, in the order they became
 * MASTER, and the one event that runs them (made active, so it runs after
 * the loop pass's other callbacks).  One event for all instances rather
 * than one each: 1,000 instances, 0.14 MiB less heap. */
static struct {
	struct event *ev;
	struct vrrp_inst *head, **tail;
} takeovers;

/* At most this long of takeover work in one go: then the loop runs again,
 * so that master-down timers that expired meanwhile send their first
 * advert before more address work (1,000 takeovers take tens of ms). */
#define TAKEOVER_SLICE_US 1000

static void on_takeovers(evutil_socket_t fd, short what, void *arg)
{
	const struct timeval again = { 0, 0 };
	uint64_t start = mono_usec();
	struct vrrp_inst *in;

	(void)fd;
	(void)what;
	(void)arg;
	while ((in = takeovers.head)) {
		if (mono_usec() - start >= TAKEOVER_SLICE_US) {
			evtimer_add(takeovers.ev, &again);   /* after the next timeouts */
			return;
		}
		takeovers.head = in->takeover_next;
		if (!takeovers.head)
			takeovers.tail = &takeovers.head;
		in->takeover_next = NULL;
		in->takeover_queued = false;
		if (in->takeover_due && in->fsm.state == VRRP_STATE_MASTER) {
			in->takeover_due = false;
			do_takeover(in);
		}
	}
}

/* False when out of memory (the takeover then runs at once). */
static bool queue_takeover(struct vrrp_inst *in)
{
	if (!takeovers.ev) {
		takeovers.ev = event_new(in->env->base, -1, 0, on_takeovers, NULL);
		takeovers.tail = &takeovers.head;
		if (!takeovers.ev)
			return false;
	}
	in->takeover_due = true;
	if (!in->takeover_queued) {
		in->takeover_queued = true;
		*takeovers.tail = in;
		takeovers.tail = &in->takeover_next;
	}
	if (!evtimer_pending(takeovers.ev, NULL))
		event_active(takeovers.ev, EV_TIMEOUT, 1);
	return true;
}

static void unqueue_takeover(struct vrrp_inst *in)
{
	struct vrrp_inst **p;

	in->takeover_due = false;
	if (!in->takeover_queued)
		return;
	for (p = &takeovers.head; *p != in; p = &(*p)->takeover_next)
		;
	*p = in->takeover_next;
	if (takeovers.tail == &in->takeover_next)
		takeovers.tail = p;
	in->takeover_next = NULL;
	in->takeover_queued = false;
}

/* ---- state changes ------------------------------------------------------------- */

static void op_change_state(void *arg, enum vrrp_state from, enum vrrp_state to)
{
	struct vrrp_inst *in = arg;
	const char *nm = in->m->name;

	gettimeofday(&in->last_transition, NULL);
	if (from == VRRP_STATE_MASTER) {
		if (in->takeover_due) {    /* leaving before it ran: keep the order */
			in->takeover_due = false;
			do_takeover(in);
		}
		in->st.released_master++;
		stop_garp_timers(in);
	}
	switch (to) {
	case VRRP_STATE_MASTER:
		log_info("(%s) Entering MASTER STATE", nm);
		in->st.became_master++;
		if (!queue_takeover(in))
			do_takeover(in);
		break;
	case VRRP_STATE_BACKUP:
		if (from == VRRP_STATE_INIT)
			vrrp_act_remove_vips(in);
		log_info("(%s) Entering BACKUP STATE%s", nm, from == VRRP_STATE_INIT ? " (init)" : "");
		if (from == VRRP_STATE_MASTER)
			vrrp_act_remove_vips(in);
		break;
	case VRRP_STATE_FAULT:
		if (from == VRRP_STATE_INIT)
			log_info("(%s) entering FAULT state", nm);
		else
			log_info("(%s) Entering FAULT STATE", nm);
		if (in->vips_set || from == VRRP_STATE_INIT)
			vrrp_act_remove_vips(in);
		break;
	case VRRP_STATE_STOP:
		if (in->vips_set && !in->env->dont_release)
			vrrp_act_remove_vips(in);
		log_debug("(%s) Entering STOP STATE", nm);
		break;
	default:
		break;
	}
	vrrp_sync_starting(in, from, to);  /* 2.2.7: the group's BACKUP line comes first */
	if (to != VRRP_STATE_MASTER)
		vrrp_act_notify(in, to);
	vrrp_sync_changed(in, from, to);
	vrrp_lvs_syncd_state(in, to);
}

/* A MASTER saw a lower-priority advert: another burst after
 * garp_lower_prio_delay (one pending at a time). */
static void op_lower_prio_seen(void *arg)
{
	struct vrrp_inst *in = arg;

	if (in->m->garp_lower_repeat && !(in->t_lower && evtimer_pending(in->t_lower, NULL)))
		arm_garp_timer(in, &in->t_lower, 0, on_lower,
			       (uint64_t)in->m->garp_lower_delay_s * 1000000);
	vrrp_act_notify_rx_lower(in);
}

static const struct vrrp_fsm_ops fsm_ops = {
	.send_advert = op_send_advert,
	.arm_adver_timer = op_arm_adver,
	.arm_master_down_timer = op_arm_down,
	.cancel_timers = op_cancel,
	.change_state = op_change_state,
	.lower_prio_seen = op_lower_prio_seen,
};

/* ---- receiving ---------------------------------------------------------------- */

static const char *ip_text(const struct vrrp_ip *ip, char *buf, size_t len)
{
	return inet_ntop(ip->af, &ip->u, buf, (socklen_t)len) ? buf : "?";
}

static void count_drop(struct vrrp_inst *in, enum vrrp_drop why, const struct vrrp_rx *rx)
{
	time_t now = time(NULL);
	char b[INET6_ADDRSTRLEN];

	if (!in->st.drops && !(in->st.drops = calloc(1, sizeof(*in->st.drops))))
		return;                    /* out of memory: not counted, not logged */
	in->st.drops->n[why]++;
	if (in->st.drops->logged[why] == now)
		return;
	in->st.drops->logged[why] = now;
	if (why == VRRP_DROP_AUTH_PASS)    /* 2.2.7's words */
		log_info("(%s) received an invalid passwd!", in->m->name);
	else
		log_info("(%s) dropped advert from %s: %s", in->m->name,
			 ip_text(&rx->src, b, sizeof(b)), vrrp_drop_str(why));
}

static void fill_expect(const struct vrrp_inst *in, const struct vrrp_rx *rx,
			struct vrrp_expect *e)
{
	const struct vrrp_model_inst *m = in->m;

	memset(e, 0, sizeof(*e));
	e->af = m->family;
	e->version = m->version;
	e->vrid = m->vrid;
	e->auth_type = m->auth_type;
	e->auth_pass = m->auth_pass;
	e->adver_int_s = vrrp_us_to_v2_s(m->adver_int_us);
	e->vips = in->vip_wire;
	e->nvips = (uint8_t)m->nvips;
	e->skip_addr_check = m->skip_check_adv_addr && rx->src.af == in->last_master.af &&
			     !memcmp(&rx->src.u, &in->last_master.u, vrrp_addr_len(rx->src.af));
	e->unicast = m->npeers > 0;
	e->check_unicast_src = m->check_unicast_src;
	e->peers = m->peers;
	e->npeers = m->npeers;
	e->old_csum = m->old_csum;
}

static void log_accepted(struct vrrp_inst *in, const struct vrrp_advert *a, const char *src)
{
	const char *nm = in->m->name;
	uint8_t ours = in->fsm.priority;

	if (a->priority == VRRP_PRIO_STOP) {
		if (in->fsm.state == VRRP_STATE_BACKUP)
			log_debug("(%s) Backup received priority 0 advertisement", nm);
		return;
	}
	if (in->fsm.state == VRRP_STATE_BACKUP && !in->m->nopreempt && a->priority < ours)
		log_info("(%s) received lower priority (%u) advert from %s - discarding", nm,
			 a->priority, src);
	else if (in->fsm.state == VRRP_STATE_MASTER && a->priority > ours)
		log_debug("(%s) Master received advert from %s with higher priority %u, ours %u",
			  nm, src, a->priority, ours);
	else if (in->fsm.state == VRRP_STATE_MASTER && a->priority < ours)
		log_debug("(%s) Master received advert from %s with lower priority %u, ours %u, "
			  "forcing new election", nm, src, a->priority, ours);
}

static void on_packet(void *arg, const struct vrrp_rx *rx)
{
	struct vrrp_inst *in = arg;
	struct vrrp_expect e;
	struct vrrp_advert a;
	struct vrrp_rx_advert adv;
	char b[INET6_ADDRSTRLEN];
	enum vrrp_drop why;

	if (rx->src.af == in->src.family &&
	    !memcmp(&rx->src.u, &in->src.u, vrrp_addr_len(rx->src.af)))
		return;    /* our own advert */
	fill_expect(in, rx, &e);
	why = vrrp_rx_validate(rx, &e, &a, NULL);
	if (why != VRRP_OK) {
		count_drop(in, why, rx);
		return;
	}
	in->st.adv_rx++;
	if (a.priority == VRRP_PRIO_STOP)
		in->st.prio0_rx++;
	in->last_master = rx->src;
	log_accepted(in, &a, ip_text(&rx->src, b, sizeof(b)));
	memset(&adv, 0, sizeof(adv));
	adv.priority = a.priority;
	adv.interval_us = a.version == 3 ? vrrp_cs_to_us(a.max_adver_int_cs) : in->m->adver_int_us;
	adv.src = (const uint8_t *)&rx->src.u;
	adv.src_len = (uint8_t)vrrp_addr_len(rx->src.af);
	in->rx_time = rx->rx_time;          /* for op_arm_down() */
	vrrp_fsm_advert(&in->fsm, &adv);
	timerclear(&in->rx_time);
}

/* ---- lifecycle -------------------------------------------------------------------- */

/* The configured source, else the interface's first address (IPv6: its
 * link-local one).  Without one the instance stays in FAULT. */
static bool find_src(struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;

	if (m->src_ip.family == m->family)
		in->src = m->src_ip;
	else if (vrrp_net_if_addr(m->ifindex, m->family, &in->src) < 0)
		memset(&in->src, 0, sizeof(in->src));
	in->no_src = in->src.family == 0;
	memcpy(in->fcfg.local_addr, &in->src.u, m->family == AF_INET ? 4 : 16);
	return !in->no_src;
}

static bool setup_net(struct vrrp_inst *in)
{
	const struct vrrp_model_inst *m = in->m;
	struct sys_link link;
	size_t i, alen = m->family == AF_INET ? 4 : 16;

	if (!vrrp_vmac_ready(m))            /* use_vmac: the VMAC must exist */
		return false;
	free(in->vip_wire);
	in->vip_wire = calloc(m->nvips ? m->nvips : 1, alen);
	if (!in->vip_wire)
		return false;
	for (i = 0; i < m->nvips; i++)
		memcpy(in->vip_wire + i * alen, &m->vips[i].addr.u, alen);
	if (!find_src(in))
		log_info("(%s) entering FAULT state (no %s address for interface)", m->name,
			 m->family == AF_INET ? "IPv4" : "IPv6");
	in->fcfg.addr_len = (uint8_t)alen;
	if (nl_link_get(in->env->nl, m->ifindex, NULL, &link) == 0) {
		memcpy(in->mac, link.mac, sizeof(in->mac));
		in->link_up = link.oper_up;
	}
	if (m->vmac.ifindex > 0)            /* GARPs carry the virtual MAC */
		memcpy(in->mac, m->vmac.mac, sizeof(in->mac));
	/* adverts on the VMAC unless vmac_xmit_base (vrrp_vmac.h) */
	in->sock = vrrp_sock_get(in->env->base, vrrp_vmac_xmit_ifindex(m),
				 vrrp_vmac_xmit_ifname(m), m->family,
				 m->auth_type == VRRP_AUTH_AH ? VRRP_AH_IPPROTO : VRRP_IPPROTO,
				 m->npeers > 0, &m->mcast_group);
	if (!in->sock)
		return false;
	if (!vrrp_sock_bind_vrid(in->sock, m->vrid, on_packet, in)) {
		log_errx("(%s) VRID %u is already used on %s", m->name, m->vrid, m->ifname);
		return false;
	}
	return true;
}

/* First AH sequence number.  2.2.7 starts at 1 and its receivers drop any
 * sequence number not above the last one seen from the old master, so a
 * restarted 2.2.7 is ignored by its peers.  Starting from twice the
 * seconds since 2020 keeps our numbers increasing across restarts (AH is
 * VRRPv2 only: at most one advert per second, plus a few replies). */
static uint32_t ah_seq_start(void)
{
	time_t now = time(NULL);
	const time_t epoch2020 = 1577836800;

	return now > epoch2020 ? (uint32_t)(now - epoch2020) * 2u : 0;
}

struct vrrp_inst *vrrp_inst_new(const struct vrrp_env *env, const struct vrrp_model_inst *m)
{
	struct vrrp_inst *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->m = m;
	in->env = env;
	in->ah_seq = ah_seq_start();
	in->fcfg.version = m->version;
	in->fcfg.adver_int_us = m->adver_int_us;
	in->fcfg.down_timer_adverts = m->down_timer_adverts;
	in->fcfg.nopreempt = m->nopreempt;
	in->fcfg.preempt_delay_us = m->preempt_delay_us;
	in->fcfg.want_master = m->want_master;
	in->fcfg.lower_prio_no_advert = m->lower_prio_no_advert;
	in->fcfg.higher_prio_send_advert = m->higher_prio_send_advert;
	in->t_fsm = evtimer_new(env->base, on_fsm_timer, in);
	if (!in->t_fsm || !setup_net(in)) {
		vrrp_inst_free(in);
		return NULL;
	}
	vrrp_fsm_init(&in->fsm, &in->fcfg, &fsm_ops, in, m->base_prio);
	return in;
}

void vrrp_inst_start(struct vrrp_inst *in)
{
	if (in->track_hold) {              /* tracking: first results pending */
		in->start_held = true;
		return;
	}
	in->fsm.faulted = vrrp_inst_own_fault(in) || vrrp_sync_others_faulted(in);
	if (in->fsm.faulted) {             /* 2.2.7 names the interfaces that are down */
		if (!in->link_up && !in->m->dont_track_primary)
			log_info("(%s): entering FAULT state (interface %s down)", in->m->name,
				 in->m->ifname);
		vrrp_track_log_down_ifs(in);
	}
	vrrp_fsm_start(&in->fsm);
}

bool vrrp_inst_own_fault(const struct vrrp_inst *in)
{
	return (!in->link_up && !in->m->dont_track_primary) || in->no_src || in->track_fault ||
	       !vrrp_vmac_up(in->m);      /* VMAC / ipvlan missing (vrrp_vmac.h) */
}

void vrrp_inst_refresh_fault(struct vrrp_inst *in)
{
	vrrp_fsm_fault(&in->fsm, vrrp_inst_own_fault(in) || vrrp_sync_others_faulted(in));
}

void vrrp_inst_stop(struct vrrp_inst *in)
{
	vrrp_fsm_stop(&in->fsm);
	stop_garp_timers(in);
}

void vrrp_inst_free(struct vrrp_inst *in)
{
	if (!in)
		return;
	vrrp_sock_unbind_vrid(in->sock, in->m->vrid, in);
	unqueue_takeover(in);
	if (in->t_fsm)
		event_free(in->t_fsm);
	if (in->t_garp)
		event_free(in->t_garp);
	if (in->t_refresh)
		event_free(in->t_refresh);
	if (in->t_lower)
		event_free(in->t_lower);
	free(in->vip_wire);
	free(in->st.drops);
	free(in);
}

void vrrp_inst_link(struct vrrp_inst *in, bool up)
{
	if (in->link_up == up)
		return;
	in->link_up = up;
	vrrp_inst_refresh_fault(in);
}

/* 2.2.7, when a VIP disappears while MASTER: back to BACKUP with a priority
 * 0 advert and the VIPs removed, then master again after the skew time if
 * nobody else takes over (vrrp_fsm_addr_lost). */
void vrrp_inst_addr_deleted(struct vrrp_inst *in, const struct sys_ip *addr)
{
	size_t i;
	bool ours = false;

	if (in->fsm.state != VRRP_STATE_MASTER || !in->vips_set)
		return;
	for (i = 0; i < in->m->nvips; i++)
		if (in->m->vips[i].addr.family == addr->family &&
		    !memcmp(&in->m->vips[i].addr.u, &addr->u, sys_ip_len(addr)))
			ours = true;
	if (!ours || nl_addr_present(in->env->nl, 0, addr) == 1)
		return;
	vrrp_fsm_addr_lost(&in->fsm);
}

void vrrp_inst_addr_added(struct vrrp_inst *in, int ifindex)
{
	if (!in->no_src || ifindex != in->m->ifindex || !find_src(in))
		return;
	vrrp_inst_refresh_fault(in);
}

void vrrp_inst_clear_stats(struct vrrp_inst *in)
{
	free(in->st.drops);
	memset(&in->st, 0, sizeof(in->st));
}

unsigned long vrrp_inst_drops(const struct vrrp_inst *in, enum vrrp_drop r)
{
	return in->st.drops ? in->st.drops->n[r] : 0;
}

void vrrp_inst_set_priority(struct vrrp_inst *in, uint8_t priority)
{
	vrrp_fsm_set_priority(&in->fsm, priority);
}

/* ---- tracking faults (vrrp_track.c) ---- */
void vrrp_inst_set_track_fault(struct vrrp_inst *in, bool fault)
{
	in->track_fault = fault;
	vrrp_inst_refresh_fault(in);
}

void vrrp_inst_set_track_hold(struct vrrp_inst *in, bool hold)
{
	in->track_hold = hold;
	if (!hold && in->start_held) {
		in->start_held = false;
		vrrp_inst_start(in);
	}
}

/* Reload: the FSM, its timers, the counters and the addresses stay; only
 * what the configuration feeds changes.  The socket binding is redone
 * because the source address, group or authentication may differ. */
void vrrp_inst_reconfigure(struct vrrp_inst *in, const struct vrrp_model_inst *m)
{
	const struct vrrp_model_inst *old = in->m;

	if (in->vips_set)
		vrrp_act_update_vips(in, old, m);
	vrrp_sock_unbind_vrid(in->sock, old->vrid, in);
	in->sock = NULL;                    /* setup_net() finds it again, or another */
	in->m = m;
	in->fcfg.version = m->version;
	in->fcfg.adver_int_us = m->adver_int_us;
	in->fcfg.down_timer_adverts = m->down_timer_adverts;
	in->fcfg.nopreempt = m->nopreempt;
	in->fcfg.preempt_delay_us = m->preempt_delay_us;
	in->fcfg.want_master = m->want_master;
	in->fcfg.lower_prio_no_advert = m->lower_prio_no_advert;
	in->fcfg.higher_prio_send_advert = m->higher_prio_send_advert;
	if (!setup_net(in))
		log_errx("(%s) cannot rebind after reload; the instance no longer receives adverts",
			 m->name);
	if (m->base_prio != old->base_prio)
		vrrp_fsm_set_priority(&in->fsm, m->base_prio);
}
