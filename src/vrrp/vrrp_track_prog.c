/*
 * vrrp_track_prog.c - can a vrrp_script run at all?  Checked once when the
 * model is built, as 2.2.7 checks at load: the program (first word of the
 * command, quotes honoured) must exist - a bare name is looked up in PATH,
 * where it must be executable - and, with enable_script_security, a script
 * run as root must not be changeable by anyone else: neither the file nor
 * a directory above it (as written and with links resolved) may be owned
 * by a non-root user, writable by a non-root group or by others (sticky
 * directories such as /tmp excepted).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "script_file.h"
#include "vrrp_track_int.h"

const char *vrrp_track_prog_check(const char *cmd, bool as_root, bool security, char **prog)
{
	char word[PATH_MAX], file[PATH_MAX];

	*prog = NULL;
	if (!ka_script_program(cmd, word, sizeof(word)))
		return "empty command";
	switch (ka_find_program(word, file, sizeof(file))) {
	case KA_PROG_MISSING:
		*prog = strdup(word);
		return "not found/accessible";
	case KA_PROG_NOT_FILE:
		*prog = strdup(file);
		return "not a regular file";
	case KA_PROG_FILE:
		break;
	}
	*prog = strdup(file);
	if (security && as_root && ka_script_insecure(file))
		return "insecure";
	return NULL;
}
