/*
 * http_request.h - the GET request keepalived 2.2.7 sends (HTTP_GET,
 * SSL_GET, genhash), as a pure string builder.
 *
 * Observed with a listening socket as the server and 2.2.7's genhash as
 * the client; lines end in CRLF and come in this order:
 *
 *   GET <path> HTTP/1.0            (HTTP/1.1 for protocol 1.1)
 *   User-Agent: KeepAliveClient
 *   Connection: close              (only for protocols 1.0c and 1.1)
 *   Host: <virtualhost>            (when a virtualhost is given, no port)
 *   Host: <addr>:<port>            (otherwise; IPv6 as [addr]:port, and
 *                                   the port is written even when 80)
 *   <blank line>
 */
#ifndef KA_HTTP_REQUEST_H
#define KA_HTTP_REQUEST_H

#include <stddef.h>
#include <sys/socket.h>

enum http_protocol {
	HTTP_PROTO_1_0,        /* "1.0" */
	HTTP_PROTO_1_0C,       /* "1.0c": 1.0 with Connection: close */
	HTTP_PROTO_1_1,        /* "1.1" (always with Connection: close) */
};

/* "1.0", "1.0c", "1.1" -> protocol; -1 for anything else. */
int http_protocol_parse(const char *s);

/*
 * Write the request for path into buf (size bytes, NUL-terminated).
 * virtualhost may be NULL; otherwise the Host header names addr/port.
 * Returns the request length, or 0 when it does not fit or addr is not
 * IPv4/IPv6.
 */
size_t http_request_build(char *buf, size_t size, const char *path,
			  enum http_protocol proto, const char *virtualhost,
			  const struct sockaddr *addr);

#endif
