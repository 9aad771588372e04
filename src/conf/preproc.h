/*
 * preproc.h - an addition to the preprocessor contract of conf_internal.h.
 *
 * 2.2.7 gives include failures their own -t exit status (6), apart from
 * other configuration errors (5) and a missing main file (4, with -e):
 * the loader asks here, before pp_close(), whether an include failed one
 * of its checks (include_check, includer/m/w/b/a, -e).  Such failures are
 * also counted in conf->errors.  conf->missing_file is set only for the
 * main file.
 */
#ifndef KA_PREPROC_H
#define KA_PREPROC_H

#include <stdbool.h>

struct preproc;

/* True once an include has failed one of its checks. */
bool pp_include_failed(const struct preproc *pp);

#endif
