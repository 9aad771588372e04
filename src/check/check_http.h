/*
 * check_http.h - HTTP_GET and SSL_GET (check_kind.h): one pass over the
 * check's url {} blocks, each url one GET through src/http (http_fetch.h)
 * judged by check_http_url.h.
 *
 * Pass rules, as 2.2.7 behaves (observed in the VM with the reference,
 * see tests/system/test_check_http.py):
 *   - one attempt is one pass over the urls, one url per delay_loop (so a
 *     checker with N urls checks each one every N x delay_loop); the pass
 *     succeeds after its last url;
 *   - the first failing url fails the attempt; the result funnel retries
 *     it (delay_before_retry) and later attempts start again at that url;
 *   - a checker that is down (failed, or alpha at start) logs each url
 *     success ("HTTP status code success to [ip]:tcp:port url(/p)", "MD5
 *     digest success ..." with a digest, "Regex match success ..." with a
 *     regex) and comes up after a whole pass, url 1..N, that began after
 *     a success: after a failure at url k, urls k..N are checked, then
 *     1..N again; fast_recovery drops the delay_loop between urls while
 *     down;
 *   - per-attempt failure lines ("HTTP status code error to server X.",
 *     "Timeout WEB read server X.", ...) are logged with log_all_failures
 *     while the checker is up; the verdicts are "Remote Web server X
 *     succeed on service." and "HTTP_CHECK on service X failed after N
 *     retries." (N the configured retry, even for a first failure; "...
 *     failed." with retry 0; HTTP_CHECK for SSL_GET too).
 *
 * SSL_GET takes the root SSL {} block (ca, certificate, key, password);
 * its TLS context is made in the checker child at the first SSL attempt,
 * loading libssl then (http_tls.h) and shared by every SSL check.
 */
#ifndef KA_CHECK_HTTP_H
#define KA_CHECK_HTTP_H

#include "check_kind.h"

extern const struct ck_kind ck_kind_http;
extern const struct ck_kind ck_kind_ssl;

#endif
