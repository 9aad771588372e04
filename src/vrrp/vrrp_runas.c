/*
 * vrrp_runas.c - resolve the user and group of VRRP scripts (vrrp_runas.h).
 *
 * Design.  The global default is kept as copies of the words of the last
 * global_defs script_user (the VRRP child frees its tree once started);
 * names are turned into ids with getpwnam()/getgrnam() each time a script
 * starts.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "script.h"
#include "vrrp_runas.h"

#define DEFAULT_SCRIPT_USER "keepalived_script"

static struct {
	char *user, *group;          /* script_user words (ours); user NULL: none */
} dflt;

static bool is_global_defs(const struct conf_node *n)
{
	const char *nm = conf_node_name(n);

	return nm && !strcmp(nm, "global_defs");
}

void vrrp_runas_init(const struct conf *conf)
{
	const struct conf_node *n = conf_global(conf, "script_user");

	free(dflt.user);
	free(dflt.group);
	memset(&dflt, 0, sizeof(dflt));
	if (n && n->argc >= 1) {
		dflt.user = strdup(n->argv[0]);
		dflt.group = n->argc >= 2 ? strdup(n->argv[1]) : NULL;
		if (!dflt.user || (n->argc >= 2 && !dflt.group)) {
			log_warnx("out of memory: script_user %s ignored", n->argv[0]);
			free(dflt.user);
			free(dflt.group);
			memset(&dflt, 0, sizeof(dflt));
		}
	}
}

bool vrrp_runas_default_before(const struct conf *conf, const struct conf_node *node)
{
	const struct conf_node *g, *n;

	conf_foreach(g, conf->root) {
		if (!is_global_defs(g))
			continue;
		conf_foreach(n, g) {
			const char *nm = conf_node_name(n);

			if (n == node)
				return false;
			if (nm && !strcmp(nm, "script_user"))
				return true;
		}
	}
	return false;
}

/* Ids of user [group]; false when either name is unknown. */
static bool lookup(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr;

	if (!pw)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (!group)
		return true;
	if (!(gr = getgrnam(group)))
		return false;
	*gid = gr->gr_gid;
	return true;
}

bool vrrp_runas_spec(const char *user, const char *group, bool use_default,
		     struct script_spec *spec)
{
	spec->set_ids = false;
	if (user) {
		if (!lookup(user, group, &spec->uid, &spec->gid)) {
			log_warnx("Unable to set uid/gid for script %s (user %s%s%s)",
				  spec->cmdline ? spec->cmdline : "", user, group ? " group " : "",
				  group ? group : "");
			return false;
		}
		spec->set_ids = true;
		return true;
	}
	if (!use_default)
		return true;
	/* An unknown script_user was reported at load; 2.2.7 then runs as root. */
	if (dflt.user) {
		spec->set_ids = lookup(dflt.user, dflt.group, &spec->uid, &spec->gid);
		return true;
	}
	spec->set_ids = lookup(DEFAULT_SCRIPT_USER, NULL, &spec->uid, &spec->gid);
	return true;
}
