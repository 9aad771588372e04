/*
 * test_http_response.c - unit tests of the HTTP response parser and MD5
 * body digest (src/http/http_response.c) and of the request builder
 * (src/http/http_request.c).
 *
 * The keepalived-framing cases reproduce what keepalived 2.2.7's genhash
 * printed for the same bytes served by a scripted server (digests noted
 * next to each case); the RFC-framing cases follow RFC 9112.  Every
 * response is also fed split at every byte boundary and one byte at a
 * time, and must give the same result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_request.h"
#include "http_response.h"

#define MD5_HELLO "5d41402abc4b2a76b9719d911017c592"   /* "hello" */
#define MD5_HEL   "46356afe55fa3cea9cbe73ad442cad47"   /* "hel" */
#define MD5_EMPTY "d41d8cd98f00b204e9800998ecf8427e"

struct result {
	enum http_outcome outcome;
	int status;
	uint64_t body_len;
	char hex[33];
	char body[4096];       /* what on_body saw */
	size_t body_seen;
	int headers;           /* on_header calls */
	bool body_before_header;
};

static void on_header(void *arg, const char *h, size_t len)
{
	struct result *res = arg;

	(void)h;
	(void)len;
	res->headers++;
}

static void on_body(void *arg, const uint8_t *p, size_t n)
{
	struct result *res = arg;

	if (!res->headers)
		res->body_before_header = true;
	if (res->body_seen + n <= sizeof(res->body))
		memcpy(res->body + res->body_seen, p, n);
	res->body_seen += n;
}

/* Feed msg in pieces: split points a and b (0 = none), or 1 byte at a time. */
static struct result parse3(enum http_framing fr, const char *msg, size_t len, size_t max_header,
			    size_t a, size_t b, bool bytewise)
{
	struct http_response r;
	struct result res;
	size_t off = 0;

	memset(&res, 0, sizeof(res));
	assert_int_equal(http_response_init(&r, fr, max_header, on_header, on_body, &res), 0);
	if (bytewise) {
		for (off = 0; off < len; off++)
			http_response_feed(&r, msg + off, 1);
	} else {
		if (a > len)
			a = len;
		if (b < a || b > len)
			b = a;
		http_response_feed(&r, msg, a);
		http_response_feed(&r, msg + a, b - a);
		http_response_feed(&r, msg + b, len - b);
	}
	res.outcome = http_response_finish(&r);
	res.status = r.status;
	res.body_len = r.body_len;
	if (res.outcome == HTTP_COMPLETE)
		http_digest_hex(r.digest, res.hex);
	http_response_free(&r);
	assert_int_equal(res.body_seen, res.body_len);
	assert_false(res.body_before_header);
	assert_true(res.headers <= 1);
	return res;
}

/* Parse whole, at every split point and byte by byte; all must agree. */
static struct result parse_all(enum http_framing fr, const char *msg, size_t max_header)
{
	size_t len = strlen(msg), i;
	struct result whole = parse3(fr, msg, len, max_header, 0, 0, false), x;

	for (i = 0; i <= len; i++) {
		x = parse3(fr, msg, len, max_header, i, i + 3, false);
		assert_int_equal(x.outcome, whole.outcome);
		assert_int_equal(x.status, whole.status);
		assert_string_equal(x.hex, whole.hex);
		assert_int_equal(x.body_len, whole.body_len);
	}
	x = parse3(fr, msg, len, max_header, 0, 0, true);
	assert_int_equal(x.outcome, whole.outcome);
	assert_string_equal(x.hex, whole.hex);
	return whole;
}

static struct result ka(const char *msg)
{
	return parse_all(HTTP_FRAMING_KEEPALIVED, msg, 0);
}

static struct result rfc(const char *msg)
{
	return parse_all(HTTP_FRAMING_RFC, msg, 0);
}

/* ---- status lines ------------------------------------------------------ */

static void test_status_lines(void **state)
{
	(void)state;
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\n\r\n").status, 200);
	assert_int_equal(rfc("HTTP/1.0 404 Not Found\r\n\r\n").status, 404);
	assert_int_equal(rfc("HTTP/1.1 503\r\n\r\n").status, 503);
	assert_int_equal(rfc("HTTP/1.1 20 OK\r\n\r\n").outcome, HTTP_ERR_STATUS_LINE);
	assert_int_equal(rfc("HTTP/1.1 2000 OK\r\n\r\n").outcome, HTTP_ERR_STATUS_LINE);
	assert_int_equal(rfc("HTTX/1.1 200 OK\r\n\r\n").outcome, HTTP_ERR_STATUS_LINE);
	assert_int_equal(rfc("HTTP/1.1 099 OK\r\n\r\n").outcome, HTTP_ERR_STATUS_LINE);
	assert_int_equal(rfc("garbage\r\n\r\nhello").outcome, HTTP_ERR_STATUS_LINE);
	/* keepalived: lenient, and garbage still hashed (2.2.7 printed MD5_HELLO) */
	assert_int_equal(ka("HTTP/1.1 301 Moved\r\n\r\n").status, 301);
	assert_int_equal(ka("HTTP/2 200\r\n\r\n").status, 200);
	assert_int_equal(ka("garbage\r\n\r\nhello").status, 0);
	assert_string_equal(ka("garbage\r\n\r\nhello").hex, MD5_HELLO);
	assert_int_equal(ka("HTTP/1.1 2000 OK\r\n\r\n").status, 0);
}

/* ---- Content-Length ---------------------------------------------------- */

static void test_content_length_rfc(void **state)
{
	struct result r;

	(void)state;
	r = rfc("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	assert_int_equal(r.outcome, HTTP_COMPLETE);
	assert_string_equal(r.hex, MD5_HELLO);
	r = rfc("HTTP/1.1 200 OK\r\ncontent-length:3\r\n\r\nhello");
	assert_string_equal(r.hex, MD5_HEL);
	r = rfc("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nhello");
	assert_string_equal(r.hex, MD5_HEL);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nhello").outcome,
			 HTTP_ERR_BAD_LENGTH);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nhello").outcome,
			 HTTP_ERR_BAD_LENGTH);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\nhello").outcome,
			 HTTP_ERR_BAD_LENGTH);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n").outcome,
			 HTTP_ERR_BAD_LENGTH);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").outcome, HTTP_COMPLETE);
	assert_string_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").hex, MD5_EMPTY);
}

/* A complete Content-Length body is complete before end of input. */
static void test_content_length_completes_early(void **state)
{
	struct http_response r;
	static const char msg[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

	(void)state;
	assert_int_equal(http_response_init(&r, HTTP_FRAMING_RFC, 0, NULL, NULL, NULL), 0);
	assert_int_equal(http_response_feed(&r, msg, strlen(msg) - 1), HTTP_MORE);
	assert_int_equal(http_response_feed(&r, msg + strlen(msg) - 1, 1), HTTP_COMPLETE);
	assert_int_equal(http_response_feed(&r, "more", 4), HTTP_COMPLETE);
	http_response_free(&r);
	/* keepalived framing waits for the end of input, as 2.2.7 does */
	assert_int_equal(http_response_init(&r, HTTP_FRAMING_KEEPALIVED, 0, NULL, NULL, NULL), 0);
	assert_int_equal(http_response_feed(&r, msg, strlen(msg)), HTTP_MORE);
	assert_int_equal(http_response_finish(&r), HTTP_COMPLETE);
	http_response_free(&r);
}

/* keepalived 2.2.7's reading of Content-Length, case by case (observed). */
static void test_content_length_keepalived(void **state)
{
	static const struct { const char *field; const char *md5; } cases[] = {
		{ "Content-Length: 5", MD5_HELLO },
		{ "Content-Length: 3", MD5_HEL },
		{ "Content-Length:3", MD5_HEL },
		{ "Content-Length:  3", MD5_HEL },
		{ "Content-Length: +3", MD5_HEL },
		{ "X-Content-Length: 3", MD5_HEL },
		{ "Content-Length: 10", MD5_HELLO },       /* short body accepted */
		{ "Content-Length: 0", MD5_EMPTY },
		{ "Content-Length: 3 ", MD5_HELLO },       /* trailing blank: ignored */
		{ "content-length: 3", MD5_HELLO },        /* case sensitive */
		{ "Content-length: 3", MD5_HELLO },
		{ "CONTENT-LENGTH:3", MD5_HELLO },
		{ "Content-Length: 3x", MD5_HELLO },
		{ "Content-Length: -3", MD5_HELLO },
		{ "Content-Length: 0x3", MD5_HELLO },
		{ "Content-Length: 99999999999999999999", MD5_HELLO },
		{ "Content-Length:\r\n 3", MD5_HEL },
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct result r;

		snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n%s\r\n\r\nhello", cases[i].field);
		r = ka(msg);
		assert_int_equal(r.outcome, HTTP_COMPLETE);
		if (strcmp(r.hex, cases[i].md5))
			fail_msg("[%s]: %s, want %s", cases[i].field, r.hex, cases[i].md5);
	}
	/* bare LF after the value counts as its end */
	assert_string_equal(ka("HTTP/1.1 200 OK\r\nContent-Length: 3\nFoo: bar\r\n\r\nhello").hex, MD5_HEL);
}

/* ---- chunked ----------------------------------------------------------- */

static const char chunked_msg[] =
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	"2;name=value;x=\"q\"\r\nhe\r\n"
	"3\r\nllo\r\n"
	"0\r\nTrailer-One: a\r\nTrailer-Two: b\r\n\r\n";

static void test_chunked(void **state)
{
	struct result r;

	(void)state;
	r = rfc(chunked_msg);
	assert_int_equal(r.outcome, HTTP_COMPLETE);
	assert_int_equal(r.body_len, 5);
	assert_memory_equal(r.body, "hello", 5);
	assert_string_equal(r.hex, MD5_HELLO);
	/* upper-case hex, bare LF, no trailer */
	r = rfc("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
		"A\n0123456789\n0\n\n");
	assert_int_equal(r.outcome, HTTP_COMPLETE);
	assert_int_equal(r.body_len, 10);
	/* chunked wins over Content-Length; gzip, chunked is still chunked */
	r = rfc("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 2\r\n\r\n"
		"5\r\nhello\r\n0\r\n\r\n");
	assert_string_equal(r.hex, MD5_HELLO);
	/* keepalived hashes the chunk framing too (2.2.7 printed this digest) */
	r = ka("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
	assert_string_equal(r.hex, "79e9489e3bd3f0cb0158215341de046d");
}

static void test_chunked_bad(void **state)
{
	static const char *const bad[] = {
		"zz\r\nhello\r\n0\r\n\r\n",              /* not hex */
		"\r\nhello\r\n0\r\n\r\n",                /* empty size */
		"5 5\r\nhello\r\n0\r\n\r\n",             /* junk after size */
		"5\r\nhelloXX0\r\n\r\n",                 /* no CRLF after data */
		"5\rhello\r\n0\r\n\r\n",                 /* CR without LF */
		"fffffffffffffffffffff\r\n",             /* size overflow */
		"0\r\n\rX",                              /* bad end of trailer */
	};
	char msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s", bad[i]);
		if (rfc(msg).outcome != HTTP_ERR_BAD_CHUNK)
			fail_msg("case %zu: %s", i, http_outcome_str(rfc(msg).outcome));
	}
}

static void test_chunk_line_limits(void **state)
{
	char *msg = malloc(HTTP_MAX_CHUNK_LINE + 200);
	size_t n;

	(void)state;
	n = (size_t)sprintf(msg, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
	memset(msg + n, 'e', HTTP_MAX_CHUNK_LINE);
	strcpy(msg + n + HTTP_MAX_CHUNK_LINE, "\r\nx\r\n0\r\n\r\n");
	assert_int_equal(parse3(HTTP_FRAMING_RFC, msg, strlen(msg), 0, 0, 0, false).outcome,
			 HTTP_ERR_BAD_CHUNK);
	free(msg);
}

/* ---- close-delimited, truncated, empty ----------------------------------- */

static void test_close_delimited(void **state)
{
	struct result r;

	(void)state;
	r = rfc("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhello");
	assert_int_equal(r.outcome, HTTP_COMPLETE);
	assert_string_equal(r.hex, MD5_HELLO);
	r = ka("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello");
	assert_string_equal(r.hex, MD5_HELLO);
	r = ka("HTTP/1.1 200 OK\r\nA: b\r\n\r\n");
	assert_string_equal(r.hex, MD5_EMPTY);
}

static void test_truncated(void **state)
{
	(void)state;
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello").outcome,
			 HTTP_ERR_TRUNCATED);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel").outcome,
			 HTTP_ERR_TRUNCATED);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n").outcome,
			 HTTP_ERR_TRUNCATED);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n").outcome, HTTP_ERR_NO_HEADER);
	assert_int_equal(rfc("").outcome, HTTP_ERR_EMPTY);
	assert_int_equal(ka("").outcome, HTTP_ERR_EMPTY);
	assert_int_equal(ka("garbage").outcome, HTTP_ERR_NO_HEADER);
	/* 2.2.7 wants CRLF CRLF: a header ended by LF LF is no header */
	assert_int_equal(ka("HTTP/1.1 200 OK\nContent-Length: 3\n\nhello").outcome, HTTP_ERR_NO_HEADER);
	assert_string_equal(rfc("HTTP/1.1 200 OK\nContent-Length: 3\n\nhello").hex, MD5_HEL);
}

/* ---- header fields and limits ------------------------------------------ */

static void test_header_fields(void **state)
{
	struct result r;

	(void)state;
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n").outcome, HTTP_ERR_HEADER_LINE);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nno colon\r\n\r\n").outcome, HTTP_ERR_HEADER_LINE);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n").outcome, HTTP_ERR_HEADER_LINE);
	assert_int_equal(rfc("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n").outcome, HTTP_ERR_HEADER_LINE);
	/* no body for 204 and 304, whatever the header says */
	r = rfc("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
	assert_int_equal(r.outcome, HTTP_COMPLETE);
	assert_int_equal(r.body_len, 0);
	/* interim 1xx responses are skipped */
	r = rfc("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	assert_int_equal(r.status, 200);
	assert_int_equal(r.headers, 1);
	assert_string_equal(r.hex, MD5_HELLO);
}

static char *header_of(size_t total)
{
	/* "HTTP/1.1 200 OK\r\nX-Pad: aaa...\r\n\r\n" of exactly total bytes, then "hello" */
	static const char head[] = "HTTP/1.1 200 OK\r\nX-Pad: ";
	char *m = malloc(total + 6);
	size_t pad = total - strlen(head) - 4;

	memcpy(m, head, strlen(head));
	memset(m + strlen(head), 'a', pad);
	memcpy(m + strlen(head) + pad, "\r\n\r\nhello", 10);
	return m;
}

static void test_oversized_header(void **state)
{
	char *m;

	(void)state;
	/* 2.2.7: a header of 4095 bytes (CRLF CRLF included) is accepted, 4096 is not */
	m = header_of(4095);
	assert_string_equal(parse3(HTTP_FRAMING_KEEPALIVED, m, strlen(m), 0, 0, 0, false).hex, MD5_HELLO);
	free(m);
	m = header_of(4096);
	assert_int_equal(parse3(HTTP_FRAMING_KEEPALIVED, m, strlen(m), 0, 2000, 4000, false).outcome,
			 HTTP_ERR_HEADER_TOO_BIG);
	free(m);
	m = header_of(200);
	assert_int_equal(parse3(HTTP_FRAMING_RFC, m, strlen(m), 100, 0, 0, true).outcome,
			 HTTP_ERR_HEADER_TOO_BIG);
	assert_int_equal(parse3(HTTP_FRAMING_RFC, m, strlen(m), 200, 0, 0, true).outcome,
			 HTTP_COMPLETE);
	free(m);
}

/* ---- digests and callbacks ------------------------------------------------ */

static void test_digests(void **state)
{
	uint8_t d[HTTP_MD5_LEN];
	char hex[33];
	struct result r;

	(void)state;
	memset(d, 0xab, sizeof(d));
	http_digest_hex(d, hex);
	assert_string_equal(hex, "abababababababababababababababab");
	r = ka("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n");
	assert_string_equal(r.hex, "6f5902ac237024bdd0c176cb93063dc4");
	r = rfc("HTTP/1.1 200 OK\r\n\r\nThe quick brown fox jumps over the lazy dog");
	assert_string_equal(r.hex, "9e107d9d372bb6826bd81d3542a419d6");
	assert_string_equal(http_outcome_str(HTTP_ERR_BAD_CHUNK), "bad chunk");
}

/* Errors are sticky; the header is kept. */
static void test_sticky_and_header(void **state)
{
	struct http_response r;
	const char *h;
	size_t len;

	(void)state;
	assert_int_equal(http_response_init(&r, HTTP_FRAMING_RFC, 0, NULL, NULL, NULL), 0);
	assert_int_equal(http_response_feed(&r, "junk\r\n\r\n", 8), HTTP_ERR_STATUS_LINE);
	assert_int_equal(http_response_feed(&r, "HTTP/1.1 200 OK\r\n\r\n", 19), HTTP_ERR_STATUS_LINE);
	assert_int_equal(http_response_finish(&r), HTTP_ERR_STATUS_LINE);
	http_response_free(&r);
	assert_int_equal(http_response_init(&r, HTTP_FRAMING_KEEPALIVED, 0, NULL, NULL, NULL), 0);
	http_response_feed(&r, "HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", 29);
	h = http_response_header(&r, &len);
	assert_true(http_response_header_done(&r));
	assert_int_equal(len, 25);
	assert_memory_equal(h, "HTTP/1.1 200 OK\r\nA: b\r\n\r\n", 25);
	http_response_free(&r);
}

/* ---- request ------------------------------------------------------------ */

static void test_request(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(8080) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };
	char buf[512];

	(void)state;
	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	assert_int_not_equal(http_request_build(buf, sizeof(buf), "/foo?x=1", HTTP_PROTO_1_0, NULL,
						(struct sockaddr *)&in), 0);
	assert_string_equal(buf, "GET /foo?x=1 HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\n"
			    "Host: 127.0.0.1:8080\r\n\r\n");
	http_request_build(buf, sizeof(buf), "/", HTTP_PROTO_1_0C, NULL, (struct sockaddr *)&in6);
	assert_string_equal(buf, "GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\n"
			    "Connection: close\r\nHost: [::1]:80\r\n\r\n");
	http_request_build(buf, sizeof(buf), "/a", HTTP_PROTO_1_1, "www.example.com",
			   (struct sockaddr *)&in);
	assert_string_equal(buf, "GET /a HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\n"
			    "Connection: close\r\nHost: www.example.com\r\n\r\n");
	assert_int_equal(http_request_build(buf, 20, "/a", HTTP_PROTO_1_1, NULL,
					    (struct sockaddr *)&in), 0);
	assert_int_equal(http_protocol_parse("1.0"), HTTP_PROTO_1_0);
	assert_int_equal(http_protocol_parse("1.0c"), HTTP_PROTO_1_0C);
	assert_int_equal(http_protocol_parse("1.1"), HTTP_PROTO_1_1);
	assert_int_equal(http_protocol_parse("2.0"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_lines),
		cmocka_unit_test(test_content_length_rfc),
		cmocka_unit_test(test_content_length_completes_early),
		cmocka_unit_test(test_content_length_keepalived),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_bad),
		cmocka_unit_test(test_chunk_line_limits),
		cmocka_unit_test(test_close_delimited),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_oversized_header),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_sticky_and_header),
		cmocka_unit_test(test_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
