/*
 * test_parser.c - the parser, typed values and canonical printer against a
 * small keyword table of the test's own (the real tables are tested
 * through the golden and sample tests).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"

static const char *const states[] = { "MASTER", "BACKUP", NULL };

static const struct conf_kw inner_kw[] = {
	{ .name = "depth", .kind = KV_INT, .min = 0, .max = 9 },
	{ .name = "sub", .kind = KV_BLOCK, .sub = inner_kw },
	{ NULL }
};

static const struct conf_kw inst_kw[] = {
	{ .name = "priority", .kind = KV_INT, .min = 1, .max = 255 },
	{ .name = "advert_int", .kind = KV_TIMER, .min = 1, .max = 0 },
	{ .name = "state", .kind = KV_ENUM, .enums = states },
	{ .name = "nopreempt", .kind = KV_FLAG },
	{ .name = "smtp_alert", .kind = KV_BOOL },
	{ .name = "virtual_ipaddress", .kind = KV_LIST },
	{ .name = "notify", .kind = KV_SCRIPT },
	{ .name = "mcast_src_ip", .kind = KV_ADDR },
	{ .name = "vip", .kind = KV_ADDR, .flags = KWF_PREFIX },
	{ .name = "old_prio", .kind = KV_INT, .min = 0, .max = 10, .canon = "new_prio",
	  .flags = KWF_DEPRECATED },
	{ .name = "new_prio", .kind = KV_INT, .min = 0, .max = 10 },
	{ .name = "sub", .kind = KV_BLOCK, .sub = inner_kw },
	{ .name = "opt_list", .kind = KV_LIST, .flags = KWF_OPT_BLOCK },
	{ NULL }
};

static const struct conf_kw global_kw[] = {
	{ .name = "router_id", .kind = KV_STR },
	{ .name = "smtp_server", .kind = KV_STR },
	{ NULL }
};

static const struct conf_kw test_root[] = {
	{ .name = "global_defs", .kind = KV_BLOCK, .sub = global_kw, .flags = KWF_MULTI },
	{ .name = "vrrp_instance", .kind = KV_BLOCK, .min_args = 1, .max_args = 1, .sub = inst_kw },
	{ .name = "router_id", .kind = KV_STR },
	{ NULL }
};

static char diags[8192];

static void collect(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	size_t len = strlen(diags);

	(void)arg;
	(void)prio;
	snprintf(diags + len, sizeof(diags) - len, "%u: %s\n", src ? src->line : 0, msg);
}

static struct conf *load(const char *text)
{
	struct conf_load_opts o = { .diag = collect, .root_keywords = test_root,
				    .skip_tree_checks = true, .config_id = "test" };

	struct conf *c;

	diags[0] = '\0';
	c = conf_load_buffer("t.conf", text, strlen(text), &o);
	print_message("%s", diags);             /* shown with the test's output */
	return c;
}

static char *print(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	conf_print(c, f);
	fclose(f);
	return buf;
}

static void test_brace_placement(void **state)
{
	const char *forms[] = {
		"vrrp_instance VI_1 {\n priority 50\n}\n",
		"vrrp_instance VI_1\n{\n priority 50\n}\n",
		"vrrp_instance VI_1{priority 50}\n",
		"vrrp_instance VI_1 { priority 50 }\n",
		"vrrp_instance VI_1 {\npriority 50 }\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct conf *c = load(forms[i]);
		char *out = print(c);

		assert_int_equal(c->errors, 0);
		assert_string_equal(out, "vrrp_instance VI_1 {\n    priority 50\n}\n");
		free(out);
		conf_free(c);
	}
}

static void test_typed_values(void **state)
{
	struct conf *c = load("vrrp_instance V {\n priority 200\n advert_int 0.05\n"
			      " state BACKUP\n nopreempt\n smtp_alert off\n"
			      " mcast_src_ip fe80::1\n vip 10.0.0.1/24\n}\n");
	const struct conf_node *v = conf_find(c->root, "vrrp_instance");

	(void)state;
	assert_int_equal(c->errors, 0);
	assert_non_null(v);
	assert_string_equal(v->argv[0], "V");
	assert_int_equal(conf_get_int(v, "priority", 100), 200);
	assert_int_equal(conf_get_usec(v, "advert_int", 1000000), 50000);
	assert_int_equal(conf_get_int(v, "state", -1), 1);
	assert_true(conf_get_bool(v, "nopreempt", false));
	assert_false(conf_get_bool(v, "smtp_alert", true));
	assert_int_equal(conf_find(v, "mcast_src_ip")->val.addr->family, AF_INET6);
	assert_int_equal(conf_find(v, "vip")->val.addr->plen, 24);
	conf_free(c);
}

static void test_bad_values_dropped(void **state)
{
	struct conf *c = load("vrrp_instance V {\n priority 300\n priority abc\n advert_int x\n"
			      " state SLAVE\n smtp_alert maybe\n mcast_src_ip 1.2.3\n"
			      " vip 10.0.0.1/33\n}\n");
	const struct conf_node *v = conf_find(c->root, "vrrp_instance");

	(void)state;
	assert_int_equal(c->errors, 7);
	assert_null(v->child);
	assert_non_null(strstr(diags, "2: number '300' outside range [1, 255]"));
	assert_non_null(strstr(diags, "3: invalid number 'abc'"));
	assert_non_null(strstr(diags, "5: Invalid value 'SLAVE' for state"));
	conf_free(c);
}

static void test_unknown_keyword_skips_block(void **state)
{
	struct conf *c = load("blah {\n router_id x\n inner { y }\n}\nrouter_id r1\n");
	char *out = print(c);

	(void)state;
	assert_int_equal(c->errors, 1);
	assert_non_null(strstr(diags, "1: Unknown keyword 'blah'"));
	assert_string_equal(out, "router_id r1\n");
	free(out);
	conf_free(c);
}

static void test_stray_braces(void **state)
{
	struct conf *c = load("}\n{\n router_id x\n}\nrouter_id y\n");
	char *out = print(c);

	(void)state;
	assert_int_equal(c->errors, 2);
	assert_string_equal(out, "router_id y\n");
	free(out);
	conf_free(c);
}

static void test_missing_braces(void **state)
{
	struct conf *c = load("vrrp_instance V\npriority 10\nvrrp_instance W {\n priority 20\n");

	(void)state;
	/* without its '{', the block's content is read at the top level */
	assert_int_equal(c->errors, 3);
	assert_non_null(strstr(diags, "1: Missing '{' after 'vrrp_instance'"));
	assert_non_null(strstr(diags, "2: Unknown keyword 'priority'"));
	assert_non_null(strstr(diags, "3: Missing '}' closing 'vrrp_instance'"));
	conf_free(c);
}

static void test_lists_and_scripts(void **state)
{
	struct conf *c = load("vrrp_instance V {\n virtual_ipaddress {\n  10.0.0.1/24 dev eth0\n"
			      "  10.0.0.2\n }\n notify \"/bin/echo 'a b' c\"\n opt_list\n}\n");
	const struct conf_node *v = conf_find(c->root, "vrrp_instance");
	const struct conf_node *l = conf_find(v, "virtual_ipaddress");
	char *out = print(c);

	(void)state;
	assert_int_equal(c->errors, 0);
	assert_int_equal(l->child->argc, 3);
	assert_string_equal(l->child->next->argv[0], "10.0.0.2");
	assert_string_equal(conf_get_str(v, "notify", NULL), "/bin/echo 'a b' c");
	assert_non_null(conf_find(v, "opt_list"));
	assert_non_null(strstr(out, "    notify \"/bin/echo 'a b' c\"\n"));
	free(out);
	conf_free(c);
}

static void test_deprecated_alias(void **state)
{
	struct conf *c = load("vrrp_instance V {\n old_prio 3\n}\n");
	const struct conf_node *v = conf_find(c->root, "vrrp_instance");

	(void)state;
	assert_int_equal(c->errors, 0);
	assert_int_equal(c->warnings, 1);
	assert_int_equal(conf_get_int(v, "new_prio", 0), 3);
	conf_free(c);
}

static void test_round_trip(void **state)
{
	const char *text = "router_id \"with space\"\nvrrp_instance V {\n advert_int 1.500\n"
			   " smtp_alert yes\n sub { depth 1\n sub { depth 2 } }\n"
			   " virtual_ipaddress { 1.1.1.1 }\n}\n";
	struct conf *c = load(text), *c2;
	char *out = print(c), *out2;

	(void)state;
	assert_int_equal(c->errors, 0);
	c2 = load(out);
	out2 = print(c2);
	assert_int_equal(c2->errors, 0);
	assert_string_equal(out, out2);
	assert_non_null(strstr(out, "advert_int 1.5\n"));
	assert_non_null(strstr(out, "smtp_alert true\n"));
	free(out);
	free(out2);
	conf_free(c);
	conf_free(c2);
}

static void test_deep_nesting(void **state)
{
	char text[4096] = "vrrp_instance V {\n";

	(void)state;
	for (int i = 0; i < 100; i++)
		strcat(text, "sub {\n");
	for (int i = 0; i < 100; i++)
		strcat(text, "}\n");
	strcat(text, "priority 7\n}\nrouter_id after\n");
	struct conf *c = load(text);

	assert_true(c->errors >= 1);
	assert_string_equal(conf_get_str(c->root, "router_id", NULL), "after");
	assert_int_equal(conf_get_int(conf_find(c->root, "vrrp_instance"), "priority", 0), 7);
	conf_free(c);
}

/* global_defs may repeat: a setting is the last one over every block
 * (2.2.7 reads them all into one set of globals). */
static void test_global_over_blocks(void **state)
{
	struct conf *c = load("global_defs {\n router_id a\n smtp_server s1\n}\n"
			      "vrrp_instance V {\n priority 7\n}\n"
			      "global_defs {\n router_id b\n}\n");

	(void)state;
	assert_int_equal(c->errors, 0);
	assert_string_equal(conf_global(c, "router_id")->argv[0], "b");
	assert_string_equal(conf_global(c, "smtp_server")->argv[0], "s1");
	assert_null(conf_global(c, "priority"));
	/* the blocks are folded into the first: one block, every setting */
	assert_int_equal(conf_count(c->root, "global_defs"), 1);
	assert_string_equal(conf_get_str(conf_find(c->root, "global_defs"), "router_id", NULL), "b");
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brace_placement),
		cmocka_unit_test(test_typed_values),
		cmocka_unit_test(test_bad_values_dropped),
		cmocka_unit_test(test_unknown_keyword_skips_block),
		cmocka_unit_test(test_stray_braces),
		cmocka_unit_test(test_missing_braces),
		cmocka_unit_test(test_lists_and_scripts),
		cmocka_unit_test(test_deprecated_alias),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_global_over_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
