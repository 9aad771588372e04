/*
 * genhash.c - the genhash program (genhash(1)).  `keepalived -T ...`
 * executes it with keepalived's whole command line and
 * KA_GENHASH_FROM_KEEPALIVED set (src/core/genhash_exec.c): then the
 * arguments after -T are genhash's, as in 2.2.7's built-in mode.
 */
#include "config.h"

#include <stdlib.h>

#include "genhash.h"

int main(int argc, char **argv)
{
	if (getenv("KA_GENHASH_FROM_KEEPALIVED")) {
		int rc;

		unsetenv("KA_GENHASH_FROM_KEEPALIVED");
		rc = genhash_keepalived_main(argc, argv);
		if (rc >= 0)
			return rc;
	}
	return genhash_main(argc, argv);
}
