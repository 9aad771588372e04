/*
 * http_response.c - incremental HTTP/1.x response parser with MD5 body
 * digest (see http_response.h for the two framings and the contract).
 *
 * Flow of one feed: header bytes are copied into r->hdr one at a time
 * until the blank line that ends the header; the header is then analysed
 * once (keepalived or RFC rules) and the rest of the feed goes to the body
 * stage of the framing: straight hashing (keepalived, Content-Length,
 * close-delimited) or the chunk decoder (RFC chunked).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_response.h"
#include "md5.h"

/* chunk decoder states (RFC framing) */
enum {
	CS_SIZE,        /* hex digits of the chunk size */
	CS_SIZE_END,    /* after the digits: extension or line end */
	CS_EXT,         /* chunk extension, up to LF */
	CS_SIZE_LF,     /* CR seen at the end of the size line */
	CS_DATA,        /* chunk_left data bytes */
	CS_DATA_CR,     /* CRLF (or LF) after the data */
	CS_DATA_LF,
	CS_TRAILER_BOL, /* start of a trailer line (or the final blank line) */
	CS_TRAILER,     /* inside a trailer line */
	CS_END_LF,      /* CR of the final blank line seen */
};

int http_response_init(struct http_response *r, enum http_framing framing,
		       size_t max_header, http_header_fn on_header,
		       http_body_fn on_body, void *cb_arg)
{
	memset(r, 0, sizeof(*r));
	r->framing = framing;
	r->max_header = max_header ? max_header : HTTP_KA_MAX_HEADER;
	r->on_header = on_header;
	r->on_body = on_body;
	r->cb_arg = cb_arg;
	return 0;
}

/* Room for want header bytes (at most max_header): the buffer starts
 * small, most headers are short, and many fetches wait at once. */
static bool hdr_room(struct http_response *r, size_t want)
{
	size_t cap = r->hdr_cap ? r->hdr_cap : 256;
	char *p;

	if (want > r->max_header)
		want = r->max_header;
	if (want <= r->hdr_cap)
		return true;
	while (cap < want)
		cap *= 2;
	if (cap > r->max_header)
		cap = r->max_header;
	if (!(p = realloc(r->hdr, cap)))
		return false;
	r->hdr = p;
	r->hdr_cap = cap;
	return true;
}

void http_response_skip_digest(struct http_response *r)
{
	r->no_digest = true;
}

/* The MD5 context, made at the first body byte or at the end (libcrypto
 * is loaded then, not before); false when it cannot be had. */
static bool digest_ready(struct http_response *r)
{
	if (!r->md && !r->no_digest)
		r->md = ka_md5_new();
	return r->md || r->no_digest;
}

void http_response_free(struct http_response *r)
{
	free(r->hdr);
	r->hdr = NULL;
	r->hdr_cap = 0;
	ka_md5_free(r->md);
	r->md = NULL;
}

static enum http_outcome set_outcome(struct http_response *r, enum http_outcome o)
{
	r->outcome = o;
	return o;
}

static enum http_outcome complete(struct http_response *r)
{
	if (!digest_ready(r) || (r->md && !ka_md5_final(r->md, r->digest)))
		return set_outcome(r, HTTP_ERR_DIGEST);
	return set_outcome(r, HTTP_COMPLETE);
}

static enum http_outcome hash(struct http_response *r, const uint8_t *p, size_t n)
{
	if (!n)
		return HTTP_MORE;
	if (!digest_ready(r) || (r->md && !ka_md5_update(r->md, p, n)))
		return set_outcome(r, HTTP_ERR_DIGEST);
	r->body_len += n;
	if (r->on_body)
		r->on_body(r->cb_arg, p, n);
	return HTTP_MORE;
}

/* ---- header analysis ------------------------------------------------- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Append a decimal digit to *v; false on overflow past 2^63. */
static bool add_digit(uint64_t *v, int c)
{
	if (*v > (UINT64_MAX / 2 - 9) / 10)
		return false;
	*v = *v * 10 + (uint64_t)(c - '0');
	return true;
}

static const char *find_bytes(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= hlen; i++)
		if (!memcmp(h + i, needle, n))
			return h + i;
	return NULL;
}

/* keepalived: "HTTP/<anything> <3 digits>"; 0 when it does not parse. */
static int ka_status(const char *h, size_t len)
{
	size_t i = 5;

	if (len < 5 || memcmp(h, "HTTP/", 5))
		return 0;
	while (i < len && h[i] != ' ' && h[i] != '\r' && h[i] != '\n')
		i++;
	while (i < len && h[i] == ' ')
		i++;
	if (i + 3 > len || !is_digit(h[i]) || !is_digit(h[i + 1]) || !is_digit(h[i + 2]))
		return 0;
	if (i + 3 < len && is_digit(h[i + 3]))
		return 0;
	return (h[i] - '0') * 100 + (h[i + 1] - '0') * 10 + (h[i + 2] - '0');
}

static bool is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* keepalived: the first "Content-Length:" anywhere in the header. */
static void ka_length(struct http_response *r)
{
	const char *end = r->hdr + r->hdr_len;
	const char *p = find_bytes(r->hdr, r->hdr_len, "Content-Length:");
	uint64_t v = 0;
	bool digits = false;

	if (!p)
		return;
	p += strlen("Content-Length:");
	while (p < end && is_ws(*p))
		p++;
	if (p < end && *p == '+')
		p++;
	for (; p < end && is_digit(*p); p++, digits = true)
		if (!add_digit(&v, *p))
			return;
	if (!digits || p == end || (*p != '\r' && *p != '\n'))
		return;
	r->have_length = true;
	r->length = v;
}

/* RFC: "HTTP/d.d SP ddd [SP reason]" */
static int rfc_status(const char *l, size_t len)
{
	if (len < 12 || memcmp(l, "HTTP/", 5) || !is_digit(l[5]) || l[6] != '.' ||
	    !is_digit(l[7]) || l[8] != ' ' || !is_digit(l[9]) || !is_digit(l[10]) ||
	    !is_digit(l[11]) || (len > 12 && l[12] != ' ') || l[9] == '0')
		return 0;
	return (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
}

static bool token_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

static bool name_is(const char *n, size_t nlen, const char *want)
{
	return nlen == strlen(want) && !strncasecmp(n, want, nlen);
}

static enum http_outcome rfc_content_length(struct http_response *r, const char *v, size_t vlen)
{
	uint64_t n = 0;
	size_t i;

	if (!vlen)
		return set_outcome(r, HTTP_ERR_BAD_LENGTH);
	for (i = 0; i < vlen; i++)
		if (!is_digit(v[i]) || !add_digit(&n, v[i]))
			return set_outcome(r, HTTP_ERR_BAD_LENGTH);
	if (r->have_length && r->length != n)
		return set_outcome(r, HTTP_ERR_BAD_LENGTH);
	r->have_length = true;
	r->length = n;
	return HTTP_MORE;
}

/* Transfer-Encoding: chunked when the last coding of the last field is. */
static void rfc_transfer_encoding(struct http_response *r, const char *v, size_t vlen)
{
	size_t start = vlen, end = vlen;

	while (start > 0 && v[start - 1] != ',')
		start--;
	while (start < end && (v[start] == ' ' || v[start] == '\t'))
		start++;
	r->chunked = name_is(v + start, end - start, "chunked");
	r->no_body = false;
	r->cstate = r->chunked ? CS_SIZE : 0;
	r->length = 0;
	r->have_length = false;
	r->cline_len = 0;
}

/* One field line (without its line end); te_seen keeps CL out once TE is seen. */
static enum http_outcome rfc_field(struct http_response *r, const char *l, size_t len, bool *te_seen)
{
	const char *colon = memchr(l, ':', len);
	const char *v;
	size_t nlen, vlen, i;

	if (!colon || colon == l)
		return set_outcome(r, HTTP_ERR_HEADER_LINE);
	nlen = (size_t)(colon - l);
	for (i = 0; i < nlen; i++)
		if (!token_char((unsigned char)l[i]))
			return set_outcome(r, HTTP_ERR_HEADER_LINE);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++)
		if (v[i] == '\0' || v[i] == '\r')
			return set_outcome(r, HTTP_ERR_HEADER_LINE);
	if (name_is(l, nlen, "transfer-encoding")) {
		*te_seen = true;
		rfc_transfer_encoding(r, v, vlen);
	} else if (name_is(l, nlen, "content-length") && !*te_seen) {
		return rfc_content_length(r, v, vlen);
	}
	return HTTP_MORE;
}

static enum http_outcome rfc_header(struct http_response *r)
{
	const char *p = r->hdr, *end = r->hdr + r->hdr_len;
	bool first = true, te_seen = false;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(lf - p);

		if (len && p[len - 1] == '\r')
			len--;
		if (first) {
			r->status = rfc_status(p, len);
			if (!r->status)
				return set_outcome(r, HTTP_ERR_STATUS_LINE);
			first = false;
		} else if (len == 0) {
			break;
		} else if (*p == ' ' || *p == '\t') {
			return set_outcome(r, HTTP_ERR_HEADER_LINE);
		} else if (rfc_field(r, p, len, &te_seen) != HTTP_MORE) {
			return r->outcome;
		}
		p = lf + 1;
	}
	if (r->status == 204 || r->status == 304)
		r->no_body = true;
	return HTTP_MORE;
}

/* Called once the blank line is in r->hdr. */
static enum http_outcome header_done(struct http_response *r)
{
	if (r->framing == HTTP_FRAMING_KEEPALIVED) {
		r->status = ka_status(r->hdr, r->hdr_len);
		ka_length(r);
	} else if (rfc_header(r) != HTTP_MORE) {
		return r->outcome;
	} else if (r->status < 200 && r->status != 101) {
		/* interim response: the real one follows */
		r->hdr_len = 0;
		r->have_length = r->chunked = r->no_body = false;
		r->length = 0;
		return HTTP_MORE;
	}
	r->hdr_done = true;
	if (r->on_header)
		r->on_header(r->cb_arg, r->hdr, r->hdr_len);
	if (r->framing == HTTP_FRAMING_RFC &&
	    (r->no_body || (!r->chunked && r->have_length && r->length == 0)))
		return complete(r);
	return HTTP_MORE;
}

static bool header_end(const struct http_response *r)
{
	const char *h = r->hdr;
	size_t n = r->hdr_len;

	if (n < 2 || h[n - 1] != '\n')
		return false;
	if (n >= 4 && !memcmp(h + n - 4, "\r\n\r\n", 4))
		return true;
	if (r->framing == HTTP_FRAMING_KEEPALIVED)
		return false;
	return h[n - 2] == '\n' || (n >= 3 && h[n - 2] == '\r' && h[n - 3] == '\n');
}

/* Copy header bytes; *used tells how many of data were taken. */
static enum http_outcome feed_header(struct http_response *r, const uint8_t *data,
				     size_t len, size_t *used)
{
	size_t i;

	if (!hdr_room(r, r->hdr_len + len)) {
		*used = 0;
		return set_outcome(r, HTTP_ERR_HEADER_TOO_BIG);
	}
	for (i = 0; i < len && !r->hdr_done;) {
		r->hdr[r->hdr_len++] = (char)data[i++];
		if (header_end(r)) {
			if (header_done(r) != HTTP_MORE) {
				*used = i;
				return r->outcome;
			}
		} else if (r->hdr_len == r->max_header) {
			/* full, and the header has not ended: it cannot fit */
			*used = i;
			return set_outcome(r, HTTP_ERR_HEADER_TOO_BIG);
		}
	}
	*used = i;
	return HTTP_MORE;
}

/* ---- bodies ---------------------------------------------------------- */

static enum http_outcome ka_body(struct http_response *r, const uint8_t *p, size_t n)
{
	if (r->have_length) {
		uint64_t left = r->length - r->body_len;

		if (n > left)
			n = (size_t)left;
	}
	return hash(r, p, n);
}

static enum http_outcome length_body(struct http_response *r, const uint8_t *p, size_t n)
{
	uint64_t left = r->length - r->body_len;

	if (n >= left) {
		if (hash(r, p, (size_t)left) != HTTP_MORE)
			return r->outcome;
		return complete(r);
	}
	return hash(r, p, n);
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static enum http_outcome bad_chunk(struct http_response *r)
{
	return set_outcome(r, HTTP_ERR_BAD_CHUNK);
}

/* The end of a chunk-size line: data, or the trailer after the last chunk. */
static void size_line_done(struct http_response *r)
{
	r->cline_len = 0;
	r->cstate = r->chunk_left ? CS_DATA : CS_TRAILER_BOL;
}

/* One byte of chunk framing (everything but chunk data). */
static enum http_outcome chunk_byte(struct http_response *r, int c)
{
	int h;

	if (r->cstate <= CS_SIZE_LF && ++r->cline_len > HTTP_MAX_CHUNK_LINE)
		return bad_chunk(r);
	if (r->cstate >= CS_TRAILER_BOL && ++r->trailer_len > HTTP_MAX_TRAILER)
		return bad_chunk(r);
	switch (r->cstate) {
	case CS_SIZE:
		h = hexval(c);
		if (h >= 0) {
			if (r->chunk_left > (UINT64_MAX >> 5))
				return bad_chunk(r);
			r->chunk_left = r->chunk_left * 16 + (uint64_t)h;
			return HTTP_MORE;
		}
		if (r->cline_len == 1)
			return bad_chunk(r);
		r->cstate = CS_SIZE_END;
		/* fall through */
	case CS_SIZE_END:
		if (c == ' ' || c == '\t')
			return HTTP_MORE;
		if (c == ';')
			r->cstate = CS_EXT;
		else if (c == '\r')
			r->cstate = CS_SIZE_LF;
		else if (c == '\n')
			size_line_done(r);
		else
			return bad_chunk(r);
		return HTTP_MORE;
	case CS_EXT:
		if (c == '\n')
			size_line_done(r);
		else if (c == '\0')
			return bad_chunk(r);
		return HTTP_MORE;
	case CS_SIZE_LF:
		if (c != '\n')
			return bad_chunk(r);
		size_line_done(r);
		return HTTP_MORE;
	case CS_DATA_CR:
		if (c == '\n') {
			r->cstate = CS_SIZE;
			return HTTP_MORE;
		}
		if (c != '\r')
			return bad_chunk(r);
		r->cstate = CS_DATA_LF;
		return HTTP_MORE;
	case CS_DATA_LF:
		if (c != '\n')
			return bad_chunk(r);
		r->cstate = CS_SIZE;
		return HTTP_MORE;
	case CS_TRAILER_BOL:
		if (c == '\n')
			return complete(r);
		r->cstate = c == '\r' ? CS_END_LF : CS_TRAILER;
		return HTTP_MORE;
	case CS_TRAILER:
		if (c == '\n')
			r->cstate = CS_TRAILER_BOL;
		return HTTP_MORE;
	case CS_END_LF:
		if (c != '\n')
			return bad_chunk(r);
		return complete(r);
	default:
		return bad_chunk(r);
	}
}

static enum http_outcome chunked_body(struct http_response *r, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (r->cstate == CS_DATA) {
			size_t take = n - i;

			if (take > r->chunk_left)
				take = (size_t)r->chunk_left;
			if (hash(r, p + i, take) != HTTP_MORE)
				return r->outcome;
			r->chunk_left -= take;
			i += take;
			if (!r->chunk_left)
				r->cstate = CS_DATA_CR;
			continue;
		}
		if (chunk_byte(r, p[i++]) != HTTP_MORE)
			return r->outcome;
	}
	return HTTP_MORE;
}

static enum http_outcome feed_body(struct http_response *r, const uint8_t *p, size_t n)
{
	if (r->framing == HTTP_FRAMING_KEEPALIVED)
		return ka_body(r, p, n);
	if (r->chunked)
		return chunked_body(r, p, n);
	if (r->have_length)
		return length_body(r, p, n);
	return hash(r, p, n);
}

/* ---- public entry points -------------------------------------------- */

enum http_outcome http_response_feed(struct http_response *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = 0;

	if (r->outcome != HTTP_MORE)
		return r->outcome;
	r->bytes_in += len;
	if (!r->hdr_done && feed_header(r, p, len, &used) != HTTP_MORE)
		return r->outcome;
	if (!r->hdr_done || used == len)
		return HTTP_MORE;
	return feed_body(r, p + used, len - used);
}

enum http_outcome http_response_finish(struct http_response *r)
{
	if (r->outcome != HTTP_MORE)
		return r->outcome;
	if (!r->hdr_done)
		return set_outcome(r, r->bytes_in ? HTTP_ERR_NO_HEADER : HTTP_ERR_EMPTY);
	if (r->framing == HTTP_FRAMING_RFC && (r->chunked || r->have_length))
		return set_outcome(r, HTTP_ERR_TRUNCATED);
	return complete(r);
}

const char *http_response_header(const struct http_response *r, size_t *len)
{
	*len = r->hdr_len;
	return r->hdr;
}

bool http_response_header_done(const struct http_response *r)
{
	return r->hdr_done;
}

const char *http_outcome_str(enum http_outcome o)
{
	switch (o) {
	case HTTP_MORE: return "incomplete";
	case HTTP_COMPLETE: return "complete";
	case HTTP_ERR_EMPTY: return "no data";
	case HTTP_ERR_NO_HEADER: return "no end of header";
	case HTTP_ERR_HEADER_TOO_BIG: return "header too big";
	case HTTP_ERR_STATUS_LINE: return "bad status line";
	case HTTP_ERR_HEADER_LINE: return "bad header line";
	case HTTP_ERR_BAD_LENGTH: return "bad Content-Length";
	case HTTP_ERR_BAD_CHUNK: return "bad chunk";
	case HTTP_ERR_TRUNCATED: return "truncated body";
	case HTTP_ERR_DIGEST: return "MD5 failure";
	}
	return "unknown";
}

void http_digest_hex(const uint8_t digest[HTTP_MD5_LEN], char out[2 * HTTP_MD5_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < HTTP_MD5_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * HTTP_MD5_LEN] = '\0';
}
