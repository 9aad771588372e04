/*
 * conf_blob.h - a configuration tree as one flat block of bytes.
 *
 * The parent validates a reloaded configuration and hands the children
 * the tree itself instead of letting each of them parse the file again
 * (src/core/reload_blob.c carries the bytes).  The blob holds the nodes
 * in preorder with indexes instead of pointers, every distinct word and
 * argument list once, the addresses, the file names and struct conf's
 * counters, under a header with a length and a checksum.
 *
 * The format is private to one executable image: keyword pointers
 * (node->kw) are stored as they are, so a blob is only read by the
 * process that wrote it or by one fork()ed from it (no exec between);
 * the header records where the keyword tables are, and a reader whose
 * tables are elsewhere refuses the blob.  Byte order and sizes are the
 * machine's own.
 *
 * node->val: kinds the parser types (INT, TIMER, BOOL, FLAG, ENUM) are
 * numbers and KV_ADDR is an address; for the other nodes a keyword check
 * may have stored either a small number (weight, lb_algo index) or an
 * address (conf_addr_store(): real_server, virtual_server, sorry_server,
 * connect_ip, lines of virtual_server_group).  The writer tells them apart
 * exactly: an address points into the tree's arena.
 */
#ifndef KA_CONF_BLOB_H
#define KA_CONF_BLOB_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"

/* The blob of `c` in a malloc()ed buffer of *len bytes (free() it).  NULL
 * only for a tree the format cannot hold (a node whose argc is not the
 * length of its argv: the parser never makes one).  Out of memory aborts,
 * as conf_load() does. */
void *conf_blob_encode(const struct conf *c, size_t *len);

/* A new tree (its own arena; conf_free() it) equal to the one encoded in
 * buf[0..len): same nodes in the same order, same words, values, file
 * names and lines, same counters.  NULL when the bytes are not exactly
 * one intact blob of this executable (short, too long, bad checksum,
 * indexes out of range): the caller reads the file instead. */
struct conf *conf_blob_decode(const void *buf, size_t len);

/* conf_blob_encode() written to fd at its current offset.  0, or -1 with
 * errno set (EINVAL: a tree conf_blob_encode() refuses; a short write is
 * retried; EINTR too). */
int conf_blob_write(const struct conf *c, int fd);

/* conf_blob_encode() written to fd at offset off with pwrite(), without
 * making the whole blob in memory first; *len (if not NULL) gets its
 * length.  0, or -1 with errno set. */
int conf_blob_pwrite(const struct conf *c, int fd, off_t off, size_t *len);

/* One blob read from fd at its current offset (the header, then the rest
 * in one read()) and decoded.  NULL if the fd holds no intact blob. */
struct conf *conf_blob_read(int fd);

#endif
