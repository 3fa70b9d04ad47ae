/*
 * ww_test_win32.c - what the Windows test support needs from Win32: Wine
 * or Windows.  Wine implements the API faithfully but not every security
 * rule behind it (owners come from the Unix uid, a DACL becomes mode bits,
 * a pipe server impersonates itself), so a test of such a rule skips there.
 */
#include "compat.h"

#include <windows.h>

#include "ww_test.h"

bool ww_test_under_wine(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}
