/*
 * server_label.c - "[ADDR]:PROTO:PORT" (server_label.h).
 */
#include <string.h>

#include "server_label.h"

/* Append s at *pos, truncating as snprintf() would (buf stays terminated). */
static void put_str(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + 1 >= len)
		return;
	if (n > len - 1 - *pos)
		n = len - 1 - *pos;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
}

void server_label(char *buf, size_t len, const char *addr, const char *proto, const char *port)
{
	size_t pos = 0;

	if (!len)
		return;
	buf[0] = '\0';
	put_str(buf, len, &pos, "[");
	put_str(buf, len, &pos, addr);
	put_str(buf, len, &pos, "]:");
	put_str(buf, len, &pos, proto);
	put_str(buf, len, &pos, ":");
	put_str(buf, len, &pos, port);
}
