/*
 * vrrp_model_vmac.c - read use_vmac and friends (vrrp_model_vmac.h).
 *
 * Design.  Pure reading of the configuration tree into the instance's
 * struct vrrp_vmac_conf (and, for use_ipvlan, the instance's source
 * address); the configuration checker (src/conf) has already reported
 * malformed arguments, so anything unexpected here is skipped.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "log.h"
#include "nl_link.h"
#include "vrrp_model.h"
#include "vrrp_model_vmac.h"

/* "aa:bb:cc:dd:ee[:ff]": number of octets parsed (5 or 6), else 0. */
static int parse_mac(const char *w, uint8_t mac[6])
{
	int n = 0;

	while (*w && n < 6) {
		if (!isxdigit((unsigned char)w[0]) || !isxdigit((unsigned char)w[1]))
			return 0;
		if (sscanf(w, "%2hhx", &mac[n]) != 1)
			return 0;
		n++;
		w += 2;
		if (*w == ':')
			w++;
		else if (*w)
			return 0;
	}
	return *w == '\0' && (n == 5 || n == 6) ? n : 0;
}

static void read_use_vmac(const struct conf_node *n, struct vrrp_model_inst *mi)
{
	uint8_t mac[6];
	int i, octets;

	for (i = 0; i < n->argc; i++) {
		octets = parse_mac(n->argv[i], mac);
		if (octets == 5)
			mac[5] = mi->vrid;
		if (octets)
			memcpy(mi->vmac.mac, mac, sizeof(mac));
		else
			snprintf(mi->vmac.name, sizeof(mi->vmac.name), "%s", n->argv[i]);
	}
}

/* "use_ipvlan [NAME] [ADDR[/PLEN]] [bridge|private|vepa]" */
static void read_use_ipvlan(const struct conf_node *n, struct vrrp_model_inst *mi)
{
	struct vrrp_vmac_conf *v = &mi->vmac;
	struct conf_addr a;
	int i;

	for (i = 0; i < n->argc; i++) {
		const char *w = n->argv[i];

		if (!strcmp(w, "bridge") || !strcmp(w, "private") || !strcmp(w, "vepa")) {
			v->ipvlan_flags = !strcmp(w, "bridge") ? 0 : !strcmp(w, "private") ? 1 : 2;
		} else if (conf_parse_addr(w, true, &a)) {
			memset(&v->ipvlan_addr, 0, sizeof(v->ipvlan_addr));
			v->ipvlan_addr.family = a.family;
			if (a.family == AF_INET)
				v->ipvlan_addr.u.v4 = a.a.v4;
			else
				v->ipvlan_addr.u.v6 = a.a.v6;
			v->ipvlan_plen = a.plen;
		} else {
			snprintf(v->name, sizeof(v->name), "%s", w);
		}
	}
	/* the ipvlan's address is where the adverts come from */
	if (v->ipvlan_addr.family == mi->family && mi->src_ip.family != mi->family)
		mi->src_ip = v->ipvlan_addr;
}

/* The VIP line's address and "dev" (default: the instance's interface). */
static bool line_is(const struct conf_node *line, const struct vrrp_vip *v, const char *dflt_if)
{
	const char *dev = dflt_if;
	struct conf_addr a;
	int k;

	if (line->argc < 1 || !conf_parse_addr(line->argv[0], true, &a) ||
	    a.family != v->addr.family ||
	    memcmp(&a.a, &v->addr.u, a.family == AF_INET ? 4 : 16))
		return false;
	for (k = 1; k + 1 < line->argc; k++)
		if (!strcmp(line->argv[k], "dev"))
			dev = line->argv[k + 1];
	return !strcmp(dev, v->dev);
}

/* Bits of the VIPs (of block name, parsed into v[0..n)) that go on an
 * address VMAC: with use_vmac_addr those on another interface, else those
 * whose line says "use_vmac". */
static uint64_t addr_vmac_bits(const struct conf_node *inst, const char *name,
			       const struct vrrp_model_inst *mi, const struct vrrp_vip *v, size_t n)
{
	const struct conf_node *l, *line;
	uint64_t bits = 0;
	size_t i;
	int k;

	for (i = 0; i < n && i < 64; i++)
		if (mi->vmac.use_vmac_addr && strcmp(v[i].dev, mi->ifname))
			bits |= (uint64_t)1 << i;
	for (l = conf_find(inst, name); l; l = conf_next_same(l))
		conf_foreach(line, l) {
			for (k = 1; k < line->argc && strcmp(line->argv[k], "use_vmac"); k++)
				;
			if (k == line->argc)
				continue;
			for (i = 0; i < n && i < 64; i++)
				if (line_is(line, &v[i], mi->ifname) && strcmp(v[i].dev, mi->ifname))
					bits |= (uint64_t)1 << i;
		}
	if (bits && n > 64)
		log_warnx("(%s) only the first 64 addresses of %s can use an address VMAC",
			  mi->name, name);
	return bits;
}

void vrrp_model_vmac_read(const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	const struct conf_node *gd = inst->parent ? conf_find(inst->parent, "global_defs") : NULL;
	const struct conf_node *n = conf_find_last(inst, "use_vmac");
	const struct conf_node *ipv = conf_find_last(inst, "use_ipvlan");
	const char *prefix = gd ? conf_get_str(gd, "vmac_prefix", "vrrp") : "vrrp";
	const char *aprefix = gd ? conf_get_str(gd, "vmac_addr_prefix", prefix) : prefix;
	struct vrrp_vmac_conf *v = &mi->vmac;

	memset(v, 0, sizeof(*v));
	v->use_vmac_addr = conf_find(inst, "use_vmac_addr") != NULL;
	snprintf(v->addr_prefix, sizeof(v->addr_prefix), "%.*s", IFNAMSIZ - 6, aprefix);
	if (!n && !ipv)
		return;
	if (ipv) {                   /* use_ipvlan wins over use_vmac */
		v->use_ipvlan = true;
		read_use_ipvlan(ipv, mi);
	} else {
		v->use = true;
		sys_vmac_addr(mi->vrid, mi->family, v->mac);
		read_use_vmac(n, mi);
		v->vip_addr_vmac = addr_vmac_bits(inst, "virtual_ipaddress", mi, mi->vips, mi->nvips);
		v->evip_addr_vmac = addr_vmac_bits(inst, "virtual_ipaddress_excluded", mi, mi->evips,
						   mi->nevips);
	}
	if (!v->name[0])
		snprintf(v->name, sizeof(v->name), "%.*s.%u", IFNAMSIZ - 5, prefix, mi->vrid);
	v->xmit_base = !v->use_ipvlan && conf_find(inst, "vmac_xmit_base") != NULL;
	if (mi->strict)
		v->xmit_base = false;
	if (mi->npeers)
		v->xmit_base = true;
}
