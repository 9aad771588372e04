/*
 * reload_blob.h - the parent hands a validated configuration to its
 * children at reload, so that they need not parse the file again.
 *
 * One memfd, made by the parent before it forks any child, so that every
 * child (a respawned one too) shares it; close-on-exec, so scripts do not
 * inherit it.  At reload the parent writes the tree it has just loaded
 * and checked (conf_blob.h) into it, then signals the children; a child
 * takes it at SIGHUP.  Any doubt (no memfd, nothing published, a publish
 * in progress or failed, a blob this child has already taken) makes the
 * child read the file as before: the blob is a shortcut, never the only
 * way.
 *
 * Consistency: the memfd starts with a header holding a sequence number,
 * odd while the parent writes (seqlock).  A child reads the header, the
 * whole blob in one pread(), and the header again; the blob is used only
 * if both headers show the same even sequence number and the blob's own
 * length and checksum hold.  So two HUPs in quick succession, the parent
 * rewriting while a child reads, make that child fall back to the file.
 */
#ifndef KA_RELOAD_BLOB_H
#define KA_RELOAD_BLOB_H

#include "conf.h"

/* Parent, at start, before the first fork().  On failure (no memfd
 * support) logs nothing and leaves publishing off. */
void reload_blob_init(void);

/* Child, right after fork(), instead of close_range(first, ~0U, 0):
 * closes every descriptor from `first` up except the memfd. */
void reload_blob_close_fds(unsigned first);

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
