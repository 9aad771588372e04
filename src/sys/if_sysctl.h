/*
 * if_sysctl.h - per-interface kernel settings (/proc/sys/net/ipv{4,6}/conf).
 *
 * The VRRP child reads and sets a few per-interface sysctls.  Observed on
 * keepalived 2.2.7 (for the VRRP engine to reproduce; this module only
 * provides the access):
 *   - with use_vmac, the IPv4 VMAC gets arp_ignore=1, accept_local=1 and
 *     promote_secondaries=1, and its parent arp_ignore=1 and arp_filter=1
 *     (the parent's values were still set after 2.2.7 exited); an IPv6
 *     VMAC is left alone;
 *   - the NA router flag is set exactly when ipv6 "forwarding" is on for
 *     the sending interface ("all" alone does not count).
 * Interface names come from the configuration or the kernel; names with
 * '/' or the names "." and ".." are refused so a path cannot escape conf/.
 */
#ifndef KA_SYS_IF_SYSCTL_H
#define KA_SYS_IF_SYSCTL_H

/* Read net.ipvX.conf.IFNAME.KEY (family AF_INET or AF_INET6) into *val.
 * 0 or -errno (-ENOENT: no such interface or key). */
int sys_if_sysctl_get(int family, const char *ifname, const char *key, int *val);
/* Write it; 0 or -errno. */
int sys_if_sysctl_set(int family, const char *ifname, const char *key, int val);
/* 1 if IPv6 forwarding is on for ifname, 0 if off, -errno if unreadable:
 * the value of the NA router flag 2.2.7 would send there. */
int sys_ipv6_forwarding(const char *ifname);

#endif
