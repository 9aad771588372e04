/*
 * sdnotify.h - tell systemd about our state (READY=1, RELOADING=1,
 * STOPPING=1).  A no-op when not started by systemd (no NOTIFY_SOCKET).
 */
#ifndef KA_SDNOTIFY_H
#define KA_SDNOTIFY_H

void ka_sd_notify(const char *state);
/* For the -v banner: " SYSTEMD_NOTIFY". */
const char *ka_sd_feature(void);

#endif
