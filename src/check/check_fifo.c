/*
 * check_fifo.c - the checker's notify FIFOs (see check_fifo.h).
 *
 * Two slots: lvs_notify_fifo (ours: created, script started, removed at
 * stop) and notify_fifo (shared: written only when it already exists as
 * a FIFO, the VRRP child owns it).  Each slot keeps copies of its path
 * and script command line, so a reload compares them with the new tree
 * and the old tree can go.  Lines are short, one write(2) each (atomic
 * below PIPE_BUF).
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

#include "check_fifo.h"
#include "check_model.h"
#include "conf.h"
#include "log.h"
#include "script.h"

struct ck_fifo {
	const char *kw, *script_kw;     /* global_defs keywords; script_kw NULL: none */
	const char *desc;               /* "lvs notify fifo" */
	bool own;                       /* create it when missing */
	char *path, *script_cmd;        /* copies; NULL: not configured */
	int fd;
	bool created;
	struct script *script;
};

static struct ck_fifo fifos[] = {
	{ "lvs_notify_fifo", "lvs_notify_fifo_script", "lvs notify fifo", true,
	  NULL, NULL, -1, false, NULL },
	{ "notify_fifo", NULL, "notify fifo", false, NULL, NULL, -1, false, NULL },
};
#define NFIFOS (sizeof(fifos) / sizeof(fifos[0]))

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void script_done(const struct script_result *res, void *arg)
{
	struct ck_fifo *f = arg;

	(void)res;
	f->script = NULL;
	log_info("%s script terminated", f->desc);
}

static void start_script(struct event_base *base, struct ck_fifo *f)
{
	struct script_spec spec = { 0 };
	char *cmd;

	if (!f->script_cmd || f->fd < 0 || !base)
		return;
	if (asprintf(&cmd, "%s '%s'", f->script_cmd, f->path) < 0)
		return;
	spec.cmdline = cmd;
	f->script = script_run(base, &spec, script_done, f);
	free(cmd);
}

static void slot_open(struct ck_fifo *f)
{
	struct stat st;

	if (!f->path)
		return;
	if (lstat(f->path, &st) < 0) {
		if (errno != ENOENT || !f->own)
			return;
		if (mkfifo(f->path, 0600) < 0) {
			log_warn("Unable to create %s %s", f->desc, f->path);
			return;
		}
		f->created = true;
	} else if (!S_ISFIFO(st.st_mode)) {
		log_warnx("%s %s exists and is not a FIFO", f->desc, f->path);
		return;
	}
	f->fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0)
		log_warn("Unable to open %s %s", f->desc, f->path);
}

static void slot_close(struct ck_fifo *f, bool term)
{
	if (f->script) {
		if (term)
			kill(script_pid(f->script), SIGTERM);
		else
			script_cancel(f->script);
	}
	f->script = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->created && f->path)
		unlink(f->path);
	f->created = false;
	free(f->path);
	free(f->script_cmd);
	f->path = f->script_cmd = NULL;
}

/* The slot's configuration in conf: path and script (malloc'd copies). */
static void slot_conf(const struct ck_fifo *f, const struct conf *conf, char **path, char **cmd)
{
	const struct conf_node *n = conf_global(conf, f->kw);
	const struct conf_node *s = f->script_kw ? conf_global(conf, f->script_kw) : NULL;

	*path = n && n->argc >= 1 ? strdup(n->argv[0]) : NULL;
	*cmd = *path && s && s->argc >= 1 ? strdup(s->argv[0]) : NULL;
}

void ck_fifo_open(struct event_base *base, const struct conf *conf)
{
	for (size_t i = 0; i < NFIFOS; i++) {
		struct ck_fifo *f = &fifos[i];

		slot_conf(f, conf, &f->path, &f->script_cmd);
		if (i > 0 && f->path && fifos[0].path && !strcmp(f->path, fifos[0].path)) {
			free(f->path);
			free(f->script_cmd);
			f->path = f->script_cmd = NULL;
		}
		slot_open(f);
		start_script(base, f);
	}
}

void ck_fifo_reload(struct event_base *base, const struct conf *conf)
{
	for (size_t i = 0; i < NFIFOS; i++) {
		struct ck_fifo *f = &fifos[i];
		char *path, *cmd;

		slot_conf(f, conf, &path, &cmd);
		if (same(path, f->path) && same(cmd, f->script_cmd)) {
			free(path);
			free(cmd);
			continue;
		}
		slot_close(f, false);
		f->path = path;
		f->script_cmd = cmd;
		slot_open(f);
		start_script(base, f);
	}
}

static void write_line(const char *line, int len)
{
	if (len <= 0)
		return;
	for (size_t i = 0; i < NFIFOS; i++) {
		if (fifos[i].fd >= 0 && write(fifos[i].fd, line, (size_t)len) != len)
			log_debug("%s %s: line lost", fifos[i].desc, fifos[i].path);
	}
}

void ck_fifo_vs(const struct ck_vs *vs, bool up)
{
	char line[CK_LABEL_MAX + 16];

	write_line(line, snprintf(line, sizeof(line), "VS %s %s\n", vs->label, up ? "UP" : "DOWN"));
}

void ck_fifo_rs(const struct ck_rs *rs, bool up)
{
	char line[2 * CK_LABEL_MAX + 16];

	write_line(line, snprintf(line, sizeof(line), "RS %s %s %s\n", rs->label, rs->vs->label,
				  up ? "UP" : "DOWN"));
}

void ck_fifo_close(void)
{
	for (size_t i = 0; i < NFIFOS; i++)
		slot_close(&fifos[i], true);
}
