/*
 * log.c - the logging API of include/log.h.
 *
 * One process-wide sink description (struct log_state): syslog under an
 * ident and facility, optionally stderr (-l) and a file (-g).  Console and
 * file lines carry a local timestamp in the same layout as 2.2.7
 * ("Sun Nov 22 04:47:23 2026: message"); syslog adds its own.  The file is
 * flushed after every line so that an operator tailing it (and the tests)
 * see messages at once, which also covers --flush-log-file.
 *
 * log_init() may be called again (children after fork, reload): it closes
 * what the previous call opened and opens the new sinks.  errno is
 * preserved across every logging call so callers can log and then test it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

struct log_state {
	char ident[64];
	int facility;
	bool console;
	bool syslog_on;
	bool syslog_open;
	bool detail;
	FILE *file;
};

static struct log_state st = {
	.ident = "Keepalived",
	.facility = LOG_DAEMON,
	.console = true,      /* before log_init(): messages must not vanish */
};

void log_close(void)
{
	if (st.syslog_open)
		closelog();
	st.syslog_open = false;
	if (st.file)
		fclose(st.file);
	st.file = NULL;
}

static void open_syslog(void)
{
	if (st.syslog_open)
		closelog();
	openlog(st.ident, LOG_PID | LOG_NDELAY, st.facility);
	st.syslog_open = true;
}

void log_init(const struct log_opts *opts)
{
	int saved = errno;

	log_close();
	snprintf(st.ident, sizeof(st.ident), "%s", opts->ident ? opts->ident : "Keepalived");
	st.facility = opts->facility ? opts->facility : LOG_DAEMON;
	st.console = opts->console;
	st.syslog_on = !opts->no_syslog;
	st.detail = opts->detail;
	if (opts->file) {
		st.file = fopen(opts->file, "ae");
		if (!st.file)
			fprintf(stderr, "keepalived: cannot open log file %s: %s\n",
				opts->file, strerror(errno));
	}
	if (st.syslog_on)
		open_syslog();
	errno = saved;
}

void log_set_ident(const char *ident)
{
	snprintf(st.ident, sizeof(st.ident), "%s", ident);
	if (st.syslog_on)
		open_syslog();
}

bool log_detail_enabled(void)
{
	return st.detail;
}

static void write_stamped(FILE *f, const char *msg)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
	fprintf(f, "%s: %s\n", stamp, msg);
	fflush(f);
}

/* Held lines (log_hold): each is its priority byte, then the text and
 * its NUL, back to back. */
#define HOLD_MAX (1u << 20)
static struct {
	bool on;
	pid_t pid;                      /* a forked child (a script) does not hold */
	char *buf;
	size_t len, cap;
} held;

static void emit(int prio, const char *msg);

void log_hold(void)
{
	held.on = true;
	held.pid = getpid();
}

void log_release(void)
{
	int saved = errno;
	size_t off = 0;

	held.on = false;
	while (off < held.len) {
		int prio = (unsigned char)held.buf[off];
		const char *msg = held.buf + off + 1;

		emit(prio, msg);
		off += 2 + strlen(msg);
	}
	free(held.buf);
	held.buf = NULL;
	held.len = held.cap = 0;
	errno = saved;
}

/* Keep msg for log_release(); false: not kept (send it now). */
static bool hold_line(int prio, const char *msg)
{
	size_t n = strlen(msg) + 2;

	if (held.len + n > HOLD_MAX) {
		log_release();          /* too much: send what is held, stop holding */
		return false;
	}
	if (held.len + n > held.cap) {
		size_t cap = held.cap ? held.cap : 16384;
		char *b;

		while (cap < held.len + n)
			cap *= 2;
		b = realloc(held.buf, cap);
		if (!b)
			return false;
		held.buf = b;
		held.cap = cap;
	}
	held.buf[held.len] = (char)LOG_PRI(prio);
	memcpy(held.buf + held.len + 1, msg, n - 1);
	held.len += n;
	return true;
}

void log_vmessage(int prio, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[2048];

	if (LOG_PRI(prio) == LOG_DEBUG && !st.detail) {
		errno = saved;
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!held.on || held.pid != getpid() || !hold_line(prio, msg))
		emit(prio, msg);
	errno = saved;
}

static void emit(int prio, const char *msg)
{
	if (st.syslog_on) {
		if (!st.syslog_open)
			open_syslog();
		syslog(LOG_PRI(prio), "%s", msg);
	}
	if (st.console)
		write_stamped(stderr, msg);
	if (st.file)
		write_stamped(st.file, msg);
}

void log_message(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmessage(prio, fmt, ap);
	va_end(ap);
}

/* The message followed by ": strerror(errno)", errno left as it was. */
static void log_with_errno(int prio, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[1536];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_message(prio, "%s: %s", msg, strerror(saved));
	errno = saved;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_with_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!st.detail)
		return;
	va_start(ap, fmt);
	log_vmessage(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	log_release();
	va_start(ap, fmt);
	log_with_errno(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	log_release();
	va_start(ap, fmt);
	log_vmessage(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

int log_parse_facility(const char *arg)
{
	static const int local[8] = {
		LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
		LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
	};

	if (!arg)
		return -1;
	if (arg[0] >= '0' && arg[0] <= '7' && arg[1] == '\0')
		return local[arg[0] - '0'];
	if (!strncmp(arg, "local", 5) && arg[5] >= '0' && arg[5] <= '7' && arg[6] == '\0')
		return local[arg[5] - '0'];
	if (!strcmp(arg, "user"))
		return LOG_USER;
	if (!strcmp(arg, "daemon"))
		return LOG_DAEMON;
	return -1;
}
