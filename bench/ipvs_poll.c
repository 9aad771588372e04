/*
 * ipvs_poll - the end-of-phase detector of bench/ipvs_bench_guest.sh: waits
 * until one IPVS service reaches a state, asking the kernel directly.
 *
 *   ipvs_poll dests ADDR PORT N TIMEOUT_S
 *       the TCP service ADDR:PORT exists and has exactly N destinations
 *   ipvs_poll reloaded ADDR PORT SCHED WEIGHT TIMEOUT_S
 *       its scheduler is SCHED and one of its destinations has weight WEIGHT
 *   ipvs_poll cost ADDR PORT COUNT
 *       COUNT queries back to back (service + destinations), then prints
 *       "WALL_S CPU_S" per query (the cost of one poll, for an INFO line)
 *
 * Exit status: 0 the condition holds, 1 timed out, 2 usage or netlink error.
 *
 * Design: one generic netlink socket, no libnl, so that the binary links
 * statically for the busybox VM and costs the guest one exec per phase
 * instead of an ipvsadm exec (fork, exec, dynamic linking) per poll.  The
 * "IPVS" family's id is resolved once (CTRL_CMD_GETFAMILY); then every 2 ms
 * (clock_nanosleep on an absolute CLOCK_MONOTONIC deadline; when late, the
 * next poll is one period after the late one, never a burst) it sends
 * IPVS_CMD_GET_SERVICE for the service (its scheduler; ESRCH = not there
 * yet) and/or an IPVS_CMD_GET_DEST dump of the service's destinations.
 * Replies are walked with explicit length checks on every netlink header
 * and attribute; anything malformed, or no reply within 5 s, is an error
 * (status 2), not a guess.
 * Written from the uapi headers linux/genetlink.h and linux/ip_vs.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS 2000000L		/* one poll every 2 ms */
#define BUF_SIZE 32768

/* The service being watched. */
struct svc {
	uint16_t af;
	uint8_t addr[16];		/* network order, zero-padded for IPv4 */
	uint16_t port;			/* host order */
};

/* What the replies told about it. */
struct state {
	int exists;			/* GET_SERVICE answered with the service */
	char sched[IP_VS_SCHEDNAME_MAXLEN];
	unsigned ndests;		/* destinations in the dump */
	int want_weight;		/* count matches of this weight (-1: none) */
	unsigned weight_hits;
};

static int nl_fd = -1;
static uint16_t ipvs_family;
static uint32_t nl_seq = 1;
static uint8_t rx[BUF_SIZE];

/* ---- request building: a buffer of header + genl header + attributes ---- */

struct req {
	uint8_t b[512];
	size_t len;
};

static void req_init(struct req *r, uint16_t type, uint16_t flags, uint8_t cmd,
		     uint8_t version)
{
	struct nlmsghdr nh = { 0 };
	struct genlmsghdr gh = { 0 };

	memset(r->b, 0, sizeof(r->b));
	nh.nlmsg_type = type;
	nh.nlmsg_flags = NLM_F_REQUEST | flags;
	nh.nlmsg_seq = ++nl_seq;
	gh.cmd = cmd;
	gh.version = version;
	memcpy(r->b, &nh, sizeof(nh));
	memcpy(r->b + NLMSG_HDRLEN, &gh, sizeof(gh));
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Appends an attribute; returns its offset (for nesting).  Sizes here are
 * small constants, so overflow of r->b is a programming error. */
static size_t req_put(struct req *r, uint16_t type, const void *data, size_t n)
{
	struct nlattr na;
	size_t at = r->len;

	if (at + NLA_ALIGN(NLA_HDRLEN + n) > sizeof(r->b)) {
		fprintf(stderr, "ipvs_poll: request too large\n");
		exit(2);
	}
	na.nla_len = (uint16_t)(NLA_HDRLEN + n);
	na.nla_type = type;
	memcpy(r->b + at, &na, sizeof(na));
	if (n)
		memcpy(r->b + at + NLA_HDRLEN, data, n);
	r->len = at + NLA_ALIGN(NLA_HDRLEN + n);
	return at;
}

static void req_nest_end(struct req *r, size_t at)
{
	struct nlattr na;

	memcpy(&na, r->b + at, sizeof(na));
	na.nla_len = (uint16_t)(r->len - at);
	memcpy(r->b + at, &na, sizeof(na));
}

static void req_put_service(struct req *r, const struct svc *s)
{
	uint16_t proto = IPPROTO_TCP, port = htons(s->port);
	size_t nest = req_put(r, IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, NULL, 0);

	req_put(r, IPVS_SVC_ATTR_AF, &s->af, sizeof(s->af));
	req_put(r, IPVS_SVC_ATTR_PROTOCOL, &proto, sizeof(proto));
	req_put(r, IPVS_SVC_ATTR_ADDR, s->addr, sizeof(s->addr));
	req_put(r, IPVS_SVC_ATTR_PORT, &port, sizeof(port));
	req_nest_end(r, nest);
}

/* ---- reply walking, every length checked ---- */

/* Calls fn(type, payload, len, ctx) for each attribute in [p, p+n);
 * returns -1 if an attribute's length is impossible. */
static int attr_walk(const uint8_t *p, size_t n,
		     int (*fn)(uint16_t, const uint8_t *, size_t, void *), void *ctx)
{
	while (n >= NLA_HDRLEN) {
		struct nlattr na;
		size_t step;

		memcpy(&na, p, sizeof(na));
		if (na.nla_len < NLA_HDRLEN || na.nla_len > n)
			return -1;
		if (fn(na.nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN,
		       na.nla_len - NLA_HDRLEN, ctx) < 0)
			return -1;
		step = NLA_ALIGN(na.nla_len);
		if (step >= n)
			return 0;
		p += step;
		n -= step;
	}
	return 0;
}

/* Called for each genl message of the reply: payload after the genl header. */
typedef int (*msg_fn)(const uint8_t *attrs, size_t n, void *ctx);

/* Sends r and reads the reply: one message (or an error) for a plain
 * request, messages until NLMSG_DONE for a dump.  Returns 0, or the
 * kernel's positive errno, or -1 on a local or format error. */
static int nl_transact(struct req *r, msg_fn fn, void *ctx)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr nh;
	uint32_t seq;
	int dump;

	memcpy(&nh, r->b, sizeof(nh));
	nh.nlmsg_len = (uint32_t)r->len;
	memcpy(r->b, &nh, sizeof(nh));
	seq = nh.nlmsg_seq;
	dump = (nh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (sendto(nl_fd, r->b, r->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) != (ssize_t)r->len)
		return -1;
	for (;;) {
		ssize_t got = recv(nl_fd, rx, sizeof(rx), MSG_TRUNC);
		size_t left;
		const uint8_t *p = rx;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || (size_t)got > sizeof(rx))
			return -1;
		left = (size_t)got;
		while (left >= NLMSG_HDRLEN) {
			memcpy(&nh, p, sizeof(nh));
			if (nh.nlmsg_len < NLMSG_HDRLEN || nh.nlmsg_len > left)
				return -1;
			if (nh.nlmsg_seq == seq) {
				size_t plen = nh.nlmsg_len - NLMSG_HDRLEN;

				if (nh.nlmsg_type == NLMSG_DONE)
					return 0;
				if (nh.nlmsg_type == NLMSG_ERROR) {
					struct nlmsgerr e;

					if (plen < sizeof(e))
						return -1;
					memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
					return e.error < 0 ? -e.error : 0;
				}
				if (plen < GENL_HDRLEN)
					return -1;
				if (fn(p + NLMSG_HDRLEN + GENL_HDRLEN, plen - GENL_HDRLEN, ctx) < 0)
					return -1;
				if (!dump)
					return 0;
			}
			if (NLMSG_ALIGN(nh.nlmsg_len) >= left)
				break;
			p += NLMSG_ALIGN(nh.nlmsg_len);
			left -= NLMSG_ALIGN(nh.nlmsg_len);
		}
	}
}

/* ---- family id ---- */

static int ctrl_attr(uint16_t type, const uint8_t *p, size_t n, void *ctx)
{
	if (type == CTRL_ATTR_FAMILY_ID) {
		if (n < sizeof(uint16_t))
			return -1;
		memcpy(ctx, p, sizeof(uint16_t));
	}
	return 0;
}

static int ctrl_msg(const uint8_t *attrs, size_t n, void *ctx)
{
	return attr_walk(attrs, n, ctrl_attr, ctx);
}

static int resolve_family(void)
{
	struct req r;
	uint16_t id = 0;
	int err;

	req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	req_put(&r, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME, sizeof(IPVS_GENL_NAME));
	err = nl_transact(&r, ctrl_msg, &id);
	if (err || !id) {
		fprintf(stderr, "ipvs_poll: no %s genetlink family (%s)\n", IPVS_GENL_NAME,
			err > 0 ? strerror(err) : "bad reply");
		return -1;
	}
	ipvs_family = id;
	return 0;
}

/* ---- the two IPVS queries ---- */

static int svc_attr(uint16_t type, const uint8_t *p, size_t n, void *ctx)
{
	struct state *st = ctx;

	if (type == IPVS_SVC_ATTR_SCHED_NAME) {
		size_t l = strnlen((const char *)p, n);

		if (l >= sizeof(st->sched))
			return -1;
		memcpy(st->sched, p, l);
		st->sched[l] = '\0';
	}
	return 0;
}

static int dest_attr(uint16_t type, const uint8_t *p, size_t n, void *ctx)
{
	struct state *st = ctx;
	uint32_t w;

	if (type == IPVS_DEST_ATTR_WEIGHT) {
		if (n < sizeof(w))
			return -1;
		memcpy(&w, p, sizeof(w));
		if (st->want_weight >= 0 && w == (uint32_t)st->want_weight)
			st->weight_hits++;
	}
	return 0;
}

/* Top level of a GET_SERVICE reply or of one GET_DEST dump message. */
static int top_attr(uint16_t type, const uint8_t *p, size_t n, void *ctx)
{
	struct state *st = ctx;

	if (type == IPVS_CMD_ATTR_SERVICE) {
		st->exists = 1;
		return attr_walk(p, n, svc_attr, ctx);
	}
	if (type == IPVS_CMD_ATTR_DEST) {
		st->ndests++;
		return attr_walk(p, n, dest_attr, ctx);
	}
	return 0;
}

static int ipvs_msg(const uint8_t *attrs, size_t n, void *ctx)
{
	return attr_walk(attrs, n, top_attr, ctx);
}

/* Fills st->exists and st->sched; 0, or -1 on an error other than
 * "no such service". */
static int get_service(const struct svc *s, struct state *st)
{
	struct req r;
	int err;

	st->exists = 0;
	st->sched[0] = '\0';
	req_init(&r, ipvs_family, 0, IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION);
	req_put_service(&r, s);
	err = nl_transact(&r, ipvs_msg, st);
	if (err == ESRCH) {	/* the kernel's "no such service" */
		st->exists = 0;
		return 0;
	}
	if (err) {
		fprintf(stderr, "ipvs_poll: GET_SERVICE: %s\n",
			err > 0 ? strerror(err) : "bad reply");
		return -1;
	}
	return 0;
}

/* Fills st->ndests and st->weight_hits (an absent service dumps nothing). */
static int get_dests(const struct svc *s, struct state *st)
{
	struct req r;
	int err;

	st->ndests = 0;
	st->weight_hits = 0;
	req_init(&r, ipvs_family, NLM_F_DUMP, IPVS_CMD_GET_DEST, IPVS_GENL_VERSION);
	req_put_service(&r, s);
	err = nl_transact(&r, ipvs_msg, st);
	if (err) {
		fprintf(stderr, "ipvs_poll: GET_DEST: %s\n",
			err > 0 ? strerror(err) : "bad reply");
		return -1;
	}
	return 0;
}

/* ---- conditions and the poll loop ---- */

struct cond {
	int mode;			/* 'd' dests, 'r' reloaded */
	unsigned n;			/* dests: wanted count */
	const char *sched;		/* reloaded: wanted scheduler */
};

/* 1 holds, 0 not yet, -1 error. */
static int check(const struct svc *s, const struct cond *c, struct state *st)
{
	if (c->mode == 'd') {
		if (c->n == 0) {	/* a dump cannot tell empty from absent */
			if (get_service(s, st) < 0)
				return -1;
			if (!st->exists)
				return 0;
		}
		if (get_dests(s, st) < 0)
			return -1;
		return st->ndests == c->n && (c->n > 0 || st->exists);
	}
	if (get_service(s, st) < 0)
		return -1;
	if (!st->exists || strcmp(st->sched, c->sched) != 0)
		return 0;
	if (get_dests(s, st) < 0)
		return -1;
	return st->weight_hits > 0;
}

static double ts_sec(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void ts_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static int poll_loop(const struct svc *s, const struct cond *c, struct state *st,
		     double timeout)
{
	struct timespec now, next, end;

	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now;
	ts_add_ns(&end, (long)(timeout * 1e9) % 1000000000L);
	end.tv_sec += (time_t)timeout;
	next = now;
	for (;;) {
		int ok = check(s, c, st);

		if (ok != 0)
			return ok > 0 ? 0 : 2;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(&now, &end))
			return 1;
		ts_add_ns(&next, PERIOD_NS);
		if (!ts_before(&now, &next)) {	/* late: one period from now */
			next = now;
			ts_add_ns(&next, PERIOD_NS);
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}

/* Times COUNT full queries (service + dump); prints wall and CPU per query. */
static int cost(const struct svc *s, long count)
{
	struct state st = { .want_weight = -1 };
	struct timespec t0, t1;
	struct rusage r0, r1;
	double cpu;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	getrusage(RUSAGE_SELF, &r0);
	for (long i = 0; i < count; i++)
		if (get_service(s, &st) < 0 || get_dests(s, &st) < 0)
			return 2;
	getrusage(RUSAGE_SELF, &r1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec -
		       r0.ru_stime.tv_sec) +
	      (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec -
		       r0.ru_stime.tv_usec) / 1e6;
	printf("%.6f %.6f\n", (ts_sec(&t1) - ts_sec(&t0)) / (double)count,
	       cpu / (double)count);
	return 0;
}

/* ---- command line ---- */

static int usage(void)
{
	fprintf(stderr, "usage: ipvs_poll dests ADDR PORT N TIMEOUT_S\n"
			"       ipvs_poll reloaded ADDR PORT SCHED WEIGHT TIMEOUT_S\n"
			"       ipvs_poll cost ADDR PORT COUNT\n");
	return 2;
}

static int parse_num(const char *a, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(a, &end, 10);
	if (errno || end == a || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_svc(const char *addr, const char *port, struct svc *s)
{
	long p;

	memset(s, 0, sizeof(*s));
	if (inet_pton(AF_INET, addr, s->addr) == 1)
		s->af = AF_INET;
	else if (inet_pton(AF_INET6, addr, s->addr) == 1)
		s->af = AF_INET6;
	else
		return -1;
	if (parse_num(port, 1, 65535, &p) < 0)
		return -1;
	s->port = (uint16_t)p;
	return 0;
}

static int nl_open(void)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };

	struct timeval limit = { .tv_sec = 5 };	/* a reply that never comes: error */

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) < 0) {
		perror("ipvs_poll: netlink socket");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct state st = { .want_weight = -1 };
	struct cond c = { 0 };
	struct svc s;
	long v;
	double timeout;
	char *end;

	if (argc < 5 || parse_svc(argv[2], argv[3], &s) < 0)
		return usage();
	if (strcmp(argv[1], "cost") == 0) {
		if (argc != 5 || parse_num(argv[4], 1, 1000000, &v) < 0)
			return usage();
		if (nl_open() < 0 || resolve_family() < 0)
			return 2;
		return cost(&s, v);
	}
	if (strcmp(argv[1], "dests") == 0 && argc == 6) {
		if (parse_num(argv[4], 0, 1000000, &v) < 0)
			return usage();
		c.mode = 'd';
		c.n = (unsigned)v;
	} else if (strcmp(argv[1], "reloaded") == 0 && argc == 7) {
		if (strlen(argv[4]) >= IP_VS_SCHEDNAME_MAXLEN ||
		    parse_num(argv[5], 0, 65535, &v) < 0)
			return usage();
		c.mode = 'r';
		c.sched = argv[4];
		st.want_weight = (int)v;
	} else {
		return usage();
	}
	timeout = strtod(argv[argc - 1], &end);
	if (end == argv[argc - 1] || *end || !(timeout > 0) || timeout > 86400)
		return usage();
	if (nl_open() < 0 || resolve_family() < 0)
		return 2;
	return poll_loop(&s, &c, &st, timeout);
}
