/*
 * vrrp_model_vmac.h - the VMAC and firewall part of an instance's model.
 *
 * Design.  keepalived.conf(5)'s use_vmac [NAME] [MAC], vmac_xmit_base,
 * use_vmac_addr, use_ipvlan and the global vmac_prefix are read into one
 * struct vrrp_vmac_conf per instance by vrrp_model_vmac_read(), called once
 * from vrrp_model.c after the instance's family is known (the default MAC
 * depends on it).  As in 2.2.7: the VMAC is named PREFIX.VRID (prefix
 * "vrrp") unless a name is given; its MAC is 00:00:5e:00:01:VRID for IPv4
 * and 00:00:5e:00:02:VRID for IPv6, or the given one (5 octets: VRID
 * appended); strict mode resets vmac_xmit_base and unicast peers force it.
 * The runtime part (ifindex of the created link) is filled by vrrp_vmac.c.
 */
#ifndef KA_VRRP_MODEL_VMAC_H
#define KA_VRRP_MODEL_VMAC_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

struct conf_node;
struct vrrp_model_inst;

struct vrrp_vmac_conf {
	bool use;                    /* use_vmac */
	char name[IFNAMSIZ];         /* the given name, else PREFIX.VRID */
	uint8_t mac[6];              /* RFC 5798 7.3 virtual router MAC, or the given one */
	bool xmit_base;              /* vmac_xmit_base: adverts on the parent */
	bool use_vmac_addr;          /* parsed; not implemented (warned once) */
	bool use_ipvlan;             /* parsed; not implemented (warned once) */
	/* runtime, set by vrrp_vmac_setup(): */
	int ifindex;                 /* the VMAC link, 0 when none */
	bool created;                /* we created it (delete it at stop) */
};

/* Fill mi->vmac from the instance block and global_defs (found from the
 * instance's parent, the root).  Needs mi->vrid, mi->family, mi->strict
 * and mi->npeers set. */
void vrrp_model_vmac_read(const struct conf_node *inst, struct vrrp_model_inst *mi);

#endif
