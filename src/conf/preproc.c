/* preproc.c - placeholder until written. */
#include "conf_internal.h"
