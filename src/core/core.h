/*
 * core.h - contracts between the files of the parent process (src/core).
 */
#ifndef KA_CORE_H
#define KA_CORE_H

#include <stdio.h>

#include "conf.h"
#include "daemon.h"
#include "options.h"

/* Load the configuration named by the options (-f, -i, -e), with host
 * checks.  Diagnostics go to `diag_out` as "FILE:LINE: message" lines when
 * it is not NULL, else to the log.  *ndiag counts them (may be NULL). */
struct conf *ka_load_config(const struct ka_options *o, FILE *diag_out, unsigned *ndiag);
/* The same, the tree built in shared region `region` (conf_load_opts.region). */
struct conf *ka_load_config_in(const struct ka_options *o, FILE *diag_out, unsigned *ndiag,
			       int region);

/* -d while running: write the canonical configuration to the log. */
void ka_log_config(const struct conf *conf);

/* The config file path in effect (-f or the default). */
const char *ka_config_path(const struct ka_options *o);
/* The same load with every diagnostic dropped (a child reloading: the
 * parent has already logged them). */
struct conf *ka_load_config_quiet(const struct ka_options *o);

/* -t: check the configuration and return the exit status. */
int ka_config_test(const struct ka_options *o);
/* -T/--genhash: execute the genhash program with this command line
 * (genhash_exec.c); returns only on failure, with an exit status. */
int ka_genhash_exec(char **argv);

/* Run the parent until stopped; takes ownership of `conf`; returns the
 * exit status. */
int parent_run(struct conf *conf, const struct ka_options *o, const struct ka_paths *paths);

#endif
