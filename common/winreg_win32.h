/*
 * winreg_win32.h - the small registry readers every *_win32.c file uses
 * (config/discover_win32.c, probes/host/hostcfg_win32.c): open an HKLM key
 * in the 64-bit view, read a REG_DWORD, read text as UTF-8.  Never included
 * by portable code.
 *
 * A missing key or value is "absent", not an error: the callers look for
 * absence.  The three advapi32 calls go through struct ww_win_reg_api so a
 * unit test can serve a fake registry (discover_win32.h's seam embeds one);
 * everything else passes &ww_win_reg_real.
 */
#ifndef WW_WINREG_WIN32_H
#define WW_WINREG_WIN32_H

#include "compat.h"

#include <windows.h>

#include "err.h"

struct ww_win_reg_api {
	LONG (WINAPI *open)(HKEY key, LPCWSTR sub, DWORD opts, REGSAM sam,
			    PHKEY ret);
	LONG (WINAPI *query)(HKEY key, LPCWSTR name, LPDWORD reserved,
			     LPDWORD type, LPBYTE data, LPDWORD size);
	LONG (WINAPI *close)(HKEY key);
};

/* RegOpenKeyExW, RegQueryValueExW, RegCloseKey. */
extern const struct ww_win_reg_api ww_win_reg_real;

/* An open key, or h NULL when it does not exist (every reader then says
 * absent). */
struct ww_win_reg_key {
	const struct ww_win_reg_api *api;
	HKEY h;
};

/*
 * Open HKLM\path for reading with KEY_WOW64_64KEY (a 32-bit build sees the
 * same view as the 64-bit WSUS).  A missing key (or parent) is 0 with
 * ret->h NULL; any other failure is an error naming "HKLM\path" (err may
 * be NULL).  Close with ww_win_reg_close() either way.
 */
int ww_win_reg_open(struct ww_win_reg_key *ret, const struct ww_win_reg_api *api,
		    const wchar_t *path, struct ww_err *err);
void ww_win_reg_close(struct ww_win_reg_key *k);

/* A REG_DWORD value (exactly 4 bytes); false when absent or of another
 * type, *ret then untouched. */
bool ww_win_reg_dword(const struct ww_win_reg_key *k, const wchar_t *name,
		      DWORD *ret);

/* ww_win_reg_text flags: REG_MULTI_SZ accepted too, its strings joined
 * with ',' (a cipher suite list is either). */
#define WW_WIN_REG_MULTI 1u

/*
 * A REG_SZ or REG_EXPAND_SZ value (unexpanded) as UTF-8 into buf (size;
 * "" when false).  False when absent, of another type, or longer than
 * max_bytes of UTF-16 as stored (terminator included): a value too long
 * to be what the caller expects is not read at all.  A value read whose
 * UTF-8 does not fit buf is cut there and sets *cut (cut may be NULL).
 */
bool ww_win_reg_text(const struct ww_win_reg_key *k, const wchar_t *name,
		     unsigned flags, DWORD max_bytes, char *buf, size_t size,
		     bool *cut);

#endif /* WW_WINREG_WIN32_H */
