/*
 * dl_table.c - fills a table of function pointers from libraries opened
 * with dlopen() (see include/dl_table.h).
 *
 * Each library is opened by its exact soname with RTLD_NOW | RTLD_LOCAL:
 * the ABI we compiled against, nothing added to the global symbol scope.
 * Each symbol is looked up in its own library's handle; dlsym() returns
 * the default version of a versioned symbol, the one a normal link would
 * have bound.  The address is copied into the table at the symbol's
 * offset (dlsym() gives a void *, the table holds function pointers).
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "dl_table.h"
#include "log.h"

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers must fit a void *");

/* Log why the table cannot be loaded; always false. */
static bool failed(const struct dl_table *t, const char *soname, const char *symbol,
		   const char *reason)
{
	if (!reason)
		reason = "unknown error";
	if (symbol)
		log_message(t->prio, "%s: %s has no symbol %s (%s)%s", t->what, soname, symbol,
			    reason, t->tail);
	else
		log_message(t->prio, "%s: cannot load %s (%s)%s", t->what, soname, reason, t->tail);
	return false;
}

static const struct dl_lib *lib_of(const struct dl_table *t, unsigned int bit)
{
	size_t i = 0;

	while (t->libs[i].bit != bit)
		i++;
	return &t->libs[i];
}

bool dl_table_load(const struct dl_table *t, unsigned int want)
{
	const struct dl_lib *lib;
	size_t i;
	void *p;

	for (i = 0; i < t->n_libs; i++) {
		struct dl_lib *l = &t->libs[i];

		if (!(want & l->bit) || l->handle)
			continue;
		l->handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
		if (!l->handle)
			return failed(t, l->soname, NULL, dlerror());
	}
	for (i = 0; i < t->n_syms; i++) {
		if (!(want & t->syms[i].lib))
			continue;
		lib = lib_of(t, t->syms[i].lib);
		dlerror();
		p = dlsym(lib->handle, t->syms[i].name);
		if (!p)
			return failed(t, lib->soname, t->syms[i].name, dlerror());
		memcpy((char *)t->table + t->syms[i].offset, &p, sizeof(p));
	}
	return true;
}
