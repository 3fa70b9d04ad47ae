/*
 * base_includes_base.c - the control of the layers_build_refuses test: a
 * source compiled with only ww_base's usage requirements that includes
 * base headers only.  It must compile, so that the refusal of
 * base_includes_config.c (the same file and one include more) can only be
 * the include of a configuration header.
 */
#include "compat.h"

#include "err.h"
#include "os.h"
#include "store.h"
#include "util.h"

int ww_layers_probe(void);

int ww_layers_probe(void)
{
	return 0;
}
