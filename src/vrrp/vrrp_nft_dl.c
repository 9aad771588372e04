/*
 * vrrp_nft_dl.c - opens libmnl and libnftnl on the firewall's first call
 * and fills nft_dl_fn (see vrrp_nft_dl.h).
 *
 * Both libraries are loaded together, once per process, by the shared
 * loader (include/dl_table.h); a failure is a warning, not fatal: the
 * firewall then runs without nftables, as for any netfilter socket error.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <syslog.h>

#include "dl_table.h"
#include "log.h"
#include "vrrp_nft_dl.h"

struct nft_dl_table nft_dl_fn;
bool nft_dl_loaded;

/* Every X() line must have its redirection macro (see vrrp_nft_dl.h). */
NFT_DL_FUNCTIONS(DL_CHECK_REDIRECT)

static struct dl_lib libs[] = {
	{ NFT_DL_MNL, "libmnl.so.0", NULL },
	{ NFT_DL_NFTNL, "libnftnl.so.11", NULL },
};

static const struct dl_sym syms[] = {
#define NFT_DL_SYM(lib, name) { NFT_DL_##lib, #name, offsetof(struct nft_dl_table, name) },
	NFT_DL_FUNCTIONS(NFT_DL_SYM)
#undef NFT_DL_SYM
};

static const struct dl_table table = {
	"nftables", LOG_WARNING, "",
	libs, sizeof(libs) / sizeof(libs[0]), syms, sizeof(syms) / sizeof(syms[0]), &nft_dl_fn,
};

bool nft_dl_try(void)
{
	static bool tried;

	if (!tried) {
		tried = true;
		nft_dl_loaded = dl_table_load(&table, NFT_DL_MNL | NFT_DL_NFTNL);
	}
	if (!nft_dl_loaded)
		errno = ELIBACC;
	return nft_dl_loaded;
}

void nft_dl_require(void)
{
	if (!nft_dl_try()) {
		log_errx("nftables: libnftnl and libmnl are not loaded");
		abort();
	}
}
