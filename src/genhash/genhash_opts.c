/*
 * genhash_opts.c - genhash's command line, with 2.2.7's messages: the
 * first bad value ends parsing ("invalid port number 'x'"), then the
 * usage follows; missing -s, -p or -u prints only the usage.
 */
#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "genhash.h"

/* timeouts are kept in milliseconds in an unsigned */
#define MAX_TIMEOUT_S 4294967u

static const char short_opts[] = ":hvSIs:p:u:V:P:t:m:";

static const struct option long_opts[] = {
	{ "use-ssl",         no_argument,       NULL, 'S' },
	{ "use-sni",         no_argument,       NULL, 'I' },
	{ "server",          required_argument, NULL, 's' },
	{ "port",            required_argument, NULL, 'p' },
	{ "url",             required_argument, NULL, 'u' },
	{ "use-virtualhost", required_argument, NULL, 'V' },
	{ "verbose",         no_argument,       NULL, 'v' },
	{ "help",            no_argument,       NULL, 'h' },
	{ "fwmark",          required_argument, NULL, 'm' },
	{ "protocol",        required_argument, NULL, 'P' },
	{ "timeout",         required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

void genhash_usage(FILE *err, const char *prog)
{
	fprintf(err, "Usage: %s COMMAND [OPTIONS]\n", prog);
	fputs("Commands:\n"
	      "   -s server-address -p port -u url\n"
	      "   -S -s server-address -p port -u url\n"
	      "   -h\n"
	      "\n"
	      "Options:\n"
	      "Either long or short options are allowed.\n"
	      "   --use-ssl         -S       Use SSL connection to remote server.\n"
	      "   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).\n"
	      "   --server          -s       Use the specified remote server address.\n"
	      "   --port            -p       Use the specified remote server port.\n"
	      "   --url             -u       Use the specified remote server url.\n"
	      "   --use-virtualhost -V       Use the specified virtualhost in GET query.\n"
	      "   --verbose         -v       Use verbose mode output.\n"
	      "   --help            -h       Display this short inlined help screen.\n"
	      "   --fwmark          -m       Use the specified FW mark.\n"
	      "   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.\n"
	      "                                1.0c means 1.0 with 'Connection: close'\n"
	      "   --timeout         -t       Timeout in seconds\n", err);
}

/* Decimal with optional leading blanks and '+'; saturates at ULLONG_MAX. */
static bool parse_number(const char *s, unsigned long long *v)
{
	bool digits = false;

	*v = 0;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r')
		s++;
	if (*s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		*v = *v > (ULLONG_MAX - 9) / 10 ? ULLONG_MAX : *v * 10 + (unsigned long long)(*s - '0');
	return digits && !*s;
}

static bool set_server(struct genhash_opts *o, const char *s)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&o->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&o->addr;

	memset(&o->addr, 0, sizeof(o->addr));
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		o->addrlen = sizeof(*in);
	} else if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		o->addrlen = sizeof(*in6);
	} else {
		return false;
	}
	o->have_server = true;
	return true;
}

/* One option; a message on err and false when its value is bad. */
static bool take_option(struct genhash_opts *o, int c, const char *arg, uint16_t *port, FILE *err)
{
	unsigned long long v;
	int proto;

	switch (c) {
	case 'S': o->ssl = true; return true;
	case 'I': o->sni = true; return true;
	case 'v': o->verbose = true; return true;
	case 'u': o->url = arg; o->have_url = true; return true;
	case 'V': o->virtualhost = arg; return true;
	case 's':
		if (set_server(o, arg))
			return true;
		fprintf(err, "server should be an IP, not %s\n", arg);
		return false;
	case 'p':
		if (parse_number(arg, &v) && v && v <= 65535) {
			*port = (uint16_t)v;
			o->have_port = true;
			return true;
		}
		fprintf(err, "invalid port number '%s'\n", arg);
		return false;
	case 'P':
		proto = http_protocol_parse(arg);
		if (proto >= 0) {
			o->proto = (enum http_protocol)proto;
			return true;
		}
		fprintf(err, "invalid HTTP protocol version '%s'\n", arg);
		return false;
	case 't':
		if (parse_number(arg, &v)) {
			o->timeout_s = v > MAX_TIMEOUT_S ? MAX_TIMEOUT_S : (unsigned)v;
			return true;
		}
		fprintf(err, "invalid timeout '%s'\n", arg);
		return false;
	case 'm':
		if (parse_number(arg, &v)) {
			o->fwmark = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			return true;
		}
		fprintf(err, "invalid fwmark '%s'\n", arg);
		return false;
	}
	return false;
}

static void set_port(struct genhash_opts *o, uint16_t port)
{
	if (o->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&o->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&o->addr)->sin6_port = htons(port);
}

/* The word getopt just failed on is long ("--x") unless it failed inside
 * a cluster of short options, which getopt has not stepped past yet. */
static bool failed_on_long(int argc, char **argv, const char *word)
{
	const char *cur = optind < argc ? argv[optind] : NULL;

	if (strncmp(word, "--", 2))
		return false;
	return !(optopt && cur && cur[0] == '-' && cur[1] != '-' && strchr(cur, optopt));
}

/* getopt's failure: c is '?' (unknown) or ':' (missing argument). */
static void option_error(int c, int argc, char **argv, FILE *err)
{
	const char *word = argv[optind - 1];
	bool is_long = failed_on_long(argc, argv, word);

	if (c == ':') {
		if (is_long)
			fprintf(err, "Missing parameter for option %s\n", word);
		else
			fprintf(err, "Missing parameter for option -%c\n", optopt);
	} else if (optopt && !is_long) {
		fprintf(err, "Unknown option -%c\n", optopt);
	} else {
		fprintf(err, "Unknown option %s\n", word);
	}
}

int genhash_parse(struct genhash_opts *o, int argc, char **argv, const char *prog,
		  bool usage_if_short, FILE *err)
{
	uint16_t port = 0;
	int c;

	memset(o, 0, sizeof(*o));
	if (usage_if_short && argc <= 2)
		goto usage;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			option_error(c, argc, argv, err);
			goto usage;
		}
		if (c == 'h')
			goto usage;
		if (!take_option(o, c, optarg, &port, err))
			goto usage;
	}
	if (optind < argc) {
		fputs("Unexpected argument(s):", err);
		while (optind < argc)
			fprintf(err, " %s", argv[optind++]);
		fputc('\n', err);
		goto usage;
	}
	if (!o->have_server || !o->have_port || !o->have_url)
		goto usage;
	set_port(o, port);
	return 0;
usage:
	genhash_usage(err, prog);
	return 1;
}
