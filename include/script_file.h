/*
 * script_file.h - what keepalived checks about a script's program file,
 * shared by the configuration check (src/conf/kw_script.c) and the VRRP
 * child's vrrp_script check (src/vrrp/vrrp_track_prog.c).
 *
 *  - the program is the first word of the command, quotes removed;
 *  - a name with a '/' is taken as it is (2.2.7 only needs it to exist);
 *    a bare name is looked up in PATH (default /usr/local/sbin:...:/bin),
 *    where, as for execvp(), it must be an executable regular file;
 *  - with enable_script_security, a script run as root is insecure when
 *    the file or any directory above it, as written and with links
 *    resolved, is owned by a non-root user, writable by a non-root group,
 *    or writable by others (sticky directories such as /tmp excepted).
 */
#ifndef KA_SCRIPT_FILE_H
#define KA_SCRIPT_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* First word of a command line, quotes removed; false if empty. */
bool ka_script_program(const char *command, char *buf, size_t size);

enum ka_prog_state {
	KA_PROG_MISSING,     /* not found (or, in PATH, not executable) */
	KA_PROG_FILE,        /* a regular file */
	KA_PROG_NOT_FILE,    /* exists but is not a regular file */
};

/* Resolve prog (bare names through PATH) into out. */
enum ka_prog_state ka_find_program(const char *prog, char *out, size_t size);

/* Could someone other than root change what this file runs? */
bool ka_script_insecure(const char *file);

#endif
