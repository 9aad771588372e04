/*
 * genhash_main.c - run genhash: one fetch with keepalived 2.2.7's framing
 * (raw body until the server closes, capped by Content-Length; see
 * http_response.h), then 2.2.7's output:
 *
 *   success          the MD5 in hex on stdout
 *   no header/data   "no data received from remote webserver" on stderr
 *   failures         one line on stdout: "Connection failed", "Timeout
 *                    connecting", "SSL handshake/communication error
 *                    connecting to", "Timeout WEB read" (nothing came),
 *                    "Timeout HTTP read" (something came), "Read error
 *                    with" (reset)
 *   -v               hex dumps of the header (banner repeated for every
 *                    read until the header is complete), the header as
 *                    text, the body one dump per read, the digest, and
 *                    "Global response time for [url] = N usecs"
 *
 * Also the `keepalived -T` entry, which finds -T/--genhash in keepalived's
 * command line and hands what follows it to genhash.
 */
#include "config.h"

#include <event2/event.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "genhash.h"
#include "http_fetch.h"

struct run {
	const struct genhash_opts *o;
	FILE *out, *err;
	bool html_banner;     /* header completed in this read: banner before body */
	struct event_base *base;
};

static void on_read(void *arg, const struct http_response *resp, size_t len)
{
	struct run *r = arg;

	(void)len;
	r->html_banner = false;
	if (r->o->verbose && !http_response_header_done(resp))
		genhash_banner(r->out, "    HTTP Header Buffer    ");
}

static void on_header(void *arg, const char *hdr, size_t len)
{
	struct run *r = arg;

	if (!r->o->verbose)
		return;
	genhash_hexdump(r->out, hdr, len);
	genhash_banner(r->out, " HTTP Header Ascii Buffer ");
	fwrite(hdr, 1, len, r->out);
	fputc('\n', r->out);
	r->html_banner = true;
}

static void on_body(void *arg, const uint8_t *data, size_t len)
{
	struct run *r = arg;

	if (!r->o->verbose)
		return;
	if (r->html_banner)
		genhash_banner(r->out, "        HTML Buffer        ");
	r->html_banner = false;
	genhash_hexdump(r->out, data, len);
}

/* The digest sections of -v; digest NULL: the no-data case (MD5 of nothing). */
static void print_digest(struct run *r, const uint8_t *digest)
{
	uint8_t empty[EVP_MAX_MD_SIZE];
	char hex[2 * HTTP_MD5_LEN + 1];

	if (!r->o->verbose) {
		if (digest) {
			http_digest_hex(digest, hex);
			fprintf(r->out, "%s\n", hex);
		}
		return;
	}
	if (!digest)
		EVP_Digest("", 0, empty, NULL, EVP_md5(), NULL);
	fputc('\n', r->out);
	genhash_banner(r->out, "    HTML hash resulting    ");
	genhash_hexdump(r->out, digest ? digest : empty, HTTP_MD5_LEN);
	genhash_banner(r->out, " HTML hash final resulting ");
	if (digest) {
		http_digest_hex(digest, hex);
		fprintf(r->out, "%s\n", hex);
	}
}

static const char *failure_line(const struct http_fetch_result *res)
{
	switch (res->status) {
	case HTTP_FETCH_SOCKET_ERROR:
	case HTTP_FETCH_CONNECT_FAILED:
	case HTTP_FETCH_WRITE_FAILED:
		return "Connection failed";
	case HTTP_FETCH_CONNECT_TIMEOUT:
	case HTTP_FETCH_TLS_TIMEOUT:
		return "Timeout connecting";
	case HTTP_FETCH_TLS_FAILED:
		return "SSL handshake/communication error connecting to";
	case HTTP_FETCH_WRITE_TIMEOUT:
		return "Timeout WEB write";
	case HTTP_FETCH_READ_TIMEOUT:
		return res->resp->bytes_in ? "Timeout HTTP read" : "Timeout WEB read";
	case HTTP_FETCH_READ_FAILED:
		return "Read error with";
	case HTTP_FETCH_OK:
		break;
	}
	return NULL;
}

static void on_done(void *arg, const struct http_fetch_result *res)
{
	struct run *r = arg;
	const char *line = failure_line(res);

	if (line) {
		fprintf(r->out, "%s\n", line);
	} else if (res->resp->outcome == HTTP_COMPLETE) {
		print_digest(r, res->resp->digest);
	} else {
		fprintf(r->err, "no data received from remote webserver\n");
		print_digest(r, NULL);
	}
	if (r->o->verbose)
		fprintf(r->out, "\nGlobal response time for [%s] = %llu usecs\n", r->o->url,
			(unsigned long long)res->elapsed_us);
	event_base_loopbreak(r->base);
}

int genhash_run(const struct genhash_opts *o, FILE *out, FILE *err)
{
	struct run r = { .o = o, .out = out, .err = err };
	char request[8192 + 512];
	char msg[256];
	struct http_fetch_opts fo = {
		.addr = (const struct sockaddr *)&o->addr,
		.addrlen = o->addrlen,
		.fwmark = o->fwmark,
		.timeout_ms = o->timeout_s * 1000u,
		.sni = o->sni ? o->virtualhost : NULL,
		.framing = HTTP_FRAMING_KEEPALIVED,
		.max_header = HTTP_KA_MAX_HEADER,
		.read_to_close = true,
		.on_read = on_read,
		.on_header = on_header,
		.on_body = on_body,
		.on_done = on_done,
		.arg = &r,
	};
	int rc = 0;

	fo.request_len = http_request_build(request, sizeof(request), o->url, o->proto,
					    o->virtualhost, fo.addr);
	fo.request = request;
	if (!fo.request_len) {
		fprintf(err, "genhash: url or virtualhost too long\n");
		return 1;
	}
	if (o->ssl && !(fo.tls = http_tls_ctx_new(NULL, NULL, NULL, NULL, msg, sizeof(msg)))) {
		fprintf(err, "genhash: %s\n", msg);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);   /* a server closing early is reported, not fatal */
	r.base = event_base_new();
	if (!r.base || !http_fetch_start(r.base, &fo)) {
		fprintf(err, "genhash: out of memory\n");
		rc = 1;
	} else {
		event_base_dispatch(r.base);
	}
	if (r.base)
		event_base_free(r.base);
	http_tls_ctx_free(fo.tls);
	fflush(out);
	return rc;
}

int genhash_main(int argc, char **argv)
{
	struct genhash_opts o;

	if (genhash_parse(&o, argc, argv, argv[0], true, stderr))
		return EXIT_FAILURE;
	return genhash_run(&o, stdout, stderr) ? EXIT_FAILURE : EXIT_SUCCESS;
}
