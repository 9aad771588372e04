/*
 * vrrp_vmac.c - VMAC and ipvlan interfaces (vrrp_vmac.h).
 *
 * Design.  Module state is the list of links we created (to remake when
 * deleted by hand and to delete at teardown; each entry keeps what is
 * needed to make it again) and the list of sysctls we changed with their
 * previous values (restored in reverse order), both small arrays grown
 * with realloc; the VRRP child has one instance of this module.  Names and
 * MACs come from the model (vrrp_model_vmac.h); netlink goes through
 * nl_link.h and, for ipvlans, vrrp_ipvlan.h.
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
#include "nl_monitor.h"
#include "vrrp_firewall.h"
#include "vrrp_instance.h"
#include "vrrp_ipvlan.h"
#include "vrrp_model.h"
#include "vrrp_vmac.h"

struct saved_sysctl {
	int family;
	char ifname[IFNAMSIZ];
	char key[24];
	int val;
};

/* A link we made (or adopted), and how to make it again. */
struct made_vmac {
	int ifindex;
	int parent;
	int family;                  /* of the instance: which sysctls / link-local */
	bool ipvlan;
	bool addr_vmac;              /* use_vmac_addr: a VMAC for VIPs on parent */
	uint8_t mac[SYS_MAC_LEN];    /* macvlan only */
	int flags;                   /* ipvlan only: IPVLAN_F_* */
	struct sys_ip addr;          /* ipvlan only: its address */
	int plen;
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

static void configure_v4(const struct made_vmac *m)
{
	char parent[IF_NAMESIZE];

	set_plain(AF_INET, m->name, "arp_ignore", 1);
	set_plain(AF_INET, m->name, "accept_local", 1);
	set_plain(AF_INET, m->name, "promote_secondaries", 1);
	set_plain(AF_INET, m->name, "rp_filter", 0);
	set_plain(AF_INET6, m->name, "disable_ipv6", 1);
	if (if_indextoname((unsigned)m->parent, parent)) {
		set_saved(AF_INET, parent, "arp_ignore", 1);
		set_saved(AF_INET, parent, "arp_filter", 1);
	}
	relax_rp_filter(m->name);
}

/* The parent's EUI-64 link-local address on the VMAC: the VRRP source. */
static void configure_v6(const struct made_vmac *m, struct nlctx *nl)
{
	struct sys_link parent;
	struct sys_ifaddr a;
	int r;

	if (nl_link_get(nl, m->parent, NULL, &parent) < 0 || parent.mac_len != SYS_MAC_LEN)
		return;
	sys_ifaddr_init(&a, m->ifindex);
	sys_ipv6_ll_from_mac(parent.mac, &a.addr);
	a.prefixlen = 64;
	a.preferred_lft = 0;
	a.flags = IFA_F_NODAD;
	r = nl_addr_add(nl, &a);
	if (r < 0 && r != -EEXIST)
		log_warnx("(%s) cannot add the link-local address to %s: %s", m->inst, m->name,
			  nlctx_error(nl));
}

/* Sysctls (only on a link we created), up, addresses. */
static void configure(const struct made_vmac *m, bool created, struct nlctx *nl)
{
	if (created && !m->ipvlan && m->family == AF_INET)
		configure_v4(m);
	if (nl_link_set_up(nl, m->ifindex, true) < 0)
		log_warnx("(%s) cannot bring %s up: %s", m->inst, m->name, nlctx_error(nl));
	if (m->ipvlan && vrrp_ipvlan_addr(nl, m->ifindex, &m->addr, m->plen) < 0)
		log_warnx("(%s) cannot add the address of %s: %s", m->inst, m->name,
			  nlctx_error(nl));
	if (!m->ipvlan && m->family == AF_INET6)
		configure_v6(m, nl);
}

static int make_link(const struct made_vmac *m, struct nlctx *nl)
{
	if (m->ipvlan)
		return vrrp_ipvlan_add(nl, m->parent, m->name, m->flags);
	return nl_vmac_add(nl, m->parent, m->name, m->mac);
}

/* A link of our name exists (left by -V, a crash, kill -9).  A link of
 * the right kind on the right parent (a macvlan: with the right MAC) is
 * adopted as 2.2.7 does ("Found matching interface"); another macvlan
 * there is recreated; anything else is -EEXIST (quiet when !loud). */
static int adopt_existing(const struct made_vmac *m, struct nlctx *nl, bool loud)
{
	struct sys_link l;
	const char *kind = m->ipvlan ? "ipvlan" : "macvlan";

	if (nl_link_get(nl, 0, m->name, &l) < 0)
		return -ENODEV;
	if (strcmp(l.kind, kind) || l.parent != m->parent) {
		char parent[IF_NAMESIZE] = "?";

		if_indextoname((unsigned)m->parent, parent);
		if (loud)
			log_errx("(%s) interface %s exists and is not a%s %s on %s", m->inst,
				 m->name, m->ipvlan ? "n" : "", m->ipvlan ? "ipvlan" : "VMAC", parent);
		return -EEXIST;
	}
	if (m->ipvlan || !memcmp(l.mac, m->mac, SYS_MAC_LEN)) {
		log_info("(%s) Found matching interface %s", m->inst, m->name);
		return l.ifindex;
	}
	if (!loud)
		return -EEXIST;
	nl_link_del(nl, l.ifindex);
	return make_link(m, nl);
}

static struct made_vmac *remember(const struct made_vmac *m)
{
	struct made_vmac *a = realloc(vm.made, (vm.nmade + 1) * sizeof(*a));

	if (!a)
		return NULL;
	vm.made = a;
	vm.made[vm.nmade] = *m;
	return &vm.made[vm.nmade++];
}

/* Create m (or adopt a matching link of its name); logs as 2.2.7.
 * Returns the ifindex or -errno; *found: an existing link was adopted. */
static int create(struct made_vmac *m, struct nlctx *nl, bool loud, bool *found)
{
	const char *what = m->ipvlan ? "ipvlan" : "VMAC";
	int ifindex = make_link(m, nl);

	*found = false;
	if (ifindex == -EEXIST) {
		ifindex = adopt_existing(m, nl, loud);
		*found = ifindex >= 0;
		if (ifindex == -EEXIST)
			return ifindex;            /* adopt_existing said why, if loud */
	}
	if (ifindex < 0) {
		if (m->ipvlan) {
			log_errx("Netlink: error: %s(%d), type=RTM_NEWLINK(16)", strerror(-ifindex),
				 -ifindex);
			log_errx("(%s): Unable to create ipvlan interface %s", m->inst, m->name);
		} else
			log_errx("(%s): Error creating VMAC interface %s: %s", m->inst, m->name,
				 nlctx_error(nl));
		return ifindex;
	}
	if (!*found)
		log_info("(%s): Success creating %s interface %s", m->inst, what, m->name);
	m->ifindex = ifindex;
	return ifindex;
}

static void move_vips(struct vrrp_vip *v, size_t n, int from, int to, const char *dev,
		      uint64_t only)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].ifindex != from || (only && (i >= 64 || !(only >> i & 1))))
			continue;
		v[i].ifindex = to;
		snprintf(v[i].dev, sizeof(v[i].dev), "%s", dev);
	}
}

static struct made_vmac *find_made(const char *inst, int parent, bool addr_vmac)
{
	size_t i;

	for (i = 0; i < vm.nmade; i++)
		if (!strcmp(vm.made[i].inst, inst) && vm.made[i].parent == parent &&
		    vm.made[i].addr_vmac == addr_vmac)
			return &vm.made[i];
	return NULL;
}

/* We already made a link of this name (another instance, or this one
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

static void describe(const struct vrrp_model_inst *mi, int parent, struct made_vmac *m)
{
	memset(m, 0, sizeof(*m));
	m->parent = parent;
	m->family = mi->family;
	m->ipvlan = mi->vmac.use_ipvlan;
	memcpy(m->mac, mi->vmac.mac, SYS_MAC_LEN);
	m->flags = mi->vmac.ipvlan_flags;
	m->addr = mi->vmac.ipvlan_addr;
	m->plen = mi->vmac.ipvlan_plen;
	snprintf(m->name, sizeof(m->name), "%s", mi->vmac.name);
	snprintf(m->inst, sizeof(m->inst), "%s", mi->name);
}

/* An IPv4 ipvlan needs its address (the adverts' source); 2.2.7 still
 * makes the link but keeps such an instance in FAULT. */
static void check_ipvlan_source(struct vrrp_model_inst *mi)
{
	if (!mi->vmac.use_ipvlan || mi->family != AF_INET || mi->vmac.ipvlan_addr.family)
		return;
	log_errx("(%s): IPv4 ipvlan requires a source ip address; entering FAULT state",
		 mi->name);
	mi->vmac.no_source = true;
}

static void setup_main(struct vrrp_model_inst *mi, struct nlctx *nl)
{
	struct made_vmac m;
	bool same = false, found = false;
	int ifindex = made_by_us(mi->vmac.name, mi->name, &same);

	if (mi->vmac.use_ipvlan) {           /* the parent's MAC: for GARPs / NAs */
		struct sys_link l;

		if (nl_link_get(nl, mi->ifindex, NULL, &l) == 0)
			memcpy(mi->vmac.mac, l.mac, SYS_MAC_LEN);
	}
	if (ifindex) {
		if (!same)
			log_warnx("(%s) sharing VMAC interface %s with another instance", mi->name,
				  mi->vmac.name);
		mi->vmac.ifindex = ifindex;
		return;
	}
	check_ipvlan_source(mi);
	describe(mi, mi->ifindex, &m);
	if ((ifindex = create(&m, nl, true, &found)) < 0) {
		if (mi->vmac.use_ipvlan)
			log_info("(%s): entering FAULT state (interface %s down)", mi->name,
				 mi->vmac.name);
		return;
	}
	mi->vmac.created = true;
	mi->vmac.ifindex = ifindex;
	remember(&m);
	configure(&m, !found, nl);
}

/* The address VMAC of mi on parent: ours already, or a new one named
 * ADDR_PREFIX.VRID, else ADDR_PREFIXn.VRID (the first free or matching
 * name), as 2.2.7 names them.  Its ifindex, or < 0. */
static const struct made_vmac *addr_vmac(struct vrrp_model_inst *mi, int parent,
					 struct nlctx *nl)
{
	const struct made_vmac *have = find_made(mi->name, parent, true);
	struct made_vmac m;
	bool found, same;
	int n;

	if (have)
		return have;
	describe(mi, parent, &m);
	m.addr_vmac = true;
	for (n = 0; n < 100; n++) {
		char name[64];

		if (n == 0)
			snprintf(name, sizeof(name), "%s.%u", mi->vmac.addr_prefix, mi->vrid);
		else
			snprintf(name, sizeof(name), "%s%d.%u", mi->vmac.addr_prefix, n, mi->vrid);
		if (strlen(name) >= sizeof(m.name))
			break;
		memcpy(m.name, name, strlen(name) + 1);
		if (made_by_us(m.name, mi->name, &same))
			continue;
		if (create(&m, nl, false, &found) == -EEXIST)
			continue;
		if (m.ifindex <= 0)
			return NULL;
		configure(&m, !found, nl);
		return remember(&m);
	}
	return NULL;
}

static void setup_addr_vmacs(struct vrrp_model_inst *mi, struct nlctx *nl)
{
	struct { struct vrrp_vip *v; size_t n; uint64_t bits; } lists[2] = {
		{ mi->vips, mi->nvips, mi->vmac.vip_addr_vmac },
		{ mi->evips, mi->nevips, mi->vmac.evip_addr_vmac },
	};
	const struct made_vmac *m;
	size_t l, i;

	for (l = 0; l < 2; l++)
		for (i = 0; i < lists[l].n && i < 64; i++) {
			struct vrrp_vip *v = &lists[l].v[i];

			if (!(lists[l].bits >> i & 1) || v->ifindex == mi->ifindex)
				continue;
			if (!(m = addr_vmac(mi, v->ifindex, nl)))
				continue;
			move_vips(v, 1, v->ifindex, m->ifindex, m->name, 0);
		}
}

static void setup_one(struct vrrp_model_inst *mi, struct nlctx *nl)
{
	setup_main(mi, nl);
	if (mi->vmac.ifindex <= 0 || mi->vmac.use_ipvlan)   /* 2.2.7: an ipvlan's VIPs stay */
		return;                                     /* on its parent */
	move_vips(mi->vips, mi->nvips, mi->ifindex, mi->vmac.ifindex, mi->vmac.name, 0);
	move_vips(mi->evips, mi->nevips, mi->ifindex, mi->vmac.ifindex, mi->vmac.name, 0);
	if (mi->vmac.vip_addr_vmac || mi->vmac.evip_addr_vmac)
		setup_addr_vmacs(mi, nl);
}

void vrrp_vmac_setup(struct vrrp_model *model, struct nlctx *nl)
{
	size_t i;

	for (i = 0; i < model->ninst; i++)
		if (model->inst[i].vmac.use || model->inst[i].vmac.use_ipvlan)
			setup_one(&model->inst[i], nl);
}

/* ---- links deleted by hand ------------------------------------------------ */

static bool uses(const struct vrrp_model_inst *mi, int ifindex)
{
	size_t i;

	if (mi->vmac.ifindex == ifindex)
		return true;
	for (i = 0; i < mi->nvips; i++)
		if (mi->vips[i].ifindex == ifindex)
			return true;
	for (i = 0; i < mi->nevips; i++)
		if (mi->evips[i].ifindex == ifindex)
			return true;
	return false;
}

/* Mark the instances using link old as lost (FAULT), or, with m, move
 * them onto its new link, rebind their sockets and re-evaluate FAULT. */
static void update_users(struct vrrp_model *model, struct vrrp_inst *head, int old,
			 const struct made_vmac *m)
{
	struct vrrp_inst *in;
	bool fw_moved = false;
	size_t i;

	for (i = 0; i < model->ninst; i++) {
		struct vrrp_model_inst *mi = &model->inst[i];

		if ((!mi->vmac.use && !mi->vmac.use_ipvlan) || !uses(mi, old))
			continue;
		mi->vmac.lost = m == NULL;
		if (m) {
			if (mi->vmac.ifindex == old) {
				mi->vmac.ifindex = m->ifindex;
				if (!fw_moved)          /* one map entry per VMAC */
					vrrp_fw_vmac_moved(mi, old);
				fw_moved = true;
			}
			move_vips(mi->vips, mi->nvips, old, m->ifindex, m->name, 0);
			move_vips(mi->evips, mi->nevips, old, m->ifindex, m->name, 0);
		}
		for (in = head; in; in = in->next) {
			if (in->m != mi)
				continue;
			if (m)
				vrrp_inst_reconfigure(in, mi);
			vrrp_inst_refresh_fault(in);
		}
	}
}

void vrrp_vmac_link_event(struct vrrp_model *model, struct vrrp_inst *head, struct nlctx *nl,
			  const struct nl_link_event *ev)
{
	struct made_vmac *m = NULL;
	bool found;
	size_t i;
	int old;

	if (!ev->deleted)
		return;
	for (i = 0; i < vm.nmade && !m; i++)
		if (vm.made[i].ifindex == ev->ifindex)
			m = &vm.made[i];
	if (!m)
		return;
	old = m->ifindex;
	update_users(model, head, old, NULL);
	log_info("Interface %s deleted", m->name);
	m->ifindex = 0;
	if (create(m, nl, true, &found) < 0)
		return;                    /* its instances stay in FAULT */
	configure(m, !found, nl);
	update_users(model, head, old, m);
}

/* ---- stop ----------------------------------------------------------------- */

void vrrp_vmac_teardown(struct nlctx *nl)
{
	size_t i;

	for (i = 0; i < vm.nmade; i++) {
		const char *what = "VMAC";       /* 2.2.7's word for an ipvlan too, here */

		if (vm.made[i].ifindex <= 0)
			continue;
		if (nl_link_del(nl, vm.made[i].ifindex) < 0)
			log_warnx("(%s) cannot remove %s interface %s: %s", vm.made[i].inst, what,
				  vm.made[i].name, nlctx_error(nl));
		else
			log_info("(%s) Success removing %s interface %s", vm.made[i].inst, what,
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

/* ---- queries -------------------------------------------------------------- */

bool vrrp_vmac_ready(const struct vrrp_model_inst *m)
{
	if (!m->vmac.use || m->vmac.ifindex > 0)
		return true;
	log_errx("refusing to start %s: its VMAC interface %s could not be created", m->name,
		 m->vmac.name);
	return false;
}

bool vrrp_vmac_up(const struct vrrp_model_inst *m)
{
	if (!m->vmac.use && !m->vmac.use_ipvlan)
		return true;
	return m->vmac.ifindex > 0 && !m->vmac.lost && !m->vmac.no_source;
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
