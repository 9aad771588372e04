/*
 * supervise.h - start, watch, respawn and stop the child processes.
 *
 * The supervisor owns one slot per row of proc_table.  It forks a child
 * with the current configuration tree, writes the child's pid file,
 * watches it through the reaper and, when it dies unasked, restarts it
 * after a back-off (backoff.h: at once, then 1 s doubling to 60 s while
 * it keeps dying within 30 s of starting).  With -R, or when a child
 * exits with a permanent status (KA_EXIT_FATAL, KA_EXIT_CONFIG), it asks
 * the parent to stop through hooks->fatal.
 */
#ifndef KA_SUPERVISE_H
#define KA_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "proc.h"

struct event_base;
struct conf;
struct ka_options;

struct sup_hooks {
	void (*fatal)(int exit_code);   /* a child cannot be kept running */
	void (*all_stopped)(void);      /* after sup_stop_all(): no child left */
};

void sup_init(struct event_base *base, const struct ka_options *opts,
	      const struct sup_hooks *hooks, const char *const pidfiles[PROC_COUNT]);
/* Start every child this configuration needs (honours -P, -C, --all). */
void sup_start(const struct conf *conf);
/* Reload: from now on children get `conf`; running children that are
 * still needed get SIGHUP (they re-read the file and reload in place),
 * children no longer needed are stopped (SIGKILL if still there after
 * wait_usec), newly needed ones are started. */
void sup_reload(const struct conf *conf, uint64_t wait_usec);
/* The tree given to sup_start()/sup_reload() is about to be freed:
 * children forked from now on (respawns) read the file themselves. */
void sup_forget_conf(void);
/* Forward a signal to every running child. */
void sup_signal_all(int sig);
/* Orderly stop: TERM to every child, SIGKILL after wait_usec; calls
 * hooks->all_stopped (possibly at once) when none is left. */
void sup_stop_all(uint64_t wait_usec);
/* Write the process table (for the parent's data dump). */
void sup_dump(FILE *out);

#endif
