/*
 * backoff.h - the respawn back-off policy of the supervisor, as a pure
 * function so that it is unit-tested on its own.
 *
 * A child that dies is restarted at once the first time; while it keeps
 * dying within RESPAWN_STABLE_USEC of being started, the delay goes 1 s,
 * 2 s, 4 s ... up to RESPAWN_MAX_USEC.  A child that ran at least
 * RESPAWN_STABLE_USEC is restarted at once again.
 */
#ifndef KA_BACKOFF_H
#define KA_BACKOFF_H

#include <stdint.h>

#define RESPAWN_FIRST_USEC   1000000ULL
#define RESPAWN_MAX_USEC    60000000ULL
#define RESPAWN_STABLE_USEC 30000000ULL

/* Given the child's back-off state (*state, 0 initially) and how long the
 * child ran, return the delay before restarting it and update *state. */
uint64_t respawn_delay(uint64_t *state, uint64_t uptime_usec);

#endif
