/*
 * vrrp_child.c - the VRRP child process, for now a shell around its
 * configuration: it takes its part of the inherited tree (instances, sync
 * groups, static addresses), reports it, answers the dump signals with
 * the configured values and idles in the child loop.  The protocol
 * engine plugs into start()/stop() and the dump hooks.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "childloop.h"
#include "conf.h"
#include "confdump.h"
#include "log.h"

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
	(void)base;
	log_info("VRRP child started: %u instance(s), %u sync group(s)",
		 conf_count(ctx->conf->root, "vrrp_instance"),
		 conf_count(ctx->conf->root, "vrrp_sync_group"));
	return 0;
}

static void vrrp_dump_data(FILE *out, const struct proc_ctx *ctx)
{
	confdump_globals(out, ctx->conf);
	fprintf(out, "------< VRRP Topology >------\n");
	confdump_blocks(out, ctx->conf, "vrrp_instance", "VRRP Instance");
	fprintf(out, "------< VRRP Sync groups >------\n");
	confdump_blocks(out, ctx->conf, "vrrp_sync_group", "VRRP Sync Group");
	fprintf(out, "------< VRRP scripts >------\n");
	confdump_blocks(out, ctx->conf, "vrrp_script", "VRRP Script");
	fprintf(out, "------< Static addresses and routes >------\n");
	confdump_blocks(out, ctx->conf, "static_ipaddress", "Static addresses");
	confdump_blocks(out, ctx->conf, "static_routes", "Static routes");
	confdump_blocks(out, ctx->conf, "static_rules", "Static rules");
}

static void vrrp_dump_stats(FILE *out, const struct proc_ctx *ctx)
{
	const struct conf_node *n;

	conf_foreach(n, ctx->conf->root) {
		if (!conf_node_name(n) || strcmp(conf_node_name(n), "vrrp_instance") || n->argc < 1)
			continue;
		fprintf(out, "VRRP Instance: %s\n", n->argv[0]);
		fprintf(out, "  (no counters yet: the VRRP engine is not running)\n");
	}
}

static void vrrp_dump_json(FILE *out, const struct proc_ctx *ctx)
{
	const struct conf_node *n;
	bool first = true;

	fputc('[', out);
	conf_foreach(n, ctx->conf->root) {
		if (!conf_node_name(n) || strcmp(conf_node_name(n), "vrrp_instance") || n->argc < 1)
			continue;
		fprintf(out, "%s{\"data\":{\"iname\":", first ? "" : ",");
		first = false;
		confdump_json_string(out, n->argv[0]);
		fprintf(out, ",\"config\":");
		confdump_json(out, n);
		fprintf(out, "},\"stats\":{}}");
	}
	fprintf(out, "]\n");
}

static const struct child_ops vrrp_ops = {
	.desc = &proc_table[PROC_VRRP],
	.start = vrrp_start,
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
