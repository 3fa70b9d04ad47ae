/*
 * hostcfg_posix.c - there is no registry, SCHANNEL or WSUS here.
 */
#include "compat.h"

#include "hostcfg.h"

int ww_hostcfg_read(struct ww_hostcfg_values *ret, struct ww_err *err)
{
	memset(ret, 0, sizeof(*ret));
	return ww_err_set(err, WW_EUNAVAIL, "not applicable on this system "
			  "(the TLS registry settings exist only on Windows)");
}
