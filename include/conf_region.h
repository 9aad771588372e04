/*
 * conf_region.h - where the parent builds a reloaded tree so that its
 * children can take it as bytes.
 *
 * Two address ranges ("regions") are reserved by the parent before it
 * forks, so every child has them free at the same addresses.  At reload
 * the parent's arena takes its chunks from one region, mapped from a
 * memfd (MAP_SHARED): the checked tree is then already in the memfd, with
 * pointers that are right in any process.  A child takes it by mapping
 * private memory at the same addresses and reading the bytes into it: no
 * encoding, no decoding, no pointer fixing (conf_blob.h remains for a
 * tree that does not fit).
 *
 * The two regions alternate: a child holds its running tree in one while
 * it takes the next from the other.  What a region holds is only ever
 * read through a copy checked afterwards (reload_blob.c's sequence
 * number), so the parent may rewrite a region a slow child is still
 * copying: that child sees the change and reads the file instead.
 */
#ifndef KA_CONF_REGION_H
#define KA_CONF_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

enum { CONF_REGIONS = 2 };

/* Parent, before the first fork(): reserve the regions, `size` bytes
 * each, backed by `fd` from offset `off` (region r at off + r * size).
 * The memfd must be at least that long (sparse).  false: no regions
 * (every tree stays on the heap). */
bool conf_region_init(int fd, uint64_t off, size_t size);
bool conf_region_ready(void);

/* Parent: empty region r in the memfd (its pages become zeros again)
 * before a load builds a tree there. */
void conf_region_clear(int r);

/* Does this process have region r mapped (a tree there, built or taken)? */
bool conf_region_busy(int r);
/* This process is done with region r: unmap it (the memfd keeps its
 * bytes until conf_region_clear()); conf_free() of its tree does it. */
void conf_region_drop(int r);

/* The region c lies in (built or taken there), or -1. */
int conf_region_of(const struct conf *c);

/* What a child needs to take a tree built in a region (all values as the
 * building process saw them; addresses are valid in every process). */
struct conf_region_tree {
	uint64_t root;                   /* struct conf_node * */
	uint64_t head;                   /* the arena's newest chunk */
	uint64_t used;                   /* bytes from the region's start */
	uint32_t region;
	uint32_t errors, errors_fixed, warnings;
	uint32_t flags;                  /* CRT_* */
	uint32_t pad;
};

enum { CRT_MISSING = 1, CRT_SECURITY = 2, CRT_INCLUDE = 4 };

/* Parent: describe c if it lies wholly in one region (built with
 * conf_load_opts.region and nothing spilled to the heap); false if not. */
bool conf_region_describe(const struct conf *c, struct conf_region_tree *t);

/* Child: replace region t->region's range with a private copy of its
 * bytes read from the memfd.  false (nothing mapped): cannot. */
bool conf_region_copy(const struct conf_region_tree *t);

/* Child, after conf_region_copy() and a check that the copy is whole:
 * the tree as one this process owns (conf_free() unmaps the region).
 * files[0..nfiles) are the builder's file names by index (index k + 1);
 * nodes are renumbered when this process numbers them otherwise. */
struct conf *conf_region_adopt(const struct conf_region_tree *t, const char *const *files,
			       uint32_t nfiles);

/* Child right after fork(): a tree inherited from the parent in a region
 * is made private (the parent will reuse that memory; whether the copy
 * came in time is reload_blob_after_fork()'s question); other regions
 * are released.  Returns conf, or NULL when the copy failed (conf is then
 * unusable). */
const struct conf *conf_region_after_fork(const struct conf *conf);

/* ---- for arena.c ------------------------------------------------------ */

/* Zeroed memory at the end of region r's used part, mapped shared (the
 * parent's build), `*size` rounded up to whole pages; NULL when full. */
void *conf_region_grow(int r, size_t *size);

#endif
