/*
 * sdnotify.c - systemd readiness notification (see sdnotify.h), spoken
 * directly: one datagram of "KEY=VALUE" lines to the AF_UNIX socket named
 * by $NOTIFY_SOCKET (a leading '@' means the abstract namespace).  That is
 * the whole of the documented, stable protocol; linking libsystemd for it
 * would map libgcrypt, liblz4, libzstd, liblzma and libcap into every
 * keepalived process, about 1 MiB of resident memory each.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

void ka_sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char msg[256];
	size_t plen;
	int fd, len;

	if (!path || (path[0] != '/' && path[0] != '@') || (plen = strlen(path)) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, plen);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	/* MAINPID: the daemonized parent is not the process systemd started */
	len = snprintf(msg, sizeof(msg), "%s\nMAINPID=%ld", state, (long)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)sendto(fd, msg, (size_t)len, MSG_NOSIGNAL, (struct sockaddr *)&sun,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen));
	close(fd);
}

const char *ka_sd_feature(void)
{
	return " SYSTEMD_NOTIFY";
}
