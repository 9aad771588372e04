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
