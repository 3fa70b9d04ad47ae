/*
 * eventlog_win32.h - the seam around the Windows Event Log API, for
 * eventlog_win32.c and its unit test only (never portable code).
 *
 * Every Evt* call of the reader goes through ww_evt_api, a table of
 * function pointers initialised with the real wevtapi functions (as
 * SQLite's aSyscall[] in os_win.c).  Wine's wevtapi is a stub, so the unit
 * test replaces the table with fakes that keep an in-memory log; that way
 * render, format, bookmark and gap logic run under Wine.  Restore the
 * table with ww_evt_api_reset() when done.
 */
#ifndef WW_PROBES_EVENTLOG_WIN32_H
#define WW_PROBES_EVENTLOG_WIN32_H

#include "compat.h"

#include <windows.h>
#include <winevt.h>

struct ww_evt_api {
	EVT_HANDLE (WINAPI *query)(EVT_HANDLE session, LPCWSTR path,
				   LPCWSTR query, DWORD flags);
	BOOL (WINAPI *next)(EVT_HANDLE results, DWORD size, EVT_HANDLE *events,
			    DWORD timeout, DWORD flags, PDWORD returned);
	BOOL (WINAPI *seek)(EVT_HANDLE results, LONGLONG position,
			    EVT_HANDLE bookmark, DWORD timeout, DWORD flags);
	EVT_HANDLE (WINAPI *subscribe)(EVT_HANDLE session, HANDLE signal,
				       LPCWSTR path, LPCWSTR query,
				       EVT_HANDLE bookmark, PVOID context,
				       EVT_SUBSCRIBE_CALLBACK callback,
				       DWORD flags);
	EVT_HANDLE (WINAPI *create_render_context)(DWORD count, LPCWSTR *paths,
						   DWORD flags);
	BOOL (WINAPI *render)(EVT_HANDLE context, EVT_HANDLE fragment,
			      DWORD flags, DWORD size, PVOID buffer,
			      PDWORD used, PDWORD count);
	EVT_HANDLE (WINAPI *open_publisher_metadata)(EVT_HANDLE session,
						     LPCWSTR publisher,
						     LPCWSTR logfile,
						     LCID locale, DWORD flags);
	BOOL (WINAPI *format_message)(EVT_HANDLE publisher, EVT_HANDLE event,
				      DWORD id, DWORD nvalues,
				      PEVT_VARIANT values, DWORD flags,
				      DWORD size, LPWSTR buffer, PDWORD used);
	EVT_HANDLE (WINAPI *create_bookmark)(LPCWSTR xml);
	BOOL (WINAPI *update_bookmark)(EVT_HANDLE bookmark, EVT_HANDLE event);
	BOOL (WINAPI *close)(EVT_HANDLE object);
};

extern struct ww_evt_api ww_evt_api;

/* Put the real wevtapi functions back. */
void ww_evt_api_reset(void);

#endif /* WW_PROBES_EVENTLOG_WIN32_H */
