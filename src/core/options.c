/*
 * options.c - the command line of keepalived 2.2.7, as a pure parser.
 *
 * One getopt_long table carries every short and long option of 2.2.7's
 * --help and keepalived(8).  Parsing only records what was asked; it never
 * exits and never touches the system.  Mistakes that 2.2.7 treats as fatal
 * (unknown option, missing argument) make ka_options_parse() fail; those it
 * only warns about (bad -S facility, bad -u mask, stray words) are reported
 * and parsing goes on, as the reference does.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"

enum long_only {
	OPT_ALL = 0x100,
	OPT_SIGNUM,
	OPT_FLUSH_LOG,
	OPT_PERF,
	OPT_DEBUG,
	OPT_NO_MEM_CHECK,
};

static const char short_opts[] = ":f:PCBlDS:g:Gu:XVIRndp:r:c:Tab:xA:s:mM::ei:t::vh";

static const struct option long_opts[] = {
	{ "use-file",           required_argument, NULL, 'f' },
	{ "vrrp",               no_argument,       NULL, 'P' },
	{ "check",              no_argument,       NULL, 'C' },
	{ "no_bfd",             no_argument,       NULL, 'B' },
	{ "all",                no_argument,       NULL, OPT_ALL },
	{ "log-console",        no_argument,       NULL, 'l' },
	{ "log-detail",         no_argument,       NULL, 'D' },
	{ "log-facility",       required_argument, NULL, 'S' },
	{ "log-file",           required_argument, NULL, 'g' },
	{ "flush-log-file",     no_argument,       NULL, OPT_FLUSH_LOG },
	{ "no-syslog",          no_argument,       NULL, 'G' },
	{ "umask",              required_argument, NULL, 'u' },
	{ "release-vips",       no_argument,       NULL, 'X' },
	{ "dont-release-vrrp",  no_argument,       NULL, 'V' },
	{ "dont-release-ipvs",  no_argument,       NULL, 'I' },
	{ "dont-respawn",       no_argument,       NULL, 'R' },
	{ "dont-fork",          no_argument,       NULL, 'n' },
	{ "dump-conf",          no_argument,       NULL, 'd' },
	{ "pid",                required_argument, NULL, 'p' },
	{ "vrrp_pid",           required_argument, NULL, 'r' },
	{ "checkers_pid",       required_argument, NULL, 'c' },
	{ "genhash",            no_argument,       NULL, 'T' },
	{ "address-monitoring", no_argument,       NULL, 'a' },
	{ "bfd_pid",            required_argument, NULL, 'b' },
	{ "snmp",               no_argument,       NULL, 'x' },
	{ "snmp-agent-socket",  required_argument, NULL, 'A' },
	{ "namespace",          required_argument, NULL, 's' },
	{ "core-dump",          no_argument,       NULL, 'm' },
	{ "core-dump-pattern",  optional_argument, NULL, 'M' },
	{ "all-config",         no_argument,       NULL, 'e' },
	{ "config-id",          required_argument, NULL, 'i' },
	{ "signum",             required_argument, NULL, OPT_SIGNUM },
	{ "config-test",        optional_argument, NULL, 't' },
	{ "perf",               optional_argument, NULL, OPT_PERF },
	{ "debug",              optional_argument, NULL, OPT_DEBUG },
	{ "no-mem-check",       no_argument,       NULL, OPT_NO_MEM_CHECK },
	{ "version",            no_argument,       NULL, 'v' },
	{ "help",               no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void ka_options_init(struct ka_options *o)
{
	memset(o, 0, sizeof(*o));
	o->umask_val = -1;
}

static void set_umask(struct ka_options *o, const char *arg, FILE *err)
{
	char *end;
	long v = strtol(arg, &end, 0);

	if (*arg == '\0' || *end != '\0' || v < 0 || v > 0777) {
		fprintf(err, "Invalid --umask option %s\n", arg);
		return;
	}
	o->umask_val = (int)v;
}

static void set_facility(struct ka_options *o, const char *arg, FILE *err)
{
	int f = log_parse_facility(arg);

	if (f < 0)
		fprintf(err, "Invalid log facility '%s'\n", arg);
	else
		o->log_facility = f;
}

/* Options whose value is a plain string or a flag. */
static bool set_simple(struct ka_options *o, int c, const char *arg)
{
	switch (c) {
	case 'f': o->conf_file = arg; break;
	case 'P': o->vrrp_only = true; break;
	case 'C': o->check_only = true; break;
	case 'B': o->no_bfd = true; break;
	case OPT_ALL: o->all_children = true; break;
	case 'l': o->log_console = true; break;
	case 'D': o->log_detail = true; break;
	case 'g': o->log_file = arg; break;
	case OPT_FLUSH_LOG: o->flush_log_file = true; break;
	case 'G': o->no_syslog = true; break;
	case 'X': o->release_vips = true; break;
	case 'V': o->dont_release_vrrp = true; break;
	case 'I': o->dont_release_ipvs = true; break;
	case 'R': o->dont_respawn = true; break;
	case 'n': o->dont_fork = true; break;
	case 'd': o->dump_conf = true; break;
	case 'p': o->pid_file = arg; break;
	case 'r': o->vrrp_pid_file = arg; break;
	case 'c': o->checkers_pid_file = arg; break;
	case 'b': o->bfd_pid_file = arg; break;
	case 'T': o->genhash = true; break;
	case 'a': o->address_monitoring = true; break;
	case 'x': o->snmp = true; break;
	case 'A': o->snmp_socket = arg; break;
	case 's': o->namespace_name = arg; break;
	case 'm': o->core_dump = true; break;
	case 'e': o->all_config = true; break;
	case 'i': o->config_id = arg; break;
	case OPT_SIGNUM: o->signum = arg; break;
	case OPT_NO_MEM_CHECK: o->no_mem_check = true; break;
	case 'v': o->version = true; break;
	case 'h': o->help = true; break;
	default: return false;
	}
	return true;
}

static void set_optional(struct ka_options *o, int c, const char *arg)
{
	switch (c) {
	case 'M':
		o->core_dump = true;
		o->core_pattern = arg ? arg : "core";
		break;
	case 't':
		o->config_test = true;
		o->config_test_log = arg;
		break;
	case OPT_PERF:
		o->perf = arg ? arg : "run";
		break;
	case OPT_DEBUG:
		o->debug = arg ? arg : "";
		break;
	}
}

/* The option getopt complained about, as the user wrote it. */
static void name_bad_option(FILE *err, const char *what, char *const argv[], int idx, int optc)
{
	const char *word = idx > 0 ? argv[idx - 1] : NULL;

	if (word && word[0] == '-' && word[1] == '-')
		fprintf(err, "%s %.*s\n", what, (int)strcspn(word, "="), word);
	else if (optc > 0 && optc < 0x100)
		fprintf(err, "%s -%c\n", what, optc);
	else
		fprintf(err, "%s %s\n", what, word ? word : "?");
}

int ka_options_parse(struct ka_options *o, int argc, char *const argv[], FILE *err)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case '?':
			name_bad_option(err, "Unknown option", argv, optind, optopt);
			return -1;
		case ':':
			name_bad_option(err, "Missing parameter for option", argv, optind, optopt);
			return -1;
		case 'S':
			set_facility(o, optarg, err);
			break;
		case 'u':
			set_umask(o, optarg, err);
			break;
		case 'M': case 't': case OPT_PERF: case OPT_DEBUG:
			set_optional(o, c, optarg);
			break;
		default:
			set_simple(o, c, optarg);
			break;
		}
	}
	if (optind < argc) {
		fprintf(err, "Unexpected argument(s):");
		for (; optind < argc; optind++)
			fprintf(err, " %s", argv[optind]);
		fprintf(err, "\n");
	}
	return 0;
}

struct unbuilt {
	bool given;
	const char *option;
	const char *subsystem;
};

void ka_options_report_unbuilt(const struct ka_options *o, FILE *err)
{
	const struct unbuilt list[] = {
		{ o->no_bfd, "-B/--no_bfd", "BFD support (there is no BFD process to disable)" },
		{ o->bfd_pid_file != NULL, "-b/--bfd_pid", "BFD support" },
		{ o->snmp, "-x/--snmp", "SNMP support" },
		{ o->snmp_socket != NULL, "-A/--snmp-agent-socket", "SNMP support" },
		{ o->namespace_name != NULL, "-s/--namespace", "Network namespace support" },
		{ o->address_monitoring, "-a/--address-monitoring", "Netlink address monitoring" },
		{ o->perf != NULL, "--perf", "perf recording" },
		{ o->debug != NULL, "--debug", "Debug option support" },
		{ o->no_mem_check, "--no-mem-check", "Memory checking (so there is nothing to disable)" },
	};
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (list[i].given)
			fprintf(err, "keepalived: %s: %s is not built into this keepalived yet\n",
				list[i].option, list[i].subsystem);
}

int ka_sigfunc_number(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "STOP"))
		return SIGTERM;
	if (!strcmp(name, "RELOAD"))
		return SIGHUP;
	if (!strcmp(name, "DATA"))
		return SIGUSR1;
	if (!strcmp(name, "STATS"))
		return SIGUSR2;
	if (!strcmp(name, "STATS_CLEAR"))
		return SIGRTMAX - 1;
	if (!strcmp(name, "JSON"))
		return SIGRTMIN + 2;
	return -1;
}
