/*
 * backoff.c - respawn back-off policy (see backoff.h).
 */
#include "config.h"

#include "backoff.h"

uint64_t respawn_delay(uint64_t *state, uint64_t uptime_usec)
{
	uint64_t delay;

	if (uptime_usec >= RESPAWN_STABLE_USEC)
		*state = 0;
	delay = *state;
	*state = delay ? delay * 2 : RESPAWN_FIRST_USEC;
	if (*state > RESPAWN_MAX_USEC)
		*state = RESPAWN_MAX_USEC;
	return delay;
}
