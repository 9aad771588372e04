/*
 * ck_listener - the real servers of bench/checker_cost.py: one process
 * listening on PORTS consecutive TCP ports of every local address, counting
 * the connections the health checkers make.
 *
 *   ck_listener tcp|http BASEPORT PORTS COUNTFILE
 *   ck_listener probe tcp|http NADDR BASEPORT PORTS N
 *
 * Design: one epoll loop, non-blocking sockets, no threads.  In "tcp"
 * mode a connection is accepted and closed at once (what TCP_CHECK needs).
 * In "http" mode it is read once (a health-check request fits in one
 * segment) and answered with a fixed "200 OK" with a 3-byte body, then
 * closed.  On SIGUSR1 the number of connections accepted so far is written
 * to COUNTFILE (rewritten whole), so the benchmark can take the difference
 * over its window.  Built statically (gcc -static) for the busybox VM.
 *
 * "probe" mode is the other side, the floor of a health check's cost: N
 * checks one after the other against a listener running in tcp or http
 * mode (addresses 10.9.0.1..NADDR, ports BASEPORT..), each the least a
 * checker can do with one TCP connection (socket, connect, poll; for
 * http one request and reads until the close; close with an RST), then
 * "PROBE kind N user_us sys_us" per check from getrusage().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 1024
#define EVENTS 256

static volatile sig_atomic_t dump_wanted;
static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	"Content-Length: 3\r\nConnection: close\r\n\r\nok\n";

static void on_usr1(int sig)
{
	(void)sig;
	dump_wanted = 1;
}

static void dump(const char *path, unsigned long long n)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%llu\n", n);
	fclose(f);
	rename(tmp, path);
}

/* A listening socket on every address, port PORT, or -1. */
static int listen_on(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 4096) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Accept everything pending on LFD; returns the number accepted. */
static unsigned accept_all(int ep, int lfd, int http)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned n = 0;
	int c;

	while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		n++;
		if (!http) {
			close(c);
			continue;
		}
		ev.data.u64 = (unsigned long long)c << 1;	/* low bit 0: a client */
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0)
			close(c);
	}
	return n;
}

/* A client of http mode is readable: answer once and close. */
static void answer(int c)
{
	char buf[4096];
	ssize_t r = read(c, buf, sizeof(buf));

	if (r < 0 && errno == EAGAIN)
		return;
	if (r > 0 && write(c, reply, sizeof(reply) - 1) < 0)
		r = 0;
	close(c);			/* also removes it from the epoll set */
}

/* One minimal check of server SIN; 0 when it worked. */
static int probe_one(const struct sockaddr_in *sin, int http)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	struct linger lg = { 1, 0 };
	struct pollfd p;
	char buf[4096];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), rc = -1;
	ssize_t r;

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0 && errno != EINPROGRESS)
		goto out;
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 5000) != 1 || (p.revents & (POLLERR | POLLHUP)))
		goto out;
	if (!http) {
		rc = 0;
		goto out;
	}
	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(req) - 1)
		goto out;
	for (;;) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) != 1)
			goto out;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			;
		if (r == 0)
			break;
		if (errno != EAGAIN)
			goto out;
	}
	rc = 0;
out:
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return rc;
}

static int probe(int argc, char **argv)
{
	int http, naddr, base, ports, n, i, fails = 0;
	struct rusage a, b;

	if (argc != 7 || (strcmp(argv[2], "tcp") && strcmp(argv[2], "http")))
		return 2;
	http = !strcmp(argv[2], "http");
	naddr = atoi(argv[3]);
	base = atoi(argv[4]);
	ports = atoi(argv[5]);
	n = atoi(argv[6]);
	if (naddr < 1 || ports < 1 || n < 1)
		return 2;
	getrusage(RUSAGE_SELF, &a);
	for (i = 0; i < n; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_port = htons(base + i % ports) };

		sin.sin_addr.s_addr = htonl(0x0a090001 + (i / ports) % naddr);
		fails += probe_one(&sin, http) != 0;
	}
	getrusage(RUSAGE_SELF, &b);
	printf("PROBE %s %d %.0f %.0f %d\n", argv[2], n,
	       ((b.ru_utime.tv_sec - a.ru_utime.tv_sec) * 1e6 +
		(b.ru_utime.tv_usec - a.ru_utime.tv_usec)) / n,
	       ((b.ru_stime.tv_sec - a.ru_stime.tv_sec) * 1e6 +
		(b.ru_stime.tv_usec - a.ru_stime.tv_usec)) / n, fails);
	return 0;
}

int main(int argc, char **argv)
{
	struct epoll_event evs[EVENTS], ev = { .events = EPOLLIN };
	unsigned long long count = 0;
	int http, base, ports, ep, i, n;

	if (argc > 1 && !strcmp(argv[1], "probe"))
		return probe(argc, argv);
	if (argc != 5 || (strcmp(argv[1], "tcp") && strcmp(argv[1], "http"))) {
		fprintf(stderr, "usage: %s tcp|http BASEPORT PORTS COUNTFILE\n", argv[0]);
		return 2;
	}
	http = !strcmp(argv[1], "http");
	base = atoi(argv[2]);
	ports = atoi(argv[3]);
	if (ports < 1 || ports > MAX_PORTS || base < 1 || base + ports > 65536)
		return 2;
	signal(SIGUSR1, on_usr1);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < ports; i++) {
		int fd = listen_on(base + i);

		if (fd < 0) {
			perror("listen");
			return 1;
		}
		ev.data.u64 = ((unsigned long long)fd << 1) | 1;	/* low bit 1: listener */
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	dump(argv[4], 0);
	for (;;) {
		if (dump_wanted) {
			dump_wanted = 0;
			dump(argv[4], count);
		}
		n = epoll_wait(ep, evs, EVENTS, -1);
		for (i = 0; i < n; i++) {
			int fd = (int)(evs[i].data.u64 >> 1);

			if (evs[i].data.u64 & 1)
				count += accept_all(ep, fd, http);
			else
				answer(fd);
		}
	}
}
