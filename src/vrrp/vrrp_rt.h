/*
 * vrrp_rt.h - process settings of the VRRP child applied at its start
 * (global_defs), and vrrp_startup_delay.
 *
 * Design.  vrrp_rt_apply() reads global_defs once (the child calls it once
 * its instances have started: RLIMIT_RTTIME counts CPU time between
 * blocking calls, and building many instances does not block):
 *   vrrp_priority N        nice value (setpriority)
 *   vrrp_cpu_affinity C..  sched_setaffinity to those CPUs
 *   vrrp_rt_priority N     SCHED_RR at N; RLIMIT_RTTIME hard limit
 *                          vrrp_rlimit_rttime (10000 us by default), soft
 *                          limit half of it, as 2.2.7 sets them, so that a
 *                          runaway loop cannot starve the machine
 *   vrrp_no_swap           mlockall(MCL_CURRENT | MCL_FUTURE)
 * Scheduling is set with SCHED_RESET_ON_FORK: notify scripts started by
 * the child run with normal scheduling (memory locks are not inherited
 * by fork either).  Failures are logged and never fatal.
 *
 * vrrp_startup_delay (2.2.7, observed): the instances enter BACKUP at
 * once, as without it, but their first master-down timer is extended by
 * the delay, so that nothing becomes MASTER before delay + master-down
 * interval ("Delaying startup for 2.5 seconds" is logged).
 */
#ifndef KA_VRRP_RT_H
#define KA_VRRP_RT_H

struct conf;
struct vrrp_inst;

/* Apply the settings above to the calling process. */
void vrrp_rt_apply(const struct conf *conf);

/* Extend the pending master-down timer of every BACKUP instance in the
 * list by vrrp_startup_delay; call right after the instances started. */
void vrrp_rt_startup_delay(struct vrrp_inst *head, const struct conf *conf);

#endif
