/*
 * kw_check_vrid.c - duplicate virtual router ids.
 *
 * Two vrrp_instances clash when they share interface, address family and
 * VRID and would share a socket: both multicast to the same group
 * (mcast_dst_ip, default the RFC group), or both unicast with at least one
 * peer in common (keepalived.conf(5): unicast instances with disjoint peers
 * may reuse a VRID).  A unicast and a multicast instance never clash.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "kw_check_vrrp.h"

struct vrid_key {
	const struct conf_node *inst;
	const char *ifname;
	const char *mcast;          /* mcast_dst_ip as written, "" for the default */
	const struct conf_node *peers;  /* unicast_peer list with lines, or NULL */
	int family;
	int64_t vrid;
};

static int inst_family(const struct conf_node *inst)
{
	const struct conf_node *vips = conf_find(inst, "virtual_ipaddress");
	struct conf_addr a;

	if (conf_find(inst, "native_ipv6"))
		return AF_INET6;
	if (vips && vips->child && conf_parse_addr(vips->child->argv[0], true, &a))
		return a.family;
	return AF_INET;
}

static bool peers_overlap(const struct conf_node *a, const struct conf_node *b)
{
	const struct conf_node *x, *y;

	conf_foreach(x, a)
		conf_foreach(y, b)
			if (strcmp(x->argv[0], y->argv[0]) == 0)
				return true;
	return false;
}

static bool clash(const struct vrid_key *a, const struct vrid_key *b)
{
	if (a->vrid != b->vrid || a->family != b->family || strcmp(a->ifname, b->ifname) != 0)
		return false;
	if (!a->peers != !b->peers)
		return false;
	if (a->peers)
		return peers_overlap(a->peers, b->peers);
	return strcmp(a->mcast, b->mcast) == 0;
}

static bool fill_key(const struct conf_node *inst, struct vrid_key *k)
{
	const struct conf_node *peers = conf_find(inst, "unicast_peer");

	k->inst = inst;
	k->vrid = conf_get_int(inst, "virtual_router_id", -1);
	k->ifname = conf_get_str(inst, "interface", NULL);
	if (k->vrid < 0 || !k->ifname)
		return false;
	k->mcast = conf_get_str(inst, "mcast_dst_ip", "");
	k->peers = peers && peers->child ? peers : NULL;
	k->family = inst_family(inst);
	return true;
}

void vc_check_vrids(struct vcheck *v)
{
	const struct conf_node *n;
	struct vrid_key *keys;
	size_t count = 0, cap = 0;

	conf_foreach(n, v->root)
		if (conf_node_name(n) && strcmp(conf_node_name(n), "vrrp_instance") == 0)
			cap++;
	if (cap < 2)
		return;
	keys = calloc(cap, sizeof(*keys));
	if (!keys)
		abort();
	conf_foreach(n, v->root)
		if (conf_node_name(n) && strcmp(conf_node_name(n), "vrrp_instance") == 0 && fill_key(n, &keys[count]))
			count++;
	for (size_t i = 0; i < count; i++)
		for (size_t j = i + 1; j < count; j++)
			if (clash(&keys[i], &keys[j]) && keys[i].peers)
				conf_err(v->ctx, &keys[j].inst->src, "(%s) duplicate VRID conflict with "
					 "%s VRID %lld", keys[i].inst->argv[0], keys[j].inst->argv[0],
					 (long long)keys[i].vrid);
			else if (clash(&keys[i], &keys[j]))
				conf_err(v->ctx, &keys[j].inst->src, "%s and %s both use VRID %lld "
					 "with %s on interface %s", keys[i].inst->argv[0],
					 keys[j].inst->argv[0], (long long)keys[i].vrid,
					 keys[i].family == AF_INET6 ? "IPv6" : "IPv4", keys[i].ifname);
	free(keys);
}
