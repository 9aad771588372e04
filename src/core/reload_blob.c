/*
 * reload_blob.c - the validated tree from parent to children through a
 * memfd (see reload_blob.h).
 *
 * The memfd's layout:
 *
 *   0                 struct rb_head
 *   RB_NAMES          the builder's file names (region trees), NUL-separated
 *   RB_AREA           the two shared regions (conf_region.h), rb_region bytes each
 *   rb_blob_off       the blob of a tree that is not in a region (conf_blob.h)
 *
 * The file is sparse: only what was written holds memory.  The parent is
 * the only writer of the header; it bumps `seq` to odd before touching
 * the header (and the blob) and to the next even number once the
 * publication is complete.  A child takes a tree only if its sequence
 * number is even, newer than any it has seen, and unchanged across the
 * child's copy.  That check also covers the regions: the parent builds a
 * tree only in the region the current publication does not name, and a
 * child still copying an older tree from it sees the later sequence
 * number.  `last_seen` is inherited across fork(): the parent sets it at
 * each publish, so a child forked after a publish does not mistake it for
 * a new one.  A header with an even number and nothing published is a
 * release: nothing to take.
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
#include "conf_region.h"
#include "log.h"
#include "reload_blob.h"

#define RB_MAGIC  0x4b4152454c4f4144u     /* "KARELOAD" */
#define RB_HOLDERS 2048u                 /* conf_region.c's holder bits */
#define RB_NAMES  4096u
#define RB_AREA   (64u * 1024)           /* header and names; the regions follow */

enum rb_kind { RB_NONE, RB_BLOB, RB_REGION };

struct rb_head {
	uint64_t magic;
	uint64_t seq;                     /* odd: being written; 0: never published */
	uint64_t len;                     /* RB_BLOB: blob bytes at rb_blob_off */
	uint32_t kind;                    /* enum rb_kind */
	uint32_t nfiles;                  /* RB_REGION: file names at RB_NAMES */
	uint64_t names_len;
	struct conf_region_tree tree;     /* RB_REGION */
};

static int rb_fd = -1;
static size_t rb_region;                  /* bytes per region (0: no regions) */
static off_t rb_blob_off;
static uint64_t rb_seq;                   /* parent: last sequence number written */
static uint64_t last_seen;                /* highest sequence number seen here */
static int rb_current = -1;               /* parent: region of the last region publish */

void reload_blob_init_sized(size_t region_bytes)
{
	if (rb_fd >= 0)
		return;
	rb_fd = memfd_create("keepalived-conf", MFD_CLOEXEC);
	if (rb_fd < 0)
		return;
	rb_region = region_bytes;
	rb_blob_off = (off_t)(RB_AREA + (uint64_t)CONF_REGIONS * region_bytes);
	if (ftruncate(rb_fd, rb_blob_off) != 0 ||
	    !conf_region_init(rb_fd, RB_AREA, region_bytes, RB_HOLDERS))
		rb_region = 0;
}

void reload_blob_init(void)
{
	reload_blob_init_sized(RELOAD_BLOB_REGION_BYTES);
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

static bool write_head(const struct rb_head *h)
{
	return memfd_io((void *)h, sizeof(*h), 0, true);
}

/* The header with only a sequence number: nothing to take. */
static bool write_empty(uint64_t seq)
{
	struct rb_head h = { .magic = RB_MAGIC, .seq = seq };

	return write_head(&h);
}

int reload_blob_region(void)
{
	int r;

	if (rb_fd < 0 || rb_region == 0 || !conf_region_ready())
		return 0;
	r = rb_current == 0 ? 1 : 0;
	/* A child that missed a publication still reads it: the heap, then. */
	return conf_region_clear(r) ? r + 1 : 0;
}

/* This process's file names, NUL-separated, into the names area. */
static bool write_names(struct rb_head *h)
{
	uint32_t n = conf_file_count();
	size_t len = 0;
	char *buf;
	bool ok;

	for (uint32_t i = 1; i < n; i++)
		len += strlen(conf_file_name(i)) + 1;
	if (len > RB_AREA - RB_NAMES)
		return false;
	buf = malloc(len ? len : 1);
	if (!buf)
		return false;
	len = 0;
	for (uint32_t i = 1; i < n; i++) {
		size_t k = strlen(conf_file_name(i)) + 1;

		memcpy(buf + len, conf_file_name(i), k);
		len += k;
	}
	ok = memfd_io(buf, len, RB_NAMES, true);
	free(buf);
	h->nfiles = n - 1;
	h->names_len = len;
	return ok;
}

void reload_blob_publish(const struct conf *c)
{
	struct rb_head h = { .magic = RB_MAGIC };
	size_t len;
	bool ok;

	if (rb_fd < 0)
		return;
	/* Odd first: from here on no child takes the previous publication. */
	if (!write_empty(rb_seq | 1)) {
		if (ftruncate(rb_fd, rb_blob_off) != 0)
			log_warn("cannot clear the configuration memfd");
		return;
	}
	rb_seq |= 1;
	h.seq = rb_seq + 1;
	if (conf_region_describe(c, &h.tree) && write_names(&h)) {
		h.kind = RB_REGION;
		ok = ftruncate(rb_fd, rb_blob_off) == 0 && write_head(&h);
		if (ok)
			rb_current = (int)h.tree.region;
	} else {
		h.kind = RB_BLOB;
		ok = conf_blob_pwrite(c, rb_fd, rb_blob_off, &len) == 0 &&
		     ftruncate(rb_fd, rb_blob_off + (off_t)len) == 0 && (h.len = len, write_head(&h));
	}
	if (ok) {
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
	/* A new even number with nothing published: children read the file. */
	rb_seq = (rb_seq | 1) + 1;
	if (!write_empty(rb_seq) || ftruncate(rb_fd, rb_blob_off) != 0)
		log_warn("cannot release the configuration memfd");
	for (int r = 0; r < CONF_REGIONS; r++)
		if (!conf_region_busy(r))
			conf_region_clear(r);
	last_seen = rb_seq;
}

static struct conf *take_blob(const struct rb_head *h1)
{
	struct rb_head h2;
	struct conf *c = NULL;
	void *buf;

	if (h1->len == 0 || h1->len > SIZE_MAX / 2)
		return NULL;
	buf = malloc((size_t)h1->len);
	if (!buf)
		return NULL;
	if (pread_all(buf, (size_t)h1->len, rb_blob_off) && pread_all(&h2, sizeof(h2), 0) &&
	    h2.seq == h1->seq && h2.len == h1->len)
		c = conf_blob_decode(buf, (size_t)h1->len);
	free(buf);
	return c;
}

/* The names area as nfiles pointers into *buf (freed by the caller). */
static const char **read_names(const struct rb_head *h, char **buf)
{
	const char **names;
	size_t at = 0;

	*buf = NULL;
	if (h->names_len > RB_AREA - RB_NAMES || h->nfiles > h->names_len)
		return NULL;
	*buf = malloc(h->names_len + 1);
	names = calloc((size_t)h->nfiles + 1, sizeof(*names));
	if (!*buf || !names || !pread_all(*buf, h->names_len, RB_NAMES)) {
		free(names);
		return NULL;
	}
	(*buf)[h->names_len] = '\0';
	for (uint32_t i = 0; i < h->nfiles; i++) {
		if (at >= h->names_len) {
			free(names);
			return NULL;
		}
		names[i] = *buf + at;
		at += strlen(names[i]) + 1;
	}
	return names;
}

static struct conf *take_region(const struct rb_head *h1)
{
	int r = (int)h1->tree.region;
	struct rb_head h2;
	struct conf *c = NULL;
	const char **names;
	char *buf;

	/* Our running tree is in that region (the parent leaves a region
	 * with our bit alone, so this is only a defence): read the file. */
	if (r < 0 || r >= CONF_REGIONS || conf_region_busy(r))
		return NULL;
	names = read_names(h1, &buf);
	/* Our bit first, then the number again: if it has not changed, the
	 * parent will see the bit before it empties the region. */
	if (names && conf_region_hold(r)) {
		if (pread_all(&h2, sizeof(h2), 0) && h2.seq == h1->seq &&
		    conf_region_map(&h1->tree))
			c = conf_region_adopt(&h1->tree, names, h1->nfiles);
		if (!c)
			conf_region_drop(r);
	}
	free(names);
	free(buf);
	return c;
}

const struct conf *reload_blob_after_fork(const struct conf *conf)
{
	int r = conf_region_of(conf);
	struct rb_head h;

	if (r < 0) {
		conf_region_after_fork(NULL);           /* nothing of ours in a region */
		return conf;
	}
	/* Ours if the publication we were forked under (our last_seen) is
	 * still the current one once our bit is set: the parent changes the
	 * number before it empties or reuses a region. */
	if (conf_region_hold(r) && pread_all(&h, sizeof(h), 0) && h.magic == RB_MAGIC &&
	    h.seq == last_seen && h.kind == RB_REGION && (int)h.tree.region == r &&
	    conf_region_after_fork(conf))
		return conf;
	/* Too late: the region may hold anything.  Its struct conf stays (a
	 * few bytes); nothing may read it. */
	conf_region_drop(r);
	return NULL;
}

void reload_blob_set_slot(unsigned slot)
{
	conf_region_set_slot(slot);
}

void reload_blob_child_gone(unsigned slot)
{
	conf_region_forget_slot(slot);
}

struct conf *reload_blob_take(void)
{
	struct rb_head h1;

	if (rb_fd < 0 || !pread_all(&h1, sizeof(h1), 0) || h1.magic != RB_MAGIC)
		return NULL;
	if (h1.seq <= last_seen || (h1.seq & 1)) {
		if (h1.seq > last_seen)
			last_seen = h1.seq;
		return NULL;
	}
	last_seen = h1.seq;
	if (h1.kind == RB_BLOB)
		return take_blob(&h1);
	if (h1.kind == RB_REGION)
		return take_region(&h1);
	return NULL;
}
