/* ww_test_posix.c - the POSIX side of the test support: never Wine. */
#include "compat.h"

#include "ww_test.h"

bool ww_test_under_wine(void)
{
	return false;
}
