/*
 * ipvs_async.c - IPVS service edits sent from a helper thread (see
 * ipvs_async.h).
 *
 * The queue is an array under a mutex: the caller appends, the thread
 * takes the next entry by value, sends it without the lock and writes the
 * answer back by index (the array may move meanwhile).  The thread opens
 * its own IPVS socket (libnl sockets are not shared between threads) and
 * blocks every signal: they stay with the event loop's thread.  No log
 * line comes from the thread; refusals are reported by the caller's
 * thread at finish.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_async.h"

struct async_edit {
	struct ipvs_service svc;
	const void *tag;
	bool refused;
	char why[sizeof(((struct ipvs_ctx *)0)->errmsg)];
};

struct ipvs_async {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* new work, or closing */
	struct async_edit *q;
	size_t n, cap;
	size_t answered;                /* q[0 .. answered) have their answer */
	bool closing;
};

static void *run(void *arg)
{
	struct ipvs_async *a = arg;
	struct ipvs_ctx ctx;
	int open_rc = ipvs_open(&ctx);

	pthread_mutex_lock(&a->lock);
	for (;;) {
		struct ipvs_service svc;
		size_t i = a->answered;
		int rc;

		while (i == a->n && !a->closing)
			pthread_cond_wait(&a->cond, &a->lock);
		if (i == a->n)
			break;
		svc = a->q[i].svc;
		pthread_mutex_unlock(&a->lock);
		rc = open_rc < 0 ? open_rc : ipvs_service_edit(&ctx, &svc);
		pthread_mutex_lock(&a->lock);
		if (rc < 0) {
			a->q[i].refused = true;
			snprintf(a->q[i].why, sizeof(a->q[i].why), "%s", ipvs_error(&ctx));
		}
		a->answered = i + 1;
	}
	pthread_mutex_unlock(&a->lock);
	if (open_rc == 0)
		ipvs_close(&ctx);
	return NULL;
}

static struct ipvs_async *start(void)
{
	struct ipvs_async *a = calloc(1, sizeof(*a));
	sigset_t all, old;
	int rc;

	if (!a)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, run, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	return a;
}

int ipvs_async_edit(struct ipvs_async **ap, const struct ipvs_service *svc, const void *tag)
{
	struct ipvs_async *a = *ap;
	int rc = 0;

	if (!a && !(a = *ap = start()))
		return -EAGAIN;
	pthread_mutex_lock(&a->lock);
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		struct async_edit *q = realloc(a->q, cap * sizeof(*q));

		if (!q)
			rc = -ENOMEM;
		else {
			a->q = q;
			a->cap = cap;
		}
	}
	if (rc == 0) {
		memset(&a->q[a->n], 0, sizeof(a->q[a->n]));
		a->q[a->n].svc = *svc;
		a->q[a->n].tag = tag;
		a->n++;
		pthread_cond_signal(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

size_t ipvs_async_finish(struct ipvs_async **ap, ipvs_async_failed_fn *failed, void *arg)
{
	struct ipvs_async *a = *ap;
	size_t n;

	if (!a)
		return 0;
	pthread_mutex_lock(&a->lock);
	a->closing = true;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	n = a->n;
	for (size_t i = 0; i < n; i++)
		if (a->q[i].refused && failed)
			failed(arg, a->q[i].tag, a->q[i].why);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a->q);
	free(a);
	*ap = NULL;
	return n;
}
