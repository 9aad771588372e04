/*
 * nl_sniff.c - print every IPVS change request that crosses netlink, for
 * the VM tests (tests/system/test_vm_reload.py): the independent witness
 * that a reload sends no delete or re-add for what did not change.
 *
 * Usage: nl_sniff IFACE [READY_FILE]
 *   IFACE is an nlmon device (ip link add nlmon0 type nlmon; ip link set
 *   nlmon0 up), which copies every netlink message of the host to packet
 *   sockets.  Each generic netlink request of the "IPVS" family that
 *   changes something (not GET_*) is printed as one line, e.g.
 *       NEW_DEST TCP 10.0.0.2:80 -> 192.168.1.5:80 weight 1
 *       SET_SERVICE TCP 10.0.0.2:80 wrr
 *       DEL_SERVICE FWM 7
 *   READY_FILE is created once the capture runs.  Runs until SIGTERM or
 *   SIGINT; stdout is line-buffered.
 *
 * The IPVS family id is resolved with libnl-genl; the captured messages
 * are parsed with libnl's attribute parser.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

static const char *cmd_name(int cmd)
{
	switch (cmd) {
	case IPVS_CMD_NEW_SERVICE: return "NEW_SERVICE";
	case IPVS_CMD_SET_SERVICE: return "SET_SERVICE";
	case IPVS_CMD_DEL_SERVICE: return "DEL_SERVICE";
	case IPVS_CMD_NEW_DEST: return "NEW_DEST";
	case IPVS_CMD_SET_DEST: return "SET_DEST";
	case IPVS_CMD_DEL_DEST: return "DEL_DEST";
	case IPVS_CMD_NEW_DAEMON: return "NEW_DAEMON";
	case IPVS_CMD_DEL_DAEMON: return "DEL_DAEMON";
	case IPVS_CMD_SET_CONFIG: return "SET_CONFIG";
	case IPVS_CMD_ZERO: return "ZERO";
	case IPVS_CMD_FLUSH: return "FLUSH";
	default: return NULL;     /* GET_* and unknown: not printed */
	}
}

/* "ADDR:PORT" of an address attribute of family af and a port (network order). */
static void addr_port(char *out, size_t len, int af, struct nlattr *a, struct nlattr *p)
{
	char buf[INET6_ADDRSTRLEN] = "?";

	if (a && nla_len(a) >= (af == AF_INET6 ? 16 : 4))
		inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, nla_data(a), buf, sizeof(buf));
	snprintf(out, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", buf,
		 p ? ntohs(nla_get_u16(p)) : 0);
}

static void print_service(struct nlattr *nest, int *af)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	char where[80];

	if (nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nest, NULL) < 0)
		return;
	*af = tb[IPVS_SVC_ATTR_AF] ? nla_get_u16(tb[IPVS_SVC_ATTR_AF]) : AF_INET;
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		printf(" FWM %u", nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]));
	} else {
		int proto = tb[IPVS_SVC_ATTR_PROTOCOL] ? nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]) : 0;

		addr_port(where, sizeof(where), *af, tb[IPVS_SVC_ATTR_ADDR], tb[IPVS_SVC_ATTR_PORT]);
		printf(" %s %s", proto == IPPROTO_TCP ? "TCP" : proto == IPPROTO_UDP ? "UDP" :
		       proto == IPPROTO_SCTP ? "SCTP" : "?", where);
	}
	if (tb[IPVS_SVC_ATTR_SCHED_NAME])
		printf(" %s", nla_get_string(tb[IPVS_SVC_ATTR_SCHED_NAME]));
}

static void print_dest(struct nlattr *nest, int af)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	char where[80];

	if (nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, nest, NULL) < 0)
		return;
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY])
		af = nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
	addr_port(where, sizeof(where), af, tb[IPVS_DEST_ATTR_ADDR], tb[IPVS_DEST_ATTR_PORT]);
	printf(" -> %s", where);
	if (tb[IPVS_DEST_ATTR_WEIGHT])
		printf(" weight %u", nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]));
}

static void print_daemon(struct nlattr *nest)
{
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	if (nla_parse_nested(tb, IPVS_DAEMON_ATTR_MAX, nest, NULL) < 0)
		return;
	if (tb[IPVS_DAEMON_ATTR_STATE])
		printf(" %s", nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]) == IP_VS_STATE_MASTER ?
		       "master" : "backup");
	if (tb[IPVS_DAEMON_ATTR_MCAST_IFN])
		printf(" %s", nla_get_string(tb[IPVS_DAEMON_ATTR_MCAST_IFN]));
}

static void one_message(struct nlmsghdr *nlh, int family)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	const char *name;
	int af = AF_INET;

	if (nlh->nlmsg_type != family || !(nlh->nlmsg_flags & NLM_F_REQUEST) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) || !(name = cmd_name(g->cmd)))
		return;
	printf("%s", name);
	if (genlmsg_parse(nlh, 0, tb, IPVS_CMD_ATTR_MAX, NULL) == 0) {
		if (tb[IPVS_CMD_ATTR_SERVICE])
			print_service(tb[IPVS_CMD_ATTR_SERVICE], &af);
		if (tb[IPVS_CMD_ATTR_DEST])
			print_dest(tb[IPVS_CMD_ATTR_DEST], af);
		if (tb[IPVS_CMD_ATTR_DAEMON])
			print_daemon(tb[IPVS_CMD_ATTR_DAEMON]);
	}
	printf("\n");
}

static int ipvs_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id = -1;

	if (sk && genl_connect(sk) == 0)
		id = genl_ctrl_resolve(sk, IPVS_GENL_NAME);
	nl_socket_free(sk);
	return id;
}

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 16];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int family, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: nl_sniff IFACE [READY_FILE]\n");
		return 2;
	}
	family = ipvs_family();
	if (family < 0) {
		fprintf(stderr, "nl_sniff: no IPVS generic netlink family\n");
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "nl_sniff: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (argc > 2)
		close(open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644));
	while (!done) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (n <= 0 || ntohs(from.sll_protocol) != NETLINK_GENERIC)
			continue;
		int left = (int)n;

		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			one_message(nlh, family);
	}
	return 0;
}
