/*
 * check_child.c - the health-checker child process.
 *
 * start(): build the typed model from the inherited tree (check_model.c),
 * set the start states (check_result.c), program the IPVS table
 * (check_ipvs.c) and start the checks (check_sched.c, one module per
 * kind: check_kind.h).  Outcomes flow kind -> ck_check_done() ->
 * ck_result() -> ck_ipvs_rs_changed().  stop() (TERM) stops the
 * checkers and removes the services unless -I (dont_release_ipvs).  The
 * USR1 data dump prints the configuration and the run-time state.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_dump.h"
#include "check_ipvs.h"
#include "check_model.h"
#include "check_result.h"
#include "check_sched.h"
#include "childloop.h"
#include "conf.h"
#include "confdump.h"
#include "log.h"
#include "options.h"

static struct ck_model *model;
static bool keep_ipvs;

bool check_child_wanted(const struct conf *conf)
{
	return conf_count(conf->root, "virtual_server") > 0 ||
	       conf_count(conf->root, "virtual_server_group") > 0;
}

static int check_start(const struct proc_ctx *ctx, struct event_base *base)
{
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	keep_ipvs = ctx->opts && ctx->opts->dont_release_ipvs;
	model = check_model_build(ctx->conf);
	if (!model) {
		log_errx("Healthcheck child: out of memory building the model");
		return KA_EXIT_FATAL;
	}
	ck_result_init(model);
	ck_ipvs_start(model, base);
	if (ck_sched_start_all(model, base) < 0) {
		log_errx("Healthcheck child: out of memory starting the checkers");
		return KA_EXIT_FATAL;
	}
	return 0;
}

static void check_stop(void)
{
	if (!model)
		return;
	ck_sched_stop_all(model);
	ck_ipvs_stop(model, keep_ipvs);
	check_model_free(model);
	model = NULL;
}

/* Interim reload: rebuild everything with the new tree (the IPVS table is
 * re-created).  To be replaced by the diff of check_reload.c. */
static int check_reload(const struct proc_ctx *ctx, struct event_base *base)
{
	check_stop();
	return check_start(ctx, base);
}

static void check_dump_data(FILE *out, const struct proc_ctx *ctx)
{
	confdump_globals(out, ctx->conf);
	fprintf(out, "------< SSL definitions >------\n");
	confdump_blocks(out, ctx->conf, "SSL", "SSL");
	fprintf(out, "------< LVS Topology >------\n");
	confdump_blocks(out, ctx->conf, "virtual_server_group", "Virtual Server Group");
	confdump_blocks(out, ctx->conf, "virtual_server", "Virtual Server");
	ck_dump_state(out, model);
}

static const struct child_ops check_ops = {
	.desc = &proc_table[PROC_CHECKER],
	.start = check_start,
	.stop = check_stop,
	.reload = check_reload,
	.data_file = "keepalived_check.data",
	.dump_data = check_dump_data,
};

int check_child_main(const struct proc_ctx *ctx)
{
	return child_loop_run(&check_ops, ctx);
}
