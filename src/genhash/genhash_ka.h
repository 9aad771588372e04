/*
 * genhash_ka.h - the one entry keepalived's main() needs for -T/--genhash
 * (implemented in genhash_kacli.c; no other header required).
 */
#ifndef KA_GENHASH_KA_H
#define KA_GENHASH_KA_H

/*
 * `keepalived -T ...`: argv is keepalived's whole command line.  When it
 * holds -T/--genhash, runs genhash with the arguments after it (warning,
 * as 2.2.7, when it was not the first option) and returns the exit
 * status; returns -1 when it does not, and keepalived carries on.
 * Call it before keepalived parses its own options.
 */
int genhash_keepalived_main(int argc, char **argv);

#endif
