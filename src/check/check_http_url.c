/*
 * check_http_url.c - url {} of HTTP_GET/SSL_GET: build from the tree and
 * judge a response (see check_http_url.h).
 *
 * Status codes are a 640-bit set filled from the status_code words (the
 * reader has checked them; a malformed word is skipped here).  The regex
 * goes through a small table of PCRE2 functions found with dlopen() at
 * the first compile; the types and option bits come from <pcre2.h> at
 * build time when it is installed (configure's optional pcre2), otherwise
 * every regex url fails with a reason.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

#include "check_http_url.h"
#include "conf.h"

bool ck_http_codes_add(uint64_t codes[CK_HTTP_CODE_WORDS], const char *word)
{
	char *end;
	long lo = strtol(word, &end, 10), hi = lo;

	if (end == word)
		return false;
	if (*end == '-') {
		const char *p = end + 1;

		hi = strtol(p, &end, 10);
		if (end == p)
			return false;
	}
	if (*end || lo < 0 || hi < lo || hi >= 64 * CK_HTTP_CODE_WORDS)
		return false;
	for (long c = lo; c <= hi; c++)
		codes[c / 64] |= 1ull << (c % 64);
	return true;
}

bool ck_http_code_in(const uint64_t codes[CK_HTTP_CODE_WORDS], int code)
{
	return code >= 0 && code < 64 * CK_HTTP_CODE_WORDS &&
	       (codes[code / 64] >> (code % 64)) & 1;
}

bool ck_http_digest_parse(const char *hex, uint8_t out[16])
{
	if (strlen(hex) != 32)
		return false;
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

uint32_t ck_http_regex_option(const char *word)
{
#ifdef HAVE_PCRE2
	static const struct { const char *name; uint32_t bit; } opts[] = {
		{ "allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS }, { "alt_bsux", PCRE2_ALT_BSUX },
		{ "auto_callout", PCRE2_AUTO_CALLOUT }, { "caseless", PCRE2_CASELESS },
		{ "dollar_endonly", PCRE2_DOLLAR_ENDONLY }, { "dotall", PCRE2_DOTALL },
		{ "dupnames", PCRE2_DUPNAMES }, { "extended", PCRE2_EXTENDED },
		{ "firstline", PCRE2_FIRSTLINE }, { "match_unset_backref", PCRE2_MATCH_UNSET_BACKREF },
		{ "multiline", PCRE2_MULTILINE }, { "never_ucp", PCRE2_NEVER_UCP },
		{ "never_utf", PCRE2_NEVER_UTF }, { "no_auto_capture", PCRE2_NO_AUTO_CAPTURE },
		{ "no_auto_possess", PCRE2_NO_AUTO_POSSESS },
		{ "no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR },
		{ "no_start_optimize", PCRE2_NO_START_OPTIMIZE }, { "ucp", PCRE2_UCP },
		{ "ungreedy", PCRE2_UNGREEDY }, { "utf", PCRE2_UTF },
		{ "never_backslash_c", PCRE2_NEVER_BACKSLASH_C },
		{ "alt_circumflex", PCRE2_ALT_CIRCUMFLEX }, { "alt_verbnames", PCRE2_ALT_VERBNAMES },
		{ "use_offset_limit", PCRE2_USE_OFFSET_LIMIT },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(opts[i].name, word))
			return opts[i].bit;
#else
	(void)word;
#endif
	return 0;
}

/* "200-299 404" as written, for the dump. */
static char *join_words(const struct conf_node *n)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n->argc; i++)
		len += strlen(n->argv[i]) + 1;
	s = calloc(1, len);
	for (int i = 0; s && i < n->argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, n->argv[i]);
	}
	return s;
}

static bool build_regex(struct ck_http_url *u, const struct conf_node *url)
{
	const struct conf_node *n = conf_find_last(url, "regex");

	if (!n || n->argc != 1)
		return true;
	if (!(u->regex = strdup(n->argv[0])))
		return false;
	u->regex_no_match = conf_find(url, "regex_no_match") != NULL;
	if ((n = conf_find_last(url, "regex_options")))
		for (int i = 0; i < n->argc; i++)
			u->regex_opts |= ck_http_regex_option(n->argv[i]);
	if ((n = conf_find_last(url, "regex_min_offset")) && n->argc == 1)
		u->regex_min_offset = (uint64_t)n->val.i;
	if ((n = conf_find_last(url, "regex_max_offset")) && n->argc == 1)
		u->regex_max_offset = (uint64_t)n->val.i;
	return true;
}

bool ck_http_url_build(struct ck_http_url *u, const struct conf_node *url)
{
	const struct conf_node *n;
	const char *w;

	memset(u, 0, sizeof(*u));
	if (!(u->path = strdup(conf_get_str(url, "path", "/"))))
		return false;
	n = conf_find_last(url, "virtualhost");
	if (n && n->argc > 0 && !(u->vhost = strdup(n->argv[0])))
		return false;
	if ((w = conf_get_str(url, "digest", NULL)) && ck_http_digest_parse(w, u->digest)) {
		u->has_digest = true;
		for (int i = 0; i < 16; i++)
			snprintf(u->digest_hex + 2 * i, 3, "%02x", u->digest[i]);
	}
	n = conf_find_last(url, "status_code");
	if (n && n->argc > 0) {
		for (int i = 0; i < n->argc; i++)
			ck_http_codes_add(u->codes, n->argv[i]);
		u->codes_text = join_words(n);
	} else {
		ck_http_codes_add(u->codes, "200-299");
		u->codes_text = strdup("200-299");
	}
	return u->codes_text && build_regex(u, url);
}

/* ---- PCRE2 through dlopen ------------------------------------------------ */

#ifdef HAVE_PCRE2
static struct {
	bool tried, ok;
	pcre2_code *(*compile)(PCRE2_SPTR, PCRE2_SIZE, uint32_t, int *, PCRE2_SIZE *,
			       pcre2_compile_context *);
	void (*code_free)(pcre2_code *);
	pcre2_match_data *(*md_new)(const pcre2_code *, pcre2_general_context *);
	void (*md_free)(pcre2_match_data *);
	int (*match)(const pcre2_code *, PCRE2_SPTR, PCRE2_SIZE, PCRE2_SIZE, uint32_t,
		     pcre2_match_data *, pcre2_match_context *);
	PCRE2_SIZE *(*ovector)(pcre2_match_data *);
	int (*message)(int, PCRE2_UCHAR *, PCRE2_SIZE);
} re;

static bool re_load(void)
{
	void *h;

	if (re.tried)
		return re.ok;
	re.tried = true;
	h = dlopen("libpcre2-8.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	*(void **)&re.compile = dlsym(h, "pcre2_compile_8");
	*(void **)&re.code_free = dlsym(h, "pcre2_code_free_8");
	*(void **)&re.md_new = dlsym(h, "pcre2_match_data_create_from_pattern_8");
	*(void **)&re.md_free = dlsym(h, "pcre2_match_data_free_8");
	*(void **)&re.match = dlsym(h, "pcre2_match_8");
	*(void **)&re.ovector = dlsym(h, "pcre2_get_ovector_pointer_8");
	*(void **)&re.message = dlsym(h, "pcre2_get_error_message_8");
	re.ok = re.compile && re.code_free && re.md_new && re.md_free && re.match &&
		re.ovector && re.message;
	return re.ok;
}

bool ck_http_regex_compile(struct ck_http_url *u, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;

	if (u->re || !u->regex)
		return true;
	if (!re_load()) {
		snprintf(err, errlen, "PCRE2 (libpcre2-8.so.0) cannot be loaded");
		return false;
	}
	u->re = re.compile((PCRE2_SPTR)u->regex, PCRE2_ZERO_TERMINATED, u->regex_opts, &code,
			   &off, NULL);
	if (!u->re) {
		PCRE2_UCHAR msg[120];

		re.message(code, msg, sizeof(msg));
		snprintf(err, errlen, "regex '%s' at offset %zu: %s", u->regex, (size_t)off,
			 (const char *)msg);
		return false;
	}
	return true;
}

/* 1 match, 0 none, -1 error. */
static int regex_match(struct ck_http_url *u, const uint8_t *body, size_t len)
{
	pcre2_match_data *md = re.md_new(u->re, NULL);
	int rc;

	if (!md)
		return -1;
	if (u->regex_min_offset >= len && len)
		rc = PCRE2_ERROR_NOMATCH;
	else
		rc = re.match(u->re, body ? body : (const uint8_t *)"", len,
			      (PCRE2_SIZE)(u->regex_min_offset < len ? u->regex_min_offset : len),
			      0, md, NULL);
	if (rc >= 0 && u->regex_max_offset && re.ovector(md)[0] > u->regex_max_offset)
		rc = PCRE2_ERROR_NOMATCH;
	re.md_free(md);
	return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static void regex_free(struct ck_http_url *u)
{
	if (u->re)
		re.code_free(u->re);
	u->re = NULL;
}
#else
bool ck_http_regex_compile(struct ck_http_url *u, char *err, size_t errlen)
{
	if (!u->regex)
		return true;
	snprintf(err, errlen, "this build has no regex support (PCRE2)");
	return false;
}

static int regex_match(struct ck_http_url *u, const uint8_t *body, size_t len)
{
	(void)u;
	(void)body;
	(void)len;
	return -1;
}

static void regex_free(struct ck_http_url *u)
{
	(void)u;
}
#endif

enum ck_http_fail ck_http_url_verdict(struct ck_http_url *u, int status,
				      const uint8_t digest[16], const uint8_t *body, size_t len)
{
	char err[200];
	int m;

	if (!ck_http_code_in(u->codes, status))
		return CK_HTTP_FAIL_STATUS;
	if (u->has_digest && memcmp(u->digest, digest, 16))
		return CK_HTTP_FAIL_DIGEST;
	if (!u->regex)
		return CK_HTTP_OK;
	if (u->re_failed || !ck_http_regex_compile(u, err, sizeof(err))) {
		u->re_failed = true;
		return CK_HTTP_FAIL_REGEX_ERROR;
	}
	m = regex_match(u, body, len);
	if (m < 0)
		return CK_HTTP_FAIL_REGEX_ERROR;
	return (m == 1) != u->regex_no_match ? CK_HTTP_OK : CK_HTTP_FAIL_REGEX;
}

void ck_http_url_free(struct ck_http_url *u)
{
	regex_free(u);
	free(u->path);
	free(u->vhost);
	free(u->codes_text);
	free(u->regex);
	memset(u, 0, sizeof(*u));
}
