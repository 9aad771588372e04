/*
 * confdump.h - generic text and JSON renderings of configuration blocks,
 * used by the dump files until each subsystem renders its live state.
 */
#ifndef KA_CONFDUMP_H
#define KA_CONFDUMP_H

#include <stdio.h>

struct conf;
struct conf_node;

/* "name args..." lines for each child of `block`, nested blocks indented. */
void confdump_text(FILE *out, const struct conf_node *block, int indent);
/* The children of `block` as one JSON object: "keyword": "args" or a
 * nested object for blocks; lines of value lists become an array "lines". */
void confdump_json(FILE *out, const struct conf_node *block);
/* Print `s` as a JSON string literal. */
void confdump_json_string(FILE *out, const char *s);
/* The "Global definitions" section shared by every data file: its
 * heading (with the time of the dump), then the global_defs settings. */
void confdump_globals(FILE *out, const struct conf *conf);
void confdump_globals_heading(FILE *out);
void confdump_global_defs(FILE *out, const struct conf *conf);
/* Every top-level block named `name`: "<title> = <block name>" and its
 * contents. */
void confdump_blocks(FILE *out, const struct conf *conf, const char *name, const char *title);

#endif
