/*
 * hostsvc_posix.c - there is no SCM, IIS, NTFS DACL or certificate store
 * of a WSUS server here.
 */
#include "compat.h"

#include "hostsvc.h"

int ww_hostsvc_read(const struct ww_hostsvc_opts *o,
		    struct ww_hostsvc_values *ret, struct ww_err *err)
{
	(void)o;
	memset(ret, 0, sizeof(*ret));
	return ww_err_set(err, WW_EUNAVAIL, "not applicable on this system "
			  "(services, IIS and certificate stores exist only "
			  "on Windows)");
}
