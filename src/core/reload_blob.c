/*
 * reload_blob.c - the validated tree from parent to children through a
 * memfd (see reload_blob.h).
 *
 * The memfd holds a struct rb_head at offset 0 and the blob of the last
 * published tree (conf_blob.h) at RB_DATA.  The parent is the only
 * writer; it bumps `seq` to odd before touching the blob and to the next
 * even number once the blob is complete.  A child takes a blob only if
 * its sequence number is even, newer than any it has seen, and unchanged
 * across the child's read of the blob.  `last_seen` is inherited across
 * fork(): the parent sets it at each publish, so a child forked after a
 * publish does not mistake that blob for a new one.  A header with an
 * even number and no blob (len 0) is a release: nothing to take.
 *
 * Children close every inherited descriptor right after fork()
 * (supervise.c); reload_blob_close_fds() is that close with the memfd
 * spared.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf_blob.h"
#include "log.h"
#include "reload_blob.h"

#define RB_MAGIC 0x4b4152454c4f4144u      /* "KARELOAD" */
#define RB_DATA  64                        /* offset of the blob */

struct rb_head {
	uint64_t magic;
	uint64_t seq;                     /* odd: being written; 0: never published */
	uint64_t len;                     /* blob bytes at RB_DATA */
};

static int rb_fd = -1;
static uint64_t rb_seq;                   /* parent: last sequence number written */
static uint64_t last_seen;                /* highest sequence number seen here */

void reload_blob_init(void)
{
	if (rb_fd >= 0)
		return;
	rb_fd = memfd_create("keepalived-conf", MFD_CLOEXEC);
}

void reload_blob_close_fds(unsigned first)
{
	unsigned keep = rb_fd >= 0 ? (unsigned)rb_fd : 0;

	if (keep < first) {
		close_range(first, ~0U, 0);
		return;
	}
	if (keep > first)
		close_range(first, keep - 1, 0);
	close_range(keep + 1, ~0U, 0);
}

/* pwrite() (write=true) or pread() all of buf at off in the memfd. */
static bool memfd_io(void *buf, size_t len, off_t off, bool write)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = write ? pwrite(rb_fd, p, len, off) : pread(rb_fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

static bool pread_all(void *buf, size_t len, off_t off)
{
	return memfd_io(buf, len, off, false);
}

static bool write_head(uint64_t seq, uint64_t len)
{
	struct rb_head h = { .magic = RB_MAGIC, .seq = seq, .len = len };

	return memfd_io(&h, sizeof(h), 0, true);
}

void reload_blob_publish(const struct conf *c)
{
	size_t len;

	if (rb_fd < 0)
		return;
	/* Odd first: from here on no child takes the previous blob. */
	if (!write_head(rb_seq | 1, 0)) {
		if (ftruncate(rb_fd, 0) != 0)
			log_warn("cannot clear the configuration memfd");
		return;
	}
	rb_seq |= 1;
	if (conf_blob_pwrite(c, rb_fd, RB_DATA, &len) == 0 &&
	    ftruncate(rb_fd, (off_t)(RB_DATA + len)) == 0 && write_head(rb_seq + 1, len)) {
		rb_seq++;
		last_seen = rb_seq;
	} else {
		log_warn("cannot write the configuration for the children; they will read the file");
	}
}

void reload_blob_release(void)
{
	if (rb_fd < 0 || rb_seq == 0)
		return;
	/* A new even number with no blob: children read the file. */
	rb_seq = (rb_seq | 1) + 1;
	if (!write_head(rb_seq, 0) || ftruncate(rb_fd, RB_DATA) != 0)
		log_warn("cannot release the configuration memfd");
	last_seen = rb_seq;
}

struct conf *reload_blob_take(void)
{
	struct rb_head h1, h2;
	struct conf *c = NULL;
	void *buf;

	if (rb_fd < 0 || !pread_all(&h1, sizeof(h1), 0) || h1.magic != RB_MAGIC)
		return NULL;
	if (h1.seq <= last_seen || (h1.seq & 1) || h1.len == 0 || h1.len > SIZE_MAX / 2) {
		if (h1.seq > last_seen)
			last_seen = h1.seq;
		return NULL;
	}
	last_seen = h1.seq;
	buf = malloc((size_t)h1.len);
	if (!buf)
		return NULL;
	if (pread_all(buf, (size_t)h1.len, RB_DATA) && pread_all(&h2, sizeof(h2), 0) &&
	    h2.seq == h1.seq && h2.len == h1.len)
		c = conf_blob_decode(buf, (size_t)h1.len);
	free(buf);
	return c;
}
