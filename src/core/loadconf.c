/*
 * loadconf.c - loading the configuration for the parent (start, reload,
 * -t) and -d printing into the log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "log.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

struct diag_sink {
	FILE *out;
	unsigned count;
};

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	struct diag_sink *sink = arg;

	sink->count++;
	if (sink->out) {
		if (src && src->file)
			fprintf(sink->out, "%s:%u: %s\n", conf_file_name(src->file), src->line,
				msg);
		else
			fprintf(sink->out, "%s\n", msg);
		fflush(sink->out);
	} else if (src && src->file) {
		log_message(prio, "%s:%u: %s", conf_file_name(src->file), src->line, msg);
	} else {
		log_message(prio, "%s", msg);
	}
}

const char *ka_config_path(const struct ka_options *o)
{
	return o->conf_file ? o->conf_file : SYSCONFDIR "/keepalived/keepalived.conf";
}

struct conf *ka_load_config(const struct ka_options *o, FILE *diag_out, unsigned *ndiag)
{
	return ka_load_config_in(o, diag_out, ndiag, 0);
}

struct conf *ka_load_config_in(const struct ka_options *o, FILE *diag_out, unsigned *ndiag,
			       int region)
{
	struct diag_sink sink = { .out = diag_out };
	struct conf_load_opts lo = {
		.path = ka_config_path(o),
		.config_id = o->config_id,
		.all_config = o->all_config,
		.check_system = true,
		.diag = diag,
		.diag_arg = &sink,
		.region = region,
	};
	struct conf *conf = conf_load(&lo);

	if (ndiag)
		*ndiag = sink.count;
	return conf;
}

static void count_only(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)prio;
	(void)src;
	(void)msg;
	((struct diag_sink *)arg)->count++;
}

struct conf *ka_load_config_quiet(const struct ka_options *o)
{
	struct diag_sink sink = { 0 };
	struct conf_load_opts lo = {
		.path = ka_config_path(o),
		.config_id = o->config_id,
		.all_config = o->all_config,
		.check_system = true,
		.diag = count_only,
		.diag_arg = &sink,
	};

	return conf_load(&lo);
}

void ka_log_config(const struct conf *conf)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return;
	conf_print(conf, mem);
	fclose(mem);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_info("%s", line);
	free(buf);
}
