/*
 * sdnotify.c - systemd notification through libsystemd (see sdnotify.h).
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "sdnotify.h"

void ka_sd_notify(const char *state)
{
	/* MAINPID: the daemonized parent is not the process systemd started */
	if (getenv("NOTIFY_SOCKET"))
		sd_notifyf(0, "%s\nMAINPID=%ld", state, (long)getpid());
}

const char *ka_sd_feature(void)
{
	return " SYSTEMD_NOTIFY";
}
