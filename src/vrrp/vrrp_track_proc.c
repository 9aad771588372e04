/*
 * vrrp_track_proc.c - vrrp_track_process: how many processes match, and
 * whether that count is within [quorum, quorum_max].
 *
 * Design.  /proc is scanned once at start; after that the kernel's process
 * events connector (NETLINK_CONNECTOR, CN_IDX_PROC) reports forks, execs,
 * name changes and exits, and only the process concerned is read again
 * (/proc/PID/stat for the name and state, /proc/PID/cmdline only when some
 * tracked process has parameters or full_command).  Zombies never count.
 * A table of (pid, object) pairs remembers what each process matched so an
 * exit is a lookup, not a read.  The connector exists only in the initial
 * network namespace (elsewhere the kernel refuses the subscription with
 * ECONNREFUSED, as 2.2.7 reports); there, and wherever it fails, /proc is
 * scanned again every second instead, and the log says so.
 *
 * A count crossing the quorum changes the status after fork_delay (gained)
 * or terminate_delay (lost) if set, and only if it still holds then.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include <event2/event.h>

#include "log.h"
#include "vrrp_track_int.h"

#define POLL_US 1000000

struct match {
	pid_t pid;
	unsigned obj;
};

static struct {
	struct match *m;
	size_t n, cap;
	int fd;                      /* connector socket, -1 when polling */
	struct event *ev;            /* connector readable, or the poll timer */
	bool need_cmdline;
} pt = { .fd = -1 };

/* ---- reading one process ------------------------------------------------------ */

/* Name and state from /proc/PID/stat; false if gone or a zombie. */
static bool read_stat(pid_t pid, char *comm, size_t size)
{
	char path[64], buf[512];
	const char *open_p, *close_p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ')
		return false;
	snprintf(comm, size, "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	return close_p[2] != 'Z' && close_p[2] != 'X';
}

static size_t read_cmdline(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, size);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* ---- the match table ---------------------------------------------------------------- */

static void add_match(pid_t pid, unsigned obj)
{
	if (pt.n == pt.cap) {
		size_t ncap = pt.cap ? pt.cap * 2 : 16;
		struct match *p = realloc(pt.m, ncap * sizeof(*pt.m));

		if (!p)
			return;
		pt.m = p;
		pt.cap = ncap;
	}
	pt.m[pt.n].pid = pid;
	pt.m[pt.n++].obj = obj;
	trk.objs[obj].count++;
}

/* Forget pid; returns whether it had matched anything. */
static bool drop_pid(pid_t pid)
{
	bool any = false;

	for (size_t i = 0; i < pt.n;) {
		if (pt.m[i].pid == pid) {
			trk.objs[pt.m[i].obj].count--;
			pt.m[i] = pt.m[--pt.n];
			any = true;
		} else {
			i++;
		}
	}
	return any;
}

/* (Re)match pid against every tracked process (idempotent); returns
 * whether it matched anything, before or now. */
static bool match_pid(pid_t pid)
{
	char comm[64], cmd[4096];
	size_t len = 0;
	bool any = drop_pid(pid);

	if (!read_stat(pid, comm, sizeof(comm)))
		return any;
	if (pt.need_cmdline)
		len = read_cmdline(pid, cmd, sizeof(cmd));
	for (size_t i = 0; i < trk.nobjs; i++) {
		const struct vrrp_track_obj_cfg *c = trk.objs[i].cfg;

		if (c->kind == VRRP_TRACK_PROC &&
		    vrrp_track_proc_match(&c->u.proc, comm, cmd, len)) {
			add_match(pid, (unsigned)i);
			any = true;
		}
	}
	return any;
}

static void scan_proc(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d) {
		log_warn("track_process: cannot read /proc");
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]))
			match_pid((pid_t)atoi(de->d_name));
	closedir(d);
}

/* ---- quorum ------------------------------------------------------------------------------- */

static bool quorum_ok(const struct track_obj *o)
{
	const struct vrrp_track_proc_cfg *c = &o->cfg->u.proc;

	return o->count >= c->quorum && o->count <= c->quorum_max;
}

static void set_up(struct track_obj *o, bool up)
{
	if (o->st.known && o->st.up == up)
		return;
	log_info("Track process %s %s quorum (%u matching process%s)", o->cfg->name,
		 up ? "gained" : "lost", o->count, o->count == 1 ? "" : "es");
	o->st.known = true;
	o->st.up = up;
	track_obj_changed(o);
}

static void on_delay(evutil_socket_t fd, short what, void *arg)
{
	struct track_obj *o = arg;

	(void)fd;
	(void)what;
	set_up(o, quorum_ok(o));
}

static void evaluate(struct track_obj *o)
{
	const struct vrrp_track_proc_cfg *c = &o->cfg->u.proc;
	bool ok = quorum_ok(o);
	uint64_t delay = ok ? c->fork_delay_us : c->term_delay_us;
	struct timeval tv = { (time_t)(delay / 1000000), (suseconds_t)(delay % 1000000) };

	if (!o->st.known || !delay || !o->timer) {
		set_up(o, ok);
		return;
	}
	if (ok == o->st.up) {
		evtimer_del(o->timer);
		return;
	}
	if (!evtimer_pending(o->timer, NULL))
		evtimer_add(o->timer, &tv);
}

static void evaluate_all(void)
{
	for (size_t i = 0; i < trk.nobjs; i++)
		if (trk.objs[i].cfg->kind == VRRP_TRACK_PROC)
			evaluate(&trk.objs[i]);
}

static void rescan(void)
{
	for (size_t i = 0; i < trk.nobjs; i++)
		trk.objs[i].count = 0;
	pt.n = 0;
	scan_proc();
	evaluate_all();
}

/* ---- process events ------------------------------------------------------------------------ */

static bool on_proc_event(const struct proc_event *ev)
{
	switch (ev->what) {
	case PROC_EVENT_FORK:
		if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid)
			return false;        /* a thread */
		return match_pid(ev->event_data.fork.child_tgid);
	case PROC_EVENT_EXEC:
		return match_pid(ev->event_data.exec.process_tgid);
	case PROC_EVENT_COMM:
		if (ev->event_data.comm.process_pid != ev->event_data.comm.process_tgid)
			return false;
		return match_pid(ev->event_data.comm.process_pid);
	case PROC_EVENT_EXIT:
		if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid)
			return false;
		return drop_pid(ev->event_data.exit.process_pid);
	default:
		return false;
	}
}

static void on_cn(evutil_socket_t fd, short what, void *arg)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool changed = false;
	ssize_t n;

	(void)what;
	(void)arg;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		size_t len = (size_t)n;

		for (struct nlmsghdr *nh = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			const struct cn_msg *cn = NLMSG_DATA(nh);

			if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_NOOP ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(struct proc_event)) ||
			    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
				continue;
			changed |= on_proc_event((const struct proc_event *)(const void *)cn->data);
		}
	}
	if (n < 0 && errno == ENOBUFS) {
		log_info("track_process: process events were lost, rescanning /proc");
		rescan();
		return;
	}
	if (changed)
		evaluate_all();
}

/* Subscribe to process events; -errno on failure. */
static int cn_open(void)
{
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))]
		__attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)buf;
	struct cn_msg *cn = NLMSG_DATA(nh);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	int err;

	if (fd < 0)
		return -errno;
	memset(buf, 0, sizeof(buf));
	nh->nlmsg_len = (uint32_t)NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nh->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, buf, nh->nlmsg_len, 0) < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	rescan();
}

int track_proc_start(void)
{
	struct timeval tv = { POLL_US / 1000000, POLL_US % 1000000 };
	int fd;

	if (!track_have(VRRP_TRACK_PROC))
		return 0;
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind != VRRP_TRACK_PROC)
			continue;
		if (o->cfg->u.proc.full_command || o->cfg->u.proc.match != VRRP_PARAM_NONE)
			pt.need_cmdline = true;
		o->timer = evtimer_new(trk.base, on_delay, o);
	}
	fd = cn_open();
	if (fd >= 0) {
		pt.fd = fd;
		pt.ev = event_new(trk.base, fd, EV_READ | EV_PERSIST, on_cn, NULL);
	} else {
		static bool said;            /* once per process, not at every reload */

		if (!said)
			log_info("track_process: no process events from the kernel (%s): scanning "
				 "/proc every second instead", strerror(-fd));
		said = true;
		pt.ev = event_new(trk.base, -1, EV_PERSIST, on_poll, NULL);
	}
	if (!pt.ev)
		return -1;
	event_add(pt.ev, fd >= 0 ? NULL : &tv);
	scan_proc();
	for (size_t i = 0; i < trk.nobjs; i++)
		if (trk.objs[i].cfg->kind == VRRP_TRACK_PROC)
			set_up(&trk.objs[i], quorum_ok(&trk.objs[i]));
	return 0;
}

void track_proc_stop(void)
{
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		if (o->cfg->kind == VRRP_TRACK_PROC && o->timer) {
			event_free(o->timer);
			o->timer = NULL;
		}
	}
	if (pt.ev)
		event_free(pt.ev);
	if (pt.fd >= 0)
		close(pt.fd);
	free(pt.m);
	memset(&pt, 0, sizeof(pt));
	pt.fd = -1;
}
