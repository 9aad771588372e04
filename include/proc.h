/*
 * proc.h - the process graph of keepalived, declared as a table.
 *
 *   parent ("Keepalived")          src/core: options, config, supervise
 *     +- VRRP child ("Keepalived_vrrp")              src/vrrp/vrrp_child.c
 *     +- checker child ("Keepalived_healthcheckers") src/check/check_child.c
 *
 * The parent loads the configuration and forks the children; each child
 * inherits the parsed tree (struct proc_ctx); at reload it takes the
 * tree the parent has checked (reload_blob.h) or reads the file again
 * (childloop.h).  A child's entry point returns its exit
 * status; the codes below tell the parent whether restarting it makes
 * sense.
 */
#ifndef KA_PROC_H
#define KA_PROC_H

#include <stdbool.h>

struct conf;
struct ka_options;

/* Exit statuses of children (and of the parent, see keepalived(8)). */
enum ka_exit {
	KA_EXIT_OK = 0,
	KA_EXIT_FAILURE = 1,     /* generic failure: respawned */
	KA_EXIT_FATAL = 2,       /* cannot initialise: permanent, parent stops */
	KA_EXIT_CONFIG = 3,      /* configuration cannot run: permanent, parent stops */
};

/* What a child receives from the parent across fork(). */
struct proc_ctx {
	const struct conf *conf;
	const struct ka_options *opts;
	const char *pidfile;         /* the child's own pid file, removed at exit */
};

enum proc_id { PROC_VRRP, PROC_CHECKER, PROC_COUNT };

struct proc_desc {
	enum proc_id id;
	const char *name;            /* in log lines: "VRRP", "Healthcheck" */
	const char *ident;           /* syslog ident */
	const char *log_suffix;      /* inserted into the -g file name: "_vrrp" */
	/* Does this configuration need the child (without --all)? */
	bool (*wanted)(const struct conf *conf);
	/* Entry point in the forked child; returns the exit status. */
	int (*main)(const struct proc_ctx *ctx);
};

extern const struct proc_desc proc_table[PROC_COUNT];

/* Child entry points and their "is there configuration for me" tests. */
int vrrp_child_main(const struct proc_ctx *ctx);
bool vrrp_child_wanted(const struct conf *conf);
int check_child_main(const struct proc_ctx *ctx);
bool check_child_wanted(const struct conf *conf);

#endif
