/*
 * conf_region.c - the shared regions a reloaded tree is built in
 * (conf_region.h).
 *
 * The reservation is PROT_NONE anonymous memory with MAP_NORESERVE: it
 * costs address space only, and mlockall() (vrrp_no_swap) does not fault
 * it in.  Only the part a tree uses is ever mapped readable: in the
 * parent from the memfd, chunk by chunk as the arena grows; in a child as
 * private pages holding its copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf_internal.h"
#include "conf_region.h"

static struct {
	unsigned char *base;             /* region r starts at base + r * size */
	size_t size;
	int fd;
	uint64_t off;                    /* memfd offset of region 0 */
	size_t mapped[CONF_REGIONS];     /* bytes mapped here from each region's start */
	bool no_build;                   /* a region could not be emptied: build on the heap */
	_Atomic uint32_t *holders;       /* shared: per region, a bit per child using it */
	uint32_t my_bit;                 /* this child's bit (0: the parent) */
	bool held[CONF_REGIONS];         /* my_bit is set in holders[r] */
	bool locked;                     /* mlockall() is in force: keep the reservation unlocked */
} rg = { .fd = -1 };

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) & ~(pg - 1);
}

static unsigned char *start_of(int r)
{
	return rg.base + (size_t)r * rg.size;
}

static bool valid(int r)
{
	return rg.base && r >= 0 && r < CONF_REGIONS;
}

bool conf_region_init(int fd, uint64_t off, size_t size, uint64_t holders_off)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), in_page = (size_t)(holders_off % pg);
	unsigned char *h;
	void *p;

	if (rg.base)
		return true;
	if (in_page % sizeof(*rg.holders) || in_page + sizeof(*rg.holders) * CONF_REGIONS > pg)
		return false;
	size = page_round(size);
	h = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(holders_off - in_page));
	if (h == MAP_FAILED)
		return false;
	p = mmap(NULL, size * CONF_REGIONS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		munmap(h, pg);
		return false;
	}
	rg.holders = (_Atomic uint32_t *)(void *)(h + in_page);
	rg.base = p;
	rg.size = size;
	rg.fd = fd;
	rg.off = off;
	return true;
}

/* Mapped from the memfd as the parent's build (a child maps copy-on-write,
 * under its bit). */
static bool shared(int r)
{
	return rg.mapped[r] && !rg.held[r];
}

bool conf_region_ready(void)
{
	return rg.base && !rg.no_build;
}

bool conf_region_busy(int r)
{
	return valid(r) && (rg.mapped[r] > 0 || rg.held[r]);
}

void conf_region_after_mlockall(void)
{
	if (!rg.base)
		return;
	/* mlockall() counts the reserved address space as locked memory
	 * (VmLck, RLIMIT_MEMLOCK) though nothing is there; a tree mapped
	 * in it stays locked. */
	munlock(rg.base, rg.size * CONF_REGIONS);
	for (int r = 0; r < CONF_REGIONS; r++)
		if (rg.mapped[r])
			mlock(start_of(r), rg.mapped[r]);
	rg.locked = true;
}

void conf_region_set_slot(unsigned slot)
{
	rg.my_bit = slot < 32 ? 1u << slot : 0;
	for (int r = 0; r < CONF_REGIONS; r++)
		rg.held[r] = false;     /* the parent's state, not ours */
}

void conf_region_forget_slot(unsigned slot)
{
	for (int r = 0; rg.holders && slot < 32 && r < CONF_REGIONS; r++)
		atomic_fetch_and(&rg.holders[r], ~(1u << slot));
}

bool conf_region_hold(int r)
{
	if (!valid(r) || !rg.my_bit)
		return false;
	/* seq_cst: set before the caller reads the sequence number again
	 * (the parent checks the bits after changing the number). */
	atomic_fetch_or(&rg.holders[r], rg.my_bit);
	rg.held[r] = true;
	return true;
}

bool conf_region_clear(int r)
{
	if (!valid(r))
		return false;
	/* The parent changed the sequence number before: a child setting
	 * its bit after this load sees the change and backs off. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&rg.holders[r]))
		return false;   /* a child reads this tree in place */
	conf_region_drop(r);
	/* Holes read as zeros: the arena's chunks must start zeroed. */
	if (fallocate(rg.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(rg.off + (uint64_t)r * rg.size), (off_t)rg.size) != 0) {
		rg.no_build = true;     /* old bytes would stay under a new tree */
		return false;
	}
	return true;
}

void conf_region_drop(int r)
{
	if (!valid(r))
		return;
	if (rg.mapped[r]) {
		/* Back to reserved address space: the pages go, the memfd keeps its bytes. */
		if (mmap(start_of(r), rg.mapped[r], PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
			abort();
		if (rg.locked)  /* MCL_FUTURE locked the new reservation: it holds nothing */
			munlock(start_of(r), rg.mapped[r]);
		rg.mapped[r] = 0;
	}
	if (rg.held[r]) {
		atomic_fetch_and(&rg.holders[r], ~rg.my_bit);
		rg.held[r] = false;
	}
}

void *conf_region_grow(int r, size_t *size)
{
	size_t n = page_round(*size);
	unsigned char *p;

	if (!valid(r) || rg.no_build || rg.held[r] || n > rg.size - rg.mapped[r])
		return NULL;
	p = start_of(r) + rg.mapped[r];
	if (mmap(p, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, rg.fd,
		 (off_t)(rg.off + (uint64_t)r * rg.size + rg.mapped[r])) == MAP_FAILED)
		return NULL;
	rg.mapped[r] += n;
	*size = n;
	return p;
}

int conf_region_of(const struct conf *c)
{
	return c ? arena_region(c->arena) : -1;
}

bool conf_region_describe(const struct conf *c, struct conf_region_tree *t)
{
	int r = conf_region_of(c);
	const void *head;

	if (r < 0 || !shared(r) || !arena_region_head(c->arena, &head))
		return false;
	*t = (struct conf_region_tree){
		.root = (uint64_t)(uintptr_t)c->root,
		.head = (uint64_t)(uintptr_t)head,
		.used = rg.mapped[r],
		.region = (uint32_t)r,
		.errors = c->errors,
		.errors_fixed = c->errors_fixed,
		.warnings = c->warnings,
		.flags = (c->missing_file ? CRT_MISSING : 0) | (c->security_violation ? CRT_SECURITY : 0) |
			 (c->include_failed ? CRT_INCLUDE : 0),
	};
	return true;
}

/* Map [start, start + len) of region r copy-on-write from the memfd: the
 * tree's pages are shared with every process reading it until one
 * writes.  Only under this process's bit (conf_region_hold()), which
 * keeps the parent from emptying or rebuilding the region. */
static bool map_private(int r, size_t len)
{
	if (!rg.held[r] || mmap(start_of(r), len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
				rg.fd, (off_t)(rg.off + (uint64_t)r * rg.size)) == MAP_FAILED)
		return false;
	rg.mapped[r] = len;
	return true;
}

bool conf_region_map(const struct conf_region_tree *t)
{
	int r = (int)t->region;

	if (!valid(r) || rg.mapped[r] || t->used == 0 || t->used > rg.size ||
	    t->used != page_round(t->used))
		return false;
	return map_private(r, t->used);
}

/* Give every node the file index this process has for its file name. */
static void renumber(struct conf_node *n, const uint32_t *map, uint32_t nmap)
{
	for (; n; n = n->next) {
		n->src.file = n->src.file < nmap ? map[n->src.file] : 0;
		renumber(n->child, map, nmap);
	}
}

static bool inside(int r, uint64_t p, size_t len)
{
	uint64_t s = (uint64_t)(uintptr_t)start_of(r);

	return p >= s && p - s + len <= rg.mapped[r];
}

struct conf *conf_region_adopt(const struct conf_region_tree *t, const char *const *files,
			       uint32_t nfiles)
{
	int r = (int)t->region;
	struct conf *c;
	uint32_t *map;
	bool same = true;

	if (!valid(r) || shared(r) || !inside(r, t->root, sizeof(struct conf_node)) ||
	    !inside(r, t->head, 1))
		return NULL;
	map = calloc((size_t)nfiles + 1, sizeof(*map));
	c = calloc(1, sizeof(*c));
	if (!map || !c)
		abort();
	for (uint32_t k = 0; k < nfiles; k++) {
		map[k + 1] = conf_file_intern(files[k]);
		same = same && map[k + 1] == k + 1;
	}
	c->root = (struct conf_node *)(uintptr_t)t->root;
	if (!same)
		renumber(c->root, map, nfiles + 1);
	free(map);
	c->arena = arena_adopt_region(r, (void *)(uintptr_t)t->head);
	c->errors = t->errors;
	c->errors_fixed = t->errors_fixed;
	c->warnings = t->warnings;
	c->missing_file = t->flags & CRT_MISSING;
	c->security_violation = t->flags & CRT_SECURITY;
	c->include_failed = t->flags & CRT_INCLUDE;
	return c;
}

const struct conf *conf_region_after_fork(const struct conf *conf)
{
	int keep = conf_region_of(conf);

	for (int r = 0; r < CONF_REGIONS; r++) {
		if (!valid(r) || !rg.mapped[r])
			continue;
		if (r != keep) {
			conf_region_drop(r);
			continue;
		}
		/* Over the parent's shared mapping: ours must not write the memfd. */
		if (!map_private(r, rg.mapped[r])) {
			conf_region_drop(r);
			return NULL;
		}
	}
	return conf;
}
