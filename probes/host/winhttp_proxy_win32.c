/*
 * winhttp_proxy_win32.c - WinHttpGetDefaultProxyConfiguration (winhttp_proxy.h): the
 * proxy netsh winhttp sets, shown beside WSUS's own as context only.
 */
#include "compat.h"

#include "os_win32.h"

#include <winhttp.h>

#include "util.h"
#include "winhttp_proxy.h"

static void append_w(char *buf, size_t size, const char *label,
		     const wchar_t *w)
{
	char *u = w ? ww_win_utf8(w) : NULL;
	size_t n = strlen(buf);

	if (u && *u)
		snprintf(buf + n, size - n, "%s%s", label, u);
	free(u);
}

int ww_winhttp_default_proxy(char *buf, size_t size, struct ww_err *err)
{
	WINHTTP_PROXY_INFO info;

	memset(&info, 0, sizeof(info));
	if (size)
		buf[0] = '\0';
	if (!WinHttpGetDefaultProxyConfiguration(&info))
		return ww_win_err(err, GetLastError(),
				  "WinHttpGetDefaultProxyConfiguration", "");
	if (info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
	    info.lpszProxy) {
		ww_strlcpy(buf, "proxy ", size);
		append_w(buf, size, "", info.lpszProxy);
		append_w(buf, size, ", bypass ", info.lpszProxyBypass);
	} else {
		ww_strlcpy(buf, "direct access (no proxy server)", size);
	}
	if (info.lpszProxy)
		GlobalFree(info.lpszProxy);
	if (info.lpszProxyBypass)
		GlobalFree(info.lpszProxyBypass);
	return 0;
}
