/*
 * preproc_vars.c - $VAR definitions and their substitution.
 *
 * $NAME is replaced when followed by whitespace, the end, ')' or ',' (2.2.7
 * also accepts the last two, for "~SEQ(i, 1, $N)"); ${NAME} anywhere.
 *
 * Definitions live in a chained hash table (FNV-1a) so that a config with
 * thousands of ~SEQ/~LST passes and definitions stays linear.  Values are
 * stored as written and substituted at use time, recursively: the value of
 * $A is itself substituted when $A is replaced, up to PP_MAX_SUBST_DEPTH
 * levels.  Work is bounded both in output size (PP_MAX_LINE) and in the
 * number of replacements (PP_MAX_REPLACE), so "$X=$X$X"-style bombs end
 * with a diagnostic instead of eating the machine.
 *
 * Pre-defined names: _PWD, _INSTANCE, _HASH ('#'), _BANG ('!') and
 * _RANDOM [MIN [MAX]] (0..32767 by default), whose generator is seeded by
 * random_seed or, failing that, the time of the first use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "preproc_int.h"

#define PP_MAX_REPLACE 100000u   /* replacements in one substitution */

/* ---- growable strings ------------------------------------------------- */

void pp_buf_reset(struct pp_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void pp_buf_add(struct pp_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void pp_buf_addc(struct pp_buf *b, char c)
{
	pp_buf_add(b, &c, 1);
}

void pp_buf_free(struct pp_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

bool pp_name_char(int c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
		return true;
	return !first && c >= '0' && c <= '9';
}

bool pp_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* ---- the table ---------------------------------------------------------- */

struct pp_vars {
	struct pp_var **bucket;
	size_t nbucket, count;
};

static unsigned name_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

struct pp_vars *pp_vars_new(void)
{
	struct pp_vars *v = calloc(1, sizeof(*v));

	if (!v)
		abort();
	v->nbucket = 64;
	v->bucket = calloc(v->nbucket, sizeof(*v->bucket));
	if (!v->bucket)
		abort();
	return v;
}

void pp_vars_free(struct pp_vars *v)
{
	size_t i;
	struct pp_var *e, *next;

	if (!v)
		return;
	for (i = 0; i < v->nbucket; i++)
		for (e = v->bucket[i]; e; e = next) {
			next = e->next;
			free(e->name);
			free(e->value);
			free(e);
		}
	free(v->bucket);
	free(v);
}

struct pp_var *pp_vars_get(const struct pp_vars *v, const char *name, size_t nlen)
{
	unsigned h = name_hash(name, nlen);
	struct pp_var *e;

	for (e = v->bucket[h & (v->nbucket - 1)]; e; e = e->next)
		if (e->hash == h && strncmp(e->name, name, nlen) == 0 && e->name[nlen] == '\0')
			return e;
	return NULL;
}

static void vars_grow(struct pp_vars *v)
{
	size_t n = v->nbucket * 2, i;
	struct pp_var **b = calloc(n, sizeof(*b)), *e, *next;

	if (!b)
		abort();
	for (i = 0; i < v->nbucket; i++)
		for (e = v->bucket[i]; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(v->bucket);
	v->bucket = b;
	v->nbucket = n;
}

void pp_vars_set(struct pp_vars *v, const char *name, size_t nlen,
		 const char *value, size_t vlen, bool multi)
{
	struct pp_var *e = pp_vars_get(v, name, nlen);
	char *val = strndup(value, vlen);

	if (!val)
		abort();
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->name = strndup(name, nlen)))
			abort();
		e->hash = name_hash(name, nlen);
		if (++v->count > v->nbucket)
			vars_grow(v);
		e->next = v->bucket[e->hash & (v->nbucket - 1)];
		v->bucket[e->hash & (v->nbucket - 1)] = e;
	}
	free(e->value);
	e->value = val;
	e->multi = multi;
}

/* ---- ${_RANDOM} ----------------------------------------------------------- */

void pp_random_seed(uint64_t *rng, uint64_t seed)
{
	*rng = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	if (*rng == 0)
		*rng = 1;
}

static uint64_t random_next(uint64_t *rng)
{
	uint64_t x;

	if (*rng == 0)
		pp_random_seed(rng, (uint64_t)time(NULL));
	x = *rng;           /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* "_RANDOM [MIN [MAX]]" inside ${...}; false when the arguments are not
 * non-negative integers. */
static bool expand_random(const struct pp_env *env, const char *s, size_t n,
			  struct pp_buf *out)
{
	uint64_t lim[2] = { 0, 32767 }, r;
	size_t i = 7, k = 0;
	char num[32];

	while (i < n) {
		uint64_t val = 0;
		size_t start;

		while (i < n && pp_is_space(s[i]))
			i++;
		if (i == n)
			break;
		if (k == 2)
			return false;
		for (start = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (val > (UINT32_MAX - 9) / 10)
				return false;
			val = val * 10 + (uint64_t)(s[i] - '0');
		}
		if (i == start || (i < n && !pp_is_space(s[i])))
			return false;
		lim[k++] = val;
	}
	if (lim[1] < lim[0]) {
		r = lim[0];
		lim[0] = lim[1];
		lim[1] = r;
	}
	r = lim[0] + random_next(env->rng) % (lim[1] - lim[0] + 1);
	snprintf(num, sizeof(num), "%" PRIu64, r);
	pp_buf_add(out, num, strlen(num));
	return true;
}

/* ---- substitution ----------------------------------------------------------- */

struct subst_state {
	const struct pp_env *env;
	struct pp_buf *out;
	const struct pp_var *active[PP_MAX_SUBST_DEPTH];   /* being expanded */
	unsigned replaced;
	enum pp_subst_status status;
};

static void subst_rec(struct subst_state *st, const char *in, unsigned depth);

static bool is_name(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Replace NAME[0..n) (braced: may be "_RANDOM 1 9").  False: leave it as is. */
static bool expand_name(struct subst_state *st, const char *name, size_t n,
			bool braced, unsigned depth)
{
	const struct pp_env *env = st->env;
	const char *lit = NULL;
	struct pp_var *v;
	size_t i;

	if (n >= 7 && memcmp(name, "_RANDOM", 7) == 0 && (n == 7 || (braced && pp_is_space(name[7]))))
		return expand_random(env, name, n, st->out);
	for (i = 0; i < n; i++)
		if (!pp_name_char((unsigned char)name[i], i == 0))
			return false;
	if (n == 0)
		return false;
	if (is_name(name, n, "_PWD"))
		lit = env->pwd;
	else if (is_name(name, n, "_INSTANCE"))
		lit = env->instance;
	else if (is_name(name, n, "_HASH"))
		lit = "#";
	else if (is_name(name, n, "_BANG"))
		lit = "!";
	if (lit) {
		pp_buf_add(st->out, lit, strlen(lit));
		return true;
	}
	v = pp_vars_get(env->vars, name, n);
	if (!v)
		return false;
	for (i = 0; i < depth && st->active[i] != v; i++)
		;
	if (i < depth || depth >= PP_MAX_SUBST_DEPTH || ++st->replaced > PP_MAX_REPLACE) {
		if (st->status == PP_SUBST_OK)
			st->status = PP_SUBST_TOO_DEEP;
		return false;
	}
	st->active[depth] = v;
	subst_rec(st, v->value, depth + 1);
	return true;
}

/* Handle the '$' at `d`; returns where scanning resumes. */
static const char *subst_dollar(struct subst_state *st, const char *d, unsigned depth)
{
	const char *e;

	if (d[1] == '{') {
		e = strchr(d + 2, '}');
		if (e && expand_name(st, d + 2, (size_t)(e - d - 2), true, depth))
			return e + 1;
		pp_buf_addc(st->out, '$');
		return d + 1;
	}
	for (e = d + 1; pp_name_char((unsigned char)*e, e == d + 1); e++)
		;
	if (e > d + 1 && (*e == '\0' || *e == ')' || *e == ',' || pp_is_space((unsigned char)*e)) &&
	    expand_name(st, d + 1, (size_t)(e - d - 1), false, depth))
		return e;
	if (e == d + 1) {
		pp_buf_addc(st->out, '$');
		return d + 1;
	}
	pp_buf_add(st->out, d, (size_t)(e - d));
	return e;
}

static void subst_rec(struct subst_state *st, const char *in, unsigned depth)
{
	const char *p = in, *d;

	while (*p && st->status != PP_SUBST_TOO_LONG) {
		d = strchr(p, '$');
		if (!d) {
			pp_buf_add(st->out, p, strlen(p));
			p += strlen(p);
		} else {
			pp_buf_add(st->out, p, (size_t)(d - p));
			p = subst_dollar(st, d, depth);
		}
		if (st->out->len > PP_MAX_LINE) {
			st->out->len = PP_MAX_LINE;
			st->out->s[PP_MAX_LINE] = '\0';
			st->status = PP_SUBST_TOO_LONG;
		}
	}
}

enum pp_subst_status pp_substitute(const struct pp_env *env, const char *in,
				   struct pp_buf *out)
{
	struct subst_state st = { .env = env, .out = out, .status = PP_SUBST_OK };

	pp_buf_add(out, "", 0);
	subst_rec(&st, in, 0);
	return st.status;
}
