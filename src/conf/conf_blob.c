/*
 * conf_blob.c - flat serialization of a configuration tree (conf_blob.h).
 *
 * Layout (machine byte order; every section padded to 8 bytes, so that
 * the checksum runs over whole 8-byte words, part by part as written):
 *
 *   struct blob_head              checksum, magic, total length, counts,
 *                                 struct conf's counters
 *   struct blob_node[nnodes]      preorder; node 0 is the root.  A node
 *                                 with children is followed by its first
 *                                 child; `next` is the index of its next
 *                                 sibling; parents are implied
 *   struct conf_addr[naddrs]      values of address nodes
 *   uint32_t files[nfiles]        string index of each file name; a
 *                                 node's file k (>0) is files[k-1]
 *   uint32_t argvs[]              per argument list: argc, then argc
 *                                 string indexes
 *   char strings[strbytes]        the distinct words, NUL-terminated
 *
 * Writing walks the tree once (after counting its nodes, to size the node
 * array); words and argument lists are shared in the tree (arena.c
 * interns them), so a pointer-keyed table finds the ones already
 * written, and the blob keeps that sharing.  The parent writes the parts
 * straight to the file (conf_blob_pwrite), never the whole blob in one
 * buffer.  Reading checks the header and the checksum, then makes one
 * pass per section, each section landing in one arena allocation (the
 * nodes are one array), so decoding a 35,000-node tree costs about as
 * much as copying it (0.4 ms against 7 ms for parsing the file).  Links
 * only point forward and every node but the root must have been reached
 * by an earlier link, which the reader checks: a damaged blob is
 * refused, it cannot make a loop.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "conf_blob.h"
#include "conf_internal.h"

#define BLOB_MAGIC   0x4b41434fu        /* "KACO" */
#define BLOB_VERSION 1u
#define BLOB_NONE    UINT32_MAX

enum { BH_MISSING = 1, BH_SECURITY = 2, BH_INCLUDE = 4 };   /* blob_head.flags */
enum { BN_ADDR = 1, BN_CHILD = 2, BN_FILE_SHIFT = 2 };        /* blob_node.bits */

struct blob_head {
	uint64_t sum;                   /* checksum of every byte after this field */
	uint32_t magic, version;
	uint64_t total;                 /* bytes, this header included */
	uint64_t kw_anchor;             /* address of conf_root_keywords */
	uint32_t nnodes, naddrs, nfiles, nargvs;
	uint32_t nslots;                /* sum of argc over the argument lists */
	uint32_t nstrings, strbytes;
	uint32_t errors, errors_fixed, warnings, flags;
	uint32_t pad;
};

struct blob_node {
	uint64_t kw;                    /* const struct conf_kw *, as is */
	uint64_t val;                   /* union conf_val, or an addrs[] index (BN_ADDR) */
	uint32_t argv;                  /* argument list index (argc is its length); BLOB_NONE: NULL */
	uint32_t line;
	uint32_t next;                  /* next sibling; BLOB_NONE: none */
	uint32_t bits;                  /* BN_ADDR, BN_CHILD (first child: the next node),
					   file index << BN_FILE_SHIFT */
};

_Static_assert(sizeof(struct blob_node) == 32, "blob_node has no padding");

/* The checksum: 64-bit multiply-xorshift over 8-byte words, in four
 * independent lanes (word k goes to lane k % 4) so that the multiplies
 * overlap; fed part by part, every part a multiple of 8 bytes. */
struct blob_sum {
	uint64_t lane[4];
	uint64_t words;
};

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 32);
}

static void sum_add(struct blob_sum *s, const unsigned char *p, size_t len)
{
	uint64_t w[4];
	size_t i = 0;

	for (; i + 8 <= len && (s->words & 3); i += 8, s->words++) {
		memcpy(w, p + i, 8);
		s->lane[s->words & 3] = mix(s->lane[s->words & 3], w[0]);
	}
	for (; i + 32 <= len; i += 32, s->words += 4) {
		memcpy(w, p + i, 32);
		s->lane[0] = mix(s->lane[0], w[0]);
		s->lane[1] = mix(s->lane[1], w[1]);
		s->lane[2] = mix(s->lane[2], w[2]);
		s->lane[3] = mix(s->lane[3], w[3]);
	}
	for (; i + 8 <= len; i += 8, s->words++) {
		memcpy(w, p + i, 8);
		s->lane[s->words & 3] = mix(s->lane[s->words & 3], w[0]);
	}
}

static uint64_t sum_end(const struct blob_sum *s)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ s->words;

	for (int i = 0; i < 4; i++)
		h = mix(h, s->lane[i] + (uint64_t)i);
	return h;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---- writing ---------------------------------------------------------------- */

/* Open-addressing map from a pointer to its index in the blob (key and
 * value side by side: one cache line per probe). */
struct ptrslot {
	const void *key;
	uint32_t val;
};

struct ptrmap {
	struct ptrslot *slot;
	size_t size, used;              /* size: a power of two */
};

struct growbuf {
	unsigned char *p;
	size_t len, cap;
};


struct writer {
	struct ptrmap strings, argvs;
	struct blob_node *nodes;
	uint32_t nnodes;
	bool bad;                       /* the tree does not fit the format */
	const struct conf_arena *arena; /* the tree's: tells addresses from numbers */
	struct growbuf addrs, files, argv_words, strbytes;
	uint32_t nstrings, nargvs, nslots, nfiles;
	uint32_t *file_map;             /* conf_src.file -> blob file index (0: not yet) */
	size_t file_map_len;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static size_t ptr_hash(const void *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k * 0x9e3779b97f4a7c15u;

	return (size_t)(h ^ (h >> 31));
}

static void ptrmap_resize(struct ptrmap *m, size_t nsize)
{
	struct ptrslot *slot = xcalloc(nsize, sizeof(*slot));

	for (size_t i = 0; i < m->size; i++) {
		size_t j;

		if (!m->slot[i].key)
			continue;
		for (j = ptr_hash(m->slot[i].key) & (nsize - 1); slot[j].key; j = (j + 1) & (nsize - 1))
			;
		slot[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = slot;
	m->size = nsize;
}

/* Room for about `expect` keys without growing. */
static void ptrmap_init(struct ptrmap *m, size_t expect)
{
	size_t size = 1024;

	while (size * 3 / 4 < expect)
		size *= 2;
	ptrmap_resize(m, size);
}

/* The slot for key k; a new key (slot->key NULL) must be filled in. */
static struct ptrslot *ptrmap_slot(struct ptrmap *m, const void *k)
{
	size_t i;

	if (m->used * 4 >= m->size * 3)
		ptrmap_resize(m, m->size * 2);
	for (i = ptr_hash(k) & (m->size - 1); m->slot[i].key; i = (i + 1) & (m->size - 1))
		if (m->slot[i].key == k)
			return &m->slot[i];
	return &m->slot[i];
}

static void *grow_take(struct growbuf *b, size_t n)
{
	void *p;

	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	p = b->p + b->len;
	b->len += n;
	return p;
}

static void grow_u32(struct growbuf *b, uint32_t v)
{
	memcpy(grow_take(b, sizeof(v)), &v, sizeof(v));
}

static uint32_t put_string(struct writer *w, const char *s)
{
	struct ptrslot *slot = ptrmap_slot(&w->strings, s);
	size_t len;

	if (slot->key)
		return slot->val;
	len = strlen(s) + 1;
	memcpy(grow_take(&w->strbytes, len), s, len);
	slot->key = s;
	w->strings.used++;
	return slot->val = w->nstrings++;
}

/* The index of an argument list; *argc gets its length. */
static uint32_t put_argv(struct writer *w, char **argv, int *argc_out)
{
	struct ptrslot *slot;
	uint32_t argc = 0;

	*argc_out = 0;
	if (!argv)
		return BLOB_NONE;
	while (argv[argc])
		argc++;
	*argc_out = (int)argc;
	slot = ptrmap_slot(&w->argvs, argv);
	if (slot->key)
		return slot->val;
	/* put_string() only grows the string map: *slot stays valid. */
	slot->key = argv;
	slot->val = w->nargvs++;
	w->argvs.used++;
	grow_u32(&w->argv_words, argc);
	for (uint32_t i = 0; i < argc; i++)
		grow_u32(&w->argv_words, put_string(w, argv[i]));
	w->nslots += argc;
	return slot->val;
}

/* A node's file as an index into the blob's file list (0: none).  File
 * ids are small and dense (files.c), so a plain array maps them. */
static uint32_t put_file(struct writer *w, uint32_t file)
{
	if (!file)
		return 0;
	if (file >= w->file_map_len) {
		size_t nlen = (size_t)file * 2 + 16;
		uint32_t *map = realloc(w->file_map, nlen * sizeof(*map));

		if (!map)
			abort();
		memset(map + w->file_map_len, 0, (nlen - w->file_map_len) * sizeof(*map));
		w->file_map = map;
		w->file_map_len = nlen;
	}
	if (!w->file_map[file]) {
		grow_u32(&w->files, put_string(w, conf_file_name(file)));
		w->file_map[file] = ++w->nfiles;
	}
	return w->file_map[file];
}

/* Is n->val a pointer to a conf_addr?  Typed kinds say so themselves;
 * for the others (a keyword check stored either a small number or an
 * address made by conf_addr_store()) the value is an address exactly when
 * it points into the tree's arena: numbers stored there are at most 32
 * bits, heap addresses are not. */
static bool val_is_addr(const struct writer *w, const struct conf_node *n)
{
	uintptr_t v = (uintptr_t)n->val.addr;

	if (n->kw) {
		switch (n->kw->kind) {
		case KV_INT: case KV_TIMER: case KV_BOOL: case KV_FLAG: case KV_ENUM:
			return false;
		case KV_ADDR:
			return v != 0;
		default:
			break;
		}
	}
	if (v < 65536 || v % alignof(struct conf_addr))
		return false;
	return w->arena && arena_contains(w->arena, n->val.addr, sizeof(struct conf_addr));
}

static uint32_t count_nodes(const struct conf_node *n)
{
	uint32_t k = 1;

	for (const struct conf_node *c = n->child; c; c = c->next)
		k += count_nodes(c);
	return k;
}

/* Append n and its subtree (w->nodes was sized by count_nodes()); returns
 * n's index.  An argc shorter than argv, which the format cannot hold,
 * sets w->bad. */
static uint32_t put_node(struct writer *w, const struct conf_node *n)
{
	uint32_t idx = w->nnodes++, prev = BLOB_NONE;
	struct blob_node *r = &w->nodes[idx];
	int argc;

	*r = (struct blob_node){
		.kw = (uint64_t)(uintptr_t)n->kw,
		.val = (uint64_t)n->val.i,
		.line = n->src.line,
		.next = BLOB_NONE,
		.bits = n->child ? BN_CHILD : 0,
	};
	if (val_is_addr(w, n)) {
		r->bits |= BN_ADDR;
		r->val = w->addrs.len / sizeof(struct conf_addr);
		memcpy(grow_take(&w->addrs, sizeof(struct conf_addr)), n->val.addr,
		       sizeof(struct conf_addr));
	}
	r->argv = put_argv(w, n->argv, &argc);
	if (argc != n->argc)
		w->bad = true;
	r->bits |= put_file(w, n->src.file) << BN_FILE_SHIFT;
	for (const struct conf_node *c = n->child; c; c = c->next) {
		uint32_t ci = put_node(w, c);

		if (prev != BLOB_NONE)
			w->nodes[prev].next = ci;
		prev = ci;
	}
	return idx;
}

static void grow_pad8(struct growbuf *b)
{
	size_t n = pad8(b->len) - b->len;

	if (n)
		memset(grow_take(b, n), 0, n);
}

enum { BLOB_PARTS = 6 };        /* header, nodes, addrs, files, argvs, strings */

/* Encode c into w: the blob is part[0..BLOB_PARTS) end to end (part 0 is
 * *h); returns its length. */
static size_t build(struct writer *w, const struct conf *c, struct blob_head *h,
		    struct iovec part[BLOB_PARTS])
{
	static const struct conf_node empty;
	const struct conf_node *root = c->root ? c->root : &empty;
	struct growbuf *bufs[] = { &w->addrs, &w->files, &w->argv_words, &w->strbytes };
	struct blob_sum sum = { { 0 }, 0 };
	size_t total = 0;

	uint32_t n = count_nodes(root);

	w->arena = c->arena;
	w->nodes = xcalloc(n, sizeof(*w->nodes));
	ptrmap_init(&w->argvs, n / 3);
	ptrmap_init(&w->strings, n / 3);
	put_node(w, root);
	*h = (struct blob_head){
		.magic = BLOB_MAGIC,
		.version = BLOB_VERSION,
		.kw_anchor = (uint64_t)(uintptr_t)conf_root_keywords,
		.nnodes = w->nnodes,
		.naddrs = (uint32_t)(w->addrs.len / sizeof(struct conf_addr)),
		.nfiles = w->nfiles,
		.nargvs = w->nargvs,
		.nslots = w->nslots,
		.nstrings = w->nstrings,
		.strbytes = (uint32_t)w->strbytes.len,
		.errors = c->errors,
		.errors_fixed = c->errors_fixed,
		.warnings = c->warnings,
		.flags = (c->missing_file ? BH_MISSING : 0) | (c->security_violation ? BH_SECURITY : 0) |
			 (c->include_failed ? BH_INCLUDE : 0),
	};
	part[0] = (struct iovec){ h, sizeof(*h) };
	part[1] = (struct iovec){ w->nodes, (size_t)w->nnodes * sizeof(*w->nodes) };
	for (int i = 0; i < 4; i++) {
		grow_pad8(bufs[i]);
		part[2 + i] = (struct iovec){ bufs[i]->p, bufs[i]->len };
	}
	for (int i = 0; i < BLOB_PARTS; i++)
		total += part[i].iov_len;
	h->total = total;
	sum_add(&sum, (const unsigned char *)h + sizeof(h->sum), sizeof(*h) - sizeof(h->sum));
	for (int i = 1; i < BLOB_PARTS; i++)
		sum_add(&sum, part[i].iov_base, part[i].iov_len);
	h->sum = sum_end(&sum);
	return total;
}

static void writer_free(struct writer *w)
{
	free(w->strings.slot);
	free(w->argvs.slot);
	free(w->nodes);
	free(w->addrs.p);
	free(w->files.p);
	free(w->argv_words.p);
	free(w->strbytes.p);
	free(w->file_map);
}

void *conf_blob_encode(const struct conf *c, size_t *len)
{
	struct writer w = { 0 };
	struct blob_head h;
	struct iovec part[BLOB_PARTS];
	unsigned char *out;
	size_t off = 0;

	*len = build(&w, c, &h, part);
	if (w.bad) {
		writer_free(&w);
		*len = 0;
		return NULL;
	}
	out = xcalloc(1, *len);
	for (int i = 0; i < BLOB_PARTS; i++) {
		if (part[i].iov_len)
			memcpy(out + off, part[i].iov_base, part[i].iov_len);
		off += part[i].iov_len;
	}
	writer_free(&w);
	return out;
}

/* write() or, with off >= 0, pwrite() all of buf; false with errno set. */
static bool write_all(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = off >= 0 ? pwrite(fd, p, len, off) : write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return true;
}

static int write_parts(const struct conf *c, int fd, off_t off, size_t *len)
{
	struct writer w = { 0 };
	struct blob_head h;
	struct iovec part[BLOB_PARTS];
	size_t total = build(&w, c, &h, part);
	bool ok = !w.bad;
	int saved = EINVAL;

	for (int i = 0; ok && i < BLOB_PARTS; i++) {
		ok = write_all(fd, part[i].iov_base, part[i].iov_len, off);
		if (off >= 0)
			off += (off_t)part[i].iov_len;
	}
	if (!w.bad)
		saved = errno;
	writer_free(&w);
	if (len)
		*len = total;
	errno = saved;
	return ok ? 0 : -1;
}

int conf_blob_write(const struct conf *c, int fd)
{
	return write_parts(c, fd, -1, NULL);
}

int conf_blob_pwrite(const struct conf *c, int fd, off_t off, size_t *len)
{
	return write_parts(c, fd, off < 0 ? 0 : off, len);
}

/* ---- reading ------------------------------------------------------------------ */

struct reader {
	const unsigned char *nodes, *addrs, *files, *argvs, *strings;
	struct blob_head h;
	char **strs;                    /* string index -> arena copy */
	char ***argvp;                  /* argument list index -> arena array */
	uint32_t *argclen;              /* its length */
	uint32_t *fileid;               /* blob file k-1 -> conf_src.file */
	struct conf *conf;
};

/* Header checks and section offsets; false if the sizes do not add up. */
static bool split(struct reader *r, const unsigned char *buf, size_t len)
{
	const struct blob_head *h = &r->h;
	uint64_t off = sizeof(*h);
	struct blob_sum sum = { { 0 }, 0 };

	if (len < sizeof(*h) || len % 8)
		return false;
	memcpy(&r->h, buf, sizeof(r->h));
	if (h->magic != BLOB_MAGIC || h->version != BLOB_VERSION || h->total != len ||
	    h->kw_anchor != (uint64_t)(uintptr_t)conf_root_keywords || h->nnodes == 0)
		return false;
	r->nodes = buf + off;
	off += (uint64_t)h->nnodes * sizeof(struct blob_node);
	r->addrs = buf + (off < len ? off : 0);
	off += pad8((uint64_t)h->naddrs * sizeof(struct conf_addr));
	r->files = buf + (off < len ? off : 0);
	off += pad8((uint64_t)h->nfiles * 4);
	r->argvs = buf + (off < len ? off : 0);
	off += pad8(((uint64_t)h->nargvs + h->nslots) * 4);
	r->strings = buf + (off < len ? off : 0);
	off += pad8(h->strbytes);
	if (off != len)
		return false;
	sum_add(&sum, buf + sizeof(h->sum), len - sizeof(h->sum));
	if (h->sum != sum_end(&sum))
		return false;
	return h->strbytes == 0 || r->strings[h->strbytes - 1] == '\0';
}

static uint32_t get_u32(const unsigned char *p, size_t i)
{
	uint32_t v;

	memcpy(&v, p + i * 4, 4);
	return v;
}

static bool read_strings(struct reader *r)
{
	char *copy, *p, *end;
	uint32_t n = 0;

	if (!r->h.strbytes)
		return r->h.nstrings == 0;
	copy = arena_strndup(r->conf->arena, (const char *)r->strings, r->h.strbytes);
	end = copy + r->h.strbytes;
	for (p = copy; p < end && n < r->h.nstrings; p += strlen(p) + 1)
		r->strs[n++] = p;
	return n == r->h.nstrings && p == end;
}

static bool read_argvs(struct reader *r)
{
	size_t total = (size_t)r->h.nargvs + r->h.nslots, pos = 0, slot = 0;
	char **slots = arena_alloc(r->conf->arena, (total ? total : 1) * sizeof(char *));

	for (uint32_t i = 0; i < r->h.nargvs; i++) {
		uint32_t argc = get_u32(r->argvs, pos++);

		if (argc > total - pos || slot + argc + 1 > total)
			return false;
		r->argvp[i] = slots + slot;
		r->argclen[i] = argc;
		for (uint32_t k = 0; k < argc; k++) {
			uint32_t s = get_u32(r->argvs, pos++);

			if (s >= r->h.nstrings)
				return false;
			slots[slot++] = r->strs[s];
		}
		slots[slot++] = NULL;
	}
	return pos == total;
}

static bool read_files(struct reader *r)
{
	for (uint32_t k = 0; k < r->h.nfiles; k++) {
		uint32_t s = get_u32(r->files, k);

		if (s >= r->h.nstrings)
			return false;
		r->fileid[k] = conf_file_intern(r->strs[s]);
	}
	return true;
}

/* Links point forward only (the first child is the next node, the next
 * sibling further on), and every node but the root got its parent from
 * an earlier node's link. */
static bool links_ok(const struct blob_node *b, const struct conf_node *d, uint32_t i, uint32_t n)
{
	bool child = b->bits & BN_CHILD;

	if (i == 0 ? b->next != BLOB_NONE : !d->parent)
		return false;
	return (!child || i + 1 < n) &&
	       (b->next == BLOB_NONE || (b->next > i + child && b->next < n));
}

static bool read_nodes(struct reader *r)
{
	uint32_t n = r->h.nnodes;
	struct conf_node *nodes = arena_alloc(r->conf->arena, (size_t)n * sizeof(*nodes));
	struct conf_addr *addrs = NULL;

	if (r->h.naddrs) {
		addrs = arena_alloc(r->conf->arena, (size_t)r->h.naddrs * sizeof(*addrs));
		memcpy(addrs, r->addrs, (size_t)r->h.naddrs * sizeof(*addrs));
	}
	for (uint32_t i = 0; i < n; i++) {
		struct blob_node b;
		struct conf_node *d = &nodes[i];
		uint32_t file;

		memcpy(&b, r->nodes + (size_t)i * sizeof(b), sizeof(b));
		file = b.bits >> BN_FILE_SHIFT;
		if (!links_ok(&b, d, i, n) || file > r->h.nfiles ||
		    (b.argv != BLOB_NONE && b.argv >= r->h.nargvs) ||
		    ((b.bits & BN_ADDR) && b.val >= r->h.naddrs))
			return false;
		d->kw = (const struct conf_kw *)(uintptr_t)b.kw;
		if (b.argv != BLOB_NONE) {
			d->argv = r->argvp[b.argv];
			d->argc = (int)r->argclen[b.argv];
		}
		if (b.bits & BN_ADDR)
			d->val.addr = &addrs[b.val];
		else
			d->val.i = (int64_t)b.val;
		d->src.file = file ? r->fileid[file - 1] : 0;
		d->src.line = b.line;
		if (b.bits & BN_CHILD) {
			d->child = &nodes[i + 1];
			d->child->parent = d;
		}
		if (b.next != BLOB_NONE) {
			d->next = &nodes[b.next];
			d->next->parent = d->parent;
		}
	}
	r->conf->root = &nodes[0];
	return true;
}

struct conf *conf_blob_decode(const void *buf, size_t len)
{
	struct reader r = { 0 };
	bool ok;

	if (!buf || !split(&r, buf, len))
		return NULL;
	r.conf = xcalloc(1, sizeof(*r.conf));
	r.conf->arena = arena_new();
	r.strs = xcalloc(r.h.nstrings, sizeof(*r.strs));
	r.argvp = xcalloc(r.h.nargvs, sizeof(*r.argvp));
	r.argclen = xcalloc(r.h.nargvs, sizeof(*r.argclen));
	r.fileid = xcalloc(r.h.nfiles, sizeof(*r.fileid));
	ok = read_strings(&r) && read_argvs(&r) && read_files(&r) && read_nodes(&r);
	free(r.strs);
	free(r.argvp);
	free(r.argclen);
	free(r.fileid);
	if (!ok) {
		conf_free(r.conf);
		return NULL;
	}
	r.conf->errors = r.h.errors;
	r.conf->errors_fixed = r.h.errors_fixed;
	r.conf->warnings = r.h.warnings;
	r.conf->missing_file = r.h.flags & BH_MISSING;
	r.conf->security_violation = r.h.flags & BH_SECURITY;
	r.conf->include_failed = r.h.flags & BH_INCLUDE;
	return r.conf;
}

/* Read exactly len bytes (short only at end of file); false on error. */
static bool read_full(int fd, unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

struct conf *conf_blob_read(int fd)
{
	struct blob_head h;
	unsigned char *buf;
	struct conf *c = NULL;

	if (!read_full(fd, (unsigned char *)&h, sizeof(h)) || h.magic != BLOB_MAGIC ||
	    h.version != BLOB_VERSION || h.total < sizeof(h) || h.total > SIZE_MAX / 2)
		return NULL;
	buf = malloc((size_t)h.total);
	if (!buf)
		return NULL;
	memcpy(buf, &h, sizeof(h));
	if (read_full(fd, buf + sizeof(h), (size_t)h.total - sizeof(h)))
		c = conf_blob_decode(buf, (size_t)h.total);
	free(buf);
	return c;
}
