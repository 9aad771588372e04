/*
 * vrrp_firewall_ipt.c - iptables rules over ipsets (vrrp_firewall_ipt.h).
 *
 * Design.  Sets are handled in-process with libipset's command parser
 * (ipset_parse_argv, the same words as the ipset command); errors come
 * back through the custom printf hooks and are logged.  Rules are few and
 * change only twice per run, so they are added and deleted by running
 * iptables/ip6tables -w (which also works with the nft-based iptables);
 * one table describes each rule, used with -A to install, -D to remove.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>

#include <libipset/ipset.h>
#include <libipset/session.h>

#include "log.h"
#include "vrrp_firewall_ipt.h"

#define SET4 "keepalived"
#define SET6 "keepalived6"
#define SETLL "keepalived_if6"
#define MAXARGS 20

static struct {
	struct ipset *is;
	struct fw_ipt_conf c;
	bool rules[2];               /* [0] iptables, [1] ip6tables rules installed */
} ipt;

/* ---- ipsets ------------------------------------------------------------------ */

static int custom_error(struct ipset *s, void *p, int status, const char *msg, ...)
	__attribute__((format(printf, 4, 5)));

static int custom_error(struct ipset *s, void *p, int status, const char *msg, ...)
{
	char buf[256];
	va_list ap;

	(void)s;
	(void)p;
	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	log_warnx("ipset: %s", buf);
	return status;
}

static int standard_error(struct ipset *s, void *p)
{
	struct ipset_session *ss = ipset_session(s);
	const char *m = ipset_session_report_msg(ss);

	(void)p;
	if (m && *m)
		log_warnx("ipset: %s", m);
	ipset_session_report_reset(ss);
	return -1;
}

/* Run one ipset command given as words (NULL-terminated). */
static int run_ipset(const char *w, ...)
{
	char words[MAXARGS][64], *argv[MAXARGS + 1];
	int argc = 0;
	va_list ap;

	snprintf(words[argc], sizeof(words[argc]), "ipset");
	argv[argc] = words[argc];
	argc++;
	va_start(ap, w);
	for (; w && argc < MAXARGS; w = va_arg(ap, const char *), argc++) {
		snprintf(words[argc], sizeof(words[argc]), "%s", w);
		argv[argc] = words[argc];
	}
	va_end(ap);
	argv[argc] = NULL;
	return ipset_parse_argv(ipt.is, argc, argv) == 0 ? 0 : -EINVAL;
}

/* ---- iptables rules ------------------------------------------------------------ */

/* Run iptables (family AF_INET) or ip6tables with -w, op, chain, then the
 * rule words; its output is discarded. */
static int iptables(int family, const char *op, const char *chain, const char *const *rule)
{
	char words[MAXARGS][64], *argv[MAXARGS + 1];
	int argc = 0, st = 0, i;
	pid_t pid;

	snprintf(words[argc++], 64, "%s", family == AF_INET ? "iptables" : "ip6tables");
	snprintf(words[argc++], 64, "-w");
	snprintf(words[argc++], 64, "%s", op);
	snprintf(words[argc++], 64, "%s", chain);
	for (i = 0; rule[i] && argc < MAXARGS; i++)
		snprintf(words[argc++], 64, "%s", rule[i]);
	for (i = 0; i < argc; i++)
		argv[i] = words[i];
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (op[1] == 'A')
			log_warnx("vrrp_iptables: '%s %s %s ...' failed (does chain %s exist?)",
				  argv[0], op, chain, chain);
		return -EIO;
	}
	return 0;
}

/* The rules of one family and direction; "in" matches destinations. */
static const char *const rules4_in[][12] = {
	{ "-m", "set", "--match-set", SET4, "dst", "-j", "DROP", NULL },
};
static const char *const rules4_out[][12] = {
	{ "-m", "set", "--match-set", SET4, "src", "-j", "DROP", NULL },
};
static const char *const rules6_in[][12] = {
	{ "-p", "ipv6-icmp", "--icmpv6-type", "135", "-m", "set", "--match-set", SET6, "dst",
	  "-j", "ACCEPT", NULL },
	{ "-p", "ipv6-icmp", "--icmpv6-type", "136", "-m", "set", "--match-set", SET6, "dst",
	  "-j", "ACCEPT", NULL },
	{ "-m", "set", "--match-set", SET6, "dst", "-j", "DROP", NULL },
	{ "-m", "set", "--match-set", SETLL, "dst,src", "-j", "DROP", NULL },
};
static const char *const rules6_out[][12] = {
	{ "-p", "ipv6-icmp", "--icmpv6-type", "135", "-m", "set", "--match-set", SET6, "src",
	  "-j", "ACCEPT", NULL },
	{ "-p", "ipv6-icmp", "--icmpv6-type", "136", "-m", "set", "--match-set", SET6, "src",
	  "-j", "ACCEPT", NULL },
	{ "-m", "set", "--match-set", SET6, "src", "-j", "DROP", NULL },
	{ "-m", "set", "--match-set", SETLL, "src,dst", "-j", "DROP", NULL },
};

static int apply_rules(int family, const char *op)
{
	const char *const (*in)[12] = family == AF_INET ? rules4_in : rules6_in;
	const char *const (*out)[12] = family == AF_INET ? rules4_out : rules6_out;
	size_t n = family == AF_INET ? 1 : 4, i;
	int r = 0;

	for (i = 0; i < n; i++) {
		r |= iptables(family, op, ipt.c.in_chain, in[i]);
		if (ipt.c.out_chain[0])
			r |= iptables(family, op, ipt.c.out_chain, out[i]);
	}
	return r ? -EIO : 0;
}

/* ---- the backend -------------------------------------------------------------------- */

int fw_ipt_vips(int family, const struct fw_addr *ips, size_t n, bool add)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], ifname[IF_NAMESIZE];
	int f = family == AF_INET6, r = 0;
	size_t i;

	if (!ipt.is)
		return 0;
	for (i = 0; i < n; i++) {
		const struct sys_ip *ip = &ips[i].ip;
		bool ll = ip->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&ip->u.v6);

		if (ip->family != family)
			continue;
		if (add && !ipt.rules[f]) {
			apply_rules(family, "-A");
			ipt.rules[f] = true;
		}
		sys_ip_format(ip, buf, sizeof(buf));
		if (ll && if_indextoname((unsigned)ips[i].ifindex, ifname))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",%s", ifname);
		r |= run_ipset(add ? "add" : "del", ll ? SETLL : family == AF_INET ? SET4 : SET6, buf,
			       "-exist", NULL);
	}
	return r ? -EIO : 0;
}

int fw_ipt_open(const struct fw_ipt_conf *c)
{
	ipt.c = *c;
	ipset_load_types();
	ipt.is = ipset_init();
	if (!ipt.is) {
		log_warnx("vrrp_iptables: cannot initialise libipset");
		return -ENOMEM;
	}
	ipset_custom_printf(ipt.is, custom_error, standard_error, NULL, NULL);
	if (run_ipset("create", SET4, "hash:ip", "-exist", NULL) ||
	    run_ipset("create", SET6, "hash:ip", "family", "inet6", "-exist", NULL) ||
	    run_ipset("create", SETLL, "hash:net,iface", "family", "inet6", "-exist", NULL)) {
		fw_ipt_close();
		return -EIO;
	}
	run_ipset("flush", SET4, NULL);
	run_ipset("flush", SET6, NULL);
	run_ipset("flush", SETLL, NULL);
	return 0;
}

void fw_ipt_close(void)
{
	if (!ipt.is)
		return;
	if (ipt.rules[0])
		apply_rules(AF_INET, "-D");
	if (ipt.rules[1])
		apply_rules(AF_INET6, "-D");
	run_ipset("destroy", SETLL, NULL);
	run_ipset("destroy", SET6, NULL);
	run_ipset("destroy", SET4, NULL);
	ipset_fini(ipt.is);
	memset(&ipt, 0, sizeof(ipt));
}
