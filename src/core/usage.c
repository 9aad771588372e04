/*
 * usage.c - the -h usage text and the -v version banner.
 *
 * Both go to stderr, as 2.2.7 does.  The option column follows the
 * reference's layout so scripts and eyes that know it feel at home; the
 * descriptions are our own.  The banner starts with the version line
 * 2.2.7 prints and then says plainly what this program is.
 */
#include <stdio.h>
#include <sys/utsname.h>

#include "config.h"
#include "options.h"
#include "sdnotify.h"
#include "version.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

void ka_options_usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [OPTION...]\n", prog);
	fprintf(out,
"  -f, --use-file=FILE          Read the configuration from FILE\n"
"                                default '" SYSCONFDIR "/keepalived/keepalived.conf'\n"
"  -P, --vrrp                   Run the VRRP subsystem only\n"
"  -C, --check                  Run the health-checker subsystem only\n"
"  -B, --no_bfd                 Do not run the BFD subsystem\n"
"      --all                    Start every child process even without configuration for it\n"
"  -l, --log-console            Also log to the console (stderr)\n"
"  -D, --log-detail             Log detailed (debug) messages\n"
"  -S, --log-facility=([0-7]|local[0-7]|user|daemon)\n"
"                               Syslog facility: LOG_LOCAL[0-7], user or daemon (default)\n"
"  -g, --log-file=FILE          Also log to FILE (children use FILE_vrrp etc.)\n"
"      --flush-log-file         Flush the log file after every line\n"
"  -G, --no-syslog              Do not log to syslog\n"
"  -u, --umask=MASK             File creation mask, as a number (e.g. 022)\n"
"  -X, --release-vips           Drop the VIPs on a transition caused by a signal\n"
"  -V, --dont-release-vrrp      Leave VRRP VIPs and routes in place when stopping\n"
"  -I, --dont-release-ipvs      Leave the IPVS tables in place when stopping\n"
"  -R, --dont-respawn           Do not restart a child process that exits\n"
"  -n, --dont-fork              Stay in the foreground\n"
"  -d, --dump-conf              Dump the effective configuration\n"
"  -p, --pid=FILE               Pid file of the parent process\n"
"  -r, --vrrp_pid=FILE          Pid file of the VRRP child process\n"
"  -T, --genhash                genhash utility mode (must be the first option)\n"
"  -c, --checkers_pid=FILE      Pid file of the checker child process\n"
"  -a, --address-monitoring     Log every address added or removed (netlink)\n"
"  -b, --bfd_pid=FILE           Pid file of the BFD child process\n"
"  -x, --snmp                   Enable the SNMP subsystem\n"
"  -A, --snmp-agent-socket=FILE Socket of the SNMP master agent\n"
"  -s, --namespace=NAME         Run in network namespace NAME (overrides the config)\n"
"  -m, --core-dump              Allow core dumps if the program crashes\n"
"  -M, --core-dump-pattern=PATN Like -m, and set /proc/sys/kernel/core_pattern to PATN (default 'core')\n"
"  -e, --all-config             Fail if any configuration file is missing\n"
"  -i, --config-id id           Keep only '@id' configuration lines for this id, drop '@^id' ones\n"
"                                The id defaults to the short host name\n"
"      --signum=SIGFUNC         Print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON\n"
"  -t, --config-test[=LOG_FILE] Check the configuration and exit; messages go to\n"
"                                stderr, or to LOG_FILE\n"
"      --perf[={all|run|end}]   Record perf data (not built in)\n"
"      --debug[=OPTIONS]        Debug options (not built in)\n"
"      --no-mem-check           Disable memory checks (not built in)\n"
"  -v, --version                Print the version and exit\n"
"  -h, --help                   Print this help and exit\n");
}

void ka_print_version(FILE *out)
{
	struct utsname u;

	fprintf(out, "Keepalived v%s (%s)\n\n", KA_VERSION, KA_VERSION_DATE);
	fprintf(out, "A clean-room implementation of keepalived %s's interface:\n"
		"configuration language, command line, signals and files.\n"
		"It shares no code with the original keepalived by Alexandre Cassen.\n\n",
		KA_VERSION);
	if (uname(&u) == 0)
		fprintf(out, "Running on %s %s %s\n\n", u.sysname, u.release, u.version);
	fprintf(out, "Built with: libevent%s%s%s%s\n", ka_sd_feature(),
#ifdef HAVE_NFTNL
		" NFTABLES",
#else
		"",
#endif
#ifdef WITH_IPTABLES
		" IPTABLES",
#else
		"",
#endif
#ifdef HAVE_PCRE2
		" REGEX"
#else
		""
#endif
		);
}
