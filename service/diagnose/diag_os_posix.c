/*
 * diag_os_posix.c - what diagnose cannot look at on a POSIX system.
 */
#include "compat.h"

#include "diagnose.h"

const char *ww_diag_eventlog_absent(void)
{
	return "the Windows event log exists only on Windows (WSUS is "
	       "Windows-only); analyze an export with 'analyze --events'";
}
