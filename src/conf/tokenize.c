/*
 * tokenize.c - one logical line -> words and braces.
 *
 * Words are separated by whitespace.  '"' and '\'' quote: the quote
 * characters are dropped and the whitespace between them kept, so
 * abcd" efg "h is one word "abcd efg h"; inside one kind of quote the
 * other kind is an ordinary character.  A backslash and the character after
 * it are kept verbatim (escapes are processed later, by the keyword that
 * wants them: conf_unescape()), and an escaped quote neither opens nor
 * closes a quoted part.  '{' and '}' outside quotes are words of their own
 * even when glued to others.  A word with any quoted part has quoted=true,
 * so a quoted "{" is never a brace.  Comments never reach this stage: the
 * preprocessor strips them.
 *
 * conf_split() is the parser's version of the same rules: one pass with a
 * table of character classes, the texts copied into one buffer owned by
 * the caller's conf_words (reused from line to line, so no allocation per
 * word) and each word's length and hash computed here once, for the
 * keyword lookup and the arena's word table.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

static bool tok_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void tok_push(struct conf_tokens *out, const char *s, size_t n, bool quoted)
{
	struct conf_token *t;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->tok = realloc(out->tok, out->cap * sizeof(*out->tok));
		if (!out->tok)
			abort();
	}
	t = &out->tok[out->n++];
	t->text = malloc(n + 1);
	if (!t->text)
		abort();
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	t->quoted = quoted;
}

/* One word starting at *pp (not a blank, not a brace); its text, quotes
 * removed, is built in buf.  Returns false if a quote is left open. */
static bool tok_word(const char **pp, char *buf, size_t *len, bool *quoted)
{
	const char *p = *pp;
	char quote = 0;

	*len = 0;
	*quoted = false;
	while (*p) {
		if (*p == '\\') {
			buf[(*len)++] = *p++;
			if (*p)
				buf[(*len)++] = *p++;
			continue;
		}
		if (quote) {
			if (*p == quote)
				quote = 0;
			else
				buf[(*len)++] = *p;
			p++;
			continue;
		}
		if (tok_space(*p) || *p == '{' || *p == '}')
			break;
		if (*p == '"' || *p == '\'') {
			quote = *p;
			*quoted = true;
		} else {
			buf[(*len)++] = *p;
		}
		p++;
	}
	*pp = p;
	return quote == 0;
}

void conf_tokenize(const char *line, struct conf_tokens *out, bool *unterminated)
{
	const char *p = line;
	char small[512], *buf = small;  /* most lines fit: no malloc per line */
	size_t len = strlen(line);
	bool quoted;

	if (unterminated)
		*unterminated = false;
	if (len >= sizeof(small) && !(buf = malloc(len + 1)))
		abort();
	while (*p) {
		if (tok_space(*p)) {
			p++;
		} else if (*p == '{' || *p == '}') {
			tok_push(out, p, 1, false);
			p++;
		} else {
			if (!tok_word(&p, buf, &len, &quoted) && unterminated)
				*unterminated = true;
			tok_push(out, buf, len, quoted);
		}
	}
	if (buf != small)
		free(buf);
}

void conf_tokens_clear(struct conf_tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->tok[i].text);
	t->n = 0;
}

void conf_tokens_free(struct conf_tokens *t)
{
	conf_tokens_clear(t);
	free(t->tok);
	t->tok = NULL;
	t->cap = 0;
}

/* ---- conf_split(): the parser's tokenizer -------------------------------- */

enum { C_WORD, C_SPACE, C_BRACE, C_QUOTE, C_BSLASH, C_END };

/* The class of every byte; C_WORD is 0 so the table needs only the others. */
static const unsigned char cls[256] = {
	['\0'] = C_END, [' '] = C_SPACE, ['\t'] = C_SPACE, ['\r'] = C_SPACE,
	['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
	['{'] = C_BRACE, ['}'] = C_BRACE, ['"'] = C_QUOTE, ['\''] = C_QUOTE,
	['\\'] = C_BSLASH,
};

/* The word hash is built a byte at a time while the word is copied (an
 * 8-byte load of bytes just stored would stall on store forwarding):
 * bytes are packed into v, and every full 8 bytes are mixed into h. */
struct hash_state {
	uint64_t h, v;
	unsigned shift;
};

static inline void hash_init(struct hash_state *st)
{
	st->h = 0x9e3779b97f4a7c15u;
	st->v = 0;
	st->shift = 0;
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 32);
}

static inline void hash_byte(struct hash_state *st, unsigned char c)
{
	st->v |= (uint64_t)c << st->shift;
	st->shift += 8;
	if (st->shift == 64) {
		st->h = mix(st->h, st->v);
		st->v = 0;
		st->shift = 0;
	}
}

static inline uint32_t hash_end(const struct hash_state *st, size_t len)
{
	uint64_t h = st->shift ? mix(st->h, st->v) : st->h;

	h = mix(h, len) * 0xc4ceb9fe1a85ec53u;
	return (uint32_t)(h ^ (h >> 29));
}

uint32_t conf_word_hash(const char *s, size_t len)
{
	struct hash_state st;

	hash_init(&st);
	for (size_t i = 0; i < len; i++)
		hash_byte(&st, (unsigned char)s[i]);
	return hash_end(&st, len);
}

static struct conf_word *word_slot(struct conf_words *out)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->w = realloc(out->w, out->cap * sizeof(*out->w));
		if (!out->w)
			abort();
	}
	return &out->w[out->n++];
}

static inline void put(char **d, struct hash_state *st, char c)
{
	*(*d)++ = c;
	hash_byte(st, (unsigned char)c);
}

/* A run of plain bytes (no blank, brace, quote, backslash or NUL) from p,
 * copied to *dp and hashed 8 bytes at a time from the source, whose bytes
 * are not freshly stored (see struct hash_state); returns its end. */
static const char *plain_run(const char *p, char **dp, struct hash_state *st)
{
	const char *e = p;
	size_t n;

	while (cls[(unsigned char)*e] == C_WORD)
		e++;
	n = (size_t)(e - p);
	memcpy(*dp, p, n);
	*dp += n;
	if (st->shift == 0) {
		for (; n >= 8; p += 8, n -= 8) {
			uint64_t v;

			memcpy(&v, p, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
			v = __builtin_bswap64(v);
#endif
			st->h = mix(st->h, v);
		}
	}
	for (; n; n--)
		hash_byte(st, (unsigned char)*p++);
	return e;
}

/* One word (not starting with a blank or a brace) from p into *dp, as
 * tok_word() reads it; returns where it stopped, *open if in a quote. */
static const char *split_word(const char *p, char **dp, struct hash_state *st, bool *quoted,
			      bool *open)
{
	char quote = 0;

	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (quote) {
			if (c == '\0')
				break;
			p++;
			if (c == '\\') {
				put(dp, st, (char)c);
				if (*p)
					put(dp, st, *p++);
			} else if (c == (unsigned char)quote) {
				quote = 0;
			} else {
				put(dp, st, (char)c);
			}
			continue;
		}
		switch (cls[c]) {
		case C_WORD:
			p = plain_run(p, dp, st);
			continue;
		case C_BSLASH:
			put(dp, st, *p++);
			if (*p)
				put(dp, st, *p++);
			continue;
		case C_QUOTE:
			quote = (char)c;
			*quoted = true;
			p++;
			continue;
		default:
			break;
		}
		break;
	}
	*open = quote != 0;
	return p;
}

void conf_split(const char *line, size_t len, struct conf_words *out, bool *unterminated)
{
	const char *p = line;
	struct hash_state st;
	char *d;
	bool open = false;

	out->n = 0;
	if (unterminated)
		*unterminated = false;
	/* Texts take at most the line's bytes plus one NUL per word. */
	if (2 * len + 2 > out->buf_cap) {
		free(out->buf);
		out->buf_cap = 2 * len + 2 > 256 ? 2 * len + 2 : 256;
		if (!(out->buf = malloc(out->buf_cap)))
			abort();
	}
	d = out->buf;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		struct conf_word *w;

		if (cls[c] == C_SPACE) {
			p++;
			continue;
		}
		if (cls[c] == C_END)
			break;
		w = word_slot(out);
		w->text = d;
		w->quoted = false;
		w->brace = 0;
		hash_init(&st);
		if (cls[c] == C_BRACE) {
			put(&d, &st, *p++);
			w->brace = (char)c;
		} else {
			p = split_word(p, &d, &st, &w->quoted, &open);
			if (open && unterminated)
				*unterminated = true;
		}
		w->len = (uint32_t)(d - w->text);
		w->hash = hash_end(&st, w->len);
		*d++ = '\0';
	}
}

void conf_words_free(struct conf_words *w)
{
	free(w->w);
	free(w->buf);
	w->w = NULL;
	w->buf = NULL;
	w->n = w->cap = w->buf_cap = 0;
}
