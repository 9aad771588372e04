/*
 * smtp_reply.c - the SMTP reply parser (see smtp_reply.h).
 *
 * One pass over the buffer, line by line: each complete line is checked
 * (three digits, first one 2-5, then '-', ' ' or the line end; same code
 * as the first line); a line with ' ' or nothing after the code ends the
 * reply.  An incomplete last line is only judged on what it already has,
 * so that garbage is refused as soon as its first bytes arrive instead of
 * after a timeout.
 */
#include "config.h"

#include <string.h>

#include "smtp_reply.h"

static int digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/* Check the first n (< 4 or a whole prefix) bytes of a line; returns the
 * reason it is bad, or NULL. */
static const char *check_prefix(const char *p, size_t n, int want)
{
	int code = 0;

	for (size_t i = 0; i < 3 && i < n; i++) {
		int d = digit(p[i]);

		if (d < 0 || (i == 0 && (d < 2 || d > 5)))
			return "reply line without a status code";
		code = code * 10 + d;
	}
	if (n >= 3 && want && code != want)
		return "status code changes inside a multi-line reply";
	if (n >= 4 && p[3] != '-' && p[3] != ' ' && p[3] != '\r' && p[3] != '\n')
		return "reply line without a status code";
	return NULL;
}

static void keep_text(struct smtp_reply *r, const char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < sizeof(r->text); i++) {
		unsigned char c = (unsigned char)p[i];

		r->text[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	r->text[k] = '\0';
}

static enum smtp_reply_status bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return SMTP_REPLY_BAD;
}

enum smtp_reply_status smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r,
					const char **why)
{
	size_t off = 0;
	int code = 0;

	memset(r, 0, sizeof(*r));
	while (off < len) {
		const char *p = buf + off, *nl, *reason;
		size_t avail = len - off, n, end;

		nl = memchr(p, '\n', avail < SMTP_REPLY_LINE_MAX ? avail : SMTP_REPLY_LINE_MAX);
		n = nl ? (size_t)(nl - p) : avail;
		if ((reason = check_prefix(p, n < 4 ? n : 4, code)))
			return bad(why, reason);
		if (!nl)
			return avail >= SMTP_REPLY_LINE_MAX ? bad(why, "reply line too long")
							    : SMTP_REPLY_MORE;
		end = n;                                 /* line without '\n' */
		if (end > 0 && p[end - 1] == '\r')
			end--;
		if (end < 3)
			return bad(why, "reply line without a status code");
		code = digit(p[0]) * 100 + digit(p[1]) * 10 + digit(p[2]);
		if (++r->lines > SMTP_REPLY_LINES_MAX)
			return bad(why, "too many reply lines");
		off += n + 1;
		if (end == 3 || p[3] == ' ') {
			r->code = code;
			r->used = off;
			keep_text(r, p + (end > 3 ? 4 : 3), end > 3 ? end - 4 : 0);
			return SMTP_REPLY_DONE;
		}
	}
	return SMTP_REPLY_MORE;
}
