/*
 * vrrp_track_procmatch.c - does a running process match a
 * vrrp_track_process?  Pure: the caller reads /proc.
 *
 * Rules (keepalived.conf(5)): an exact match, never a pattern.  Without
 * parameters and full_command, the process name (/proc/PID/comm, which
 * the kernel truncates to 15 bytes) is compared with the configured name
 * truncated likewise.  With parameters (or param_match) the name is still
 * compared with comm and the parameters with the command line after its
 * first word: exactly by default; "partial": the configured parameters are
 * the first ones; "initial": the last configured one may be a prefix of
 * the process's.  full_command compares the whole command line, first word
 * included, under the same parameter rules.
 */
#include "config.h"

#include <string.h>

#include "vrrp_track_int.h"

#define COMM_LEN 15

/* Words after the first of a NUL-separated command line. */
static const char *after_first(const char *cmd, size_t len, size_t *rest)
{
	const char *nul = memchr(cmd, '\0', len);

	if (!nul) {
		*rest = 0;
		return cmd + len;
	}
	*rest = len - (size_t)(nul + 1 - cmd);
	return nul + 1;
}

static size_t count_words(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (p[i] == '\0')
			n++;
	if (len && p[len - 1] != '\0')
		n++;
	return n;
}

/* Compare the parameters (NUL-separated, each followed by a NUL). */
static bool params_match(const struct vrrp_track_proc_cfg *c, const char *act, size_t alen)
{
	size_t clen;
	const char *conf = after_first(c->cmdline, c->cmdline_len, &clen);

	switch (c->match) {
	case VRRP_PARAM_NONE:
		return true;
	case VRRP_PARAM_EXACT:
		if (alen && act[alen - 1] != '\0')
			return clen == alen + 1 && !memcmp(conf, act, alen);
		return clen == alen && !memcmp(conf, act, alen);
	case VRRP_PARAM_PARTIAL:
		return alen >= clen && !memcmp(conf, act, clen);
	case VRRP_PARAM_INITIAL:
		if (clen == 0)
			return true;
		return alen >= clen - 1 && !memcmp(conf, act, clen - 1) &&
		       count_words(act, alen) == c->nparams;
	}
	return false;
}

bool vrrp_track_proc_match(const struct vrrp_track_proc_cfg *c, const char *comm,
			   const char *cmdline, size_t len)
{
	size_t rest;
	const char *params;

	if (c->full_command) {
		size_t first = strnlen(cmdline, len);

		if (first != strlen(c->name) || memcmp(cmdline, c->name, first) != 0)
			return false;
	} else if (strncmp(comm, c->name, COMM_LEN) != 0 ||
		   (strlen(c->name) < COMM_LEN && strlen(comm) != strlen(c->name))) {
		return false;
	}
	if (c->match == VRRP_PARAM_NONE && !c->full_command)
		return true;
	params = after_first(cmdline, len, &rest);
	if (c->full_command && c->match == VRRP_PARAM_NONE)
		return rest == 0;
	return params_match(c, params, rest);
}
