/*
 * arena.c - storage of one configuration tree.
 *
 * All nodes and strings of a tree live in an arena: a list of 64 KiB
 * chunks freed together by conf_free().  Loading a 90,000-line file
 * allocates about a hundred chunks instead of hundreds of thousands of
 * small blocks.  Words and whole argument lists repeat a lot ("weight 1",
 * "retry 2"), so each distinct one is stored once, found through an
 * open-addressing table (file names: files.c).  Shared
 * storage is read only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

/* Arguments repeat a lot ("1", "80", "TCP"): each distinct word is stored
 * once per tree, found through an open-addressing table of its pointers. */
struct word_table {
	const char **slots;
	size_t size, used;               /* size: a power of two */
};

/* Whole argument lists repeat too ("weight 1", "retry 2"): each distinct
 * list of interned words is stored once, NULL-terminated. */
struct argv_table {
	char ***slots;
	size_t size, used;
};

struct conf_arena {
	struct arena_chunk *head;
	struct word_table words;
	struct argv_table argvs;
};

struct conf_arena *arena_new(void)
{
	struct conf_arena *a = calloc(1, sizeof(*a));

	if (!a)
		abort();
	return a;
}

void arena_free(struct conf_arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a->words.slots);
	free(a->argvs.slots);
	free(a);
}

/* `align` must be a power of two; chunks start max_align_t aligned. */
static void *arena_take(struct conf_arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || start + size > c->size) {
		size_t csize = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		/* calloc: a chunk starts zeroed (fresh pages from the kernel need
		 * no clearing), so arena_alloc() does not clear each node. */
		c = calloc(1, sizeof(*c) + csize);
		if (!c)
			abort();
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		start = 0;
	}
	c->used = start + size;
	return (char *)c->data + start;
}

static size_t hash_argv(char *const *argv, int argc)
{
	size_t h = (size_t)argc;

	for (int i = 0; i < argc; i++)
		h = (h ^ (uintptr_t)argv[i]) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 29);
}

static int argv_len(char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

static bool argv_equal(char *const *a, char *const *b, int argc)
{
	for (int i = 0; i < argc; i++)
		if (a[i] != b[i])
			return false;
	return a[argc] == NULL;
}

static void argvs_grow(struct argv_table *t)
{
	size_t nsize = t->size ? t->size * 2 : 1024;
	char ***slots = calloc(nsize, sizeof(*slots));

	if (!slots)
		abort();
	for (size_t i = 0; i < t->size; i++) {
		size_t j;

		if (!t->slots[i])
			continue;
		j = hash_argv(t->slots[i], argv_len(t->slots[i])) & (nsize - 1);
		while (slots[j])
			j = (j + 1) & (nsize - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->size = nsize;
}

char **arena_argv(struct conf_arena *a, char *const *words, int argc)
{
	struct argv_table *t = &a->argvs;
	char **copy;
	size_t i;

	if (t->used * 4 >= t->size * 3)         /* load factor 3/4 */
		argvs_grow(t);
	for (i = hash_argv(words, argc) & (t->size - 1); t->slots[i]; i = (i + 1) & (t->size - 1))
		if (argv_equal(t->slots[i], words, argc))
			return t->slots[i];
	copy = arena_alloc(a, ((size_t)argc + 1) * sizeof(char *));
	memcpy(copy, words, (size_t)argc * sizeof(char *));
	t->used++;
	return t->slots[i] = copy;
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

static size_t hash_word(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void words_grow(struct word_table *t)
{
	size_t nsize = t->size ? t->size * 2 : 1024;
	const char **slots = calloc(nsize, sizeof(*slots));

	if (!slots)
		abort();
	for (size_t i = 0; i < t->size; i++) {
		size_t j;

		if (!t->slots[i])
			continue;
		for (j = hash_word(t->slots[i]) & (nsize - 1); slots[j]; j = (j + 1) & (nsize - 1))
			;
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->size = nsize;
}

const char *arena_word(struct conf_arena *a, const char *s)
{
	struct word_table *t = &a->words;
	size_t i;

	if (t->used * 4 >= t->size * 3)         /* load factor 3/4 */
		words_grow(t);
	for (i = hash_word(s) & (t->size - 1); t->slots[i]; i = (i + 1) & (t->size - 1))
		if (strcmp(t->slots[i], s) == 0)
			return t->slots[i];
	t->used++;
	return t->slots[i] = arena_strdup(a, s);
}

char *arena_strdup(struct conf_arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

