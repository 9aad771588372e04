/*
 * check_notify.h - run the checker's notify and quorum scripts.
 *
 * While the loop runs, scripts start through the common runner (script.h)
 * and are reaped by it; nobody waits for them.  At shutdown (omega) the
 * loop is gone, so ck_notify_wait() runs a script to completion itself,
 * for at most a few seconds, before the child exits.
 */
#ifndef KA_CHECK_NOTIFY_H
#define KA_CHECK_NOTIFY_H

struct event_base;

/* The loop's base; NULL (after stop) makes ck_notify() do nothing. */
void ck_notify_init(struct event_base *base);
/* Start `cmdline` (NULL: nothing) without waiting. */
void ck_notify(const char *cmdline);
/* Run `cmdline` (NULL: nothing) and wait for it, at most timeout_ms,
 * then kill its process group.  For shutdown only. */
void ck_notify_wait(const char *cmdline, unsigned timeout_ms);

#endif
