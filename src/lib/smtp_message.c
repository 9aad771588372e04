/*
 * smtp_message.c - alert mail text (see smtp_message.h).  Written into an
 * open_memstream() so that no length has to be guessed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_message.h"

/* Copy text with bare LF or CRLF line ends as CRLF, dot-stuffed. */
static void put_body(FILE *f, const char *body)
{
	const char *p = body;

	while (*p) {
		size_t n = strcspn(p, "\r\n");

		if (*p == '.')
			fputc('.', f);
		fwrite(p, 1, n, f);
		fputs("\r\n", f);
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
}

/* A header value on one line: CR and LF become spaces. */
static void put_header(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s: ", name);
	for (const char *p = value; *p; p++)
		fputc(*p == '\r' || *p == '\n' ? ' ' : *p, f);
	fputs("\r\n", f);
}

char *smtp_message_build(time_t when, const char *from, const char *const *to, size_t nto,
			 const char *subject, const char *body)
{
	char date[64] = "";
	char *out = NULL;
	size_t len = 0;
	struct tm tm;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	if (localtime_r(&when, &tm))
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	put_header(f, "Date", date);
	put_header(f, "From", from);
	put_header(f, "Subject", subject);
	put_header(f, "X-Mailer", "Keepalived");
	fputs("To: ", f);
	for (size_t i = 0; i < nto; i++)
		fprintf(f, "%s%s", i ? ", " : "", to[i]);
	fputs("\r\n\r\n", f);
	put_body(f, body);
	fputs("\r\n.\r\n", f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
