/*
 * vrrp_track_linkbeat.c - read an interface's link state by asking the
 * driver (linkbeat_interfaces, linkbeat_use_polling) instead of waiting
 * for netlink: ethtool's link test (ETHTOOL_GLINK), else the MII status
 * register (link status bit of BMSR), else the interface flags (up and
 * running).  The link is up only if the interface is administratively up
 * too.  vrrp_track_if.c polls it every second.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/sockios.h>

#include "vrrp_track_int.h"

static bool ethtool_link(int fd, struct ifreq *ifr, bool *up)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };

	ifr->ifr_data = (char *)&ev;
	if (ioctl(fd, SIOCETHTOOL, ifr) < 0)
		return false;
	*up = ev.data != 0;
	return true;
}

static bool mii_link(int fd, struct ifreq *ifr, bool *up)
{
	struct mii_ioctl_data *mii = (struct mii_ioctl_data *)(void *)&ifr->ifr_data;

	if (ioctl(fd, SIOCGMIIPHY, ifr) < 0)
		return false;
	mii->reg_num = MII_BMSR;
	if (ioctl(fd, SIOCGMIIREG, ifr) < 0)
		return false;
	*up = (mii->val_out & BMSR_LSTATUS) != 0;
	return true;
}

bool track_linkbeat_read(const char *ifname, bool *up)
{
	struct ifreq ifr;
	bool link = false;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		close(fd);
		return false;
	}
	*up = (ifr.ifr_flags & IFF_UP) != 0;
	if (*up) {
		short flags = ifr.ifr_flags;

		if (ethtool_link(fd, &ifr, &link) || mii_link(fd, &ifr, &link))
			*up = link;
		else
			*up = (flags & IFF_RUNNING) != 0;
	}
	close(fd);
	return true;
}
