/*
 * kw_check_lvs_checkers.c - whole-tree checks of the checker blocks of a
 * real server and of LVS scripts, with keepalived 2.2.7's wording and
 * classification (all of these are config errors in 2.2.7, so -t exits 5).
 *
 *   HTTP_GET/SSL_GET  every url needs a path; a checker needs a url
 *   MISC_CHECK        needs misc_path; the script goes to kw_check_script()
 *   FILE_CHECK        needs a track_file naming a track_file /
 *                     vrrp_track_file block
 *   BFD_CHECK         needs exactly one name, of a bfd_instance, once per RS
 *   UDP_CHECK         min_reply_length <= max_reply_length (default 255)
 *   all with connection options: bindto and connect_ip of one family (the
 *                     real server's until connect_ip says otherwise), and a
 *                     link-local address needs bind_if
 */
#include <string.h>
#include <pwd.h>
#include <grp.h>
#include <arpa/inet.h>
#include "kw_checks.h"
#include "kw_check_lvs.h"

#define UDP_DEFAULT_MAX_REPLY 255

void kw_check_lvs_scripts(struct conf_ctx *ctx, const struct conf_node *block,
			  const char *up, const char *down, struct kw_lvs_name *owner)
{
	const char *names[2] = { up, down };

	for (int i = 0; i < 2; i++) {
		const struct conf_node *n = conf_find(block, names[i]);

		if (!n)
			continue;
		kw_check_script(ctx, n, 0);
		for (n = conf_next_same(n); n; n = conf_next_same(n))
			conf_err(ctx, &n->src, "(%s) %s script already specified - ignoring %s",
				 kw_lvs_name(owner), names[i], n->argc > 0 ? n->argv[0] : "");
	}
}

static bool is_link_local(const struct conf_addr *a)
{
	return a->family == AF_INET6 && a->a.v6.s6_addr[0] == 0xfe &&
	       (a->a.v6.s6_addr[1] & 0xc0) == 0x80;
}

/* bindto/connect_ip families, link-local addresses without bind_if. */
static void check_conn(struct conf_ctx *ctx, const struct conf_node *chk, int rs_family)
{
	const struct conf_node *n, *ip = NULL, *bind = NULL;
	char a[INET6_ADDRSTRLEN];
	int family = rs_family;

	conf_foreach(n, chk) {
		if (strcmp(conf_node_name(n), "connect_ip") && strcmp(conf_node_name(n), "bindto"))
			continue;
		bool is_ip = !strcmp(conf_node_name(n), "connect_ip");
		const struct conf_node *other = is_ip ? bind : ip;
		int want = other ? other->val.addr->family : is_ip ? n->val.addr->family : family;

		if (n->val.addr->family != want) {
			conf_err(ctx, &n->src, is_ip ?
				 "connect_ip address %s does not match address family of bindto - skipping" :
				 "bindto address %s does not match address family of connect_ip - skipping",
				 n->argv[0]);
			continue;
		}
		family = n->val.addr->family;
		*(is_ip ? &ip : &bind) = n;
	}
	if (conf_find(chk, "bind_if"))
		return;
	for (int i = 0; i < 2; i++) {
		const struct conf_node *x = i ? bind : ip;

		if (x && is_link_local(x->val.addr)) {
			kw_lvs_addr_str(x->val.addr, a, sizeof(a));
			conf_err(ctx, &x->src, "Checker link local address %s requires a bind_if", a);
		}
	}
}

/* Keywords 2.2.7 takes once per block: the repeats are errors. */
static void repeats(struct conf_ctx *ctx, const struct conf_node *blk, const char *kw,
		    const char *fmt_named, const char *fmt_plain)
{
	const struct conf_node *n = conf_find(blk, kw);

	for (n = n ? conf_next_same(n) : NULL; n; n = conf_next_same(n)) {
		if (fmt_named)
			conf_err(ctx, &n->src, fmt_named, n->argv[0]);
		else
			conf_err(ctx, &n->src, "%s", fmt_plain);
	}
}

static void check_http(struct conf_ctx *ctx, const struct conf_node *chk)
{
	const struct conf_node *u;
	unsigned urls = 0;

	conf_foreach(u, chk) {
		if (strcmp(conf_node_name(u), "url"))
			continue;
		if (!conf_find(u, "path")) {
			conf_err(ctx, &u->src, "HTTP/SSL_GET checker url has no path - ignoring");
			continue;
		}
		urls++;
		repeats(ctx, u, "digest", "Digest '%s' is a duplicate", NULL);
		if (!conf_find(u, "regex") && (conf_find(u, "regex_no_match") ||
		    conf_find(u, "regex_options") || conf_find(u, "regex_stack") ||
		    conf_find(u, "regex_min_offset") || conf_find(u, "regex_max_offset")))
			conf_warn(ctx, &u->src, "regex parameters specified without regex");
	}
	if (!urls)
		conf_err(ctx, &chk->src, "HTTP/SSL_GET checker has no urls specified - ignoring");
}

/* "user USER [GROUP]" of a MISC_CHECK names existing accounts (host check). */
static bool misc_user_ok(struct conf_ctx *ctx, const struct conf_node *chk,
			 const struct conf_node *path)
{
	const struct conf_node *u = conf_find_last(chk, "user");

	if (!u || !conf_ctx_opts(ctx)->check_system)
		return true;
	if (getpwnam(u->argv[0]) && (u->argc < 2 || getgrnam(u->argv[1])))
		return true;
	if (path && path->src.line < u->src.line)
		conf_err(ctx, &u->src, "Failed to set uid/gid for misc checker script '%s' - removing",
			 path->argv[0]);
	else
		conf_err(ctx, &u->src, "Failed to set uid/gid for misc checker script  - removing");
	return false;
}

static void check_misc(struct conf_ctx *ctx, const struct conf_node *chk)
{
	const struct conf_node *p = conf_find_last(chk, "misc_path");

	if (!misc_user_ok(ctx, chk, p))
		return;
	if (!p)
		conf_err(ctx, &chk->src, "No script path has been specified for MISC_CHECKER - skipping");
	else
		kw_check_script(ctx, p, 0);
}


/* A root block `kind NAME` exists (track_file, bfd_instance...). */
static bool root_block(struct conf_ctx *ctx, const char *kind, const char *alias, const char *name)
{
	const struct conf_node *n;

	conf_foreach(n, ctx->conf->root)
		if (conf_node_name(n) && (!strcmp(conf_node_name(n), kind) || (alias && !strcmp(conf_node_name(n), alias))) &&
		    n->argc > 0 && !strcmp(n->argv[0], name))
			return true;
	return false;
}

static void check_file(struct conf_ctx *ctx, const struct conf_node *chk)
{
	const struct conf_node *t = conf_find_last(chk, "track_file");

	if (t && !root_block(ctx, "track_file", "vrrp_track_file", t->argv[0])) {
		conf_err(ctx, &t->src, "track_file %s not found", t->argv[0]);
		t = NULL;
	}
	if (!t)
		conf_err(ctx, &chk->src, "FILE_CHECK has no track_file specified - ignoring");
}

static void check_bfd(struct conf_ctx *ctx, const struct conf_node *chk,
		      struct kw_lvs_name *name)
{
	const char *rsname = kw_lvs_name(name);
	const struct conf_node *n = conf_find_last(chk, "name"), *prev;

	if (!n) {
		conf_err(ctx, &chk->src, "(%s) No name has been specified for BFD_CHECKER - skipping",
			 rsname);
		return;
	}
	if (n->argc != 1) {
		conf_err(ctx, &n->src, "(%s) BFD_CHECK - No or too many names specified - skipping "
			 "checker", rsname);
		return;
	}
	if (!root_block(ctx, "bfd_instance", NULL, n->argv[0])) {
		conf_err(ctx, &n->src, "(%s) BFD_CHECK - BFD %s not configured", rsname, n->argv[0]);
		return;
	}
	for (prev = chk->parent->child; prev != chk; prev = prev->next) {
		const struct conf_node *pn;

		if (strcmp(conf_node_name(prev), "BFD_CHECK") || !(pn = conf_find_last(prev, "name")) ||
		    pn->argc != 1 || strcmp(pn->argv[0], n->argv[0]))
			continue;
		conf_err(ctx, &n->src, "(%s) BFD_CHECK - RS already monitoring %s", rsname,
			 n->argv[0]);
		return;
	}
}

static void check_udp(struct conf_ctx *ctx, const struct conf_node *chk)
{
	const struct conf_node *mn = conf_find_last(chk, "min_reply_length");
	const struct conf_node *mx = conf_find_last(chk, "max_reply_length");
	int64_t lo = mn ? mn->val.i : 0, hi = mx ? mx->val.i : UDP_DEFAULT_MAX_REPLY;

	if (lo > hi)
		conf_err(ctx, &(mx && mx->src.line > mn->src.line ? mx : mn)->src,
			 "UDP_CHECK min_reply length %lld > max_reply_length %lld - will always fail",
			 (long long)lo, (long long)hi);
}

void kw_check_lvs_checkers(struct conf_ctx *ctx, const struct conf_node *rs,
			   struct kw_lvs_name *rsname)
{
	static const char *const with_conn[] = {
		"HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK",
		"PING_CHECK", NULL
	};
	const struct conf_node *c, *h;

	conf_foreach(c, rs) {
		const char *k = conf_node_name(c);

		if (k[0] < 'A' || k[0] > 'Z')  /* weight, notify_up...: not a checker */
			continue;
		if (!strcmp(k, "HTTP_GET") || !strcmp(k, "SSL_GET"))
			check_http(ctx, c);
		else if (!strcmp(k, "MISC_CHECK"))
			check_misc(ctx, c);
		else if (!strcmp(k, "FILE_CHECK"))
			check_file(ctx, c);
		else if (!strcmp(k, "BFD_CHECK"))
			check_bfd(ctx, c, rsname);
		else if (!strcmp(k, "UDP_CHECK"))
			check_udp(ctx, c);
		else if (!strcmp(k, "DNS_CHECK"))
			repeats(ctx, c, "name", NULL, "DNS_CHECK name already specified - ignoring");
		for (int i = 0; with_conn[i]; i++)
			if (!strcmp(k, with_conn[i]))
				check_conn(ctx, c, rs->val.addr->family);
		if (!strcmp(k, "SMTP_CHECK"))
			conf_foreach(h, c)
				if (!strcmp(conf_node_name(h), "host"))
					check_conn(ctx, h, rs->val.addr->family);
	}
}
