/*
 * pipe_squatter_win32.c - a process that takes a control pipe name before
 * the monitor does, as any local user could: it creates
 * \\.\pipe\<NAME>, writes its PID to PIDFILE once it listens, and answers
 * every client with a status of its own making until it is killed.
 *
 * usage: pipe_squatter NAME PIDFILE
 */
#include "compat.h"

#include <windows.h>

static HANDLE instance(const wchar_t *name)
{
	return CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX,
				PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT,
				PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0, NULL);
}

int wmain(int argc, wchar_t **argv)
{
	static const char fake[] = "{\"version\":\"0.1.0\",\"health\":\"ok\"}\n";
	wchar_t name[256];
	FILE *f;
	HANDLE h;

	if (argc != 3)
		return 64;
	swprintf(name, 256, L"\\\\.\\pipe\\%ls", argv[1]);
	h = instance(name);
	if (h == INVALID_HANDLE_VALUE)
		return 1;
	f = _wfopen(argv[2], L"w");
	if (!f)
		return 1;
	fprintf(f, "%lu\n", GetCurrentProcessId());
	fclose(f);
	for (;;) {
		char buf[512];
		DWORD n = 0;

		if (ConnectNamedPipe(h, NULL) || GetLastError() == ERROR_PIPE_CONNECTED) {
			ReadFile(h, buf, sizeof(buf), &n, NULL);
			WriteFile(h, fake, (DWORD)strlen(fake), &n, NULL);
			FlushFileBuffers(h);
		}
		DisconnectNamedPipe(h);
	}
}
