/*
 * vrrp_strpool.c - a store of distinct strings freed together (see
 * vrrp_strpool.h).
 *
 * Chunks of POOL_CHUNK bytes (larger for a longer string) are chained and
 * filled front to back; the table holds pointers to the stored strings,
 * hashed with FNV-1a, and grows at a load factor of 3/4.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp_strpool.h"

#define POOL_CHUNK 4096

struct pool_chunk {
	struct pool_chunk *next;
	size_t size, used;
	char data[];
};

struct vrrp_strpool {
	struct pool_chunk *head;
	const char **slots;
	size_t size, used;           /* size: a power of two (0: no table yet) */
	size_t bytes;
};

struct vrrp_strpool *vrrp_strpool_new(void)
{
	return calloc(1, sizeof(struct vrrp_strpool));
}

void vrrp_strpool_free(struct vrrp_strpool *p)
{
	struct pool_chunk *c, *next;

	if (!p)
		return;
	for (c = p->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p->slots);
	free(p);
}

size_t vrrp_strpool_bytes(const struct vrrp_strpool *p)
{
	return p ? p->bytes + p->size * sizeof(*p->slots) : 0;
}

static size_t hash_str(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int grow(struct vrrp_strpool *p)
{
	size_t nsize = p->size ? p->size * 2 : 64;
	const char **slots = calloc(nsize, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < p->size; i++) {
		size_t j;

		if (!p->slots[i])
			continue;
		for (j = hash_str(p->slots[i]) & (nsize - 1); slots[j]; j = (j + 1) & (nsize - 1))
			;
		slots[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = slots;
	p->size = nsize;
	return 0;
}

static char *store(struct vrrp_strpool *p, const char *s)
{
	size_t len = strlen(s) + 1;
	struct pool_chunk *c = p->head;
	char *copy;

	if (!c || c->size - c->used < len) {
		size_t size = len > POOL_CHUNK ? len : POOL_CHUNK;

		if (!(c = malloc(sizeof(*c) + size)))
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = p->head;
		p->head = c;
		p->bytes += sizeof(*c) + size;
	}
	copy = c->data + c->used;
	memcpy(copy, s, len);
	c->used += len;
	return copy;
}

const char *vrrp_strpool_add(struct vrrp_strpool *p, const char *s)
{
	size_t i;

	if (p->used * 4 >= p->size * 3 && grow(p) < 0)
		return NULL;
	for (i = hash_str(s) & (p->size - 1); p->slots[i]; i = (i + 1) & (p->size - 1))
		if (p->slots[i] == s || strcmp(p->slots[i], s) == 0)
			return p->slots[i];
	if (!(p->slots[i] = store(p, s)))
		return NULL;
	p->used++;
	return p->slots[i];
}
