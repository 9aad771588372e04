/*
 * vrrp_track_int.h - what the tracking modules share inside src/vrrp
 * (vrrp_track.c, vrrp_track_if.c, _linkbeat.c, _script.c, _file.c, _proc.c,
 * _dump.c, vrrp_model_track.c, vrrp_track_prog.c).  Not for the rest of the child:
 * vrrp_track.h is the public side.
 *
 * Every object has one struct track_obj with its status; a kind's module
 * updates the status and calls track_obj_changed(), the single funnel that
 * recomputes the instances tracking the object.
 */
#ifndef KA_VRRP_TRACK_INT_H
#define KA_VRRP_TRACK_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "vrrp_track.h"

struct event;
struct script;

struct track_obj {
	const struct vrrp_track_obj_cfg *cfg;
	struct vrrp_track_status st;
	/* scripts */
	struct script *running;
	struct event *timer;         /* scripts: next run; processes: fork/terminate delay */
	unsigned result;             /* rise/fall counter */
	int last_status;             /* last exit status (0 at start) */
	bool exec_reported;          /* "cannot run" said once */
	bool ever_ran;
	/* files */
	int wd;                      /* inotify watch of its directory (-1: none) */
	/* processes */
	unsigned count;              /* matching processes running */
	bool want_up;                /* quorum state waiting for its delay */
};

struct track_inst {
	struct vrrp_inst *in;
	const struct vrrp_track_model *tm;
	long total;                  /* base + contributions, before the clamp */
	unsigned faults;
};

struct vrrp_tracking {
	struct event_base *base;
	struct nlctx *nl;
	struct track_obj *objs;      /* parallel to set->objs */
	size_t nobjs;
	struct track_inst *insts;
	size_t ninsts;
	bool starting;               /* vrrp_track_start() running: recompute once at its end */
};

extern struct vrrp_tracking trk;

/* The funnel: o's status changed; recompute its instances. */
void track_obj_changed(struct track_obj *o);
/* Does any instance track an object of this kind? */
bool track_have(enum vrrp_track_kind kind);

/* Per kind: start watching (0, or -1 with the reason logged) and stop. */
int track_if_start(void);
void track_if_stop(void);
int track_script_start(void);
void track_script_stop(void);
int track_file_start(void);
void track_file_stop(void);
int track_proc_start(void);
void track_proc_stop(void);

/* vrrp_track_linkbeat.c: the link state of ifname from its driver; false
 * if it cannot be read (no such interface). */
bool track_linkbeat_read(const char *ifname, bool *up);

/* Script status words for logs and dumps ("GOOD", "BAD", "INIT"). */
const char *track_script_status(const struct track_obj *o);

/* vrrp_track_prog.c: NULL if the script's program can run, else why not
 * ("not found/accessible", "insecure", ...); *prog gets the program as
 * found (malloc'd, may be NULL). */
const char *vrrp_track_prog_check(const char *cmd, bool as_root, bool security, char **prog);

/* vrrp_track_proc.c's matcher, pure: does a process with this comm and
 * cmdline (NUL-separated words, len bytes) match? */
bool vrrp_track_proc_match(const struct vrrp_track_proc_cfg *c, const char *comm,
			   const char *cmdline, size_t len);

#endif
