/*
 * fuzz_smtp.c - libFuzzer target for the SMTP reply parser
 * (src/lib/smtp_reply.c) and the alert message builder.
 *
 * The input is parsed whole and then byte by byte as a client would see
 * it arrive.  Invariants besides the sanitizers: a complete reply never
 * claims more bytes than given and has a code in 200..599; parsing a
 * prefix never says BAD when the whole said DONE within that prefix's
 * reach (a verdict does not depend on how the bytes were split); the
 * message builder, fed the input as subject and body, ends with the
 * terminating "\r\n.\r\n" and has no bare LF.
 * Build and run: make fuzz-smtp (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_message.h"
#include "smtp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_builder(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *m;
	const char *to[] = { "a@example.com" };
	size_t half = size / 2;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	text[half] = '\0';                       /* subject | body */
	m = smtp_message_build(0, "k@example.com", to, 1, text, text + (half < size ? half + 1 : size));
	if (m) {
		size_t n = strlen(m);

		if (n < 5 || strcmp(m + n - 5, "\r\n.\r\n"))
			abort();
		for (size_t i = 0; i < n; i++)
			if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r'))
				abort();
		free(m);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct smtp_reply whole, part;
	const char *why = NULL;
	enum smtp_reply_status st = smtp_reply_parse(buf, size, &whole, &why);

	if (st == SMTP_REPLY_DONE &&
	    (whole.used == 0 || whole.used > size || whole.code < 200 || whole.code > 599 ||
	     whole.lines == 0 || strlen(whole.text) >= sizeof(whole.text)))
		abort();
	if (st == SMTP_REPLY_BAD && !why)
		abort();
	for (size_t n = 0; n <= size; n++) {
		enum smtp_reply_status p = smtp_reply_parse(buf, n, &part, NULL);

		if (st == SMTP_REPLY_DONE && n >= whole.used &&
		    (p != SMTP_REPLY_DONE || part.used != whole.used || part.code != whole.code))
			abort();
		if (st == SMTP_REPLY_DONE && n < whole.used && p != SMTP_REPLY_MORE)
			abort();
		if (p == SMTP_REPLY_BAD && st != SMTP_REPLY_BAD)
			abort();
		if (p != SMTP_REPLY_MORE)
			break;
	}
	check_builder(data, size);
	return 0;
}
