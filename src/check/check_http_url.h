/*
 * check_http_url.h - the url {} blocks of HTTP_GET and SSL_GET: what one
 * url expects, read from the configuration, and the pure verdict on one
 * response.
 *
 * A url passes when, in this order (the first failing test names the
 * failure): the status code is in its set (default 200-299), the MD5 of
 * the body equals `digest` (when given), and the body matches `regex`
 * (or, with regex_no_match, does not).  The regex sees the body bytes as
 * 2.2.7 hashes them, from regex_min_offset on, a match starting no later
 * than regex_max_offset; at most CK_HTTP_REGEX_MAX body bytes are kept for
 * it.  PCRE2 is loaded with dlopen() in the checker child the first time a
 * regex is compiled (the regex keywords cost nothing elsewhere);
 * regex_stack is accepted and not used (no JIT).
 */
#ifndef KA_CHECK_HTTP_URL_H
#define KA_CHECK_HTTP_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf_node;

#define CK_HTTP_REGEX_MAX (1024 * 1024)  /* body bytes kept for a regex */

/* Status codes 0..639 as a bit set (the reader allows 100..599). */
#define CK_HTTP_CODE_WORDS 10

struct ck_http_url {
	char *path;
	char *vhost;                     /* url's own virtualhost; NULL: the checker's */
	bool has_digest;
	uint8_t digest[16];
	char digest_hex[33];
	uint64_t codes[CK_HTTP_CODE_WORDS];
	char *codes_text;                /* as written, for the dump ("200-299") */
	char *regex;                     /* NULL: none */
	bool regex_no_match;
	uint32_t regex_opts;             /* PCRE2_* compile options */
	uint64_t regex_min_offset;
	uint64_t regex_max_offset;       /* 0: none */
	void *re;                        /* compiled (pcre2_code), NULL until first use */
	bool re_failed;                  /* compile failed once: logged, never retried */
};

/* Why a url failed (ck_http_url_verdict). */
enum ck_http_fail {
	CK_HTTP_OK,
	CK_HTTP_FAIL_STATUS,
	CK_HTTP_FAIL_DIGEST,
	CK_HTTP_FAIL_REGEX,
	CK_HTTP_FAIL_REGEX_ERROR,        /* the pattern does not compile or PCRE2 is missing */
};

/* Fill u from a url {} node (path required by the reader).  False when
 * out of memory; u is then safe to pass to ck_http_url_free(). */
bool ck_http_url_build(struct ck_http_url *u, const struct conf_node *url);
void ck_http_url_free(struct ck_http_url *u);

/* Add "N" or "LO-HI" to a code set; false when malformed (pure). */
bool ck_http_codes_add(uint64_t codes[CK_HTTP_CODE_WORDS], const char *word);
bool ck_http_code_in(const uint64_t codes[CK_HTTP_CODE_WORDS], int code);
/* "caseless" -> PCRE2_CASELESS...; 0 for an unknown word. */
uint32_t ck_http_regex_option(const char *word);
/* 32 hex digits -> 16 bytes; false when malformed. */
bool ck_http_digest_parse(const char *hex, uint8_t out[16]);

/*
 * The verdict on one complete response: status, MD5 digest of the body
 * (meaningful only when the url has a digest), the body bytes kept for the
 * regex (body, len; may be NULL when the url has none).
 */
enum ck_http_fail ck_http_url_verdict(struct ck_http_url *u, int status,
				      const uint8_t digest[16], const uint8_t *body, size_t len);

/* Compile u's regex now (done by the verdict otherwise); false with a
 * message in err when it cannot. */
bool ck_http_regex_compile(struct ck_http_url *u, char *err, size_t errlen);

#endif
