/*
 * dumpfile.h - write a report file (USR1/USR2/JSON dumps) atomically.
 *
 * dumpfile_open() creates "<dir>/.<name>.XXXXXX" in $TMPDIR (or /tmp)
 * and dumpfile_commit() renames it to "<dir>/<name>" so readers see the
 * old file or the complete new one, never a half-written one.
 */
#ifndef KA_DUMPFILE_H
#define KA_DUMPFILE_H

#include <stdbool.h>
#include <stdio.h>

struct dumpfile {
	FILE *f;
	char path[4096];       /* final path */
	char tmp[4096];        /* temporary path */
};

/* The directory for dumps: $TMPDIR if set and not empty, else "/tmp". */
const char *dumpfile_dir(void);
/* Open a temporary file for `name` (e.g. "keepalived.data"). */
bool dumpfile_open(struct dumpfile *d, const char *name);
/* Close and rename into place; false (logged) on error. */
bool dumpfile_commit(struct dumpfile *d);

#endif
