/*
 * reload_blob.h - the parent hands a validated configuration to its
 * children at reload, so that they need not parse the file again.
 *
 * One memfd, made by the parent before it forks any child, so that every
 * child (a respawned one too) shares it; close-on-exec, so scripts do not
 * inherit it.  At reload the parent builds the tree in a region of that
 * memfd (conf_region.h), checks it and publishes it, then signals the
 * children; a child takes it at SIGHUP by mapping the region
 * copy-on-write at the same addresses.  A tree that could not be built there (too big)
 * is written as a blob (conf_blob.h) instead.  Any doubt (no memfd,
 * nothing published, a publish in progress or failed, a tree this child
 * has already taken, its running tree in the region named) makes the
 * child read the file as before: this is a shortcut, never the only way.
 *
 * Consistency: the memfd starts with a header holding a sequence number,
 * odd while the parent writes (seqlock).  A child reads the header, sets
 * its holder bit on the region (or reads the whole blob), and reads the
 * header again; the tree is used only if both headers show the same even
 * sequence number (and a blob's own length and checksum hold).  So two HUPs in quick succession,
 * the parent rewriting while a child reads, make that child fall back to
 * the file.
 */
#ifndef KA_RELOAD_BLOB_H
#define KA_RELOAD_BLOB_H

#include "conf.h"

/* Bytes of address space each of the two regions reserves (a tree of
 * 1,000 x 10 real servers uses 1.6 MB; a bigger one goes as a blob). */
#define RELOAD_BLOB_REGION_BYTES ((size_t)128 << 20)

/* Parent, at start, before the first fork().  On failure (no memfd
 * support) logs nothing and leaves publishing off. */
void reload_blob_init(void);
/* The same with regions of another size (tests). */
void reload_blob_init_sized(size_t region_bytes);

/* Parent, before loading the file at reload: the conf_load_opts.region
 * to build the tree in (emptied for it), or 0 (build on the heap). */
int reload_blob_region(void);

/* Child, right after fork(), instead of close_range(first, ~0U, 0):
 * closes every descriptor from `first` up except the memfd. */
void reload_blob_close_fds(unsigned first);

/* Child, right after fork(), before anything else here: its slot (the
 * parent's index of it, < 32), for conf_region.h's holder bits. */
void reload_blob_set_slot(unsigned slot);
/* Parent, when the child of that slot has died. */
void reload_blob_child_gone(unsigned slot);

/* Child, right after fork(), with the tree it inherits: one built in a
 * region at reload (a child started by the reload) becomes ours
 * (copy-on-write, our holder bit set), checked against the publication
 * it was forked under.  NULL: that failed or came too late (the tree is
 * unusable: read the file); otherwise conf. */
const struct conf *reload_blob_after_fork(const struct conf *conf);

/* Parent, after a reloaded configuration passed its checks and before
 * the children are signalled.  On any failure the memfd is left marked
 * empty, so children read the file. */
void reload_blob_publish(const struct conf *c);

/* Parent, optionally, some time after a publish (the children take the
 * blob as soon as they handle their HUP): gives back the memory the blob
 * holds (its size: 1.3 MB for 1,000 x 10 real servers).  A child that
 * handles its HUP later reads the file. */
void reload_blob_release(void);

/* Child, at SIGHUP: the tree last published, as a new tree the caller
 * owns (conf_free()), or NULL (read the file instead).  The same blob is
 * taken once per process: a second HUP without a new publish (a HUP sent
 * to the child directly) gives NULL. */
struct conf *reload_blob_take(void);

#endif
