/*
 * vrrp_firewall_nft_stub.c - the nftables backend when keepalived is built
 * without libnftnl (vrrp_firewall_nft.h): nothing is filtered, and opening
 * says so once.
 */
#include "config.h"

#include <errno.h>

#include "log.h"
#include "vrrp_firewall_nft.h"

int fw_nft_open(const struct fw_nft_conf *c)
{
	(void)c;
	log_warnx("nftables: this keepalived was built without libnftnl (libnftnl-dev, "
		  "libmnl-dev); no firewall rules are installed");
	return -ENOTSUP;
}

int fw_nft_vmacs(int family, const struct fw_vmac_pair *v, size_t n)
{
	(void)family;
	(void)v;
	(void)n;
	return 0;
}

int fw_nft_vmac_moved(int family, const struct fw_vmac_pair *old, const struct fw_vmac_pair *now)
{
	(void)family;
	(void)old;
	(void)now;
	return 0;
}

int fw_nft_vips(int family, const struct fw_addr *ips, size_t n, bool add)
{
	(void)family;
	(void)ips;
	(void)n;
	(void)add;
	return 0;
}

void fw_nft_close(void)
{
}
