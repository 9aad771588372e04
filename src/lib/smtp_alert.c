/*
 * smtp_alert.c - global alert settings and the VRRP alerts (see
 * smtp_alert.h).
 *
 * One static state per process: the client, the envelope (from, the
 * recipients), the router_id for subjects, the global defaults, and the
 * names of the VRRP instances and sync groups that want alerts (looked
 * up by name when their state changes, so that the VRRP model needs no
 * field for it).  The smtp_server name is resolved once, at init
 * (getaddrinfo: a literal address costs nothing; a host name blocks the
 * child's start as 2.2.7 does).
 */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "conf.h"
#include "log.h"
#include "smtp_alert.h"
#include "smtp_client.h"
#include "smtp_message.h"

#define SMTP_DEFAULT_PORT "25"
#define SMTP_DEFAULT_TIMEOUT_S 30

static struct {
	struct smtp_client *client;
	char *from;
	const char **to;                 /* point into to_text */
	char *to_text;                   /* the recipients, NUL separated (ours: the
					    VRRP child frees its tree once started) */
	size_t nto;
	char router_id[256];
	int dflt_all, dflt_vrrp, dflt_checker;   /* -1 unset, else 0/1 */
	bool no_faults;                  /* no_email_faults: no mail on FAULT */
	char **vrrp_names;               /* instances and groups wanting alerts (copies) */
	size_t n_vrrp;
} A;

static int tri(const struct conf_node *g, const char *name)
{
	const struct conf_node *n = g ? conf_find_last(g, name) : NULL;

	return n ? n->val.b : -1;
}

bool smtp_alert_wanted(const struct conf_node *blk, enum smtp_alert_scope scope, bool dflt)
{
	const struct conf_node *n = blk ? conf_find_last(blk, "smtp_alert") : NULL;
	int scoped = scope == SMTP_ALERT_VRRP ? A.dflt_vrrp : A.dflt_checker;

	if (n)
		return n->val.b;
	if (scoped >= 0)
		return scoped;
	if (A.dflt_all >= 0)
		return A.dflt_all;
	return dflt;
}

/* smtp_server HOST [PORT] -> srv->addr and label; false when unresolvable. */
static bool resolve(const struct conf_node *n, struct smtp_server *srv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	const char *port = n->argc > 1 ? n->argv[1] : SMTP_DEFAULT_PORT;
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned pnum;
	int rc = getaddrinfo(n->argv[0], port, &hints, &res);

	if (rc != 0 || !res) {
		log_warnx("smtp_server %s: %s - SMTP alerts disabled", n->argv[0], gai_strerror(rc));
		return false;
	}
	memcpy(&srv->addr, res->ai_addr, res->ai_addrlen);
	srv->addrlen = res->ai_addrlen;
	if (res->ai_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)res->ai_addr;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		pnum = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)res->ai_addr;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		pnum = ntohs(s4->sin_port);
	}
	snprintf(srv->label, sizeof(srv->label), "[%s]:%u", a, pnum);
	freeaddrinfo(res);
	return true;
}

static void remember_vrrp(const struct conf *conf)
{
	static const char *const blocks[] = { "vrrp_instance", "vrrp_sync_group" };
	const struct conf_node *n;

	conf_foreach(n, conf->root) {
		const char *name = conf_node_name(n);
		char **grown;

		if (!name || (strcmp(name, blocks[0]) && strcmp(name, blocks[1])) || n->argc < 1 ||
		    !smtp_alert_wanted(n, SMTP_ALERT_VRRP, false))
			continue;
		grown = realloc(A.vrrp_names, (A.n_vrrp + 1) * sizeof(*grown));
		if (!grown)
			return;
		A.vrrp_names = grown;
		if (!(A.vrrp_names[A.n_vrrp] = strdup(n->argv[0])))
			return;
		A.n_vrrp++;
	}
}

static void read_recipients(const struct conf_node *g)
{
	const struct conf_node *list = conf_find_last(g, "notification_email"), *n;
	size_t count = 0, len = 0;
	char *p;

	if (!list)
		return;
	conf_foreach(n, list)
		if (n->argc > 0) {
			count++;
			len += strlen(n->argv[0]) + 1;
		}
	A.to = calloc(count ? count : 1, sizeof(*A.to));
	A.to_text = p = malloc(len ? len : 1);
	if (!A.to || !A.to_text)
		return;
	conf_foreach(n, list)
		if (n->argc > 0) {
			size_t l = strlen(n->argv[0]) + 1;

			memcpy(p, n->argv[0], l);
			A.to[A.nto++] = p;
			p += l;
		}
}

bool smtp_alert_init(const struct conf *conf, struct event_base *base)
{
	const struct conf_node *g = conf_find(conf->root, "global_defs"), *n;
	struct smtp_server srv = { 0 };
	char host[256] = "localhost";
	const char *s;

	smtp_alert_close();
	gethostname(host, sizeof(host) - 1);
	A.dflt_all = tri(g, "smtp_alert");
	A.dflt_vrrp = tri(g, "smtp_alert_vrrp");
	A.dflt_checker = tri(g, "smtp_alert_checker");
	A.no_faults = g && conf_find(g, "no_email_faults");
	snprintf(A.router_id, sizeof(A.router_id), "%s", g ? conf_get_str(g, "router_id", host) : host);
	remember_vrrp(conf);
	if (!g || !(n = conf_find_last(g, "smtp_server")) || n->argc < 1)
		return false;
	read_recipients(g);
	if (A.nto == 0 || !resolve(n, &srv))
		return false;
	n = conf_find_last(g, "smtp_helo_name");
	snprintf(srv.helo, sizeof(srv.helo), "%s", n && n->argc > 0 ? n->argv[0] : host);
	srv.timeout_us = (uint64_t)conf_get_int(g, "smtp_connect_timeout",
						SMTP_DEFAULT_TIMEOUT_S) * 1000000u;
	s = conf_get_str(g, "notification_email_from", NULL);
	if (s)
		A.from = strdup(s);
	else if (asprintf(&A.from, "keepalived@%s", host) < 0)
		A.from = NULL;
	A.client = A.from ? smtp_client_new(base, &srv) : NULL;
	return A.client != NULL;
}

void smtp_alert_close(void)
{
	smtp_client_free(A.client);
	free(A.from);
	free(A.to);
	free(A.to_text);
	for (size_t i = 0; i < A.n_vrrp; i++)
		free(A.vrrp_names[i]);
	free(A.vrrp_names);
	memset(&A, 0, sizeof(A));
	A.dflt_all = A.dflt_vrrp = A.dflt_checker = -1;
}

bool smtp_alert_enabled(void)
{
	return A.client != NULL;
}

void smtp_alert_send(const char *subject, const char *body)
{
	char *full, *data;

	if (!A.client)
		return;
	if (asprintf(&full, "[%s] %s", A.router_id, subject) < 0)
		return;
	data = smtp_message_build(time(NULL), A.from, A.to, A.nto, full, body);
	free(full);
	if (data)
		smtp_client_send(A.client, A.from, A.to, A.nto, data);
}

static bool vrrp_wants(const char *name)
{
	for (size_t i = 0; i < A.n_vrrp; i++)
		if (!strcmp(A.vrrp_names[i], name))
			return true;
	return false;
}

/* States that are mailed: MASTER, BACKUP, and FAULT unless no_email_faults. */
static bool alert_state(const char *state)
{
	return !strcmp(state, "MASTER") || !strcmp(state, "BACKUP") ||
	       (!strcmp(state, "FAULT") && !A.no_faults);
}

void smtp_alert_vrrp_instance(const char *instance, const char *state)
{
	char subject[300];

	if (!A.client || !alert_state(state) || !vrrp_wants(instance))
		return;
	snprintf(subject, sizeof(subject), "VRRP Instance %s - Entering %s state", instance, state);
	smtp_alert_send(subject, !strcmp(state, "MASTER")
			? "=> VRRP Instance is now owning VRRP VIPs <="
			: "=> VRRP Instance is no longer owning VRRP VIPs <=");
}

void smtp_alert_vrrp_group(const char *group, const char *state)
{
	char subject[300], body[200];

	if (!A.client || !alert_state(state) || !vrrp_wants(group))
		return;
	snprintf(subject, sizeof(subject), "VRRP Group %s - Entering %s state", group, state);
	snprintf(body, sizeof(body), "=> All VRRP group instances are now in %s state <=", state);
	smtp_alert_send(subject, body);
}

unsigned long smtp_alert_sent(void)
{
	return A.client ? smtp_client_sent(A.client) : 0;
}

unsigned long smtp_alert_failed(void)
{
	return A.client ? smtp_client_failed(A.client) : 0;
}
