/*
 * smtp_reply.h - parse one SMTP server reply (RFC 5321 section 4.2).
 *
 * A reply is one or more lines "CODE-text" ending with a line "CODE text"
 * (or a bare "CODE"); every line carries the same three-digit code, the
 * first digit 2-5.  Lines end with CRLF; a bare LF is accepted, as most
 * clients do.  The parser is pure: it looks at the bytes received so far
 * and says whether they hold a complete reply, need more, or can never
 * become a valid one.  Callers keep the received bytes in a buffer,
 * re-run the parser after each read and drop smtp_reply.used bytes when a
 * reply is complete.  Used by SMTP_CHECK and by the alert client.
 */
#ifndef KA_SMTP_REPLY_H
#define KA_SMTP_REPLY_H

#include <stddef.h>

#define SMTP_REPLY_LINE_MAX 1000     /* longest line accepted, CRLF included */
#define SMTP_REPLY_LINES_MAX 64      /* most lines in one reply */
#define SMTP_REPLY_TEXT_MAX 128      /* text kept from the last line */

struct smtp_reply {
	int code;                        /* 200..599 when complete */
	unsigned lines;                  /* lines of the reply */
	size_t used;                     /* bytes of the reply, line ends included */
	char text[SMTP_REPLY_TEXT_MAX];  /* the last line's text (truncated), printable */
};

enum smtp_reply_status {
	SMTP_REPLY_MORE = 0,             /* incomplete: read more */
	SMTP_REPLY_DONE = 1,             /* *r holds a complete reply */
	SMTP_REPLY_BAD = -1,             /* malformed; *why says how */
};

/* Parse the reply at the start of buf[0..len).  On SMTP_REPLY_BAD, *why
 * (when why is not NULL) points to a static reason ("reply line without
 * a status code").  Never reads past len. */
enum smtp_reply_status smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r,
					const char **why);

#endif
