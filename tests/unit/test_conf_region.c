/*
 * test_conf_region.c - a reloaded tree built in a shared region and taken
 * by a child as bytes (conf_region.h, reload_blob.h).
 *
 * A child forked before the publication (as the running children are)
 * takes the tree and finds it equal to the same text loaded on its own
 * heap: printed form, node by node (keyword, words, value, file name,
 * line) and counters.  The regions alternate; the parent leaves a region
 * a child still reads alone (until the child lets it go or dies); a tree
 * too big for its region goes as a blob; a tree inherited through fork()
 * becomes the child's; file names are renumbered when the child numbers
 * them otherwise; a child taking while the parent rebuilds
 * and republishes as fast as it can (in a region or as a blob) never
 * gets a mix.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_internal.h"
#include "conf_region.h"
#include "reload_blob.h"

/* Small regions, so that a test tree can be too big for one. */
#define REGION_BYTES ((size_t)256 << 10)

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	if (prio <= 3 && getenv("REGION_TEST_VERBOSE"))
		print_message("%u: %s\n", src ? src->line : 0, msg);
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

/* A virtual server block per `nvs` with ten real servers and checks. */
static struct conf *generated(const char *name, unsigned nvs, int region)
{
	struct conf_load_opts o = { .diag = quiet, .config_id = "test", .region = region };
	size_t cap = 4096 + nvs * 2048, len = 0;
	char *t = malloc(cap);
	struct conf *c;

	len += (size_t)snprintf(t + len, cap - len,
		"global_defs {\n router_id gen%u\n}\n"
		"virtual_server_group G {\n 10.1.0.1-20 80\n fwmark 7\n}\n"
		"virtual_server group G {\n lb_algo wlc\n lb_kind NAT\n protocol TCP\n"
		" real_server 10.9.0.1 80 {\n weight 3\n }\n}\n", nvs);
	for (unsigned v = 0; v < nvs; v++) {
		len += (size_t)snprintf(t + len, cap - len,
			"virtual_server 10.0.%u.%u 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
			" sorry_server 192.168.9.9 80\n", v / 250, v % 250 + 1);
		for (unsigned r = 0; r < 10; r++)
			len += (size_t)snprintf(t + len, cap - len,
				" real_server 192.168.%u.%u 80 {\n  weight %u\n"
				"  TCP_CHECK {\n   connect_ip fd00::%u\n  }\n }\n",
				v % 200, r + 1, r + 1, r + 1);
		len += (size_t)snprintf(t + len, cap - len, "}\n");
	}
	c = conf_load_buffer(name, t, len, &o);
	free(t);
	return c;
}

/* Node by node: same shape, keyword, words, value, file name, line. */
static bool same_nodes(const struct conf_node *a, const struct conf_node *b)
{
	for (; a || b; a = a->next, b = b->next) {
		if (!a || !b || a->kw != b->kw || a->argc != b->argc || a->src.line != b->src.line ||
		    strcmp(conf_file_name(a->src.file), conf_file_name(b->src.file)))
			return false;
		for (int i = 0; i < a->argc; i++)
			if (strcmp(a->argv[i], b->argv[i]))
				return false;
		if (a->kw && a->kw->kind == KV_ADDR) {
			if (!a->val.addr != !b->val.addr ||
			    (a->val.addr && memcmp(a->val.addr, b->val.addr, sizeof(*a->val.addr))))
				return false;
		} else if (a->kw && (a->kw->kind == KV_INT || a->kw->kind == KV_ENUM) &&
			   a->val.i != b->val.i) {
			return false;
		}
		if (!same_nodes(a->child, b->child))
			return false;
	}
	return true;
}

/* got is the tree `name`/`nvs` would load on this process's heap. */
static bool same_tree(const struct conf *got, const char *name, unsigned nvs)
{
	struct conf *want = generated(name, nvs, 0);
	char *p1 = print(got), *p2 = print(want);
	bool ok = !strcmp(p1, p2) && same_nodes(got->root, want->root) &&
		  got->errors == want->errors && got->warnings == want->warnings;

	free(p1);
	free(p2);
	conf_free(want);
	return ok;
}

/* The parent's reload: build `nvs` in the next region (on the heap with
 * `heap`) and publish it.  Returns the region it went to (-1: the heap). */
static int publish_from(const char *name, unsigned nvs, bool heap)
{
	struct conf *c = generated(name, nvs, heap ? 0 : reload_blob_region());
	struct conf_region_tree t;
	int r = conf_region_describe(c, &t) ? (int)t.region : -1;

	assert_int_equal(c->errors, 0);
	reload_blob_publish(c);
	conf_free(c);
	return r;
}

static int publish(const char *name, unsigned nvs)
{
	return publish_from(name, nvs, false);
}

/* A child blocked until the parent writes a byte to *go_w (the parent's
 * end); returns 0 in the child once released, its pid in the parent. */
static pid_t fork_held(int *go_w)
{
	int go[2];
	char byte;
	pid_t pid;

	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		reload_blob_set_slot(1);
		close(go[1]);
		if (read(go[0], &byte, 1) != 1)
			_exit(2);
		close(go[0]);
		return 0;
	}
	close(go[0]);
	*go_w = go[1];
	return pid;
}

static void release(int go_w)
{
	assert_int_equal(write(go_w, "x", 1), 1);
	close(go_w);
}

/* Reap a fork_held() child (slot 1) and clear its holder bits. */
static void reap_ok(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	reload_blob_child_gone(1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- a child driven through pipes ------------------------------------------ */

struct kid {
	pid_t pid;
	unsigned slot;
	int cmd, reply;
};

/* Commands: 'T' nvs: take, expect the tree of nvs VS ('0' reply: wrong or
 * nothing); 'N': take, expect nothing; 'F': free the oldest tree held. */
static void kid_loop(int cmd, int reply)
{
	struct conf *held[8];
	unsigned n = 0;
	unsigned char buf[2];

	while (read(cmd, buf, 2) == 2) {
		char ok = '0';

		if (buf[0] == 'T') {
			struct conf *c = reload_blob_take();

			if (c && n < 8 && same_tree(c, "gen.conf", buf[1]) &&
			    (conf_region_of(c) < 0 || conf_region_busy(conf_region_of(c))))
				ok = '1';
			if (c && n < 8)
				held[n++] = c;
		} else if (buf[0] == 'N') {
			ok = reload_blob_take() == NULL ? '1' : '0';
		} else if (buf[0] == 'F' && n) {
			conf_free(held[0]);
			memmove(held, held + 1, --n * sizeof(held[0]));
			ok = '1';
		}
		if (write(reply, &ok, 1) != 1)
			_exit(2);
	}
	_exit(0);
}

static struct kid kid_start(unsigned slot)
{
	int c[2], r[2];
	struct kid k;

	assert_int_equal(pipe(c), 0);
	assert_int_equal(pipe(r), 0);
	k.pid = fork();
	assert_true(k.pid >= 0);
	if (k.pid == 0) {
		reload_blob_set_slot(slot);
		close(c[1]);
		close(r[0]);
		kid_loop(c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	k.cmd = c[1];
	k.reply = r[0];
	k.slot = slot;
	return k;
}

static bool kid_do(const struct kid *k, char op, unsigned nvs)
{
	unsigned char m[2] = { (unsigned char)op, (unsigned char)nvs };
	char ok = 0;

	assert_int_equal(write(k->cmd, m, 2), 2);
	assert_int_equal(read(k->reply, &ok, 1), 1);
	return ok == '1';
}

static void kid_end(struct kid *k)
{
	int status;

	close(k->cmd);
	assert_int_equal(waitpid(k->pid, &status, 0), k->pid);
	reload_blob_child_gone(k->slot);        /* as the daemon's parent does */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(k->reply);
}

/* ---- tests ------------------------------------------------------------------- */

/* Regions alternate; one a kid still reads is left alone (the tree goes
 * as a blob) until the kid lets it go. */
static void test_take_alternate_held(void **state)
{
	struct kid k = kid_start(2);
	int r1, r2;

	(void)state;
	r1 = publish("gen.conf", 5);
	assert_true(r1 >= 0);
	assert_false(conf_region_busy(r1));     /* the parent let its tree go */
	assert_true(kid_do(&k, 'T', 5));
	assert_true(kid_do(&k, 'N', 0));        /* taken once */
	r2 = publish("gen.conf", 6);
	assert_int_equal(r2, 1 - r1);           /* the other region */
	/* The kid missed 6 and still reads 5 in r1: 7 goes on the heap. */
	assert_int_equal(publish("gen.conf", 7), -1);
	assert_true(kid_do(&k, 'T', 7));
	assert_true(kid_do(&k, 'F', 0));        /* its 5 gone */
	assert_int_equal(publish("gen.conf", 8), r1);
	assert_true(kid_do(&k, 'T', 8));
	kid_end(&k);
}

/* A kid killed while it reads a region: the parent clears its bit when
 * it reaps it (reload_blob_child_gone()) and builds there again. */
static void test_dead_holder(void **state)
{
	struct kid k = kid_start(3);
	int r1, status;

	(void)state;
	r1 = publish("gen.conf", 5);
	assert_true(r1 >= 0);
	assert_true(kid_do(&k, 'T', 5));
	kill(k.pid, SIGKILL);
	assert_int_equal(waitpid(k.pid, &status, 0), k.pid);
	close(k.cmd);
	close(k.reply);
	assert_int_equal(publish("gen.conf", 6), 1 - r1);
	assert_int_equal(publish("gen.conf", 7), -1);   /* r1: the dead kid's bit */
	reload_blob_child_gone(3);
	assert_int_equal(publish("gen.conf", 8), r1);
}

/* Too big for a region: the arena goes on on the heap, the tree as a blob. */
static void test_spill(void **state)
{
	struct kid k = kid_start(2);
	struct conf *c = generated("gen.conf", 60, reload_blob_region());
	struct conf_region_tree t;

	(void)state;
	assert_false(conf_region_describe(c, &t));
	conf_free(c);
	assert_int_equal(publish("gen.conf", 60), -1);
	assert_true(kid_do(&k, 'T', 60));
	assert_true(publish("gen.conf", 4) >= 0);
	assert_true(kid_do(&k, 'T', 4));
	kid_end(&k);
}

/* A child forked holding a published tree in a region (a child started
 * by the reload) makes it its own: the parent then leaves that region
 * alone.  Made after the parent released and rebuilt it: NULL. */
static void after_fork(bool in_time)
{
	struct conf *c = generated("gen.conf", 9, reload_blob_region());
	int r = conf_region_of(c), go[2], done[2], status;
	char byte;
	pid_t pid;

	assert_true(r >= 0);
	reload_blob_publish(c);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const struct conf *mine = NULL;

		reload_blob_set_slot(4);
		if (!in_time && read(go[0], &byte, 1) != 1)
			_exit(2);
		mine = reload_blob_after_fork(c);
		if (write(done[1], "x", 1) != 1)
			_exit(2);
		if (!in_time)
			_exit(mine == NULL && !conf_region_busy(r) ? 0 : 1);
		if (!mine || read(go[0], &byte, 1) != 1)
			_exit(3);
		_exit(same_tree(mine, "gen.conf", 9) && conf_region_busy(r) ? 0 : 4);
	}
	close(go[0]);
	close(done[1]);
	if (in_time)
		assert_int_equal(read(done[0], &byte, 1), 1);
	conf_free(c);
	reload_blob_release();                  /* empties the region if nobody reads it */
	assert_int_equal(publish("gen.conf", 3), 1 - r);
	c = generated("gen.conf", 2, reload_blob_region());
	/* In time, the child reads r: the parent builds on the heap; else
	 * other bytes at the same addresses. */
	assert_int_equal(conf_region_of(c), in_time ? -1 : r);
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	reload_blob_child_gone(4);
	conf_free(c);
	close(go[1]);
	close(done[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_after_fork(void **state)
{
	(void)state;
	after_fork(true);
	after_fork(false);
}

/* The kid numbers file names otherwise: its nodes still name the right file. */
static void test_file_names(void **state)
{
	int go;
	pid_t pid = fork_held(&go);

	(void)state;
	if (pid == 0) {
		/* Interned here, not in the parent: "fresh.conf" gets another
		 * index there than it will here. */
		uint32_t other = conf_file_intern("elsewhere.conf");
		struct conf *got = reload_blob_take(), *want;

		if (!got)
			_exit(4);
		want = generated("fresh.conf", 3, 0);
		_exit(same_nodes(got->root, want->root) && got->root->child->src.file != 0 &&
		      !strcmp(conf_file_name(got->root->child->src.file), "fresh.conf") &&
		      got->root->child->src.file != other ? 0 : 5);
	}
	assert_true(publish("fresh.conf", 3) >= 0);
	release(go);
	reap_ok(pid);
}

/* A kid taking while the parent rebuilds and republishes as fast as it
 * can, in a region or (every third time) as a blob: every tree it gets
 * is one of the two published, never a mix. */
static void test_concurrent(void **state)
{
	int go, status;
	pid_t pid = fork_held(&go);

	(void)state;
	if (pid == 0) {
		unsigned got = 0, bad = 0;

		for (unsigned tries = 0; got < 20 && tries < 2000000; tries++) {
			struct conf *t = reload_blob_take();

			if (!t)
				continue;
			got++;
			bad += !same_tree(t, "gen.conf", 3) && !same_tree(t, "gen.conf", 4);
			conf_free(t);
		}
		print_message("kid took %u trees, %u wrong\n", got, bad);
		_exit(bad || got == 0 ? 1 : 0);
	}
	release(go);
	for (int i = 0; i < 20000 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		publish_from("gen.conf", i % 2 ? 3 : 4, i % 3 == 2);
		if (i % 8 == 7)
			usleep(200);
	}
	if (kill(pid, 0) == 0) {        /* not reaped in the loop */
		reap_ok(pid);
	} else {
		reload_blob_child_gone(1);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take_alternate_held),
		cmocka_unit_test(test_dead_holder),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_after_fork),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_concurrent),
	};

	reload_blob_init_sized(REGION_BYTES);
	if (!conf_region_ready()) {
		print_message("no shared regions here (memfd, fallocate)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
