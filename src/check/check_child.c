/*
 * check_child.c - the health-checker child process.
 *
 * start(): build the typed model from the inherited tree (check_model.c),
 * set the start states (check_result.c), program the IPVS table
 * (check_ipvs.c) and start the checks (check_sched.c, one module per
 * kind: check_kind.h).  Outcomes flow kind -> ck_check_done() ->
 * ck_result() -> ck_ipvs_rs_changed().  stop() (TERM) stops the
 * checkers and removes the services unless -I (dont_release_ipvs).
 * reload() (HUP) builds the new model and applies the difference to the
 * running one (check_reload.c), so unchanged services, destinations and
 * checks are not touched; changed service options (a scheduler change
 * makes the kernel wait) are sent from a helper thread while the model
 * is still being built.  lvs_notify_fifo lines go through check_fifo.c.
 * The USR1 data dump prints the configuration and the run-time state.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check_dump.h"
#include "check_fifo.h"
#include "check_ipvs.h"
#include "check_model.h"
#include "check_reload.h"
#include "check_result.h"
#include "check_sched.h"
#include "check_smtp_alert.h"
#include "check_suspend.h"
#include "childloop.h"
#include "conf.h"
#include "confdump.h"
#include "log.h"
#include "options.h"

static struct ck_model *model;
static uint64_t *model_sigs;    /* check signatures of model (check_reload.h) */
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
	model_sigs = model ? ck_reload_signatures(model, ctx->conf) : NULL;
	if (!model || !model_sigs) {
		log_errx("Healthcheck child: out of memory building the model");
		return KA_EXIT_FATAL;
	}
	ck_fifo_open(base, ctx->conf);
	ck_alert_init(model, ctx->conf, base);      /* smtp_alert */
	ck_result_init(model);
	ck_ipvs_start(model, base);
	ck_suspend_watch(model, base);
	if (ck_suspend_start_checks(model, base) < 0) {
		log_errx("Healthcheck child: out of memory starting the checkers");
		return KA_EXIT_FATAL;
	}
	return 0;
}

static void drop_model(void)
{
	check_model_free(model);
	free(model_sigs);
	model = NULL;
	model_sigs = NULL;
}

static void check_stop(void)
{
	if (!model)
		return;
	ck_sched_stop_all(model);
	ck_suspend_close();
	ck_ipvs_stop(model, keep_ipvs);
	ck_fifo_close();
	drop_model();
}

/* HUP: build the new model (sending changed service options ahead),
 * apply the difference (check_reload.c), free the old model, which was
 * the last user of the old tree, and collect the early edits' answers.
 * When memory runs out, exit with the kernel table as it is: the
 * respawned child takes it over. */
static int check_reload(const struct proc_ctx *ctx, struct event_base *base)
{
	struct ck_reload_early *early =
		model ? ck_reload_early_begin(model, ck_ipvs_reload_svc_early) : NULL;
	struct ck_model *nw = check_model_build_each(ctx->conf, early ? ck_reload_early_vs : NULL,
						     early);
	size_t sent_early = ck_reload_early_end(early);
	uint64_t *sigs = nw ? ck_reload_signatures(nw, ctx->conf) : NULL;
	struct ck_reload_stats st;

	log_info("Reinitializing ipvs");
	log_hold();             /* the lines go out once the kernel has all the requests */
	if (!model) {           /* nothing runs (cannot happen after a start) */
		log_release();
		check_model_free(nw);
		free(sigs);
		return check_start(ctx, base);
	}
	if (nw)
		ck_suspend_watch(nw, base);
	if (!nw || !sigs || ck_reload_apply(model, model_sigs, nw, sigs, base, &st) < 0) {
		/* edits sent ahead stay: the respawned child takes the table over */
		ck_ipvs_reload_finish();
		log_release();
		log_errx("Healthcheck child: out of memory applying the new configuration");
		ck_suspend_close();
		check_model_free(nw);
		free(sigs);
		ck_sched_stop_all(model);
		ck_fifo_close();
		drop_model();
		return KA_EXIT_FAILURE;
	}
	drop_model();
	model = nw;
	ck_alert_init(model, ctx->conf, base);      /* smtp_alert */
	model_sigs = sigs;
	ck_fifo_reload(base, ctx->conf);
	ck_ipvs_reload_finish();
	log_release();
	if (st.svc_kept >= sent_early) {        /* edited ahead, then found unchanged */
		st.svc_kept -= sent_early;
		st.svc_edited += sent_early;
	}
	log_debug("Reload: virtual servers %zu kept, %zu added, %zu removed; services %zu kept, "
		  "%zu edited, %zu added, %zu removed; real servers %zu kept, %zu edited, %zu added, "
		  "%zu removed; checks %zu kept, %zu added, %zu removed",
		  st.vs_kept, st.vs_added, st.vs_removed, st.svc_kept, st.svc_edited, st.svc_added,
		  st.svc_removed, st.rs_kept, st.rs_edited, st.rs_added, st.rs_removed, st.ck_kept,
		  st.ck_added, st.ck_removed);
	return 0;
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
