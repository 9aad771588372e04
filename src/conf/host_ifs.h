/*
 * host_ifs.h - the host's network interfaces, read once per configuration
 * check (one getifaddrs() instead of several ioctls per vrrp_instance:
 * 1,000 instances cost 9,000 system calls before).
 */
#ifndef KA_HOST_IFS_H
#define KA_HOST_IFS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

struct host_if {
	char name[IFNAMSIZ];
	unsigned flags;                  /* IFF_* */
	int mtu;                         /* 0 if unknown */
};

struct host_ifs {
	struct host_if *ifs;
	size_t n;
	bool loaded;
};

/* The interface called `name`, or NULL if the host has none (loads the
 * table on first use). */
const struct host_if *host_if_find(struct host_ifs *h, const char *name);
void host_ifs_free(struct host_ifs *h);

#endif
