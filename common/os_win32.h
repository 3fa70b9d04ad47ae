/*
 * os_win32.h - helpers shared by the *_win32.c files only: UTF-8 <-> UTF-16
 * at the API boundary and Win32 error translation.  Never included by
 * portable code.
 */
#ifndef WW_OS_WIN32_H
#define WW_OS_WIN32_H

#include "compat.h"

#include <windows.h>

#include "err.h"

/* Heap UTF-16 copy of a UTF-8 string (free()); NULL on failure. */
wchar_t *ww_win_utf16(const char *utf8);
/* Heap UTF-8 copy of a UTF-16 string (free()); NULL on failure. */
char *ww_win_utf8(const wchar_t *utf16);
/* Map a GetLastError() value to a WW_E* code. */
int ww_win_error(DWORD e);
/* FormatMessageW text of e, UTF-8, no trailing newline, into buf. */
void ww_win_strerror(DWORD e, char *buf, size_t size);
/* ww_err_set_os() with GetLastError() and its text appended. */
int ww_win_err(struct ww_err *err, DWORD e, const char *call,
	       const char *subject);

/*
 * The security descriptor of everything wsuswatch creates for itself
 * (data directory, control pipe): protected DACL, SYSTEM and
 * Administrators full control, inherited by children.
 */
#define WW_SDDL_PRIVATE L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

/* --- who may change a file (acl_win32.c) --- */

/*
 * Whether sid is one that may steer what SYSTEM does anyway: SYSTEM,
 * Administrators, TrustedInstaller, or this process's own user (who runs
 * install or the service).
 */
bool ww_win_sid_trusted(PSID sid);

/*
 * Whether only trusted SIDs (above) can change path: its owner (an owner
 * may always rewrite the DACL) and every ACE that applies to the object
 * and allows writing, appending, deleting or changing its permissions or
 * owner.  *ret_ok says; when false, who (size n) names the first other
 * SID ("S-1-1-0 (Everyone)").  Returns 0, or an error when the security
 * descriptor cannot be read.  Links are followed (callers refuse those).
 */
int ww_win_admin_only(const char *path, bool *ret_ok, char *who, size_t n,
		      struct ww_err *err);

/* The owner of path as a SID string (who, size n); 0 or an error; *ret_ok
 * whether that owner is trusted. */
int ww_win_owner_trusted(const char *path, bool *ret_ok, char *who, size_t n,
			 struct ww_err *err);

#endif /* WW_OS_WIN32_H */
