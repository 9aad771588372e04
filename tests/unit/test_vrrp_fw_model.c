/*
 * test_vrrp_fw_model.c - the VMAC settings read from a configuration
 * (vrrp_model_vmac.c) and the no_accept decision of the firewall
 * (vrrp_fw_drops in vrrp_firewall.c), against keepalived.conf(5) and what
 * Debian's 2.2.7 does: VMAC names vrrp.VRID / PREFIX.VRID / given, MACs
 * 00:00:5e:00:01|02:VRID or given (5 octets + VRID), vmac_xmit_base reset
 * by strict mode and forced by unicast peers; VIP traffic dropped for
 * no_accept or strict mode unless "accept" (VRRPv3) or priority 255.
 * Links only the two modules (the nftables backend is the stub).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "conf.h"
#include "vrrp_firewall.h"
#include "vrrp_model.h"

static struct conf *conf;
static struct vrrp_model_inst mi;

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, "line %u: %s\n", (unsigned)src->line, msg);
}

/* Load a configuration and read the VMAC part of its first instance, with
 * the model fields it depends on set as vrrp_model.c would. */
static const struct vrrp_vmac_conf *read_vmac(const char *text, int family, bool strict,
					       size_t npeers)
{
	struct conf_load_opts o = { .diag = diag, .config_id = "test", .skip_tree_checks = true };
	const struct conf_node *inst;

	conf = conf_load_buffer("t.conf", text, strlen(text), &o);
	assert_non_null(conf);
	inst = conf_find(conf->root, "vrrp_instance");
	assert_non_null(inst);
	memset(&mi, 0, sizeof(mi));
	mi.name = "VI_1";
	mi.vrid = 51;
	mi.family = family;
	mi.strict = strict;
	mi.npeers = npeers;
	vrrp_model_vmac_read(inst, &mi);
	return &mi.vmac;
}

static int teardown(void **state)
{
	(void)state;
	conf_free(conf);
	conf = NULL;
	return 0;
}

#define INST(body) "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n" body "}\n"

static void test_no_vmac(void **state)
{
	(void)state;
	assert_false(read_vmac(INST(""), AF_INET, false, 0)->use);
}

static void test_default_names_and_macs(void **state)
{
	static const uint8_t v4[6] = { 0, 0, 0x5e, 0, 1, 51 }, v6[6] = { 0, 0, 0x5e, 0, 2, 51 };
	const struct vrrp_vmac_conf *v = read_vmac(INST(" use_vmac\n"), AF_INET, false, 0);

	(void)state;
	assert_true(v->use);
	assert_string_equal(v->name, "vrrp.51");
	assert_memory_equal(v->mac, v4, 6);
	assert_false(v->xmit_base);
	teardown(NULL);
	v = read_vmac(INST(" use_vmac\n"), AF_INET6, false, 0);
	assert_string_equal(v->name, "vrrp.51");
	assert_memory_equal(v->mac, v6, 6);
}

static void test_prefix_name_and_mac(void **state)
{
	static const uint8_t five[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 51 };
	static const uint8_t six[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const struct vrrp_vmac_conf *v;

	(void)state;
	v = read_vmac("global_defs {\n vmac_prefix vx\n}\n" INST(" use_vmac\n"), AF_INET, false, 0);
	assert_string_equal(v->name, "vx.51");
	teardown(NULL);
	v = read_vmac(INST(" use_vmac myvmac 02:aa:bb:cc:dd\n"), AF_INET, false, 0);
	assert_string_equal(v->name, "myvmac");
	assert_memory_equal(v->mac, five, 6);
	teardown(NULL);
	v = read_vmac(INST(" use_vmac 02:11:22:33:44:55\n"), AF_INET, false, 0);
	assert_string_equal(v->name, "vrrp.51");
	assert_memory_equal(v->mac, six, 6);
}

static void test_xmit_base(void **state)
{
	(void)state;
	assert_true(read_vmac(INST(" use_vmac\n vmac_xmit_base\n"), AF_INET, false, 0)->xmit_base);
	teardown(NULL);
	/* strict mode resets it; unicast peers force it */
	assert_false(read_vmac(INST(" use_vmac\n vmac_xmit_base\n"), AF_INET, true, 0)->xmit_base);
	teardown(NULL);
	assert_true(read_vmac(INST(" use_vmac\n"), AF_INET, false, 1)->xmit_base);
}

static bool drops(bool accept, bool strict, int version, uint8_t prio)
{
	struct vrrp_model_inst m;

	memset(&m, 0, sizeof(m));
	m.accept = accept;
	m.strict = strict;
	m.version = (uint8_t)version;
	m.family = AF_INET;
	m.base_prio = prio;
	return vrrp_fw_drops(&m);
}

static void test_drops(void **state)
{
	(void)state;
	assert_false(drops(true, false, 2, 100));   /* default: accept */
	assert_true(drops(false, false, 2, 100));   /* no_accept */
	assert_true(drops(false, true, 3, 100));    /* strict: no_accept by default */
	assert_false(drops(true, true, 3, 100));    /* strict + accept, VRRPv3 */
	assert_true(drops(true, true, 2, 100));     /* VRRPv2 has no accept mode */
	assert_false(drops(false, true, 2, 255));   /* the address owner accepts */
	assert_false(drops(false, false, 3, 255));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_vmac, teardown),
		cmocka_unit_test_teardown(test_default_names_and_macs, teardown),
		cmocka_unit_test_teardown(test_prefix_name_and_mac, teardown),
		cmocka_unit_test_teardown(test_xmit_base, teardown),
		cmocka_unit_test(test_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
