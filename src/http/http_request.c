/*
 * http_request.c - build the GET request of keepalived 2.2.7's HTTP
 * checkers and genhash (format: http_request.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "http_request.h"

int http_protocol_parse(const char *s)
{
	if (!strcmp(s, "1.0"))
		return HTTP_PROTO_1_0;
	if (!strcmp(s, "1.0c"))
		return HTTP_PROTO_1_0C;
	if (!strcmp(s, "1.1"))
		return HTTP_PROTO_1_1;
	return -1;
}

/* "addr:port" or "[addr]:port" into out; false if addr is not IP. */
static int host_of(const struct sockaddr *sa, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		return snprintf(out, size, "%s:%u", ip, ntohs(in->sin_port));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		return snprintf(out, size, "[%s]:%u", ip, ntohs(in6->sin6_port));
	}
	return -1;
}

size_t http_request_build(char *buf, size_t size, const char *path,
			  enum http_protocol proto, const char *virtualhost,
			  const struct sockaddr *addr)
{
	char host[INET6_ADDRSTRLEN + 16];
	int n;

	if (!virtualhost) {
		if (host_of(addr, host, sizeof(host)) < 0)
			return 0;
		virtualhost = host;
	}
	n = snprintf(buf, size, "GET %s HTTP/%s\r\nUser-Agent: KeepAliveClient\r\n%sHost: %s\r\n\r\n",
		     path, proto == HTTP_PROTO_1_1 ? "1.1" : "1.0",
		     proto == HTTP_PROTO_1_0 ? "" : "Connection: close\r\n", virtualhost);
	if (n < 0 || (size_t)n >= size)
		return 0;
	return (size_t)n;
}
