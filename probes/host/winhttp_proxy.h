/*
 * winhttp_proxy.h - the machine's WinHTTP default proxy (netsh winhttp show
 * proxy), read as context for the proxy check.  The sync guide: WSUS uses
 * the proxy in its own settings; the WinHTTP proxy is supporting context,
 * never proof of the path WSUS takes (docs/health.md).
 */
#ifndef WW_PROBES_WINHTTP_PROXY_H
#define WW_PROBES_WINHTTP_PROXY_H

#include "compat.h"
#include "err.h"

/*
 * One line into buf: "direct access (no proxy server)" or "proxy
 * proxy.corp:8080, bypass <local>".  WW_EUNAVAIL off Windows; other
 * errors name the call.
 */
int ww_winhttp_default_proxy(char *buf, size_t size, struct ww_err *err);

#endif /* WW_PROBES_WINHTTP_PROXY_H */
