/*
 * check_reload.c - reload by difference (see check_reload.h).
 *
 * ck_reload_apply() works in three passes so that every deletion reaches
 * the kernel before any addition (a service may move from a removed
 * virtual server to a new one):
 *   1. match: new virtual servers to old ones, then inside each pair the
 *      services and real servers, through open-addressing hash tables
 *      keyed by identity (struct rl_map); all memory is taken here, so a
 *      failure leaves the running state alone;
 *   2. removals: old virtual servers without a match are deleted, and in
 *      matched pairs the services and real servers that are gone;
 *   3. kept and new: service options edited, real servers' kernel state
 *      and checks carried over (checks restarted in place, see the
 *      header), new services added with the destinations that exist
 *      elsewhere in the pair, then each kept virtual server settled
 *      (sorry server, weights, quorum) and new ones started as at start.
 * Finally every check of the old model is stopped (kept ones already
 * were) and "Activating healthchecker" is logged for each check, as
 * 2.2.7 does after a reload.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/event.h>

#include "check_ipvs.h"
#include "check_kind.h"
#include "check_notify.h"
#include "check_reload.h"
#include "check_result.h"
#include "check_sched.h"
#include "check_suspend.h"
#include "conf.h"
#include "log.h"

#define NONE ((size_t)-1)

/* ---- hashing ----------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define FNV0 0xcbf29ce484222325ull

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

static uint64_t fnv_ip(uint64_t h, const struct ipvs_ip *ip)
{
	h = fnv(h, &ip->family, sizeof(ip->family));
	return ip->family == AF_INET6 ? fnv(h, &ip->u.v6, 16) :
	       ip->family == AF_INET ? fnv(h, &ip->u.v4, 4) : h;
}

static bool ip_eq(const struct ipvs_ip *a, const struct ipvs_ip *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET6 ? !memcmp(&a->u.v6, &b->u.v6, 16) :
	       a->family == AF_INET ? a->u.v4.s_addr == b->u.v4.s_addr : true;
}

/* ---- a small open-addressing table of indexes --------------------------- */

struct rl_map {
	size_t *slot;           /* item index + 1; 0 = empty */
	uint64_t *hash;         /* hash of the item in the same slot */
	size_t mask;
};

static bool map_init(struct rl_map *m, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	m->mask = cap - 1;
	m->slot = calloc(cap, sizeof(*m->slot));
	m->hash = calloc(cap, sizeof(*m->hash));
	return m->slot && m->hash;
}

static void map_free(struct rl_map *m)
{
	free(m->slot);
	free(m->hash);
}

static void map_put(struct rl_map *m, uint64_t h, size_t idx)
{
	size_t i = (size_t)h & m->mask;

	while (m->slot[i])
		i = (i + 1) & m->mask;
	m->slot[i] = idx + 1;
	m->hash[i] = h;
}

/* The first item with hash h for which eq(item, key) holds; NONE. */
static size_t map_find(const struct rl_map *m, uint64_t h,
		       bool (*eq)(const void *ctx, size_t item, const void *key),
		       const void *ctx, const void *key)
{
	for (size_t i = (size_t)h & m->mask; m->slot[i]; i = (i + 1) & m->mask)
		if (m->hash[i] == h && eq(ctx, m->slot[i] - 1, key))
			return m->slot[i] - 1;
	return NONE;
}

/* ---- identities --------------------------------------------------------- */

static uint64_t vs_hash(const struct ck_vs *vs)
{
	uint64_t h = fnv_str(FNV0, vs->label);

	return vs->is_fwmark ? fnv(h, &vs->svcs[0].af, sizeof(int)) : h;
}

static bool vs_same(const struct ck_vs *a, const struct ck_vs *b)
{
	return !strcmp(a->label, b->label) && a->is_fwmark == b->is_fwmark &&
	       (!a->is_fwmark || a->svcs[0].af == b->svcs[0].af);
}

static uint64_t svc_hash(const struct ipvs_service *s)
{
	uint64_t h = fnv(FNV0, &s->af, sizeof(s->af));

	if (s->fwmark)
		return fnv(h, &s->fwmark, sizeof(s->fwmark));
	h = fnv(h, &s->protocol, sizeof(s->protocol));
	h = fnv(h, &s->port, sizeof(s->port));
	return fnv_ip(h, &s->addr);
}

static bool svc_same(const struct ipvs_service *a, const struct ipvs_service *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	return a->fwmark || (a->protocol == b->protocol && a->port == b->port &&
			     ip_eq(&a->addr, &b->addr));
}

static uint64_t rs_hash(size_t vs_idx, const struct ck_rs *rs)
{
	uint64_t h = fnv(FNV0, &vs_idx, sizeof(vs_idx));

	h = fnv(h, &rs->port, sizeof(rs->port));
	h = fnv(h, &rs->port_from_vs, sizeof(rs->port_from_vs));
	return fnv_ip(h, &rs->addr);
}

static bool rs_same(const struct ck_rs *a, const struct ck_rs *b)
{
	return a->port == b->port && a->port_from_vs == b->port_from_vs &&
	       ip_eq(&a->addr, &b->addr);
}

/* ---- service edits ahead of the difference (check_reload.h) ------------- */

struct ck_reload_early {
	struct ck_model *old;
	ck_early_send_fn *send;
	struct rl_map map;              /* old virtual servers by vs_hash() */
	size_t sent;
};

static bool eq_old_vs(const void *ctx, size_t item, const void *key)
{
	const struct ck_model *old = ctx;

	return vs_same(&old->vs[item], key);
}

struct ck_reload_early *ck_reload_early_begin(struct ck_model *old, ck_early_send_fn *send)
{
	struct ck_reload_early *e = calloc(1, sizeof(*e));

	if (!e || !map_init(&e->map, old->n_vs)) {
		if (e)
			map_free(&e->map);
		free(e);
		return NULL;
	}
	e->old = old;
	e->send = send;
	for (size_t i = 0; i < old->n_vs; i++)
		map_put(&e->map, vs_hash(&old->vs[i]), i);
	return e;
}

/* The old service of the same identity: at the same place first (the
 * usual case), else searched in a small virtual server; NULL. */
static struct ipvs_service *old_same_svc(struct ck_vs *ovs, const struct ck_vs *vs, size_t k)
{
	if (k < ovs->n_svcs && svc_same(&ovs->svcs[k], &vs->svcs[k]))
		return &ovs->svcs[k];
	for (size_t i = 0; ovs->n_svcs <= 64 && i < ovs->n_svcs; i++)
		if (svc_same(&ovs->svcs[i], &vs->svcs[k]))
			return &ovs->svcs[i];
	return NULL;
}

void ck_reload_early_vs(void *arg, const struct ck_vs *vs)
{
	struct ck_reload_early *e = arg;
	struct ck_vs *ovs;
	size_t j;

	if (!vs->n_svcs)
		return;
	j = map_find(&e->map, vs_hash(vs), eq_old_vs, e->old, vs);
	if (j == NONE)
		return;
	ovs = &e->old->vs[j];
	for (size_t k = 0; k < vs->n_svcs; k++) {
		struct ipvs_service *o = old_same_svc(ovs, vs, k);
		const struct ipvs_service *n = &vs->svcs[k];

		if (!o || ck_ipvs_svc_same_opts(n, o) || !e->send(vs, n))
			continue;
		/* the old model describes the kernel again */
		memcpy(o->sched, n->sched, sizeof(o->sched));
		o->flags = n->flags;
		o->timeout = n->timeout;
		o->netmask_plen = n->netmask_plen;
		memcpy(o->pe_name, n->pe_name, sizeof(o->pe_name));
		e->sent++;
	}
}

size_t ck_reload_early_end(struct ck_reload_early *e)
{
	size_t sent = e ? e->sent : 0;

	if (e)
		map_free(&e->map);
	free(e);
	return sent;
}

/* ---- signatures ---------------------------------------------------------- */

/* The options every kind has: compared through the model, not the block. */
static bool shared_option(const char *name)
{
	static const char *const names[] = {
		"connect_ip", "connect_port", "bindto", "bind_port", "bind_if", "fwmark",
		"connect_timeout", "retry", "nb_get_retry", "delay_before_retry",
		"delay_loop", "warmup", "alpha", "log_all_failures", NULL
	};

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static uint64_t block_hash(uint64_t h, const struct conf_node *b, bool top)
{
	const struct conf_node *n;

	conf_foreach(n, b) {
		const char *name = conf_node_name(n);

		if (top && name && shared_option(name))
			continue;
		h = fnv_str(h, name ? name : "");
		h = fnv(h, &n->argc, sizeof(n->argc));
		for (int i = 0; i < n->argc; i++)
			h = fnv_str(h, n->argv[i]);
		if (n->child) {
			h = fnv_str(h, "{");
			h = block_hash(h, n, false);
			h = fnv_str(h, "}");
		}
	}
	return h;
}

static bool named(const struct conf_node *n, const char *name)
{
	const char *s = conf_node_name(n);

	return s && !strcmp(s, name);
}

/* Signatures of one real server's checks, from its real_server block. */
static void rs_signatures(const struct ck_rs *rs, const struct conf_node *b, uint64_t *out)
{
	const struct conf_node *n;
	size_t k = 0;

	conf_foreach(n, b) {
		const char *name = conf_node_name(n);

		if (k >= rs->n_checks)
			return;
		if (!name || ck_kind_find(name) != rs->checks[k].kind)
			continue;
		out[k++] = block_hash(fnv_str(FNV0, name), n, true);
	}
}

static size_t model_checks(const struct ck_model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_vs; i++)
		for (size_t j = 0; j < m->vs[i].n_rs; j++)
			n += m->vs[i].rs[j].n_checks;
	return n;
}

uint64_t *ck_reload_signatures(const struct ck_model *m, const struct conf *conf)
{
	size_t total = model_checks(m), vs_base = 0, i = 0;
	uint64_t *sig = calloc(total ? total : 1, sizeof(*sig));
	const struct conf_node *v, *r;

	if (!sig)
		return NULL;
	conf_foreach(v, conf->root) {
		const struct ck_vs *vs;
		size_t j = 0, base;

		if (!named(v, "virtual_server") || conf_count(v, "real_server") == 0)
			continue;
		if (i >= m->n_vs)
			break;
		vs = &m->vs[i++];
		base = vs_base;
		conf_foreach(r, v) {
			if (!named(r, "real_server"))
				continue;
			if (j >= vs->n_rs)
				break;
			rs_signatures(&vs->rs[j], r, sig + base);
			base += vs->rs[j++].n_checks;
		}
		for (j = 0; j < vs->n_rs; j++)
			vs_base += vs->rs[j].n_checks;
	}
	return sig;
}

/* ---- flat numbering of a model ------------------------------------------- */

/* Every service, real server and check of a model numbered in model
 * order: svc_base/rs_base give the first number of each virtual server,
 * ck_base the first check of each real server, svc_vs/rs_vs the owner. */
struct flat {
	size_t n_svc, n_rs;
	size_t *svc_base, *rs_base;      /* n_vs + 1 */
	size_t *ck_base;                 /* n_rs + 1 */
	size_t *svc_vs, *rs_vs;
};

static void flat_free(struct flat *f)
{
	free(f->svc_base);
	free(f->rs_base);
	free(f->ck_base);
	free(f->svc_vs);
	free(f->rs_vs);
}

static bool flat_build(struct flat *f, const struct ck_model *m)
{
	size_t s = 0, r = 0, c = 0;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < m->n_vs; i++) {
		f->n_svc += m->vs[i].n_svcs;
		f->n_rs += m->vs[i].n_rs;
	}
	f->svc_base = calloc(m->n_vs + 1, sizeof(size_t));
	f->rs_base = calloc(m->n_vs + 1, sizeof(size_t));
	f->ck_base = calloc(f->n_rs + 1, sizeof(size_t));
	f->svc_vs = calloc(f->n_svc + 1, sizeof(size_t));
	f->rs_vs = calloc(f->n_rs + 1, sizeof(size_t));
	if (!f->svc_base || !f->rs_base || !f->ck_base || !f->svc_vs || !f->rs_vs)
		return false;
	for (size_t i = 0; i < m->n_vs; i++) {
		f->svc_base[i] = s;
		f->rs_base[i] = r;
		for (size_t k = 0; k < m->vs[i].n_svcs; k++)
			f->svc_vs[s++] = i;
		for (size_t k = 0; k < m->vs[i].n_rs; k++) {
			f->ck_base[r] = c;
			c += m->vs[i].rs[k].n_checks;
			f->rs_vs[r++] = i;
		}
	}
	f->svc_base[m->n_vs] = s;
	f->rs_base[m->n_vs] = r;
	f->ck_base[r] = c;
	return true;
}

/* ---- the reload ------------------------------------------------------------ */

struct rl {
	struct ck_model *old, *nw;
	const uint64_t *osig, *nsig;
	struct event_base *base;
	struct ck_reload_stats *st;
	struct flat of, nf;
	size_t *vs_match;               /* new vs -> old vs; NONE: added */
	bool *vs_kept;                  /* old vs has a match */
	size_t *svc_match;              /* new flat svc -> old flat svc */
	bool *svc_kept;
	size_t *rs_match;               /* new flat rs -> old flat rs */
	bool *rs_kept;
	struct rl_map vsmap, svcmap, rsmap;
};

struct svc_key {
	const struct ipvs_service *svc;
	size_t owner;                   /* old vs index */
};

struct rs_key {
	const struct ck_rs *rs;
	size_t owner;
};

static bool eq_vs(const void *ctx, size_t item, const void *key)
{
	const struct rl *r = ctx;

	return !r->vs_kept[item] && vs_same(&r->old->vs[item], key);
}

static const struct ipvs_service *old_svc(const struct rl *r, size_t flat)
{
	size_t v = r->of.svc_vs[flat];

	return &r->old->vs[v].svcs[flat - r->of.svc_base[v]];
}

static struct ck_rs *old_rs(const struct rl *r, size_t flat)
{
	size_t v = r->of.rs_vs[flat];

	return &r->old->vs[v].rs[flat - r->of.rs_base[v]];
}

static bool eq_svc(const void *ctx, size_t item, const void *key)
{
	const struct rl *r = ctx;
	const struct svc_key *k = key;

	return r->of.svc_vs[item] == k->owner && !r->svc_kept[item] &&
	       svc_same(old_svc(r, item), k->svc);
}

static bool eq_rs(const void *ctx, size_t item, const void *key)
{
	const struct rl *r = ctx;
	const struct rs_key *k = key;

	return r->of.rs_vs[item] == k->owner && !r->rs_kept[item] &&
	       rs_same(old_rs(r, item), k->rs);
}

static void rl_free(struct rl *r)
{
	flat_free(&r->of);
	flat_free(&r->nf);
	free(r->vs_match);
	free(r->vs_kept);
	free(r->svc_match);
	free(r->svc_kept);
	free(r->rs_match);
	free(r->rs_kept);
	map_free(&r->vsmap);
	map_free(&r->svcmap);
	map_free(&r->rsmap);
}

static bool rl_alloc(struct rl *r)
{
	if (!flat_build(&r->of, r->old) || !flat_build(&r->nf, r->nw))
		return false;
	r->vs_match = calloc(r->nw->n_vs + 1, sizeof(size_t));
	r->vs_kept = calloc(r->old->n_vs + 1, sizeof(bool));
	r->svc_match = calloc(r->nf.n_svc + 1, sizeof(size_t));
	r->svc_kept = calloc(r->of.n_svc + 1, sizeof(bool));
	r->rs_match = calloc(r->nf.n_rs + 1, sizeof(size_t));
	r->rs_kept = calloc(r->of.n_rs + 1, sizeof(bool));
	return r->vs_match && r->vs_kept && r->svc_match && r->svc_kept && r->rs_match &&
	       r->rs_kept && map_init(&r->vsmap, r->old->n_vs) &&
	       map_init(&r->svcmap, r->of.n_svc) && map_init(&r->rsmap, r->of.n_rs);
}

/* Pass 1: who is who. */
static void rl_match(struct rl *r)
{
	for (size_t i = 0; i < r->old->n_vs; i++)
		map_put(&r->vsmap, vs_hash(&r->old->vs[i]), i);
	for (size_t f = 0; f < r->of.n_svc; f++)
		map_put(&r->svcmap, svc_hash(old_svc(r, f)), f);
	for (size_t f = 0; f < r->of.n_rs; f++)
		map_put(&r->rsmap, rs_hash(r->of.rs_vs[f], old_rs(r, f)), f);
	for (size_t i = 0; i < r->nw->n_vs; i++) {
		const struct ck_vs *vs = &r->nw->vs[i];
		size_t j = map_find(&r->vsmap, vs_hash(vs), eq_vs, r, vs);

		r->vs_match[i] = j;
		for (size_t k = 0; k < vs->n_svcs; k++)
			r->svc_match[r->nf.svc_base[i] + k] = NONE;
		for (size_t k = 0; k < vs->n_rs; k++)
			r->rs_match[r->nf.rs_base[i] + k] = NONE;
		if (j == NONE)
			continue;
		r->vs_kept[j] = true;
		for (size_t k = 0; k < vs->n_svcs; k++) {
			struct svc_key key = { &vs->svcs[k], j };
			size_t f = map_find(&r->svcmap, svc_hash(key.svc), eq_svc, r, &key);

			r->svc_match[r->nf.svc_base[i] + k] = f;
			if (f != NONE)
				r->svc_kept[f] = true;
		}
		for (size_t k = 0; k < vs->n_rs; k++) {
			struct rs_key key = { &vs->rs[k], j };
			size_t f = map_find(&r->rsmap, rs_hash(j, key.rs), eq_rs, r, &key);

			r->rs_match[r->nf.rs_base[i] + k] = f;
			if (f != NONE)
				r->rs_kept[f] = true;
		}
	}
}

static bool sorry_same(const struct ck_rs *a, const struct ck_rs *b)
{
	return a && b && rs_same(a, b);
}

/* Pass 2: what is gone leaves the kernel (destinations before the
 * services that hold them). */
static void rl_remove(struct rl *r)
{
	for (size_t i = 0; i < r->nw->n_vs; i++) {
		size_t j = r->vs_match[i];
		struct ck_vs *ovs = j != NONE ? &r->old->vs[j] : NULL;

		if (!ovs)
			continue;
		for (size_t k = 0; k < ovs->n_rs; k++) {
			if (r->rs_kept[r->of.rs_base[j] + k])
				continue;
			ck_ipvs_reload_rs_gone(&ovs->rs[k]);
			r->st->rs_removed++;
		}
		if (ovs->sorry && !sorry_same(ovs->sorry, r->nw->vs[i].sorry))
			ck_ipvs_reload_rs_gone(ovs->sorry);
		for (size_t k = 0; k < ovs->n_svcs; k++) {
			if (r->svc_kept[r->of.svc_base[j] + k])
				continue;
			ck_ipvs_reload_svc(ovs, &ovs->svcs[k], CK_SVC_DEL);
			r->st->svc_removed++;
		}
	}
	for (size_t j = 0; j < r->old->n_vs; j++) {
		if (r->vs_kept[j])
			continue;
		ck_ipvs_reload_vs_del(&r->old->vs[j]);
		r->st->vs_removed++;
	}
}

/* ---- pass 3: kept and new ---------------------------------------------- */

static bool check_same(const struct ck_check *a, uint64_t asig, const struct ck_check *b,
		       uint64_t bsig)
{
	return a->kind == b->kind && asig == bsig && ip_eq(&a->connect_ip, &b->connect_ip) &&
	       a->connect_port == b->connect_port && ip_eq(&a->bindto, &b->bindto) &&
	       a->bind_port == b->bind_port && !strcmp(a->bind_if, b->bind_if) &&
	       a->fwmark == b->fwmark;
}

/* Microseconds the old check's timer had left (0: due, or in flight). */
static uint64_t time_left(const struct ck_check *o)
{
	struct timeval due, now;

	if (!o->timer || o->in_flight || !event_pending(o->timer, EV_TIMEOUT, &due))
		return 0;
	evutil_gettimeofday(&now, NULL);
	if (!timercmp(&due, &now, >))
		return 0;
	timersub(&due, &now, &due);
	return (uint64_t)due.tv_sec * 1000000u + (uint64_t)due.tv_usec;
}

/* c takes over o: verdict state, and the next attempt when o's was due. */
static void carry_check(struct rl *r, struct ck_check *c, struct ck_check *o)
{
	uint64_t left = time_left(o), cap;
	struct timeval tv;

	c->up = o->up;
	c->has_run = o->has_run;
	c->retries_done = o->retries_done;
	c->last = o->last;
	memcpy(c->reason, o->reason, sizeof(c->reason));
	cap = c->retries_done ? c->delay_before_retry_us : c->delay_loop_us;
	if (left > cap)
		left = cap;
	ck_sched_stop(o);
	if (ck_sched_start(c, r->base) < 0) {
		log_errx("%s of %s: out of memory restarting the check", c->kind->keyword,
			 c->rs->label);
		return;
	}
	tv.tv_sec = (time_t)(left / 1000000u);
	tv.tv_usec = (suseconds_t)(left % 1000000u);
	evtimer_add(c->timer, &tv);
	r->st->ck_kept++;
}

/* Match the checks of a kept real server (a handful each: pairwise). */
static void carry_checks(struct rl *r, struct ck_rs *nrs, size_t nflat, struct ck_rs *ors,
			 size_t oflat)
{
	const uint64_t *nsig = r->nsig + r->nf.ck_base[nflat];
	const uint64_t *osig = r->osig + r->of.ck_base[oflat];
	uint64_t taken = 0;

	for (size_t a = 0; a < nrs->n_checks; a++) {
		for (size_t b = 0; b < ors->n_checks && b < 64; b++) {
			if (taken & (1ull << b) ||
			    !check_same(&nrs->checks[a], nsig[a], &ors->checks[b], osig[b]))
				continue;
			taken |= 1ull << b;
			carry_check(r, &nrs->checks[a], &ors->checks[b]);
			break;
		}
	}
	r->st->ck_removed += (size_t)ors->n_checks - (size_t)__builtin_popcountll(taken);
}

static void rs_says(const struct ck_rs *rs)
{
	const char *vs = rs->vs->label;

	if (rs->alive && rs->inhibit)
		log_info("Enabling service %s of VS %s", rs->label, vs);
	else if (rs->alive)
		log_info("Adding service %s to VS %s", rs->label, vs);
	else if (rs->inhibit)
		log_info("Disabling service %s of VS %s", rs->label, vs);
	else
		log_info("Removing service %s from VS %s", rs->label, vs);
}

static void keep_rs(struct rl *r, struct ck_rs *nrs, size_t nflat, size_t oflat)
{
	struct ck_rs *ors = old_rs(r, oflat);

	nrs->set = ors->set;
	nrs->set_weight = ors->set_weight;
	if (nrs->weight != ors->weight)
		log_info("Changing weight from %d to %d for %s service %s of VS %s", ors->weight,
			 nrs->weight, ors->alive ? "active" : "inactive", nrs->label,
			 nrs->vs->label);
	if (!ck_ipvs_rs_same_dest(nrs, ors)) {
		ck_ipvs_reload_rs_edit(nrs);
		r->st->rs_edited++;
	} else {
		r->st->rs_kept++;
	}
	carry_checks(r, nrs, nflat, ors, oflat);
	nrs->n_failed = 0;
	for (size_t k = 0; k < nrs->n_checks; k++)
		nrs->n_failed += !nrs->checks[k].up;
	nrs->alive = nrs->n_failed == 0;
	if (nrs->alive != ors->alive) {
		rs_says(nrs);
		ck_notify(nrs->alive ? nrs->notify_up : nrs->notify_down);
	}
}

static void keep_vs(struct rl *r, size_t i, size_t j)
{
	struct ck_vs *vs = &r->nw->vs[i], *ovs = &r->old->vs[j];

	for (size_t k = 0; k < vs->n_svcs; k++) {
		size_t f = r->svc_match[r->nf.svc_base[i] + k];

		if (f == NONE)
			continue;
		if (ck_ipvs_svc_same_opts(&vs->svcs[k], old_svc(r, f))) {
			r->st->svc_kept++;
		} else {
			ck_ipvs_reload_svc(vs, &vs->svcs[k], CK_SVC_EDIT);
			r->st->svc_edited++;
		}
	}
	for (size_t k = 0; k < vs->n_rs; k++) {
		size_t f = r->rs_match[r->nf.rs_base[i] + k];

		if (f != NONE)
			keep_rs(r, &vs->rs[k], r->nf.rs_base[i] + k, f);
		else
			r->st->rs_added++;
	}
	vs->quorum_ok = ovs->quorum_ok;
	vs->sorry_set = false;
	if (sorry_same(ovs->sorry, vs->sorry)) {
		vs->sorry->set = ovs->sorry->set;
		vs->sorry->set_weight = ovs->sorry->set_weight;
		vs->sorry_set = ovs->sorry_set;
		if (!ck_ipvs_rs_same_dest(vs->sorry, ovs->sorry))
			ck_ipvs_reload_rs_edit(vs->sorry);
	}
	for (size_t k = 0; k < vs->n_svcs; k++) {
		if (r->svc_match[r->nf.svc_base[i] + k] != NONE)
			continue;
		ck_ipvs_reload_svc(vs, &vs->svcs[k], CK_SVC_ADD);
		r->st->svc_added++;
	}
	ck_ipvs_reload_vs_settle(vs);
}

/* Start what has no timer yet (new checks) and log every check; the
 * checks of suspended virtual servers (ha_suspend) do not run. */
static void start_checks(struct rl *r)
{
	for (size_t i = 0; i < r->nw->n_vs; i++) {
		struct ck_vs *vs = &r->nw->vs[i];

		bool susp = ck_suspend_is_suspended(vs);

		for (size_t j = 0; j < vs->n_rs; j++) {
			for (size_t k = 0; k < vs->rs[j].n_checks; k++) {
				struct ck_check *c = &vs->rs[j].checks[k];

				log_info("%s healthchecker for service %s for VS %s",
					 susp ? "Deactivating" : "Activating", vs->rs[j].label,
					 vs->label);
				if (susp)
					ck_sched_stop(c);       /* kept ones were restarted */
				if (c->timer || susp)
					continue;
				r->st->ck_added++;
				if (ck_sched_start(c, r->base) < 0)
					log_errx("%s of %s: out of memory starting the check",
						 c->kind->keyword, c->rs->label);
			}
		}
	}
}

int ck_reload_apply(struct ck_model *old, const uint64_t *old_sigs, struct ck_model *nw,
		    const uint64_t *new_sigs, struct event_base *base,
		    struct ck_reload_stats *st)
{
	struct ck_reload_stats dummy;
	struct rl r = {
		.old = old, .nw = nw, .osig = old_sigs, .nsig = new_sigs, .base = base,
		.st = st ? st : &dummy,
	};

	memset(r.st, 0, sizeof(*r.st));
	if (!rl_alloc(&r)) {
		rl_free(&r);
		return -ENOMEM;
	}
	rl_match(&r);
	ck_result_init(nw);
	rl_remove(&r);
	ck_ipvs_reload_globals(old, nw);
	for (size_t i = 0; i < nw->n_vs; i++) {
		if (r.vs_match[i] == NONE)
			continue;
		keep_vs(&r, i, r.vs_match[i]);
		r.st->vs_kept++;
	}
	for (size_t i = 0; i < nw->n_vs; i++) {
		if (r.vs_match[i] != NONE)
			continue;
		r.st->rs_added += nw->vs[i].n_rs;
		r.st->svc_added += nw->vs[i].n_svcs;
		ck_ipvs_reload_vs_add(&nw->vs[i]);
		r.st->vs_added++;
	}
	ck_sched_stop_all(old);
	start_checks(&r);
	rl_free(&r);
	return 0;
}
