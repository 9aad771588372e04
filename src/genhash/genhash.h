/*
 * genhash.h - genhash, the MD5 digest tool for HTTP_GET/SSL_GET (genhash(1)),
 * as a library the genhash program and `keepalived -T` share.
 *
 * Design.  genhash_opts.c turns the command line into a struct
 * genhash_opts (pure, no I/O but the messages it is given a stream for);
 * genhash_main.c runs one http_fetch (src/http) on its own event base and
 * prints what 2.2.7's genhash prints; genhash_dump.c holds the -v dumps.
 * Exit status: 1 for a command line error or -h, 0 once a fetch was made,
 * whatever its result (as 2.2.7).
 */
#ifndef KA_GENHASH_H
#define KA_GENHASH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "genhash_ka.h"      /* genhash_keepalived_main() */
#include "http_request.h"

struct genhash_opts {
	bool ssl;                      /* -S */
	bool sni;                      /* -I: send the -V name as SNI */
	bool verbose;                  /* -v */
	struct sockaddr_storage addr;  /* -s (port from -p) */
	socklen_t addrlen;
	bool have_server, have_port, have_url;
	const char *url;               /* -u */
	const char *virtualhost;       /* -V, NULL if none */
	enum http_protocol proto;      /* -P, HTTP_PROTO_1_0 by default */
	unsigned timeout_s;            /* -t, 0 = none (the default) */
	uint32_t fwmark;               /* -m, 0 = none */
};

/*
 * Parse argv[1..argc-1].  prog is the name shown in the usage text
 * ("genhash", or "keepalived --genhash").  With usage_if_short, argc <= 2
 * only prints the usage (genhash itself; keepalived -T needs no option
 * after -T to do that).  Returns 0 when the fetch should run, else 1
 * after printing the message and usage to err.
 */
int genhash_parse(struct genhash_opts *o, int argc, char **argv, const char *prog,
		  bool usage_if_short, FILE *err);

/* The usage text on err. */
void genhash_usage(FILE *err, const char *prog);

/* Run a parsed request, printing to out and err; returns the exit status. */
int genhash_run(const struct genhash_opts *o, FILE *out, FILE *err);

/* The genhash program: argv[0] names it in the usage text. */
int genhash_main(int argc, char **argv);

/* -v dumps (genhash_dump.c): 2.2.7's hex dump layout and banners. */
void genhash_hexdump(FILE *out, const void *data, size_t len);
void genhash_banner(FILE *out, const char *title);

#endif
