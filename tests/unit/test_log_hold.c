/*
 * test_log_hold.c - log_hold()/log_release() (src/lib/log.c): held lines
 * reach the sink only at release, all of them and in order; a process
 * forked while lines are held logs at once (its copy of the held lines is
 * never sent); a debug line that is off is not held either; more than the
 * limit is sent early rather than lost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

static char path[64];

/* The log file's lines without their timestamps, joined by '|'. */
static char *lines(void)
{
	static char out[1 << 16];
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	out[0] = 0;
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		char *msg = strstr(buf, ": ");

		assert_non_null(msg);
		msg += 2;
		msg[strcspn(msg, "\n")] = 0;
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? "|" : "", msg);
	}
	fclose(f);
	return out;
}

static int setup(void **state)
{
	struct log_opts o = { .ident = "test", .no_syslog = true, .file = path };
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_log_hold.XXXXXX");
	fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	log_init(&o);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_close();
	unlink(path);
	return 0;
}

static void test_held_until_release_in_order(void **state)
{
	(void)state;
	log_info("before");
	log_hold();
	log_info("one");
	log_warnx("two");
	log_debug("off: not held, not sent");
	log_info("three %d", 3);
	assert_string_equal(lines(), "before");
	log_release();
	assert_string_equal(lines(), "before|one|two|three 3");
	log_info("after");
	assert_string_equal(lines(), "before|one|two|three 3|after");
}

static void test_forked_child_does_not_hold(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	log_hold();
	log_info("parent held");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		log_info("child now");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(lines(), "child now"));
	assert_null(strstr(lines(), "parent held"));
	log_release();
	assert_non_null(strstr(lines(), "child now|parent held"));
}

/* Lines of the log file holding `needle`. */
static int count_lines(const char *needle)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f))
		n += strstr(buf, needle) != NULL;
	fclose(f);
	return n;
}

/* Past 1 MiB the held lines go out and holding stops: nothing is lost,
 * nothing is sent twice. */
static void test_limit_sends_early(void **state)
{
	char big[1500];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	log_hold();
	for (int i = 0; i < 1000; i++)
		log_info("%04d %s", i, big);
	assert_int_equal(count_lines(" xxx"), 1000);    /* without a release */
	assert_int_equal(count_lines("0999 x"), 1);
	log_release();
	assert_int_equal(count_lines(" xxx"), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_held_until_release_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forked_child_does_not_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_sends_early, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
