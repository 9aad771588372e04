/*
 * vrrp_runas.h - which user and group a VRRP script (notify scripts,
 * notify FIFO scripts) runs as.
 *
 * Design.  2.2.7's rules, observed: a script's own "user [group]" words
 * win (the group defaults to the user's primary group); otherwise the
 * global_defs script_user [group]; otherwise the keepalived_script user
 * when it exists; otherwise the user keepalived runs as.  A FIFO script
 * takes the default only when script_user is written before it in
 * global_defs (2.2.7 resolves it while reading, so a later script_user
 * does not apply and the script runs as root).  Names are looked up when
 * the script is started, so that a reload sees the current user database.
 */
#ifndef KA_VRRP_RUNAS_H
#define KA_VRRP_RUNAS_H

#include <stdbool.h>

struct conf;
struct conf_node;
struct script_spec;

/* Remember the global default (script_user, else keepalived_script) from
 * the tree (copied: the tree may be freed afterwards). */
void vrrp_runas_init(const struct conf *conf);

/* Fill spec->set_ids/uid/gid for a script whose own words are user and
 * group (NULL when absent).  use_default: fall back to the global default.
 * Returns false (logged) when a named user or group does not exist: the
 * script must not run. */
bool vrrp_runas_spec(const char *user, const char *group, bool use_default,
		     struct script_spec *spec);

/* True when global_defs has a script_user written before `node` (a
 * global_defs keyword): the FIFO-script rule above. */
bool vrrp_runas_default_before(const struct conf *conf, const struct conf_node *node);

#endif
