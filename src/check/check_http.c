/*
 * check_http.c - HTTP_GET and SSL_GET (pass rules: check_http.h).
 *
 * build() copies the url {} blocks (check_http_url.c), the protocol, the
 * virtualhost (url > checker > real_server > virtual_server) and, for
 * SSL_GET, the root SSL {} files.  An attempt walks the urls from
 * spec->idx: each url is one http_fetch (the socket comes from
 * ck_socket(), so bindto, bind_port, bind_if and fwmark apply; the
 * response is framed and hashed as 2.2.7 does, read until the server
 * closes; connect_timeout bounds each phase).  url_done() judges the
 * response and either ends the attempt through finish() or starts the
 * next url after delay_loop (at once for a down checker with
 * fast_recovery, see the header).
 * The regex, when a url has one, sees the body gathered by on_body().
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "check_http.h"
#include "check_http_url.h"
#include "conf.h"
#include "http_fetch.h"
#include "http_request.h"
#include "log.h"

struct http_spec {
	bool ssl, sni, fast_recovery;
	enum http_protocol proto;
	char *vhost;                       /* checker, real or virtual server's; NULL */
	struct ck_http_url *urls;
	size_t n_urls;
	char *ca, *cert, *key, *password;  /* root SSL {} (SSL_GET) */
	char label[CK_LABEL_MAX];          /* "[ip]:tcp:port" of connect_ip/port */
	bool tls_warned;
	/* across attempts */
	size_t idx;                        /* next url to check */
	bool pass_clean;                   /* the pass in progress had no failure */
};

struct http_run {
	struct http_fetch *fetch;
	struct event *wait;                /* delay_loop between urls of a down checker */
	bool was_up;                       /* c->up when the attempt began */
	uint8_t *body;                     /* body kept for a regex */
	size_t body_len, body_cap;
};

/* ---- TLS context, shared by the SSL checks ------------------------------- */

static struct {
	struct ssl_ctx_st *ctx;
	char *id;                          /* the files it was made from */
} tls;

static struct ssl_ctx_st *tls_ctx(struct http_spec *s, char *err, size_t errlen)
{
	char id[4096];

	snprintf(id, sizeof(id), "%s|%s|%s|%s", s->ca ? s->ca : "", s->cert ? s->cert : "",
		 s->key ? s->key : "", s->password ? s->password : "");
	if (tls.ctx && !strcmp(tls.id, id))
		return tls.ctx;
	http_tls_ctx_free(tls.ctx);    /* SSLs in flight keep their reference */
	free(tls.id);
	tls.id = strdup(id);
	tls.ctx = tls.id ? http_tls_ctx_new(s->ca, s->cert, s->key, s->password, err, errlen)
			 : NULL;
	if (!tls.ctx) {
		free(tls.id);
		tls.id = NULL;
	}
	return tls.ctx;
}

/* ---- attempt ---------------------------------------------------------------- */

static void release(struct ck_check *c)
{
	struct http_run *r = c->run;

	if (!r)
		return;
	if (r->fetch)
		http_fetch_cancel(r->fetch);
	if (r->wait)
		event_free(r->wait);
	free(r->body);
	free(r);
	c->run = NULL;
}

static void finish(struct ck_check *c, enum ck_outcome o, const char *line, const char *why)
{
	struct http_spec *s = c->spec;
	struct http_run *r = c->run;
	bool was_up = r ? r->was_up : c->up;

	release(c);
	if (o == CK_SUCCESS) {
		s->pass_clean = true;
		ck_check_done(c, o, NULL);
		return;
	}
	if (was_up && c->log_all_failures && line)
		log_info("%s server %s.", line, s->label);
	s->pass_clean = false;      /* the failed url is checked again next time */
	ck_check_done(c, o, "%s", why);
}

static void on_body(void *arg, const uint8_t *data, size_t len)
{
	struct ck_check *c = arg;
	struct http_run *r = c->run;
	size_t take;

	if (r->body_len >= CK_HTTP_REGEX_MAX)
		return;
	take = CK_HTTP_REGEX_MAX - r->body_len < len ? CK_HTTP_REGEX_MAX - r->body_len : len;
	if (r->body_len + take > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap : 4096;
		uint8_t *p;

		while (cap < r->body_len + take)
			cap *= 2;
		if (!(p = realloc(r->body, cap)))
			return;
		r->body = p;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, take);
	r->body_len += take;
}

static void start_url(struct ck_check *c);

static void wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;
	struct http_run *r = c->run;

	(void)fd;
	(void)what;
	event_free(r->wait);
	r->wait = NULL;
	start_url(c);
}

/* The url at s->idx passed: next url, or the end of the attempt. */
static void url_passed(struct ck_check *c, const struct ck_http_url *u)
{
	struct http_spec *s = c->spec;
	struct http_run *r = c->run;
	struct timeval tv = { .tv_sec = (time_t)(c->delay_loop_us / 1000000),
			      .tv_usec = (suseconds_t)(c->delay_loop_us % 1000000) };

	if (!r->was_up)
		log_info("%s success to %s url(%s)", u->regex ? "Regex match" : u->has_digest ?
			 "MD5 digest" : "HTTP status code", s->label, u->path);
	if (++s->idx == s->n_urls) {
		s->idx = 0;
		if (r->was_up || s->pass_clean) {
			finish(c, CK_SUCCESS, NULL, NULL);
			return;
		}
		s->pass_clean = true;    /* the next pass counts */
	}
	r->body_len = 0;
	if (!r->was_up && s->fast_recovery) {
		start_url(c);
		return;
	}
	r->wait = evtimer_new(c->base, wait_cb, c);
	if (!r->wait || evtimer_add(r->wait, &tv) < 0)
		finish(c, CK_ERROR, NULL, "out of memory");
}

/* Judge a complete response to url u. */
static void judge(struct ck_check *c, struct ck_http_url *u, const struct http_response *resp)
{
	struct http_run *r = c->run;
	char why[CK_REASON_MAX];

	switch (ck_http_url_verdict(u, resp->status, resp->digest, r->body, r->body_len)) {
	case CK_HTTP_OK:
		url_passed(c, u);
		return;
	case CK_HTTP_FAIL_STATUS:
		snprintf(why, sizeof(why), "status code %d for url %s", resp->status, u->path);
		finish(c, CK_ERROR, "HTTP status code error to", why);
		return;
	case CK_HTTP_FAIL_DIGEST: {
		char hex[2 * HTTP_MD5_LEN + 1];

		http_digest_hex(resp->digest, hex);
		snprintf(why, sizeof(why), "digest %s for url %s", hex, u->path);
		finish(c, CK_ERROR, "MD5 digest error to", why);
		return;
	}
	case CK_HTTP_FAIL_REGEX:
		snprintf(why, sizeof(why), "regex %smatched for url %s",
			 u->regex_no_match ? "" : "not ", u->path);
		finish(c, CK_ERROR, "Regex match failed", why);
		return;
	case CK_HTTP_FAIL_REGEX_ERROR:
		snprintf(why, sizeof(why), "regex of url %s unusable", u->path);
		finish(c, CK_ERROR, "Regex match failed", why);
		return;
	}
}

static void url_done(void *arg, const struct http_fetch_result *res)
{
	struct ck_check *c = arg;
	struct http_spec *s = c->spec;
	struct ck_http_url *u = &s->urls[s->idx];
	const char *line = NULL;
	enum ck_outcome o = CK_ERROR;

	((struct http_run *)c->run)->fetch = NULL;   /* it frees itself after this */
	switch (res->status) {
	case HTTP_FETCH_OK:
		if (res->resp->outcome == HTTP_COMPLETE) {
			judge(c, u, res->resp);
			return;
		}
		line = "Read, no data received from ";
		break;
	case HTTP_FETCH_SOCKET_ERROR:
	case HTTP_FETCH_CONNECT_FAILED:
	case HTTP_FETCH_WRITE_FAILED:
		line = "Connection failed";
		o = res->err == ECONNREFUSED ? CK_REFUSED : CK_ERROR;
		break;
	case HTTP_FETCH_CONNECT_TIMEOUT:
	case HTTP_FETCH_TLS_TIMEOUT:
		line = "Timeout connecting";
		o = CK_TIMEOUT;
		break;
	case HTTP_FETCH_TLS_FAILED:
		line = "SSL handshake/communication error connecting to";
		break;
	case HTTP_FETCH_WRITE_TIMEOUT:
		line = "Timeout WEB write";
		o = CK_TIMEOUT;
		break;
	case HTTP_FETCH_READ_TIMEOUT:
		line = res->resp->bytes_in ? "Timeout HTTP read" : "Timeout WEB read";
		o = CK_TIMEOUT;
		break;
	case HTTP_FETCH_READ_FAILED:
		line = "Read error with";
		break;
	}
	finish(c, o, line, res->status == HTTP_FETCH_OK ? http_outcome_str(res->resp->outcome)
							: http_fetch_status_str(res->status));
}

static bool fetch_opts(struct ck_check *c, struct http_fetch_opts *o, char *req, size_t reqlen,
		       struct sockaddr_storage *ss, char *err, size_t errlen)
{
	struct http_spec *s = c->spec;
	struct ck_http_url *u = &s->urls[s->idx];
	const char *vhost = u->vhost ? u->vhost : s->vhost;

	memset(o, 0, sizeof(*o));
	o->addrlen = ck_sockaddr(&c->connect_ip, c->connect_port, ss);
	o->addr = (struct sockaddr *)ss;
	o->request_len = http_request_build(req, reqlen, u->path, s->proto, vhost, o->addr);
	o->request = req;
	if (!o->request_len) {
		snprintf(err, errlen, "request for url %s too long", u->path);
		return false;
	}
	if (s->ssl && !(o->tls = tls_ctx(s, err, errlen))) {
		if (!s->tls_warned)
			log_warnx("SSL_GET %s: TLS setup failed: %s", s->label, err);
		s->tls_warned = true;
		return false;
	}
	o->sni = s->ssl && s->sni ? vhost : NULL;
	o->timeout_ms = (unsigned)((c->connect_timeout_us + 999) / 1000);
	o->framing = HTTP_FRAMING_KEEPALIVED;
	o->read_to_close = true;
	o->no_digest = !u->has_digest;
	o->on_body = u->regex ? on_body : NULL;
	o->on_done = url_done;
	o->arg = c;
	return true;
}

static void start_url(struct ck_check *c)
{
	struct http_run *r = c->run;
	struct http_fetch_opts o;
	struct sockaddr_storage ss;
	char req[4096], err[200];
	int fd;

	if (!fetch_opts(c, &o, req, sizeof(req), &ss, err, sizeof(err))) {
		finish(c, CK_ERROR, c->spec && ((struct http_spec *)c->spec)->ssl ?
		       "SSL handshake/communication error connecting to" : "Connection failed", err);
		return;
	}
	fd = ck_socket(c, SOCK_STREAM, IPPROTO_TCP);
	if (fd < 0) {
		finish(c, CK_ERROR, "Connection failed", strerror(-fd));
		return;
	}
	o.use_fd = true;
	o.fd = fd;
	r->fetch = http_fetch_start(c->base, &o);
	if (!r->fetch)
		finish(c, CK_ERROR, NULL, "out of memory");
}

static void http_attempt(struct ck_check *c)
{
	struct http_spec *s = c->spec;
	struct http_run *r;

	if (!s->n_urls) {   /* the reader warned: such a checker checks nothing */
		ck_check_done(c, CK_SUCCESS, NULL);
		return;
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	r->was_up = c->up;
	c->run = r;
	start_url(c);
}

/* ---- build, free, logs, dump ------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* virtualhost of the checker, else of its real server, else virtual server. */
static const char *find_vhost(const struct conf_node *blk)
{
	for (const struct conf_node *n = blk; n; n = n->parent) {
		const struct conf_node *v = conf_find_last(n, "virtualhost");

		if (v && v->argc > 0)
			return v->argv[0];
		if (n->kw && !strcmp(conf_node_name(n), "virtual_server"))
			break;
	}
	return NULL;
}

static bool build_ssl(struct http_spec *s, const struct conf *conf)
{
	const struct conf_node *ssl = conf->root ? conf_find_last(conf->root, "SSL") : NULL;

	if (!ssl)
		return true;
	s->ca = dup_or_null(conf_get_str(ssl, "ca", NULL));
	s->cert = dup_or_null(conf_get_str(ssl, "certificate", NULL));
	s->key = dup_or_null(conf_get_str(ssl, "key", NULL));
	s->password = dup_or_null(conf_get_str(ssl, "password", NULL));
	return (!conf_find(ssl, "ca") || s->ca) && (!conf_find(ssl, "certificate") || s->cert) &&
	       (!conf_find(ssl, "key") || s->key) && (!conf_find(ssl, "password") || s->password);
}

static bool build_urls(struct http_spec *s, const struct conf_node *blk)
{
	const struct conf_node *n;
	size_t count = 0;

	conf_foreach(n, blk)
		count += n->kw && !strcmp(conf_node_name(n), "url") && conf_find(n, "path");
	if (!count)
		return true;
	if (!(s->urls = calloc(count, sizeof(*s->urls))))
		return false;
	conf_foreach(n, blk) {
		if (!n->kw || strcmp(conf_node_name(n), "url") || !conf_find(n, "path"))
			continue;
		if (!ck_http_url_build(&s->urls[s->n_urls++], n))
			return false;
	}
	return true;
}

static bool http_build_kind(struct ck_check *c, const struct conf_node *blk,
			    const struct conf *conf, bool ssl)
{
	struct http_spec *s = calloc(1, sizeof(*s));
	const char *proto = conf_get_str(blk, "http_protocol", "1.0");
	const char *vh = find_vhost(blk);
	char a[INET6_ADDRSTRLEN];
	int p = http_protocol_parse(proto);

	if (!s)
		return false;
	c->spec = s;
	s->ssl = ssl;
	s->proto = p < 0 ? HTTP_PROTO_1_0 : (enum http_protocol)p;
	s->sni = conf_get_bool(blk, "enable_sni", false);
	s->fast_recovery = conf_get_bool(blk, "fast_recovery", false);
	s->pass_clean = true;
	snprintf(s->label, sizeof(s->label), "[%s]:tcp:%u",
		 ipvs_ip_format(&c->connect_ip, a, sizeof(a)), c->connect_port);
	if (vh && !(s->vhost = strdup(vh)))
		return false;
	return build_urls(s, blk) && (!ssl || build_ssl(s, conf));
}

static bool http_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	return http_build_kind(c, blk, conf, false);
}

static bool ssl_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	return http_build_kind(c, blk, conf, true);
}

static void http_free_spec(struct ck_check *c)
{
	struct http_spec *s = c->spec;

	if (!s)
		return;
	for (size_t i = 0; i < s->n_urls; i++)
		ck_http_url_free(&s->urls[i]);
	free(s->urls);
	free(s->vhost);
	free(s->ca);
	free(s->cert);
	free(s->key);
	free(s->password);
	free(s);
	c->spec = NULL;
}

static void http_log_ok(const struct ck_check *c)
{
	log_info("Remote Web server %s succeed on service.", ((struct http_spec *)c->spec)->label);
}

static void http_log_failed(const struct ck_check *c, unsigned retries)
{
	const char *label = ((const struct http_spec *)c->spec)->label;

	(void)retries;   /* 2.2.7 prints the configured count, even for a first failure */
	if (c->retry)
		log_info("HTTP_CHECK on service %s failed after %u retries.", label, c->retry);
	else
		log_info("HTTP_CHECK on service %s failed.", label);
}

static void http_dump(FILE *out, const struct ck_check *c)
{
	const struct http_spec *s = c->spec;
	static const char *const protos[] = { "1.0", "1.0C", "1.1" };

	fprintf(out, "       %s, http protocol %s%s%s%s%s\n", c->kind->keyword, protos[s->proto],
		s->vhost ? ", virtualhost " : "", s->vhost ? s->vhost : "",
		s->sni ? ", SNI" : "", s->fast_recovery ? ", fast recovery" : "");
	for (size_t i = 0; i < s->n_urls; i++) {
		const struct ck_http_url *u = &s->urls[i];

		fprintf(out, "       url %s%s: status %s%s%s%s%s%s%s\n", u->path,
			i == s->idx && !c->up ? " (next)" : "", u->codes_text,
			u->has_digest ? ", digest " : "", u->has_digest ? u->digest_hex : "",
			u->regex ? ", regex \"" : "", u->regex ? u->regex : "",
			u->regex ? "\"" : "", u->regex_no_match ? " no match" : "");
	}
}

const struct ck_kind ck_kind_http = {
	.keyword = "HTTP_GET",
	.build = http_build,
	.free_spec = http_free_spec,
	.attempt = http_attempt,
	.cancel = release,
	.log_ok = http_log_ok,
	.log_failed = http_log_failed,
	.logs_attempts = true,
	.dump = http_dump,
};

const struct ck_kind ck_kind_ssl = {
	.keyword = "SSL_GET",
	.build = ssl_build,
	.free_spec = http_free_spec,
	.attempt = http_attempt,
	.cancel = release,
	.log_ok = http_log_ok,
	.log_failed = http_log_failed,
	.logs_attempts = true,
	.dump = http_dump,
};
