/*
 * vrrp_rt.c - scheduling, memory locking, CPU affinity and the startup
 * delay of the VRRP child (vrrp_rt.h).
 *
 * Design.  Each global_defs setting is one small function reading the
 * last occurrence over every global_defs block; all are applied once, in
 * the child, before any instance starts.  The startup delay re-arms the
 * instances' own master-down timer (vrrp_inst_down_timer_move()) with the
 * delay added, so the state machine is not involved.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <event2/event.h>

#include "conf.h"
#include "conf_region.h"
#include "log.h"
#include "vrrp_instance.h"
#include "vrrp_rt.h"

#define DEFAULT_RLIMIT_RTTIME_US 10000

static void set_nice(const struct conf *conf)
{
	const struct conf_node *n = conf_global(conf, "vrrp_priority");

	if (n && setpriority(PRIO_PROCESS, 0, (int)n->val.i) < 0)
		log_warn("Unable to set the VRRP process priority to %d", (int)n->val.i);
}

static void set_affinity(const struct conf *conf)
{
	const struct conf_node *n = conf_global(conf, "vrrp_cpu_affinity");
	cpu_set_t set;
	int i;

	if (!n || n->argc < 1)
		return;
	CPU_ZERO(&set);
	for (i = 0; i < n->argc; i++) {
		int cpu = atoi(n->argv[i]);

		if (cpu >= 0 && cpu < CPU_SETSIZE)
			CPU_SET(cpu, &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		log_warn("Unable to set the VRRP process CPU affinity");
}

/* A handler, not SIG_IGN: an ignored disposition would survive exec into
 * the notify scripts. */
static void on_xcpu(int sig)
{
	(void)sig;
}

static void set_realtime(const struct conf *conf)
{
	const struct conf_node *n = conf_global(conf, "vrrp_rt_priority");
	const struct conf_node *lim = conf_global(conf, "vrrp_rlimit_rttime");
	struct sigaction xcpu = { .sa_handler = on_xcpu };
	struct sched_param sp;
	struct rlimit rl;

	if (!n)
		return;
	/* As 2.2.7: SIGXCPU at half the limit (ignored here), SIGKILL at it. */
	rl.rlim_max = lim ? (rlim_t)lim->val.i : DEFAULT_RLIMIT_RTTIME_US;
	rl.rlim_cur = rl.rlim_max / 2;
	sigaction(SIGXCPU, &xcpu, NULL);
	if (setrlimit(RLIMIT_RTTIME, &rl) < 0)
		log_warn("Unable to set the VRRP process RLIMIT_RTTIME");
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = (int)n->val.i;
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		log_warn("Unable to set the VRRP process real-time priority %d", sp.sched_priority);
	else
		log_debug("VRRP process running SCHED_RR at priority %d", sp.sched_priority);
}

static void lock_memory(const struct conf *conf)
{
	if (!conf_global(conf, "vrrp_no_swap"))
		return;
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
		log_warn("Unable to lock the VRRP process in memory");
	} else {
		conf_region_after_mlockall();
		log_debug("VRRP process memory locked");
	}
}

void vrrp_rt_apply(const struct conf *conf)
{
	set_nice(conf);
	set_affinity(conf);
	set_realtime(conf);
	lock_memory(conf);
}

void vrrp_rt_startup_delay(struct vrrp_inst *head, const struct conf *conf)
{
	const struct conf_node *n = conf_global(conf, "vrrp_startup_delay");
	struct timeval delay, due;
	struct vrrp_inst *in;

	if (!n || !n->val.usec)
		return;
	log_info("Delaying startup for %g seconds", (double)n->val.usec / 1e6);
	delay.tv_sec = (time_t)(n->val.usec / 1000000);
	delay.tv_usec = (suseconds_t)(n->val.usec % 1000000);
	for (in = head; in; in = in->next) {
		if (!vrrp_inst_down_timer_due(in, &due))
			continue;
		timeradd(&due, &delay, &due);
		vrrp_inst_down_timer_move(in, &due);
	}
}
