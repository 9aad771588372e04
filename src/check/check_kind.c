/*
 * check_kind.c - the list of check kinds (see check_kind.h).
 *
 * Each kind module defines one `const struct ck_kind ck_kind_X`.  They are
 * referenced weakly so that a kind is present exactly when its module is
 * linked: the checker builds and runs while kinds are added one by one,
 * and a configuration naming a missing kind gets a warning, not a link
 * error.
 */
#include "config.h"

#include <string.h>

#include "check_kind.h"

#define KIND(sym) extern const struct ck_kind sym __attribute__((weak))
KIND(ck_kind_tcp);
KIND(ck_kind_http);
KIND(ck_kind_ssl);
KIND(ck_kind_smtp);
KIND(ck_kind_dns);
KIND(ck_kind_udp);
KIND(ck_kind_ping);
KIND(ck_kind_misc);
KIND(ck_kind_file);
#undef KIND

const char *const ck_kind_keywords[] = {
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK",
	"PING_CHECK", "MISC_CHECK", "FILE_CHECK", NULL,
};

const struct ck_kind *ck_kind_find(const char *keyword)
{
	const struct ck_kind *const kinds[] = {
		&ck_kind_tcp, &ck_kind_http, &ck_kind_ssl, &ck_kind_smtp, &ck_kind_dns,
		&ck_kind_udp, &ck_kind_ping, &ck_kind_misc, &ck_kind_file,
	};

	if (!keyword)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i] && !strcmp(kinds[i]->keyword, keyword))
			return kinds[i];
	return NULL;
}
