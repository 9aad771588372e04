/*
 * nl_dl.c - opens libnl's libraries on first use and fills nl_dl_fn
 * (see include/nl_dl.h).
 *
 * A group is opened by its exact soname with RTLD_NOW | RTLD_LOCAL: the
 * ABI we compiled against, nothing added to the global symbol scope (the
 * route and genl libraries bring libnl-3 in as their own dependency).
 * Each pointer of the group is then looked up in that handle; dlsym()
 * returns the default version of a versioned symbol, the one a normal link
 * would have bound.  A process that never calls netlink opens nothing.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nl_dl.h"
#include "proc.h"

struct nl_dl_table nl_dl_fn;
unsigned int nl_dl_loaded;

/* dlsym() gives a void *; the pointers are function pointers. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers must fit a void *");

/*
 * Every X() line must have its redirection macro: a name whose call does
 * not expand to something longer than itself calls libnl directly.
 */
#define NL_DL_STR(x) #x
#define NL_DL_XSTR(x) NL_DL_STR(x)
#define NL_DL_CHECK_REDIRECT(group, name) \
	_Static_assert(sizeof(NL_DL_XSTR(name())) > sizeof(#name "()"), \
		       "include/nl_dl.h: no redirection macro for " #name);
NL_DL_FUNCTIONS(NL_DL_CHECK_REDIRECT)

static const struct {
	unsigned int group;
	const char *soname;
} libs[] = {
	{ NL_DL_CORE, "libnl-3.so.200" },
	{ NL_DL_ROUTE, "libnl-route-3.so.200" },
	{ NL_DL_GENL, "libnl-genl-3.so.200" },
};

/* Log why the process cannot use libnl, and exit (see nl_dl.h). */
static _Noreturn void give_up(const char *soname, const char *symbol, const char *detail)
{
	if (!detail)
		detail = "unknown error";
	if (symbol)
		log_errx("netlink: %s has no symbol %s (%s); this process cannot run without it",
			 soname, symbol, detail);
	else
		log_errx("netlink: cannot load %s (%s); this process cannot run without it",
			 soname, detail);
	exit(KA_EXIT_FATAL);
}

/* The address of `name` in the library of `group` (handles[i] for libs[i]). */
static void *find(void *const *handles, unsigned int group, const char *name)
{
	size_t i = 0;
	void *p;

	while (libs[i].group != group)
		i++;
	dlerror();
	p = dlsym(handles[i], name);
	if (!p)
		give_up(libs[i].soname, name, dlerror());
	return p;
}

/* Set the pointers of the functions whose group is in `groups`. */
static void resolve(void *const *handles, unsigned int groups)
{
	void *p;

#define NL_DL_RESOLVE(group, name)						\
	if (groups & NL_DL_##group) {						\
		p = find(handles, NL_DL_##group, #name);			\
		memcpy(&nl_dl_fn.name, &p, sizeof(p));				\
	}
	NL_DL_FUNCTIONS(NL_DL_RESOLVE)
#undef NL_DL_RESOLVE
}

void nl_dl_load(unsigned int groups)
{
	static void *handles[sizeof(libs) / sizeof(libs[0])];
	unsigned int todo = groups & ~nl_dl_loaded;
	size_t i;

	if (!todo)
		return;
	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		if (!(todo & libs[i].group) || handles[i])
			continue;
		handles[i] = dlopen(libs[i].soname, RTLD_NOW | RTLD_LOCAL);
		if (!handles[i])
			give_up(libs[i].soname, NULL, dlerror());
	}
	resolve(handles, todo);
	nl_dl_loaded |= todo;
}
