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
	bool shared[CONF_REGIONS];       /* mapped from the memfd (else a private copy) */
	bool no_build;                   /* a region could not be emptied: build on the heap */
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

bool conf_region_init(int fd, uint64_t off, size_t size)
{
	void *p;

	if (rg.base)
		return true;
	size = page_round(size);
	p = mmap(NULL, size * CONF_REGIONS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return false;
	rg.base = p;
	rg.size = size;
	rg.fd = fd;
	rg.off = off;
	return true;
}

bool conf_region_ready(void)
{
	return rg.base && !rg.no_build;
}

bool conf_region_busy(int r)
{
	return valid(r) && rg.mapped[r] > 0;
}

void conf_region_clear(int r)
{
	if (!valid(r))
		return;
	conf_region_drop(r);
	/* Holes read as zeros: the arena's chunks must start zeroed. */
	if (fallocate(rg.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(rg.off + (uint64_t)r * rg.size), (off_t)rg.size) != 0)
		rg.no_build = true;     /* old bytes would stay under a new tree */
}

void conf_region_drop(int r)
{
	if (!valid(r) || !rg.mapped[r])
		return;
	/* Back to reserved address space: the pages go, the memfd keeps its bytes. */
	if (mmap(start_of(r), rg.mapped[r], PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		abort();
	rg.mapped[r] = 0;
	rg.shared[r] = false;
}

void *conf_region_grow(int r, size_t *size)
{
	size_t n = page_round(*size);
	unsigned char *p;

	if (!valid(r) || rg.no_build || (rg.mapped[r] && !rg.shared[r]) ||
	    n > rg.size - rg.mapped[r])
		return NULL;
	p = start_of(r) + rg.mapped[r];
	if (mmap(p, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, rg.fd,
		 (off_t)(rg.off + (uint64_t)r * rg.size + rg.mapped[r])) == MAP_FAILED)
		return NULL;
	rg.mapped[r] += n;
	rg.shared[r] = true;
	*size = n;
	return p;
}

int conf_region_of(const struct conf *c)
{
	return c ? arena_region(c->arena) : -1;
}

bool conf_region_describe(const struct conf *c, struct conf_region_tree *t)
{
	int r = arena_region(c->arena);
	const void *head;

	if (r < 0 || !rg.shared[r] || !arena_region_head(c->arena, &head))
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

/* Map [start, start + len) of region r privately and read the memfd's
 * bytes into it. */
static bool copy_in(int r, size_t len)
{
	unsigned char *p = start_of(r);
	off_t off = (off_t)(rg.off + (uint64_t)r * rg.size);
	size_t done = 0;

	if (mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    MAP_FAILED)
		return false;
	rg.mapped[r] = len;
	rg.shared[r] = false;
	while (done < len) {
		ssize_t n = pread(rg.fd, p + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			conf_region_drop(r);
			return false;
		}
		done += (size_t)n;
	}
	return true;
}

bool conf_region_copy(const struct conf_region_tree *t)
{
	int r = (int)t->region;

	if (!valid(r) || rg.mapped[r] || t->used == 0 || t->used > rg.size ||
	    t->used != page_round(t->used))
		return false;
	return copy_in(r, t->used);
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

	if (!valid(r) || rg.shared[r] || !inside(r, t->root, sizeof(struct conf_node)) ||
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
		/* copy_in() maps over the shared pages first: read the bytes
		 * from the memfd, where the parent wrote them. */
		if (!copy_in(r, rg.mapped[r]))
			return NULL;
	}
	return conf;
}
