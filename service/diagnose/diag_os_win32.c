/*
 * diag_os_win32.c - on Windows every source of diagnose can exist.
 */
#include "compat.h"

#include "diagnose.h"

const char *ww_diag_eventlog_absent(void)
{
	return NULL;
}
