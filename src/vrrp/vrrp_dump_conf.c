/*
 * vrrp_dump_conf.c - the configuration sections of keepalived.data,
 * rendered once per tree (see vrrp_dump_conf.h).
 *
 * Both texts are written with confdump's functions into memory streams;
 * a stream that cannot be opened leaves its section empty.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "confdump.h"
#include "vrrp_dump_conf.h"

static struct {
	char *globals;               /* confdump_global_defs() */
	char *blocks;                /* the sections after the instances */
} kept;

static void render_blocks(FILE *out, const struct conf *conf)
{
	fprintf(out, "------< VRRP Sync groups >------\n");
	confdump_blocks(out, conf, "vrrp_sync_group", "VRRP Sync Group");
	fprintf(out, "------< VRRP scripts >------\n");
	confdump_blocks(out, conf, "vrrp_script", "VRRP Script");
	fprintf(out, "------< Static addresses and routes >------\n");
	confdump_blocks(out, conf, "static_ipaddress", "Static addresses");
	confdump_blocks(out, conf, "static_routes", "Static routes");
	confdump_blocks(out, conf, "static_rules", "Static rules");
}

/* The text fn prints from conf, malloc'd; NULL when out of memory. */
static char *render(void (*fn)(FILE *, const struct conf *), const struct conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return NULL;
	fn(mem, conf);
	if (fclose(mem) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

void vrrp_dump_conf_free(void)
{
	free(kept.globals);
	free(kept.blocks);
	kept.globals = kept.blocks = NULL;
}

void vrrp_dump_conf_keep(const struct conf *conf)
{
	vrrp_dump_conf_free();
	kept.globals = render(confdump_global_defs, conf);
	kept.blocks = render(render_blocks, conf);
}

void vrrp_dump_conf_globals(FILE *out)
{
	confdump_globals_heading(out);
	if (kept.globals)
		fputs(kept.globals, out);
}

void vrrp_dump_conf_blocks(FILE *out)
{
	if (kept.blocks)
		fputs(kept.blocks, out);
}
