/*
 * test_conf_blob.c - the flat form of a configuration tree (conf_blob.h)
 * and its transport at reload (reload_blob.h).
 *
 * Round trips: every sample and config-test file, and a generated LVS
 * configuration, encoded and decoded give a tree that prints the same,
 * node by node equal (keyword, words, value, file, line) with the same
 * counters.  Damage: every truncation and a flipped bit anywhere give
 * NULL.  Transport: a published tree is taken once, by a forked child too
 * (a child taking while the parent republishes: test_conf_region.c).
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_blob.h"
#include "reload_blob.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)src;
	if (prio <= 3 && getenv("BLOB_TEST_VERBOSE"))
		print_message("%u: %s\n", src ? src->line : 0, msg);
}

static const struct conf_load_opts load_opts = { .diag = quiet, .config_id = "test" };

static char *print(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	conf_print(c, f);
	fclose(f);
	return buf;
}

/* Nodes known to hold an address, by name (a cross-check of the writer's
 * rule): they must come back as a copy, not as the original's pointer. */
static bool holds_addr(const struct conf_node *n)
{
	static const char *const names[] = { "real_server", "sorry_server", "connect_ip",
					     "bindto", "mcast_src_ip", "vrrp_mcast_group4" };
	const char *nm = conf_node_name(n);

	if (n->kw && n->kw->kind == KV_ADDR)
		return n->val.addr != NULL;
	if (!nm)
		return n->parent && n->parent->kw && n->argc &&
		       !strcmp(conf_node_name(n->parent), "virtual_server_group") &&
		       strcmp(n->argv[0], "fwmark");
	if (!strcmp(nm, "virtual_server"))
		return strcmp(n->argv[0], "group") && strcmp(n->argv[0], "fwmark");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(nm, names[i]))
			return true;
	return false;
}

static unsigned addr_nodes;

/* Node by node: same shape, keyword, words, value, location. */
static void same_nodes(const struct conf_node *a, const struct conf_node *b)
{
	for (; a || b; a = a->next, b = b->next) {
		assert_non_null(a);
		assert_non_null(b);
		assert_ptr_equal(a->kw, b->kw);
		assert_int_equal(a->argc, b->argc);
		assert_int_equal(a->argv == NULL, b->argv == NULL);
		for (int i = 0; a->argv && a->argv[i]; i++)
			assert_string_equal(a->argv[i], b->argv[i]);
		if (holds_addr(a)) {
			assert_ptr_not_equal(a->val.addr, b->val.addr);
			assert_memory_equal(a->val.addr, b->val.addr, sizeof(struct conf_addr));
			addr_nodes++;
		} else {
			assert_int_equal(a->val.i, b->val.i);
		}
		assert_string_equal(conf_file_name(a->src.file), conf_file_name(b->src.file));
		assert_int_equal(a->src.line, b->src.line);
		if (b->child)
			assert_ptr_equal(b->child->parent, b);
		same_nodes(a->child, b->child);
	}
}

static void round_trip(const struct conf *c)
{
	size_t len;
	void *blob = conf_blob_encode(c, &len);
	struct conf *d = conf_blob_decode(blob, len);
	char *p1, *p2;

	assert_non_null(d);
	p1 = print(c);
	p2 = print(d);
	assert_string_equal(p1, p2);
	same_nodes(c->root, d->root);
	assert_int_equal(c->errors, d->errors);
	assert_int_equal(c->errors_fixed, d->errors_fixed);
	assert_int_equal(c->warnings, d->warnings);
	assert_int_equal(c->missing_file, d->missing_file);
	assert_int_equal(c->security_violation, d->security_violation);
	assert_int_equal(c->include_failed, d->include_failed);
	free(p1);
	free(p2);
	free(blob);
	conf_free(d);
}

static unsigned round_trip_dir(const char *dir, const char *suffix)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		struct conf_load_opts o = load_opts;
		struct conf *c;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README") ||
		    l < sl || strcmp(e->d_name + l - sl, suffix))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		o.path = path;
		c = conf_load(&o);
		print_message("%s: %u errors\n", path, c->errors);
		round_trip(c);
		conf_free(c);
		n++;
	}
	closedir(d);
	return n;
}

static void test_samples(void **state)
{
	(void)state;
	assert_true(round_trip_dir(TOP_SRCDIR "/tests/data/samples", "") > 20);
	assert_true(round_trip_dir(TOP_SRCDIR "/tests/conf/lvs", ".conf") > 5);
	assert_true(round_trip_dir(TOP_SRCDIR "/tests/conf/vrrp", ".conf") > 5);
}

/* An LVS configuration with every kind of address value. */
static struct conf *generated(unsigned nvs)
{
	size_t cap = 4096 + nvs * 2048, len = 0;
	char *t = malloc(cap);
	struct conf *c;

	len += (size_t)snprintf(t + len, cap - len,
		"global_defs {\n router_id gen\n}\n"
		"virtual_server_group G {\n 10.1.0.1-20 80\n 10.2.0.0/24 443\n fwmark 7\n}\n"
		"virtual_server group G {\n lb_algo wlc\n lb_kind NAT\n protocol TCP\n"
		" real_server 10.9.0.1 80 {\n weight 3\n }\n}\n");
	for (unsigned v = 0; v < nvs; v++) {
		len += (size_t)snprintf(t + len, cap - len,
			"virtual_server 10.0.%u.%u 80 {\n delay_loop 6\n lb_algo rr\n lb_kind NAT\n"
			" persistence_timeout 50\n protocol TCP\n sorry_server 192.168.9.9 80\n",
			v / 250, v % 250 + 1);
		for (unsigned r = 0; r < 10; r++)
			len += (size_t)snprintf(t + len, cap - len,
				" real_server 192.168.%u.%u 8080 {\n  weight %u\n"
				"  TCP_CHECK {\n   connect_ip fd00::%u\n   connect_timeout 3\n  }\n }\n",
				v % 200, r + 1, r + 1, r + 1);
		len += (size_t)snprintf(t + len, cap - len, "}\n");
	}
	c = conf_load_buffer("gen.conf", t, len, &load_opts);
	free(t);
	return c;
}

static void test_generated(void **state)
{
	struct conf *c = generated(100);

	(void)state;
	assert_int_equal(c->errors, 0);
	addr_nodes = 0;
	round_trip(c);
	/* vs, sorry, 10 x (rs, connect_ip) per vs; 2 group lines, group's rs */
	assert_int_equal(addr_nodes, 100 * 22 + 3);
	conf_free(c);
}

static void test_empty_and_missing(void **state)
{
	struct conf_load_opts o = load_opts;
	struct conf *c = conf_load_buffer("e.conf", "", 0, &load_opts);

	(void)state;
	round_trip(c);
	conf_free(c);
	o.path = "/nonexistent/keepalived.conf";
	c = conf_load(&o);
	assert_true(c->missing_file);
	round_trip(c);
	conf_free(c);
}

static void test_damage(void **state)
{
	struct conf *c = generated(2);
	size_t len;
	unsigned char *blob = conf_blob_encode(c, &len);

	(void)state;
	assert_null(conf_blob_decode(NULL, 0));
	for (size_t l = 0; l < len; l++)
		assert_null(conf_blob_decode(blob, l));
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			blob[i] ^= (unsigned char)(1u << bit);
			assert_null(conf_blob_decode(blob, len));
			blob[i] ^= (unsigned char)(1u << bit);
		}
	}
	blob = realloc(blob, len + 1);
	blob[len] = 0;
	assert_null(conf_blob_decode(blob, len + 1));
	free(blob);
	conf_free(c);
}

static void test_fd(void **state)
{
	struct conf *c = generated(20), *d;
	int fd = memfd_create("t", 0);
	char *p1, *p2;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(conf_blob_write(c, fd), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	d = conf_blob_read(fd);
	assert_non_null(d);
	p1 = print(c);
	p2 = print(d);
	assert_string_equal(p1, p2);
	assert_null(conf_blob_read(fd));         /* at the end: nothing more */
	assert_int_equal(ftruncate(fd, 100), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_null(conf_blob_read(fd));         /* truncated */
	close(fd);
	free(p1);
	free(p2);
	conf_free(c);
	conf_free(d);
}

static void test_transport(void **state)
{
	struct conf *c = generated(5), *d;
	pid_t pid;
	int status;

	(void)state;
	assert_null(reload_blob_take());        /* not initialized */
	reload_blob_init();
	assert_null(reload_blob_take());        /* nothing published */
	reload_blob_publish(c);
	assert_null(reload_blob_take());        /* the publisher's own blob is not new */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)                           /* forked after the publish: not new either */
		_exit(reload_blob_take() == NULL ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {                         /* a running child, HUPped after the publish */
		struct conf *got;

		kill(getpid(), SIGSTOP);
		got = reload_blob_take();
		_exit(got && got->root->child && !reload_blob_take() ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	reload_blob_publish(c);
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	d = generated(0);
	reload_blob_publish(d);                 /* later publish, smaller blob */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {                         /* HUPped, but handled after the release */
		kill(getpid(), SIGSTOP);
		_exit(reload_blob_take() == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	reload_blob_publish(c);
	reload_blob_release();
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	conf_free(d);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
