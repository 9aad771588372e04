/*
 * genhash_dump.c - the hex dumps and banners of genhash -v, laid out as
 * 2.2.7 prints them: 16 bytes a line, a decimal offset of at least four
 * digits, a '-' between the two halves, then the bytes as text with
 * unprintable ones shown as '.'.
 */
#include "config.h"

#include "genhash.h"

void genhash_banner(FILE *out, const char *title)
{
	fprintf(out, "-----------------------[%s]-----------------------\n", title);
}

void genhash_hexdump(FILE *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t off, j;

	for (off = 0; off < len; off += 16) {
		fprintf(out, "%04zu  ", off);
		for (j = 0; j < 16; j++) {
			if (off + j < len)
				fprintf(out, "%02x ", p[off + j]);
			else
				fputs("   ", out);
			if (j == 7)
				fputs("- ", out);
		}
		fputs("  ", out);
		for (j = 0; j < 16; j++) {
			int c = off + j < len ? p[off + j] : ' ';

			fputc(c >= 0x20 && c < 0x7f ? c : '.', out);
		}
		fputc('\n', out);
	}
}
