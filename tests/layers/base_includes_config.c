/*
 * base_includes_config.c - a base-layer source that includes a
 * configuration header.  Compiled with only ww_base's usage requirements
 * (tests/CMakeLists.txt), it must NOT compile: ww_base exposes common/ and
 * nothing above it (the layers_build_refuses test).
 */
#include "compat.h"

#include "err.h"
#include "os.h"
#include "store.h"
#include "util.h"

#include "config.h"

int ww_layers_probe(void);

int ww_layers_probe(void)
{
	return 0;
}
