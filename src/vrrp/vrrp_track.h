/*
 * vrrp_track.h - VRRP tracking: what moves an instance's effective priority
 * or puts it in FAULT (track_interface, track_script / vrrp_script,
 * track_file, track_process / vrrp_track_process), with keepalived 2.2.7's
 * semantics.
 *
 * Design.  Two halves.  The model (vrrp_model_track.c) is built with the
 * instance model: one table of tracked objects shared by every instance
 * (a script tracked by two instances runs once), and per instance a list of
 * references (object, weight, reverse).  Objects nobody tracks are left out,
 * as are the references 2.2.7 ignores (weighted ones of an address owner or
 * of a sync-group member without sync_group_tracking_weight).
 *
 * A sync group's track_* lists are given to each of its members.
 *
 * The runtime (vrrp_track.c) gives every object a status - up/down for
 * interfaces, scripts and processes, a number for files - kept by one small
 * file per kind: vrrp_track_if.c (netlink, or linkbeat polling, with
 * interface_up_down_delays), _script.c (the shared script runner, rise and
 * fall, timeouts), _file.c (inotify), _proc.c (the process connector, or
 * /proc polling where there is none).  Every change goes through one
 * funnel, track_obj_changed() (vrrp_track_int.h), which recomputes each
 * instance that references the object:
 *
 *   contribution = weight 0:   none; the object being down is a fault
 *                              (file: a value other than 0)
 *                  weight > 0: +weight while up          (file: value x weight)
 *                  weight < 0: weight while down
 *                  reverse:    the contribution negated (weight 0: fault while up)
 *   total     = base priority + sum of contributions
 *   effective = total clamped to [1, 254]; an owner (255) never moves
 *   fault     = any weight-0 object down, or a file contributing below -253
 *
 * and hands the result to the instance (vrrp_inst_set_priority(),
 * vrrp_inst_set_track_fault(), and vrrp_inst_set_track_hold(): as 2.2.7,
 * an instance stays in INIT until its weight-0 scripts have answered once).
 * The pure arithmetic is in vrrp_track_calc.c so unit tests drive it
 * without an event loop.
 */
#ifndef KA_VRRP_TRACK_H
#define KA_VRRP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct conf;
struct event_base;
struct nlctx;
struct vrrp_inst;
struct vrrp_model;

/* ---- the model ------------------------------------------------------------- */

enum vrrp_track_kind {
	VRRP_TRACK_IF,
	VRRP_TRACK_SCRIPT,
	VRRP_TRACK_FILE,
	VRRP_TRACK_PROC,
	VRRP_TRACK_KINDS
};

struct vrrp_track_script_cfg {
	char *cmd;                   /* command line (owned: words joined) */
	char *prog;                  /* the program it starts, as found (owned) */
	uint64_t interval_us;        /* default 1 s */
	uint64_t timeout_us;         /* default: the interval, as 2.2.7 */
	unsigned rise, fall;         /* default 1, 1 */
	bool init_fail;
	bool set_ids;                /* run as uid/gid (not root) */
	uid_t uid;
	gid_t gid;
	const char *disabled;        /* NULL, or why it never runs (logged once at start) */
};

struct vrrp_track_file_cfg {
	const char *path;
	bool init_file;              /* write init_value at start if absent ... */
	bool overwrite;              /* ... or always */
	long init_value;
};

enum vrrp_param_match {
	VRRP_PARAM_NONE,             /* no parameters given, no param_match: any */
	VRRP_PARAM_EXACT,            /* parameters must be exactly these */
	VRRP_PARAM_INITIAL,          /* the last one may be longer */
	VRRP_PARAM_PARTIAL,          /* the first n parameters match */
};

struct vrrp_track_proc_cfg {
	char *cmdline;               /* words joined by NUL, for matching (owned) */
	size_t cmdline_len;          /* bytes including the final NUL */
	const char *name;            /* the first word */
	unsigned nparams;            /* words after the first */
	enum vrrp_param_match match;
	bool full_command;
	unsigned quorum, quorum_max; /* default 1, UINT_MAX */
	uint64_t fork_delay_us, term_delay_us;
};

/* A tracked interface: interface_up_down_delays (0: immediate), and
 * whether its link is polled (linkbeat_interfaces, linkbeat_use_polling)
 * rather than taken from netlink. */
struct vrrp_track_if_cfg {
	uint64_t down_delay_us, up_delay_us;
	bool linkbeat;
};

/* One tracked object (shared by the instances tracking it). */
struct vrrp_track_obj_cfg {
	enum vrrp_track_kind kind;
	const char *name;            /* block name, or the interface name */
	int weight;                  /* the block's default weight */
	bool reverse;                /* the block's default reverse */
	int ifindex;                 /* VRRP_TRACK_IF */
	union {
		struct vrrp_track_if_cfg iface;
		struct vrrp_track_script_cfg script;
		struct vrrp_track_file_cfg file;
		struct vrrp_track_proc_cfg proc;
	} u;
};

/* One line of an instance's track_* block. */
struct vrrp_track_ref {
	unsigned obj;                /* index in the set */
	int weight;
	bool reverse;
};

/* The objects of the whole configuration (shared, reference counted). */
struct vrrp_track_set {
	struct vrrp_track_obj_cfg *objs;
	size_t nobjs;
	unsigned users;
};

/* vrrp_model_inst->track: NULL when the instance tracks nothing. */
struct vrrp_track_model {
	struct vrrp_track_set *set;
	struct vrrp_track_ref *refs;
	size_t nrefs;
};

/* Fill ->track of every instance of `m` from the tree.  Logs what 2.2.7
 * logs about ignored references.  Returns 0, or -1 when out of memory. */
int vrrp_model_track_build(const struct conf *conf, struct nlctx *nl, struct vrrp_model *m);
/* Free every ->track (safe when none was built). */
void vrrp_model_track_free(struct vrrp_model *m);

/* ---- the arithmetic (vrrp_track_calc.c) ------------------------------------ */

/* Status of an object as the calculation sees it. */
struct vrrp_track_status {
	bool known;                  /* reported at least once */
	bool up;                     /* interfaces, scripts, processes */
	long value;                  /* files */
};

/* What one reference does to its instance. */
struct vrrp_track_effect {
	long delta;                  /* added to the priority */
	bool fault;
};

struct vrrp_track_effect vrrp_track_effect_of(enum vrrp_track_kind kind, int weight,
					      bool reverse, const struct vrrp_track_status *st);
/* Effective priority from the base and the sum of deltas (2.2.7's clamp). */
uint8_t vrrp_track_effective(uint8_t base, long total);

/* Rise/fall counter of a vrrp_script (2.2.7's "Result"): 0..rise+fall-1,
 * good from `rise` up.  Returns the new counter; *changed says whether the
 * good/bad status flipped.  The first result (first == true) decides at
 * once. */
unsigned vrrp_track_script_step(unsigned result, unsigned rise, unsigned fall, bool ok,
				bool first, bool *changed);

/* ---- the runtime ------------------------------------------------------------ */

/* Start tracking for the instances (before they start: the first state
 * already knows interfaces down and init_fail scripts).  Returns 0 or -1. */
int vrrp_track_start(struct event_base *base, struct nlctx *nl, struct vrrp_inst *head);
/* Stop every script, watch and socket (before the instances or the model
 * are freed).  With keep_status (reload), the statuses of scripts are
 * remembered by name and the next vrrp_track_start() continues from them,
 * so a reload neither repeats init nor flaps an instance out of FAULT. */
void vrrp_track_stop(bool keep_status);

/* Dumps (vrrp_track_dump.c): the instance's tracked objects as 2.2.7
 * lists them, then each one's status and what it adds to the priority
 * (data file); the JSON members, each preceded by a comma: 2.2.7's
 * "track_ifp" and "track_script" (when not empty), then "total_priority", "track_faults"
 * and "tracking" (one object per tracked item).  Print nothing for an
 * instance that tracks nothing. */
void vrrp_track_dump_inst(FILE *out, const struct vrrp_inst *in);
/* At start, 2.2.7's line for each tracked interface that holds `in` in
 * FAULT: "(VI_1): entering FAULT state (interface eth1 down)". */
void vrrp_track_log_down_ifs(const struct vrrp_inst *in);
void vrrp_track_json_inst(FILE *out, const struct vrrp_inst *in);

#endif
