/*
 * kw_script.h - script checks with their outcome (an addition to
 * kw_checks.h's kw_check_script(), which only says keep/disable).
 *
 * keepalived 2.2.7 words the consequence of a bad script differently for
 * each kind of script ("Disabling track script X since not found/accessible",
 * "Unable to set default user for misc script 'X' - removing", silence for
 * notify scripts), so callers need the reason, not just a yes/no.
 */
#ifndef KA_KW_SCRIPT_H
#define KA_KW_SCRIPT_H

#include "kw_checks.h"

enum kw_script_result {
	KWS_OK,              /* usable (maybe a security violation was flagged) */
	KWS_NOT_FOUND,       /* missing (or not in PATH): disabled, not reported */
	KWS_INSECURE,        /* run as root and writable by others, with script security,
			      * or not a regular file: disabled, not reported */
	KWS_NO_DEFAULT_USER, /* script security without script_user nor keepalived_script:
			      * reported ("Unable to set default user ..."), to be removed */
	KWS_BAD_USER,        /* the script's own user does not exist: reported, to be removed */
};

/*
 * Examine the script of `node`: the command is argv[first].  For keywords
 * of the form "CMD [user [group]]" (kw->max_args 2 or 3) the user follows
 * the command; for the others (max_args 0, 1 or CONF_ARGS_ANY: vrrp_script's
 * script, misc_path) a sibling "user" keyword gives it.  The program is the first word of the command.  Without check_system, returns KWS_OK and looks at nothing.
 * Reports the user problems (KWS_NO_DEFAULT_USER, KWS_BAD_USER) itself;
 * flags conf_security_violation() for a usable script when script security
 * is off, as 2.2.7's -t does.  Callers report the other outcomes.
 */
enum kw_script_result kw_script_examine(struct conf_ctx *ctx, const struct conf_node *node,
					int first);

/* The two halves of kw_script_examine(), for callers that, like 2.2.7,
 * check users while reading and files later (kw_check_vrrp.c):
 * kw_script_check_user() reports and returns KWS_OK, KWS_NO_DEFAULT_USER or
 * KWS_BAD_USER; kw_script_check_file() reports nothing, returns KWS_OK,
 * KWS_NOT_FOUND or KWS_INSECURE (or the user result, silently) and flags
 * the security violation for a usable script without script security. */
enum kw_script_result kw_script_check_user(struct conf_ctx *ctx, const struct conf_node *node,
					   int first);
enum kw_script_result kw_script_check_file(struct conf_ctx *ctx, const struct conf_node *node,
					   int first);

/* Path of the program the command starts (first word, quotes honoured),
 * written into buf; false if the command is empty. */
bool kw_script_program(const char *command, char *buf, size_t size);

#endif
