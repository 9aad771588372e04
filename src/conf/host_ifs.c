/*
 * host_ifs.c - read the host's interfaces once: names and flags from
 * getifaddrs() (its AF_PACKET entries list every link, with or without
 * addresses), the MTU by one ioctl per interface.
 */
#include <ifaddrs.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host_ifs.h"

static void add_if(struct host_ifs *h, const struct ifaddrs *a, int fd)
{
	struct host_if *hi;
	struct ifreq ifr;

	if (strlen(a->ifa_name) >= IFNAMSIZ)
		return;
	hi = realloc(h->ifs, (h->n + 1) * sizeof(*h->ifs));
	if (!hi)
		abort();
	h->ifs = hi;
	hi = &h->ifs[h->n++];
	memset(hi, 0, sizeof(*hi));
	memcpy(hi->name, a->ifa_name, strlen(a->ifa_name));
	hi->flags = a->ifa_flags;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, hi->name, sizeof(hi->name));
	if (fd >= 0 && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		hi->mtu = ifr.ifr_mtu;
}

static void load(struct host_ifs *h)
{
	struct ifaddrs *list, *a;
	int fd;

	h->loaded = true;
	if (getifaddrs(&list) != 0)
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (a = list; a; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET)
			add_if(h, a, fd);
	if (fd >= 0)
		close(fd);
	freeifaddrs(list);
}

const struct host_if *host_if_find(struct host_ifs *h, const char *name)
{
	if (!h->loaded)
		load(h);
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->ifs[i].name, name) == 0)
			return &h->ifs[i];
	return NULL;
}

void host_ifs_free(struct host_ifs *h)
{
	free(h->ifs);
	memset(h, 0, sizeof(*h));
}
