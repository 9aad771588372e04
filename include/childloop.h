/*
 * childloop.h - the event loop every child process runs.
 *
 * A child describes itself with struct child_ops; child_loop_run() sets
 * up logging (ident, -g file with the child's suffix), a fresh libevent
 * base, the reaper, and the signals the parent forwards:
 *
 *   TERM/INT        stop: ops->stop(), leave the loop, exit 0
 *   HUP             reload: re-read the configuration file (the parent has
 *                   just validated it), and if it still loads without
 *                   errors hand the new tree to ops->reload(); the old
 *                   tree is freed afterwards.  A file that changed under
 *                   us and now has errors keeps the running configuration.
 *
 * A child whose state owns everything it needs from the tree sets
 * drop_conf: the tree is then freed as soon as start() or reload() has
 * returned, and the heap trimmed (malloc_trim), so the child does not keep
 * the whole configuration for its lifetime; its hooks see ctx->conf NULL
 * from then on.
 *   USR1            write ops->data_file   with ops->dump_data
 *   USR2            write ops->stats_file  with ops->dump_stats
 *   SIGRTMAX-1      (STATS_CLEAR) write stats, then ops->clear_stats
 *   SIGRTMIN+2      (JSON) write ops->json_file with ops->dump_json
 *
 * Dump files go to $TMPDIR (or /tmp) atomically.  A NULL file name or
 * hook means the child does not produce that report.
 */
#ifndef KA_CHILDLOOP_H
#define KA_CHILDLOOP_H

#include <stdio.h>

#include "proc.h"

struct event_base;

struct child_ops {
	const struct proc_desc *desc;
	/* Build the child's state from ctx->conf; return a KA_EXIT_* code
	 * other than 0 to exit at once (e.g. KA_EXIT_CONFIG). */
	int (*start)(const struct proc_ctx *ctx, struct event_base *base);
	void (*stop)(void);
	/* Apply a reloaded configuration: ctx->conf is the new tree.  The
	 * child must hold no reference to the previous tree when this
	 * returns (it is freed right after).  Return 0, or a KA_EXIT_* code
	 * to exit (the parent then respawns the child with the new tree). */
	int (*reload)(const struct proc_ctx *ctx, struct event_base *base);
	/* Free ctx->conf once start() / reload() has returned (see above). */
	bool drop_conf;
	const char *data_file, *stats_file, *json_file;
	void (*dump_data)(FILE *out, const struct proc_ctx *ctx);
	void (*dump_stats)(FILE *out, const struct proc_ctx *ctx);
	void (*dump_json)(FILE *out, const struct proc_ctx *ctx);
	void (*clear_stats)(void);
};

/* Run the child until told to stop; returns the exit status. */
int child_loop_run(const struct child_ops *ops, const struct proc_ctx *ctx);

/* The -g file name for a process: FILE with `suffix` inserted before the
 * last '.' of its base name (appended if there is none).  Returns a
 * malloc'd string, or NULL when file is NULL. */
char *child_log_file_name(const char *file, const char *suffix);

#endif
