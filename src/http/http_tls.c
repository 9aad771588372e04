/*
 * http_tls.c - OpenSSL and libevent_openssl loaded at first use (see
 * http_tls.h).
 *
 * load() runs once: it opens libssl (which brings libcrypto) and
 * libevent_openssl with RTLD_LOCAL and looks up the few functions the
 * client needs into two tables: `api` (what http_fetch.c calls during a
 * fetch) and `ctx` (what making a context needs, private here).  Types
 * and constants come from the OpenSSL headers at compile time; no symbol
 * of those libraries is referenced at link time.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "http_tls.h"

static struct http_tls_api api;

static struct {
	const SSL_METHOD *(*client_method)(void);
	SSL_CTX *(*ctx_new)(const SSL_METHOD *m);
	void (*ctx_free)(SSL_CTX *ctx);
	void (*set_verify)(SSL_CTX *ctx, int mode, SSL_verify_cb cb);
	int (*load_verify)(SSL_CTX *ctx, const char *file, const char *dir);
	int (*use_chain)(SSL_CTX *ctx, const char *file);
	int (*use_key)(SSL_CTX *ctx, const char *file, int type);
	int (*check_key)(const SSL_CTX *ctx);
	void (*set_pw)(SSL_CTX *ctx, void *u);
	void (*set_pw_cb)(SSL_CTX *ctx, pem_password_cb *cb);
	unsigned long (*err_get)(void);
	const char *(*err_reason)(unsigned long e);
} ctx;

static const char *error;
static bool loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *open_first(const char *const *names, size_t n)
{
	void *h = NULL;

	for (size_t i = 0; !h && i < n; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	return h;
}

static void lookup(void *h, void *slot, const char *name)
{
	void *p = dlsym(h, name);

	if (!p && !error)
		error = "a TLS library lacks a needed function";
	*(void **)slot = p;
}

static void load_ssl(void *h)
{
	lookup(h, &api.ssl_new, "SSL_new");
	lookup(h, &api.ssl_free, "SSL_free");
	lookup(h, &api.ssl_ctrl, "SSL_ctrl");
	lookup(h, &ctx.client_method, "TLS_client_method");
	lookup(h, &ctx.ctx_new, "SSL_CTX_new");
	lookup(h, &ctx.ctx_free, "SSL_CTX_free");
	lookup(h, &ctx.set_verify, "SSL_CTX_set_verify");
	lookup(h, &ctx.load_verify, "SSL_CTX_load_verify_locations");
	lookup(h, &ctx.use_chain, "SSL_CTX_use_certificate_chain_file");
	lookup(h, &ctx.use_key, "SSL_CTX_use_PrivateKey_file");
	lookup(h, &ctx.check_key, "SSL_CTX_check_private_key");
	lookup(h, &ctx.set_pw, "SSL_CTX_set_default_passwd_cb_userdata");
	lookup(h, &ctx.set_pw_cb, "SSL_CTX_set_default_passwd_cb");
	/* libcrypto's, reachable through libssl's dependencies */
	lookup(h, &ctx.err_get, "ERR_get_error");
	lookup(h, &ctx.err_reason, "ERR_reason_error_string");
}

static void load(void)
{
	static const char *const ssl_names[] = { "libssl.so.3", "libssl.so.1.1", "libssl.so" };
	static const char *const ev_names[] = {
		"libevent_openssl-2.1.so.7", "libevent_openssl-2.1.so.6", "libevent_openssl.so",
	};
	void *ssl = open_first(ssl_names, sizeof(ssl_names) / sizeof(ssl_names[0]));
	void *ev = ssl ? open_first(ev_names, sizeof(ev_names) / sizeof(ev_names[0])) : NULL;

	if (!ssl) {
		error = "libssl (OpenSSL) cannot be loaded";
		return;
	}
	if (!ev) {
		error = "libevent_openssl cannot be loaded";
		return;
	}
	load_ssl(ssl);
	lookup(ev, &api.filter_new, "bufferevent_openssl_filter_new");
	lookup(ev, &api.allow_dirty_shutdown, "bufferevent_openssl_set_allow_dirty_shutdown");
	lookup(ev, &api.get_error, "bufferevent_get_openssl_error");
	loaded = !error;
}

const struct http_tls_api *http_tls(void)
{
	pthread_once(&once, load);
	return loaded ? &api : NULL;
}

const char *http_tls_error(void)
{
	return error ? error : "no error";
}

int http_tls_loaded(void)
{
	return loaded;
}

/* The key's password: the configured one, never a terminal prompt
 * (OpenSSL's default callback would read /dev/tty). */
static int password_cb(char *buf, int size, int rwflag, void *u)
{
	size_t len = u ? strlen(u) : 0;

	(void)rwflag;
	if (!u || size <= 0 || len >= (size_t)size)
		return 0;
	memcpy(buf, u, len);
	return (int)len;
}

/* Load what the context needs; the first failing file in *what. */
static void configure(SSL_CTX *c, const char *ca_file, const char *cert, const char *key,
		      const char *password, const char **what)
{
	/* 2.2.7 loads the CA but never asks OpenSSL to verify the server:
	 * a check that passed there must pass here */
	ctx.set_verify(c, SSL_VERIFY_NONE, NULL);
	if (ca_file && ctx.load_verify(c, ca_file, NULL) != 1) {
		*what = ca_file;
		return;
	}
	if (cert && ctx.use_chain(c, cert) != 1) {
		*what = cert;
		return;
	}
	/* the password is only needed while the key is read */
	ctx.set_pw_cb(c, password_cb);
	ctx.set_pw(c, (void *)password);
	if (key && ctx.use_key(c, key, SSL_FILETYPE_PEM) != 1)
		*what = key;
	else if (cert && key && ctx.check_key(c) != 1)
		*what = key;
	ctx.set_pw(c, NULL);
}

struct ssl_ctx_st *http_tls_ctx_new(const char *ca_file, const char *cert, const char *key,
				    const char *password, char *err, size_t errlen)
{
	const char *what = NULL;
	SSL_CTX *c;

	if (!http_tls()) {
		snprintf(err, errlen, "%s", http_tls_error());
		return NULL;
	}
	c = ctx.ctx_new(ctx.client_method());
	if (!c) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	configure(c, ca_file, cert, key, password, &what);
	if (what) {
		const char *why = ctx.err_reason(ctx.err_get());

		snprintf(err, errlen, "%s: %s", what, why ? why : "unusable");
		ctx.ctx_free(c);
		return NULL;
	}
	return c;
}

void http_tls_ctx_free(struct ssl_ctx_st *c)
{
	if (c && loaded)
		ctx.ctx_free(c);
}
