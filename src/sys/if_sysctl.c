/*
 * if_sysctl.c - per-interface sysctls through /proc/sys (see if_sysctl.h).
 *
 * Plain file reads and writes of /proc/sys/net/ipv4|ipv6/conf/IF/KEY; no
 * caching, these are touched only when instances start or change state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "if_sysctl.h"

static int conf_path(char *buf, size_t len, int family, const char *ifname, const char *key)
{
	int n;

	if ((family != AF_INET && family != AF_INET6) || ifname[0] == '\0' ||
	    strchr(ifname, '/') != NULL || strcmp(ifname, ".") == 0 ||
	    strcmp(ifname, "..") == 0 || strchr(key, '/') != NULL || key[0] == '.')
		return -EINVAL;
	n = snprintf(buf, len, "/proc/sys/net/%s/conf/%s/%s",
		     family == AF_INET ? "ipv4" : "ipv6", ifname, key);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sys_if_sysctl_get(int family, const char *ifname, const char *key, int *val)
{
	char path[256];
	FILE *f;
	int rc = conf_path(path, sizeof(path), family, ifname, key);

	if (rc < 0)
		return rc;
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	rc = fscanf(f, "%d", val) == 1 ? 0 : -EIO;
	fclose(f);
	return rc;
}

int sys_if_sysctl_set(int family, const char *ifname, const char *key, int val)
{
	char path[256];
	FILE *f;
	int rc = conf_path(path, sizeof(path), family, ifname, key);

	if (rc < 0)
		return rc;
	f = fopen(path, "we");
	if (f == NULL)
		return -errno;
	rc = fprintf(f, "%d\n", val) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int sys_ipv6_forwarding(const char *ifname)
{
	int v, rc = sys_if_sysctl_get(AF_INET6, ifname, "forwarding", &v);

	return rc < 0 ? rc : v != 0;
}
