/*
 * kw_script.c - host checks of configured scripts (notify*, vrrp_script,
 * startup/shutdown, FIFO scripts; the LVS checks use it for MISC_CHECK and
 * notify_up/down, quorum_up/down).
 *
 * For each script: which user runs it (its own "user [group]", else
 * global_defs script_user, else keepalived_script if that user exists,
 * else root); whether the program exists (a bare name is looked up in
 * PATH, where it must be executable; 2.2.7 does not ask more of a path); when it runs as root, whether a non-root
 * user could change it: the file or any directory on its path (both as
 * written and with symbolic links resolved) owned by non-root, writable by
 * a non-root group, or writable by others (a sticky directory such as /tmp
 * excepted).  With enable_script_security an insecure script is disabled;
 * without it every usable script raises the security violation that makes
 * `keepalived -t` exit with its own status, as 2.2.7 does.
 */
#include <limits.h>
#include <pwd.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kw_script.h"
#include "script_file.h"

#define DEFAULT_SCRIPT_USER "keepalived_script"

/* ---- global settings --------------------------------------------------------- */

/* Last `name` over every global_defs block. */
static const struct conf_node *global_opt(struct conf_ctx *ctx, const char *name)
{
	const struct conf_node *g, *found = NULL, *n;

	conf_foreach(g, ctx->conf->root)
		if (conf_node_name(g) && strcmp(conf_node_name(g), "global_defs") == 0 && (n = conf_find_last(g, name)))
			found = n;
	return found;
}

/* ---- the program (script_file.h) ------------------------------------------ */

bool kw_script_program(const char *command, char *buf, size_t size)
{
	return ka_script_program(command, buf, size);
}

/* ---- the user ------------------------------------------------------------------------ */

/* The user of a script.  "CMD [user [group]]" keywords (2 or 3 words at
 * most, like notify_master) carry it after the command; the others
 * (vrrp_script's "script": any number of words, MISC_CHECK's misc_path:
 * one) take it from a sibling "user" keyword. */
static const char *script_user_word(const struct conf_node *node, int first)
{
	const struct conf_node *u;
	bool inline_user = node->kw && node->kw->max_args >= 2 &&
			   node->kw->max_args != CONF_ARGS_ANY;

	if (inline_user)
		return first + 1 < node->argc ? node->argv[first + 1] : NULL;
	if (node->parent && (u = conf_find_last(node->parent, "user")) && u->argc > 0)
		return u->argv[0];
	return NULL;
}

/* uid of the user running the script; -1 when unusable (then reported if
 * `report`, with *res telling why). */
static long script_uid(struct conf_ctx *ctx, const struct conf_node *node, int first,
		       const char *prog, bool report, enum kw_script_result *res)
{
	const char *user = script_user_word(node, first);
	const struct conf_node *gu;
	struct passwd *pw;

	if (user) {
		pw = getpwnam(user);
		if (pw)
			return (long)pw->pw_uid;
		/* 2.2.7 refuses a vrrp_script (or a checker script) whose user
		 * is unknown, and says nothing at load about notify scripts. */
		if (report && !(node->kw && node->kw->max_args == 3))
			conf_err(ctx, &node->src, "Unable to set uid/gid for script '%s'", prog);
		else if (report)
			conf_warn(ctx, &node->src, "Unable to set uid/gid for script '%s'", prog);
		*res = KWS_BAD_USER;
		return -1;
	}
	gu = global_opt(ctx, "script_user");
	if (gu && gu->argc > 0 && (pw = getpwnam(gu->argv[0])) != NULL)
		return (long)pw->pw_uid;
	if (gu)
		return 0;            /* reported once by kw_check_vrrp(); runs as root */
	pw = getpwnam(DEFAULT_SCRIPT_USER);
	if (pw)
		return (long)pw->pw_uid;
	if (global_opt(ctx, "enable_script_security")) {
		if (report)
			conf_err(ctx, &node->src, "Unable to set default user %s for script",
				 DEFAULT_SCRIPT_USER);
		*res = KWS_NO_DEFAULT_USER;
		return -1;
	}
	return 0;
}

enum kw_script_result kw_script_check_user(struct conf_ctx *ctx, const struct conf_node *node,
					   int first)
{
	enum kw_script_result res = KWS_OK;
	char prog[PATH_MAX];

	if (!conf_ctx_opts(ctx)->check_system || first >= node->argc)
		return KWS_OK;
	if (!kw_script_program(node->argv[first], prog, sizeof(prog)))
		return KWS_OK;
	script_uid(ctx, node, first, prog, true, &res);
	return res;
}

enum kw_script_result kw_script_check_file(struct conf_ctx *ctx, const struct conf_node *node,
					   int first)
{
	enum kw_script_result res = KWS_OK;
	char prog[PATH_MAX], file[PATH_MAX];
	bool security = global_opt(ctx, "enable_script_security") != NULL;
	long uid;

	if (!conf_ctx_opts(ctx)->check_system || first >= node->argc)
		return KWS_OK;
	if (!kw_script_program(node->argv[first], prog, sizeof(prog)))
		return KWS_NOT_FOUND;
	uid = script_uid(ctx, node, first, prog, false, &res);
	if (uid < 0)
		return res;
	switch (ka_find_program(prog, file, sizeof(file))) {
	case KA_PROG_MISSING:
		return KWS_NOT_FOUND;
	case KA_PROG_NOT_FILE:        /* a directory...: refused whatever the settings */
		res = KWS_INSECURE;
		break;
	case KA_PROG_FILE:
		if (uid == 0 && ka_script_insecure(file) && security)
			res = KWS_INSECURE;
		break;
	}
	if (!security)
		conf_security_violation(ctx);
	return res;
}

enum kw_script_result kw_script_examine(struct conf_ctx *ctx, const struct conf_node *node,
					int first)
{
	enum kw_script_result res = kw_script_check_user(ctx, node, first);

	return res != KWS_OK ? res : kw_script_check_file(ctx, node, first);
}

bool kw_check_script(struct conf_ctx *ctx, const struct conf_node *node, int first)
{
	return kw_script_examine(ctx, node, first) == KWS_OK;
}
