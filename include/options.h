/*
 * options.h - keepalived's command line, parsed into one plain struct.
 *
 * The parser (src/core/options.c) is pure: it fills struct ka_options from
 * argv with getopt_long, writes its complaints to the FILE it is given and
 * never exits, so unit tests drive it directly.  main.c decides what to do
 * (print usage, exit codes); the children receive the same struct across
 * fork() and read their flags (-X, -V, -I, -a ...) from it.
 */
#ifndef KA_OPTIONS_H
#define KA_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct ka_options {
	const char *conf_file;          /* -f; NULL: the built-in default */
	bool vrrp_only;                 /* -P */
	bool check_only;                /* -C */
	bool no_bfd;                    /* -B */
	bool all_children;              /* --all */
	bool log_console;               /* -l */
	bool log_detail;                /* -D */
	int log_facility;               /* -S, already a LOG_* value; 0: default */
	const char *log_file;           /* -g / --log-file */
	bool flush_log_file;            /* --flush-log-file */
	bool no_syslog;                 /* -G */
	int umask_val;                  /* -u; -1 when not given */
	bool release_vips;              /* -X */
	bool dont_release_vrrp;         /* -V */
	bool dont_release_ipvs;         /* -I */
	bool dont_respawn;              /* -R */
	bool dont_fork;                 /* -n */
	bool dump_conf;                 /* -d */
	const char *pid_file;           /* -p */
	const char *vrrp_pid_file;      /* -r */
	const char *checkers_pid_file;  /* -c */
	const char *bfd_pid_file;       /* -b */
	bool genhash;                   /* -T */
	bool address_monitoring;        /* -a */
	bool snmp;                      /* -x */
	const char *snmp_socket;        /* -A */
	const char *namespace_name;     /* -s */
	bool core_dump;                 /* -m (and -M) */
	const char *core_pattern;       /* -M; "core" when given without a value */
	bool all_config;                /* -e */
	const char *config_id;          /* -i */
	const char *signum;             /* --signum=SIGFUNC */
	bool config_test;               /* -t */
	const char *config_test_log;    /* -t=FILE */
	const char *perf;               /* --perf[=all|run|end]; "run" when bare */
	const char *debug;              /* --debug[=OPTS]; "" when bare */
	bool no_mem_check;              /* --no-mem-check */
	bool version;                   /* -v */
	bool help;                      /* -h */
};

/* Set every field to its "not given" value. */
void ka_options_init(struct ka_options *o);

/* Parse argv.  Returns 0 on success; on an unknown option, a missing or
 * malformed argument or a stray word, writes one line to `err` ("Unknown
 * option --foo", "Missing parameter for option -f", ...) and returns -1. */
int ka_options_parse(struct ka_options *o, int argc, char *const argv[], FILE *err);

/* Print the usage text (-h) for program name `prog`. */
void ka_options_usage(FILE *out, const char *prog);

/* Tell the operator, one line each on `err`, about given options whose
 * subsystem is not built into this keepalived (they are then ignored).
 * (-T never gets here: main() hands such a command line to genhash.) */
void ka_options_report_unbuilt(const struct ka_options *o, FILE *err);

/* --signum: the signal number for a SIGFUNC name (STOP, RELOAD, DATA,
 * STATS, STATS_CLEAR, JSON), or -1 for an unknown name. */
int ka_sigfunc_number(const char *name);

#endif
