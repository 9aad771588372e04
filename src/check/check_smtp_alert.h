/*
 * check_smtp_alert.h - smtp_alert for the health checker: a mail when a
 * checker changes state, and when a virtual server gains or loses its
 * quorum (texts observed on 2.2.7):
 *
 *   Subject: [<router_id>] Realserver [10.9.0.7]:tcp:80 of virtual server
 *            [10.0.0.1]:tcp:25 - DOWN
 *   Body:    => TCP CHECK failed on service <=
 *            => DNS_CHECK: succeed on service <=
 *            => CHECK failed on service : Bad HELO response from server ... <=
 *   Subject: [<router_id>] Virtualserver [10.0.0.1]:tcp:25 - UP
 *   Body:    => Gained quorum 2+0=2 <= 6 <=  (the caller's text)
 *
 * Whether a real server's transitions are mailed: its smtp_alert, else
 * global smtp_alert_checker, else smtp_alert, else yes (as 2.2.7); a
 * virtual server's quorum: its smtp_alert, else the same globals, else no.
 */
#ifndef KA_CHECK_SMTP_ALERT_H
#define KA_CHECK_SMTP_ALERT_H

#include <stdbool.h>

struct conf;
struct event_base;
struct ck_check;
struct ck_model;
struct ck_vs;

/* At checker start, after check_model_build(m, conf): read the alert
 * settings (smtp_alert_init) and which servers want alerts.  The model
 * must be the one built from conf (its virtual and real servers are
 * matched to the blocks by position).  Call again after a reload. */
void ck_alert_init(const struct ck_model *m, const struct conf *conf, struct event_base *base);
/* At checker stop. */
void ck_alert_close(void);

/* c's verdict (c->up) just changed and c->rs->alive is up to date.
 * Weak, like the check kinds (check_kind.c): the result funnel calls it
 * only when this module is linked (unit tests of the funnel omit it). */
void ck_alert_check(const struct ck_check *c) __attribute__((weak));
/* vs gained (up) or lost its quorum; the body is "=> TEXT <=" with TEXT
 * printf-style (2.2.7: "Gained quorum 2+0=2 <= 6", "Lost quorum 2+0=2 <=
 * 1", "Starting with quorum up 2+0=2 <= 6").  Weak, as ck_alert_check. */
void ck_alert_quorum(const struct ck_vs *vs, bool up, const char *fmt, ...)
	__attribute__((weak, format(printf, 3, 4)));

#endif
