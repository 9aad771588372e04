/*
 * vrrp_nft_dl.c - libnftnl and libmnl loaded with dlopen() on first use,
 * for the nftables firewall (vrrp_firewall_nft.c).
 *
 * Design.  Only the VRRP child's firewall calls these libraries, and only
 * for configurations that need it (vrrp_strict, no_accept...).  Linked
 * normally they were mapped and relocated by every process at every exec
 * (the parent, the checker, -t): two more libraries to load before the
 * first advert and about 0.2 MiB of RSS over the parent and the VRRP
 * child.  This file defines each function vrrp_firewall_nft.c calls, with
 * the library's own prototype (the headers are included, so the compiler
 * checks every signature), and forwards it to the symbol dlsym() finds.
 *
 * mnl_socket_open() is the firewall's first call (fw_nft_open()): when the
 * libraries cannot be loaded it fails with ELIBACC and the firewall reports
 * that it cannot open the netfilter socket, as for any other socket error.
 * No other function is reached without that socket; if one were, it logs
 * and aborts rather than call through a NULL pointer.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "log.h"

static void *lib_mnl, *lib_nftnl;
static bool tried;

static void *open_first(const char *const *names)
{
	void *h = NULL;

	for (; !h && *names; names++)
		h = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
	return h;
}

static bool load(void)
{
	static const char *const mnl[] = { "libmnl.so.0", "libmnl.so", NULL };
	static const char *const nftnl[] = { "libnftnl.so.11", "libnftnl.so", NULL };

	if (!tried) {
		tried = true;
		lib_mnl = open_first(mnl);
		lib_nftnl = lib_mnl ? open_first(nftnl) : NULL;
		if (!lib_nftnl)
			log_warnx("nftables: cannot load libnftnl/libmnl: %s", dlerror());
	}
	return lib_nftnl != NULL;
}

/* The address of `name` in the loaded libraries; never NULL. */
static void *sym(const char *name)
{
	void *p = load() ? dlsym(name[0] == 'm' ? lib_mnl : lib_nftnl, name) : NULL;

	if (!p) {
		log_errx("nftables: %s is not available", name);
		abort();
	}
	return p;
}

/* A forwarding definition: FWD(return type, name, (parameters), (arguments)). */
#define FWD(ret, name, params, args)					\
	ret name params							\
	{								\
		static ret (*fn) params;				\
									\
		if (!fn)						\
			*(void **)&fn = sym(#name);			\
		return fn args;						\
	}

#define FWD_VOID(name, params, args)					\
	void name params						\
	{								\
		static void (*fn) params;				\
									\
		if (!fn)						\
			*(void **)&fn = sym(#name);			\
		fn args;						\
	}

/* ---- libmnl ----------------------------------------------------------------- */

struct mnl_socket *mnl_socket_open(int bus)
{
	static struct mnl_socket *(*fn)(int);

	if (!fn) {
		if (!load()) {
			errno = ELIBACC;
			return NULL;
		}
		*(void **)&fn = sym("mnl_socket_open");
	}
	return fn(bus);
}

FWD(int, mnl_socket_bind, (struct mnl_socket *nl, unsigned int groups, pid_t pid),
    (nl, groups, pid))
FWD(int, mnl_socket_close, (struct mnl_socket *nl), (nl))
FWD(int, mnl_socket_get_fd, (const struct mnl_socket *nl), (nl))
FWD(unsigned int, mnl_socket_get_portid, (const struct mnl_socket *nl), (nl))
FWD(ssize_t, mnl_socket_recvfrom, (const struct mnl_socket *nl, void *buf, size_t siz),
    (nl, buf, siz))
FWD(ssize_t, mnl_socket_sendto, (const struct mnl_socket *nl, const void *req, size_t siz),
    (nl, req, siz))
FWD(struct mnl_nlmsg_batch *, mnl_nlmsg_batch_start, (void *buf, size_t bufsiz), (buf, bufsiz))
FWD_VOID(mnl_nlmsg_batch_stop, (struct mnl_nlmsg_batch *b), (b))
FWD(bool, mnl_nlmsg_batch_next, (struct mnl_nlmsg_batch *b), (b))
FWD(void *, mnl_nlmsg_batch_current, (struct mnl_nlmsg_batch *b), (b))
FWD(void *, mnl_nlmsg_batch_head, (struct mnl_nlmsg_batch *b), (b))
FWD(size_t, mnl_nlmsg_batch_size, (struct mnl_nlmsg_batch *b), (b))
FWD(void *, mnl_nlmsg_get_payload, (const struct nlmsghdr *nlh), (nlh))
FWD(struct nlmsghdr *, mnl_nlmsg_next, (const struct nlmsghdr *nlh, int *len), (nlh, len))
FWD(bool, mnl_nlmsg_ok, (const struct nlmsghdr *nlh, int len), (nlh, len))

/* ---- libnftnl: messages, tables, chains ---------------------------------------- */

FWD(struct nlmsghdr *, nftnl_batch_begin, (char *buf, uint32_t seq), (buf, seq))
FWD(struct nlmsghdr *, nftnl_batch_end, (char *buf, uint32_t seq), (buf, seq))
FWD(struct nlmsghdr *, nftnl_nlmsg_build_hdr,
    (char *buf, uint16_t type, uint16_t family, uint16_t flags, uint32_t seq),
    (buf, type, family, flags, seq))
FWD(struct nftnl_table *, nftnl_table_alloc, (void), ())
FWD_VOID(nftnl_table_free, (const struct nftnl_table *t), (t))
FWD_VOID(nftnl_table_nlmsg_build_payload, (struct nlmsghdr *nlh, const struct nftnl_table *t),
	 (nlh, t))
FWD(int, nftnl_table_set_str, (struct nftnl_table *t, uint16_t attr, const char *str),
    (t, attr, str))
FWD(struct nftnl_chain *, nftnl_chain_alloc, (void), ())
FWD_VOID(nftnl_chain_free, (const struct nftnl_chain *c), (c))
FWD_VOID(nftnl_chain_nlmsg_build_payload, (struct nlmsghdr *nlh, const struct nftnl_chain *t),
	 (nlh, t))
FWD_VOID(nftnl_chain_set_s32, (struct nftnl_chain *t, uint16_t attr, int32_t data),
	 (t, attr, data))
FWD(int, nftnl_chain_set_str, (struct nftnl_chain *t, uint16_t attr, const char *str),
    (t, attr, str))
FWD_VOID(nftnl_chain_set_u32, (struct nftnl_chain *t, uint16_t attr, uint32_t data),
	 (t, attr, data))

/* ---- libnftnl: rules and expressions ------------------------------------------ */

FWD(struct nftnl_rule *, nftnl_rule_alloc, (void), ())
FWD_VOID(nftnl_rule_free, (const struct nftnl_rule *r), (r))
FWD_VOID(nftnl_rule_add_expr, (struct nftnl_rule *r, struct nftnl_expr *expr), (r, expr))
FWD_VOID(nftnl_rule_nlmsg_build_payload, (struct nlmsghdr *nlh, struct nftnl_rule *t), (nlh, t))
FWD(int, nftnl_rule_set_str, (struct nftnl_rule *r, uint16_t attr, const char *str),
    (r, attr, str))
FWD_VOID(nftnl_rule_set_u32, (struct nftnl_rule *r, uint16_t attr, uint32_t val), (r, attr, val))
FWD(struct nftnl_expr *, nftnl_expr_alloc, (const char *name), (name))
FWD(int, nftnl_expr_set,
    (struct nftnl_expr *expr, uint16_t type, const void *data, uint32_t data_len),
    (expr, type, data, data_len))
FWD(int, nftnl_expr_set_str, (struct nftnl_expr *expr, uint16_t type, const char *str),
    (expr, type, str))
FWD_VOID(nftnl_expr_set_u32, (struct nftnl_expr *expr, uint16_t type, uint32_t data),
	 (expr, type, data))

/* ---- libnftnl: sets and user data ------------------------------------------------ */

FWD(struct nftnl_set *, nftnl_set_alloc, (void), ())
FWD_VOID(nftnl_set_free, (const struct nftnl_set *s), (s))
FWD_VOID(nftnl_set_nlmsg_build_payload, (struct nlmsghdr *nlh, struct nftnl_set *s), (nlh, s))
FWD_VOID(nftnl_set_elems_nlmsg_build_payload, (struct nlmsghdr *nlh, struct nftnl_set *s),
	 (nlh, s))
FWD(int, nftnl_set_set_data,
    (struct nftnl_set *s, uint16_t attr, const void *data, uint32_t data_len),
    (s, attr, data, data_len))
FWD(int, nftnl_set_set_str, (struct nftnl_set *s, uint16_t attr, const char *str),
    (s, attr, str))
FWD_VOID(nftnl_set_set_u32, (struct nftnl_set *s, uint16_t attr, uint32_t val), (s, attr, val))
FWD(struct nftnl_set_elem *, nftnl_set_elem_alloc, (void), ())
FWD_VOID(nftnl_set_elem_add, (struct nftnl_set *s, struct nftnl_set_elem *elem), (s, elem))
FWD(int, nftnl_set_elem_set,
    (struct nftnl_set_elem *s, uint16_t attr, const void *data, uint32_t data_len),
    (s, attr, data, data_len))
FWD(struct nftnl_udata_buf *, nftnl_udata_buf_alloc, (uint32_t data_size), (data_size))
FWD_VOID(nftnl_udata_buf_free, (const struct nftnl_udata_buf *buf), (buf))
FWD(void *, nftnl_udata_buf_data, (const struct nftnl_udata_buf *buf), (buf))
FWD(uint32_t, nftnl_udata_buf_len, (const struct nftnl_udata_buf *buf), (buf))
FWD(bool, nftnl_udata_put_u32, (struct nftnl_udata_buf *buf, uint8_t type, uint32_t data),
    (buf, type, data))
