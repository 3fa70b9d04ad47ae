/*
 * discover_posix.c - WSUS discovery off Windows: there is nothing to
 * read, and saying so is not an error the administrator needs to see.
 */
#include "compat.h"

#include "discover.h"

int ww_discover_read(struct ww_discovered *d, struct ww_err *err)
{
	ww_discovered_init(d);
	return ww_err_set(err, WW_EUNAVAIL, "WSUS runs only on Windows");
}
