/*
 * md5.h - MD5 from OpenSSL's libcrypto, loaded on first use.
 *
 * Only AH authentication (VRRP) and HTTP digests need a digest, yet
 * linking libcrypto maps ~1.4 MiB of relocated pages into every keepalived
 * process, `keepalived -t` included.  So libcrypto is dlopen()ed the first
 * time a digest is asked for, in the process that asks.  The digest itself
 * is OpenSSL's (EVP interface); nothing is reimplemented here.
 */
#ifndef KA_MD5_H
#define KA_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KA_MD5_LEN 16

struct ka_md5;

/* A new digest context, initialised; NULL if libcrypto cannot be loaded
 * (the reason is in ka_md5_error()). */
struct ka_md5 *ka_md5_new(void);
/* Restart the digest on an existing context. */
bool ka_md5_init(struct ka_md5 *ctx);
bool ka_md5_update(struct ka_md5 *ctx, const void *data, size_t len);
bool ka_md5_final(struct ka_md5 *ctx, uint8_t out[KA_MD5_LEN]);
void ka_md5_free(struct ka_md5 *ctx);
/* Why the last ka_md5_new() failed (static text). */
const char *ka_md5_error(void);

#endif
