/*
 * test_vrrp_model_own.c - the VRRP model keeps no pointer into the
 * configuration tree once vrrp_model_build() has returned, so the VRRP
 * child may free the tree (vrrp_model_own.c, childloop.h drop_conf).
 *
 * Two checks on a configuration that fills every string of the model
 * (instance names and interfaces, every notify script with user and
 * group, sync groups and their notify scripts, tracked scripts, files,
 * processes and interfaces, static addresses with a track_group):
 *  - every pointer-sized word of every model array (instances, VIPs,
 *    routes, groups, tracked objects...) is tested against the tree's
 *    arena: this also catches a string field added to the model later
 *    and forgotten in vrrp_model_own.c;
 *  - the tree is freed, then the strings are read (under ASan a missed
 *    one is a use after free).
 * Interface lo, whole-tree checks skipped, as test_vrrp_model.c.
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
#include "conf_internal.h"
#include "vrrp_model.h"
#include "vrrp_route_parse.h"
#include "vrrp_strpool.h"
#include "vrrp_sync.h"
#include "vrrp_track.h"

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, "line %u: %s\n", (unsigned)src->line, msg);
}

#define NOTIFY(kw, cmd) " " kw " \"" cmd "\" root root\n"
#define INST(name, vrid, body) \
	"vrrp_instance " name " {\n interface lo\n virtual_router_id " #vrid "\n" \
	NOTIFY("notify_master", "/bin/echo " name " master") \
	NOTIFY("notify_backup", "/bin/echo " name " backup") \
	NOTIFY("notify_fault", "/bin/echo " name " fault") \
	NOTIFY("notify_stop", "/bin/echo " name " stop") \
	NOTIFY("notify", "/bin/echo " name) \
	NOTIFY("notify_master_rx_lower_pri", "/bin/echo " name " lower") \
	body " virtual_ipaddress {\n  10.1.2.3/32 dev lo label lo:v\n }\n" \
	" virtual_ipaddress_excluded {\n  10.1.2.4\n }\n" \
	" virtual_routes {\n  10.7.0.0/16 dev lo\n }\n}\n"

static const char config[] =
	"global_defs {\n script_user root\n default_interface lo\n}\n"
	"vrrp_script chk {\n script \"/bin/true arg\"\n weight -10\n}\n"
	"track_file tf {\n file /tmp/vrrp-own-test-file\n}\n"
	"vrrp_track_process tp {\n process some-daemon -x\n}\n"
	"track_group TG {\n group {\n  VI_1\n }\n}\n"
	"static_ipaddress {\n 10.9.9.9/32 dev lo track_group TG\n}\n"
	"static_routes {\n 10.8.0.0/16 dev lo\n}\n"
	"vrrp_sync_group G1 {\n group {\n  VI_1\n  VI_2\n }\n"
	NOTIFY("notify_master", "/bin/echo G1 master")
	NOTIFY("notify_backup", "/bin/echo G1 backup")
	NOTIFY("notify_fault", "/bin/echo G1 fault")
	NOTIFY("notify_stop", "/bin/echo G1 stop")
	NOTIFY("notify", "/bin/echo G1")
	" sync_group_tracking_weight\n}\n"
	INST("VI_1", 1, " track_script {\n  chk\n }\n track_file {\n  tf\n }\n"
		" track_process {\n  tp\n }\n track_interface {\n  lo\n }\n")
	INST("VI_2", 2, " track_script {\n  chk weight 5\n }\n")
	INST("VI_3", 3, "");

static struct conf *conf;
static struct nlctx nl;
static struct vrrp_model model;

static void build(void)
{
	struct conf_load_opts o = { .diag = diag, .config_id = "test", .skip_tree_checks = true };

	conf = conf_load_buffer("t.conf", config, strlen(config), &o);
	assert_int_equal(conf->errors, 0);
	assert_int_equal(nlctx_open(&nl), 0);
	assert_int_equal(vrrp_model_build(conf, &nl, &model), 0);
	assert_int_equal(model.ninst, 3);
}

static int teardown(void **state)
{
	(void)state;
	vrrp_model_free(&model);
	nlctx_close(&nl);
	conf_free(conf);
	conf = NULL;
	return 0;
}

/* No pointer-sized word of [mem, mem + size) points into the tree. */
static void no_tree_pointer(const void *mem, size_t size, const char *what)
{
	const unsigned char *p = mem;

	for (size_t off = 0; p && off + sizeof(uintptr_t) <= size; off += sizeof(void *)) {
		const void *word;

		memcpy(&word, p + off, sizeof(word));
		if (word && arena_contains(conf->arena, word, 1)) {
			fprintf(stderr, "%s: the word at offset %zu points into the tree\n", what, off);
			fail();
		}
	}
}

#define NO_TREE(arr, n, what) no_tree_pointer((arr), (n) * sizeof(*(arr)), (what))

static void check_inst(const struct vrrp_model_inst *mi)
{
	NO_TREE(mi, 1, "instance");
	NO_TREE(mi->vips, mi->nvips, "vips");
	NO_TREE(mi->evips, mi->nevips, "excluded vips");
	NO_TREE(mi->peers, mi->npeers, "peers");
	if (mi->notify)
		NO_TREE(mi->notify, VRRP_NOTIFY_KINDS, "notify scripts");
	NO_TREE(mi->vroutes, mi->nvroutes, "routes");
	NO_TREE(mi->vrules, mi->nvrules, "rules");
	if (!mi->track)
		return;
	NO_TREE(mi->track, 1, "track model");
	NO_TREE(mi->track->refs, mi->track->nrefs, "track refs");
	NO_TREE(mi->track->set, 1, "track set");
	NO_TREE(mi->track->set->objs, mi->track->set->nobjs, "tracked objects");
}

static void test_no_pointer_into_the_tree(void **state)
{
	(void)state;
	build();
	NO_TREE(&model, 1, "model");
	for (size_t i = 0; i < model.ninst; i++)
		check_inst(&model.inst[i]);
	assert_int_equal(model.ngroups, 1);
	for (size_t i = 0; i < model.ngroups; i++) {
		NO_TREE(&model.groups[i], 1, "group");
		NO_TREE(model.groups[i].members, model.groups[i].nmembers, "members");
	}
	assert_int_equal(model.nsaddrs, 1);
	NO_TREE(model.saddrs, model.nsaddrs, "static addresses");
	NO_TREE(model.sroutes, model.nsroutes, "static routes");
	NO_TREE(model.srules, model.nsrules, "static rules");
}

static const struct vrrp_track_obj_cfg *find_obj(const struct vrrp_model_inst *mi,
						 enum vrrp_track_kind kind)
{
	for (size_t i = 0; mi->track && i < mi->track->nrefs; i++) {
		const struct vrrp_track_obj_cfg *o = &mi->track->set->objs[mi->track->refs[i].obj];

		if (o->kind == kind)
			return o;
	}
	return NULL;
}

/* Every string reads as written after the tree is gone. */
static void test_strings_survive_the_tree(void **state)
{
	const struct vrrp_model_inst *m;
	const struct vrrp_track_obj_cfg *o;

	(void)state;
	build();
	conf_free(conf);
	conf = NULL;
	m = &model.inst[0];
	assert_string_equal(m->name, "VI_1");
	assert_string_equal(m->ifname, "lo");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_MASTER)->cmd, "/bin/echo VI_1 master");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_BACKUP)->cmd, "/bin/echo VI_1 backup");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_FAULT)->cmd, "/bin/echo VI_1 fault");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_STOP)->cmd, "/bin/echo VI_1 stop");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_ANY)->cmd, "/bin/echo VI_1");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_RX_LOWER)->cmd, "/bin/echo VI_1 lower");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_MASTER)->user, "root");
	assert_string_equal(vrrp_model_notify(m, VRRP_NOTIFY_RX_LOWER)->group, "root");
	assert_string_equal(model.inst[2].name, "VI_3");
	/* one copy of a string named by several instances */
	assert_ptr_equal(model.inst[1].ifname, m->ifname);
	assert_ptr_equal(vrrp_model_notify(&model.inst[2], VRRP_NOTIFY_MASTER)->user,
			 vrrp_model_notify(m, VRRP_NOTIFY_MASTER)->user);
	assert_string_equal(model.groups[0].name, "G1");
	assert_string_equal(model.groups[0].notify_master.cmd, "/bin/echo G1 master");
	assert_string_equal(model.groups[0].notify.cmd, "/bin/echo G1");
	assert_string_equal(model.groups[0].notify_stop.group, "root");
	assert_string_equal(model.saddrs[0].track_group, "TG");
	assert_non_null(o = find_obj(m, VRRP_TRACK_SCRIPT));
	assert_string_equal(o->name, "chk");
	assert_string_equal(o->u.script.cmd, "/bin/true arg");
	assert_non_null(o = find_obj(m, VRRP_TRACK_FILE));
	assert_string_equal(o->name, "tf");
	assert_string_equal(o->u.file.path, "/tmp/vrrp-own-test-file");
	assert_non_null(o = find_obj(m, VRRP_TRACK_PROC));
	assert_string_equal(o->name, "tp");
	assert_string_equal(o->u.proc.name, "some-daemon");
	assert_true(vrrp_strpool_bytes(model.strs) > 0);
}

static void test_pool(void **state)
{
	struct vrrp_strpool *p = vrrp_strpool_new();
	char big[10000], name[32];
	const char *a, *b;

	(void)state;
	assert_non_null(p);
	a = vrrp_strpool_add(p, "eth0");
	b = vrrp_strpool_add(p, "eth0");
	assert_ptr_equal(a, b);
	assert_string_equal(a, "eth0");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(vrrp_strpool_add(p, big), big);      /* larger than a chunk */
	for (int i = 0; i < 2000; i++) {                        /* the table grows */
		snprintf(name, sizeof(name), "VI_%d", i);
		assert_string_equal(vrrp_strpool_add(p, name), name);
	}
	assert_ptr_equal(vrrp_strpool_add(p, "eth0"), a);
	assert_string_equal(vrrp_strpool_add(p, ""), "");
	vrrp_strpool_free(p);
	vrrp_strpool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_pointer_into_the_tree, teardown),
		cmocka_unit_test_teardown(test_strings_survive_the_tree, teardown),
		cmocka_unit_test(test_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
