/*
 * nl_dl.c - opens libnl's libraries on first use and fills nl_dl_fn
 * (see include/nl_dl.h).
 *
 * The table is filled by the shared loader (include/dl_table.h): each
 * group's library is opened by its exact soname, RTLD_LOCAL (the route
 * and genl libraries bring libnl-3 in as their own dependency), and each
 * pointer of the group is looked up in that handle.  A process that never
 * calls netlink opens nothing.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <syslog.h>

#include "dl_table.h"
#include "nl_dl.h"
#include "proc.h"

struct nl_dl_table nl_dl_fn;
unsigned int nl_dl_loaded;

/* Every X() line must have its redirection macro (see nl_dl.h). */
NL_DL_FUNCTIONS(DL_CHECK_REDIRECT)

static struct dl_lib libs[] = {
	{ NL_DL_CORE, "libnl-3.so.200", NULL },
	{ NL_DL_ROUTE, "libnl-route-3.so.200", NULL },
	{ NL_DL_GENL, "libnl-genl-3.so.200", NULL },
};

static const struct dl_sym syms[] = {
#define NL_DL_SYM(group, name) { NL_DL_##group, #name, offsetof(struct nl_dl_table, name) },
	NL_DL_FUNCTIONS(NL_DL_SYM)
#undef NL_DL_SYM
};

static const struct dl_table table = {
	"netlink", LOG_ERR, "; this process cannot run without it",
	libs, sizeof(libs) / sizeof(libs[0]), syms, sizeof(syms) / sizeof(syms[0]), &nl_dl_fn,
};

void nl_dl_load(unsigned int groups)
{
	unsigned int todo = groups & ~nl_dl_loaded;

	if (!todo)
		return;
	if (!dl_table_load(&table, todo))
		exit(KA_EXIT_FATAL);
	nl_dl_loaded |= todo;
}
