/*
 * version.h - the version this program answers to, and its banner.
 */
#ifndef KA_VERSION_H
#define KA_VERSION_H

#include <stdio.h>

#define KA_VERSION "2.2.7"
#define KA_VERSION_DATE "01/16,2022"
#define KA_VERSION_LINE "Keepalived v" KA_VERSION " (" KA_VERSION_DATE ")"

/* The -v banner: 2.2.7's first line, then who we are (src/core/usage.c). */
void ka_print_version(FILE *out);

#endif
