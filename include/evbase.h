/*
 * evbase.h - create the libevent base every process runs on.
 *
 * One place for the choices: monotonic timers (libevent's default on
 * Linux, asked for with EVENT_BASE_FLAG_PRECISE_TIMER for full
 * resolution) and libevent's own messages routed into our log (warnings
 * at debug level: the known one is harmless in a freshly forked child
 * that abandons its parent's base).
 */
#ifndef KA_EVBASE_H
#define KA_EVBASE_H

struct event_base;

/* A new base; NULL if libevent cannot create one. */
struct event_base *ka_event_base_new(void);

#endif
