/*
 * confdump.c - render configuration blocks as text or JSON (confdump.h).
 *
 * This is the configured view only: what was written, per keyword, in
 * file order.  Subsystems replace it with their live state as they grow.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "confdump.h"

static void print_args(FILE *out, const struct conf_node *n)
{
	int i;

	for (i = 0; i < n->argc; i++)
		fprintf(out, "%s%s", i ? " " : "", n->argv[i]);
}

void confdump_text(FILE *out, const struct conf_node *block, int indent)
{
	const struct conf_node *n;

	conf_foreach(n, block) {
		fprintf(out, "%*s", indent, "");
		if (conf_node_name(n))
			fprintf(out, "%s%s", conf_node_name(n), n->argc ? " " : "");
		print_args(out, n);
		fputc('\n', out);
		if (n->child)
			confdump_text(out, n, indent + 2);
	}
}

static void json_chars(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

void confdump_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	json_chars(out, s);
	fputc('"', out);
}

/* A node's arguments as one JSON string, words separated by spaces. */
static void json_args(FILE *out, const struct conf_node *n)
{
	int i;

	fputc('"', out);
	for (i = 0; i < n->argc; i++) {
		if (i)
			fputc(' ', out);
		json_chars(out, n->argv[i]);
	}
	fputc('"', out);
}

void confdump_json(FILE *out, const struct conf_node *block)
{
	const struct conf_node *n;
	bool first = true, lines = false;

	fputc('{', out);
	conf_foreach(n, block) {
		if (!conf_node_name(n)) {
			lines = true;
			continue;
		}
		fprintf(out, "%s", first ? "" : ",");
		first = false;
		confdump_json_string(out, conf_node_name(n));
		fputc(':', out);
		if (n->child)
			confdump_json(out, n);
		else
			json_args(out, n);
	}
	if (lines) {
		fprintf(out, "%s\"lines\":[", first ? "" : ",");
		first = true;
		conf_foreach(n, block) {
			if (conf_node_name(n))
				continue;
			fprintf(out, "%s", first ? "" : ",");
			first = false;
			json_args(out, n);
		}
		fputc(']', out);
	}
	fputc('}', out);
}

void confdump_globals_heading(FILE *out)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
	fprintf(out, "------< Global definitions >------\n");
	fprintf(out, " Dump written = %s\n", stamp);
}

void confdump_global_defs(FILE *out, const struct conf *conf)
{
	const struct conf_node *n;

	conf_foreach(n, conf->root) {
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "global_defs"))
			confdump_text(out, n, 1);
	}
}

void confdump_globals(FILE *out, const struct conf *conf)
{
	confdump_globals_heading(out);
	confdump_global_defs(out, conf);
}

void confdump_blocks(FILE *out, const struct conf *conf, const char *name, const char *title)
{
	const struct conf_node *n;

	conf_foreach(n, conf->root) {
		if (!conf_node_name(n) || strcmp(conf_node_name(n), name))
			continue;
		fprintf(out, " %s = ", title);
		print_args(out, n);
		fputc('\n', out);
		confdump_text(out, n, 3);
	}
}
