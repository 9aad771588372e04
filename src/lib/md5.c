/*
 * md5.c - MD5 through libcrypto loaded with dlopen() (see md5.h).
 *
 * The handful of EVP functions used are looked up once; the EVP_MD_CTX is
 * kept opaque.  The soname is the one of the OpenSSL we were built
 * against (3 on Debian 12), with 1.1 as a fallback.
 */
#include <dlfcn.h>
#include <pthread.h>

#include "md5.h"

struct ka_md5;                     /* is an EVP_MD_CTX */

static struct {
	void *(*ctx_new)(void);
	void (*ctx_free)(void *);
	const void *(*md5)(void);
	int (*init)(void *, const void *, void *);
	int (*update)(void *, const void *, size_t);
	int (*final)(void *, unsigned char *, unsigned int *);
	const char *error;
} lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (!p)
		lib.error = "libcrypto lacks an EVP function";
	return p;
}

static void load(void)
{
	static const char *const sonames[] = { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" };
	void *h = NULL;

	for (size_t i = 0; !h && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		lib.error = "libcrypto (OpenSSL) cannot be loaded";
		return;
	}
	*(void **)&lib.ctx_new = sym(h, "EVP_MD_CTX_new");
	*(void **)&lib.ctx_free = sym(h, "EVP_MD_CTX_free");
	*(void **)&lib.md5 = sym(h, "EVP_md5");
	*(void **)&lib.init = sym(h, "EVP_DigestInit_ex");
	*(void **)&lib.update = sym(h, "EVP_DigestUpdate");
	*(void **)&lib.final = sym(h, "EVP_DigestFinal_ex");
}

static bool loaded(void)
{
	pthread_once(&once, load);
	return !lib.error;
}

struct ka_md5 *ka_md5_new(void)
{
	struct ka_md5 *ctx;

	if (!loaded())
		return NULL;
	ctx = lib.ctx_new();
	if (ctx && !ka_md5_init(ctx)) {
		ka_md5_free(ctx);
		return NULL;
	}
	return ctx;
}

bool ka_md5_init(struct ka_md5 *ctx)
{
	return lib.init(ctx, lib.md5(), NULL) == 1;
}

bool ka_md5_update(struct ka_md5 *ctx, const void *data, size_t len)
{
	return lib.update(ctx, data, len) == 1;
}

bool ka_md5_final(struct ka_md5 *ctx, uint8_t out[KA_MD5_LEN])
{
	return lib.final(ctx, out, NULL) == 1;
}

void ka_md5_free(struct ka_md5 *ctx)
{
	if (ctx)
		lib.ctx_free(ctx);
}

const char *ka_md5_error(void)
{
	loaded();
	return lib.error ? lib.error : "no error";
}
