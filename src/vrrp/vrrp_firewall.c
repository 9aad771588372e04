/*
 * vrrp_firewall.c - what the VRRP firewall filters (vrrp_firewall.h).
 *
 * Design.  One entry per model instance remembers whether its VIPs are in
 * the drop set and whether the explanation was logged; instances are
 * found by their position in the model's array.  Everything netfilter is
 * in the backend (vrrp_firewall_nft.c, or its stub without libnftnl).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "log.h"
#include "vrrp_firewall.h"
#include "vrrp_firewall_ipt.h"
#include "vrrp_firewall_nft.h"
#include "vrrp_model.h"

struct fw_inst {
	bool installed;              /* its VIPs are in the drop set */
	bool explained;              /* the "dropped because" line was logged */
};

static struct {
	bool open;
	bool ipt;                    /* the iptables + ipset backend, else nftables */
	bool ll_by_index;            /* nftables_ifindex */
	const struct vrrp_model_inst *base;
	size_t n;
	struct fw_inst *inst;
	char table[80];              /* "nftables table NAME" / "iptables chain NAME" */
} fw;

/* VRRPv2 has no accept mode: strict mode refuses "accept" there. */
static bool v2_strict(const struct vrrp_model_inst *m)
{
	return m->strict && m->version == 2 && m->family == AF_INET;
}

bool vrrp_fw_drops(const struct vrrp_model_inst *m)
{
	return (!m->accept || v2_strict(m)) && m->base_prio != 255;
}

static struct fw_inst *entry(const struct vrrp_model_inst *m)
{
	if (!fw.inst || m < fw.base || m >= fw.base + fw.n)
		return NULL;
	return &fw.inst[m - fw.base];
}

/* The one line answering "why can't I reach my VIP?". */
static void explain(const struct vrrp_model_inst *m)
{
	const char *why, *fix;

	if (v2_strict(m)) {
		why = "vrrp_strict with VRRP version 2 allows no accept mode";
		fix = "use version 3 with 'accept', or remove vrrp_strict/strict_mode";
	} else if (m->strict) {
		why = "vrrp_strict/strict_mode implies no_accept for a non-owner (priority < 255)";
		fix = "add 'accept' to the vrrp_instance";
	} else {
		why = "no_accept is set and the priority is below 255";
		fix = "remove 'no_accept' (or use 'accept')";
	}
	log_warnx("(%s) traffic to the virtual addresses is dropped on this MASTER by "
		  "%s: %s; to receive it, %s", m->name, fw.table, why, fix);
}

/* Fill the nftables settings; true (and *ic filled) when vrrp_iptables
 * asks for the iptables backend. */
static bool read_conf(const struct conf *conf, struct fw_nft_conf *c, struct fw_ipt_conf *ic)
{
	const struct conf_node *gd = conf_find(conf->root, "global_defs");
	const struct conf_node *n = gd ? conf_find_last(gd, "nftables") : NULL;
	const struct conf_node *ipt = gd ? conf_find_last(gd, "vrrp_iptables") : NULL;

	memset(c, 0, sizeof(*c));
	snprintf(c->table, sizeof(c->table), "%s", n && n->argc ? n->argv[0] : "keepalived");
	c->priority = gd ? (int)conf_get_int(gd, "nftables_priority", -1) : -1;
	c->counters = gd && conf_find(gd, "nftables_counters");
	fw.ll_by_index = gd && conf_find(gd, "nftables_ifindex");
	memset(ic, 0, sizeof(*ic));
	if (!n && !ipt)
		log_info("use_vmac or no_accept/strict specified, but no firewall configured - "
			 "using nftables");
	if (n || !ipt)
		return false;
	snprintf(ic->in_chain, sizeof(ic->in_chain), "%s", ipt->argc ? ipt->argv[0] : "INPUT");
	snprintf(ic->out_chain, sizeof(ic->out_chain), "%s",
		 ipt->argc >= 2 ? ipt->argv[1] : ipt->argc ? "" : "OUTPUT");
	return true;
}

static void install_vmacs(const struct vrrp_model *model, int family)
{
	struct fw_vmac_pair *p = calloc(model->ninst ? model->ninst : 1, sizeof(*p));
	size_t i, j, n = 0;

	if (!p)
		return;
	for (i = 0; i < model->ninst; i++) {
		const struct vrrp_model_inst *m = &model->inst[i];

		if (m->family != family || m->vmac.ifindex <= 0)
			continue;
		for (j = 0; j < n && p[j].vmac != m->vmac.ifindex; j++)
			;
		if (j < n)
			continue;
		p[n].vmac = m->vmac.ifindex;
		p[n++].parent = m->ifindex;
	}
	if (n)
		fw_nft_vmacs(family, p, n);
	free(p);
}

void vrrp_fw_start(const struct conf *conf, const struct vrrp_model *model)
{
	struct fw_nft_conf c;
	struct fw_ipt_conf ic;
	bool need = false;
	size_t i;

	memset(&fw, 0, sizeof(fw));
	for (i = 0; i < model->ninst; i++)
		if (model->inst[i].vmac.use || vrrp_fw_drops(&model->inst[i]))
			need = true;
	if (!need)
		return;
	fw.inst = calloc(model->ninst, sizeof(*fw.inst));
	if (read_conf(conf, &c, &ic) && fw.inst && fw_ipt_open(&ic) == 0) {
		fw.ipt = true;
		snprintf(fw.table, sizeof(fw.table), "iptables chain %s", ic.in_chain);
	} else {
		snprintf(fw.table, sizeof(fw.table), "nftables table %s", c.table);
	}
	if (!fw.inst || (!fw.ipt && fw_nft_open(&c) < 0)) {
		free(fw.inst);
		fw.inst = NULL;
		return;
	}
	fw.open = true;
	fw.base = model->inst;
	fw.n = model->ninst;
}

void vrrp_fw_vmacs(const struct vrrp_model *model)
{
	if (!fw.open || fw.ipt)        /* no VMAC multicast rules with iptables */
		return;
	install_vmacs(model, AF_INET);
	install_vmacs(model, AF_INET6);
}

void vrrp_fw_vmac_moved(const struct vrrp_model_inst *m, int old)
{
	struct fw_vmac_pair was = { old, m->ifindex }, now = { m->vmac.ifindex, m->ifindex };

	if (fw.open && !fw.ipt && old > 0 && m->vmac.ifindex > 0)
		fw_nft_vmac_moved(m->family, &was, &now);
}

static void apply(const struct vrrp_model_inst *m, bool add)
{
	size_t i, n = m->nvips + m->nevips;
	struct fw_addr *ips = calloc(n ? n : 1, sizeof(*ips));

	if (!ips)
		return;
	for (i = 0; i < n; i++) {
		const struct vrrp_vip *v = i < m->nvips ? &m->vips[i] : &m->evips[i - m->nvips];

		ips[i].ip = v->addr;
		ips[i].ifindex = v->ifindex;
		ips[i].by_name = m->dont_track_primary && !fw.ll_by_index;
	}
	if (fw.ipt) {
		fw_ipt_vips(AF_INET, ips, n, add);
		fw_ipt_vips(AF_INET6, ips, n, add);
	} else {
		fw_nft_vips(AF_INET, ips, n, add);
		fw_nft_vips(AF_INET6, ips, n, add);
	}
	free(ips);
}

void vrrp_fw_vips(const struct vrrp_model_inst *m, bool add)
{
	struct fw_inst *e = entry(m);

	if (!fw.open || !e || !vrrp_fw_drops(m))
		return;
	if (add) {
		if (e->installed)
			return;
		log_debug("(%s) setting firewall drop rule", m->name);
		apply(m, true);
		e->installed = true;
		if (!e->explained)
			explain(m);
		e->explained = true;
		return;
	}
	log_debug("(%s) removing firewall drop rule", m->name);
	if (e->installed)
		apply(m, false);
	e->installed = false;
}

void vrrp_fw_rebase(const struct vrrp_model *model)
{
	struct fw_inst *ni;
	size_t i, j;

	if (!fw.open)
		return;
	ni = calloc(model->ninst ? model->ninst : 1, sizeof(*ni));
	if (!ni)
		return;
	for (i = 0; i < model->ninst; i++)
		for (j = 0; j < fw.n; j++)
			if (!strcmp(model->inst[i].name, fw.base[j].name))
				ni[i] = fw.inst[j];
	free(fw.inst);
	fw.inst = ni;
	fw.base = model->inst;
	fw.n = model->ninst;
}

void vrrp_fw_stop(void)
{
	if (fw.open && fw.ipt)
		fw_ipt_close();
	else if (fw.open)
		fw_nft_close();
	free(fw.inst);
	memset(&fw, 0, sizeof(fw));
}
