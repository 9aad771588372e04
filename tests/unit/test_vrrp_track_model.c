/*
 * test_vrrp_track_model.c - the tracking part of the instance model: one
 * shared object per tracked name, per-instance weights and reverse
 * (the line's, else the block's, else the kind's default), the defaults
 * of vrrp_script / track_file / vrrp_track_process, the references 2.2.7
 * ignores (weighted tracking of an address owner or a sync group member),
 * a sync group's tracking given to each member,
 * and a missing script disabled.  Interface lo (the only one a unit test
 * can count on) with the whole-tree checks skipped.  Only the tracking
 * builder is linked: the instances are filled with the three fields it reads.
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
#include "vrrp_model.h"
#include "vrrp_track.h"

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, "line %u: %s\n", (unsigned)src->line, msg);
}

static struct conf *conf;
static struct nlctx nl;
static struct vrrp_model model;

/* The instance fields the tracking builder reads (name, interface,
 * priority), without the rest of the instance model. */
static void build(const char *text)
{
	struct conf_load_opts o = { .diag = diag, .config_id = "test", .skip_tree_checks = true };
	const struct conf_node *n;

	conf = conf_load_buffer("t.conf", text, strlen(text), &o);
	assert_int_equal(conf->errors, 0);
	assert_int_equal(nlctx_open(&nl), 0);
	model.inst = calloc(conf_count(conf->root, "vrrp_instance"), sizeof(*model.inst));
	assert_non_null(model.inst);
	conf_foreach(n, conf->root) {
		struct vrrp_model_inst *mi;

		if (!conf_node_name(n) || strcmp(conf_node_name(n), "vrrp_instance") != 0)
			continue;
		mi = &model.inst[model.ninst++];
		mi->name = n->argv[0];
		mi->ifname = conf_get_str(n, "interface", NULL);
		mi->base_prio = (uint8_t)conf_get_int(n, "priority", 100);
	}
	assert_int_equal(vrrp_model_track_build(conf, &nl, &model), 0);
}

static int teardown(void **state)
{
	(void)state;
	vrrp_model_track_free(&model);
	free(model.inst);
	memset(&model, 0, sizeof(model));
	nlctx_close(&nl);
	conf_free(conf);
	conf = NULL;
	return 0;
}

#define INST(name, vrid, prio, body) \
	"vrrp_instance " name " {\n interface lo\n virtual_router_id " #vrid "\n" \
	" priority " #prio "\n" body " virtual_ipaddress {\n  10.1.2.3\n }\n}\n"

static const struct vrrp_track_obj_cfg *obj(const struct vrrp_model_inst *m, size_t i)
{
	return &m->track->set->objs[m->track->refs[i].obj];
}

static void test_scripts_shared_and_weights(void **state)
{
	const struct vrrp_model_inst *a, *b;
	const struct vrrp_track_obj_cfg *o;

	(void)state;
	build("vrrp_script chk {\n script \"/bin/true arg\"\n interval 2\n weight -30\n"
	      " rise 3\n fall 4\n init_fail\n}\n"
	      "vrrp_script chk2 {\n script /bin/false\n timeout 5\n weight 10 reverse\n}\n"
	      INST("VI_1", 1, 100, " track_script {\n  chk\n  chk2 weight 5 noreverse\n }\n")
	      INST("VI_2", 2, 100, " track_script {\n  chk weight 0\n  chk\n }\n"));
	assert_int_equal(model.ninst, 2);
	a = &model.inst[0];
	b = &model.inst[1];
	assert_non_null(a->track);
	assert_ptr_equal(a->track->set, b->track->set);
	assert_int_equal(a->track->set->nobjs, 2);
	assert_int_equal(a->track->nrefs, 2);
	o = obj(a, 0);
	assert_int_equal(o->kind, VRRP_TRACK_SCRIPT);
	assert_string_equal(o->name, "chk");
	assert_string_equal(o->u.script.cmd, "/bin/true arg");
	assert_int_equal(o->u.script.interval_us, 2000000);
	assert_int_equal(o->u.script.timeout_us, 2000000);   /* the interval */
	assert_int_equal(o->u.script.rise, 3);
	assert_int_equal(o->u.script.fall, 4);
	assert_true(o->u.script.init_fail);
	assert_null(o->u.script.disabled);
	assert_int_equal(a->track->refs[0].weight, -30);
	assert_int_equal(obj(a, 1)->u.script.timeout_us, 5000000);
	assert_int_equal(a->track->refs[1].weight, 5);
	assert_false(a->track->refs[1].reverse);
	assert_true(obj(a, 1)->reverse);
	/* the line's weight; the duplicate ignored */
	assert_int_equal(b->track->nrefs, 1);
	assert_int_equal(b->track->refs[0].weight, 0);
}

static void test_files_processes_interfaces(void **state)
{
	const struct vrrp_model_inst *a;
	const struct vrrp_track_obj_cfg *o;

	(void)state;
	build("track_file tf {\n file /tmp/x\n init_file 7 overwrite\n}\n"
	      "vrrp_track_file old {\n file /tmp/y\n weight -2 reverse\n}\n"
	      "vrrp_track_process tp {\n process haproxy -f \"/etc/a b.cfg\"\n"
	      " param_match partial\n quorum 2\n quorum_max 3\n delay 1.5\n}\n"
	      INST("VI_1", 1, 100, " track_file {\n  tf\n  old\n }\n"
		   " track_process {\n  tp weight 20\n }\n"
		   " track_interface {\n  lo\n  nosuchif0\n }\n"));
	a = &model.inst[0];
	assert_int_equal(a->track->nrefs, 3);      /* lo is its own interface; nosuchif0 absent */
	o = obj(a, 0);
	assert_int_equal(o->kind, VRRP_TRACK_FILE);
	assert_string_equal(o->u.file.path, "/tmp/x");
	assert_int_equal(a->track->refs[0].weight, 1);
	assert_true(o->u.file.init_file);
	assert_true(o->u.file.overwrite);
	assert_int_equal(o->u.file.init_value, 7);
	assert_int_equal(a->track->refs[1].weight, -2);
	assert_true(a->track->refs[1].reverse);
	o = obj(a, 2);
	assert_int_equal(o->kind, VRRP_TRACK_PROC);
	assert_string_equal(o->u.proc.name, "haproxy");
	assert_int_equal(o->u.proc.nparams, 2);
	assert_memory_equal(o->u.proc.cmdline, "haproxy\0-f\0/etc/a b.cfg", 24);
	assert_int_equal(o->u.proc.cmdline_len, 24);
	assert_int_equal(o->u.proc.match, VRRP_PARAM_PARTIAL);
	assert_int_equal(o->u.proc.quorum, 2);
	assert_int_equal(o->u.proc.quorum_max, 3);
	assert_int_equal(o->u.proc.fork_delay_us, 1500000);
	assert_int_equal(o->u.proc.term_delay_us, 1500000);
	assert_int_equal(a->track->refs[2].weight, 20);
}

static void test_ignored_weights(void **state)
{
	const struct vrrp_model_inst *owner, *member, *tw;

	(void)state;
	build("vrrp_script s {\n script /bin/true\n weight -10\n}\n"
	      "vrrp_script z {\n script /bin/true\n}\n"
	      "track_file tf {\n file /tmp/x\n}\n"
	      "vrrp_sync_group G {\n group {\n  VI_2\n  VI_4\n }\n"
	      " track_file {\n  tf weight 3\n }\n}\n"
	      "vrrp_sync_group H {\n group {\n  VI_3\n }\n sync_group_tracking_weight\n}\n"
	      INST("VI_1", 1, 255, " track_script {\n  s\n  z\n }\n")
	      INST("VI_2", 2, 100, " track_script {\n  s\n  z\n }\n")
	      INST("VI_3", 3, 100, " track_script {\n  s\n }\n")
	      INST("VI_4", 4, 100, ""));
	owner = &model.inst[0];
	member = &model.inst[1];
	tw = &model.inst[2];
	assert_int_equal(owner->track->nrefs, 1);   /* only the unweighted one */
	assert_string_equal(obj(owner, 0)->name, "z");
	assert_int_equal(member->track->nrefs, 2);  /* z, and the group's file */
	assert_string_equal(obj(member, 0)->name, "z");
	assert_string_equal(obj(member, 1)->name, "tf");
	assert_int_equal(member->track->refs[1].weight, 3);
	assert_int_equal(tw->track->nrefs, 1);
	/* a member tracking nothing itself gets the group's tracking */
	assert_int_equal(model.inst[3].track->nrefs, 1);
	assert_int_equal(model.inst[3].track->refs[0].weight, 3);
}

static void test_script_users(void **state)
{
	const struct vrrp_track_model *t;

	(void)state;
	build("global_defs {\n script_user nosuchuser0\n}\n"
	      "vrrp_script own {\n script /bin/true\n user nobody\n}\n"
	      "vrrp_script glob {\n script /bin/true\n}\n"
	      "vrrp_script bad {\n script /bin/true\n user nosuchuser0\n}\n"
	      INST("VI_1", 1, 100, " track_script {\n  own\n  glob\n  bad\n }\n"));
	t = model.inst[0].track;
	assert_int_equal(t->nrefs, 2);              /* bad: its own user is unknown */
	assert_true(t->set->objs[0].u.script.set_ids);
	assert_int_equal(t->set->objs[0].u.script.uid, 65534);
	assert_false(t->set->objs[1].u.script.set_ids);  /* unknown script_user: root */
	assert_string_equal(t->set->objs[2].u.script.disabled, "no usable user");
}

static void test_missing_script_disabled(void **state)
{
	(void)state;
	build("vrrp_script gone {\n script /nonexistent/chk.sh\n}\n"
	      INST("VI_1", 1, 100, " track_script {\n  gone\n }\n"));
	assert_non_null(model.inst[0].track);
	assert_int_equal(model.inst[0].track->nrefs, 0);
	assert_string_equal(model.inst[0].track->set->objs[0].u.script.disabled,
			    "not found/accessible");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_scripts_shared_and_weights, teardown),
		cmocka_unit_test_teardown(test_files_processes_interfaces, teardown),
		cmocka_unit_test_teardown(test_ignored_weights, teardown),
		cmocka_unit_test_teardown(test_script_users, teardown),
		cmocka_unit_test_teardown(test_missing_script_disabled, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
