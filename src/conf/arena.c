/*
 * arena.c - storage of one configuration tree.
 *
 * All nodes and strings of a tree live in an arena: a list of 64 KiB
 * chunks freed together by conf_free().  Loading a 90,000-line file
 * allocates about a hundred chunks instead of hundreds of thousands of
 * small blocks.  Words and whole argument lists repeat a lot ("weight 1",
 * "retry 2"), so each distinct one is stored once, found through an
 * open-addressing table (file names: files.c).  Shared
 * storage is read only.  The parent's tree at reload takes its chunks
 * from a shared region instead (conf_region.h), so that its children can
 * copy it as bytes; such chunks go with their region, not free().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"
#include "conf_region.h"

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	bool in_region;                  /* made by conf_region_grow(): not free()d */
	max_align_t data[];
};

/* Arguments repeat a lot ("1", "80", "TCP") and so do whole argument
 * lists ("weight 1", "retry 2"): each distinct word, and each distinct
 * list of interned words (NULL-terminated), is stored once per tree.  Both
 * are found through an open-addressing table of 8-byte slots, a hash and
 * the entry's index: a probe that does not match compares the hash and
 * goes nowhere else, and the table costs half what pointer+hash slots
 * would (its pages are fresh memory at every load). */
struct intern_slot {
	uint32_t hash;
	uint32_t idx;                    /* entry + 1; 0: empty slot */
};

struct intern_table {
	struct intern_slot *slots;
	size_t size;                     /* a power of two */
	void **ents;                     /* the entries, in insertion order */
	size_t n, cap;
};

struct conf_arena {
	struct arena_chunk *head;
	int region;                      /* chunks from this shared region; -1: heap only */
	bool spilled;                    /* the region was full: later chunks on the heap */
	struct intern_table words;       /* char * */
	struct intern_table argvs;       /* char ** */
};

struct conf_arena *arena_new(void)
{
	struct conf_arena *a = calloc(1, sizeof(*a));

	if (!a)
		abort();
	a->region = -1;
	return a;
}

struct conf_arena *arena_new_in_region(int r)
{
	struct conf_arena *a = arena_new();

	a->region = r;
	return a;
}

struct conf_arena *arena_adopt_region(int r, void *head)
{
	struct conf_arena *a = arena_new_in_region(r);

	a->head = head;
	a->spilled = true;      /* its region is a private copy: grow on the heap */
	return a;
}

int arena_region(const struct conf_arena *a)
{
	return a ? a->region : -1;
}

bool arena_region_head(const struct conf_arena *a, const void **head)
{
	if (!a || a->region < 0 || a->spilled || !a->head)
		return false;
	*head = a->head;
	return true;
}

void arena_free(struct conf_arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		if (!c->in_region)
			free(c);
	}
	if (a->region >= 0)
		conf_region_drop(a->region);
	free(a->words.slots);
	free(a->words.ents);
	free(a->argvs.slots);
	free(a->argvs.ents);
	free(a);
}

/* `align` must be a power of two; chunks start max_align_t aligned. */
static void *arena_take(struct conf_arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || start + size > c->size) {
		size_t csize = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		size_t total = sizeof(*c) + csize;

		/* A chunk starts zeroed (calloc, or a region's fresh pages), so
		 * arena_alloc() does not clear each node. */
		c = a->region >= 0 && !a->spilled ? conf_region_grow(a->region, &total) : NULL;
		if (c) {
			c->in_region = true;
			csize = total - sizeof(*c);
		} else {
			a->spilled = a->region >= 0;
			c = calloc(1, total);
			if (!c)
				abort();
		}
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		start = 0;
	}
	c->used = start + size;
	return (char *)c->data + start;
}

/* Make room for one more entry: the table at most 3/4 full. */
static void intern_reserve(struct intern_table *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->ents = realloc(t->ents, t->cap * sizeof(*t->ents));
		if (!t->ents)
			abort();
	}
	if (t->n * 4 >= t->size * 3) {
		size_t nsize = t->size ? t->size * 2 : 1024;
		struct intern_slot *slots = calloc(nsize, sizeof(*slots));

		if (!slots)
			abort();
		for (size_t i = 0; i < t->size; i++) {
			size_t j;

			if (!t->slots[i].idx)
				continue;
			for (j = t->slots[i].hash & (nsize - 1); slots[j].idx; j = (j + 1) & (nsize - 1))
				;
			slots[j] = t->slots[i];
		}
		free(t->slots);
		t->slots = slots;
		t->size = nsize;
	}
}

/* Store entry e for `hash` in the empty slot i (found by the caller's probe). */
static void intern_add(struct intern_table *t, size_t i, uint32_t hash, void *e)
{
	t->ents[t->n++] = e;
	t->slots[i].hash = hash;
	t->slots[i].idx = (uint32_t)t->n;
}

static uint32_t hash_argv(char *const *argv, int argc)
{
	uint64_t h = (uint64_t)argc;

	for (int i = 0; i < argc; i++)
		h = (h ^ (uintptr_t)argv[i]) * 0x9e3779b97f4a7c15u;
	return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

static bool argv_equal(char *const *a, char *const *b, int argc)
{
	for (int i = 0; i < argc; i++)
		if (a[i] != b[i])
			return false;
	return a[argc] == NULL;
}

char **arena_argv(struct conf_arena *a, char *const *words, int argc)
{
	struct intern_table *t = &a->argvs;
	uint32_t h = hash_argv(words, argc);
	char **copy;
	size_t i;

	intern_reserve(t);
	for (i = h & (t->size - 1); t->slots[i].idx; i = (i + 1) & (t->size - 1)) {
		if (t->slots[i].hash == h) {
			copy = t->ents[t->slots[i].idx - 1];
			if (argv_equal(copy, words, argc))
				return copy;
		}
	}
	copy = arena_alloc(a, ((size_t)argc + 1) * sizeof(char *));
	memcpy(copy, words, (size_t)argc * sizeof(char *));
	intern_add(t, i, h, copy);
	return copy;
}

bool arena_contains(const struct conf_arena *a, const void *p, size_t size)
{
	uintptr_t x = (uintptr_t)p;

	for (const struct arena_chunk *c = a->head; c; c = c->next) {
		uintptr_t start = (uintptr_t)c->data;

		if (x >= start && x - start + size <= c->used)
			return true;
	}
	return false;
}

void *arena_alloc(struct conf_arena *a, size_t size)
{
	/* Pointer alignment is all the tree needs (no long double inside).
	 * Chunk memory is zeroed and never handed out twice. */
	return arena_take(a, size, sizeof(void *));
}

char *arena_strndup(struct conf_arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

const char *arena_word_n(struct conf_arena *a, const char *s, size_t len, uint32_t hash)
{
	struct intern_table *t = &a->words;
	char *e;
	size_t i;

	intern_reserve(t);
	for (i = hash & (t->size - 1); t->slots[i].idx; i = (i + 1) & (t->size - 1)) {
		if (t->slots[i].hash == hash) {
			e = t->ents[t->slots[i].idx - 1];
			if (strncmp(e, s, len) == 0 && e[len] == '\0')
				return e;
		}
	}
	e = arena_strndup(a, s, len);
	intern_add(t, i, hash, e);
	return e;
}

const char *arena_word(struct conf_arena *a, const char *s)
{
	size_t len = strlen(s);

	return arena_word_n(a, s, len, conf_word_hash(s, len));
}

char *arena_strdup(struct conf_arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

