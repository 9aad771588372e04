/*
 * test_preproc.c - the preprocessor: comments, $VAR, multi-line
 * definitions, pre-defined names, @id, ~SEQ/~SEQx/~LST, include and
 * include_check, limits.
 *
 * Each test feeds a buffer (or files written into a mkdtemp directory, or
 * the fixture in tests/unit/data/reader) and compares the logical lines,
 * rendered "LINE:text" one per line, and the diagnostics, rendered
 * "E|W:LINE:message".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf_internal.h"
#include "preproc.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

static char tmpdir[256];

struct result {
	char lines[1 << 16];
	char diags[1 << 14];
	size_t nlines;
	unsigned errors, warnings;
	bool missing, failed;
};

static struct result res;

static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void diag(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	append(res.diags, sizeof(res.diags), "%c:%u:%s\n", prio <= 3 ? 'E' : 'W',
	       src ? src->line : 0, msg);
}

/* Run the preprocessor; files: `path` is opened, else `text` as a buffer.
 * with_file: render "FILE-BASENAME:LINE:text". */
static void run_full(const char *id, const char *path, const char *text, size_t len,
		     bool all_config, bool with_file)
{
	struct conf conf = { 0 };
	struct conf_load_opts opts = { .diag = diag, .all_config = all_config };
	struct conf_ctx ctx = { .conf = &conf, .opts = &opts };
	struct preproc *pp;
	struct pp_line l;

	memset(&res, 0, sizeof(res));
	conf.arena = arena_new();
	snprintf(ctx.config_id, sizeof(ctx.config_id), "%s", id);
	pp = path ? pp_open_file(&ctx, path) : pp_open_buffer(&ctx, "t.conf", text, len);
	while (pp_next(pp, &l)) {
		const char *base = strrchr(conf_file_name(l.file), '/');

		res.nlines++;
		assert_int_equal(l.len, strlen(l.text));   /* the parser trusts it */
		if (with_file)
			append(res.lines, sizeof(res.lines), "%s:", base ? base + 1 : conf_file_name(l.file));
		append(res.lines, sizeof(res.lines), "%u:%s\n", l.line, l.text);
	}
	res.failed = pp_include_failed(pp);
	pp_close(pp);
	res.errors = conf.errors;
	res.warnings = conf.warnings;
	res.missing = conf.missing_file;
	arena_free(conf.arena);
}

static const char *run_id(const char *id, const char *text)
{
	run_full(id, NULL, text, strlen(text), false, false);
	return res.lines;
}

static const char *run(const char *text)
{
	return run_id("main", text);
}

static void wfile(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static const char *run_file(const char *rel, bool all_config)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	run_full("main", path, NULL, 0, all_config, true);
	return res.lines;
}

/* ---- comments, blank lines, line numbers ----------------------------------- */

static void test_comments(void **state)
{
	(void)state;
	assert_string_equal(run("# c\n! c\n  # indented\n\n   \na # x\nb!y\n"),
			    "6:a\n7:b\n");
	assert_string_equal(run("c \"# not\" d # yes\ne '!x' f\n"),
			    "1:c \"# not\" d\n2:e '!x' f\n");
	assert_string_equal(run("g\\#h # c\n\"it's # in\" # out\n"),
			    "1:g\\#h\n2:\"it's # in\"\n");
	assert_string_equal(run("x \"open # quote\n"), "1:x \"open # quote\n");
	assert_string_equal(run("crlf\r\nnext\r\n"), "1:crlf\n2:next\n");
	assert_string_equal(run("no newline at end"), "1:no newline at end\n");
	assert_string_equal(run(""), "");
	assert_int_equal(res.errors + res.warnings, 0);
}

static void test_nul_bytes(void **state)
{
	static const char text[] = "a\0hidden\nb\n\0\nc";

	(void)state;
	run_full("main", NULL, text, sizeof(text) - 1, false, false);
	assert_string_equal(res.lines, "1:a\n2:b\n4:c\n");
}

/* ---- variables ------------------------------------------------------------------ */

static void test_vars_simple(void **state)
{
	(void)state;
	assert_string_equal(run("$X=hello\na $X b\nc ${X}d\n$X\nx$X\n$X.foo\n"),
			    "2:a hello b\n3:c hellod\n4:hello\n5:xhello\n6:$X.foo\n");
	/* as 2.2.7: ')' and ',' also end a $NAME, other characters do not */
	assert_string_equal(run("$X=hello\na_$X)\nb_$X,c\nc_$X}\nd_$X-z\ne_$X\"\n"),
			    "2:a_hello)\n3:b_hello,c\n4:c_$X}\n5:d_$X-z\n6:e_$X\"\n");
	assert_string_equal(run("  $I=indented value  \n$I\n"), "2:indented value\n");
	assert_string_equal(run("$E=\ne${E}e\n[$E]\n"), "2:ee\n3:[$E]\n");
	assert_string_equal(run("$E=\nx $E\n"), "2:x\n");
	assert_string_equal(run("$A_1b=v\n${A_1b}\n"), "2:v\n");
	assert_string_equal(run("$X =1\n$1X=2\n$-=3\n"), "1:$X =1\n2:$1X=2\n3:$-=3\n");
	assert_string_equal(run("$X=1\n$X=2\n$X\n"), "3:2\n");
	assert_string_equal(run("$X=a=b c\n${X}\n"), "2:a=b c\n");
}

static void test_vars_undefined(void **state)
{
	(void)state;
	assert_string_equal(run("a ${UNDEF} $UNDEF b\n$ $$ ${ ${} ${x y}\n"),
			    "1:a ${UNDEF} $UNDEF b\n2:$ $$ ${ ${} ${x y}\n");
	assert_string_equal(run("script \"/bin/echo $HOME\"\nend $\n"),
			    "1:script \"/bin/echo $HOME\"\n2:end $\n");
	assert_int_equal(res.errors, 0);
}

static void test_vars_recursive(void **state)
{
	(void)state;
	/* the man page's example: substitution happens at use time */
	assert_string_equal(run("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n"
				"$ADDRESS_BASE_SUB=0\n"
				"${ADDRESS_BASE}.100/32\n"
				"$ADDRESS_BASE_SUB=10\n"
				"${ADDRESS_BASE}.100/32\n"),
			    "3:10.2.0.100/32\n5:10.2.10.100/32\n");
	assert_string_equal(run("$A=$B\n$B=${C}x\n$C=c\n$A\n"), "4:cx\n");
	assert_string_equal(run("$D=$E\n$E=$D\nv $D\n"), "3:v $D\n");
	assert_int_equal(res.errors, 1);
	assert_non_null(strstr(res.diags, "E:3:"));
	assert_string_equal(run("$R=$R $R\nx ${R}\ny ${R}\n"),
			    "2:x $R $R\n3:y $R $R\n");
	assert_int_equal(res.errors, 2);
}

static void test_vars_bomb(void **state)
{
	char text[2048] = "$X0=0123456789abcdef\n";
	int i;

	(void)state;
	for (i = 1; i < 30; i++)
		append(text, sizeof(text), "$X%d=${X%d}${X%d}\n", i, i - 1, i - 1);
	append(text, sizeof(text), "small $X1\nbig ${X29}\n");
	run(text);
	assert_int_equal(res.nlines, 2);
	assert_int_equal(res.errors, 1);
	assert_non_null(strstr(res.diags, "E:32:"));
	assert_memory_equal(res.lines, "31:small 0123456789abcdef0123456789abcdef\n32:big 01", 50);
	/* an empty value doubling does not output anything but is bounded too */
	strcpy(text, "$Y0=\n");
	for (i = 1; i < 30; i++)
		append(text, sizeof(text), "$Y%d=${Y%d}${Y%d}\n", i, i - 1, i - 1);
	append(text, sizeof(text), "e ${Y29}\n");
	run(text);
	assert_int_equal(res.nlines, 1);
	assert_int_equal(res.errors, 1);
}

/* ---- multi-line definitions ------------------------------------------------------------ */

static void test_multiline(void **state)
{
	(void)state;
	assert_string_equal(run("$M= \\\n"
				"  m1_${N} \\\n"
				"  # comment lines are skipped\n"
				"  @main m2 \\\n"
				"  m3\n"
				"$N=5\n"
				"$M\n"
				"  ${M}  \n"),
			    "7:m1_5\n7:m2\n7:m3\n8:m1_5\n8:m2\n8:m3\n");
	/* a blank line ends the definition */
	assert_string_equal(run("$M= \\\nm1 \\\n\nm2\n$M\n"), "4:m2\n5:m1\n");
	/* first line on the definition line itself */
	assert_string_equal(run("$M=first \\\nsecond\n$M\n"), "3:first\n3:second\n");
	/* used inside a longer line: split into lines */
	assert_string_equal(run("$M= \\\na \\\nb\nx $M\n"), "4:x a\n4:b\n");
	/* empty multi-line definition */
	assert_string_equal(run("$M= \\\n\n$M\nz\n"), "4:z\n");
}

static void test_multiline_nested(void **state)
{
	(void)state;
	/* after the man page's virtual_server/real_server example */
	assert_string_equal(run("$RS= \\\n"
				"real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n"
				"    weight 1 \\\n"
				"}\n"
				"$VS= \\\n"
				"virtual_server 10.0.${VS_NUM}.4 80 { \\\n"
				"    $RS_NUM=1 \\\n"
				"    $RS \\\n"
				"    $RS_NUM=2 \\\n"
				"    $RS \\\n"
				"}\n"
				"$VS_NUM=0\n"
				"$VS\n"
				"$VS_NUM=1\n"
				"$VS\n"),
			    "13:virtual_server 10.0.0.4 80 {\n"
			    "13:real_server 192.168.0.1 80 {\n13:weight 1\n13:}\n"
			    "13:real_server 192.168.0.2 80 {\n13:weight 1\n13:}\n13:}\n"
			    "15:virtual_server 10.0.1.4 80 {\n"
			    "15:real_server 192.168.1.1 80 {\n15:weight 1\n15:}\n"
			    "15:real_server 192.168.1.2 80 {\n15:weight 1\n15:}\n15:}\n");
	assert_int_equal(res.errors, 0);
}

static void test_multiline_recursive(void **state)
{
	(void)state;
	run("$B= \\\nb \\\n$B\n$B\nafter\n");
	assert_int_equal(res.errors, 1);
	assert_non_null(strstr(res.diags, "E:4:expansions nested too deeply"));
	assert_non_null(strstr(res.lines, "5:after\n"));
}

/* ---- pre-defined names -------------------------------------------------------------------- */

static void test_predefined(void **state)
{
	char cwd[512], expect[1024];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(expect, sizeof(expect), "1:%s backup # ! x\n", cwd);
	assert_string_equal(run_id("backup", "${_PWD} $_INSTANCE ${_HASH} ${_BANG} x\n"), expect);
	assert_string_equal(run("a${_HASH}b ${_BANG}c\n"), "1:a#b !c\n");
}

static void test_random(void **state)
{
	char first[256];
	unsigned i;
	int v;
	char *p;

	(void)state;
	run("random_seed 42\nr ${_RANDOM} ${_RANDOM 5 10} ${_RANDOM 7 7} $_RANDOM\n");
	assert_int_equal(res.nlines, 2);
	assert_string_equal(strtok(res.lines, "\n"), "1:random_seed 42");
	snprintf(first, sizeof(first), "%s", res.lines + strlen(res.lines) + 1);
	run("random_seed 42\nr ${_RANDOM} ${_RANDOM 5 10} ${_RANDOM 7 7} $_RANDOM\n");
	assert_string_equal(res.lines + strlen("1:random_seed 42\n"), first);
	assert_int_equal(sscanf(first, "2:r %d", &v), 1);
	assert_true(v >= 0 && v <= 32767);
	p = strchr(first + 4, ' ');
	assert_int_equal(sscanf(p, " %d", &v), 1);
	assert_true(v >= 5 && v <= 10);
	assert_non_null(strstr(first, " 7 "));
	for (i = 0; i < 50; i++) {
		run("r ${_RANDOM 100}\n");
		assert_int_equal(sscanf(res.lines, "1:r %d", &v), 1);
		assert_true(v >= 100 && v <= 32767);
	}
	/* malformed arguments: left alone */
	assert_string_equal(run("${_RANDOM x} ${_RANDOM 1 2 3} ${_RANDOM -1}\n"),
			    "1:${_RANDOM x} ${_RANDOM 1 2 3} ${_RANDOM -1}\n");
	/* _RANDOMX is an ordinary (undefined) name */
	assert_string_equal(run("${_RANDOMX}\n"), "1:${_RANDOMX}\n");
}

/* ---- conditionals ---------------------------------------------------------------------------- */

static void test_conditionals(void **state)
{
	const char *text = "@main a\n@backup b\n@^main c\n@^backup d\n@mainx e\n@main\n"
			   "  @main   f g\n@main @^backup h\n";

	(void)state;
	assert_string_equal(run_id("main", text), "1:a\n4:d\n7:f g\n8:h\n");
	assert_string_equal(run_id("backup", text), "2:b\n3:c\n");
	assert_string_equal(run_id("other", text), "3:c\n4:d\n");
	/* with definitions */
	assert_string_equal(run_id("main", "@main $P=240\n@backup $P=200\npriority $P\n"),
			    "3:priority 240\n");
	assert_string_equal(run_id("backup", "@main $P=240\n@backup $P=200\npriority $P\n"),
			    "3:priority 200\n");
	assert_string_equal(run_id("main", "$IF_MAIN=@main\n$IF_MAIN priority 240\n"),
			    "2:priority 240\n");
	assert_string_equal(run_id("backup", "$IF_MAIN=@main\n$IF_MAIN priority 240\n"), "");
}

/* ---- ~SEQ / ~SEQx / ~LST ----------------------------------------------------------------------- */

static void test_seq(void **state)
{
	(void)state;
	assert_string_equal(run("~SEQ(SUBNET, 0, 3) ip 10.0.${SUBNET}.1\n"),
			    "1:ip 10.0.0.1\n1:ip 10.0.1.1\n1:ip 10.0.2.1\n1:ip 10.0.3.1\n");
	assert_string_equal(run("~SEQ(i, 3) a$i\n"), "1:a1\n1:a2\n1:a3\n");
	assert_string_equal(run("~SEQ(i, -2) a$i\n"), "1:a-1\n1:a-2\n");
	assert_string_equal(run("~SEQ(i,5,3) a$i\n"), "1:a5\n1:a4\n1:a3\n");
	assert_string_equal(run("~SEQ(i, 1, 2, 6) a$i\n"), "1:a1\n1:a3\n1:a5\n");
	assert_string_equal(run("~SEQ(i, 1, -1, 5) a$i\nz\n"), "2:z\n");
	assert_string_equal(run("~SEQ(i,0x10,0x11) a$i\n"), "1:a16\n1:a17\n");
	assert_string_equal(run("~SEQx(S, 144, 16, 192) fe80::20:${S}:1\n"),
			    "1:fe80::20:90:1\n1:fe80::20:a0:1\n1:fe80::20:b0:1\n1:fe80::20:c0:1\n");
	assert_string_equal(run("~SEQx(S, 0x90, 0x10, 0xc0) ${S}\n"), "1:90\n1:a0\n1:b0\n1:c0\n");
	assert_string_equal(run("~SEQx(S, -17, -16) ${S}\n"), "1:-11\n1:-10\n");
	assert_string_equal(run("  ~SEQ(i,1,2)   @main x$i\n~SEQ(i,1,2) @backup y$i\n"),
			    "1:x1\n1:x2\n");
	assert_string_equal(run("~SEQ(i,1,1)\n~SEQ(i,0)x\n"), "2:x\n");
	/* nesting: leftmost is the outer loop */
	assert_string_equal(run("~SEQx(A, 0x90, 0x10, 0xa0) ~SEQx(B, 0x12, -1, 0x11) f::${A}:${B}\n"),
			    "1:f::90:12\n1:f::90:11\n1:f::a0:12\n1:f::a0:11\n");
	/* the end value is reached exactly even near the limits */
	assert_string_equal(run("~SEQ(i, 9223372036854775806, 9223372036854775807) $i\n"),
			    "1:9223372036854775806\n1:9223372036854775807\n");
	assert_int_equal(res.errors, 0);
}

static void test_loop_head_substituted(void **state)
{
	(void)state;
	/* as 2.2.7: the head is substituted first, the body at each pass */
	assert_string_equal(run("$N=3\n~SEQ(i, 1, $N) s_$i\n~SEQ(i, 1, ${N}) t_$i\n"),
			    "2:s_1\n2:s_2\n2:s_3\n3:t_1\n3:t_2\n3:t_3\n");
	assert_string_equal(run("$V={a,b}\n~LST($V, {1,2}) ${a}$b\n"), "2:12\n");
	/* a loop produced by substitution */
	assert_string_equal(run("$L=~SEQ(j,1,2)\n$L u_$j\n"), "2:u_1\n2:u_2\n");
	assert_string_equal(run("$X=x\n~SEQ(i, 1, $X) a\n"), "");
	assert_int_equal(res.errors, 1);
	assert_string_equal(run("$T=y\n~SEQ(i${T}, 1) a$iy\n"), "2:a1\n");
	assert_int_equal(res.errors, 0);
}

static void test_seq_errors(void **state)
{
	static const char *const bad[] = {
		"~SEQ(i, 1, 3 x\n", "~SEQ(i)\n", "~SEQ(i, 1, 2, 3, 4) x\n", "~SEQ(1i, 3) x\n",
		"~SEQ(i, 1, 0, 5) x\n", "~SEQ(i, a) x\n", "~SEQ(i, 1x) x\n", "~SEQ(, 3) x\n",
		"~SEQ(i, 99999999999999999999) x\n", "~SEQ(i, 0x) x\n", "~SEQx(i, ) x\n",
		"~LST(v) x\n", "~LST(v, a b\n", "~LST({a,b}, {1}) x\n", "~LST({a,b}, 1, 2) x\n",
		"~LST({a,b x\n", "~LST(1v, a) x\n", "~LST(v, {a) x\n", "~LST(v, a, b c\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "%snext\n", bad[i]);
		run(text);
		if (strcmp(res.lines, "2:next\n") != 0 || res.errors != 1)
			fail_msg("'%s' gave lines '%s' errors %u", bad[i], res.lines, res.errors);
		assert_non_null(strstr(res.diags, "E:1:"));
	}
	/* "~SEQ" without '(' is an ordinary line */
	assert_string_equal(run("~SEQ x\n~FOO(a)\n"), "1:~SEQ x\n2:~FOO(a)\n");
}

static void test_lst(void **state)
{
	(void)state;
	assert_string_equal(run("~LST(v, a, b,c) x$v\n"), "1:xa\n1:xb\n1:xc\n");
	assert_string_equal(run("~LST({IP, IP1}, {10,1},{20,4},{5,6}) 192.168.${IP}.${IP1}\n"),
			    "1:192.168.10.1\n1:192.168.20.4\n1:192.168.5.6\n");
	assert_string_equal(run("~LST(IP, 1, 2) ~LST(IP1, 5,6) 1.${IP}.${IP1}\n"),
			    "1:1.1.5\n1:1.1.6\n1:1.2.5\n1:1.2.6\n");
	assert_string_equal(run("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) "
				"192.${IP2}.${IP}.${IP1}\n"),
			    "1:192.168.10.1\n1:192.170.10.1\n1:192.168.20.4\n1:192.170.20.4\n");
	assert_string_equal(run("~LST(v, only) $v\n~LST({v}, {x}, {y}) $v\n"),
			    "1:only\n2:x\n2:y\n");
	/* the first ')' ends the list; "$v]" is not followed by a blank */
	assert_string_equal(run("~LST(v, a (b)) [${v}] [$v]\n"), "1:) [a (b] [$v]\n");
	assert_string_equal(run("~LST(v, a) , b) x\n"), "1:, b) x\n");
	assert_int_equal(res.errors, 0);
}

static void test_loop_with_multiline(void **state)
{
	(void)state;
	assert_string_equal(run("$VI= \\\nvrrp_instance vi_${IF}_${ID} { \\\n}\n"
				"~SEQ(IF,0,1) ~SEQ(ID,1,2) $VI\n"),
			    "4:vrrp_instance vi_0_1 {\n4:}\n4:vrrp_instance vi_0_2 {\n4:}\n"
			    "4:vrrp_instance vi_1_1 {\n4:}\n4:vrrp_instance vi_1_2 {\n4:}\n");
	/* a loop inside a multi-line definition */
	assert_string_equal(run("$L= \\\nbegin \\\n~SEQ(k,1,2) k$k \\\nend\n$L\n"),
			    "5:begin\n5:k1\n5:k2\n5:end\n");
}

static void test_errors_in_expansions_once(void **state)
{
	(void)state;
	/* a bad inner loop is reported once, not once per outer pass */
	run("~SEQ(i,1,1000) ~SEQ(bad x\n$M= \\\n~LST(v) y \\\nz\n~SEQ(j,1,50) $M\n");
	assert_int_equal(res.errors, 2);
	assert_non_null(strstr(res.diags, "E:1:~SEQ(: missing ')'"));
	assert_non_null(strstr(res.diags, "E:5:~LST(: needs at least one value"));
	assert_int_equal(res.nlines, 50);
}

static void test_generated_cap(void **state)
{
	(void)state;
	run("~SEQ(i, 1, 3000000) ~SEQ(j, 1, 1) @other x\n~SEQ(a,1,2) y$a\n");
	assert_int_equal(res.errors, 1);
	assert_non_null(strstr(res.diags, "E:1:more than 1500000 lines generated by one line"));
	assert_string_equal(res.lines, "2:y1\n2:y2\n");
	/* and a cap on all lines generated by one load */
	run("~SEQ(i, 1, 1200000) @other x\n~SEQ(i, 1, 1200000) @other x\n"
	    "~SEQ(i, 1, 1200000) @other x\n~SEQ(i, 1, 1200000) @other x\nend\n");
	assert_int_equal(res.errors, 1);
	assert_non_null(strstr(res.diags, "E:3:more than 3000000 lines generated in all"));
	assert_string_equal(res.lines, "5:end\n");
}

/* The man page's 65024 vrrp instances fit under the per-line cap. */
static void test_manpage_big_example(void **state)
{
	static const char text[] =
		"$VI4= \\\n"
		"track_file offset_instance_4.${IF}.${NUM}.${ID} { \\\n"
		"    file \"${_PWD}/679/track_files/4.${IF}.${NUM}.${ID}\" \\\n"
		"    weight -100 \\\n"
		"} \\\n"
		"vrrp_instance vrrp4.${IF}.${NUM}.${ID} { \\\n"
		"    interface bond${IF}.${NUM} \\\n"
		"    use_vmac vrrp4.${IF}.${NUM}.${ID} \\\n"
		"    virtual_router_id ${ID} \\\n"
		"    priority 130 \\\n"
		"    virtual_ipaddress { \\\n"
		"        10.${IF}.${NUM}.${ID}/24 \\\n"
		"    } \\\n"
		"    track_file { \\\n"
		"        offset_instance_4.${IF}.${NUM}.${ID} \\\n"
		"    } \\\n"
		"}\n"
		"~SEQ(IF,0,7) ~SEQ(NUM,0,31) ~SEQ(ID,1,254) $VI4\n";

	(void)state;
	run_full("main", NULL, text, sizeof(text) - 1, false, false);
	assert_int_equal(res.errors, 0);
	assert_int_equal(res.nlines, 65024 * 16);
}

/* ---- includes ------------------------------------------------------------------------------------ */

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_preproc.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int remove_tmpdir(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_include_basic(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/d1", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d1/d2", tmpdir);
	mkdir(path, 0755);
	wfile("top.conf", "t1\ninclude d1/one.conf\nt2 ${_PWD}\n  include   d1/*.x  # comment\nt3\n");
	wfile("d1/one.conf", "o1 ${_PWD}\ninclude d2/two.conf\no2\n");
	wfile("d1/d2/two.conf", "w1\n");
	wfile("d1/b.x", "bx\n");
	wfile("d1/a.x", "ax\n");
	run_file("top.conf", false);
	{
		char expect[2048];
		char *pwd = realpath(tmpdir, NULL);

		snprintf(expect, sizeof(expect),
			 "top.conf:1:t1\none.conf:1:o1 %s/d1\ntwo.conf:1:w1\none.conf:3:o2\n"
			 "top.conf:3:t2 %s\na.x:1:ax\nb.x:1:bx\ntop.conf:5:t3\n", pwd, pwd);
		free(pwd);
		assert_string_equal(res.lines, expect);
	}
	assert_int_equal(res.errors + res.warnings, 0);
	assert_false(res.missing);
}

static void test_include_braces(void **state)
{
	(void)state;
	wfile("br.conf", "includeb {c,a,{b,zz}}.inc\n");
	wfile("a.inc", "A\n");
	wfile("b.inc", "B\n");
	wfile("c.inc", "C\n");
	run_file("br.conf", false);
	assert_string_equal(res.lines, "c.inc:1:C\na.inc:1:A\nb.inc:1:B\n");
	assert_int_equal(res.errors, 1);
	assert_true(res.failed);
	assert_non_null(strstr(res.diags, "E:1:Some config files missing: \"{c,a,{b,zz}}.inc\"."));
	/* without the brace check a missing alternative is a warning */
	wfile("br2.conf", "include {c,zz}.inc\n");
	run_file("br2.conf", false);
	assert_string_equal(res.lines, "c.inc:1:C\n");
	assert_int_equal(res.errors, 0);
	assert_int_equal(res.warnings, 1);
	assert_false(res.failed);
}

/* Severities as 2.2.7 gives them (its -t exits 6 where we set failed). */
static void test_include_missing(void **state)
{
	static const struct {
		const char *text;
		unsigned errors, warnings;
	} cases[] = {
		{ "include nope.conf\n", 0, 1 },
		{ "include nope*.conf\n", 0, 0 },
		{ "include nodir/*.conf\n", 0, 1 },
		{ "includer nope.conf\n", 0, 1 },
		{ "includem nope.conf\n", 1, 0 },
		{ "includem nope*.conf\n", 0, 0 },
		{ "includem nodir/*.conf\n", 1, 0 },
		{ "includem {nope,nope2}.conf\n", 0, 1 },
		{ "includew nope*.conf\n", 1, 0 },
		{ "includew nope.conf\n", 1, 0 },
		{ "includeb nope.conf\n", 0, 1 },
		{ "includeb {nope,nope2}.conf\n", 1, 0 },
		{ "includea nope.conf\n", 1, 0 },
		{ "includea nope*.conf\n", 1, 0 },
		{ "include_check\ninclude nope.conf\n", 1, 0 },
		{ "include_check match\ninclude nope.conf\n", 1, 0 },
		{ "include_check +match -match\ninclude nope.conf\n", 0, 1 },
		{ "include_check -match\ninclude nope.conf\n", 0, 1 },
		{ "include_check wildcard_match\ninclude nope?.conf\n", 1, 0 },
		{ "include_check wildcard_match\ninclude nope.conf\n", 0, 1 },
		{ "include_check +wildcard_match -wildcard_match\ninclude nope?.conf\n", 0, 0 },
		{ "include_check brace_match\ninclude {a,nope}.inc\n", 1, 0 },
	};
	size_t i;

	(void)state;
	wfile("a.inc", "A\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wfile("m.conf", cases[i].text);
		run_file("m.conf", false);
		if (res.errors != cases[i].errors || res.warnings != cases[i].warnings ||
		    res.failed != (cases[i].errors > 0))
			fail_msg("'%s': %u errors %u warnings failed %d: %s", cases[i].text,
				 res.errors, res.warnings, res.failed, res.diags);
		assert_false(res.missing);
	}
	/* -e: every missing include is an error */
	wfile("m.conf", "include nope*.conf\nafter\n");
	run_file("m.conf", true);
	assert_int_equal(res.errors, 1);
	assert_true(res.failed);
	assert_string_equal(res.lines, "m.conf:2:after\n");
}

static void test_include_check_options(void **state)
{
	static const struct {
		const char *text;
		unsigned errors;
	} cases[] = {
		/* "readable" is unknown to 2.2.7's include_check */
		{ "include_check readable\ninclude adir2\n", 1 },
		{ "include_check bogus\n", 1 },
		{ "include_check +match match\n", 1 },
		/* a plain option implies readable, a +/- one does not */
		{ "include_check match\ninclude adir2\n", 1 },
		{ "include_check +match\ninclude adir2\n", 0 },
		{ "include_check match -match\ninclude adir2\n", 1 },
		{ "include_check +match -wildcard_match\ninclude adir2\n", 0 },
		{ "include_check\ninclude adir2\n", 1 },
		{ "includer adir2\n", 1 },
		{ "include adir2\n", 0 },
	};
	char path[512];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/adir2", tmpdir);
	mkdir(path, 0755);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wfile("o.conf", cases[i].text);
		run_file("o.conf", false);
		if (res.errors != cases[i].errors)
			fail_msg("'%s': %u errors: %s", cases[i].text, res.errors, res.diags);
	}
}

static void test_include_check_scope(void **state)
{
	(void)state;
	/* a setting made in an included file ends with that file */
	wfile("s1.conf", "include s2.conf\ninclude nope.conf\n");
	wfile("s2.conf", "include_check\ninclude nope.conf\n");
	run_file("s1.conf", false);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.warnings, 1);
	assert_non_null(strstr(res.diags, "E:2:"));
	assert_non_null(strstr(res.diags, "W:2:"));
	/* the including file's setting is inherited */
	wfile("s3.conf", "include_check match\ninclude s4.conf\n");
	wfile("s4.conf", "include nope.conf\n");
	run_file("s3.conf", false);
	assert_int_equal(res.errors, 1);
}

static void test_include_unreadable(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/adir.conf", tmpdir);
	mkdir(path, 0755);
	wfile("u.conf", "include adir.conf\nx\n");
	run_file("u.conf", false);
	assert_int_equal(res.errors, 0);
	assert_int_equal(res.warnings, 1);
	assert_non_null(strstr(res.diags, "is a directory"));
	assert_string_equal(res.lines, "u.conf:2:x\n");
	wfile("u.conf", "includer adir.conf\nx\n");
	run_file("u.conf", false);
	assert_int_equal(res.errors, 1);
	/* not processed after conditionals or in expansions */
	wfile("inc.conf", "I\n");
	wfile("u.conf", "@main include inc.conf\n$F=include inc.conf\n$F\n");
	run_file("u.conf", false);
	assert_string_equal(res.lines, "u.conf:1:include inc.conf\nu.conf:3:include inc.conf\n");
	/* odd include lines */
	wfile("u.conf", "include\ninclude inc.conf extra\ninclude_x a\n\"include\" inc.conf\n");
	run_file("u.conf", false);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.warnings, 1);
	assert_string_equal(res.lines, "inc.conf:1:I\nu.conf:3:include_x a\n"
			    "u.conf:4:\"include\" inc.conf\n");
}

static void test_include_recursion(void **state)
{
	char name[64], text[128];
	int i;

	(void)state;
	wfile("self.conf", "s\ninclude self.conf\ninclude self.conf\n");
	run_file("self.conf", false);
	/* skipped with a warning each time, as 2.2.7 does (it exits 0) */
	assert_string_equal(res.lines, "self.conf:1:s\n");
	assert_int_equal(res.errors, 0);
	assert_int_equal(res.warnings, 2);
	wfile("ping.conf", "include pong.conf\n");
	wfile("pong.conf", "p\ninclude ping.conf\n");
	run_file("ping.conf", false);
	assert_int_equal(res.warnings, 1);
	/* a long chain of distinct files stops at the depth limit */
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "chain%d.conf", i);
		snprintf(text, sizeof(text), "c%d\ninclude chain%d.conf\n", i, i + 1);
		wfile(name, text);
	}
	run_file("chain0.conf", false);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.nlines, 32);
}

static void test_missing_top(void **state)
{
	(void)state;
	run_file("no-such.conf", false);
	assert_string_equal(res.lines, "");
	assert_true(res.missing);
	assert_int_equal(res.warnings, 1);
	assert_int_equal(res.errors, 0);
	assert_non_null(strstr(res.diags, "missing"));
	run_file("no-such.conf", true);
	assert_true(res.missing);
	assert_int_equal(res.errors, 1);
	run_full("main", tmpdir, NULL, 0, false, false);
	assert_int_equal(res.errors, 1);
	assert_string_equal(res.lines, "");
}

static void test_buffer_include_cwd(void **state)
{
	char old[512];
	const char *text = "include inc.conf\n";

	(void)state;
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(tmpdir), 0);
	run_full("main", NULL, text, strlen(text), false, true);
	assert_int_equal(chdir(old), 0);
	assert_string_equal(res.lines, "inc.conf:1:I\n");
}

static void test_fixture_dir(void **state)
{
	char *dir = realpath(SRCDIR "/tests/unit/data/reader", NULL), expect[2048];

	(void)state;
	assert_non_null(dir);
	run_full("main", SRCDIR "/tests/unit/data/reader/main.conf", NULL, 0, false, true);
	snprintf(expect, sizeof(expect),
		 "main.conf:2:top1\nb.conf:1:in_b\nx.inc:1:in_x\na.conf:1:in_a %s/sub\n"
		 "x.inc:1:in_x\nmain.conf:5:top2 %s\n", dir, dir);
	free(dir);
	assert_string_equal(res.lines, expect);
	assert_int_equal(res.errors + res.warnings, 0);
}

/* ---- robustness and speed ------------------------------------------------------------------------- */

static void test_arbitrary_bytes(void **state)
{
	static const char alphabet[] = "$${}()~SEQxLST@^#!\"'\\,=\n \tab0x1_-";
	char text[600];
	unsigned seed = 7, i;
	int round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		for (i = 0; i < sizeof(text); i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = round & 1 ? (char)(seed >> 16)
					    : alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		run_full("main", NULL, text, (seed >> 8) % sizeof(text), false, false);
	}
}

static void test_large_config_fast(void **state)
{
	size_t cap = 4 << 20, len = 0;
	char *text = malloc(cap);
	int v, r;
	struct timespec t0, t1;
	double ms;

	(void)state;
	assert_non_null(text);
	for (v = 0; v < 1000; v++) {
		len += (size_t)snprintf(text + len, cap - len,
					"virtual_server 10.0.%d.%d 80 { # vs\n  delay_loop 6\n  lb_algo rr\n",
					v / 256, v % 256);
		for (r = 0; r < 10; r++)
			len += (size_t)snprintf(text + len, cap - len,
						"  real_server 192.168.%d.%d 80 {\n    weight 1\n"
						"    TCP_CHECK {\n      connect_timeout 3\n    }\n  }\n",
						v % 256, r);
		len += (size_t)snprintf(text + len, cap - len, "}\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_full("main", NULL, text, len, false, false);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_int_equal(res.nlines, 64000);
	assert_true(ms < 1000);    /* a few ms normally; generous for sanitizers */
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_vars_simple),
		cmocka_unit_test(test_vars_undefined),
		cmocka_unit_test(test_vars_recursive),
		cmocka_unit_test(test_vars_bomb),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_multiline_nested),
		cmocka_unit_test(test_multiline_recursive),
		cmocka_unit_test(test_predefined),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_conditionals),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_loop_head_substituted),
		cmocka_unit_test(test_seq_errors),
		cmocka_unit_test(test_lst),
		cmocka_unit_test(test_loop_with_multiline),
		cmocka_unit_test(test_errors_in_expansions_once),
		cmocka_unit_test(test_generated_cap),
		cmocka_unit_test(test_manpage_big_example),
		cmocka_unit_test(test_include_basic),
		cmocka_unit_test(test_include_braces),
		cmocka_unit_test(test_include_missing),
		cmocka_unit_test(test_include_check_options),
		cmocka_unit_test(test_include_check_scope),
		cmocka_unit_test(test_include_unreadable),
		cmocka_unit_test(test_include_recursion),
		cmocka_unit_test(test_missing_top),
		cmocka_unit_test(test_buffer_include_cwd),
		cmocka_unit_test(test_fixture_dir),
		cmocka_unit_test(test_arbitrary_bytes),
		cmocka_unit_test(test_large_config_fast),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
