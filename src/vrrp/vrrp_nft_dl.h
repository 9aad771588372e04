/*
 * vrrp_nft_dl.h - libnftnl and libmnl loaded with dlopen() on first use,
 * for the nftables firewall (vrrp_firewall_nft.c), behind their own names.
 *
 * Why.  Only the VRRP child's firewall calls these libraries, and only for
 * configurations that need it (vrrp_strict, no_accept...).  Linked
 * normally they would be mapped and relocated by every process at every
 * exec (the parent, the checker, -t): keepalived has no DT_NEEDED entry
 * for them.
 *
 * How.  As for libnl (include/nl_dl.h): NFT_DL_FUNCTIONS lists every
 * function the firewall calls with its library (MNL libmnl.so.0, NFTNL
 * libnftnl.so.11); struct nft_dl_table holds one pointer per function
 * typed __typeof__(&function), so the compiler checks every call against
 * the library's own prototype; a function-like macro of the same name
 * sends the call through that pointer.  vrrp_nft_dl.c fills the table
 * with the loader of include/dl_table.h.
 *
 * Use.  Include this header AFTER every <libmnl/...> and <libnftnl/...>
 * header of the file (it includes those it needs itself).  Adding a
 * function: one X() line and one #define; a missing #define is a compile
 * error in vrrp_nft_dl.c and an undefined reference at link time.
 *
 * Failure.  mnl_socket_open() is the firewall's first call (fw_nft_open()):
 * it loads both libraries, once per process; when they cannot be loaded
 * (a warning names the library or symbol, at the first try) it returns
 * NULL with errno ELIBACC, and the firewall reports that it cannot open
 * the netfilter socket as for any other socket error.  No other function
 * is reached without that socket; if one were, it would log and abort
 * rather than call through a NULL pointer.  Not thread-safe.
 */
#ifndef KA_VRRP_NFT_DL_H
#define KA_VRRP_NFT_DL_H

#include <stdbool.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

/* The two libraries (bit masks), loaded together. */
#define NFT_DL_MNL   1u   /* libmnl.so.0 */
#define NFT_DL_NFTNL 2u   /* libnftnl.so.11 */

/* X(library, function): every libmnl and libnftnl function the firewall calls. */
#define NFT_DL_FUNCTIONS(X) \
	X(MNL, mnl_socket_open) \
	X(MNL, mnl_socket_bind) \
	X(MNL, mnl_socket_close) \
	X(MNL, mnl_socket_get_fd) \
	X(MNL, mnl_socket_get_portid) \
	X(MNL, mnl_socket_recvfrom) \
	X(MNL, mnl_socket_sendto) \
	X(MNL, mnl_nlmsg_batch_start) \
	X(MNL, mnl_nlmsg_batch_stop) \
	X(MNL, mnl_nlmsg_batch_next) \
	X(MNL, mnl_nlmsg_batch_current) \
	X(MNL, mnl_nlmsg_batch_head) \
	X(MNL, mnl_nlmsg_batch_size) \
	X(MNL, mnl_nlmsg_get_payload) \
	X(MNL, mnl_nlmsg_next) \
	X(MNL, mnl_nlmsg_ok) \
	X(NFTNL, nftnl_batch_begin) \
	X(NFTNL, nftnl_batch_end) \
	X(NFTNL, nftnl_nlmsg_build_hdr) \
	X(NFTNL, nftnl_table_alloc) \
	X(NFTNL, nftnl_table_free) \
	X(NFTNL, nftnl_table_nlmsg_build_payload) \
	X(NFTNL, nftnl_table_set_str) \
	X(NFTNL, nftnl_chain_alloc) \
	X(NFTNL, nftnl_chain_free) \
	X(NFTNL, nftnl_chain_nlmsg_build_payload) \
	X(NFTNL, nftnl_chain_set_s32) \
	X(NFTNL, nftnl_chain_set_str) \
	X(NFTNL, nftnl_chain_set_u32) \
	X(NFTNL, nftnl_rule_alloc) \
	X(NFTNL, nftnl_rule_free) \
	X(NFTNL, nftnl_rule_add_expr) \
	X(NFTNL, nftnl_rule_nlmsg_build_payload) \
	X(NFTNL, nftnl_rule_set_str) \
	X(NFTNL, nftnl_rule_set_u32) \
	X(NFTNL, nftnl_expr_alloc) \
	X(NFTNL, nftnl_expr_set) \
	X(NFTNL, nftnl_expr_set_str) \
	X(NFTNL, nftnl_expr_set_u32) \
	X(NFTNL, nftnl_set_alloc) \
	X(NFTNL, nftnl_set_free) \
	X(NFTNL, nftnl_set_nlmsg_build_payload) \
	X(NFTNL, nftnl_set_elems_nlmsg_build_payload) \
	X(NFTNL, nftnl_set_set_data) \
	X(NFTNL, nftnl_set_set_str) \
	X(NFTNL, nftnl_set_set_u32) \
	X(NFTNL, nftnl_set_elem_alloc) \
	X(NFTNL, nftnl_set_elem_add) \
	X(NFTNL, nftnl_set_elem_set) \
	X(NFTNL, nftnl_udata_buf_alloc) \
	X(NFTNL, nftnl_udata_buf_free) \
	X(NFTNL, nftnl_udata_buf_data) \
	X(NFTNL, nftnl_udata_buf_len) \
	X(NFTNL, nftnl_udata_put_u32) \
	/* end of NFT_DL_FUNCTIONS */

/* One pointer per function, typed from the library's declaration. */
struct nft_dl_table {
#define NFT_DL_FIELD(lib, name) __typeof__(&name) name;
	NFT_DL_FUNCTIONS(NFT_DL_FIELD)
#undef NFT_DL_FIELD
};

/* Filled by nft_dl_try(); read only through the macros below. */
extern struct nft_dl_table nft_dl_fn;
/* Whether every pointer of nft_dl_fn is set. */
extern bool nft_dl_loaded;

/*
 * Load both libraries and set every pointer, unless that was tried
 * before.  True when they are loaded; else false with errno ELIBACC (the
 * first try logged why).
 */
bool nft_dl_try(void);
/* Make sure the libraries are loaded: logs and aborts if they are not. */
void nft_dl_require(void);

/* The function pointer of `name`, the libraries loaded. */
#define NFT_DL_CALL(name) \
	((__builtin_expect(nft_dl_loaded, 1) ? (void)0 : nft_dl_require()), *nft_dl_fn.name)

/* Redirections: a call name(...) goes through nft_dl_fn.name. */
/* libmnl; the firewall's first call loads the libraries and fails softly */
#define mnl_socket_open(...) \
	(nft_dl_try() ? nft_dl_fn.mnl_socket_open(__VA_ARGS__) : (struct mnl_socket *)NULL)
#define mnl_socket_bind(...) NFT_DL_CALL(mnl_socket_bind)(__VA_ARGS__)
#define mnl_socket_close(...) NFT_DL_CALL(mnl_socket_close)(__VA_ARGS__)
#define mnl_socket_get_fd(...) NFT_DL_CALL(mnl_socket_get_fd)(__VA_ARGS__)
#define mnl_socket_get_portid(...) NFT_DL_CALL(mnl_socket_get_portid)(__VA_ARGS__)
#define mnl_socket_recvfrom(...) NFT_DL_CALL(mnl_socket_recvfrom)(__VA_ARGS__)
#define mnl_socket_sendto(...) NFT_DL_CALL(mnl_socket_sendto)(__VA_ARGS__)
#define mnl_nlmsg_batch_start(...) NFT_DL_CALL(mnl_nlmsg_batch_start)(__VA_ARGS__)
#define mnl_nlmsg_batch_stop(...) NFT_DL_CALL(mnl_nlmsg_batch_stop)(__VA_ARGS__)
#define mnl_nlmsg_batch_next(...) NFT_DL_CALL(mnl_nlmsg_batch_next)(__VA_ARGS__)
#define mnl_nlmsg_batch_current(...) NFT_DL_CALL(mnl_nlmsg_batch_current)(__VA_ARGS__)
#define mnl_nlmsg_batch_head(...) NFT_DL_CALL(mnl_nlmsg_batch_head)(__VA_ARGS__)
#define mnl_nlmsg_batch_size(...) NFT_DL_CALL(mnl_nlmsg_batch_size)(__VA_ARGS__)
#define mnl_nlmsg_get_payload(...) NFT_DL_CALL(mnl_nlmsg_get_payload)(__VA_ARGS__)
#define mnl_nlmsg_next(...) NFT_DL_CALL(mnl_nlmsg_next)(__VA_ARGS__)
#define mnl_nlmsg_ok(...) NFT_DL_CALL(mnl_nlmsg_ok)(__VA_ARGS__)

/* libnftnl */
#define nftnl_batch_begin(...) NFT_DL_CALL(nftnl_batch_begin)(__VA_ARGS__)
#define nftnl_batch_end(...) NFT_DL_CALL(nftnl_batch_end)(__VA_ARGS__)
#define nftnl_nlmsg_build_hdr(...) NFT_DL_CALL(nftnl_nlmsg_build_hdr)(__VA_ARGS__)
#define nftnl_table_alloc(...) NFT_DL_CALL(nftnl_table_alloc)(__VA_ARGS__)
#define nftnl_table_free(...) NFT_DL_CALL(nftnl_table_free)(__VA_ARGS__)
#define nftnl_table_nlmsg_build_payload(...) NFT_DL_CALL(nftnl_table_nlmsg_build_payload)(__VA_ARGS__)
#define nftnl_table_set_str(...) NFT_DL_CALL(nftnl_table_set_str)(__VA_ARGS__)
#define nftnl_chain_alloc(...) NFT_DL_CALL(nftnl_chain_alloc)(__VA_ARGS__)
#define nftnl_chain_free(...) NFT_DL_CALL(nftnl_chain_free)(__VA_ARGS__)
#define nftnl_chain_nlmsg_build_payload(...) NFT_DL_CALL(nftnl_chain_nlmsg_build_payload)(__VA_ARGS__)
#define nftnl_chain_set_s32(...) NFT_DL_CALL(nftnl_chain_set_s32)(__VA_ARGS__)
#define nftnl_chain_set_str(...) NFT_DL_CALL(nftnl_chain_set_str)(__VA_ARGS__)
#define nftnl_chain_set_u32(...) NFT_DL_CALL(nftnl_chain_set_u32)(__VA_ARGS__)
#define nftnl_rule_alloc(...) NFT_DL_CALL(nftnl_rule_alloc)(__VA_ARGS__)
#define nftnl_rule_free(...) NFT_DL_CALL(nftnl_rule_free)(__VA_ARGS__)
#define nftnl_rule_add_expr(...) NFT_DL_CALL(nftnl_rule_add_expr)(__VA_ARGS__)
#define nftnl_rule_nlmsg_build_payload(...) NFT_DL_CALL(nftnl_rule_nlmsg_build_payload)(__VA_ARGS__)
#define nftnl_rule_set_str(...) NFT_DL_CALL(nftnl_rule_set_str)(__VA_ARGS__)
#define nftnl_rule_set_u32(...) NFT_DL_CALL(nftnl_rule_set_u32)(__VA_ARGS__)
#define nftnl_expr_alloc(...) NFT_DL_CALL(nftnl_expr_alloc)(__VA_ARGS__)
#define nftnl_expr_set(...) NFT_DL_CALL(nftnl_expr_set)(__VA_ARGS__)
#define nftnl_expr_set_str(...) NFT_DL_CALL(nftnl_expr_set_str)(__VA_ARGS__)
#define nftnl_expr_set_u32(...) NFT_DL_CALL(nftnl_expr_set_u32)(__VA_ARGS__)
#define nftnl_set_alloc(...) NFT_DL_CALL(nftnl_set_alloc)(__VA_ARGS__)
#define nftnl_set_free(...) NFT_DL_CALL(nftnl_set_free)(__VA_ARGS__)
#define nftnl_set_nlmsg_build_payload(...) NFT_DL_CALL(nftnl_set_nlmsg_build_payload)(__VA_ARGS__)
#define nftnl_set_elems_nlmsg_build_payload(...) NFT_DL_CALL(nftnl_set_elems_nlmsg_build_payload)(__VA_ARGS__)
#define nftnl_set_set_data(...) NFT_DL_CALL(nftnl_set_set_data)(__VA_ARGS__)
#define nftnl_set_set_str(...) NFT_DL_CALL(nftnl_set_set_str)(__VA_ARGS__)
#define nftnl_set_set_u32(...) NFT_DL_CALL(nftnl_set_set_u32)(__VA_ARGS__)
#define nftnl_set_elem_alloc(...) NFT_DL_CALL(nftnl_set_elem_alloc)(__VA_ARGS__)
#define nftnl_set_elem_add(...) NFT_DL_CALL(nftnl_set_elem_add)(__VA_ARGS__)
#define nftnl_set_elem_set(...) NFT_DL_CALL(nftnl_set_elem_set)(__VA_ARGS__)
#define nftnl_udata_buf_alloc(...) NFT_DL_CALL(nftnl_udata_buf_alloc)(__VA_ARGS__)
#define nftnl_udata_buf_free(...) NFT_DL_CALL(nftnl_udata_buf_free)(__VA_ARGS__)
#define nftnl_udata_buf_data(...) NFT_DL_CALL(nftnl_udata_buf_data)(__VA_ARGS__)
#define nftnl_udata_buf_len(...) NFT_DL_CALL(nftnl_udata_buf_len)(__VA_ARGS__)
#define nftnl_udata_put_u32(...) NFT_DL_CALL(nftnl_udata_put_u32)(__VA_ARGS__)

#endif
