/*
 * check_misc.c - MISC_CHECK: run a program, judge its exit status (see
 * check_kind.h), and the dynamic weight it shares with FILE_CHECK (see
 * check_misc.h).
 *
 * An attempt starts misc_path through the shared script runner
 * (script.h): own process group, killed (TERM, then KILL) after
 * misc_timeout seconds, or after delay_loop when misc_timeout is not set
 * (2.2.7, observed).  It runs as `user [group]`, else global_defs
 * script_user, else keepalived_script when that user exists.  Exit 0 is a
 * success, 1 a failure; 2..255 a success that sets the weight with
 * misc_dynamic (ck_misc_verdict()), a failure without.  Like 2.2.7, exit 0
 * of a dynamic checker puts its offset back to 0 (logged weight change)
 * and a failure does so silently.  MISC_CHECK's retry default is 0 (when
 * no retry is written in the checker, its real or virtual server).
 *
 * Log lines are 2.2.7's: "Misc check for [RS VS VS] by [PROG] succeeded.",
 * "... failed with retry disabled (exited with status N).", "... failed
 * after N retry|retries (exited with status N | due to signal N)", with
 * log_all_failures "... failed, will do N retry (...)." for each failure
 * it retries, and "timed out" in place of "failed" for a timeout.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "check_kind.h"
#include "check_misc.h"
#include "conf.h"
#include "log.h"
#include "script.h"

extern const struct ck_kind ck_kind_misc;
extern const struct ck_kind ck_kind_file __attribute__((weak));

struct misc_spec {
	struct ck_dyn dyn;               /* first: see check_misc.h */
	const char *cmdline;             /* misc_path (in the tree) */
	char *prog;                      /* its program, for the logs */
	unsigned timeout_s;              /* misc_timeout; 0: delay_loop */
	bool dynamic;
	bool set_ids;
	uid_t uid;
	gid_t gid;
	const char *bad_user;            /* a named user/group that does not exist */
	/* run time */
	bool reported;                   /* the runner's callback ran */
	enum script_outcome last;
	int last_status;
};

/* ---- pure helpers ------------------------------------------------------------ */

enum ck_outcome ck_misc_verdict(int status, bool dynamic, bool *set_weight, int *weight)
{
	*set_weight = false;
	if (status == 0)
		return CK_SUCCESS;
	if (status == 1 || !dynamic || status < 0 || status > 255)
		return CK_ERROR;
	*set_weight = true;
	*weight = status - 2;
	return CK_SUCCESS;
}

int ck_dyn_weight(int configured, const int64_t *offsets, size_t n)
{
	int64_t w = configured;

	for (size_t i = 0; i < n; i++)      /* n int32-sized terms: no overflow */
		w += offsets[i];
	return w < 0 ? 0 : w > INT32_MAX ? INT32_MAX : (int)w;
}

static bool is_dynamic(const struct ck_check *c)
{
	return c->spec && ((c->kind == &ck_kind_misc && ((struct misc_spec *)c->spec)->dynamic) ||
			   (&ck_kind_file && c->kind == &ck_kind_file));
}

void ck_dyn_apply(struct ck_rs *rs, bool loud)
{
	int64_t sum = 0;              /* offsets are int32-sized: no overflow */
	int configured = rs->weight;
	bool any = false;

	for (size_t k = 0; k < rs->n_checks; k++) {
		const struct ck_check *c = &rs->checks[k];
		const struct ck_dyn *d = c->spec;

		if (!is_dynamic(c))
			continue;
		configured = d->configured;
		sum += d->offset;
		any = true;
	}
	if (!any)
		return;
	if (loud)
		ck_result_weight(rs, ck_dyn_weight(configured, &sum, 1));
	else
		rs->weight = ck_dyn_weight(configured, &sum, 1);
}

/* ---- configuration -------------------------------------------------------------- */

/* Fill the ids from "user NAME [GROUP]"; false when a name is unknown. */
static bool ids_of(struct misc_spec *s, const char *user, const char *group)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = NULL;

	if (!pw || (group && !(gr = getgrnam(group)))) {
		s->bad_user = pw ? group : user;
		return false;
	}
	s->set_ids = true;
	s->uid = pw->pw_uid;
	s->gid = gr ? gr->gr_gid : pw->pw_gid;
	return true;
}

static void resolve_user(struct misc_spec *s, const struct conf_node *blk,
			 const struct conf *conf)
{
	const struct conf_node *u = conf_find_last(blk, "user");
	const struct conf_node *g = conf_find(conf->root, "global_defs");

	if (u && u->argc > 0) {
		ids_of(s, u->argv[0], u->argc > 1 ? u->argv[1] : NULL);
		return;
	}
	u = g ? conf_find_last(g, "script_user") : NULL;
	if (u && u->argc > 0) {
		ids_of(s, u->argv[0], u->argc > 1 ? u->argv[1] : NULL);
		return;
	}
	if (getpwnam("keepalived_script"))
		ids_of(s, "keepalived_script", NULL);
}

/* retry written in the checker, its real server or its virtual server. */
static bool retry_written(const struct conf_node *blk)
{
	for (int i = 0; blk && i < 3; i++, blk = blk->parent)
		if (conf_find(blk, "retry"))
			return true;
	return false;
}

static bool misc_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	struct misc_spec *s = calloc(1, sizeof(*s));
	const struct conf_node *n = conf_find_last(blk, "misc_path");
	const char *err;
	char **argv;

	if (!s)
		return false;
	c->spec = s;
	s->dyn.configured = (int)conf_get_int(blk->parent, "weight", 1);
	s->cmdline = n && n->argc > 0 ? n->argv[0] : "";
	argv = script_split(s->cmdline, &err);
	s->prog = strdup(argv && argv[0] ? argv[0] : s->cmdline);
	free(argv);
	if (!s->prog)
		return false;
	s->timeout_s = (unsigned)conf_get_int(blk, "misc_timeout", 0);
	s->dynamic = conf_find(blk, "misc_dynamic") != NULL;
	resolve_user(s, blk, conf);
	if (!retry_written(blk))
		c->retry = 0;
	s->last_status = -1;
	return true;
}

static void misc_free_spec(struct ck_check *c)
{
	struct misc_spec *s = c->spec;

	if (s)
		free(s->prog);
	free(s);
	c->spec = NULL;
}

/* ---- one attempt -------------------------------------------------------------------- */

static const char *retries_word(unsigned n)
{
	return n == 1 ? "retry" : "retries";
}

/* With log_all_failures 2.2.7 announces each failure it will retry. */
static void log_will_retry(const struct ck_check *c, const struct misc_spec *s)
{
	unsigned left;

	if (!ck_logs_failed_attempt(c))
		return;
	left = c->retry - c->retries_done;
	if (s->last == SCRIPT_TIMEDOUT)
		log_info("Misc check for [%s VS %s] by [%s] timed out, will do %u %s.",
			 c->rs->label, c->rs->vs->label, s->prog, left, retries_word(left));
	else if (s->last == SCRIPT_EXITED)
		log_info("Misc check for [%s VS %s] by [%s] failed, will do %u %s "
			 "(exited with status %d).", c->rs->label, c->rs->vs->label, s->prog,
			 left, retries_word(left), s->last_status);
	else
		log_info("Misc check for [%s VS %s] by [%s] failed, will do %u %s.",
			 c->rs->label, c->rs->vs->label, s->prog, left, retries_word(left));
}

static void misc_done(const struct script_result *res, void *arg)
{
	struct ck_check *c = arg;
	struct misc_spec *s = c->spec;
	enum ck_outcome o = CK_ERROR;
	bool set = false;
	int w = 0;

	c->run = NULL;
	s->reported = true;
	s->last = res->outcome;
	s->last_status = res->status;
	if (res->outcome == SCRIPT_EXITED)
		o = ck_misc_verdict(res->status, s->dynamic, &set, &w);
	if (s->dynamic) {
		s->dyn.offset = set ? (int64_t)w - s->dyn.configured : 0;
		ck_dyn_apply(c->rs, o == CK_SUCCESS);
	}
	if (o == CK_SUCCESS) {
		ck_check_done(c, o, NULL);
		return;
	}
	log_will_retry(c, s);
	switch (res->outcome) {
	case SCRIPT_TIMEDOUT:
		ck_check_done(c, CK_TIMEOUT, "timed out");
		break;
	case SCRIPT_SIGNALED:
		ck_check_done(c, CK_ERROR, "due to signal %d", res->status);
		break;
	case SCRIPT_FAILED:
		ck_check_done(c, CK_ERROR, "could not start: %s", strerror(res->status));
		break;
	default:
		ck_check_done(c, CK_ERROR, "exited with status %d", res->status);
	}
}

static void misc_attempt(struct ck_check *c)
{
	struct misc_spec *s = c->spec;
	struct script_spec sp = {
		.cmdline = s->cmdline,
		.timeout_usec = s->timeout_s ? (uint64_t)s->timeout_s * 1000000 : c->delay_loop_us,
		.set_ids = s->set_ids, .uid = s->uid, .gid = s->gid,
	};
	struct script *run;

	if (s->bad_user) {
		s->last = SCRIPT_FAILED;
		ck_check_done(c, CK_ERROR, "unknown user or group %s", s->bad_user);
		return;
	}
	s->reported = false;
	run = script_run(c->base, &sp, misc_done, c);
	if (run) {
		c->run = run;
		return;
	}
	if (!s->reported) {
		s->last = SCRIPT_FAILED;
		s->last_status = 0;
		ck_check_done(c, CK_ERROR, "invalid command line");
	}
}

static void misc_cancel(struct ck_check *c)
{
	if (c->run)
		script_cancel(c->run);
	c->run = NULL;
}

/* ---- logs and dump ------------------------------------------------------------------- */

static void misc_log_ok(const struct ck_check *c)
{
	const struct misc_spec *s = c->spec;

	log_info("Misc check for [%s VS %s] by [%s] succeeded.", c->rs->label, c->rs->vs->label,
		 s->prog);
}

static void misc_log_failed(const struct ck_check *c, unsigned retries)
{
	const struct misc_spec *s = c->spec;
	char tail[64];
	bool timed_out = s->last == SCRIPT_TIMEDOUT;

	if (c->retry == 0)
		snprintf(tail, sizeof(tail), "with retry disabled");
	else
		snprintf(tail, sizeof(tail), "after %u %s", retries, retries_word(retries));
	if (timed_out)
		log_info("Misc check for [%s VS %s] by [%s] timed out %s.", c->rs->label,
			 c->rs->vs->label, s->prog, tail);
	else if (s->last == SCRIPT_EXITED)
		log_info("Misc check for [%s VS %s] by [%s] failed %s (exited with status %d).",
			 c->rs->label, c->rs->vs->label, s->prog, tail, s->last_status);
	else
		log_info("Misc check for [%s VS %s] by [%s] failed %s (%s).", c->rs->label,
			 c->rs->vs->label, s->prog, tail, c->reason);
}

static void misc_dump(FILE *out, const struct ck_check *c)
{
	const struct misc_spec *s = c->spec;

	fprintf(out, "       script = %s, timeout = %u, dynamic = %s, uid:gid = %u:%u, "
		"last status = %d, current weight = %lld\n", s->cmdline, s->timeout_s,
		s->dynamic ? "yes" : "no", (unsigned)(s->set_ids ? s->uid : 0),
		(unsigned)(s->set_ids ? s->gid : 0), s->last_status, (long long)s->dyn.offset);
}

const struct ck_kind ck_kind_misc = {
	.keyword = "MISC_CHECK",
	.build = misc_build,
	.free_spec = misc_free_spec,
	.attempt = misc_attempt,
	.cancel = misc_cancel,
	.log_ok = misc_log_ok,
	.log_failed = misc_log_failed,
	.logs_attempts = true,
	.dump = misc_dump,
};
