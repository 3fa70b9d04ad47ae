/* winhttp_proxy_posix.c - there is no WinHTTP proxy off Windows (winhttp_proxy.h). */
#include "compat.h"

#include "winhttp_proxy.h"

int ww_winhttp_default_proxy(char *buf, size_t size, struct ww_err *err)
{
	if (size)
		buf[0] = '\0';
	return ww_err_set(err, WW_EUNAVAIL, "WinHTTP exists only on Windows");
}
