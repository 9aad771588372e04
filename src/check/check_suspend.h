/*
 * check_suspend.h - ha_suspend: the checks of a virtual server run only
 * while its address is configured on this host.
 *
 * 2.2.7's behaviour, observed in the VM: the virtual server and its real
 * servers are programmed in IPVS whatever the address; its checkers are
 * not started while the address is absent ("Deactivating healthchecker
 * for service X for VS Y" where the others say "Activating"), start when
 * it appears ("Netlink reflector reports IP A added", then "Activating
 * ..."), stop when it goes ("Netlink reflector reports IP A removed",
 * "Suspending healthchecker for service X for VS Y"); the real servers
 * keep the state they had.  Only virtual servers with an address (not
 * fwmark, not groups) are watched.
 *
 * The checker child watches addresses with a netlink monitor
 * (src/sys/nl_monitor.h), opened only when some virtual server has
 * ha_suspend.
 */
#ifndef KA_CHECK_SUSPEND_H
#define KA_CHECK_SUSPEND_H

#include <stdbool.h>

struct ck_model;
struct ck_vs;
struct event_base;

/* Watch the ha_suspend virtual servers of m (their state read now from
 * the kernel).  Call again after a reload with the new model: the old one
 * is forgotten.  Problems (no netlink) are logged; nothing is then
 * suspended. */
void ck_suspend_watch(struct ck_model *m, struct event_base *base);
/* Is vs suspended (ha_suspend and its address absent)? */
bool ck_suspend_is_suspended(const struct ck_vs *vs);
/* Start every check of m as at start: "Activating healthchecker ..." per
 * check, or "Deactivating ..." for those of suspended virtual servers,
 * which are not started.  0 or -ENOMEM. */
int ck_suspend_start_checks(struct ck_model *m, struct event_base *base);
/* Stop watching. */
void ck_suspend_close(void);

#endif
