/*
 * test_ipvs_req.c - the IPVS request encoder (src/check/ipvs_req.c): the
 * bytes it builds are the bytes libnl builds for the same request (libnl
 * encoded these requests before, and the VM tests proved those against a
 * real kernel), and an attribute that does not fit spoils the request
 * instead of writing past the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/ip_vs.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "ipvs_req.h"

#define FAMILY 0x1f

/* A destination command as the checker sends it: the service's identity
 * nested, then the destination with tunnel options and an odd-length
 * address (IPv4: 4 bytes) and a string needing padding. */
static void build_ours(struct ipvs_req *r, uint8_t cmd, uint16_t flags)
{
	static const uint8_t addr[4] = { 10, 0, 0, 1 }, rs[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
								  0, 0, 0, 0, 0, 0, 0, 2 };
	size_t n;

	ipvs_req_init(r, FAMILY, cmd, IPVS_GENL_VERSION, flags);
	n = ipvs_req_nest_start(r, IPVS_CMD_ATTR_SERVICE);
	ipvs_req_u16(r, IPVS_SVC_ATTR_AF, 2);
	ipvs_req_u16(r, IPVS_SVC_ATTR_PROTOCOL, 6);
	ipvs_req_put(r, IPVS_SVC_ATTR_ADDR, addr, sizeof(addr));
	ipvs_req_u16(r, IPVS_SVC_ATTR_PORT, 0x5000);
	ipvs_req_str(r, IPVS_SVC_ATTR_SCHED_NAME, "lblcr");
	ipvs_req_nest_end(r, n);
	n = ipvs_req_nest_start(r, IPVS_CMD_ATTR_DEST);
	ipvs_req_put(r, IPVS_DEST_ATTR_ADDR, rs, sizeof(rs));
	ipvs_req_u16(r, IPVS_DEST_ATTR_ADDR_FAMILY, 10);
	ipvs_req_u32(r, IPVS_DEST_ATTR_WEIGHT, 7);
	ipvs_req_u8(r, IPVS_DEST_ATTR_TUN_TYPE, 2);
	ipvs_req_nest_end(r, n);
}

static struct nl_msg *build_libnl(uint8_t cmd, int flags)
{
	static const uint8_t addr[4] = { 10, 0, 0, 1 }, rs[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
								  0, 0, 0, 0, 0, 0, 0, 2 };
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *n;

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, flags, cmd,
				    IPVS_GENL_VERSION));
	n = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, 2);
	nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, 6);
	nla_put(m, IPVS_SVC_ATTR_ADDR, sizeof(addr), addr);
	nla_put_u16(m, IPVS_SVC_ATTR_PORT, 0x5000);
	nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, "lblcr");
	nla_nest_end(m, n);
	n = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	nla_put(m, IPVS_DEST_ATTR_ADDR, sizeof(rs), rs);
	nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, 10);
	nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, 7);
	nla_put_u8(m, IPVS_DEST_ATTR_TUN_TYPE, 2);
	nla_nest_end(m, n);
	return m;
}

static void same_as_libnl(uint8_t cmd, uint16_t flags)
{
	struct ipvs_req r;
	struct nl_msg *m = build_libnl(cmd, flags);
	struct nlmsghdr *h = nlmsg_hdr(m);

	memset(&r, 0xa5, sizeof(r));            /* padding must be written, not left */
	build_ours(&r, cmd, flags);
	assert_false(r.overflow);
	assert_int_equal(r.len, r.u.hdr.nlmsg_len);
	/* libnl's genlmsg_put() leaves NLM_F_REQUEST to nl_complete_msg() at send */
	h->nlmsg_flags |= NLM_F_REQUEST;
	assert_int_equal(r.u.hdr.nlmsg_len, h->nlmsg_len);
	assert_memory_equal(r.u.buf, h, h->nlmsg_len);
	nlmsg_free(m);
}

static void test_dest_request(void **state)
{
	(void)state;
	same_as_libnl(IPVS_CMD_NEW_DEST, 0);
}

static void test_dump_request(void **state)
{
	(void)state;
	same_as_libnl(IPVS_CMD_GET_DEST, NLM_F_DUMP);
}

static void test_overflow(void **state)
{
	static const char big[100] = "x";
	struct ipvs_req r;
	size_t n, len;
	int i;

	(void)state;
	ipvs_req_init(&r, FAMILY, IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION, 0);
	n = ipvs_req_nest_start(&r, IPVS_CMD_ATTR_SERVICE);
	for (i = 0; i < 4 && !r.overflow; i++)
		ipvs_req_put(&r, IPVS_SVC_ATTR_PE_NAME, big, sizeof(big));
	assert_false(r.overflow);
	len = r.len;
	ipvs_req_put(&r, IPVS_SVC_ATTR_PE_NAME, big, sizeof(big));    /* 5 x 104 > 512 */
	assert_true(r.overflow);
	assert_int_equal(r.len, len);
	ipvs_req_u32(&r, IPVS_SVC_ATTR_TIMEOUT, 1);     /* would fit, but the request is spoilt */
	assert_int_equal(r.len, len);
	ipvs_req_nest_end(&r, n);
	assert_true(r.overflow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dest_request),
		cmocka_unit_test(test_dump_request),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
