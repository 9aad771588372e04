/*
 * vrrp_fifo.c - notify FIFOs and their scripts (vrrp_fifo.h).
 *
 * Design.  Module state: one slot per FIFO keyword (notify_fifo,
 * vrrp_notify_fifo).  Opening a slot: create the FIFO if missing, open it
 * O_RDWR|O_NONBLOCK, then start the script through the shared runner
 * (script.h) with the FIFO's name appended as its last word.  Lines are
 * written with one write(2) each (well under PIPE_BUF, so atomic).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf.h"
#include "log.h"
#include "script.h"
#include "vrrp_fifo.h"
#include "vrrp_instance.h"
#include "vrrp_runas.h"
#include "vrrp_sync.h"

struct fifo {
	const char *kw, *script_kw;   /* global_defs keywords */
	const char *desc;             /* for logs: "vrrp notify fifo" */
	char *path;                   /* our copy; NULL: not configured */
	int fd;
	bool created;                 /* we made it: remove at close */
	struct script *script;
};

static struct fifo fifos[] = {
	{ "notify_fifo", "notify_fifo_script", "notify fifo", NULL, -1, false, NULL },
	{ "vrrp_notify_fifo", "vrrp_notify_fifo_script", "vrrp notify fifo", NULL, -1, false, NULL },
};
#define NFIFOS (sizeof(fifos) / sizeof(fifos[0]))

/* Last `name` over every global_defs block. */
static const struct conf_node *global(const struct conf *conf, const char *name)
{
	const struct conf_node *g, *n, *found = NULL;

	conf_foreach(g, conf->root) {
		const char *nm = conf_node_name(g);

		if (nm && !strcmp(nm, "global_defs") && (n = conf_find_last(g, name)))
			found = n;
	}
	return found;
}

/* Create the FIFO (0600, owned by user/group when given). */
static bool create(struct fifo *f, const struct conf_node *n)
{
	struct script_spec ids = { .cmdline = f->path };

	if (mkfifo(f->path, 0600) < 0) {
		log_warn("Unable to create %s %s", f->desc, f->path);
		return false;
	}
	f->created = true;
	if (n->argc >= 2 && vrrp_runas_spec(n->argv[1], n->argc >= 3 ? n->argv[2] : NULL, false,
					    &ids) && ids.set_ids &&
	    chown(f->path, ids.uid, ids.gid) < 0)
		log_warn("Unable to set the owner of %s %s", f->desc, f->path);
	return true;
}

static bool open_fifo(struct fifo *f, const struct conf_node *n)
{
	struct stat st;

	if (lstat(f->path, &st) < 0) {
		if (errno != ENOENT || !create(f, n))
			return false;
	} else if (S_ISDIR(st.st_mode)) {
		log_warnx("%s %s is a directory", f->desc, f->path);
		return false;
	}
	/* 2.2.7 also writes into an existing regular file, from its start. */
	f->fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		log_warn("Unable to open %s %s", f->desc, f->path);
		return false;
	}
	log_debug("Opened %s %s", f->desc, f->path);
	return true;
}

static void script_done(const struct script_result *res, void *arg)
{
	struct fifo *f = arg;

	/* After a reload f->script may already be the next script. */
	if (f->script && script_pid(f->script) == res->pid)
		f->script = NULL;
	log_info("%s script terminated", f->desc);
}

static void start_script(struct event_base *base, const struct conf *conf, struct fifo *f)
{
	const struct conf_node *s = global(conf, f->script_kw);
	struct script_spec spec;
	char *cmd;

	if (!s || s->argc < 1)
		return;
	if (asprintf(&cmd, "%s '%s'", s->argv[0], f->path) < 0)
		return;
	memset(&spec, 0, sizeof(spec));
	spec.cmdline = cmd;
	if (vrrp_runas_spec(s->argc >= 2 ? s->argv[1] : NULL, s->argc >= 3 ? s->argv[2] : NULL,
			    vrrp_runas_default_before(conf, s), &spec)) {
		log_debug("Starting %s script %s", f->desc, cmd);
		f->script = script_run(base, &spec, script_done, f);
	}
	free(cmd);
}

void vrrp_fifo_open(struct event_base *base, const struct conf *conf)
{
	size_t i, j;

	for (i = 0; i < NFIFOS; i++) {
		struct fifo *f = &fifos[i];
		const struct conf_node *n = global(conf, f->kw);

		f->fd = -1;
		f->created = false;
		f->script = NULL;
		f->path = n && n->argc >= 1 ? strdup(n->argv[0]) : NULL;
		for (j = 0; f->path && j < i; j++)
			if (fifos[j].path && !strcmp(fifos[j].path, f->path)) {
				log_warnx("%s %s is also the %s: ignored", f->desc, f->path,
					  fifos[j].desc);
				free(f->path);
				f->path = NULL;
			}
		if (!f->path || !open_fifo(f, n))
			continue;
		start_script(base, conf, f);
	}
}

static void write_line(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < NFIFOS; i++) {
		ssize_t w;

		if (fifos[i].fd < 0)
			continue;
		w = write(fifos[i].fd, line, len);
		if (w != (ssize_t)len)
			log_debug("%s %s: line lost (%s)", fifos[i].desc, fifos[i].path,
				  w < 0 ? strerror(errno) : "short write");
	}
}

void vrrp_fifo_instance(const char *name, const char *state, unsigned priority)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "INSTANCE \"%s\" %s %u\n", name, state, priority);

	if (n > 0 && (size_t)n < sizeof(line))
		write_line(line, (size_t)n);
}

void vrrp_fifo_group(const char *name, const char *state)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "GROUP \"%s\" %s 0\n", name, state);

	if (n > 0 && (size_t)n < sizeof(line))
		write_line(line, (size_t)n);
}

void vrrp_fifo_stop_scripts(void)
{
	size_t i;

	/* The script only, not its group: 2.2.7's sample script forks a helper
	 * that must outlive the SIGTERM to read the STOP lines. */
	for (i = 0; i < NFIFOS; i++)
		if (fifos[i].script)
			kill(script_pid(fifos[i].script), SIGTERM);
}

void vrrp_fifo_close(void)
{
	size_t i;

	for (i = 0; i < NFIFOS; i++) {
		struct fifo *f = &fifos[i];

		if (f->fd >= 0)
			close(f->fd);
		if (f->created && unlink(f->path) < 0)
			log_warn("Unable to remove %s %s", f->desc, f->path);
		f->fd = -1;
		f->created = false;
		free(f->path);
		f->path = NULL;
	}
}

void vrrp_fifo_reload(struct event_base *base, const struct conf *conf)
{
	vrrp_fifo_stop_scripts();
	vrrp_fifo_close();
	vrrp_fifo_open(base, conf);
}

void vrrp_fifo_states_on_reload(const struct vrrp_inst *head, const struct conf *conf)
{
	const struct vrrp_inst *in, *prev;

	if (!global(conf, "fifo_write_vrrp_states_on_reload"))
		return;
	for (in = head; in; in = in->next) {
		const char *g = vrrp_sync_name(in);

		if (!*g)
			continue;
		for (prev = head; prev != in && strcmp(vrrp_sync_name(prev), g); prev = prev->next)
			;
		if (prev == in)
			vrrp_fifo_group(g, vrrp_sync_state_name(in));
	}
}
