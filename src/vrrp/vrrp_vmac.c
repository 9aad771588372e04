/*
 * vrrp_vmac.c - VMAC interfaces (vrrp_vmac.h).
 *
 * Design.  Module state is the list of VMACs we created (to delete at
 * teardown) and the list of sysctls we changed with their previous values
 * (restored in reverse order), both small arrays grown with realloc; the
 * VRRP child has one instance of this module.  Names and MACs come from
 * the model (vrrp_model_vmac.h); all netlink goes through nl_link.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>

#include "if_sysctl.h"
#include "log.h"
#include "nl_addr.h"
#include "nl_link.h"
#include "vrrp_firewall.h"
#include "vrrp_model.h"
#include "vrrp_vmac.h"

struct saved_sysctl {
	int family;
	char ifname[IFNAMSIZ];
	char key[24];
	int val;
};

struct made_vmac {
	int ifindex;
	char name[IFNAMSIZ];
	char inst[64];               /* instance name, for logs */
};

static struct {
	struct saved_sysctl *saved;
	size_t nsaved;
	struct made_vmac *made;
	size_t nmade;
	bool rp_filter_done;
} vm;

/* Set a sysctl, remembering its old value the first time we touch it. */
static void set_saved(int family, const char *ifname, const char *key, int val)
{
	struct saved_sysctl *s;
	size_t i;
	int old;

	if (sys_if_sysctl_get(family, ifname, key, &old) < 0)
		return;
	for (i = 0; i < vm.nsaved; i++)
		if (vm.saved[i].family == family && !strcmp(vm.saved[i].ifname, ifname) &&
		    !strcmp(vm.saved[i].key, key))
			break;
	if (i == vm.nsaved && old != val) {
		s = realloc(vm.saved, (vm.nsaved + 1) * sizeof(*s));
		if (!s)
			return;
		vm.saved = s;
		s = &vm.saved[vm.nsaved++];
		s->family = family;
		snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
		snprintf(s->key, sizeof(s->key), "%s", key);
		s->val = old;
	}
	if (old != val && sys_if_sysctl_set(family, ifname, key, val) < 0)
		log_warnx("cannot set net.ipv%c.conf.%s.%s to %d", family == AF_INET ? '4' : '6',
			  ifname, key, val);
}

/* Set a sysctl of an interface we created: nothing to restore. */
static void set_plain(int family, const char *ifname, const char *key, int val)
{
	if (sys_if_sysctl_set(family, ifname, key, val) < 0)
		log_warnx("cannot set net.ipv%c.conf.%s.%s to %d", family == AF_INET ? '4' : '6',
			  ifname, key, val);
}

/* all.rp_filter on would drop what arrives on a VMAC for the parent's
 * addresses: raise each interface (and default) to all's value, then
 * clear all, as 2.2.7 does.  Done once, for the first IPv4 VMAC. */
static void relax_rp_filter(const char *vmac)
{
	DIR *d;
	struct dirent *e;
	int all, v;

	if (vm.rp_filter_done || sys_if_sysctl_get(AF_INET, "all", "rp_filter", &all) < 0)
		return;
	vm.rp_filter_done = true;
	if (all == 0 || !(d = opendir("/proc/sys/net/ipv4/conf")))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "all") || !strcmp(e->d_name, "lo") ||
		    !strcmp(e->d_name, vmac))
			continue;
		if (sys_if_sysctl_get(AF_INET, e->d_name, "rp_filter", &v) == 0 && v < all)
			set_saved(AF_INET, e->d_name, "rp_filter", all);
	}
	closedir(d);
	set_saved(AF_INET, "all", "rp_filter", 0);
}

static void configure_v4(const struct vrrp_model_inst *mi)
{
	const char *vmac = mi->vmac.name;

	set_plain(AF_INET, vmac, "arp_ignore", 1);
	set_plain(AF_INET, vmac, "accept_local", 1);
	set_plain(AF_INET, vmac, "promote_secondaries", 1);
	set_plain(AF_INET, vmac, "rp_filter", 0);
	set_plain(AF_INET6, vmac, "disable_ipv6", 1);
	set_saved(AF_INET, mi->ifname, "arp_ignore", 1);
	set_saved(AF_INET, mi->ifname, "arp_filter", 1);
	relax_rp_filter(vmac);
}

/* The parent's EUI-64 link-local address on the VMAC: the VRRP source. */
static void configure_v6(const struct vrrp_model_inst *mi, struct nlctx *nl)
{
	struct sys_link parent;
	struct sys_ifaddr a;
	int r;

	if (nl_link_get(nl, mi->ifindex, NULL, &parent) < 0 || parent.mac_len != SYS_MAC_LEN)
		return;
	sys_ifaddr_init(&a, mi->vmac.ifindex);
	sys_ipv6_ll_from_mac(parent.mac, &a.addr);
	a.prefixlen = 64;
	a.preferred_lft = 0;
	a.flags = IFA_F_NODAD;
	r = nl_addr_add(nl, &a);
	if (r < 0 && r != -EEXIST)
		log_warnx("(%s) cannot add the link-local address to %s: %s", mi->name,
			  mi->vmac.name, nlctx_error(nl));
}

static void remember(const struct vrrp_model_inst *mi)
{
	struct made_vmac *m = realloc(vm.made, (vm.nmade + 1) * sizeof(*m));

	if (!m)
		return;
	vm.made = m;
	m = &vm.made[vm.nmade++];
	m->ifindex = mi->vmac.ifindex;
	snprintf(m->name, sizeof(m->name), "%s", mi->vmac.name);
	snprintf(m->inst, sizeof(m->inst), "%s", mi->name);
}

/* A link of our name exists (left by -V, a crash, kill -9).  A macvlan on
 * the right parent with the right MAC is adopted as 2.2.7 does ("Found
 * matching interface"); another macvlan there is recreated; anything
 * else is an error. */
static int adopt_existing(const struct vrrp_model_inst *mi, struct nlctx *nl)
{
	struct sys_link l;

	if (nl_link_get(nl, 0, mi->vmac.name, &l) < 0)
		return -ENODEV;
	if (strcmp(l.kind, "macvlan") || l.parent != mi->ifindex) {
		log_errx("(%s) interface %s exists and is not a VMAC on %s", mi->name,
			 mi->vmac.name, mi->ifname);
		return -EEXIST;
	}
	if (!memcmp(l.mac, mi->vmac.mac, SYS_MAC_LEN)) {
		log_info("(%s) Found matching interface %s", mi->name, mi->vmac.name);
		return l.ifindex;
	}
	nl_link_del(nl, l.ifindex);
	return nl_vmac_add(nl, mi->ifindex, mi->vmac.name, mi->vmac.mac);
}

static void move_vips(struct vrrp_vip *v, size_t n, const struct vrrp_model_inst *mi)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].ifindex != mi->ifindex)
			continue;
		v[i].ifindex = mi->vmac.ifindex;
		snprintf(v[i].dev, sizeof(v[i].dev), "%s", mi->vmac.name);
	}
}

/* We already made a VMAC of this name (another instance, or this one
 * before a reload: *same_inst tells). */
static int made_by_us(const char *name, const char *inst, bool *same_inst)
{
	size_t i;

	for (i = 0; i < vm.nmade; i++)
		if (!strcmp(vm.made[i].name, name)) {
			*same_inst = !strcmp(vm.made[i].inst, inst);
			return vm.made[i].ifindex;
		}
	return 0;
}

static void setup_one(struct vrrp_model_inst *mi, struct nlctx *nl)
{
	bool same = false;
	int ifindex = made_by_us(mi->vmac.name, mi->name, &same);

	if (ifindex) {
		if (!same)
			log_warnx("(%s) sharing VMAC interface %s with another instance", mi->name,
				  mi->vmac.name);
	} else {
		bool found = false;

		ifindex = nl_vmac_add(nl, mi->ifindex, mi->vmac.name, mi->vmac.mac);
		if (ifindex == -EEXIST) {
			ifindex = adopt_existing(mi, nl);
			found = true;
		}
		if (ifindex < 0) {
			if (!found || ifindex != -EEXIST)   /* adopt_existing said why */
				log_errx("(%s): Error creating VMAC interface %s: %s", mi->name,
					 mi->vmac.name, nlctx_error(nl));
			return;
		}
		if (!found)
			log_info("(%s): Success creating VMAC interface %s", mi->name,
				 mi->vmac.name);
		mi->vmac.created = true;
	}
	mi->vmac.ifindex = ifindex;
	if (mi->vmac.created) {
		remember(mi);
		if (mi->family == AF_INET)
			configure_v4(mi);
	}
	if (nl_link_set_up(nl, ifindex, true) < 0)
		log_warnx("(%s) cannot bring %s up: %s", mi->name, mi->vmac.name, nlctx_error(nl));
	if (mi->family == AF_INET6)
		configure_v6(mi, nl);
	move_vips(mi->vips, mi->nvips, mi);
	move_vips(mi->evips, mi->nevips, mi);
}

void vrrp_vmac_setup(struct vrrp_model *model, struct nlctx *nl)
{
	size_t i;

	for (i = 0; i < model->ninst; i++)
		if (model->inst[i].vmac.use)
			setup_one(&model->inst[i], nl);
}

void vrrp_vmac_teardown(struct nlctx *nl)
{
	size_t i;

	for (i = 0; i < vm.nmade; i++) {
		if (nl_link_del(nl, vm.made[i].ifindex) < 0)
			log_warnx("(%s) cannot remove VMAC interface %s: %s", vm.made[i].inst,
				  vm.made[i].name, nlctx_error(nl));
		else
			log_info("(%s) Success removing VMAC interface %s", vm.made[i].inst,
				 vm.made[i].name);
	}
	for (i = vm.nsaved; i-- > 0;) {
		const struct saved_sysctl *s = &vm.saved[i];

		if (sys_if_sysctl_set(s->family, s->ifname, s->key, s->val) < 0)
			log_debug("cannot restore net.ipv%c.conf.%s.%s",
				  s->family == AF_INET ? '4' : '6', s->ifname, s->key);
	}
	vrrp_vmac_forget();
}

void vrrp_vmac_forget(void)
{
	free(vm.saved);
	free(vm.made);
	memset(&vm, 0, sizeof(vm));
}

bool vrrp_vmac_ready(const struct vrrp_model_inst *m)
{
	if (!m->vmac.use || m->vmac.ifindex > 0)
		return true;
	log_errx("refusing to start %s: its VMAC interface %s could not be created", m->name,
		 m->vmac.name);
	return false;
}

int vrrp_vmac_xmit_ifindex(const struct vrrp_model_inst *m)
{
	return m->vmac.ifindex > 0 && !m->vmac.xmit_base ? m->vmac.ifindex : m->ifindex;
}

const char *vrrp_vmac_xmit_ifname(const struct vrrp_model_inst *m)
{
	return m->vmac.ifindex > 0 && !m->vmac.xmit_base ? m->vmac.name : m->ifname;
}

int vrrp_vmac_mac_ifindex(const struct vrrp_model_inst *m)
{
	return m->vmac.ifindex > 0 ? m->vmac.ifindex : m->ifindex;
}

void vrrp_vmac_fw_start(const struct conf *conf, struct vrrp_model *model, struct nlctx *nl)
{
	vrrp_fw_start(conf, model);
	vrrp_vmac_setup(model, nl);
	vrrp_fw_vmacs(model);
}

void vrrp_vmac_fw_stop(struct nlctx *nl, bool keep_vmacs)
{
	vrrp_fw_stop();
	if (keep_vmacs) {
		vrrp_vmac_forget();
		return;
	}
	vrrp_vmac_teardown(nl);
}
