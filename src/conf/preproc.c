/*
 * preproc.c - configuration files -> logical lines.
 *
 * The preprocessor is a stack of frames, each of which produces raw lines:
 *
 *   FR_FILE   a file (or memory buffer) read into memory, one physical line
 *             at a time; comments are stripped here, respecting quotes;
 *             include lines and multi-line "$NAME= \" definitions are
 *             recognised only in file lines
 *   FR_PATHS  the files an include line matched: opens the next one as a
 *             new FR_FILE frame each time it reaches the top
 *   FR_LINES  the lines of a multi-line definition being used ("$NAME")
 *   FR_LOOP   a ~SEQ/~SEQx/~LST loop: each pass sets the variable(s) and
 *             produces the rest of the line again
 *
 * Every raw line, whichever frame produced it, goes through the same steps
 * (process_line): conditional "@id"/"@^id", definition "$NAME=VALUE",
 * loop head, use of a multi-line definition, then $ substitution (only if
 * the line has a '$'), the conditional again (for "$IF_MAIN=@main"), and
 * a split of the result at newlines (a multi-line value used inside a
 * longer line).  Nested loops and expansions therefore fall out of the
 * stack: the inner loop is just a frame pushed while the outer one is
 * being produced.  Lines produced by expansions carry the file and line
 * where the expansion started.
 *
 * Bounds (preproc_int.h): include depth and recursion (same device and
 * inode already open), files per load, file size, expansion depth,
 * substituted line length, and the number of lines that one source line
 * and the whole load may generate (the man page's 65,024-instance example
 * fits).  Limits are reported once per source line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preproc.h"
#include "preproc_int.h"

#define PP_MAX_FILE_SIZE (64u << 20)
#define PP_MAX_FILES     10000u

enum frame_kind { FR_FILE, FR_PATHS, FR_LINES, FR_LOOP };

#define PP_READ_CHUNK (64 * 1024)

struct frame {
	enum frame_kind kind;
	struct frame *up;                /* the frame below */
	struct conf_src src;             /* FR_FILE: current line; else: origin */
	/* FR_FILE: read a line at a time (fp), or from memory (data, len, pos) */
	FILE *fp;                        /* read through its fd, see stream_physical() */
	char *rbuf;                      /* fp: read buffer, rpos..rlen not yet used */
	size_t rpos, rlen;
	char *data;
	size_t len, pos;                 /* FR_LINES: len of text */
	char *dir;                       /* for relative includes; NULL: cwd */
	char *pwd;                       /* ${_PWD} */
	unsigned checks;                 /* include_check in force in this file */
	dev_t dev;
	ino_t ino;
	/* FR_PATHS */
	struct pp_paths paths;
	/* FR_LINES: lines separated by '\n' */
	char *text;
	size_t tpos;
	/* FR_LOOP */
	struct pp_loop *loop;
	char *body;
};

struct preproc {
	struct conf_ctx *ctx;
	struct frame *top;
	struct frame *file;              /* topmost FR_FILE frame */
	unsigned file_depth, expand_depth, files_opened;
	struct pp_vars *vars;
	uint64_t rng;
	char *cwd;
	struct pp_buf raw, sub;
	bool raw_dollar;                 /* raw may have a '$' (false: it has none) */
	char *text;                      /* the line pp_next() yields: in raw or sub */
	size_t text_len;
	unsigned long generated;         /* since the last file line */
	unsigned long total_generated;   /* by all expansions */
	bool total_reported;
	bool include_failed;             /* an include check failed */
	bool line_reported;              /* one limit diagnostic per file line */
};

enum raw_result { RAW_LINE, RAW_AGAIN, RAW_END };

/* ---- frames ------------------------------------------------------------ */

static struct frame *push_frame(struct preproc *pp, enum frame_kind kind,
				const struct conf_src *src)
{
	struct frame *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->kind = kind;
	if (src)
		f->src = *src;
	f->up = pp->top;
	pp->top = f;
	if (kind == FR_FILE) {
		pp->file = f;
		pp->file_depth++;
	} else if (kind != FR_PATHS) {
		pp->expand_depth++;
	}
	return f;
}

static void pop_frame(struct preproc *pp)
{
	struct frame *f = pp->top;

	pp->top = f->up;
	if (f->kind == FR_FILE) {
		pp->file_depth--;
		for (pp->file = pp->top; pp->file && pp->file->kind != FR_FILE;)
			pp->file = pp->file->up;
	} else if (f->kind != FR_PATHS) {
		pp->expand_depth--;
	}
	if (f->fp)
		fclose(f->fp);
	free(f->rbuf);
	free(f->data);
	free(f->dir);
	free(f->pwd);
	pp_paths_free(&f->paths);
	free(f->text);
	pp_loop_free(f->loop);
	free(f->body);
	free(f);
}

/* Report a limit once per source line. */
static void limit_err(struct preproc *pp, const struct conf_src *src, const char *msg)
{
	if (pp->line_reported)
		return;
	pp->line_reported = true;
	conf_err(pp->ctx, src, "%s", msg);
}

/* ---- files ----------------------------------------------------------------- */

/* The directory part of path ("a/b.conf" -> "a", "b.conf" -> NULL). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return NULL;
	d = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!d)
		abort();
	return d;
}

static char *pwd_of(const char *dir, const char *cwd)
{
	char *r = realpath(dir ? dir : ".", NULL);

	if (!r && !(r = strdup(dir ? dir : cwd)))
		abort();
	return r;
}

/* Has this file (device and inode) an open frame already? */
static bool file_is_open(const struct preproc *pp, const struct stat *st)
{
	const struct frame *f;

	for (f = pp->top; f; f = f->up)
		if (f->kind == FR_FILE && f->ino && f->dev == st->st_dev && f->ino == st->st_ino)
			return true;
	return false;
}

/* Open `path` as a new FR_FILE frame.  `src`: the include line (NULL for
 * the top file); `strict`: a file that cannot be read is an error. */
static bool open_file(struct preproc *pp, const char *path, const struct conf_src *src,
		      bool strict, unsigned checks)
{
	struct conf_ctx *ctx = pp->ctx;
	void (*report)(struct conf_ctx *, const struct conf_src *, const char *, ...) =
		strict ? conf_err : conf_warn;
	struct stat st;
	struct frame *f;
	FILE *fp;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0) {
		report(ctx, src, "Configuration file '%s' cannot be opened: %s", path, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		report(ctx, src, "Configuration file '%s' is a directory - skipping", path);
	} else if (!S_ISREG(st.st_mode)) {
		report(ctx, src, "Configuration file '%s' is not a regular file - skipping", path);
	} else if (file_is_open(pp, &st)) {
		conf_warn(ctx, src, "Configuration file '%s' includes itself - skipping", path);
	} else if (st.st_size > PP_MAX_FILE_SIZE) {
		report(ctx, src, "Configuration file '%s' cannot be read: %s", path, strerror(EFBIG));
	} else if (!(fp = fdopen(fd, "r"))) {
		report(ctx, src, "Configuration file '%s' cannot be read: %s", path, strerror(errno));
	} else {
		/* Streamed, not slurped: a 1 MB file costs a line buffer, not 2 MB. */
		f = push_frame(pp, FR_FILE, NULL);
		f->src.file = conf_file_intern(path);
		f->fp = fp;
		f->dir = dir_of(path);
		f->pwd = pwd_of(f->dir, pp->cwd);
		f->checks = checks;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		pp->files_opened++;
		return true;
	}
	if (fd >= 0)
		close(fd);
	if (src && strict)
		pp->include_failed = true;
	return false;
}

/* Next physical line of a file frame into raw (NUL bytes end the text). */
/* One line from a stream; the part of a line beyond PP_MAX_LINE is dropped. */
/* Refill f->rbuf from the file; false at the end (or on an error). */
static bool stream_fill(struct frame *f)
{
	ssize_t got;

	if (!f->rbuf && !(f->rbuf = malloc(PP_READ_CHUNK)))
		abort();
	do
		got = read(fileno(f->fp), f->rbuf, PP_READ_CHUNK);
	while (got < 0 && errno == EINTR);
	f->rpos = 0;
	f->rlen = got > 0 ? (size_t)got : 0;
	return got > 0;
}

/* The stream is read with read() into a buffer of our own and lines are
 * found with memchr(): a third of the cost of stdio's line functions,
 * which lock the stream at every call. */
static bool stream_physical(struct frame *f, struct pp_buf *raw)
{
	size_t total = 0;

	pp_buf_reset(raw);
	for (;;) {
		const char *p, *nl;
		size_t n, keep;

		if (f->rpos >= f->rlen && !stream_fill(f)) {
			if (total == 0)
				return false;
			break;
		}
		p = f->rbuf + f->rpos;
		nl = memchr(p, '\n', f->rlen - f->rpos);
		n = nl ? (size_t)(nl - p) : f->rlen - f->rpos;
		keep = total >= PP_MAX_LINE ? 0 : n < PP_MAX_LINE - total ? n : PP_MAX_LINE - total;
		pp_buf_add(raw, p, keep);
		total += n + (nl != NULL);
		f->rpos += n + (nl != NULL);
		if (nl)
			break;
	}
	f->src.line++;
	return true;
}

static bool file_physical(struct frame *f, struct pp_buf *raw)
{
	const char *p, *nl;
	size_t n;

	if (f->fp)
		return stream_physical(f, raw);
	if (f->pos >= f->len)
		return false;
	p = f->data + f->pos;
	nl = memchr(p, '\n', f->len - f->pos);
	n = nl ? (size_t)(nl - p) : f->len - f->pos;
	pp_buf_reset(raw);
	pp_buf_add(raw, p, n);
	f->pos += n + (nl != NULL);
	f->src.line++;
	return true;
}

/* pp_is_space(), inlined: it runs on every byte of leading and trailing
 * blanks. */
static inline bool blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Drop the trailing blanks of s[0..n); returns the new length. */
static size_t trim_len(char *s, size_t n)
{
	while (n && blank((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	return n;
}

static void trim_right(char *s)
{
	trim_len(s, strlen(s));
}

/* Bytes strip_comment() must look at: the end, a backslash, quotes and the
 * comment characters; and '$', noted on the way for process_line(). */
static const unsigned char comment_special[256] = {
	['\0'] = 1, ['\\'] = 1, ['"'] = 1, ['\''] = 1, ['#'] = 1, ['!'] = 1, ['$'] = 1,
};

/* Cut the line at a '#' or '!' outside quotes; drop trailing blanks.
 * Returns the length left; *dollar: the part left may have a '$'. */
static size_t strip_comment(char *s, bool *dollar)
{
	char q = 0, *p;

	*dollar = false;
	for (p = s;; p++) {
		while (!comment_special[(unsigned char)*p])
			p++;
		if (!*p)
			break;
		if (*p == '$') {
			*dollar = true;
		} else if (*p == '\\') {
			if (p[1] && *++p == '$')
				*dollar = true;
		} else if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '#' || *p == '!') {
			*p = '\0';
			break;
		}
	}
	return trim_len(s, (size_t)(p - s));
}

/* ---- producing raw lines ------------------------------------------------------ */

static enum raw_result paths_next(struct preproc *pp, struct frame *f)
{
	const char *path;

	if (f->paths.next >= f->paths.n)
		return RAW_END;
	path = f->paths.path[f->paths.next++];
	if (pp->file_depth >= PP_MAX_INCLUDE_DEPTH) {
		conf_err(pp->ctx, &f->src, "includes nested more than %d deep - skipping '%s'",
			 PP_MAX_INCLUDE_DEPTH, path);
		return RAW_END;
	}
	if (pp->files_opened >= PP_MAX_FILES) {
		conf_err(pp->ctx, &f->src, "more than %u files included - skipping '%s'",
			 PP_MAX_FILES, path);
		return RAW_END;
	}
	open_file(pp, path, &f->src, (f->paths.checks & PP_INC_READABLE) != 0,
		  pp->file ? pp->file->checks : 0);
	return RAW_AGAIN;
}

/* Lines generated by expansions: count them against the per-line cap; past
 * it, drop every expansion frame of this line. */
static bool count_generated(struct preproc *pp, const struct conf_src *src)
{
	if (++pp->generated > PP_MAX_GENERATED) {
		if (!pp->line_reported)
			conf_err(pp->ctx, src, "more than %lu lines generated by one line - "
				 "stopping its expansion", PP_MAX_GENERATED);
		pp->line_reported = true;
	} else if (++pp->total_generated > PP_MAX_GENERATED_TOTAL) {
		if (!pp->total_reported)
			conf_err(pp->ctx, src, "more than %lu lines generated in all - "
				 "stopping expansions", PP_MAX_GENERATED_TOTAL);
		pp->total_reported = true;
	} else {
		return true;
	}
	while (pp->top && pp->top->kind != FR_FILE)
		pop_frame(pp);
	return false;
}

/* One raw line from the top frame into pp->raw; *src says where it is from. */
static enum raw_result next_raw(struct preproc *pp, struct conf_src *src)
{
	struct frame *f = pp->top;
	const char *p, *nl;

	*src = f->src;
	switch (f->kind) {
	case FR_FILE:
		if (!file_physical(f, &pp->raw))
			return RAW_END;
		pp->raw.len = strip_comment(pp->raw.s, &pp->raw_dollar);
		pp->generated = 0;
		pp->line_reported = false;
		*src = f->src;
		return RAW_LINE;
	case FR_PATHS:
		return paths_next(pp, f);
	case FR_LINES:
		if (f->tpos > f->len)
			return RAW_END;
		if (!count_generated(pp, src))
			return RAW_AGAIN;
		p = f->text + f->tpos;
		nl = strchr(p, '\n');
		pp_buf_reset(&pp->raw);
		pp_buf_add(&pp->raw, p, nl ? (size_t)(nl - p) : strlen(p));
		pp->raw_dollar = true;
		f->tpos += pp->raw.len + 1;
		return RAW_LINE;
	case FR_LOOP:
		if (!pp_loop_next(f->loop, pp->vars))
			return RAW_END;
		if (!count_generated(pp, src))
			return RAW_AGAIN;
		pp_buf_reset(&pp->raw);
		pp_buf_add(&pp->raw, f->body, strlen(f->body));
		pp->raw_dollar = true;
		return RAW_LINE;
	}
	return RAW_END;
}

/* ---- processing one line -------------------------------------------------------- */

static const char *skip_space(const char *s)
{
	while (blank((unsigned char)*s))
		s++;
	return s;
}

/* "@id rest" / "@^id rest": rest if it applies here, else NULL. */
static const char *conditional(struct preproc *pp, const char *s)
{
	while (*s == '@') {
		bool neg = s[1] == '^';
		const char *id = s + 1 + neg, *e = id;
		bool match;

		while (*e && !pp_is_space((unsigned char)*e))
			e++;
		match = strlen(pp->ctx->config_id) == (size_t)(e - id) &&
			memcmp(pp->ctx->config_id, id, (size_t)(e - id)) == 0;
		if (match == neg)
			return NULL;
		s = skip_space(e);
	}
	return s;
}

/* Length of the name in "$NAME=": 0 if s is not a definition. */
static size_t definition_name(const char *s)
{
	size_t n = 1;

	if (s[0] != '$' || !pp_name_char((unsigned char)s[1], true))
		return 0;
	while (pp_name_char((unsigned char)s[n], false))
		n++;
	return s[n] == '=' ? n - 1 : 0;
}

/* Collect the continuation lines of a multi-line definition from file f:
 * comment-only lines are skipped, a blank line or a line without a
 * trailing '\' ends it. */
static void collect_multi(struct preproc *pp, struct frame *f, struct pp_buf *val)
{
	size_t n;
	bool more = true, dollar;

	while (more && file_physical(f, &pp->raw)) {
		if (*skip_space(pp->raw.s) == '\0')
			break;
		strip_comment(pp->raw.s, &dollar);
		if (*skip_space(pp->raw.s) == '\0')
			continue;
		n = pp->raw.len = strlen(pp->raw.s);
		more = pp->raw.s[n - 1] == '\\';
		if (more)
			pp->raw.s[--n] = '\0';
		trim_right(pp->raw.s);
		if (val->len)
			pp_buf_addc(val, '\n');
		pp_buf_add(val, skip_space(pp->raw.s), strlen(skip_space(pp->raw.s)));
	}
}

static void define(struct preproc *pp, const char *s, size_t nlen, bool from_file)
{
	const char *v = skip_space(s + nlen + 2);
	struct pp_buf val = { 0 };
	size_t n = strlen(v);
	bool multi = from_file && n && v[n - 1] == '\\';

	if (multi) {
		for (n--; n && pp_is_space((unsigned char)v[n - 1]);)
			n--;
	}
	pp_buf_add(&val, v, n);
	if (multi) {
		/* s points into pp->raw, which collect_multi reuses */
		char *name = strndup(s + 1, nlen);

		if (!name)
			abort();
		collect_multi(pp, pp->top, &val);
		pp_vars_set(pp->vars, name, nlen, val.s, val.len, true);
		free(name);
	} else {
		pp_vars_set(pp->vars, s + 1, nlen, val.s, val.len, false);
	}
	pp_buf_free(&val);
}

/* "$NAME" or "${NAME}" alone on the line, NAME a multi-line definition. */
static struct pp_var *sole_multi(struct preproc *pp, const char *s)
{
	const char *name = s + 1 + (s[1] == '{'), *e = name;
	struct pp_var *v;

	while (pp_name_char((unsigned char)*e, e == name))
		e++;
	if (e == name || (s[1] == '{' && *e++ != '}') || *skip_space(e))
		return NULL;
	v = pp_vars_get(pp->vars, name, (size_t)(e - name - (s[1] == '{')));
	return v && v->multi ? v : NULL;
}

static bool may_expand(struct preproc *pp, const struct conf_src *src)
{
	if (pp->expand_depth < PP_MAX_EXPAND_DEPTH)
		return true;
	limit_err(pp, src, "expansions nested too deeply (recursive multi-line definition?)");
	return false;
}

static void push_lines(struct preproc *pp, const struct conf_src *src, const char *text)
{
	struct frame *f;

	if (!may_expand(pp, src))
		return;
	f = push_frame(pp, FR_LINES, src);
	f->text = strdup(text);
	if (!f->text)
		abort();
	f->len = strlen(text);
}

static const char *substitute(struct preproc *pp, const struct conf_src *src, const char *s);

/* A loop head with '$' in it ("~SEQ(i, 1, $N)") is substituted first, as
 * 2.2.7 does; the rest of the line is substituted at each pass. */
static void push_loop(struct preproc *pp, const struct conf_src *src, const char *s)
{
	const char *body, *err = NULL;
	struct pp_loop *loop;
	struct frame *f;
	size_t head = pp_loop_head_len(s);
	struct pp_buf line = { 0 };

	if (head && memchr(s, '$', head)) {
		/* s may point into pp->sub, which substitute() rewrites */
		char *h = strndup(s, head), *rest = strdup(s + head);

		if (!h || !rest)
			abort();
		substitute(pp, src, h);
		pp_buf_add(&line, pp->sub.s, pp->sub.len);
		pp_buf_add(&line, rest, strlen(rest));
		free(h);
		free(rest);
		s = line.s;          /* still starts "~SEQ(": it has no '$' */
	}
	loop = pp_loop_parse(s, &body, &err);
	if (!loop) {
		char msg[160];

		/* in generated lines: once per source line, not once per pass */
		snprintf(msg, sizeof(msg), "%.5s: %s - line ignored", s, err);
		if (pp->top->kind == FR_FILE)
			conf_err(pp->ctx, src, "%s", msg);
		else
			limit_err(pp, src, msg);
	} else if (!may_expand(pp, src)) {
		pp_loop_free(loop);
	} else {
		f = push_frame(pp, FR_LOOP, src);
		f->loop = loop;
		f->body = strdup(body);
		if (!f->body)
			abort();
	}
	pp_buf_free(&line);
}

/* Substitute s into pp->sub; returns the text to go on with. */
static const char *substitute(struct preproc *pp, const struct conf_src *src, const char *s)
{
	struct pp_env env = {
		.vars = pp->vars,
		.pwd = pp->file ? pp->file->pwd : pp->cwd,
		.instance = pp->ctx->config_id,
		.rng = &pp->rng,
	};

	pp_buf_reset(&pp->sub);
	switch (pp_substitute(&env, s, &pp->sub)) {
	case PP_SUBST_OK:
		break;
	case PP_SUBST_TOO_DEEP:
		limit_err(pp, src, "parameter substitution too deep (recursive definition?)");
		break;
	case PP_SUBST_TOO_LONG:
		limit_err(pp, src, "line too long after parameter substitution - truncated");
		break;
	}
	return pp->sub.s;
}

/* random_seed N also seeds ${_RANDOM}. */
static void take_seed(struct preproc *pp, const char *s)
{
	char *end;
	unsigned long long seed;

	s = skip_space(s + 11);
	if (*s < '0' || *s > '9')
		return;
	errno = 0;
	seed = strtoull(s, &end, 10);
	if (errno == 0 && (*end == '\0' || pp_is_space((unsigned char)*end)))
		pp_random_seed(&pp->rng, seed);
}

/* Process one raw line; true with pp->text and pp->text_len set when
 * there is a line to yield.  pp->raw.len is the raw line's length (file
 * lines: after strip_comment()), so the common line is scanned for '$'
 * with memchr() and yielded in place, trimmed, without a copy. */
static bool process_line(struct preproc *pp, const struct conf_src *src, bool from_file)
{
	const char *s = skip_space(pp->raw.s), *nl, *end = pp->raw.s + pp->raw.len;
	struct pp_buf *in = &pp->raw;    /* the buffer s points into */
	struct pp_paths paths = { 0 };
	struct pp_var *v;
	size_t nlen;

	if (from_file && *s == 'i' &&
	    pp_include_line(pp->ctx, src, s, pp->top->dir, &pp->top->checks, &paths)) {
		pp->include_failed |= paths.failed;
		if (paths.n)
			push_frame(pp, FR_PATHS, src)->paths = paths;
		return false;
	}
	if (*s == '@' && !(s = conditional(pp, s)))
		return false;
	if ((nlen = definition_name(s))) {
		define(pp, s, nlen, from_file);
		return false;
	}
	if (*s == '~' && pp_is_loop(s)) {
		push_loop(pp, src, s);
		return false;
	}
	if (*s == '$' && (v = sole_multi(pp, s))) {
		push_lines(pp, src, v->value);
		return false;
	}
	if (pp->raw_dollar && memchr(s, '$', (size_t)(end - s))) {
		s = skip_space(substitute(pp, src, s));
		in = &pp->sub;
		if (*s == '@' && !(s = conditional(pp, s)))
			return false;
		if (*s == '~' && pp_is_loop(s)) {
			/* "$L body" with $L=~SEQ(...): the body is already substituted */
			push_loop(pp, src, s);
			return false;
		}
		if ((nl = strchr(s, '\n'))) {
			push_lines(pp, src, nl + 1);
			pp->sub.s[nl - pp->sub.s] = '\0';
		}
		end = s + strlen(s);
	}
	if (*s == '\0')
		return false;
	if (*s == 'r' && strncmp(s, "random_seed", 11) == 0 && pp_is_space((unsigned char)s[11]))
		take_seed(pp, s);
	pp->text = in->s + (s - in->s);
	pp->text_len = trim_len(pp->text, (size_t)(end - s));
	return true;
}

/* ---- the API --------------------------------------------------------------------- */

static struct preproc *pp_new(struct conf_ctx *ctx)
{
	struct preproc *pp = calloc(1, sizeof(*pp));
	char buf[PATH_MAX];

	if (!pp)
		abort();
	pp->ctx = ctx;
	pp->vars = pp_vars_new();
	pp->cwd = strdup(getcwd(buf, sizeof(buf)) ? buf : ".");
	if (!pp->cwd)
		abort();
	return pp;
}

struct preproc *pp_open_file(struct conf_ctx *ctx, const char *path)
{
	struct preproc *pp = pp_new(ctx);
	bool strict = conf_ctx_opts(ctx) && conf_ctx_opts(ctx)->all_config;
	struct stat st;

	if (stat(path, &st) < 0 && errno == ENOENT) {
		ctx->conf->missing_file = true;
		if (strict)
			conf_err(ctx, NULL, "Configuration file '%s' missing", path);
		else
			conf_warn(ctx, NULL, "Configuration file '%s' missing", path);
		return pp;
	}
	open_file(pp, path, NULL, true, 0);
	return pp;
}

struct preproc *pp_open_buffer(struct conf_ctx *ctx, const char *name, const char *text, size_t len)
{
	struct preproc *pp = pp_new(ctx);
	struct frame *f = push_frame(pp, FR_FILE, NULL);

	f->src.file = conf_file_intern(name);
	f->data = malloc(len + 1);
	if (!f->data)
		abort();
	memcpy(f->data, text, len);
	f->len = len;
	f->pwd = strdup(pp->cwd);
	if (!f->pwd)
		abort();
	pp->files_opened = 1;
	return pp;
}

bool pp_next(struct preproc *pp, struct pp_line *out)
{
	struct conf_src src;

	while (pp->top) {
		switch (next_raw(pp, &src)) {
		case RAW_END:
			pop_frame(pp);
			break;
		case RAW_AGAIN:
			break;
		case RAW_LINE:
			if (process_line(pp, &src, pp->top->kind == FR_FILE)) {
				out->file = src.file;
				out->line = src.line;
				out->text = pp->text;
				out->len = pp->text_len;
				return true;
			}
			break;
		}
	}
	return false;
}

void pp_close(struct preproc *pp)
{
	if (!pp)
		return;
	while (pp->top)
		pop_frame(pp);
	pp_vars_free(pp->vars);
	pp_buf_free(&pp->raw);
	pp_buf_free(&pp->sub);
	free(pp->cwd);
	free(pp);
}

bool pp_include_failed(const struct preproc *pp)
{
	return pp->include_failed;
}
