/*
 * vrrp_model_vmac.c - read use_vmac and friends (vrrp_model_vmac.h).
 *
 * Design.  Pure reading of the configuration tree into the instance's
 * struct vrrp_vmac_conf; the configuration checker (src/conf) has already
 * reported malformed arguments, so anything unexpected here is skipped.
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

void vrrp_model_vmac_read(const struct conf_node *inst, struct vrrp_model_inst *mi)
{
	const struct conf_node *gd = inst->parent ? conf_find(inst->parent, "global_defs") : NULL;
	const struct conf_node *n = conf_find_last(inst, "use_vmac");
	const char *prefix = gd ? conf_get_str(gd, "vmac_prefix", "vrrp") : "vrrp";
	struct vrrp_vmac_conf *v = &mi->vmac;

	memset(v, 0, sizeof(*v));
	v->use_vmac_addr = conf_find(inst, "use_vmac_addr") != NULL;
	v->use_ipvlan = conf_find(inst, "use_ipvlan") != NULL;
	if (v->use_ipvlan)
		log_warnx("(%s) use_ipvlan is not supported by this keepalived; no ipvlan is "
			  "created", mi->name);
	if (!n)
		return;
	v->use = true;
	sys_vmac_addr(mi->vrid, mi->family, v->mac);
	read_use_vmac(n, mi);
	if (!v->name[0])
		snprintf(v->name, sizeof(v->name), "%.*s.%u", IFNAMSIZ - 5, prefix, mi->vrid);
	v->xmit_base = conf_find(inst, "vmac_xmit_base") != NULL;
	if (mi->strict)
		v->xmit_base = false;
	if (mi->npeers)
		v->xmit_base = true;
	if (v->use_vmac_addr)
		log_warnx("(%s) use_vmac_addr is not supported by this keepalived; VIPs on other "
			  "interfaces stay on those interfaces", mi->name);
}
