/* log.c - placeholder until written. */
#include "log.h"
