/*
 * conf_region.h - where the parent builds a reloaded tree so that its
 * children can take it as bytes.
 *
 * Two address ranges ("regions") are reserved by the parent before it
 * forks, so every child has them free at the same addresses.  At reload
 * the parent's arena takes its chunks from one region, mapped from a
 * memfd (MAP_SHARED): the checked tree is then already in the memfd, with
 * pointers that are right in any process.  A child takes it by mapping
 * the region copy-on-write at the same addresses: no copy, no encoding,
 * no pointer fixing (conf_blob.h remains for a tree that does not fit).
 *
 * The two regions alternate: a child holds its running tree in one while
 * it takes the next from the other.  A child reading a region has its
 * bit set in that region's shared `holders` word; the parent empties or
 * rebuilds only a region without bits (else it builds on the heap and
 * publishes a blob), and clears the bits of a child that died.  A child
 * sets its bit, then checks that the publication it read is still the
 * current one (reload_blob.c's sequence number); the parent changes the
 * number, then looks at the bits: one of the two sees the other.
 */
#ifndef KA_CONF_REGION_H
#define KA_CONF_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

enum { CONF_REGIONS = 2 };

/* Parent, before the first fork(): reserve the regions, `size` bytes
 * each, backed by `fd` from offset `off` (region r at off + r * size),
 * the holder bits at `holders_off` (a few bytes nothing else uses).  The
 * memfd must be at least that long (sparse).  false: no regions (every
 * tree stays on the heap). */
bool conf_region_init(int fd, uint64_t off, size_t size, uint64_t holders_off);
bool conf_region_ready(void);

/* Parent: empty region r in the memfd (its pages become zeros again)
 * before a load builds a tree there.  false: a child still reads it (or
 * the memfd cannot punch holes): build elsewhere. */
bool conf_region_clear(int r);

/* A process that called mlockall(MCL_CURRENT | MCL_FUTURE) (vrrp_no_swap):
 * unlock the reserved, empty address space (it would count as locked
 * memory); trees mapped there later are locked as usual. */
void conf_region_after_mlockall(void);

/* Child, right after fork(): its bit is 1 << slot (slot < 32). */
void conf_region_set_slot(unsigned slot);
/* Parent: the child of that slot is gone; its bits with it. */
void conf_region_forget_slot(unsigned slot);
/* Child: set our bit on region r before checking that its tree is still
 * the one published; conf_region_drop() clears it. */
bool conf_region_hold(int r);

/* Does this process use region r (a tree there, built or taken)? */
bool conf_region_busy(int r);
/* This process is done with region r: unmap it (the memfd keeps its
 * bytes until conf_region_clear()) and clear our bit; conf_free() of its
 * tree does it. */
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

/* Child, holding region t->region: map its tree copy-on-write at its
 * addresses.  false (nothing mapped): cannot. */
bool conf_region_map(const struct conf_region_tree *t);

/* Child, after conf_region_map():
 * the tree as one this process owns (conf_free() unmaps the region).
 * files[0..nfiles) are the builder's file names by index (index k + 1);
 * nodes are renumbered when this process numbers them otherwise. */
struct conf *conf_region_adopt(const struct conf_region_tree *t, const char *const *files,
			       uint32_t nfiles);

/* Child right after fork(), holding the region of a tree inherited from
 * the parent (whether that tree is still the published one is
 * reload_blob_after_fork()'s question): the parent's shared mapping of it
 * becomes copy-on-write; other regions are released.  Returns conf, or
 * NULL when the mapping failed (conf is then unusable). */
const struct conf *conf_region_after_fork(const struct conf *conf);

/* ---- for arena.c ------------------------------------------------------ */

/* Zeroed memory at the end of region r's used part, mapped shared (the
 * parent's build), `*size` rounded up to whole pages; NULL when full. */
void *conf_region_grow(int r, size_t *size);

#endif
