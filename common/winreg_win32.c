/*
 * winreg_win32.c - the registry readers (winreg_win32.h).
 */
#include "compat.h"

#include "os_win32.h"
#include "util.h"
#include "winreg_win32.h"

const struct ww_win_reg_api ww_win_reg_real = {
	RegOpenKeyExW, RegQueryValueExW, RegCloseKey
};

int ww_win_reg_open(struct ww_win_reg_key *ret, const struct ww_win_reg_api *api,
		    const wchar_t *path, struct ww_err *err)
{
	LONG e = api->open(HKEY_LOCAL_MACHINE, path, 0,
			   KEY_QUERY_VALUE | KEY_WOW64_64KEY, &ret->h);
	char *name, subject[512];

	ret->api = api;
	if (e == ERROR_SUCCESS)
		return 0;
	ret->h = NULL;
	if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
		return 0;
	name = ww_win_utf8(path);
	snprintf(subject, sizeof(subject), "HKLM\\%s", name ? name : "?");
	free(name);
	return ww_win_err(err, (DWORD)e, "RegOpenKeyExW", subject);
}

void ww_win_reg_close(struct ww_win_reg_key *k)
{
	if (k->h)
		k->api->close(k->h);
	k->h = NULL;
}

bool ww_win_reg_dword(const struct ww_win_reg_key *k, const wchar_t *name,
		      DWORD *ret)
{
	DWORD type = 0, v = 0, size = sizeof(v);

	if (!k->h || k->api->query(k->h, name, NULL, &type, (BYTE *)&v,
				   &size) != ERROR_SUCCESS ||
	    type != REG_DWORD || size != sizeof(v))
		return false;
	*ret = v;
	return true;
}

static bool text_type(DWORD type, unsigned flags)
{
	return type == REG_SZ || type == REG_EXPAND_SZ ||
	       (type == REG_MULTI_SZ && (flags & WW_WIN_REG_MULTI));
}

/* w holds n UTF-16 units as stored: drop the trailing terminators and, for
 * a list, turn each inner terminator into ','; the result ends in L'\0'
 * (w has room for it). */
static void text_terminate(wchar_t *w, size_t n, unsigned flags)
{
	size_t i;

	if (flags & WW_WIN_REG_MULTI) {
		while (n && w[n - 1] == L'\0')
			n--;
		for (i = 0; i < n; i++)
			if (w[i] == L'\0')
				w[i] = L',';
	}
	w[n] = L'\0'; /* a value may lack its terminator */
}

bool ww_win_reg_text(const struct ww_win_reg_key *k, const wchar_t *name,
		     unsigned flags, DWORD max_bytes, char *buf, size_t size,
		     bool *cut)
{
	DWORD type = 0, bytes = max_bytes;
	wchar_t *w;
	char *u = NULL;
	bool ok = false;

	buf[0] = '\0';
	if (!k->h)
		return false;
	/* One read into max_bytes: a longer value is ERROR_MORE_DATA. */
	w = calloc(max_bytes / sizeof(wchar_t) + 1, sizeof(wchar_t));
	if (!w)
		return false;
	if (k->api->query(k->h, name, NULL, &type, (BYTE *)w, &bytes) !=
		    ERROR_SUCCESS || !text_type(type, flags))
		goto out;
	text_terminate(w, bytes / sizeof(wchar_t), flags);
	u = ww_win_utf8(w);
	if (!u)
		goto out;
	if (ww_strlcpy(buf, u, size) >= size && cut)
		*cut = true;
	ok = true;
out:
	free(u);
	free(w);
	return ok;
}
