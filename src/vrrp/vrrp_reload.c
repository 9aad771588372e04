/*
 * vrrp_reload.c - reload without flapping (see vrrp_reload.h).
 *
 * Order matters: instances that go away are stopped and unbound first,
 * so that a new instance may reuse their VRID on the same socket; then
 * matched ones take their new model; new ones are created and started
 * last, at the tail of the list (file order of the new configuration is
 * kept for them; kept ones keep their place).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vrrp_reload.h"

int vrrp_reload_cmp(const struct vrrp_model_inst *a, const struct vrrp_model_inst *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((a->npeers > 0) != (b->npeers > 0))
		return a->npeers > 0 ? 1 : -1;
	if (a->vrid != b->vrid)
		return a->vrid < b->vrid ? -1 : 1;
	return 0;
}

static int cmp_ptr(const void *x, const void *y)
{
	return vrrp_reload_cmp(*(const struct vrrp_model_inst *const *)x,
			       *(const struct vrrp_model_inst *const *)y);
}

/* Index of the new model's instance matching m in the sorted array, or -1. */
static long find(const struct vrrp_model_inst **sorted, size_t n, const struct vrrp_model_inst *m)
{
	const struct vrrp_model_inst **hit = bsearch(&m, sorted, n, sizeof(*sorted), cmp_ptr);

	return hit ? (long)(hit - sorted) : -1;
}

int vrrp_reload_apply(struct vrrp_inst **head, const struct vrrp_model *nm,
		      const struct vrrp_env *env)
{
	const struct vrrp_model_inst **sorted = calloc(nm->ninst + 1, sizeof(*sorted));
	bool *taken = calloc(nm->ninst + 1, sizeof(*taken));
	struct vrrp_inst **pp, *in, **tail;
	long k;

	if (!sorted || !taken) {
		free(sorted);
		free(taken);
		return -1;
	}
	for (size_t i = 0; i < nm->ninst; i++)
		sorted[i] = &nm->inst[i];
	qsort(sorted, nm->ninst, sizeof(*sorted), cmp_ptr);
	/* 1. gone: stop and free */
	for (pp = head; (in = *pp);) {
		k = find(sorted, nm->ninst, in->m);
		if (k >= 0 && !taken[k]) {
			taken[k] = true;
			pp = &in->next;
			continue;
		}
		log_info("(%s) removed from the configuration, stopping it", in->m->name);
		*pp = in->next;
		vrrp_inst_stop(in);
		vrrp_inst_free(in);
	}
	/* 2. kept: new model, same state */
	for (in = *head; in; in = in->next)
		vrrp_inst_reconfigure(in, sorted[find(sorted, nm->ninst, in->m)]);
	/* 3. new: start as at startup, in file order */
	for (tail = head; *tail; tail = &(*tail)->next)
		;
	for (size_t i = 0; i < nm->ninst; i++) {
		const struct vrrp_model_inst *m = &nm->inst[i];

		if (taken[find(sorted, nm->ninst, m)])
			continue;
		log_info("(%s) added by the reload", m->name);
		if (!(in = vrrp_inst_new(env, m)))
			continue;
		*tail = in;
		tail = &in->next;
		vrrp_inst_start(in);
	}
	free(sorted);
	free(taken);
	return 0;
}
