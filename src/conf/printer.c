/*
 * printer.c - the canonical form of a configuration (-d, --dump-conf).
 *
 * Prints the tree after preprocessing, includes and checks: one keyword
 * per line, four spaces per block level, typed values in a normal form
 * (timers as decimal seconds, booleans as true/false, addresses as
 * inet_ntop prints them).  Words that the reader would split or
 * interpret are quoted.  Parsing the output again prints the same text;
 * tests/system/test_samples.py holds us to that.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "conf_internal.h"

static bool needs_quotes(const char *w)
{
	if (!*w)
		return true;
	for (const char *c = w; *c; c++)
		if (strchr(" \t\r\n\"'#!{}", *c) || (unsigned char)*c < 0x20)
			return true;
	return false;
}

static void print_word(FILE *out, const char *w)
{
	if (!needs_quotes(w)) {
		fputs(w, out);
	} else if (!strchr(w, '"')) {
		fprintf(out, "\"%s\"", w);
	} else if (!strchr(w, '\'')) {
		fprintf(out, "'%s'", w);
	} else {
		fputc('"', out);
		for (const char *c = w; *c; c++) {
			if (*c == '"')
				fputc('\\', out);
			fputc(*c, out);
		}
		fputc('"', out);
	}
}

static void print_timer(FILE *out, uint64_t usec)
{
	char frac[8];
	int len;

	fprintf(out, "%" PRIu64, usec / 1000000);
	if (usec % 1000000 == 0)
		return;
	len = snprintf(frac, sizeof(frac), "%06" PRIu64, usec % 1000000);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	fprintf(out, ".%s", frac);
}

static void print_addr(FILE *out, const struct conf_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(a->family, &a->a, buf, sizeof(buf));
	fputs(buf, out);
	if (a->has_plen)
		fprintf(out, "/%u", a->plen);
}

static void print_args(FILE *out, const struct conf_node *n, int from)
{
	for (int i = from; i < n->argc; i++) {
		fputc(' ', out);
		print_word(out, n->argv[i]);
	}
}

/* The value part of a keyword line, in normal form for typed kinds. */
static void print_value(FILE *out, const struct conf_node *n)
{
	switch (n->kw->kind) {
	case KV_FLAG:
		return;
	case KV_BOOL:
		fputs(n->val.b ? " true" : " false", out);
		return;
	case KV_INT:
		fprintf(out, " %" PRId64, n->val.i);
		return;
	case KV_TIMER:
		fputc(' ', out);
		print_timer(out, n->val.usec);
		return;
	case KV_ADDR:
		fputc(' ', out);
		print_addr(out, n->val.addr);
		return;
	case KV_ENUM:
		fputc(' ', out);
		print_word(out, n->kw->enums[n->val.i]);
		return;
	case KV_STR:                            /* extra words were ignored */
		fputc(' ', out);
		print_word(out, n->argv[0]);
		return;
	default:
		print_args(out, n, 0);
	}
}

static void print_indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("    ", out);
}

static void print_nodes(FILE *out, const struct conf_node *first, int depth)
{
	for (const struct conf_node *n = first; n; n = n->next) {
		print_indent(out, depth);
		if (!n->kw) {                        /* a line of a value list */
			print_word(out, n->argv[0]);
			print_args(out, n, 1);
			fputc('\n', out);
			continue;
		}
		fputs(conf_node_name(n), out);
		print_value(out, n);
		if (n->kw->kind == KV_BLOCK || n->kw->kind == KV_LIST) {
			fputs(" {\n", out);
			print_nodes(out, n->child, depth + 1);
			print_indent(out, depth);
			fputs("}", out);
		}
		fputc('\n', out);
	}
}

void conf_print(const struct conf *conf, FILE *out)
{
	print_nodes(out, conf->root->child, 0);
}
