/*
 * monotime.h - microseconds on the monotonic clock, for intervals that a
 * step of the wall clock must not stretch or shrink.
 */
#ifndef KA_MONOTIME_H
#define KA_MONOTIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

#endif
