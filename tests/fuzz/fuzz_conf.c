/*
 * fuzz_conf.c - libFuzzer target for the whole configuration reader:
 * preprocessor, tokenizer, parser with the real keyword tables, whole-tree
 * checks (without host checks) and the printer.  Any crash, sanitizer
 * report or leak is a bug.  Build and run: make fuzz-conf (see
 * tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"

static void quiet(void *arg, int prio, const struct conf_src *src, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)src;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_load_opts opts = { .diag = quiet, .config_id = "fuzz" };
	struct conf *conf = conf_load_buffer("fuzz.conf", (const char *)data, size, &opts);
	FILE *null = fopen("/dev/null", "w");

	if (null) {
		conf_print(conf, null);
		fclose(null);
	}
	conf_free(conf);
	return 0;
}
