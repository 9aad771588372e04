/*
 * server_label.h - the "[ADDR]:PROTO:PORT" label 2.2.7 gives a real or
 * virtual server in its log lines ("TCP_CHECK on service [10.0.0.1]:tcp:80
 * failed."), written without snprintf(): the reader's checks and the
 * checker's model write one per real server at every start and reload.
 */
#ifndef KA_SERVER_LABEL_H
#define KA_SERVER_LABEL_H

#include <stddef.h>

/* buf[0..len) = "[addr]:proto:port", truncated as snprintf() would
 * (always terminated when len > 0). */
void server_label(char *buf, size_t len, const char *addr, const char *proto, const char *port);

#endif
