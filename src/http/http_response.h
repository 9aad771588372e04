/*
 * http_response.h - pure, incremental HTTP/1.x response parser and the MD5
 * body digest of HTTP_GET, SSL_GET and genhash.
 *
 * Design.  A struct http_response is fed the bytes of one response in
 * chunks of any size (http_response_feed), then told about end of input
 * (http_response_finish).  It never touches sockets, never logs, and is
 * safe for arbitrary input (tests/fuzz/fuzz_http.c).  It keeps the header
 * (bounded by max_header), the status code, and an MD5 digest (OpenSSL
 * EVP through md5.h) of the body bytes it accepts; each body byte is also
 * handed to an optional on_body callback, so callers can dump what is
 * hashed.
 *
 * Two framings:
 *   HTTP_FRAMING_KEEPALIVED  what keepalived 2.2.7 hashes, observed with
 *     its genhash against scripted servers: the header ends at the first
 *     CRLF CRLF, which must lie within the first max_header bytes (2.2.7:
 *     4095); the body is every byte after it until end of input, cut at
 *     the value of the first "Content-Length:" found in the header (case
 *     sensitive, anywhere in a line, so "X-Content-Length:" counts; the
 *     value is decimal with optional leading white space and '+', and must
 *     be followed by CR or LF, otherwise it is ignored).  Chunked bodies
 *     are NOT decoded: the chunk framing is hashed with the data.  A body
 *     shorter than Content-Length is accepted.  The status line is read
 *     leniently ("HTTP/x.y NNN"), status 0 when it does not parse.  The
 *     response is complete only at end of input.
 *   HTTP_FRAMING_RFC  RFC 9112: strict status line, header fields must be
 *     "name: value" (obs-fold rejected), CRLF or bare LF line ends; 1xx
 *     interim responses are skipped; no body for 204, 304; otherwise
 *     chunked (decoded, extensions and trailers skipped) when the last
 *     transfer coding is chunked, else Content-Length (case-insensitive,
 *     repeated identical values allowed), else delimited by end of input.
 *     The response is complete as soon as its framing says so; bytes after
 *     it are ignored; end of input before that is HTTP_ERR_TRUNCATED.
 *
 * Outcomes are sticky: once an error is returned every later call returns
 * it again.  http_response_init() allocates nothing: the header buffer
 * grows as header bytes come (up to max_header), and the MD5 context is
 * made at the first body byte (or at the end for an empty body).
 */
#ifndef KA_HTTP_RESPONSE_H
#define KA_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ka_md5;

#define HTTP_MD5_LEN 16
/* keepalived 2.2.7's header limit (bytes up to and including CRLF CRLF). */
#define HTTP_KA_MAX_HEADER 4095
/* Limits of the RFC framing's chunk-size line and trailer section. */
#define HTTP_MAX_CHUNK_LINE 4096
#define HTTP_MAX_TRAILER 8192

enum http_framing {
	HTTP_FRAMING_KEEPALIVED,
	HTTP_FRAMING_RFC,
};

enum http_outcome {
	HTTP_MORE = 0,            /* needs more input (or end of input) */
	HTTP_COMPLETE,            /* the whole response was seen; digest final */
	HTTP_ERR_EMPTY,           /* end of input before any byte */
	HTTP_ERR_NO_HEADER,       /* end of input before the end of the header */
	HTTP_ERR_HEADER_TOO_BIG,  /* no end of header within max_header bytes */
	HTTP_ERR_STATUS_LINE,     /* RFC: not "HTTP/d.d ddd ..." */
	HTTP_ERR_HEADER_LINE,     /* RFC: a field line that is not "name:value" */
	HTTP_ERR_BAD_LENGTH,      /* RFC: bad or conflicting Content-Length */
	HTTP_ERR_BAD_CHUNK,       /* RFC: bad chunk size, line or trailer */
	HTTP_ERR_TRUNCATED,       /* RFC: end of input inside the body */
	HTTP_ERR_DIGEST,          /* OpenSSL could not compute MD5 */
};

typedef void (*http_body_fn)(void *arg, const uint8_t *data, size_t len);
typedef void (*http_header_fn)(void *arg, const char *header, size_t len);

struct http_response {
	/* set by http_response_init() */
	enum http_framing framing;
	size_t max_header;
	http_header_fn on_header;      /* once, when the header is complete */
	http_body_fn on_body;          /* each run of body bytes hashed */
	void *cb_arg;

	/* results */
	enum http_outcome outcome;
	int status;                    /* status code, 0 if not parsed */
	uint64_t body_len;             /* body bytes hashed so far */
	uint64_t bytes_in;             /* every byte fed */
	uint8_t digest[HTTP_MD5_LEN];  /* valid when outcome == HTTP_COMPLETE */

	/* private */
	char *hdr;                     /* hdr_cap bytes, grown up to max_header */
	size_t hdr_cap;
	size_t hdr_len;
	bool hdr_done;
	bool have_length;
	uint64_t length;               /* Content-Length when have_length */
	bool chunked;
	bool no_body;
	int cstate;                    /* chunk decoder state */
	uint64_t chunk_left;
	size_t cline_len;              /* bytes in the current chunk line */
	size_t trailer_len;
	bool no_digest;                /* http_response_skip_digest() */
	struct ka_md5 *md;             /* made at first use (md5.h) */
};

/*
 * Prepare r for one response.  max_header bounds the header (0 selects
 * HTTP_KA_MAX_HEADER); callbacks may be NULL.  Returns 0 (-1 is kept in
 * the contract for memory failures; r is then safe to free).  A header
 * buffer that cannot grow later ends the response as HTTP_ERR_HEADER_TOO_BIG.
 */
int http_response_init(struct http_response *r, enum http_framing framing,
		       size_t max_header, http_header_fn on_header,
		       http_body_fn on_body, void *cb_arg);

/* Do not compute the digest (digest stays zero); call right after init.
 * Without a digest libcrypto is never loaded (it is loaded, through
 * md5.h, at the first body byte or the end of the response). */
void http_response_skip_digest(struct http_response *r);

/* Release what init allocated; r may be re-initialised afterwards. */
void http_response_free(struct http_response *r);

/*
 * Feed len bytes (len may be 0).  Returns HTTP_MORE, HTTP_COMPLETE or an
 * error; callbacks run from inside this call, on_header before the body
 * bytes of the same feed.
 */
enum http_outcome http_response_feed(struct http_response *r, const void *data, size_t len);

/* End of input: returns the final outcome (HTTP_COMPLETE or an error). */
enum http_outcome http_response_finish(struct http_response *r);

/* The header bytes received so far (the whole header once complete). */
const char *http_response_header(const struct http_response *r, size_t *len);
bool http_response_header_done(const struct http_response *r);

/* Short English text for an outcome ("header too big"). */
const char *http_outcome_str(enum http_outcome o);

/* Lower-case hex of an MD5 digest into out (33 bytes with the NUL). */
void http_digest_hex(const uint8_t digest[HTTP_MD5_LEN], char out[2 * HTTP_MD5_LEN + 1]);

#endif
