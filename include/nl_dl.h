/*
 * nl_dl.h - libnl loaded with dlopen() on first use, behind its own names.
 *
 * Why.  Linked normally, libnl-3, libnl-route-3 and libnl-genl-3 are
 * mapped and relocated by every process at every exec, though the parent
 * never calls them and the checker child needs only the generic-netlink
 * half (about 0.5 MiB of RSS in the parent alone).  keepalived therefore
 * has no DT_NEEDED entry for any libnl library: each process opens the
 * library group it needs the first time it calls one of its functions.
 *
 * How.  The list below names every libnl function keepalived calls, with
 * the library that exports it (CORE libnl-3.so.200, ROUTE
 * libnl-route-3.so.200, GENL libnl-genl-3.so.200).  For each, struct
 * nl_dl_table holds a pointer typed __typeof__(&function), so the
 * compiler checks every call against libnl's own prototype, and a
 * function-like macro of the same name sends the call through that
 * pointer after making sure its group is loaded (nl_dl.c fills the
 * pointers with the loader of include/dl_table.h).  Call sites are
 * unchanged.  Function-like macros leave alone the identifiers that are
 * not calls, such as the struct nlattr field nla_len.
 *
 * Use.  Include this header AFTER every <netlink/...> header of the file
 * (it includes the libnl headers it needs itself): a libnl prototype seen
 * after it would be rewritten by the macros and fail to compile.  Link
 * src/sys/nl_dl.c (in libkasys.a) and libka.a (log.c, dl_table.c), not
 * $(LIBNL*_LIBS).  ldd no longer lists libnl: whatever copies a binary
 * with ldd's list (the QEMU test image, tests/vm/build-image.sh) must add
 * the three sonames.
 *
 * Adding a function: one X() line in NL_DL_FUNCTIONS and one #define in
 * the redirection list.  A missing X() line is a compile error ("no member
 * named ..."); a missing #define is a compile error in nl_dl.c (its check
 * of every redirection) and an undefined reference at link time.
 *
 * Failure.  When a library cannot be opened or lacks a symbol, the
 * process logs one error naming them and exits with KA_EXIT_FATAL: it
 * cannot work without netlink, and the parent stops rather than respawn.
 * Not thread-safe (keepalived's processes do not call libnl from threads).
 */
#ifndef KA_NL_DL_H
#define KA_NL_DL_H

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

/* Library groups, loaded independently (bit masks). */
#define NL_DL_CORE  1u   /* libnl-3.so.200 */
#define NL_DL_ROUTE 2u   /* libnl-route-3.so.200 */
#define NL_DL_GENL  4u   /* libnl-genl-3.so.200 */

/* X(group, function): every libnl function keepalived calls. */
#define NL_DL_FUNCTIONS(X) \
	/* libnl-3 */ \
	X(CORE, nl_addr_build) \
	X(CORE, nl_addr_get_binary_addr) \
	X(CORE, nl_addr_get_family) \
	X(CORE, nl_addr_get_len) \
	X(CORE, nl_addr_put) \
	X(CORE, nl_addr_set_prefixlen) \
	X(CORE, nl_cache_free) \
	X(CORE, nl_cache_get_first) \
	X(CORE, nl_cache_get_next) \
	X(CORE, nl_connect) \
	X(CORE, nl_geterror) \
	X(CORE, nl_recvmsgs_default) \
	X(CORE, nl_send_auto) \
	X(CORE, nl_send_sync) \
	X(CORE, nl_socket_add_memberships) \
	X(CORE, nl_socket_alloc) \
	X(CORE, nl_socket_disable_seq_check) \
	X(CORE, nl_socket_enable_msg_peek) \
	X(CORE, nl_socket_free) \
	X(CORE, nl_socket_get_fd) \
	X(CORE, nl_socket_get_local_port) \
	X(CORE, nl_socket_modify_cb) \
	X(CORE, nl_socket_modify_err_cb) \
	X(CORE, nl_socket_set_buffer_size) \
	X(CORE, nl_socket_set_nonblocking) \
	X(CORE, nl_wait_for_ack) \
	X(CORE, nla_data) \
	X(CORE, nla_get_u16) \
	X(CORE, nla_get_u32) \
	X(CORE, nla_get_u64) \
	X(CORE, nla_get_u8) \
	X(CORE, nla_len) \
	X(CORE, nla_nest_end) \
	X(CORE, nla_nest_start) \
	X(CORE, nla_parse_nested) \
	X(CORE, nla_put) \
	X(CORE, nla_put_string) \
	X(CORE, nla_put_u16) \
	X(CORE, nla_put_u32) \
	X(CORE, nla_put_u64) \
	X(CORE, nla_put_u8) \
	X(CORE, nla_strlcpy) \
	X(CORE, nlmsg_alloc) \
	X(CORE, nlmsg_alloc_simple) \
	X(CORE, nlmsg_convert) \
	X(CORE, nlmsg_append) \
	X(CORE, nlmsg_data) \
	X(CORE, nlmsg_free) \
	X(CORE, nlmsg_hdr) \
	X(CORE, nlmsg_parse) \
	/* libnl-route-3 */ \
	X(ROUTE, rtnl_addr_add) \
	X(ROUTE, rtnl_addr_alloc) \
	X(ROUTE, rtnl_addr_alloc_cache) \
	X(ROUTE, rtnl_addr_delete) \
	X(ROUTE, rtnl_addr_get_ifindex) \
	X(ROUTE, rtnl_addr_get_local) \
	X(ROUTE, rtnl_addr_put) \
	X(ROUTE, rtnl_addr_set_broadcast) \
	X(ROUTE, rtnl_addr_set_family) \
	X(ROUTE, rtnl_addr_set_flags) \
	X(ROUTE, rtnl_addr_set_ifindex) \
	X(ROUTE, rtnl_addr_set_label) \
	X(ROUTE, rtnl_addr_set_local) \
	X(ROUTE, rtnl_addr_set_peer) \
	X(ROUTE, rtnl_addr_set_preferred_lifetime) \
	X(ROUTE, rtnl_addr_set_scope) \
	X(ROUTE, rtnl_addr_set_valid_lifetime) \
	X(ROUTE, rtnl_link_add) \
	X(ROUTE, rtnl_link_alloc) \
	X(ROUTE, rtnl_link_change) \
	X(ROUTE, rtnl_link_delete) \
	X(ROUTE, rtnl_link_get_addr) \
	X(ROUTE, rtnl_link_get_flags) \
	X(ROUTE, rtnl_link_get_ifindex) \
	X(ROUTE, rtnl_link_get_kernel) \
	X(ROUTE, rtnl_link_get_link) \
	X(ROUTE, rtnl_link_get_mtu) \
	X(ROUTE, rtnl_link_get_name) \
	X(ROUTE, rtnl_link_get_type) \
	X(ROUTE, rtnl_link_inet6_set_addr_gen_mode) \
	X(ROUTE, rtnl_link_macvlan_alloc) \
	X(ROUTE, rtnl_link_macvlan_set_mode) \
	X(ROUTE, rtnl_link_put) \
	X(ROUTE, rtnl_link_set_addr) \
	X(ROUTE, rtnl_link_set_flags) \
	X(ROUTE, rtnl_link_set_ifindex) \
	X(ROUTE, rtnl_link_set_link) \
	X(ROUTE, rtnl_link_set_name) \
	X(ROUTE, rtnl_link_unset_flags) \
	X(ROUTE, rtnl_route_add_nexthop) \
	X(ROUTE, rtnl_route_alloc) \
	X(ROUTE, rtnl_route_build_add_request) \
	X(ROUTE, rtnl_route_delete) \
	X(ROUTE, rtnl_route_nh_alloc) \
	X(ROUTE, rtnl_route_nh_free) \
	X(ROUTE, rtnl_route_nh_set_flags) \
	X(ROUTE, rtnl_route_nh_set_gateway) \
	X(ROUTE, rtnl_route_nh_set_ifindex) \
	X(ROUTE, rtnl_route_nh_set_realms) \
	X(ROUTE, rtnl_route_nh_set_weight) \
	X(ROUTE, rtnl_route_put) \
	X(ROUTE, rtnl_route_set_dst) \
	X(ROUTE, rtnl_route_set_family) \
	X(ROUTE, rtnl_route_set_pref_src) \
	X(ROUTE, rtnl_route_set_priority) \
	X(ROUTE, rtnl_route_set_protocol) \
	X(ROUTE, rtnl_route_set_scope) \
	X(ROUTE, rtnl_route_set_src) \
	X(ROUTE, rtnl_route_set_table) \
	X(ROUTE, rtnl_route_set_tos) \
	X(ROUTE, rtnl_route_set_type) \
	X(ROUTE, rtnl_rule_alloc) \
	X(ROUTE, rtnl_rule_build_add_request) \
	X(ROUTE, rtnl_rule_build_delete_request) \
	X(ROUTE, rtnl_rule_put) \
	X(ROUTE, rtnl_rule_set_action) \
	X(ROUTE, rtnl_rule_set_dport_range) \
	X(ROUTE, rtnl_rule_set_dsfield) \
	X(ROUTE, rtnl_rule_set_dst) \
	X(ROUTE, rtnl_rule_set_family) \
	X(ROUTE, rtnl_rule_set_goto) \
	X(ROUTE, rtnl_rule_set_iif) \
	X(ROUTE, rtnl_rule_set_ipproto) \
	X(ROUTE, rtnl_rule_set_l3mdev) \
	X(ROUTE, rtnl_rule_set_mark) \
	X(ROUTE, rtnl_rule_set_mask) \
	X(ROUTE, rtnl_rule_set_oif) \
	X(ROUTE, rtnl_rule_set_prio) \
	X(ROUTE, rtnl_rule_set_protocol) \
	X(ROUTE, rtnl_rule_set_realms) \
	X(ROUTE, rtnl_rule_set_sport_range) \
	X(ROUTE, rtnl_rule_set_src) \
	X(ROUTE, rtnl_rule_set_table) \
	/* libnl-genl-3 */ \
	X(GENL, genl_connect) \
	X(GENL, genl_ctrl_resolve) \
	X(GENL, genlmsg_parse) \
	X(GENL, genlmsg_put) \
	/* end of NL_DL_FUNCTIONS */

/* One pointer per function, typed from libnl's declaration. */
struct nl_dl_table {
#define NL_DL_FIELD(group, name) __typeof__(&name) name;
	NL_DL_FUNCTIONS(NL_DL_FIELD)
#undef NL_DL_FIELD
};

/* The group of each function, for NL_DL_CALL(). */
enum nl_dl_group_of {
#define NL_DL_GROUP_OF(group, name) NL_DL_GROUP_##name = NL_DL_##group,
	NL_DL_FUNCTIONS(NL_DL_GROUP_OF)
#undef NL_DL_GROUP_OF
};

/* Filled by nl_dl_load(); read only through the macros below. */
extern struct nl_dl_table nl_dl_fn;
/* The groups whose pointers are set (NL_DL_* bits). */
extern unsigned int nl_dl_loaded;

/*
 * Open the libraries of `groups` not yet loaded and set their pointers.
 * Returns only on success: on failure it logs which library or symbol is
 * missing and exits the process with KA_EXIT_FATAL.
 */
void nl_dl_load(unsigned int groups);

/* Load `group` unless it is loaded (one test of a bit after the first call). */
#define NL_DL_READY(group) \
	(__builtin_expect((nl_dl_loaded & (group)) != 0, 1) ? (void)0 : nl_dl_load(group))

/* The function pointer of libnl's `name`, its library loaded. */
#define NL_DL_CALL(name) (NL_DL_READY(NL_DL_GROUP_##name), *nl_dl_fn.name)

/* Redirections: a call name(...) goes through nl_dl_fn.name. */
/* libnl-3 */
#define nl_addr_build(...) NL_DL_CALL(nl_addr_build)(__VA_ARGS__)
#define nl_addr_get_binary_addr(...) NL_DL_CALL(nl_addr_get_binary_addr)(__VA_ARGS__)
#define nl_addr_get_family(...) NL_DL_CALL(nl_addr_get_family)(__VA_ARGS__)
#define nl_addr_get_len(...) NL_DL_CALL(nl_addr_get_len)(__VA_ARGS__)
#define nl_addr_put(...) NL_DL_CALL(nl_addr_put)(__VA_ARGS__)
#define nl_addr_set_prefixlen(...) NL_DL_CALL(nl_addr_set_prefixlen)(__VA_ARGS__)
#define nl_cache_free(...) NL_DL_CALL(nl_cache_free)(__VA_ARGS__)
#define nl_cache_get_first(...) NL_DL_CALL(nl_cache_get_first)(__VA_ARGS__)
#define nl_cache_get_next(...) NL_DL_CALL(nl_cache_get_next)(__VA_ARGS__)
#define nl_connect(...) NL_DL_CALL(nl_connect)(__VA_ARGS__)
#define nl_geterror(...) NL_DL_CALL(nl_geterror)(__VA_ARGS__)
#define nl_recvmsgs_default(...) NL_DL_CALL(nl_recvmsgs_default)(__VA_ARGS__)
#define nl_send_auto(...) NL_DL_CALL(nl_send_auto)(__VA_ARGS__)
#define nl_send_sync(...) NL_DL_CALL(nl_send_sync)(__VA_ARGS__)
#define nl_socket_add_memberships(...) NL_DL_CALL(nl_socket_add_memberships)(__VA_ARGS__)
#define nl_socket_alloc(...) NL_DL_CALL(nl_socket_alloc)(__VA_ARGS__)
#define nl_socket_disable_seq_check(...) NL_DL_CALL(nl_socket_disable_seq_check)(__VA_ARGS__)
#define nl_socket_enable_msg_peek(...) NL_DL_CALL(nl_socket_enable_msg_peek)(__VA_ARGS__)
#define nl_socket_free(...) NL_DL_CALL(nl_socket_free)(__VA_ARGS__)
#define nl_socket_get_fd(...) NL_DL_CALL(nl_socket_get_fd)(__VA_ARGS__)
#define nl_socket_get_local_port(...) NL_DL_CALL(nl_socket_get_local_port)(__VA_ARGS__)
#define nl_socket_modify_cb(...) NL_DL_CALL(nl_socket_modify_cb)(__VA_ARGS__)
#define nl_socket_modify_err_cb(...) NL_DL_CALL(nl_socket_modify_err_cb)(__VA_ARGS__)
#define nl_socket_set_buffer_size(...) NL_DL_CALL(nl_socket_set_buffer_size)(__VA_ARGS__)
#define nl_socket_set_nonblocking(...) NL_DL_CALL(nl_socket_set_nonblocking)(__VA_ARGS__)
#define nl_wait_for_ack(...) NL_DL_CALL(nl_wait_for_ack)(__VA_ARGS__)
#define nla_data(...) NL_DL_CALL(nla_data)(__VA_ARGS__)
#define nla_get_u16(...) NL_DL_CALL(nla_get_u16)(__VA_ARGS__)
#define nla_get_u32(...) NL_DL_CALL(nla_get_u32)(__VA_ARGS__)
#define nla_get_u64(...) NL_DL_CALL(nla_get_u64)(__VA_ARGS__)
#define nla_get_u8(...) NL_DL_CALL(nla_get_u8)(__VA_ARGS__)
#define nla_len(...) NL_DL_CALL(nla_len)(__VA_ARGS__)
#define nla_nest_end(...) NL_DL_CALL(nla_nest_end)(__VA_ARGS__)
#define nla_nest_start(...) NL_DL_CALL(nla_nest_start)(__VA_ARGS__)
#define nla_parse_nested(...) NL_DL_CALL(nla_parse_nested)(__VA_ARGS__)
#define nla_put(...) NL_DL_CALL(nla_put)(__VA_ARGS__)
#define nla_put_string(...) NL_DL_CALL(nla_put_string)(__VA_ARGS__)
#define nla_put_u16(...) NL_DL_CALL(nla_put_u16)(__VA_ARGS__)
#define nla_put_u32(...) NL_DL_CALL(nla_put_u32)(__VA_ARGS__)
#define nla_put_u64(...) NL_DL_CALL(nla_put_u64)(__VA_ARGS__)
#define nla_put_u8(...) NL_DL_CALL(nla_put_u8)(__VA_ARGS__)
#define nla_strlcpy(...) NL_DL_CALL(nla_strlcpy)(__VA_ARGS__)
#define nlmsg_alloc(...) NL_DL_CALL(nlmsg_alloc)(__VA_ARGS__)
#define nlmsg_alloc_simple(...) NL_DL_CALL(nlmsg_alloc_simple)(__VA_ARGS__)
#define nlmsg_convert(...) NL_DL_CALL(nlmsg_convert)(__VA_ARGS__)
#define nlmsg_append(...) NL_DL_CALL(nlmsg_append)(__VA_ARGS__)
#define nlmsg_data(...) NL_DL_CALL(nlmsg_data)(__VA_ARGS__)
#define nlmsg_free(...) NL_DL_CALL(nlmsg_free)(__VA_ARGS__)
#define nlmsg_hdr(...) NL_DL_CALL(nlmsg_hdr)(__VA_ARGS__)
#define nlmsg_parse(...) NL_DL_CALL(nlmsg_parse)(__VA_ARGS__)

/* libnl-route-3 */
#define rtnl_addr_add(...) NL_DL_CALL(rtnl_addr_add)(__VA_ARGS__)
#define rtnl_addr_alloc(...) NL_DL_CALL(rtnl_addr_alloc)(__VA_ARGS__)
#define rtnl_addr_alloc_cache(...) NL_DL_CALL(rtnl_addr_alloc_cache)(__VA_ARGS__)
#define rtnl_addr_delete(...) NL_DL_CALL(rtnl_addr_delete)(__VA_ARGS__)
#define rtnl_addr_get_ifindex(...) NL_DL_CALL(rtnl_addr_get_ifindex)(__VA_ARGS__)
#define rtnl_addr_get_local(...) NL_DL_CALL(rtnl_addr_get_local)(__VA_ARGS__)
#define rtnl_addr_put(...) NL_DL_CALL(rtnl_addr_put)(__VA_ARGS__)
#define rtnl_addr_set_broadcast(...) NL_DL_CALL(rtnl_addr_set_broadcast)(__VA_ARGS__)
#define rtnl_addr_set_family(...) NL_DL_CALL(rtnl_addr_set_family)(__VA_ARGS__)
#define rtnl_addr_set_flags(...) NL_DL_CALL(rtnl_addr_set_flags)(__VA_ARGS__)
#define rtnl_addr_set_ifindex(...) NL_DL_CALL(rtnl_addr_set_ifindex)(__VA_ARGS__)
#define rtnl_addr_set_label(...) NL_DL_CALL(rtnl_addr_set_label)(__VA_ARGS__)
#define rtnl_addr_set_local(...) NL_DL_CALL(rtnl_addr_set_local)(__VA_ARGS__)
#define rtnl_addr_set_peer(...) NL_DL_CALL(rtnl_addr_set_peer)(__VA_ARGS__)
#define rtnl_addr_set_preferred_lifetime(...) NL_DL_CALL(rtnl_addr_set_preferred_lifetime)(__VA_ARGS__)
#define rtnl_addr_set_scope(...) NL_DL_CALL(rtnl_addr_set_scope)(__VA_ARGS__)
#define rtnl_addr_set_valid_lifetime(...) NL_DL_CALL(rtnl_addr_set_valid_lifetime)(__VA_ARGS__)
#define rtnl_link_add(...) NL_DL_CALL(rtnl_link_add)(__VA_ARGS__)
#define rtnl_link_alloc(...) NL_DL_CALL(rtnl_link_alloc)(__VA_ARGS__)
#define rtnl_link_change(...) NL_DL_CALL(rtnl_link_change)(__VA_ARGS__)
#define rtnl_link_delete(...) NL_DL_CALL(rtnl_link_delete)(__VA_ARGS__)
#define rtnl_link_get_addr(...) NL_DL_CALL(rtnl_link_get_addr)(__VA_ARGS__)
#define rtnl_link_get_flags(...) NL_DL_CALL(rtnl_link_get_flags)(__VA_ARGS__)
#define rtnl_link_get_ifindex(...) NL_DL_CALL(rtnl_link_get_ifindex)(__VA_ARGS__)
#define rtnl_link_get_kernel(...) NL_DL_CALL(rtnl_link_get_kernel)(__VA_ARGS__)
#define rtnl_link_get_link(...) NL_DL_CALL(rtnl_link_get_link)(__VA_ARGS__)
#define rtnl_link_get_mtu(...) NL_DL_CALL(rtnl_link_get_mtu)(__VA_ARGS__)
#define rtnl_link_get_name(...) NL_DL_CALL(rtnl_link_get_name)(__VA_ARGS__)
#define rtnl_link_get_type(...) NL_DL_CALL(rtnl_link_get_type)(__VA_ARGS__)
#define rtnl_link_inet6_set_addr_gen_mode(...) NL_DL_CALL(rtnl_link_inet6_set_addr_gen_mode)(__VA_ARGS__)
#define rtnl_link_macvlan_alloc(...) NL_DL_CALL(rtnl_link_macvlan_alloc)(__VA_ARGS__)
#define rtnl_link_macvlan_set_mode(...) NL_DL_CALL(rtnl_link_macvlan_set_mode)(__VA_ARGS__)
#define rtnl_link_put(...) NL_DL_CALL(rtnl_link_put)(__VA_ARGS__)
#define rtnl_link_set_addr(...) NL_DL_CALL(rtnl_link_set_addr)(__VA_ARGS__)
#define rtnl_link_set_flags(...) NL_DL_CALL(rtnl_link_set_flags)(__VA_ARGS__)
#define rtnl_link_set_ifindex(...) NL_DL_CALL(rtnl_link_set_ifindex)(__VA_ARGS__)
#define rtnl_link_set_link(...) NL_DL_CALL(rtnl_link_set_link)(__VA_ARGS__)
#define rtnl_link_set_name(...) NL_DL_CALL(rtnl_link_set_name)(__VA_ARGS__)
#define rtnl_link_unset_flags(...) NL_DL_CALL(rtnl_link_unset_flags)(__VA_ARGS__)
#define rtnl_route_add_nexthop(...) NL_DL_CALL(rtnl_route_add_nexthop)(__VA_ARGS__)
#define rtnl_route_alloc(...) NL_DL_CALL(rtnl_route_alloc)(__VA_ARGS__)
#define rtnl_route_build_add_request(...) NL_DL_CALL(rtnl_route_build_add_request)(__VA_ARGS__)
#define rtnl_route_delete(...) NL_DL_CALL(rtnl_route_delete)(__VA_ARGS__)
#define rtnl_route_nh_alloc(...) NL_DL_CALL(rtnl_route_nh_alloc)(__VA_ARGS__)
#define rtnl_route_nh_free(...) NL_DL_CALL(rtnl_route_nh_free)(__VA_ARGS__)
#define rtnl_route_nh_set_flags(...) NL_DL_CALL(rtnl_route_nh_set_flags)(__VA_ARGS__)
#define rtnl_route_nh_set_gateway(...) NL_DL_CALL(rtnl_route_nh_set_gateway)(__VA_ARGS__)
#define rtnl_route_nh_set_ifindex(...) NL_DL_CALL(rtnl_route_nh_set_ifindex)(__VA_ARGS__)
#define rtnl_route_nh_set_realms(...) NL_DL_CALL(rtnl_route_nh_set_realms)(__VA_ARGS__)
#define rtnl_route_nh_set_weight(...) NL_DL_CALL(rtnl_route_nh_set_weight)(__VA_ARGS__)
#define rtnl_route_put(...) NL_DL_CALL(rtnl_route_put)(__VA_ARGS__)
#define rtnl_route_set_dst(...) NL_DL_CALL(rtnl_route_set_dst)(__VA_ARGS__)
#define rtnl_route_set_family(...) NL_DL_CALL(rtnl_route_set_family)(__VA_ARGS__)
#define rtnl_route_set_pref_src(...) NL_DL_CALL(rtnl_route_set_pref_src)(__VA_ARGS__)
#define rtnl_route_set_priority(...) NL_DL_CALL(rtnl_route_set_priority)(__VA_ARGS__)
#define rtnl_route_set_protocol(...) NL_DL_CALL(rtnl_route_set_protocol)(__VA_ARGS__)
#define rtnl_route_set_scope(...) NL_DL_CALL(rtnl_route_set_scope)(__VA_ARGS__)
#define rtnl_route_set_src(...) NL_DL_CALL(rtnl_route_set_src)(__VA_ARGS__)
#define rtnl_route_set_table(...) NL_DL_CALL(rtnl_route_set_table)(__VA_ARGS__)
#define rtnl_route_set_tos(...) NL_DL_CALL(rtnl_route_set_tos)(__VA_ARGS__)
#define rtnl_route_set_type(...) NL_DL_CALL(rtnl_route_set_type)(__VA_ARGS__)
#define rtnl_rule_alloc(...) NL_DL_CALL(rtnl_rule_alloc)(__VA_ARGS__)
#define rtnl_rule_build_add_request(...) NL_DL_CALL(rtnl_rule_build_add_request)(__VA_ARGS__)
#define rtnl_rule_build_delete_request(...) NL_DL_CALL(rtnl_rule_build_delete_request)(__VA_ARGS__)
#define rtnl_rule_put(...) NL_DL_CALL(rtnl_rule_put)(__VA_ARGS__)
#define rtnl_rule_set_action(...) NL_DL_CALL(rtnl_rule_set_action)(__VA_ARGS__)
#define rtnl_rule_set_dport_range(...) NL_DL_CALL(rtnl_rule_set_dport_range)(__VA_ARGS__)
#define rtnl_rule_set_dsfield(...) NL_DL_CALL(rtnl_rule_set_dsfield)(__VA_ARGS__)
#define rtnl_rule_set_dst(...) NL_DL_CALL(rtnl_rule_set_dst)(__VA_ARGS__)
#define rtnl_rule_set_family(...) NL_DL_CALL(rtnl_rule_set_family)(__VA_ARGS__)
#define rtnl_rule_set_goto(...) NL_DL_CALL(rtnl_rule_set_goto)(__VA_ARGS__)
#define rtnl_rule_set_iif(...) NL_DL_CALL(rtnl_rule_set_iif)(__VA_ARGS__)
#define rtnl_rule_set_ipproto(...) NL_DL_CALL(rtnl_rule_set_ipproto)(__VA_ARGS__)
#define rtnl_rule_set_l3mdev(...) NL_DL_CALL(rtnl_rule_set_l3mdev)(__VA_ARGS__)
#define rtnl_rule_set_mark(...) NL_DL_CALL(rtnl_rule_set_mark)(__VA_ARGS__)
#define rtnl_rule_set_mask(...) NL_DL_CALL(rtnl_rule_set_mask)(__VA_ARGS__)
#define rtnl_rule_set_oif(...) NL_DL_CALL(rtnl_rule_set_oif)(__VA_ARGS__)
#define rtnl_rule_set_prio(...) NL_DL_CALL(rtnl_rule_set_prio)(__VA_ARGS__)
#define rtnl_rule_set_protocol(...) NL_DL_CALL(rtnl_rule_set_protocol)(__VA_ARGS__)
#define rtnl_rule_set_realms(...) NL_DL_CALL(rtnl_rule_set_realms)(__VA_ARGS__)
#define rtnl_rule_set_sport_range(...) NL_DL_CALL(rtnl_rule_set_sport_range)(__VA_ARGS__)
#define rtnl_rule_set_src(...) NL_DL_CALL(rtnl_rule_set_src)(__VA_ARGS__)
#define rtnl_rule_set_table(...) NL_DL_CALL(rtnl_rule_set_table)(__VA_ARGS__)

/* libnl-genl-3 */
#define genl_connect(...) NL_DL_CALL(genl_connect)(__VA_ARGS__)
#define genl_ctrl_resolve(...) NL_DL_CALL(genl_ctrl_resolve)(__VA_ARGS__)
#define genlmsg_parse(...) NL_DL_CALL(genlmsg_parse)(__VA_ARGS__)
#define genlmsg_put(...) NL_DL_CALL(genlmsg_put)(__VA_ARGS__)

#endif
