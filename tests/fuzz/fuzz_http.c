/*
 * fuzz_http.c - libFuzzer target for the HTTP response parser
 * (src/http/http_response.c).  The first input byte chooses a split
 * pattern; the rest is a response fed under both framings twice: whole,
 * then in pieces of the chosen sizes.  Invariants besides the sanitizers:
 * the outcome, status, body length and digest do not depend on how the
 * input was split; an outcome once reached stays; every outcome has a name;
 * the body never exceeds the input.
 * Build and run: make fuzz-http (tests/fuzz/README.md).
 */
#include <stdlib.h>
#include <string.h>

#include "http_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	enum http_outcome outcome;
	int status;
	uint64_t body_len;
	uint8_t digest[HTTP_MD5_LEN];
	size_t header_len;
};

static void on_body(void *arg, const uint8_t *p, size_t n)
{
	uint64_t *seen = arg;

	if (n == 0 || !p)
		abort();
	*seen += n;
}

static void run_one(enum http_framing fr, const uint8_t *data, size_t size, size_t step,
		    size_t max_header, struct run *out)
{
	struct http_response r;
	uint64_t seen = 0;
	size_t off = 0, n = 0;
	enum http_outcome o = HTTP_MORE;

	if (http_response_init(&r, fr, max_header, NULL, on_body, &seen) < 0)
		abort();
	while (off < size) {
		size_t len = step ? (step + n++ * 7) % 61 + 1 : size;

		if (len > size - off)
			len = size - off;
		o = http_response_feed(&r, data + off, len);
		off += len;
		if (o != HTTP_MORE && http_response_feed(&r, "x", 1) != o)
			abort();
	}
	o = http_response_finish(&r);
	if (http_response_finish(&r) != o || !strcmp(http_outcome_str(o), "unknown"))
		abort();
	if (o == HTTP_MORE || seen != r.body_len || r.body_len > r.bytes_in ||
	    r.status < 0 || r.status > 999)
		abort();
	out->outcome = o;
	out->status = r.status;
	out->body_len = r.body_len;
	memcpy(out->digest, r.digest, HTTP_MD5_LEN);
	http_response_header(&r, &out->header_len);
	http_response_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum http_framing framings[] = { HTTP_FRAMING_KEEPALIVED, HTTP_FRAMING_RFC };
	size_t i, step, max_header;

	if (size < 1)
		return 0;
	step = data[0] % 16 + 1;
	max_header = data[0] & 0x80 ? 64 : 0;
	data++;
	size--;
	for (i = 0; i < 2; i++) {
		struct run whole, split;

		run_one(framings[i], data, size, 0, max_header, &whole);
		run_one(framings[i], data, size, step, max_header, &split);
		if (whole.outcome != split.outcome || whole.status != split.status ||
		    whole.body_len != split.body_len || whole.header_len != split.header_len)
			abort();
		if (whole.outcome == HTTP_COMPLETE &&
		    memcmp(whole.digest, split.digest, HTTP_MD5_LEN))
			abort();
	}
	return 0;
}
