/*
 * check_file.c - FILE_CHECK: a real server's weight or state follows the
 * number written in a track file (see check_kind.h and check_misc.h).
 *
 * FILE_CHECK names a root `track_file NAME { file PATH weight W [reverse]
 * init_file [V] [overwrite] }` block; its own `weight W [reverse]`
 * overrides the block's (default 1).  Reading the file (ck_file_value(),
 * ck_file_offset()): with weight 0 a non-zero value is a fault, 0 is OK,
 * reverse swaps them; otherwise value x weight is this checker's offset
 * of the real server's weight (the total clamped at 0, as 2.2.7).  A file
 * that is missing or unreadable keeps the last value (0 at start).
 *
 * What 2.2.7 does, observed in the QEMU VM, and done here:
 *   - the file is read when the configuration is loaded (init_file first)
 *     and the result is the server's start state, silently: a fault
 *     starts the checker failed (the server is never added), an offset
 *     is in the first weight given to IPVS.  Quirk kept: at start a
 *     weight-0 file is judged without `reverse` (value 0 with reverse
 *     starts the server up although the file's status is FAULT);
 *   - afterwards the file is read only when it changes; a change of the
 *     status logs "(RS): tracked file NAME now FAULT state" / "leaving
 *     FAULT state" (then the funnel's Removing/Adding), a change of the
 *     offset logs the weight change (ck_result_weight()).
 * Changes arrive through one inotify instance per process watching the
 * directories of the tracked files (IN_CLOSE_WRITE, IN_MOVED_TO: a file
 * being rewritten is read when complete); a change marks the checker and
 * fires its scheduler timer at once (event_active), so the attempt ->
 * ck_check_done() path stays the only one.  The attempts delay_loop
 * makes in between repeat the last verdict without reading.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <event2/event.h>

#include "check_kind.h"
#include "check_misc.h"
#include "conf.h"
#include "log.h"

struct file_spec {
	struct ck_dyn dyn;               /* first: see check_misc.h */
	const char *name;                /* the track_file block's name */
	const char *path;                /* its file */
	char *dir, *base;                /* path split for the watch */
	int weight;
	bool reverse;
	/* run time */
	struct ck_check *c;
	int wd;                          /* inotify watch of dir; -1 none */
	bool watching;                   /* watch_add() was tried */
	bool dirty;                      /* the file changed: read it */
	long long value;
	bool fault;                      /* the file's status */
	bool failing;                    /* the verdict last reported */
};

/* ---- pure helpers ---------------------------------------------------------- */

long long ck_file_value(const char *buf, size_t len)
{
	long long v = 0;
	bool neg = false;
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (i < len && (buf[i] == '-' || buf[i] == '+'))
		neg = buf[i++] == '-';
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (buf[i] - '0');
		if (v > INT32_MAX)
			v = INT32_MAX;
	}
	return neg ? -v : v;
}

int64_t ck_file_offset(long long value, int weight, bool reverse, bool *fault)
{
	int64_t off;

	*fault = false;
	if (weight == 0) {
		*fault = reverse ? value == 0 : value != 0;
		return 0;
	}
	off = (int64_t)value * (reverse ? -(int64_t)weight : weight);
	return off > INT32_MAX ? INT32_MAX : off < -(int64_t)INT32_MAX ? -(int64_t)INT32_MAX : off;
}

/* ---- the inotify watcher (one per process) ---------------------------------- */

static struct {
	int fd;
	struct event *ev;
	struct file_spec **specs;
	size_t n, cap;
} watch = { .fd = -1 };

static void fire(struct file_spec *s)
{
	struct ck_check *c = s->c;

	s->dirty = true;
	if (c && c->timer && !c->in_flight)
		event_active(c->timer, EV_TIMEOUT, 1);
}

static void on_inotify(evutil_socket_t fd, short what, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	(void)what;
	(void)arg;
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			for (size_t i = 0; i < watch.n; i++)
				if ((e->mask & IN_Q_OVERFLOW) ||
				    (e->wd == watch.specs[i]->wd && e->len &&
				     !strcmp(e->name, watch.specs[i]->base)))
					fire(watch.specs[i]);
			p += sizeof(*e) + e->len;
		}
	}
}

static bool watch_add(struct file_spec *s, struct event_base *base)
{
	if (watch.fd < 0) {
		watch.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (watch.fd < 0)
			return false;
		watch.ev = event_new(base, watch.fd, EV_READ | EV_PERSIST, on_inotify, NULL);
		if (!watch.ev || event_add(watch.ev, NULL) < 0)
			return false;
	}
	if (watch.n == watch.cap) {
		size_t cap = watch.cap ? watch.cap * 2 : 8;
		struct file_spec **p = realloc(watch.specs, cap * sizeof(*p));

		if (!p)
			return false;
		watch.specs = p;
		watch.cap = cap;
	}
	s->wd = inotify_add_watch(watch.fd, s->dir, IN_CLOSE_WRITE | IN_MOVED_TO);
	if (s->wd < 0)
		return false;
	watch.specs[watch.n++] = s;
	return true;
}

static void watch_remove(struct file_spec *s)
{
	bool shared = false;

	for (size_t i = 0; i < watch.n; i++) {
		if (watch.specs[i] == s)
			watch.specs[i--] = watch.specs[--watch.n];
		else if (watch.specs[i]->wd == s->wd)
			shared = true;
	}
	if (s->wd >= 0 && !shared && watch.fd >= 0)
		inotify_rm_watch(watch.fd, s->wd);
	s->wd = -1;
	if (watch.n || watch.fd < 0)
		return;
	if (watch.ev)
		event_free(watch.ev);
	close(watch.fd);
	free(watch.specs);
	watch.fd = -1;
	watch.ev = NULL;
	watch.specs = NULL;
	watch.cap = 0;
}

/* ---- configuration ---------------------------------------------------------- */

static const struct conf_node *track_block(const struct conf *conf, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, conf->root)
		if (conf_node_name(n) && !strcmp(conf_node_name(n), "track_file") &&
		    n->argc > 0 && !strcmp(n->argv[0], name))
			return n;
	return NULL;
}

static void weight_of(const struct conf_node *w, struct file_spec *s)
{
	if (!w || w->argc < 1)
		return;
	s->weight = atoi(w->argv[0]);
	s->reverse = w->argc > 1 && !strcmp(w->argv[1], "reverse");
}

/* ---- reading and writing the file ---------------------------------------------- */

/* init_file [VALUE] [overwrite]: write VALUE (default 0) when the file
 * does not exist, or always with overwrite. */
static void init_file(const struct file_spec *s, const struct conf_node *t)
{
	const struct conf_node *init = conf_find_last(t, "init_file");
	bool overwrite = false;
	int value = 0, fd, len;
	char buf[32];

	if (!init)
		return;
	for (int i = 0; i < init->argc; i++)
		if (!strcmp(init->argv[i], "overwrite"))
			overwrite = true;
		else
			value = atoi(init->argv[i]);
	if (!overwrite && access(s->path, F_OK) == 0)
		return;
	fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		log_warn("track_file %s: cannot create %s", s->name, s->path);
		return;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", value);
	if (write(fd, buf, (size_t)len) != len)
		log_warn("track_file %s: cannot write %s", s->name, s->path);
	close(fd);
}

/* The file's value; false when it cannot be read (keep the last one). */
static bool read_value(const struct file_spec *s, long long *v)
{
	char buf[64];
	ssize_t n;
	int fd = open(s->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return false;
	*v = ck_file_value(buf, (size_t)n);
	return true;
}

/* ---- build and start state --------------------------------------------------- */

/* The state at start, silently (see the top of the file). */
static void start_state(struct ck_check *c, struct file_spec *s)
{
	read_value(s, &s->value);
	s->dyn.offset = ck_file_offset(s->value, s->weight, s->reverse, &s->fault);
	s->failing = s->weight == 0 && s->value != 0;     /* 2.2.7: no reverse here */
	c->alpha = s->failing;
	ck_dyn_apply(c->rs, false);
}

static bool file_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	struct file_spec *s = calloc(1, sizeof(*s));
	const struct conf_node *t;
	const char *slash;

	if (!s)
		return false;
	c->spec = s;
	s->c = c;
	s->wd = -1;
	s->dyn.configured = (int)conf_get_int(blk->parent, "weight", 1);
	s->weight = 1;
	s->name = conf_get_str(blk, "track_file", "");
	t = track_block(conf, s->name);
	s->path = t ? conf_get_str(t, "file", "") : "";
	if (t)
		weight_of(conf_find_last(t, "weight"), s);
	weight_of(conf_find_last(blk, "weight"), s);
	slash = strrchr(s->path, '/');
	s->dir = slash ? strndup(s->path, slash == s->path ? 1 : (size_t)(slash - s->path)) :
			 strdup(".");
	s->base = strdup(slash ? slash + 1 : s->path);
	if (!s->dir || !s->base)
		return false;
	if (t)
		init_file(s, t);
	start_state(c, s);
	/* event driven: the start state at once, no retries */
	c->warmup_us = 0;
	c->retry = 0;
	return true;
}

static void file_free_spec(struct ck_check *c)
{
	struct file_spec *s = c->spec;

	if (s) {
		watch_remove(s);
		free(s->dir);
		free(s->base);
	}
	free(s);
	c->spec = NULL;
}

/* ---- one attempt ------------------------------------------------------------- */

/* Read a changed file; log a change of status as 2.2.7 does. */
static void reread(struct ck_check *c, struct file_spec *s)
{
	bool was = s->fault;

	s->dirty = false;
	read_value(s, &s->value);
	s->dyn.offset = ck_file_offset(s->value, s->weight, s->reverse, &s->fault);
	if (s->fault != was)
		log_info("(%s): tracked file %s %s FAULT state", c->rs->label, s->name,
			 s->fault ? "now" : "leaving");
	s->failing = s->fault;
	ck_dyn_apply(c->rs, true);
}

static void file_attempt(struct ck_check *c)
{
	struct file_spec *s = c->spec;

	if (!s->watching) {
		long long now;

		s->watching = true;
		if (!watch_add(s, c->base))
			log_warn("FILE_CHECK %s: cannot watch %s (changes are not seen)",
				 s->name, s->dir);
		/* a write between the start state and the watch */
		if (read_value(s, &now) && now != s->value)
			s->dirty = true;
	}
	if (s->dirty)
		reread(c, s);
	if (s->failing)
		ck_check_done(c, CK_ERROR, "track file %s value %lld", s->name, s->value);
	else
		ck_check_done(c, CK_SUCCESS, NULL);
}

/* The read is synchronous: nothing is ever in flight. */
static void file_cancel(struct ck_check *c)
{
	(void)c;
}

/* ---- logs and dump ---------------------------------------------------------------- */

/* The status lines are logged when the file is read (reread()); the
 * verdict itself has no line of its own in 2.2.7. */
static void file_log_ok(const struct ck_check *c)
{
	(void)c;
}

static void file_log_failed(const struct ck_check *c, unsigned retries)
{
	(void)c;
	(void)retries;
}

static void file_dump(FILE *out, const struct ck_check *c)
{
	const struct file_spec *s = c->spec;

	fprintf(out, "       tracked file = %s, file = %s, weight = %d%s, status = %lld, "
		"current weight = %lld\n", s->name, s->path, s->weight,
		s->reverse ? " reverse" : "", s->value, (long long)s->dyn.offset);
}

const struct ck_kind ck_kind_file = {
	.keyword = "FILE_CHECK",
	.build = file_build,
	.free_spec = file_free_spec,
	.attempt = file_attempt,
	.cancel = file_cancel,
	.log_ok = file_log_ok,
	.log_failed = file_log_failed,
	.logs_attempts = true,
	.silent_start = true,          /* 2.2.7: no "Activating healthchecker" */
	.dump = file_dump,
};
