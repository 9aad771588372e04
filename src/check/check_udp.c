/*
 * check_udp.c - UDP_CHECK: one datagram, and the answer or its absence
 * (see check_kind.h).
 *
 * An attempt opens a UDP socket through ck_socket() (fwmark, bind_if,
 * bindto and bind_port applied), connects it to connect_ip:connect_port
 * so that the kernel reports ICMP errors (port, host or network
 * unreachable) on it, and sends the payload (or 8 random bytes when none
 * is configured).  Then it waits up to connect_timeout:
 *   - an ICMP error: failure;
 *   - a datagram: without require_reply success; with it, its length must
 *     lie in [min_reply_length, max_reply_length] and its first bytes
 *     match the require_reply HEX_STR under its x masks
 *     (ck_udp_reply_check());
 *   - nothing: success without require_reply (no error means the port is
 *     open, as 2.2.7 does), a timeout with it.
 * The log lines are 2.2.7's: "UDP connection to X success.", "UDP_CHECK on
 * service X failed[ after N retries].", and with log_all_failures, while
 * the checker is up, "UDP check to X reply data mismatch." for a reply
 * that does not match (2.2.7 says so for a bad length too) and "UDP
 * connection to X failed." for any other failed attempt.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check_kind.h"
#include "check_misc.h"
#include "conf.h"
#include "log.h"

#define UDP_RANDOM_LEN 8

struct udp_spec {
	uint8_t *payload;                /* NULL: random bytes */
	size_t payload_len;
	bool require_reply;
	bool masked;                     /* require_reply has x digits */
	uint8_t *reply, *mask;           /* require_reply HEX_STR; NULL: any data */
	struct ck_udp_expect expect;
};

struct udp_run {
	struct ck_io k;
};

/* ---- pure helpers --------------------------------------------------------- */

static int hex_nibble(char ch, bool masked, uint8_t *mask)
{
	*mask = 0xF;
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (masked && (ch == 'x' || ch == 'X')) {
		*mask = 0;
		return 0;
	}
	return -1;
}

long ck_hex_decode(char *const *words, int n, bool masked, uint8_t *val, uint8_t *mask,
		   size_t cap)
{
	size_t out = 0;

	for (int i = 0; i < n; i++) {
		const char *p = words[i];
		size_t len = strlen(p);

		for (size_t j = 0; j < len; j += 2) {
			uint8_t mh = 0, ml;
			int hi = 0, lo;

			if (j + 1 < len) {
				hi = hex_nibble(p[j], masked, &mh);
				lo = hex_nibble(p[j + 1], masked, &ml);
			} else {
				lo = hex_nibble(p[j], masked, &ml);
				mh = 0xF;           /* "f" alone is 0F: the high nibble is 0 */
			}
			if (hi < 0 || lo < 0 || out >= cap)
				return -1;
			val[out] = (uint8_t)(hi << 4 | lo);
			if (mask)
				mask[out] = (uint8_t)(mh << 4 | ml);
			out++;
		}
	}
	return (long)out;
}

const char *ck_udp_reply_check(const struct ck_udp_expect *e, const uint8_t *buf,
			       size_t have, size_t len)
{
	size_t cmp;

	if (len < e->min_len || len > e->max_len)
		return "reply length out of range";
	if (!e->data)
		return NULL;
	cmp = len < e->len ? len : e->len;
	if (cmp > have)
		return "reply truncated";
	for (size_t i = 0; i < cmp; i++) {
		uint8_t m = e->mask ? e->mask[i] : 0xFF;

		if ((buf[i] & m) != (e->data[i] & m))
			return "reply data mismatch";
	}
	return NULL;
}

/* ---- configuration ---------------------------------------------------------- */

static uint8_t *hex_of(const struct conf_node *n, bool masked, uint8_t **mask, size_t *len)
{
	size_t cap = 1;
	uint8_t *val, *m = NULL;
	long got;

	for (int i = 0; i < n->argc; i++)
		cap += (strlen(n->argv[i]) + 1) / 2;
	val = malloc(cap);
	if (mask)
		m = malloc(cap);
	if (!val || (mask && !m)) {
		free(val);
		free(m);
		return NULL;
	}
	got = ck_hex_decode(n->argv, n->argc, masked, val, m, cap);
	*len = got > 0 ? (size_t)got : 0;     /* the reader checked the digits */
	if (mask)
		*mask = m;
	return val;
}

static bool udp_build(struct ck_check *c, const struct conf_node *blk, const struct conf *conf)
{
	struct udp_spec *s = calloc(1, sizeof(*s));
	const struct conf_node *n;

	(void)conf;
	if (!s)
		return false;
	c->spec = s;
	s->expect.min_len = (size_t)conf_get_int(blk, "min_reply_length", 0);
	s->expect.max_len = (size_t)conf_get_int(blk, "max_reply_length", 255);
	if ((n = conf_find_last(blk, "payload")) && n->argc > 0) {
		s->payload = hex_of(n, false, NULL, &s->payload_len);
		if (!s->payload)
			return false;
	}
	if ((n = conf_find_last(blk, "require_reply"))) {
		s->require_reply = true;
		if (n->argc > 0) {
			s->reply = hex_of(n, true, &s->mask, &s->expect.len);
			if (!s->reply)
				return false;
			for (size_t i = 0; i < s->expect.len; i++)
				s->masked |= s->mask[i] != 0xFF;
			s->expect.data = s->reply;
			s->expect.mask = s->mask;
		}
	}
	return true;
}

static void udp_free_spec(struct ck_check *c)
{
	struct udp_spec *s = c->spec;

	if (s) {
		free(s->payload);
		free(s->reply);
		free(s->mask);
	}
	free(s);
	c->spec = NULL;
}

/* ---- one attempt -------------------------------------------------------------- */

static void release(struct ck_check *c)
{
	struct udp_run *r = c->run;

	if (!r)
		return;
	ck_io_release(&r->k);
	free(r);
	c->run = NULL;
}

static void finish(struct ck_check *c, enum ck_outcome o, const char *why)
{
	release(c);
	ck_check_done(c, o, "%s", why ? why : "");
}

/* With log_all_failures, 2.2.7's line for a failed attempt while up. */
static void log_attempt_failed(const struct ck_check *c)
{
	if (c->log_all_failures && c->up)
		log_info("UDP connection to %s failed.", c->rs->label);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct ck_check *c = arg;
	const struct udp_spec *s = c->spec;

	(void)fd;
	(void)what;
	if (s->require_reply) {
		log_attempt_failed(c);
		finish(c, CK_TIMEOUT, "no reply");
	} else
		finish(c, CK_SUCCESS, NULL);
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t buf[2048];
	struct ck_check *c = arg;
	const struct udp_spec *s = c->spec;
	const char *bad;
	ssize_t n;

	(void)what;
	n = recv(fd, buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		log_attempt_failed(c);
		finish(c, errno == ECONNREFUSED ? CK_REFUSED : CK_ERROR,
		       errno == ECONNREFUSED ? "ICMP port unreachable" : strerror(errno));
		return;
	}
	if (!s->require_reply) {
		finish(c, CK_SUCCESS, NULL);
		return;
	}
	bad = ck_udp_reply_check(&s->expect, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf),
				 (size_t)n);
	if (!bad) {
		finish(c, CK_SUCCESS, NULL);
		return;
	}
	if (c->log_all_failures && c->up)
		log_info("UDP check to %s reply data mismatch.", c->rs->label);
	finish(c, CK_ERROR, bad);
}

static int send_probe(int fd, const struct udp_spec *s)
{
	uint8_t rnd[UDP_RANDOM_LEN];
	const void *data = s->payload;
	size_t len = s->payload_len;

	if (!s->payload) {
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (uint8_t)random();
		data = rnd;
		len = sizeof(rnd);
	}
	return send(fd, data, len, 0) < 0 ? -errno : 0;
}

static void udp_attempt(struct ck_check *c)
{
	struct timeval tv = { .tv_sec = (time_t)(c->connect_timeout_us / 1000000),
			      .tv_usec = (suseconds_t)(c->connect_timeout_us % 1000000) };
	struct sockaddr_storage ss;
	struct udp_run *r = calloc(1, sizeof(*r));
	unsigned len;
	int err;

	if (!r) {
		ck_check_done(c, CK_ERROR, "out of memory");
		return;
	}
	c->run = r;
	r->k.fd = ck_socket(c, SOCK_DGRAM, IPPROTO_UDP);
	if (r->k.fd < 0) {
		err = -r->k.fd;
		r->k.fd = -1;
		finish(c, CK_ERROR, strerror(err));
		return;
	}
	len = ck_sockaddr(&c->connect_ip, c->connect_port, &ss);
	err = connect(r->k.fd, (struct sockaddr *)&ss, len) < 0 ? errno : -send_probe(r->k.fd, c->spec);
	if (err) {
		log_attempt_failed(c);
		finish(c, err == ECONNREFUSED ? CK_REFUSED : CK_ERROR, strerror(err));
		return;
	}
	if (ck_io_arm(&r->k, c, on_read, on_timeout, &tv) < 0)
		finish(c, CK_ERROR, "out of memory");
}

/* ---- logs and dump ----------------------------------------------------------- */

static void udp_log_ok(const struct ck_check *c)
{
	log_info("UDP connection to %s success.", c->rs->label);
}

static void udp_log_failed(const struct ck_check *c, unsigned retries)
{
	if (retries)
		log_info("UDP_CHECK on service %s failed after %u retries.", c->rs->label, retries);
	else
		log_info("UDP_CHECK on service %s failed.", c->rs->label);
}

static void udp_dump(FILE *out, const struct ck_check *c)
{
	const struct udp_spec *s = c->spec;

	if (s->payload)
		fprintf(out, "       payload len = %zu", s->payload_len);
	else
		fprintf(out, "       payload specified = no");
	fprintf(out, ", require reply = %s", s->require_reply ? "yes" : "no");
	if (s->require_reply)
		fprintf(out, ", min reply length = %zu, max reply length = %zu, "
			"reply data len = %zu, reply data mask = %s", s->expect.min_len,
			s->expect.max_len, s->expect.len, s->masked ? "yes" : "no");
	fprintf(out, "\n");
}

const struct ck_kind ck_kind_udp = {
	.keyword = "UDP_CHECK",
	.build = udp_build,
	.free_spec = udp_free_spec,
	.attempt = udp_attempt,
	.cancel = release,
	.log_ok = udp_log_ok,
	.log_failed = udp_log_failed,
	.logs_attempts = true,
	.dump = udp_dump,
};
