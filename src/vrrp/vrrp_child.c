/*
 * vrrp_child.c - the VRRP child process: the child loop around the VRRP
 * engine (vrrp_engine.h).  start() builds and starts the instances from
 * the inherited tree, stop() (TERM) takes every instance to STOP, and the
 * dump hooks print the running instances (vrrp_dump.h) after the
 * configured globals.  Nothing refers to the tree once start() or reload()
 * has returned (the model owns its strings, the dump keeps its
 * configuration sections as text: vrrp_dump_conf.h), so the child loop
 * frees it then (drop_conf): with 1,000 instances that is most of the
 * child's heap.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "childloop.h"
#include "conf.h"
#include "log.h"
#include "smtp_alert.h"
#include "options.h"
#include "vrrp_dump.h"
#include "vrrp_dump_conf.h"
#include "vrrp_engine.h"
#include "vrrp_fifo.h"
#include "vrrp_lvs_syncd.h"
#include "vrrp_rt.h"
#include "vrrp_runas.h"

/* Top-level blocks that need the VRRP child (without --all). */
static const char *const vrrp_blocks[] = {
	"vrrp_instance", "vrrp_sync_group", "static_ipaddress", "static_routes",
	"static_rules", NULL,
};

bool vrrp_child_wanted(const struct conf *conf)
{
	size_t i;

	for (i = 0; vrrp_blocks[i]; i++)
		if (conf_count(conf->root, vrrp_blocks[i]) > 0)
			return true;
	return false;
}

static int vrrp_start(const struct proc_ctx *ctx, struct event_base *base)
{
	int r;

	smtp_alert_init(ctx->conf, base);      /* smtp_alert */
	vrrp_dump_conf_keep(ctx->conf);        /* the data dump's configuration sections */
	log_info("VRRP child started: %u instance(s), %u sync group(s)",
		 conf_count(ctx->conf->root, "vrrp_instance"),
		 conf_count(ctx->conf->root, "vrrp_sync_group"));
	/* ops: script users, notify FIFOs; after the instances started, the
	 * startup delay and the process settings (RT scheduling only once the
	 * long non-blocking start is over: RLIMIT_RTTIME would kill it) */
	vrrp_runas_init(ctx->conf);
	vrrp_fifo_open(base, ctx->conf);
	r = vrrp_engine_start(base, ctx->conf, ctx->opts && ctx->opts->dont_release_vrrp);
	if (r == 0) {
		vrrp_rt_startup_delay(vrrp_engine_instances(), ctx->conf);
		vrrp_rt_apply(ctx->conf);
		vrrp_lvs_syncd_setup(ctx->conf, vrrp_engine_instances());
	}
	return r;
}

static int vrrp_reload(const struct proc_ctx *ctx, struct event_base *base)
{
	int r;

	vrrp_dump_conf_keep(ctx->conf);
	smtp_alert_init(ctx->conf, base);      /* the new smtp_server and recipients, as 2.2.7 */
	vrrp_runas_init(ctx->conf);            /* ops: the new tree's script_user */
	vrrp_fifo_reload(base, ctx->conf);     /* ops: FIFOs and scripts restarted, as 2.2.7 */
	r = vrrp_engine_reload(ctx->conf);
	if (r == 0) {
		vrrp_lvs_syncd_setup(ctx->conf, vrrp_engine_instances());
		vrrp_fifo_states_on_reload(vrrp_engine_instances(), ctx->conf);  /* ops */
	}
	return r;
}

static void vrrp_stop(void)
{
	vrrp_fifo_stop_scripts();      /* ops: 2.2.7 TERMs FIFO scripts before the STOP lines */
	vrrp_engine_stop();
	vrrp_lvs_syncd_stop();
	vrrp_fifo_close();             /* ops */
	vrrp_dump_conf_free();
}

static void vrrp_clear_stats(void)
{
	struct vrrp_inst *in;

	for (in = vrrp_engine_instances(); in; in = in->next)
		vrrp_inst_clear_stats(in);
}

static void vrrp_dump_data(FILE *out, const struct proc_ctx *ctx)
{
	(void)ctx;                     /* ctx->conf is NULL: dropped after start */
	vrrp_dump_conf_globals(out);
	vrrp_dump_instances(out, vrrp_engine_instances());
	vrrp_dump_conf_blocks(out);
}

static void vrrp_dump_stats(FILE *out, const struct proc_ctx *ctx)
{
	(void)ctx;
	vrrp_dump_stats_of(out, vrrp_engine_instances());
}

static void vrrp_dump_json(FILE *out, const struct proc_ctx *ctx)
{
	(void)ctx;
	vrrp_dump_json_of(out, vrrp_engine_instances());
}

static const struct child_ops vrrp_ops = {
	.desc = &proc_table[PROC_VRRP],
	.start = vrrp_start,
	.stop = vrrp_stop,
	.reload = vrrp_reload,
	.drop_conf = true,
	.clear_stats = vrrp_clear_stats,
	.data_file = "keepalived.data",
	.stats_file = "keepalived.stats",
	.json_file = "keepalived.json",
	.dump_data = vrrp_dump_data,
	.dump_stats = vrrp_dump_stats,
	.dump_json = vrrp_dump_json,
};

int vrrp_child_main(const struct proc_ctx *ctx)
{
	return child_loop_run(&vrrp_ops, ctx);
}
