/*
 * reaper.h - one SIGCHLD handler per process, shared by its users.
 *
 * A process has one SIGCHLD disposition, but several modules start
 * processes: the parent's child supervisor and the script runner.  The
 * reaper owns SIGCHLD on a libevent base, reaps every exited child with
 * waitpid(-1, WNOHANG) and hands each status to the callback registered
 * for that pid.  Processes nobody registered (orphaned script
 * descendants re-parented to us as child subreaper) are reaped and
 * logged at debug level.
 */
#ifndef KA_REAPER_H
#define KA_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

struct event_base;

/* Called once per watched pid with its wait status (see waitpid(2)). */
typedef void reaper_fn(pid_t pid, int status, void *arg);

/* Start handling SIGCHLD on `base`.  Calling it again with another base
 * (a forked child with a fresh base) forgets all earlier watches. */
void reaper_init(struct event_base *base);
/* Deliver the exit of `pid` to fn(arg).  Returns false if out of slots. */
bool reaper_watch(pid_t pid, reaper_fn *fn, void *arg);
/* Stop watching `pid` (its exit will be reaped silently). */
void reaper_forget(pid_t pid);
/* Reap now without waiting for the signal (after a fork race). */
void reaper_poll(void);
/* Free the SIGCHLD event (before exit; leaves the disposition default). */
void reaper_shutdown(void);

#endif
