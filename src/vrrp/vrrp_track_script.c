/*
 * vrrp_track_script.c - vrrp_script: run each tracked script every
 * `interval`, through the shared script runner (script.h), as its user,
 * killed at `timeout` (default: the interval, as 2.2.7, whose next run
 * finds it still running).
 *
 * Design.  One timer per script, armed for the next run `interval` after
 * the previous one started.  Each result steps the rise/fall counter
 * (vrrp_track_script_step()); when the good/bad status flips, 2.2.7's
 * line is logged ("VRRP_Script(chk) succeeded", "... failed (exited with
 * status 1)", "... timed_out") and the funnel recomputes the instances.
 * A change of exit status is logged once ("Script `chk` now returning 1").
 * A program that cannot be executed (exit 126/127: deleted, made
 * non-executable after start) is reported once, clearly, until it runs
 * again; it counts as a failure.  A script nobody uses is never run.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "script.h"
#include "vrrp_track_int.h"

static void arm(struct track_obj *o, uint64_t usec)
{
	struct timeval tv = { (time_t)(usec / 1000000), (suseconds_t)(usec % 1000000) };

	evtimer_add(o->timer, &tv);
}

const char *track_script_status(const struct track_obj *o)
{
	if (!o->st.known)
		return "INIT";
	return o->st.up ? "GOOD" : "BAD";
}

/* Exit status 126/127 from our runner: the program could not be executed. */
static void report_exec(struct track_obj *o, int status)
{
	const struct vrrp_track_script_cfg *sc = &o->cfg->u.script;
	const char *prog = sc->prog ? sc->prog : sc->cmd;

	if (o->exec_reported)
		return;
	o->exec_reported = true;
	log_warnx("VRRP_Script(%s) cannot execute %s: %s (exit status %d) - counted as a failure",
		  o->cfg->name, prog,
		  access(prog, F_OK) != 0 ? strerror(errno) :
		  access(prog, X_OK) != 0 ? "not executable" : "exec failed", status);
}

static void log_result(const struct track_obj *o, const struct script_result *res, bool ok)
{
	const char *nm = o->cfg->name;

	if (ok)
		log_info("VRRP_Script(%s) succeeded", nm);
	else if (res->outcome == SCRIPT_TIMEDOUT)
		log_info("VRRP_Script(%s) timed_out", nm);
	else if (res->outcome == SCRIPT_EXITED)
		log_info("VRRP_Script(%s) failed (exited with status %d)", nm, res->status);
	else if (res->outcome == SCRIPT_SIGNALED)
		log_info("VRRP_Script(%s) failed (due to signal %d)", nm, res->status);
	else
		log_info("VRRP_Script(%s) failed (could not be started: %s)", nm,
			 strerror(res->status));
}

static void on_done(const struct script_result *res, void *arg)
{
	struct track_obj *o = arg;
	const struct vrrp_track_script_cfg *sc = &o->cfg->u.script;
	bool ok = res->outcome == SCRIPT_EXITED && res->status == 0;
	bool changed;

	o->running = NULL;
	if (res->outcome == SCRIPT_EXITED && res->status != o->last_status) {
		log_info("Script `%s` now returning %d", o->cfg->name, res->status);
		o->last_status = res->status;
	}
	if (res->outcome == SCRIPT_EXITED && (res->status == 126 || res->status == 127))
		report_exec(o, res->status);
	else if (ok)
		o->exec_reported = false;
	o->result = vrrp_track_script_step(o->result, sc->rise, sc->fall, ok, !o->ever_ran,
					   &changed);
	o->ever_ran = true;
	if (!changed)
		return;
	log_result(o, res, ok);
	o->st.known = true;
	o->st.up = ok;
	track_obj_changed(o);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct track_obj *o = arg;
	const struct vrrp_track_script_cfg *sc = &o->cfg->u.script;
	struct script_spec spec;

	(void)fd;
	(void)what;
	arm(o, sc->interval_us);
	if (o->running) {
		log_info("Track script %s is already running, expect idle - skipping run",
			 o->cfg->name);
		return;
	}
	memset(&spec, 0, sizeof(spec));
	spec.cmdline = sc->cmd;
	spec.timeout_usec = sc->timeout_us;
	spec.set_ids = sc->set_ids;
	spec.uid = sc->uid;
	spec.gid = sc->gid;
	o->running = script_run(trk.base, &spec, on_done, o);
}

static bool used(size_t idx)
{
	for (size_t i = 0; i < trk.ninsts; i++)
		for (size_t k = 0; k < trk.insts[i].tm->nrefs; k++)
			if (trk.insts[i].tm->refs[k].obj == idx)
				return true;
	return false;
}

int track_script_start(void)
{
	int r = 0;

	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind != VRRP_TRACK_SCRIPT || o->cfg->u.script.disabled || !used(i))
			continue;
		o->timer = evtimer_new(trk.base, on_timer, o);
		if (!o->timer) {
			r = -1;
			continue;
		}
		arm(o, 0);
	}
	return r;
}

void track_script_stop(void)
{
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind != VRRP_TRACK_SCRIPT)
			continue;
		if (o->running)
			script_cancel(o->running);
		o->running = NULL;
		if (o->timer)
			event_free(o->timer);
		o->timer = NULL;
	}
}
