/*
 * preproc_loop.c - ~SEQ(var, [start, [step,]] end), ~SEQx(...) and
 * ~LST(var, v1, v2...) / ~LST({a,b}, {1,2}, {3,4}).
 *
 * A loop is parsed once from the head of a line; pp_loop_next() then sets
 * its variable(s) for each pass and the preprocessor feeds the rest of the
 * line (which may start with another loop: that one is the inner loop)
 * through the normal line processing.  Numbers are decimal or 0x hex,
 * possibly negative; ~SEQx formats the value in lower-case hex without 0x.
 * Omitted step: 1 or -1 towards end; omitted start: 1 (end > 0), -1
 * (end < 0) or 0.  A step of 0 is refused (it would never end).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "preproc_int.h"

struct pp_loop {
	bool seq, hex, started;
	size_t nvars;
	char **vars;
	/* ~SEQ */
	int64_t cur, step, end;
	/* ~LST: nrows rows of nvars values */
	char **vals;
	size_t nrows, row;
};

bool pp_is_loop(const char *s)
{
	return strncmp(s, "~SEQ(", 5) == 0 || strncmp(s, "~SEQx(", 6) == 0 ||
	       strncmp(s, "~LST(", 5) == 0;
}

void pp_loop_free(struct pp_loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nvars; i++)
		free(l->vars[i]);
	for (i = 0; i < l->nrows * l->nvars; i++)
		free(l->vals[i]);
	free(l->vars);
	free(l->vals);
	free(l);
}

/* Copy s[0..n) without surrounding blanks. */
static char *trim_dup(const char *s, size_t n)
{
	char *r;

	while (n && pp_is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && pp_is_space((unsigned char)s[n - 1]))
		n--;
	r = strndup(s, n);
	if (!r)
		abort();
	return r;
}

static bool valid_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!pp_name_char((unsigned char)s[i], i == 0))
			return false;
	return i > 0;
}

static void push(char ***v, size_t *n, char *s)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	(*v)[(*n)++] = s;
}

/* Split s[0..n) at commas into trimmed words appended to *v. */
static void split_commas(const char *s, size_t n, char ***v, size_t *cnt)
{
	const char *end = s + n, *c;

	for (;;) {
		c = memchr(s, ',', (size_t)(end - s));
		if (!c) {
			push(v, cnt, trim_dup(s, (size_t)(end - s)));
			return;
		}
		push(v, cnt, trim_dup(s, (size_t)(c - s)));
		s = c + 1;
	}
}

/* Decimal or 0x hex, optionally signed, the whole word. */
static bool parse_num(const char *s, int64_t *out)
{
	const char *p = s;
	char *end;
	int base = 10;

	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!((*p >= '0' && *p <= '9')))
		return false;
	errno = 0;
	*out = strtoll(s, &end, base);
	return errno == 0 && *end == '\0' && end != s;
}

static const char *parse_seq(struct pp_loop *l, const char *args, size_t n)
{
	char **a = NULL;
	size_t na = 0, i;
	int64_t num[3];
	const char *err = NULL;

	split_commas(args, n, &a, &na);
	if (na < 2 || na > 4)
		err = "needs 2 to 4 arguments (var, [start, [step,]] end)";
	else if (!valid_name(a[0]))
		err = "invalid variable name";
	for (i = 1; !err && i < na; i++)
		if (!parse_num(a[i], &num[i - 1]))
			err = "invalid number";
	if (!err) {
		l->end = num[na - 2];
		l->cur = na >= 3 ? num[0] : (l->end > 0 ? 1 : l->end < 0 ? -1 : 0);
		l->step = na == 4 ? num[1] : (l->end >= l->cur ? 1 : -1);
		if (l->step == 0)
			err = "step must not be 0";
	}
	if (!err) {
		push(&l->vars, &l->nvars, a[0]);
		a[0] = NULL;
	}
	for (i = 0; i < na; i++)
		free(a[i]);
	free(a);
	return err;
}

/* "{a,b}" or "word" ending before ',' or ')': the group's extent. */
static const char *lst_item(const char *p, const char *end, const char **s, size_t *n)
{
	const char *q;

	while (p < end && pp_is_space((unsigned char)*p))
		p++;
	if (p < end && *p == '{') {
		q = memchr(p, '}', (size_t)(end - p));
		if (!q)
			return NULL;
		*s = p + 1;
		*n = (size_t)(q - p - 1);
		return q + 1;
	}
	for (q = p; q < end && *q != ','; q++)
		;
	*s = p;
	*n = (size_t)(q - p);
	return q;
}

static const char *parse_lst(struct pp_loop *l, const char *p, const char *end)
{
	const char *s;
	char **row;
	size_t n, i, cnt;

	p = lst_item(p, end, &s, &n);
	if (!p)
		return "unterminated '{'";
	split_commas(s, n, &l->vars, &l->nvars);
	for (i = 0; i < l->nvars; i++)
		if (!valid_name(l->vars[i]))
			return "invalid variable name";
	while (p < end && pp_is_space((unsigned char)*p))
		p++;
	if (p == end)
		return "needs at least one value";
	while (p < end) {
		if (*p++ != ',')
			return "expected ','";
		p = lst_item(p, end, &s, &n);
		if (!p)
			return "unterminated '{'";
		row = NULL;
		cnt = 0;
		split_commas(s, n, &row, &cnt);
		if (cnt != l->nvars) {
			for (i = 0; i < cnt; i++)
				free(row[i]);
			free(row);
			return "number of values does not match the variables";
		}
		for (i = 0, cnt = l->nrows * l->nvars; i < l->nvars; i++)
			push(&l->vals, &cnt, row[i]);
		free(row);
		l->nrows++;
		while (p < end && pp_is_space((unsigned char)*p))
			p++;
	}
	return NULL;
}

/* The ')' closing the loop head at s, or NULL.  In ~LST a ')' inside a
 * {...} group does not count. */
static const char *head_close(const char *s)
{
	const char *p = strchr(s, '(');
	bool in_group = false;

	if (s[1] == 'S')
		return strchr(p, ')');
	for (p++; *p && (in_group || *p != ')'); p++)
		in_group = *p == '{' ? true : *p == '}' ? false : in_group;
	return *p ? p : NULL;
}

size_t pp_loop_head_len(const char *s)
{
	const char *close = head_close(s);

	return close ? (size_t)(close - s) + 1 : 0;
}

struct pp_loop *pp_loop_parse(const char *s, const char **body, const char **err)
{
	struct pp_loop *l = calloc(1, sizeof(*l));
	const char *open = strchr(s, '('), *close = head_close(s);

	if (!l)
		abort();
	l->seq = s[1] == 'S';
	l->hex = s[4] == 'x';
	if (!close)
		*err = "missing ')'";
	else if (l->seq)
		*err = parse_seq(l, open + 1, (size_t)(close - open - 1));
	else
		*err = parse_lst(l, open + 1, close);
	if (*err) {
		pp_loop_free(l);
		return NULL;
	}
	for (s = close + 1; pp_is_space((unsigned char)*s); s++)
		;
	*body = s;
	return l;
}

static bool seq_next(struct pp_loop *l, struct pp_vars *vars)
{
	char num[32];
	uint64_t mag;

	if (l->started && __builtin_add_overflow(l->cur, l->step, &l->cur))
		return false;
	l->started = true;
	if (l->step > 0 ? l->cur > l->end : l->cur < l->end)
		return false;
	if (!l->hex) {
		snprintf(num, sizeof(num), "%" PRId64, l->cur);
	} else {
		mag = l->cur < 0 ? 0 - (uint64_t)l->cur : (uint64_t)l->cur;
		snprintf(num, sizeof(num), "%s%" PRIx64, l->cur < 0 ? "-" : "", mag);
	}
	pp_vars_set(vars, l->vars[0], strlen(l->vars[0]), num, strlen(num), false);
	return true;
}

bool pp_loop_next(struct pp_loop *l, struct pp_vars *vars)
{
	size_t i;
	const char *v;

	if (l->seq)
		return seq_next(l, vars);
	if (l->row >= l->nrows)
		return false;
	for (i = 0; i < l->nvars; i++) {
		v = l->vals[l->row * l->nvars + i];
		pp_vars_set(vars, l->vars[i], strlen(l->vars[i]), v, strlen(v), false);
	}
	l->row++;
	return true;
}
