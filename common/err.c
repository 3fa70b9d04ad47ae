#include "compat.h"
#include "err.h"

void ww_err_clear(struct ww_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->os_code = 0;
	err->msg[0] = '\0';
}

/* A vprintf-style function (format checked at the callers): WW_PRINTF(4, 0). */
static void err_vset(struct ww_err *err, int code, unsigned long os_code,
		     const char *fmt, va_list ap) WW_PRINTF(4, 0);

static void err_vset(struct ww_err *err, int code, unsigned long os_code,
		     const char *fmt, va_list ap)
{
	err->code = code;
	err->os_code = os_code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int ww_err_set(struct ww_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int ww_err_set_os(struct ww_err *err, int code, unsigned long os_code,
		  const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	err_vset(err, code, os_code, fmt, ap);
	va_end(ap);
	return code;
}

int ww_err_prefix(struct ww_err *err, const char *fmt, ...)
{
	char prefix[WW_ERR_MSG_MAX];
	char old[WW_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return WW_EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
	return err->code;
}

static const struct {
	int code;
	const char *name;
} errnames[] = {
	{ WW_OK, "success" },
	{ WW_ENOMEM, "out of memory" },
	{ WW_EINVAL, "invalid argument" },
	{ WW_EIO, "input/output error" },
	{ WW_ENOENT, "not found" },
	{ WW_ERANGE, "out of range" },
	{ WW_ECONFIG, "configuration invalid" },
	{ WW_EDB, "database error" },
	{ WW_ETIMEDOUT, "timed out" },
	{ WW_EABORT, "aborted" },
	{ WW_EPARSE, "malformed input" },
	{ WW_EBUSY, "busy" },
	{ WW_EPERM, "access denied" },
	{ WW_EUNAVAIL, "not available" },
	{ WW_EPROTO, "protocol error" },
	{ WW_ECORRUPT, "corrupt data" },
	{ WW_EEXIST, "already exists" },
	{ WW_ESTATE, "invalid state" },
	{ WW_EINUSE, "in use by another process" },
};

const char *ww_strerror(int code)
{
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(errnames); i++)
		if (errnames[i].code == code)
			return errnames[i].name;
	return "unknown error";
}
