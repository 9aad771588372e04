/*
 * vrrp_firewall_ipt_stub.c - the iptables backend without libipset
 * (vrrp_firewall_ipt.h): opening fails, nftables is used instead.
 */
#include "config.h"

#include <errno.h>

#include "log.h"
#include "vrrp_firewall_ipt.h"

int fw_ipt_open(const struct fw_ipt_conf *c)
{
	(void)c;
	log_warnx("vrrp_iptables: this keepalived was built without libipset (libipset-dev); "
		  "using nftables instead");
	return -ENOTSUP;
}

int fw_ipt_vips(int family, const struct fw_addr *ips, size_t n, bool add)
{
	(void)family;
	(void)ips;
	(void)n;
	(void)add;
	return 0;
}

void fw_ipt_close(void)
{
}
