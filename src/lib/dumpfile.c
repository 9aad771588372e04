/*
 * dumpfile.c - atomic report files (see dumpfile.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dumpfile.h"
#include "log.h"

const char *dumpfile_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

bool dumpfile_open(struct dumpfile *d, const char *name)
{
	const char *dir = dumpfile_dir();
	int fd;

	snprintf(d->path, sizeof(d->path), "%s/%s", dir, name);
	snprintf(d->tmp, sizeof(d->tmp), "%s/.%s.XXXXXX", dir, name);
	fd = mkstemp(d->tmp);
	if (fd < 0) {
		log_warn("cannot create %s", d->tmp);
		return false;
	}
	fchmod(fd, 0644);
	d->f = fdopen(fd, "w");
	if (!d->f) {
		log_warn("cannot open %s", d->tmp);
		close(fd);
		unlink(d->tmp);
		return false;
	}
	return true;
}

bool dumpfile_commit(struct dumpfile *d)
{
	bool ok = !ferror(d->f);

	if (fclose(d->f) != 0)
		ok = false;
	d->f = NULL;
	if (ok && rename(d->tmp, d->path) != 0)
		ok = false;
	if (!ok) {
		log_warn("cannot write %s", d->path);
		unlink(d->tmp);
	}
	return ok;
}
