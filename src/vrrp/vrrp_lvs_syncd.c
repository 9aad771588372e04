/*
 * vrrp_lvs_syncd.c - the IPVS sync daemon follows a VRRP instance (see
 * vrrp_lvs_syncd.h).
 *
 * Module state: the parsed lvs_sync_daemon line (cfg), which daemons we
 * run (running: a bit per IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP), and
 * an IPVS socket opened on first use.  want() maps an instance state to
 * the daemon set; apply() stops what is not wanted and starts what is.
 * The instance name is copied, so no pointer into the tree survives a
 * reload.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ipvs_nl.h"
#include "log.h"
#include "vrrp_instance.h"
#include "vrrp_lvs_syncd.h"
#include "vrrp_model.h"

static struct {
	bool set;
	char inst[64];                  /* "" = no instance: both daemons */
	bool has_id;
	struct ipvs_sync s;             /* state filled per start */
} cfg;

static unsigned running;                /* IP_VS_STATE_MASTER | IP_VS_STATE_BACKUP */
static struct ipvs_ctx ipvs;

static bool is_opt(const char *w)
{
	return !strcmp(w, "id") || !strcmp(w, "maxlen") || !strcmp(w, "port") ||
	       !strcmp(w, "ttl") || !strcmp(w, "group");
}

/* Parse the (already validated) line into cfg. */
static void parse(const struct conf_node *n)
{
	memset(&cfg, 0, sizeof(cfg));
	if (!n || n->argc < 1)
		return;
	cfg.set = true;
	snprintf(cfg.s.ifname, sizeof(cfg.s.ifname), "%s", n->argv[0]);
	for (int i = 1; i < n->argc; i++) {
		const char *w = n->argv[i], *v = i + 1 < n->argc ? n->argv[i + 1] : NULL;

		if (!strcmp(w, "inst") && v) {
			snprintf(cfg.inst, sizeof(cfg.inst), "%s", v);
			i++;
		} else if (is_opt(w) && v) {
			if (!strcmp(w, "id")) {
				cfg.s.syncid = (uint8_t)atoi(v);
				cfg.has_id = true;
			} else if (!strcmp(w, "maxlen")) {
				cfg.s.maxlen = (uint16_t)atoi(v);
			} else if (!strcmp(w, "port")) {
				cfg.s.port = (uint16_t)atoi(v);
			} else if (!strcmp(w, "ttl")) {
				cfg.s.ttl = (uint8_t)atoi(v);
			} else if (ipvs_ip_parse(v, &cfg.s.group) < 0) {
				memset(&cfg.s.group, 0, sizeof(cfg.s.group));
			}
			i++;
		} else if (i == 1) {
			snprintf(cfg.inst, sizeof(cfg.inst), "%s", w);
		}
	}
}

static bool open_ipvs(void)
{
	static bool warned;

	if (ipvs.sk)
		return true;
	if (ipvs_open(&ipvs) == 0)
		return true;
	if (!warned)
		log_warnx("lvs_sync_daemon: cannot open IPVS: %s", ipvs_error(&ipvs));
	warned = true;
	return false;
}

/* Move the kernel to the daemon set `want` (syncid for a start). */
static void apply(unsigned want, uint8_t vrid)
{
	static const int states[] = { IP_VS_STATE_MASTER, IP_VS_STATE_BACKUP };

	if (want == running || !open_ipvs())
		return;
	for (size_t i = 0; i < 2; i++) {
		unsigned bit = (unsigned)states[i];
		struct ipvs_sync s = cfg.s;

		if ((running & bit) && !(want & bit) && ipvs_sync_stop(&ipvs, states[i]) < 0 &&
		    ipvs.err != ESRCH)
			log_warnx("lvs_sync_daemon: stopping the %s daemon: %s",
				  i == 0 ? "master" : "backup", ipvs_error(&ipvs));
		if ((running & bit) || !(want & bit))
			continue;
		s.state = states[i];
		if (!cfg.has_id)
			s.syncid = vrid;
		if (ipvs_sync_start(&ipvs, &s) < 0)
			log_warnx("lvs_sync_daemon: starting the %s daemon on %s: %s",
				  i == 0 ? "master" : "backup", s.ifname, ipvs_error(&ipvs));
	}
	running = want;
}

static unsigned want_for(enum vrrp_state st)
{
	if (st == VRRP_STATE_STOP)
		return 0;
	return st == VRRP_STATE_MASTER ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
}

void vrrp_lvs_syncd_setup(const struct conf *conf, const struct vrrp_inst *instances)
{
	struct ipvs_sync old = cfg.s;
	bool was = cfg.set;
	const struct vrrp_inst *in;

	parse(conf_global(conf, "lvs_sync_daemon"));
	if (was && cfg.set && memcmp(&old, &cfg.s, sizeof(old)) != 0)
		apply(0, 0);            /* changed: restart with the new options */
	if (!cfg.set) {
		apply(0, 0);
		ipvs_close(&ipvs);
		return;
	}
	if (!cfg.inst[0]) {
		apply(IP_VS_STATE_MASTER | IP_VS_STATE_BACKUP, 0);
		return;
	}
	for (in = instances; in; in = in->next)
		if (!strcmp(in->m->name, cfg.inst))
			break;
	if (!in) {
		log_warnx("lvs_sync_daemon: no vrrp_instance %s", cfg.inst);
		apply(0, 0);
		return;
	}
	apply(want_for(in->fsm.state), in->m->vrid);
}

void vrrp_lvs_syncd_state(const struct vrrp_inst *in, enum vrrp_state to)
{
	if (!cfg.set || !cfg.inst[0] || strcmp(in->m->name, cfg.inst))
		return;
	apply(want_for(to), in->m->vrid);
}

void vrrp_lvs_syncd_stop(void)
{
	apply(0, 0);
	ipvs_close(&ipvs);
	memset(&cfg, 0, sizeof(cfg));
}
