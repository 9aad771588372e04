/*
 * test_files.c - pid files (src/lib/pidfile.c) and atomic dump files
 * (src/lib/dumpfile.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dumpfile.h"
#include "pidfile.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ka-test-files-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv("TMPDIR", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_pidfile_roundtrip(void **state)
{
	char path[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/k.pid", dir);
	assert_int_equal(pidfile_read(path), 0);
	assert_true(pidfile_write(path, 4242));
	assert_int_equal(pidfile_read(path), 4242);
	pidfile_remove(path, 1);             /* names another pid: kept */
	assert_int_equal(pidfile_read(path), 4242);
	pidfile_remove(path, 4242);
	assert_int_equal(pidfile_read(path), 0);
}

static void test_pidfile_running(void **state)
{
	char path[300];
	pid_t child;
	int status;

	(void)state;
	snprintf(path, sizeof(path), "%s/r.pid", dir);
	assert_true(pidfile_write(path, getpid()));
	assert_false(pidfile_running(path));        /* ourselves: not "another" */
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, &status, 0);
	assert_true(pidfile_write(path, child));
	assert_false(pidfile_running(path));        /* dead */
	assert_true(pidfile_write(path, getppid()));
	assert_true(pidfile_running(path));         /* alive */
	pidfile_remove(path, 0);
}

static void test_pidfile_garbage(void **state)
{
	char path[300];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/g.pid", dir);
	f = fopen(path, "w");
	fputs("not a pid\n", f);
	fclose(f);
	assert_int_equal(pidfile_read(path), 0);
	assert_false(pidfile_running(path));
}

static void test_dumpfile_atomic(void **state)
{
	struct dumpfile d;
	char path[300], buf[64];
	struct stat st;
	FILE *f;

	(void)state;
	assert_string_equal(dumpfile_dir(), dir);
	snprintf(path, sizeof(path), "%s/keepalived.data", dir);
	assert_true(dumpfile_open(&d, "keepalived.data"));
	fputs("hello\n", d.f);
	assert_int_not_equal(stat(path, &st), 0);   /* not visible before commit */
	assert_true(dumpfile_commit(&d));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_not_equal(stat(d.tmp, &st), 0);  /* temporary renamed away */
	f = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "hello\n");
}

static void test_dumpfile_dir_default(void **state)
{
	(void)state;
	unsetenv("TMPDIR");
	assert_string_equal(dumpfile_dir(), "/tmp");
	setenv("TMPDIR", "", 1);
	assert_string_equal(dumpfile_dir(), "/tmp");
	setenv("TMPDIR", dir, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pidfile_roundtrip),
		cmocka_unit_test(test_pidfile_running),
		cmocka_unit_test(test_pidfile_garbage),
		cmocka_unit_test(test_dumpfile_atomic),
		cmocka_unit_test(test_dumpfile_dir_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
