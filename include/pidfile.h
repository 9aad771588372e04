/*
 * pidfile.h - pid files of the parent and its children.
 *
 * Files are written atomically (temporary file + rename) so a reader
 * never sees a partial pid.  A pid file "is running" when it names a live
 * process other than ourselves.
 */
#ifndef KA_PIDFILE_H
#define KA_PIDFILE_H

#include <stdbool.h>
#include <sys/types.h>

/* Write `pid` to `path`.  Returns false (errno set) on failure. */
bool pidfile_write(const char *path, pid_t pid);
/* Read the pid in `path`; 0 if absent or malformed. */
pid_t pidfile_read(const char *path);
/* True if `path` names a live process that is not this one. */
bool pidfile_running(const char *path);
/* Remove `path` if it still names `pid` (0: remove unconditionally). */
void pidfile_remove(const char *path, pid_t pid);

#endif
