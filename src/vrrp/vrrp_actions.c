/*
 * vrrp_actions.c - VIPs, GARP/NA and notify scripts (vrrp_actions.h).
 *
 * Design.  Stateless verbs over an instance: the netlink request socket
 * and the GARP socket come from the shared environment.  VIPs are added
 * with -nodad for IPv6 so that they are usable (and can be announced) at
 * once.  Notify scripts are started through the shared script runner and
 * not waited for; their exit status is logged at debug level.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>

#include "garp.h"
#include "if_sysctl.h"
#include "log.h"
#include "nl_addr.h"
#include "script.h"
#include "smtp_alert.h"
#include "vrrp_actions.h"
#include "vrrp_firewall.h"
#include "vrrp_fifo.h"
#include "vrrp_routes.h"
#include "vrrp_runas.h"

static void set_list(struct vrrp_inst *in, const struct vrrp_vip *v, size_t n, bool add)
{
	struct sys_ifaddr a;
	char t[VRRP_VIP_TEXT];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		vrrp_addr_request(&v[i], true, &a);
		r = add ? nl_addr_add(in->env->nl, &a) : nl_addr_del(in->env->nl, &a);
		if (r < 0 && r != -EEXIST && r != -EADDRNOTAVAIL)
			log_warnx("(%s) cannot %s %s on %s: %s", in->m->name, add ? "add" : "remove",
				  vrrp_vip_text(&v[i], t), v[i].dev, nlctx_error(in->env->nl));
	}
}

void vrrp_act_set_vips(struct vrrp_inst *in)
{
	vrrp_fw_vips(in->m, true);          /* no_accept: drop rule first (vrrp_firewall.h) */
	log_debug("(%s) setting VIPs.", in->m->name);
	set_list(in, in->m->vips, in->m->nvips, true);
	set_list(in, in->m->evips, in->m->nevips, true);
	vrrp_routes_set(in);                /* virtual_routes, virtual_rules (vrrp_routes.h) */
	in->vips_set = true;
}

void vrrp_act_remove_vips(struct vrrp_inst *in)
{
	vrrp_routes_remove(in);             /* virtual_rules, virtual_routes (vrrp_routes.h) */
	log_debug("(%s) removing VIPs.", in->m->name);
	set_list(in, in->m->vips, in->m->nvips, false);
	set_list(in, in->m->evips, in->m->nevips, false);
	in->vips_set = false;
	vrrp_fw_vips(in->m, false);         /* then lift the drop rule */
}

static void garp_one(struct vrrp_inst *in, const struct vrrp_vip *v, unsigned repeat)
{
	bool router = false;
	char buf[INET6_ADDRSTRLEN];
	unsigned k;

	sys_ip_format(&v->addr, buf, sizeof(buf));
	if (v->addr.family == AF_INET6) {
		int f = sys_ipv6_forwarding(v->dev);

		router = f > 0;
		log_debug("(%s) Sending/queueing Unsolicited Neighbour Adverts on %s for %s",
			  in->m->name, v->dev, buf);
	} else {
		log_debug("(%s) Sending/queueing gratuitous ARPs on %s for %s", in->m->name, v->dev,
			  buf);
	}
	for (k = 0; k < repeat && in->env->garp_fd >= 0; k++) {
		int r = v->addr.family == AF_INET
			? garp_send_arp(in->env->garp_fd, v->ifindex, in->mac, v->addr.u.v4)
			: garp_send_na(in->env->garp_fd, v->ifindex, in->mac, &v->addr.u.v6, router);
		if (r < 0)
			log_debug("(%s) GARP on %s failed: %s", in->m->name, v->dev, strerror(-r));
		else
			log_debug("Sending %s on %s for %s",
				  v->addr.family == AF_INET ? "gratuitous ARP"
							    : "unsolicited neighbour advert",
				  v->dev, buf);
	}
}

static bool same_vip(const struct vrrp_vip *a, const struct vrrp_vip *b)
{
	return a->addr.family == b->addr.family && a->plen == b->plen &&
	       a->ifindex == b->ifindex && !memcmp(&a->addr.u, &b->addr.u, sys_ip_len(&a->addr));
}

static bool in_list(const struct vrrp_vip *v, const struct vrrp_vip *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (same_vip(v, &list[i]))
			return true;
	return false;
}

/* Each address of `from` missing from `other` is added (with one GARP
 * burst) or removed.  Quadratic per instance, bounded by VRRP_MAX_ADDRS
 * for the advertised list; excluded lists are short in practice. */
static void apply_diff(struct vrrp_inst *in, const struct vrrp_vip *from, size_t nfrom,
		       const struct vrrp_vip *other, size_t nother, bool add)
{
	char t[VRRP_VIP_TEXT];

	for (size_t i = 0; i < nfrom; i++) {
		if (in_list(&from[i], other, nother))
			continue;
		log_info("(%s) %s %s on %s after reload", in->m->name,
			 add ? "adding" : "removing", vrrp_vip_text(&from[i], t), from[i].dev);
		set_list(in, &from[i], 1, add);
		if (add)
			garp_one(in, &from[i], in->m->garp_repeat);
	}
}

void vrrp_act_update_vips(struct vrrp_inst *in, const struct vrrp_model_inst *old,
			  const struct vrrp_model_inst *m)
{
	vrrp_routes_update_remove(in, old, m);  /* routes, rules gone (vrrp_routes.h) */
	apply_diff(in, old->vips, old->nvips, m->vips, m->nvips, false);
	apply_diff(in, old->evips, old->nevips, m->evips, m->nevips, false);
	apply_diff(in, m->vips, m->nvips, old->vips, old->nvips, true);
	apply_diff(in, m->evips, m->nevips, old->evips, old->nevips, true);
	vrrp_routes_update_add(in, old, m);     /* routes, rules added (vrrp_routes.h) */
}

void vrrp_act_garp(struct vrrp_inst *in, unsigned repeat)
{
	size_t i;

	for (i = 0; i < in->m->nvips; i++)
		garp_one(in, &in->m->vips[i], repeat);
	for (i = 0; i < in->m->nevips; i++)
		garp_one(in, &in->m->evips[i], repeat);
}

static void script_done(const struct script_result *res, void *arg)
{
	(void)arg;
	log_debug("notify script pid %d finished (%d/%d)", (int)res->pid, (int)res->outcome,
		  res->status);
}

/* At STOP the child exits right after: the runner's scripts would die
 * with it (PR_SET_PDEATHSIG), so stop scripts run detached (double fork,
 * own session, stdio on /dev/null). */
static void run_detached(const char *cmd, const struct script_spec *ids)
{
	const char *err;
	char **argv = script_split(cmd, &err);
	pid_t pid;

	if (!argv) {
		log_warnx("notify script %s: %s", cmd, err);
		return;
	}
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		setsid();
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (fork() == 0) {
			if (ids->set_ids && ((setgroups(0, NULL) < 0 && errno != EPERM) ||
					     setgid(ids->gid) < 0 || setuid(ids->uid) < 0))
				_exit(126);
			execv(argv[0], argv);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	free(argv);
}

void vrrp_act_run_script(const struct vrrp_env *env, const char *who, const struct vrrp_notify *n,
			 const char *cmd, bool detached)
{
	struct script_spec spec;

	memset(&spec, 0, sizeof(spec));
	spec.cmdline = cmd;
	if (!vrrp_runas_spec(n->user, n->group, true, &spec))
		return;
	log_debug("(%s) running notify script %s", who, cmd);
	if (detached)
		run_detached(cmd, &spec);
	else
		script_run(env->base, &spec, script_done, NULL);
}

/* n: whose "user [group]" words apply (ops: vrrp_runas.h). */
static void run(struct vrrp_inst *in, const struct vrrp_notify *n, const char *cmd)
{
	vrrp_act_run_script(in->env, in->m->name, n, cmd, in->fsm.state == VRRP_STATE_STOP);
}

void vrrp_act_notify(struct vrrp_inst *in, enum vrrp_state to)
{
	const struct vrrp_notify *n = NULL, *any = vrrp_model_notify(in->m, VRRP_NOTIFY_ANY);
	char *cmd;

	switch (to) {
	case VRRP_STATE_MASTER: n = vrrp_model_notify(in->m, VRRP_NOTIFY_MASTER); break;
	case VRRP_STATE_BACKUP: n = vrrp_model_notify(in->m, VRRP_NOTIFY_BACKUP); break;
	case VRRP_STATE_FAULT: n = vrrp_model_notify(in->m, VRRP_NOTIFY_FAULT); break;
	case VRRP_STATE_STOP: n = vrrp_model_notify(in->m, VRRP_NOTIFY_STOP); break;
	default: break;
	}
	vrrp_fifo_instance(in->m->name, vrrp_state_name(to), in->fsm.priority);  /* ops */
	smtp_alert_vrrp_instance(in->m->name, vrrp_state_name(to));    /* smtp_alert */
	if (n && n->cmd)
		run(in, n, n->cmd);
	if (!any->cmd)
		return;
	if (asprintf(&cmd, "%s INSTANCE '%s' %s %u", any->cmd, in->m->name,
		     vrrp_state_name(to), in->fsm.priority) < 0)
		return;
	run(in, any, cmd);
	free(cmd);
}

void vrrp_act_notify_rx_lower(struct vrrp_inst *in)    /* ops */
{
	const struct vrrp_notify *n = vrrp_model_notify(in->m, VRRP_NOTIFY_RX_LOWER);

	vrrp_fifo_instance(in->m->name, "MASTER_RX_LOWER_PRI", in->fsm.priority);
	if (n->cmd)
		run(in, n, n->cmd);
}
