/*
 * check_smtp_alert.c - the checker's smtp_alert (see check_smtp_alert.h).
 *
 * ck_alert_init() walks the virtual_server blocks in file order, as
 * check_model_build() does (a block without real servers has no model
 * entry), and records one flag per virtual server (quorum alerts) and per
 * real server; ck_alert_check() finds them by the position of c->rs in
 * the model given at init (only compared: a model freed by a reload that
 * did not call ck_alert_init() again is never read).  When the walk and
 * the model disagree, or the model is not the one of init, the defaults
 * apply.  The mail text depends on the check kind, as in
 * 2.2.7; kinds not listed use the generic "CHECK ... : <reason>" form.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_kind.h"
#include "check_model.h"
#include "check_smtp_alert.h"
#include "conf.h"
#include "smtp_alert.h"

struct vs_flags {
	bool quorum;
	size_t n_rs;
	bool *rs;
};

static struct {
	const struct ck_vs *model_vs;    /* m->vs at init: compared, never read */
	size_t model_n_vs;
	struct vs_flags *vs;
	size_t n_vs;
} S;

void ck_alert_close(void)
{
	for (size_t i = 0; i < S.n_vs; i++)
		free(S.vs[i].rs);
	free(S.vs);
	memset(&S, 0, sizeof(S));
	smtp_alert_close();
}

static bool is(const struct conf_node *n, const char *name)
{
	return conf_node_name(n) && !strcmp(conf_node_name(n), name);
}

static bool read_vs(struct vs_flags *f, const struct conf_node *vs)
{
	const struct conf_node *n;
	size_t j = 0;

	f->quorum = smtp_alert_wanted(vs, SMTP_ALERT_CHECKER, false);
	f->n_rs = conf_count(vs, "real_server");
	f->rs = calloc(f->n_rs ? f->n_rs : 1, sizeof(*f->rs));
	if (!f->rs)
		return false;
	conf_foreach(n, vs)
		if (is(n, "real_server"))
			f->rs[j++] = smtp_alert_wanted(n, SMTP_ALERT_CHECKER, true);
	return true;
}

void ck_alert_init(const struct ck_model *m, const struct conf *conf, struct event_base *base)
{
	const struct conf_node *n;
	size_t i = 0;

	ck_alert_close();
	if (!smtp_alert_init(conf, base))
		return;
	S.model_vs = m->vs;
	S.model_n_vs = m->n_vs;
	S.vs = calloc(m->n_vs ? m->n_vs : 1, sizeof(*S.vs));
	if (!S.vs)
		return;
	conf_foreach(n, conf->root) {
		if (!is(n, "virtual_server") || conf_count(n, "real_server") == 0)
			continue;
		if (i == m->n_vs || !read_vs(&S.vs[i], n))
			break;
		i++;
	}
	S.n_vs = i;
}

/* The flags of vs, when the walk matched the model. */
static const struct vs_flags *flags_of(const struct ck_vs *vs)
{
	size_t i;

	if (!S.vs || vs < S.model_vs || vs >= S.model_vs + S.model_n_vs)
		return NULL;
	i = (size_t)(vs - S.model_vs);
	return i < S.n_vs && S.vs[i].n_rs == vs->n_rs ? &S.vs[i] : NULL;
}

static void body_of(const struct ck_check *c, char *buf, size_t len)
{
	const char *kw = c->kind ? c->kind->keyword : "";
	const char *verb = c->up ? "succeed" : "failed";

	if (!strcmp(kw, "TCP_CHECK"))
		snprintf(buf, len, "=> TCP CHECK %s on service <=", verb);
	else if (!strcmp(kw, "DNS_CHECK"))
		snprintf(buf, len, "=> DNS_CHECK: %s on service <=", verb);
	else if (!strcmp(kw, "UDP_CHECK"))
		snprintf(buf, len, "=> UDP CHECK %s on service <=", verb);
	else if (!strcmp(kw, "PING_CHECK"))
		snprintf(buf, len, "=> ICMP CHECK %s on service <=", verb);
	else if (!strcmp(kw, "MISC_CHECK"))
		snprintf(buf, len, "=> MISC CHECK %s on service <=", verb);
	else if (c->up || !c->reason[0])
		snprintf(buf, len, "=> CHECK %s on service <=", verb);
	else
		snprintf(buf, len, "=> CHECK failed on service : %s <=", c->reason);
}

void ck_alert_check(const struct ck_check *c)
{
	const struct ck_rs *rs = c->rs;
	const struct vs_flags *f;
	char subject[CK_LABEL_MAX * 2 + 64], body[CK_REASON_MAX + 64];
	size_t j;

	if (!smtp_alert_enabled() || !rs || !rs->vs)
		return;
	f = flags_of(rs->vs);
	j = (size_t)(rs - rs->vs->rs);
	if (j >= rs->vs->n_rs)                   /* the sorry server has no checks */
		return;
	if (f ? !f->rs[j] : !smtp_alert_wanted(NULL, SMTP_ALERT_CHECKER, true))
		return;
	snprintf(subject, sizeof(subject), "Realserver %s of virtual server %s - %s", rs->label,
		 rs->vs->label, rs->alive ? "UP" : "DOWN");
	body_of(c, body, sizeof(body));
	smtp_alert_send(subject, body);
}

void ck_alert_quorum(const struct ck_vs *vs, bool up, const char *fmt, ...)
{
	const struct vs_flags *f = flags_of(vs);
	char subject[CK_LABEL_MAX + 64], text[200], body[256];
	va_list ap;

	if (!smtp_alert_enabled() ||
	    (f ? !f->quorum : !smtp_alert_wanted(NULL, SMTP_ALERT_CHECKER, false)))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(subject, sizeof(subject), "Virtualserver %s - %s", vs->label, up ? "UP" : "DOWN");
	snprintf(body, sizeof(body), "=> %s <=", text);
	smtp_alert_send(subject, body);
}
