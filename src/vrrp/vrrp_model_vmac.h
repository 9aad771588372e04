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
 * use_vmac_addr (or "use_vmac" on a VIP line) puts the VIPs whose "dev" is
 * another interface on a VMAC of that interface, named ADDR_PREFIX.VRID
 * (vmac_addr_prefix, else vmac_prefix; when the name is taken 2.2.7 uses
 * ADDR_PREFIXn.VRID, n = 1, 2...), with the instance's virtual MAC: the
 * bitmaps below say which VIPs (first 64 of each list).
 * use_ipvlan [NAME] [ADDR[/PLEN]] [bridge|private|vepa] sets use_ipvlan,
 * not use (no firewall is opened for it: 2.2.7 logs no firewall message):
 * the link is an ipvlan in L2 mode (flags: bridge by default) named NAME
 * or PREFIX.VRID carrying ADDR, which becomes the instance's source
 * address unless one is configured.
 * The runtime part (ifindex of the created link) is filled by vrrp_vmac.c.
 */
#ifndef KA_VRRP_MODEL_VMAC_H
#define KA_VRRP_MODEL_VMAC_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "nl_core.h"

struct conf_node;
struct vrrp_model_inst;

struct vrrp_vmac_conf {
	bool use;                    /* use_vmac (not set by use_ipvlan) */
	char name[IFNAMSIZ];         /* the given name, else PREFIX.VRID */
	uint8_t mac[6];              /* RFC 5798 7.3 virtual router MAC, or the given one */
	bool xmit_base;              /* vmac_xmit_base: adverts on the parent */
	bool use_vmac_addr;          /* use_vmac_addr */
	char addr_prefix[IFNAMSIZ];  /* vmac_addr_prefix, else vmac_prefix, else "vrrp" */
	uint64_t vip_addr_vmac;      /* bit i: vips[i] goes on an address VMAC */
	uint64_t evip_addr_vmac;     /* bit i: evips[i] goes on an address VMAC */
	bool use_ipvlan;             /* use_ipvlan: the link is an ipvlan */
	int ipvlan_flags;            /* IPVLAN_F_*: 0 bridge, 1 private, 2 vepa */
	struct sys_ip ipvlan_addr;   /* its address; family 0 = none */
	int ipvlan_plen;
	/* runtime, set by vrrp_vmac_setup(): */
	int ifindex;                 /* the VMAC link, 0 when none */
	bool created;                /* we created it (delete it at stop) */
	bool lost;                   /* one of its links was deleted: FAULT until remade */
	bool no_source;              /* IPv4 ipvlan without an address: made, but FAULT */
};

/* Fill mi->vmac from the instance block and global_defs (found from the
 * instance's parent, the root).  Needs mi->vrid, mi->family, mi->strict
 * and mi->npeers set. */
void vrrp_model_vmac_read(const struct conf_node *inst, struct vrrp_model_inst *mi);

#endif
