/*
 * preproc_include.c - "include FILE" and its variants, and include_check.
 *
 * An include pattern is split into its csh brace alternatives here (so that
 * brace_match can tell which alternative matched nothing), each alternative
 * is made relative to the including file's directory and expanded with
 * glob(3); the matches, in order, are handed back to preproc.c, which
 * opens them one after the other.
 *
 * Checks, as 2.2.7 applies them (observed with keepalived -t):
 *   readable        a match that is a directory or cannot be read
 *   match           a pattern without wildcards (or whose directory is
 *                   missing) matches nothing
 *   wildcard_match  a wildcard pattern matches nothing in an existing
 *                   directory (silent without this check)
 *   brace_match     some or all brace alternatives match nothing (with
 *                   braces, "match" does not apply)
 * includer = readable, includem = match, includew = match + wildcard_match,
 * includeb = brace_match, includea and -e = everything; the variants imply
 * readable (include_check: see include_check()).  "readable" is unknown to
 * 2.2.7 and reported as such here too.  A failed check is a conf_err() and
 * sets ->failed (2.2.7's -t then exits 6); otherwise a warning.
 */
#include <glob.h>
#include <string.h>
#include <sys/stat.h>

#include "preproc_int.h"

#define PP_MAX_PATTERN 4096

void pp_paths_free(struct pp_paths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->path[i]);
	free(p->path);
	p->path = NULL;
	p->n = p->next = 0;
}

static void paths_add(struct pp_paths *p, const char *s)
{
	p->path = realloc(p->path, (p->n + 1) * sizeof(*p->path));
	if (!p->path || !(p->path[p->n] = strdup(s)))
		abort();
	p->n++;
}

/* ---- brace expansion ------------------------------------------------------ */

/* First "{...}" with its matching '}' (backslash escapes skipped). */
static bool find_braces(const char *s, const char **open, const char **close)
{
	const char *p, *q;
	int depth;

	for (p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '{')
			continue;
		for (q = p + 1, depth = 0; *q; q++) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '{')
				depth++;
			else if (*q == '}' && depth-- == 0)
				break;
		}
		if (*q) {
			*open = p;
			*close = q;
			return true;
		}
	}
	return false;
}

/* Push prefix + each top-level part of {open..close} + suffix, last first. */
static bool push_parts(struct pp_paths *stack, const char *s, const char *open,
		       const char *close, size_t *budget)
{
	const char *parts[PP_MAX_BRACE_ALTS];
	size_t np = 0, i;
	const char *p;
	int depth = 0;
	struct pp_buf b = { 0 };

	parts[np++] = open + 1;
	for (p = open + 1; p < close; p++) {
		if (*p == '\\' && p + 1 < close)
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}')
			depth--;
		else if (*p == ',' && depth == 0) {
			if (np == PP_MAX_BRACE_ALTS)
				return false;
			parts[np++] = p + 1;
		}
	}
	if (np > *budget)
		return false;
	*budget -= np;
	for (i = np; i-- > 0;) {
		const char *end = i + 1 < np ? parts[i + 1] - 1 : close;

		pp_buf_reset(&b);
		pp_buf_add(&b, s, (size_t)(open - s));
		pp_buf_add(&b, parts[i], (size_t)(end - parts[i]));
		pp_buf_add(&b, close + 1, strlen(close + 1));
		paths_add(stack, b.s);
	}
	pp_buf_free(&b);
	return true;
}

bool pp_brace_expand(const char *pat, char ***alts, size_t *n)
{
	struct pp_paths stack = { 0 }, out = { 0 };
	size_t budget = 4 * PP_MAX_BRACE_ALTS;
	const char *open, *close;
	char *s;
	bool ok = true;

	paths_add(&stack, pat);
	while (ok && stack.n) {
		s = stack.path[--stack.n];
		if (!find_braces(s, &open, &close)) {
			if (out.n == PP_MAX_BRACE_ALTS)
				ok = false;
			else
				paths_add(&out, s);
		} else {
			ok = push_parts(&stack, s, open, close, &budget);
		}
		free(s);
	}
	pp_paths_free(&stack);
	if (!ok) {
		pp_paths_free(&out);
		return false;
	}
	*alts = out.path;
	*n = out.n;
	return true;
}

/* ---- include_check options ---------------------------------------------------- */

static unsigned check_bit(const char *w)
{
	if (strcmp(w, "match") == 0)
		return PP_INC_MATCH;
	if (strcmp(w, "wildcard_match") == 0)
		return PP_INC_WILDCARD;
	if (strcmp(w, "brace_match") == 0)
		return PP_INC_BRACE;
	return 0;
}

/* "include_check [OPTION...]" as 2.2.7 reads it: no option means all;
 * "x" adds x and readable, "+x" adds only x, "-x" removes only x; a list
 * starting with +/- modifies the current setting, otherwise replaces it;
 * a plain option after a +/- one is refused. */
static void include_check(struct conf_ctx *ctx, const struct conf_src *src,
			  const struct conf_tokens *t, unsigned *checks)
{
	size_t i;
	unsigned v = 0, bit;
	bool signed_seen = false;
	const char *w;

	if (t->n == 1) {
		*checks = PP_INC_ALL;
		return;
	}
	if (t->tok[1].text[0] == '+' || t->tok[1].text[0] == '-')
		v = *checks;
	for (i = 1; i < t->n; i++) {
		w = t->tok[i].text;
		bit = check_bit(w + (*w == '+' || *w == '-'));
		if (!bit || (signed_seen && *w != '+' && *w != '-'))
			conf_err(ctx, src, "Unknown include_check type '%s' - ignoring", w);
		else if (*w == '-')
			v &= ~bit;
		else if (*w == '+')
			v |= bit;
		else
			v |= bit | PP_INC_READABLE;
		signed_seen |= *w == '+' || *w == '-';
	}
	*checks = v;
}

/* ---- resolving a pattern ------------------------------------------------------- */

static void add_escaped(struct pp_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("*?[]{}\\", *s))
			pp_buf_addc(b, '\\');
		pp_buf_addc(b, *s);
	}
}

/* alt made relative to dir (escaped for glob) into b. */
static void full_pattern(struct pp_buf *b, const char *dir, const char *alt)
{
	pp_buf_reset(b);
	pp_buf_add(b, "", 0);
	if (alt[0] != '/' && dir) {
		add_escaped(b, dir);
		pp_buf_addc(b, '/');
	}
	pp_buf_add(b, alt, strlen(alt));
}

/* Glob one alternative into out; returns the number of matches. */
static size_t glob_one(const char *dir, const char *alt, struct pp_paths *out)
{
	struct pp_buf full = { 0 };
	glob_t g;
	size_t i, n = 0;

	full_pattern(&full, dir, alt);
	if (glob(full.s, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			paths_add(out, g.gl_pathv[i]);
		n = g.gl_pathc;
	}
	globfree(&g);
	pp_buf_free(&full);
	return n;
}

/* A wildcard pattern whose fixed directory part exists: "no match" rather
 * than "missing". */
static bool wild_dir_exists(const char *dir, const char *alt)
{
	struct pp_buf full = { 0 };
	struct stat st;
	char *cut, *slash;
	bool ok;

	full_pattern(&full, dir, alt);
	cut = full.s + strcspn(full.s, "*?[");
	*cut = '\0';
	slash = strrchr(full.s, '/');
	if (slash)
		slash[slash == full.s] = '\0';
	ok = stat(slash ? full.s : ".", &st) == 0 && S_ISDIR(st.st_mode);
	pp_buf_free(&full);
	return ok;
}

/* Report a missing include: an error (and out->failed) if one of the
 * checks in `need` is on, else a warning; `quiet_ok` silences the warning. */
static void missing(struct conf_ctx *ctx, const struct conf_src *src, struct pp_paths *out,
		    unsigned need, bool quiet_ok, const char *fmt, const char *pat)
{
	if (out->checks & need) {
		out->failed = true;
		conf_err(ctx, src, fmt, pat);
	} else if (!quiet_ok) {
		conf_warn(ctx, src, fmt, pat);
	}
}

static void resolve(struct conf_ctx *ctx, const struct conf_src *src, const char *pat,
		    const char *dir, struct pp_paths *out)
{
	char **alts = NULL;
	size_t nalts = 0, nmissing = 0, i;
	bool wild;

	if (strlen(pat) > PP_MAX_PATTERN || !pp_brace_expand(pat, &alts, &nalts)) {
		out->failed = true;
		conf_err(ctx, src, "include pattern '%.64s...' is too long or has too many alternatives", pat);
		return;
	}
	for (i = 0; i < nalts; i++)
		nmissing += glob_one(dir, alts[i], out) == 0;
	wild = nalts == 1 && strpbrk(alts[0], "*?[") && wild_dir_exists(dir, alts[0]);
	for (i = 0; i < nalts; i++)
		free(alts[i]);
	free(alts);
	if (nmissing == 0)
		return;
	if (nalts > 1 && nmissing < nalts)
		missing(ctx, src, out, PP_INC_BRACE, false, "Some config files missing: \"%s\".", pat);
	else if (nalts > 1)
		missing(ctx, src, out, PP_INC_BRACE, false, "Config files missing '%s'.", pat);
	else if (wild)
		missing(ctx, src, out, PP_INC_WILDCARD, true, "No config files matched '%s'.", pat);
	else
		missing(ctx, src, out, PP_INC_MATCH, false, "Config files missing '%s'.", pat);
}

/* "include" -> 0, "includer" -> readable..., -1 when not an include keyword. */
static int include_variant(const char *w)
{
	static const struct { const char *name; unsigned checks; } v[] = {
		{ "include", 0 },
		{ "includer", PP_INC_READABLE },
		{ "includem", PP_INC_MATCH | PP_INC_READABLE },
		{ "includew", PP_INC_WILDCARD | PP_INC_MATCH | PP_INC_READABLE },
		{ "includeb", PP_INC_BRACE | PP_INC_READABLE },
		{ "includea", PP_INC_ALL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(w, v[i].name) == 0)
			return (int)v[i].checks;
	return -1;
}

/* Split an include line into words: blanks separate, quotes group (and
 * are removed); unlike conf_tokenize() braces belong to the words. */
static void include_words(const char *p, struct conf_tokens *t)
{
	struct pp_buf w = { 0 };
	char q;

	for (;;) {
		while (pp_is_space((unsigned char)*p))
			p++;
		if (!*p)
			break;
		pp_buf_reset(&w);
		pp_buf_add(&w, "", 0);
		for (q = 0; *p && (q || !pp_is_space((unsigned char)*p)); p++) {
			if (q ? *p == q : (*p == '"' || *p == '\''))
				q = q ? 0 : *p;
			else
				pp_buf_addc(&w, *p);
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 4;
			t->tok = realloc(t->tok, t->cap * sizeof(*t->tok));
			if (!t->tok)
				abort();
		}
		t->tok[t->n].text = strdup(w.s);
		if (!t->tok[t->n].text)
			abort();
		t->tok[t->n++].quoted = false;
	}
	pp_buf_free(&w);
}

bool pp_include_line(struct conf_ctx *ctx, const struct conf_src *src, const char *line,
		     const char *dir, unsigned *checks, struct pp_paths *out)
{
	struct conf_tokens t = { 0 };
	int variant;

	if (strncmp(line, "include", 7) != 0)
		return false;
	include_words(line, &t);
	if (t.n == 0)
		variant = -2;
	else if (strcmp(t.tok[0].text, "include_check") == 0)
		variant = -3;
	else
		variant = include_variant(t.tok[0].text);
	if (variant == -3) {
		include_check(ctx, src, &t, checks);
	} else if (variant >= 0) {
		out->checks = *checks | (unsigned)variant;
		if (conf_ctx_opts(ctx) && conf_ctx_opts(ctx)->all_config)
			out->checks = PP_INC_ALL;
		if (t.n < 2)
			conf_err(ctx, src, "%s: missing file name", t.tok[0].text);
		else
			resolve(ctx, src, t.tok[1].text, dir, out);
		if (t.n > 2)
			conf_warn(ctx, src, "%s: ignoring words after '%s'", t.tok[0].text, t.tok[1].text);
	}
	conf_tokens_free(&t);
	return variant >= 0 || variant == -3;
}
