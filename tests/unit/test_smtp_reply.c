/*
 * test_smtp_reply.c - the SMTP reply parser (smtp_reply.c) and the alert
 * message builder (smtp_message.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "smtp_message.h"
#include "smtp_reply.h"

static enum smtp_reply_status parse(const char *s, struct smtp_reply *r, const char **why)
{
	return smtp_reply_parse(s, strlen(s), r, why);
}

static void test_single_lines(void **state)
{
	struct smtp_reply r;

	(void)state;
	assert_int_equal(parse("220 mail.example ESMTP\r\n", &r, NULL), SMTP_REPLY_DONE);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.lines, 1);
	assert_int_equal(r.used, 24);
	assert_string_equal(r.text, "mail.example ESMTP");
	/* bare code, bare LF */
	assert_int_equal(parse("250\r\n", &r, NULL), SMTP_REPLY_DONE);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.text, "");
	assert_int_equal(parse("354 go ahead\n", &r, NULL), SMTP_REPLY_DONE);
	assert_int_equal(r.code, 354);
	/* what follows a complete reply is left alone */
	assert_int_equal(parse("250 ok\r\n221 bye\r\n", &r, NULL), SMTP_REPLY_DONE);
	assert_int_equal(r.used, 8);
	/* control bytes in the text are masked */
	assert_int_equal(parse("250 a\tb\x01\r\n", &r, NULL), SMTP_REPLY_DONE);
	assert_string_equal(r.text, "a?b?");
}

static void test_multi_line(void **state)
{
	struct smtp_reply r;
	const char *m = "250-mail.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n";

	(void)state;
	assert_int_equal(parse(m, &r, NULL), SMTP_REPLY_DONE);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.lines, 3);
	assert_int_equal(r.used, strlen(m));
	assert_string_equal(r.text, "8BITMIME");
	/* every prefix is incomplete, never bad */
	for (size_t n = 0; n < strlen(m); n++)
		assert_int_equal(smtp_reply_parse(m, n, &r, NULL), SMTP_REPLY_MORE);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"garbage here\r\n", "hello", "25x ok\r\n", "199 low\r\n", "600 high\r\n",
		"250x\r\n", "25\r\n", "\r\n", "250-a\r\n251 b\r\n", "250-a\r\nxyz\r\n",
		"+OK pop3\r\n", "HTTP/1.1 200 OK\r\n",
	};
	struct smtp_reply r;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(parse(bad[i], &r, &why), SMTP_REPLY_BAD);
		assert_non_null(why);
	}
	assert_int_equal(parse("250-a\r\n251 b\r\n", &r, &why), SMTP_REPLY_BAD);
	assert_string_equal(why, "status code changes inside a multi-line reply");
}

static void test_limits(void **state)
{
	char *big = malloc(SMTP_REPLY_LINE_MAX + 10);
	char *many = malloc(8 * (SMTP_REPLY_LINES_MAX + 2) + 1);
	struct smtp_reply r;
	const char *why = NULL;
	size_t n = 0;

	(void)state;
	memset(big, 'x', SMTP_REPLY_LINE_MAX + 10);
	memcpy(big, "250 ", 4);
	assert_int_equal(smtp_reply_parse(big, SMTP_REPLY_LINE_MAX - 1, &r, &why), SMTP_REPLY_MORE);
	assert_int_equal(smtp_reply_parse(big, SMTP_REPLY_LINE_MAX + 10, &r, &why), SMTP_REPLY_BAD);
	assert_string_equal(why, "reply line too long");
	for (int i = 0; i < SMTP_REPLY_LINES_MAX + 1; i++)
		n += (size_t)sprintf(many + n, "250-x\r\n");
	assert_int_equal(smtp_reply_parse(many, n, &r, &why), SMTP_REPLY_BAD);
	assert_string_equal(why, "too many reply lines");
	free(big);
	free(many);
}

static void test_message(void **state)
{
	const char *to[] = { "admin@example.com", "ops@example.com" };
	char *m;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	m = smtp_message_build(1795332735, "ka@example.com", to, 2,
			       "[refbox] VRRP Instance VI_1 - Entering MASTER state",
			       "=> VRRP Instance is now owning VRRP VIPs <=");
	assert_non_null(m);
	assert_string_equal(m,
		"Date: Sun, 22 Nov 2026 07:32:15 +0000\r\n"
		"From: ka@example.com\r\n"
		"Subject: [refbox] VRRP Instance VI_1 - Entering MASTER state\r\n"
		"X-Mailer: Keepalived\r\n"
		"To: admin@example.com, ops@example.com\r\n"
		"\r\n"
		"=> VRRP Instance is now owning VRRP VIPs <=\r\n"
		"\r\n"
		".\r\n");
	free(m);
	/* dot-stuffing, LF to CRLF, no header injection */
	m = smtp_message_build(0, "a@b", to, 1, "x\r\nBcc: evil@example.com", ".\nline\r\n..two");
	assert_non_null(m);
	assert_non_null(strstr(m, "Subject: x  Bcc: evil@example.com\r\n"));
	assert_non_null(strstr(m, "\r\n\r\n..\r\nline\r\n...two\r\n\r\n.\r\n"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_lines),
		cmocka_unit_test(test_multi_line),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
