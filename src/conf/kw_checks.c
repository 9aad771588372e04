/*
 * kw_checks.c - run the whole-tree checks of each area after parsing.
 */
#include "kw_checks.h"

void conf_check_tree(struct conf_ctx *ctx)
{
	kw_check_vrrp(ctx);
	kw_check_lvs(ctx);
}
