/*
 * http_tls.h - the OpenSSL and libevent_openssl functions of the HTTP
 * client, loaded with dlopen() at first use.
 *
 * Linking libssl, libcrypto and libevent_openssl would map about 2 MiB of
 * relocated pages into every keepalived process, `keepalived -t`
 * included, while only an SSL_GET check (in the checker child) or genhash
 * --use-ssl needs them.  So http_fetch.c calls TLS through this table,
 * filled the first time a TLS context is asked for: HTTP without TLS
 * never loads the libraries.  The sonames are those of Debian 12
 * (OpenSSL 3, libevent 2.1.7) with fallbacks to older ones.  TLS itself is
 * OpenSSL's; nothing is reimplemented here.
 */
#ifndef KA_HTTP_TLS_H
#define KA_HTTP_TLS_H

#include <stddef.h>

struct bufferevent;
struct event_base;
struct ssl_ctx_st;
struct ssl_st;

struct http_tls_api {
	struct ssl_st *(*ssl_new)(struct ssl_ctx_st *ctx);
	void (*ssl_free)(struct ssl_st *ssl);
	long (*ssl_ctrl)(struct ssl_st *ssl, int cmd, long larg, void *parg);
	struct bufferevent *(*filter_new)(struct event_base *base, struct bufferevent *under,
					  struct ssl_st *ssl, int state, int options);
	void (*allow_dirty_shutdown)(struct bufferevent *bev, int allow);
	unsigned long (*get_error)(struct bufferevent *bev);
};

/* The table, loading the libraries the first time; NULL when they cannot
 * be loaded (ever after: the failure is remembered), with the reason in
 * http_tls_error(). */
const struct http_tls_api *http_tls(void);
/* Static text: why http_tls() failed ("no error" otherwise). */
const char *http_tls_error(void);
/* True once http_tls() has loaded the libraries (tests). */
int http_tls_loaded(void);

/*
 * A client TLS context.  ca_file (loaded into the trust store), cert
 * and key (client certificate) and password (of the key) may each be
 * NULL.  The server certificate is never verified, as 2.2.7's SSL_GET
 * and genhash do not (2.2.7 loads `ca` but leaves OpenSSL's verify mode
 * at none).  Returns NULL and a message in err on failure (libraries
 * missing, unreadable file, wrong key password...).
 */
struct ssl_ctx_st *http_tls_ctx_new(const char *ca_file, const char *cert, const char *key,
				    const char *password, char *err, size_t errlen);
/* Free a context of http_tls_ctx_new(); NULL is fine. */
void http_tls_ctx_free(struct ssl_ctx_st *ctx);

#endif
