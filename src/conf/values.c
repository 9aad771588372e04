/*
 * values.c - parsers for the typed values of keepalived.conf words.
 *
 * Pure functions over one word: no diagnostics here, the caller knows the
 * keyword and reports.  <BOOL> is on|off|true|false|yes|no (any case);
 * <TIMER> is decimal seconds with up to microsecond resolution; addresses
 * are IPv4 or IPv6 with an optional /prefix.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_internal.h"

bool conf_parse_bool(const char *word, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };

	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(word, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(word, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool conf_parse_int(const char *word, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!*word || isspace((unsigned char)*word))
		return false;
	errno = 0;
	v = strtoll(word, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Decimal seconds -> microseconds, exactly (no floating point rounding). */
bool conf_parse_timer(const char *word, uint64_t *usec)
{
	const char *p = word;
	uint64_t secs = 0, frac = 0;
	unsigned digits = 0;

	if (!isdigit((unsigned char)*p) && *p != '.')
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (secs > (UINT64_MAX / 1000000 - 9) / 10)
			return false;
		secs = secs * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 6)
				frac = frac * 10 + (uint64_t)(*p - '0');
	}
	if (*p || (p == word + 1 && word[0] == '.'))
		return false;
	for (; digits < 6; digits++)
		frac *= 10;
	*usec = secs * 1000000 + frac;
	return true;
}

bool conf_parse_addr(const char *word, bool allow_prefix, struct conf_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(word, '/');
	size_t len = slash ? (size_t)(slash - word) : strlen(word);
	int64_t plen;

	if (len == 0 || len >= sizeof(buf) || (slash && !allow_prefix))
		return false;
	memcpy(buf, word, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, &out->a.v4) == 1) {
		out->family = AF_INET;
		out->plen = 32;
	} else if (inet_pton(AF_INET6, buf, &out->a.v6) == 1) {
		out->family = AF_INET6;
		out->plen = 128;
	} else {
		return false;
	}
	if (slash) {
		if (!conf_parse_int(slash + 1, 0, out->plen, &plen) ||
		    !isdigit((unsigned char)slash[1]))
			return false;
		out->plen = (uint8_t)plen;
		out->has_plen = true;
	}
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One escape sequence at *pp (just after the backslash); advances *pp. */
static char unescape_one(const char **pp)
{
	const char *p = *pp;
	int v = 0, n, h;

	switch (*p) {
	case 'a': *pp = p + 1; return '\a';
	case 'b': *pp = p + 1; return '\b';
	case 'E': *pp = p + 1; return '\033';
	case 'f': *pp = p + 1; return '\f';
	case 'n': *pp = p + 1; return '\n';
	case 'r': *pp = p + 1; return '\r';
	case 't': *pp = p + 1; return '\t';
	case 'v': *pp = p + 1; return '\v';
	case 'c':
		if (p[1]) {
			*pp = p + 2;
			return (char)(toupper((unsigned char)p[1]) ^ 0x40);
		}
		break;
	case 'x':
		for (n = 0, p++; (h = hexval((unsigned char)*p)) >= 0; p++, n++)
			v = (v * 16 + h) & 0xff;
		if (n) {
			*pp = p;
			return (char)v;
		}
		*pp = p;
		return 'x';
	default:
		if (*p >= '0' && *p <= '7') {
			for (n = 0; n < 3 && *p >= '0' && *p <= '7'; n++, p++)
				v = v * 8 + (*p - '0');
			*pp = p;
			return (char)v;
		}
	}
	*pp = *p ? p + 1 : p;
	return *p;
}

char *conf_unescape(const char *word)
{
	char *out = malloc(strlen(word) + 1), *o = out;
	const char *p = word;

	if (!out)
		abort();
	while (*p) {
		if (*p == '\\' && p[1]) {
			p++;
			*o++ = unescape_one(&p);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}
