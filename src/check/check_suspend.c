/*
 * check_suspend.c - ha_suspend (see check_suspend.h).
 *
 * A table of the watched virtual servers (pointer, address, suspended),
 * in model order, so that lookups by pointer are a binary search (a
 * model's virtual servers are one array).  Address events from the
 * netlink monitor resume or suspend every watched virtual server with
 * that address; an overflow of the monitor re-reads each address.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "check_kind.h"
#include "check_model.h"
#include "check_sched.h"
#include "check_suspend.h"
#include "log.h"
#include "nl_addr.h"
#include "nl_monitor.h"

struct watched {
	struct ck_vs *vs;
	struct sys_ip ip;
	bool suspended;
};

static struct watched *tab;
static size_t n_tab;
static struct nl_monitor *mon;
static struct event *mon_ev;
static struct event_base *ev_base;

static void to_sys(const struct ipvs_ip *a, struct sys_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = a->family;
	if (a->family == AF_INET6)
		ip->u.v6 = a->u.v6;
	else
		ip->u.v4 = a->u.v4;
}

static bool same_ip(const struct sys_ip *a, const struct sys_ip *b)
{
	return a->family == b->family && sys_ip_len(a) &&
	       !memcmp(&a->u, &b->u, sys_ip_len(a));
}

static void say(const struct ck_vs *vs, const char *verb)
{
	for (size_t j = 0; j < vs->n_rs; j++)
		for (size_t k = 0; k < vs->rs[j].n_checks; k++)
			log_info("%s healthchecker for service %s for VS %s", verb, vs->rs[j].label,
				 vs->label);
}

static void set_state(struct watched *w, bool present)
{
	struct ck_vs *vs = w->vs;

	if (w->suspended == !present)
		return;
	w->suspended = !present;
	say(vs, present ? "Activating" : "Suspending");
	for (size_t j = 0; j < vs->n_rs; j++) {
		for (size_t k = 0; k < vs->rs[j].n_checks; k++) {
			struct ck_check *c = &vs->rs[j].checks[k];

			if (!present)
				ck_sched_stop(c);
			else if (!c->timer && ck_sched_start(c, ev_base) < 0)
				log_errx("%s of %s: out of memory starting the check",
					 c->kind->keyword, c->rs->label);
		}
	}
}

static void on_addr(void *arg, const struct nl_addr_event *ev)
{
	char a[64];
	bool said = false;

	(void)arg;
	for (size_t i = 0; i < n_tab; i++) {
		if (!same_ip(&tab[i].ip, &ev->addr) || tab[i].suspended == ev->deleted)
			continue;
		if (!said)
			log_info("Netlink reflector reports IP %s %s",
				 sys_ip_format(&ev->addr, a, sizeof(a)),
				 ev->deleted ? "removed" : "added");
		said = true;
		set_state(&tab[i], !ev->deleted);
	}
}

/* 1 present, 0 absent, < 0 unknown (then not suspended). */
static int present(struct nlctx *nl, const struct sys_ip *ip)
{
	return nl->sk ? nl_addr_present(nl, 0, ip) : -ENOTCONN;
}

static void on_resync(void *arg)
{
	struct nlctx nl = { 0 };

	(void)arg;
	if (nlctx_open(&nl) < 0)
		return;
	for (size_t i = 0; i < n_tab; i++)
		set_state(&tab[i], present(&nl, &tab[i].ip) != 0);
	nlctx_close(&nl);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	if (nl_monitor_dispatch(arg) < 0)
		log_warnx("ha_suspend: reading address events failed");
}

static const struct nl_monitor_ops mon_ops = { .addr = on_addr, .resync = on_resync };

static bool open_monitor(struct event_base *base)
{
	if (mon)
		return true;
	mon = nl_monitor_open(&mon_ops, NULL);
	if (!mon) {
		log_warn("ha_suspend: cannot watch addresses");
		return false;
	}
	mon_ev = event_new(base, nl_monitor_fd(mon), EV_READ | EV_PERSIST, on_readable, mon);
	if (!mon_ev || event_add(mon_ev, NULL) < 0) {
		ck_suspend_close();
		return false;
	}
	return true;
}

/* ha_suspend on a virtual server with one address ("[A]:proto:port"; a
 * group's label is "[NAME]:0"). */
static bool watchable(const struct ck_vs *vs)
{
	const char *end = strstr(vs->label, "]:");

	return vs->ha_suspend && !vs->is_fwmark && vs->n_svcs == 1 &&
	       vs->svcs[0].addr.family && end && strchr(end + 2, ':');
}

void ck_suspend_watch(struct ck_model *m, struct event_base *base)
{
	struct nlctx nl = { 0 };
	bool first = !mon;
	size_t n = 0;
	char a[64];

	free(tab);
	tab = NULL;
	n_tab = 0;
	ev_base = base;
	for (size_t i = 0; i < m->n_vs; i++)
		n += watchable(&m->vs[i]);
	if (n == 0 || !open_monitor(base) || !(tab = calloc(n, sizeof(*tab))))
		return;
	if (nlctx_open(&nl) < 0)
		log_warnx("ha_suspend: %s", nlctx_error(&nl));
	for (size_t i = 0; i < m->n_vs; i++) {
		struct ck_vs *vs = &m->vs[i];

		if (!watchable(vs))
			continue;
		tab[n_tab].vs = vs;
		to_sys(&vs->svcs[0].addr, &tab[n_tab].ip);
		tab[n_tab].suspended = present(&nl, &tab[n_tab].ip) == 0;
		if (first && !tab[n_tab].suspended)     /* 2.2.7 reports them at start */
			log_info("Netlink reflector reports IP %s added",
				 sys_ip_format(&tab[n_tab].ip, a, sizeof(a)));
		n_tab++;
	}
	nlctx_close(&nl);
}

bool ck_suspend_is_suspended(const struct ck_vs *vs)
{
	size_t lo = 0, hi = n_tab;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab[mid].vs == vs)
			return tab[mid].suspended;
		if ((const void *)tab[mid].vs < (const void *)vs)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int ck_suspend_start_checks(struct ck_model *m, struct event_base *base)
{
	for (size_t i = 0; i < m->n_vs; i++) {
		struct ck_vs *vs = &m->vs[i];
		bool susp = ck_suspend_is_suspended(vs);

		say(vs, susp ? "Deactivating" : "Activating");
		for (size_t j = 0; !susp && j < vs->n_rs; j++)
			for (size_t k = 0; k < vs->rs[j].n_checks; k++)
				if (ck_sched_start(&vs->rs[j].checks[k], base) < 0)
					return -ENOMEM;
	}
	return 0;
}

void ck_suspend_close(void)
{
	if (mon_ev)
		event_free(mon_ev);
	mon_ev = NULL;
	nl_monitor_close(mon);
	mon = NULL;
	free(tab);
	tab = NULL;
	n_tab = 0;
}
