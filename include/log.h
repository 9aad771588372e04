/*
 * log.h - the logging API every process uses.
 *
 * Fixed meanings (after OpenBSD's log.c):
 *   log_warn()   a problem, with strerror(errno) appended
 *   log_warnx()  a problem, no errno
 *   log_info()   a normal event an operator wants to see (state changes)
 *   log_debug()  detail, shown only with -D (log_detail)
 *   fatal()/fatalx()  unrecoverable at startup: log and exit(EXIT_FAILURE)
 *
 * Messages go to syslog under the process's ident ("Keepalived",
 * "Keepalived_vrrp", "Keepalived_healthcheckers") unless -G, to stderr
 * with -l, and to a file with -g.  log_init() may be called again in a
 * child to change the ident.
 */
#ifndef KA_LOG_H
#define KA_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

struct log_opts {
	const char *ident;     /* syslog ident, e.g. "Keepalived" */
	int facility;          /* LOG_DAEMON by default, -S */
	bool console;          /* -l: also write to stderr */
	bool no_syslog;        /* -G */
	bool detail;           /* -D: enable log_debug() */
	const char *file;      /* -g: also append to this file, NULL for none */
};

/* (Re)configure logging; safe to call again after fork(). */
void log_init(const struct log_opts *opts);
/* Change only the ident (children after fork). */
void log_set_ident(const char *ident);
/* Close syslog and any log file (before exec or exit). */
void log_close(void);
bool log_detail_enabled(void);

/* Hold the lines logged from now on in memory and send them, in order,
 * at log_release() (or when 1 MiB is held).  For a burst of kernel
 * requests that each log a line: on a busy or single CPU the syslog
 * daemon would run between the requests and delay the last one.  A
 * line's console/file timestamp is the time it is sent. */
void log_hold(void);
void log_release(void);

void log_message(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmessage(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_info(...)  log_message(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_message(LOG_NOTICE, __VA_ARGS__)
#define log_warnx(...) log_message(LOG_WARNING, __VA_ARGS__)
#define log_errx(...)  log_message(LOG_ERR, __VA_ARGS__)
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Parse a -S facility argument: 0-7, local0-7, user, daemon. -1 if invalid. */
int log_parse_facility(const char *arg);

#endif
