/*
 * smtp_message.h - the text of an alert mail, as 2.2.7 sends it.
 *
 * Pure: builds the DATA payload (headers, body, the final ".") from its
 * parts.  The headers are those 2.2.7 writes, in its order: Date, From,
 * Subject, X-Mailer: Keepalived, To (every recipient, ", " apart); then an
 * empty line, the body, an empty line and the terminating ".".  Lines end
 * with CRLF; a body line starting with "." gets a second one (RFC 5321
 * section 4.5.2).
 */
#ifndef KA_SMTP_MESSAGE_H
#define KA_SMTP_MESSAGE_H

#include <stddef.h>
#include <time.h>

/* The DATA payload, NUL-terminated, malloc'd; NULL when out of memory.
 * `when` is formatted in local time as RFC 5322 wants
 * ("Sun, 22 Nov 2026 07:32:15 +0000"). */
char *smtp_message_build(time_t when, const char *from, const char *const *to, size_t nto,
			 const char *subject, const char *body);

#endif
