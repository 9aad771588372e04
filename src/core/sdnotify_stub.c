/*
 * sdnotify_stub.c - built without libsystemd: notifications are no-ops.
 */
#include "config.h"

#include "sdnotify.h"

void ka_sd_notify(const char *state)
{
	(void)state;
}

const char *ka_sd_feature(void)
{
	return "";
}
