/*
 * script_split.c - split a script command line into argv words.
 *
 * Pure function, no system calls: unquoted blanks (space, tab) separate
 * words, a single-quoted part keeps its blanks, quotes are removed and
 * pieces that touch form one word ("a'b c'd" -> "ab cd", "''" -> "").
 * The result is one allocation: the pointer array followed by the
 * strings, so the caller frees it with a single free().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "script.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Copy the words of `in` into `out` (NUL-separated); count words.
 * With out == NULL only count.  Returns false on an unterminated quote. */
static bool scan(const char *in, char *out, size_t *nwords)
{
	size_t n = 0;
	bool in_word = false, quoted = false;

	for (; *in; in++) {
		if (!quoted && is_blank(*in)) {
			if (in_word && out)
				*out++ = '\0';
			in_word = false;
			continue;
		}
		if (!in_word)
			n++;
		in_word = true;
		if (*in == '\'') {
			quoted = !quoted;
			continue;
		}
		if (out)
			*out++ = *in;
	}
	if (in_word && out)
		*out = '\0';
	*nwords = n;
	return !quoted;
}

char **script_split(const char *cmdline, const char **err)
{
	size_t n, len, i;
	char **argv;
	char *strings;

	if (!cmdline || !scan(cmdline, NULL, &n)) {
		*err = "unterminated single quote";
		return NULL;
	}
	if (n == 0) {
		*err = "empty command";
		return NULL;
	}
	len = strlen(cmdline) + 1;
	argv = malloc((n + 1) * sizeof(*argv) + len + n);
	if (!argv) {
		*err = "out of memory";
		return NULL;
	}
	strings = (char *)(argv + n + 1);
	scan(cmdline, strings, &n);
	for (i = 0; i < n; i++) {
		argv[i] = strings;
		strings += strlen(strings) + 1;
	}
	argv[n] = NULL;
	return argv;
}
