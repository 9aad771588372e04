/* kw_root.c - placeholder until written. */
#include "conf.h"
const struct conf_kw conf_root_keywords[] = { { NULL } };
