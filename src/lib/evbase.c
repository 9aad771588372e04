/*
 * evbase.c - the libevent base factory (see evbase.h).
 */
#include "config.h"

#include <string.h>

#include <event2/event.h>

#include "evbase.h"
#include "log.h"

static void libevent_log(int severity, const char *msg)
{
	/* Every child says this once: the parent's base, inherited across
	 * fork() and never run again, still holds the signal slot. */
	if (!strncmp(msg, "Added a signal to event base", 28))
		return;
	if (severity >= EVENT_LOG_ERR)
		log_errx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

struct event_base *ka_event_base_new(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	event_set_log_callback(libevent_log);
	if (!cfg)
		return event_base_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}
