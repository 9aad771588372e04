/*
 * ipvs_driver.c - command-line driver of src/check/ipvs_nl.c, run inside
 * the test VM by tests/system/test_vm_ipvs.py.
 *
 * A service SVC is "tcp|udp|sctp ADDR:PORT" (IPv6 as [ADDR]:PORT) or
 * "fwmark N" / "fwmark6 N"; a real server RS is ADDR[:PORT].
 *
 *   ipvs_driver add-service|edit-service SVC SCHED [persistent SECS]
 *               [netmask PLEN] [ops] [sh-port] [sh-fallback] [mh-port]
 *               [mh-fallback] [pe NAME]
 *   ipvs_driver del-service SVC
 *   ipvs_driver add-dest|edit-dest SVC RS nat|dr|tun|local WEIGHT
 *               [uthresh N] [lthresh N] [tun-type ipip|gue|gre]
 *               [tun-port N] [csum|nocsum|remcsum]
 *   ipvs_driver del-dest SVC RS
 *   ipvs_driver flush
 *   ipvs_driver list [stats]        the table, sorted, one line per object
 *   ipvs_driver timeouts [TCP TCPFIN UDP]   print (or set; 0 = unchanged)
 *   ipvs_driver sync-start master|backup IFNAME SYNCID [maxlen N]
 *               [port N] [ttl N] [group ADDR]
 *   ipvs_driver sync-stop master|backup
 *   ipvs_driver sync-list
 *   ipvs_driver info
 *   ipvs_driver batch               the commands above, one per line of
 *                                   stdin, on one socket; each echoed as
 *                                   "> LINE" before its output
 *
 * `list` prints, for each service (fwmark services first, then by family,
 * protocol, address, port) and each of its real servers (by address,
 * port):
 *   TCP 10.0.0.1:80 wlc [persistent 50] [netmask 24] [ops] [FLAG...] [pe NAME]
 *     -> 192.168.1.2:80 masq weight 1 [uthresh N] [lthresh N]
 *        [tun-type gue tun-port N csum]
 *   FWM 5 inet rr
 * with "stats" also a counters line under each object.
 *
 * Failures print "ipvs_driver: VERB: REASON (errno N NAME)" on stderr and
 * exit 2 (in batch mode after the remaining lines); usage errors exit 64
 * at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ipvs_nl.h"

#define EX_USAGE 64

static struct ipvs_ctx ctx;
static const char *verb;

static void usage(const char *why)
{
	fprintf(stderr, "ipvs_driver: %s: %s\n", verb != NULL ? verb : "usage", why);
	exit(EX_USAGE);
}

/* Report a failed verb; returns rc (0 or -errno). */
static int check(int rc)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "ipvs_driver: %s: %s (errno %d %s)\n", verb, ipvs_error(&ctx),
		-rc, strerrorname_np(-rc) != NULL ? strerrorname_np(-rc) : "?");
	fflush(stderr);
	return rc;
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || end == s || v > max)
		usage("bad number");
	return v;
}

/* "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT". */
static void parse_endpoint(const char *text, struct ipvs_ip *ip, uint16_t *port,
			   bool need_port)
{
	char buf[INET6_ADDRSTRLEN + 16], *p = NULL;

	if (strlen(text) >= sizeof(buf))
		usage("address too long");
	strcpy(buf, text);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (close == NULL)
			usage("missing ]");
		*close = '\0';
		if (close[1] == ':')
			p = close + 2;
		else if (close[1] != '\0')
			usage("bad address");
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':') != NULL) {
		p = strchr(buf, ':');
		*p++ = '\0';
	}
	if (ipvs_ip_parse(buf, ip) < 0)
		usage("bad address");
	*port = p != NULL ? (uint16_t)number(p, 65535) : 0;
	if (need_port && p == NULL)
		usage("missing port");
}

/* Parse SVC at argv[*i]; advances *i. */
static void parse_service(char **argv, int argc, int *i, struct ipvs_service *svc)
{
	const char *kind;

	memset(svc, 0, sizeof(*svc));
	if (*i + 1 >= argc)
		usage("missing service");
	kind = argv[(*i)++];
	if (strcmp(kind, "fwmark") == 0 || strcmp(kind, "fwmark6") == 0) {
		svc->af = kind[6] == '6' ? AF_INET6 : AF_INET;
		svc->fwmark = (uint32_t)number(argv[(*i)++], 0xffffffffu);
		if (svc->fwmark == 0)
			usage("fwmark 0");
		return;
	}
	if (strcmp(kind, "tcp") == 0)
		svc->protocol = IPPROTO_TCP;
	else if (strcmp(kind, "udp") == 0)
		svc->protocol = IPPROTO_UDP;
	else if (strcmp(kind, "sctp") == 0)
		svc->protocol = IPPROTO_SCTP;
	else
		usage("service kind is tcp, udp, sctp, fwmark or fwmark6");
	parse_endpoint(argv[(*i)++], &svc->addr, &svc->port, true);
	svc->af = svc->addr.family;
}

static void parse_service_opts(char **argv, int argc, int i, struct ipvs_service *svc)
{
	for (; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "persistent") == 0 && i + 1 < argc) {
			svc->flags |= IPVS_SVC_PERSISTENT;
			svc->timeout = (uint32_t)number(argv[++i], 0xffffffffu);
		} else if (strcmp(o, "netmask") == 0 && i + 1 < argc) {
			svc->netmask_plen = (uint8_t)number(argv[++i], 128);
		} else if (strcmp(o, "pe") == 0 && i + 1 < argc) {
			snprintf(svc->pe_name, sizeof(svc->pe_name), "%s", argv[++i]);
		} else if (strcmp(o, "ops") == 0) {
			svc->flags |= IPVS_SVC_ONEPACKET;
		} else if (strcmp(o, "sh-port") == 0 || strcmp(o, "mh-port") == 0) {
			svc->flags |= IPVS_SVC_SH_PORT;
		} else if (strcmp(o, "sh-fallback") == 0 || strcmp(o, "mh-fallback") == 0) {
			svc->flags |= IPVS_SVC_SH_FALLBACK;
		} else {
			usage("unknown service option");
		}
	}
}

static enum ipvs_fwd parse_fwd(const char *s)
{
	if (strcmp(s, "nat") == 0 || strcmp(s, "masq") == 0)
		return IPVS_FWD_MASQ;
	if (strcmp(s, "dr") == 0 || strcmp(s, "route") == 0)
		return IPVS_FWD_ROUTE;
	if (strcmp(s, "tun") == 0 || strcmp(s, "tunnel") == 0)
		return IPVS_FWD_TUNNEL;
	if (strcmp(s, "local") == 0)
		return IPVS_FWD_LOCAL;
	usage("method is nat, dr, tun or local");
	return IPVS_FWD_MASQ;
}

static void parse_dest_opts(char **argv, int argc, int i, struct ipvs_dest *d)
{
	for (; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "uthresh") == 0 && i + 1 < argc) {
			d->u_threshold = (uint32_t)number(argv[++i], 0xffffffffu);
		} else if (strcmp(o, "lthresh") == 0 && i + 1 < argc) {
			d->l_threshold = (uint32_t)number(argv[++i], 0xffffffffu);
		} else if (strcmp(o, "tun-type") == 0 && i + 1 < argc) {
			o = argv[++i];
			if (strcmp(o, "ipip") == 0)
				d->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
			else if (strcmp(o, "gue") == 0)
				d->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
			else if (strcmp(o, "gre") == 0)
				d->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
			else
				usage("tunnel type is ipip, gue or gre");
		} else if (strcmp(o, "tun-port") == 0 && i + 1 < argc) {
			d->tun_port = (uint16_t)number(argv[++i], 65535);
		} else if (strcmp(o, "nocsum") == 0) {
			d->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM;
		} else if (strcmp(o, "csum") == 0) {
			d->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
		} else if (strcmp(o, "remcsum") == 0) {
			d->tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
		} else {
			usage("unknown destination option");
		}
	}
}

static int cmd_service(int argc, char **argv)
{
	struct ipvs_service svc;
	int i = 2;

	parse_service(argv, argc, &i, &svc);
	if (strcmp(verb, "del-service") == 0) {
		if (i != argc)
			usage("extra arguments");
		return check(ipvs_service_del(&ctx, &svc));
	}
	if (i >= argc)
		usage("missing scheduler");
	snprintf(svc.sched, sizeof(svc.sched), "%s", argv[i++]);
	parse_service_opts(argv, argc, i, &svc);
	if (strcmp(verb, "add-service") == 0)
		return check(ipvs_service_add(&ctx, &svc));
	return check(ipvs_service_edit(&ctx, &svc));
}

static int cmd_dest(int argc, char **argv)
{
	struct ipvs_service svc;
	struct ipvs_dest d;
	int i = 2;

	memset(&d, 0, sizeof(d));
	parse_service(argv, argc, &i, &svc);
	if (i >= argc)
		usage("missing real server");
	parse_endpoint(argv[i++], &d.addr, &d.port, false);
	if (strcmp(verb, "del-dest") == 0) {
		if (i != argc)
			usage("extra arguments");
		return check(ipvs_dest_del(&ctx, &svc, &d));
	}
	if (i + 1 >= argc)
		usage("missing method or weight");
	d.fwd = parse_fwd(argv[i++]);
	d.weight = (int)number(argv[i++], 0x7fffffff);
	parse_dest_opts(argv, argc, i, &d);
	if (strcmp(verb, "add-dest") == 0)
		return check(ipvs_dest_add(&ctx, &svc, &d));
	return check(ipvs_dest_edit(&ctx, &svc, &d));
}

/* ---- list ---- */

static int cmp_ip(const struct ipvs_ip *a, const struct ipvs_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->u, &b->u, a->family == AF_INET ? 4 : 16);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct ipvs_service *a = &((const struct ipvs_table_entry *)pa)->svc;
	const struct ipvs_service *b = &((const struct ipvs_table_entry *)pb)->svc;
	int c;

	if ((a->fwmark != 0) != (b->fwmark != 0))
		return a->fwmark != 0 ? -1 : 1;
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	c = cmp_ip(&a->addr, &b->addr);
	if (c != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int cmp_dest(const void *pa, const void *pb)
{
	const struct ipvs_dest *a = pa, *b = pb;
	int c = cmp_ip(&a->addr, &b->addr);

	if (c != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

static void print_endpoint(const struct ipvs_ip *ip, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];

	ipvs_ip_format(ip, buf, sizeof(buf));
	printf(ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", buf, port);
}

static void print_stats(const char *indent, const struct ipvs_stats *st)
{
	printf("%sstats conns %llu inpkts %llu outpkts %llu inbytes %llu outbytes %llu\n",
	       indent, (unsigned long long)st->conns, (unsigned long long)st->inpkts,
	       (unsigned long long)st->outpkts, (unsigned long long)st->inbytes,
	       (unsigned long long)st->outbytes);
}

static void print_service(const struct ipvs_service *s)
{
	bool mh = strcmp(s->sched, "mh") == 0;

	if (s->fwmark != 0) {
		printf("FWM %u %s", s->fwmark, s->af == AF_INET6 ? "inet6" : "inet");
	} else {
		const char *p = ipvs_proto_name(s->protocol);

		if (p != NULL)
			printf("%s ", p);
		else
			printf("proto-%u ", s->protocol);
		print_endpoint(&s->addr, s->port);
	}
	printf(" %s", s->sched);
	if (s->flags & IPVS_SVC_PERSISTENT)
		printf(" persistent %u", s->timeout);
	if (s->netmask_plen != (s->af == AF_INET6 ? 128 : 32))
		printf(" netmask %u", s->netmask_plen);
	if (s->flags & IPVS_SVC_ONEPACKET)
		printf(" ops");
	if (s->flags & IPVS_SVC_SH_FALLBACK)
		printf(mh ? " mh-fallback" : " sh-fallback");
	if (s->flags & IPVS_SVC_SH_PORT)
		printf(mh ? " mh-port" : " sh-port");
	if (s->flags & IP_VS_SVC_F_SCHED3)
		printf(" flag-3");
	if (s->pe_name[0] != '\0')
		printf(" pe %s", s->pe_name);
	printf("\n");
}

static void print_dest(const struct ipvs_dest *d)
{
	static const char *const tun[] = { "ipip", "gue", "gre" };

	printf("  -> ");
	print_endpoint(&d->addr, d->port);
	printf(" %s weight %d", ipvs_fwd_name(d->fwd), d->weight);
	if (d->u_threshold != 0)
		printf(" uthresh %u", d->u_threshold);
	if (d->l_threshold != 0)
		printf(" lthresh %u", d->l_threshold);
	if (d->fwd == IPVS_FWD_TUNNEL) {
		printf(" tun-type %s", d->tun_type < 3 ? tun[d->tun_type] : "?");
		if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
			printf(" tun-port %u", d->tun_port);
		if (d->tun_flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM)
			printf(" remcsum");
		else if (d->tun_flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM)
			printf(" csum");
	}
	printf("\n");
}

static int cmd_list(int argc, char **argv)
{
	struct ipvs_table tab;
	bool stats = argc == 3 && strcmp(argv[2], "stats") == 0;
	size_t i, j;
	int rc;

	if (argc != 2 && !stats)
		usage("list [stats]");
	rc = ipvs_dump(&ctx, &tab);
	if (rc < 0) {
		ipvs_table_free(&tab);
		return check(rc);
	}
	if (tab.n_svcs > 1)
		qsort(tab.svcs, tab.n_svcs, sizeof(*tab.svcs), cmp_entry);
	for (i = 0; i < tab.n_svcs; i++) {
		const struct ipvs_table_entry *e = &tab.svcs[i];

		print_service(&e->svc);
		if (stats)
			print_stats("   ", &e->svc.stats);
		if (e->n_dests > 1)
			qsort(e->dests, e->n_dests, sizeof(*e->dests), cmp_dest);
		for (j = 0; j < e->n_dests; j++) {
			print_dest(&e->dests[j]);
			if (stats) {
				printf("     conns active %u inactive %u persist %u\n",
				       e->dests[j].active_conns, e->dests[j].inact_conns,
				       e->dests[j].persist_conns);
				print_stats("     ", &e->dests[j].stats);
			}
		}
	}
	ipvs_table_free(&tab);
	return 0;
}

static int cmd_sync_list(void)
{
	struct ipvs_sync s[2];
	char buf[INET6_ADDRSTRLEN];
	size_t n, i;

	if (check(ipvs_sync_get(&ctx, s, 2, &n)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		printf("%s ifname %s syncid %u maxlen %u port %u ttl %u group %s\n",
		       s[i].state == IP_VS_STATE_MASTER ? "master" : "backup",
		       s[i].ifname, s[i].syncid, s[i].maxlen, s[i].port, s[i].ttl,
		       s[i].group.family != 0 ? ipvs_ip_format(&s[i].group, buf, sizeof(buf)) : "-");
	}
	return 0;
}

static int cmd_info(void)
{
	uint32_t version, size;

	if (check(ipvs_info(&ctx, &version, &size)) < 0)
		return -1;
	printf("version %u.%u.%u size %u\n", (version >> 16) & 0xff, (version >> 8) & 0xff,
	       version & 0xff, size);
	return 0;
}

static int cmd_timeouts(int argc, char **argv)
{
	struct ipvs_timeouts t;

	if (argc == 5) {
		t.tcp = (uint32_t)number(argv[2], 0x7fffffff);
		t.tcp_fin = (uint32_t)number(argv[3], 0x7fffffff);
		t.udp = (uint32_t)number(argv[4], 0x7fffffff);
		return check(ipvs_timeouts_set(&ctx, &t));
	}
	if (argc != 2)
		usage("timeouts [TCP TCPFIN UDP]");
	if (check(ipvs_timeouts_get(&ctx, &t)) < 0)
		return -1;
	printf("tcp %u tcpfin %u udp %u\n", t.tcp, t.tcp_fin, t.udp);
	return 0;
}

static int sync_state(const char *s)
{
	if (strcmp(s, "master") == 0)
		return IP_VS_STATE_MASTER;
	if (strcmp(s, "backup") == 0)
		return IP_VS_STATE_BACKUP;
	usage("state is master or backup");
	return 0;
}

static int cmd_sync(int argc, char **argv)
{
	struct ipvs_sync s;
	uint16_t dummy;
	int i;

	memset(&s, 0, sizeof(s));
	if (strcmp(verb, "sync-stop") == 0) {
		if (argc != 3)
			usage("sync-stop master|backup");
		return check(ipvs_sync_stop(&ctx, sync_state(argv[2])));
	}
	if (argc < 5)
		usage("sync-start master|backup IFNAME SYNCID [options]");
	s.state = sync_state(argv[2]);
	snprintf(s.ifname, sizeof(s.ifname), "%s", argv[3]);
	s.syncid = (uint8_t)number(argv[4], 255);
	for (i = 5; i < argc; i++) {
		if (i + 1 >= argc)
			usage("option without value");
		if (strcmp(argv[i], "maxlen") == 0)
			s.maxlen = (uint16_t)number(argv[++i], 65535);
		else if (strcmp(argv[i], "port") == 0)
			s.port = (uint16_t)number(argv[++i], 65535);
		else if (strcmp(argv[i], "ttl") == 0)
			s.ttl = (uint8_t)number(argv[++i], 255);
		else if (strcmp(argv[i], "group") == 0)
			parse_endpoint(argv[++i], &s.group, &dummy, false);
		else
			usage("unknown sync option");
	}
	return check(ipvs_sync_start(&ctx, &s));
}

/* Run one command (argv[1] is the verb); 0 or a negative value. */
static int dispatch(int argc, char **argv)
{
	verb = argv[1];
	if (strcmp(verb, "add-service") == 0 || strcmp(verb, "edit-service") == 0 ||
	    strcmp(verb, "del-service") == 0)
		return cmd_service(argc, argv);
	if (strcmp(verb, "add-dest") == 0 || strcmp(verb, "edit-dest") == 0 ||
	    strcmp(verb, "del-dest") == 0)
		return cmd_dest(argc, argv);
	if (strcmp(verb, "flush") == 0)
		return check(ipvs_flush(&ctx));
	if (strcmp(verb, "list") == 0)
		return cmd_list(argc, argv);
	if (strcmp(verb, "timeouts") == 0)
		return cmd_timeouts(argc, argv);
	if (strcmp(verb, "sync-start") == 0 || strcmp(verb, "sync-stop") == 0)
		return cmd_sync(argc, argv);
	if (strcmp(verb, "sync-list") == 0)
		return cmd_sync_list();
	if (strcmp(verb, "info") == 0)
		return cmd_info();
	usage("unknown verb");
	return -1;
}

/* "batch": one command per line of stdin, all on the same socket (as the
 * checker will use it); each line's output is preceded by "> LINE". */
static int batch(void)
{
	char line[1024], *args[64], *save = NULL;
	int n, failed = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		printf("> %s\n", line);
		args[0] = "ipvs_driver";
		n = 1;
		for (char *t = strtok_r(line, " \t", &save); t != NULL && n < 63;
		     t = strtok_r(NULL, " \t", &save))
			args[n++] = t;
		args[n] = NULL;
		fflush(stdout);
		if (dispatch(n, args) < 0)
			failed = 1;
		fflush(stdout);
	}
	return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		usage("ipvs_driver VERB ... (see the source)");
	verb = argv[1];
	if (ipvs_open(&ctx) < 0) {
		fprintf(stderr, "ipvs_driver: %s\n", ipvs_error(&ctx));
		return 2;
	}
	rc = strcmp(verb, "batch") == 0 ? batch() : dispatch(argc, argv);
	ipvs_close(&ctx);
	return rc < 0 ? 2 : 0;
}
