/*
 * vrrp_strpool.h - a small store of strings freed all at once, each
 * distinct string kept once.
 *
 * Design.  The VRRP model copies the names, commands and paths it keeps
 * from the configuration tree into one pool (vrrp_model_own.c), so that
 * the child can free the tree once the model is built.  Strings live in
 * chunks of a few KiB; an open-addressing table finds a string already
 * stored ("eth0" named by 1,000 instances is stored once).  Stored
 * strings are read only.
 */
#ifndef KA_VRRP_STRPOOL_H
#define KA_VRRP_STRPOOL_H

#include <stddef.h>

struct vrrp_strpool;

/* An empty pool; NULL when out of memory. */
struct vrrp_strpool *vrrp_strpool_new(void);
/* Free the pool and every string it stores (NULL: nothing). */
void vrrp_strpool_free(struct vrrp_strpool *p);
/* The pool's copy of s (stored on first use); NULL when out of memory.
 * s must not be NULL. */
const char *vrrp_strpool_add(struct vrrp_strpool *p, const char *s);
/* Bytes held by the pool's chunks and table (for tests and logs). */
size_t vrrp_strpool_bytes(const struct vrrp_strpool *p);

#endif
