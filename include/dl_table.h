/*
 * dl_table.h - fill a table of function pointers from shared libraries
 * opened with dlopen(), for the lazily loaded libraries (include/nl_dl.h,
 * src/vrrp/vrrp_nft_dl.h).
 *
 * A user lists its functions once in an X-macro, X(LIB, name), and from
 * it derives: a struct with one pointer per function typed
 * __typeof__(&name) (the compiler checks every call against the library's
 * own prototype), a `struct dl_sym` array naming each pointer's library,
 * symbol and offset, and DL_CHECK_REDIRECT() assertions that a
 * function-like `#define name(...)` sends each call through its pointer.
 */
#ifndef KA_DL_TABLE_H
#define KA_DL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* A library, opened by its exact soname with RTLD_NOW | RTLD_LOCAL. */
struct dl_lib {
	unsigned int bit;	/* the user's bit for this library */
	const char *soname;	/* "libmnl.so.0" */
	void *handle;		/* NULL until dl_table_load() opens it */
};

/* A function of the table. */
struct dl_sym {
	unsigned int lib;	/* the bit of the library that exports it */
	const char *name;	/* its symbol */
	size_t offset;		/* offsetof() its pointer in the table */
};

struct dl_table {
	const char *what;	/* log prefix: "netlink" */
	int prio;		/* syslog priority of a failure */
	const char *tail;	/* appended to the failure message ("" for none) */
	struct dl_lib *libs;
	size_t n_libs;
	const struct dl_sym *syms;
	size_t n_syms;
	void *table;		/* the struct of pointers the offsets refer to */
};

/*
 * Open the libraries whose bit is in `want` (those not open yet) and set
 * the pointer of every symbol they export.  Returns true on success.  On
 * failure logs one message at t->prio, "<what>: cannot load <soname>
 * (<reason>)<tail>" or "<what>: <soname> has no symbol <name>
 * (<reason>)<tail>", and returns false; the libraries opened stay open and
 * the pointers set stay set, so a later call only retries what is left.
 */
bool dl_table_load(const struct dl_table *t, unsigned int want);

/*
 * DL_CHECK_REDIRECT(lib, name), for an X-macro list: a compile error
 * unless a call name() is a macro that expands to something longer than
 * itself (else it would call the library directly, and fail to link).
 */
#define DL_STR(x) #x
#define DL_XSTR(x) DL_STR(x)
#define DL_CHECK_REDIRECT(lib, name) \
	_Static_assert(sizeof(DL_XSTR(name())) > sizeof(#name "()"), \
		       "no redirection macro for " #name);

#endif
