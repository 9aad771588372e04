/*
 * vrrp_engine.h - the set of running instances of the VRRP child.
 *
 * Design.  The engine owns what instances share: the netlink request
 * socket, the kernel event monitor, the GARP socket and the model.  It
 * routes kernel events to the instances they concern, and exposes the
 * instance list to the dump writers (vrrp_dump.c).
 */
#ifndef KA_VRRP_ENGINE_H
#define KA_VRRP_ENGINE_H

#include <stdbool.h>

#include "vrrp_instance.h"

struct event_base;
struct conf;

/* Build the model and start every instance.  0, or a KA_EXIT_* code. */
int vrrp_engine_start(struct event_base *base, const struct conf *conf, bool dont_release);
/* Reload: build the model of conf and reconcile the running instances
 * with it (vrrp_reload.h); the previous model is freed.  0, or a
 * KA_EXIT_* code (the instances still run on the previous model then). */
int vrrp_engine_reload(const struct conf *conf);
/* Every instance to STOP, then release everything. */
void vrrp_engine_stop(void);
/* The instances, in configuration order (NULL when none). */
struct vrrp_inst *vrrp_engine_instances(void);

#endif
