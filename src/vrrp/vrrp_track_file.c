/*
 * vrrp_track_file.c - track_file (vrrp_track_file): a number read from a
 * file, re-read whenever the file is rewritten.
 *
 * Design.  One inotify descriptor for all files; each file's directory is
 * watched (not the file: editors and "echo 5 > f" replace or truncate it,
 * and a file created later must be seen), and an event naming the file
 * makes us read it again.  Only completed writes count (IN_CLOSE_WRITE,
 * IN_MOVED_TO), so a file caught half-written never flaps the priority; a
 * deleted or renamed-away file reads as 0.  The number is parsed as 2.2.7
 * does (leading blanks, optional sign, decimal; anything else is 0).
 * init_file writes its value at start when the file is absent, or always
 * with overwrite.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>

#include <event2/event.h>

#include "log.h"
#include "vrrp_track_int.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)

static int ino_fd = -1;
static struct event *ino_ev;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static long read_value(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static void update(struct track_obj *o, bool report)
{
	long v = read_value(o->cfg->u.file.path);

	if (o->st.known && o->st.value == v)
		return;
	o->st.known = true;
	o->st.value = v;
	if (report)
		log_debug("Track file %s (%s) now %ld", o->cfg->name, o->cfg->u.file.path, v);
	track_obj_changed(o);
}

static void init_file(const struct vrrp_track_file_cfg *fc)
{
	FILE *f;

	if (!fc->init_file || (!fc->overwrite && access(fc->path, F_OK) == 0))
		return;
	f = fopen(fc->path, "w");
	if (!f) {
		log_warn("track_file: cannot initialise %s", fc->path);
		return;
	}
	fprintf(f, "%ld\n", fc->init_value);
	fclose(f);
}

static void on_events(evutil_socket_t fd, short what, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)what;
	(void)arg;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			for (size_t i = 0; i < trk.nobjs; i++) {
				struct track_obj *o = &trk.objs[i];

				if (o->cfg->kind == VRRP_TRACK_FILE && o->wd == ev->wd &&
				    (ev->mask & IN_Q_OVERFLOW || (ev->len &&
				     strcmp(ev->name, base_name(o->cfg->u.file.path)) == 0)))
					update(o, true);
			}
			if (ev->mask & IN_Q_OVERFLOW)
				for (size_t i = 0; i < trk.nobjs; i++)
					if (trk.objs[i].cfg->kind == VRRP_TRACK_FILE)
						update(&trk.objs[i], true);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static int watch_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return inotify_add_watch(ino_fd, dir, WATCH_MASK);
}

int track_file_start(void)
{
	int r = 0;

	if (!track_have(VRRP_TRACK_FILE))
		return 0;
	ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino_fd < 0)
		log_warn("track_file: inotify");
	for (size_t i = 0; i < trk.nobjs; i++) {
		struct track_obj *o = &trk.objs[i];

		o->wd = -1;
		if (o->cfg->kind != VRRP_TRACK_FILE)
			continue;
		init_file(&o->cfg->u.file);
		if (ino_fd >= 0 && (o->wd = watch_dir(o->cfg->u.file.path)) < 0) {
			log_warn("track_file %s: cannot watch the directory of %s", o->cfg->name,
				 o->cfg->u.file.path);
			r = -1;
		}
		update(o, false);
	}
	if (ino_fd >= 0) {
		ino_ev = event_new(trk.base, ino_fd, EV_READ | EV_PERSIST, on_events, NULL);
		if (ino_ev)
			event_add(ino_ev, NULL);
	}
	return ino_fd < 0 ? -1 : r;
}

void track_file_stop(void)
{
	if (ino_ev)
		event_free(ino_ev);
	ino_ev = NULL;
	if (ino_fd >= 0)
		close(ino_fd);
	ino_fd = -1;
}
