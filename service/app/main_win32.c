/*
 * main_win32.c - the Windows entry point.  wmain() receives UTF-16
 * arguments; everything inside wsuswatch is UTF-8, so convert once here.
 */
#include "compat.h"

#include <windows.h>

#include "cli.h"
#include "os_win32.h"

int wmain(int argc, wchar_t **wargv)
{
	char **argv;
	UINT old_cp;
	int i, r;

	/*
	 * DLLs loaded by name come from System32 only, never from the
	 * executable's folder or the current directory (a service started
	 * from a folder others can write would load their DLL as SYSTEM).
	 */
	SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
	argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!argv)
		return WW_EXIT_SOFTWARE;
	for (i = 0; i < argc; i++) {
		argv[i] = ww_win_utf8(wargv[i]);
		if (!argv[i]) {
			fprintf(stderr, "wsuswatch: argument %d is not valid UTF-16\n", i);
			return WW_EXIT_USAGE;
		}
	}
	/* Print UTF-8 correctly on a console, and give the console back
	 * its code page afterwards (it outlives us). */
	old_cp = GetConsoleOutputCP();
	SetConsoleOutputCP(CP_UTF8);
	r = ww_main(argc, argv);
	if (old_cp)
		SetConsoleOutputCP(old_cp);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return r;
}
