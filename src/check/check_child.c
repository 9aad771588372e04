/*
 * check_child.c - the health-checker child process, for now a shell
 * around its configuration: it takes the virtual servers of the inherited
 * tree, reports them, writes the data dump on USR1 and idles in the child
 * loop.  Checkers and IPVS plug into start()/stop() and the dump hook.
 */
#include "config.h"

#include <stdio.h>

#include <event2/event.h>

#include "childloop.h"
#include "conf.h"
#include "confdump.h"
#include "log.h"

bool check_child_wanted(const struct conf *conf)
{
	return conf_count(conf->root, "virtual_server") > 0 ||
	       conf_count(conf->root, "virtual_server_group") > 0;
}

static int check_start(const struct proc_ctx *ctx, struct event_base *base)
{
	(void)base;
	log_info("Healthcheck child started: %u virtual server(s)",
		 conf_count(ctx->conf->root, "virtual_server"));
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
}

static const struct child_ops check_ops = {
	.desc = &proc_table[PROC_CHECKER],
	.start = check_start,
	.data_file = "keepalived_check.data",
	.dump_data = check_dump_data,
};

int check_child_main(const struct proc_ctx *ctx)
{
	return child_loop_run(&check_ops, ctx);
}
