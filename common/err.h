/*
 * err.h - the one error convention of wsuswatch.
 *
 * Functions return 0 on success or a negative WW_E* code, and fill an
 * optional struct ww_err with a human message that names the subject
 * (file, key, URL) and, where there is one, the OS or library message.
 * Library code never logs: the caller decides, and logs once.
 */
#ifndef WW_ERR_H
#define WW_ERR_H

#include "compat.h"

enum ww_errcode {
	WW_OK = 0,
	WW_ENOMEM = -1,   /* allocation failed */
	WW_EINVAL = -2,   /* bad argument or value */
	WW_EIO = -3,      /* read/write failure */
	WW_ENOENT = -4,   /* file or object does not exist */
	WW_ERANGE = -5,   /* value out of range or too long */
	WW_ECONFIG = -6,  /* configuration invalid */
	WW_EDB = -7,      /* database error */
	WW_ETIMEDOUT = -8,/* operation timed out */
	WW_EABORT = -9,   /* aborted because the monitor is stopping */
	WW_EPARSE = -10,  /* malformed input */
	WW_EBUSY = -11,   /* locked or in use */
	WW_EPERM = -12,   /* access denied */
	WW_EUNAVAIL = -13,/* facility not available on this system */
	WW_EPROTO = -14,  /* protocol error (control pipe, HTTP) */
	WW_ECORRUPT = -15,/* stored data is corrupt */
	WW_EEXIST = -16,  /* already exists */
	WW_ESTATE = -17,  /* not valid in the current state */
	WW_EINUSE = -18   /* another process holds it (the database's writer) */
};

#define WW_ERR_MSG_MAX 512

struct ww_err {
	int code;                  /* a WW_E* value, 0 when no error */
	unsigned long os_code;     /* errno, GetLastError() or library code */
	char msg[WW_ERR_MSG_MAX];  /* "subject: what went wrong" */
};

/* Reset an error detail to "no error". NULL-safe. */
void ww_err_clear(struct ww_err *err);

/*
 * Record an error and return code, so callers can write
 * "return ww_err_set(err, WW_EIO, "read '%s': %s", path, why);".
 * err may be NULL; the message is truncated to WW_ERR_MSG_MAX.
 */
int ww_err_set(struct ww_err *err, int code, const char *fmt, ...)
	WW_PRINTF(3, 4);

/* As ww_err_set(), also keeping the raw OS or library code. */
int ww_err_set_os(struct ww_err *err, int code, unsigned long os_code,
		  const char *fmt, ...) WW_PRINTF(4, 5);

/*
 * Prepend context to an existing message ("config.yaml: " + msg).
 * Returns err->code (or WW_EINVAL when err is NULL).
 */
int ww_err_prefix(struct ww_err *err, const char *fmt, ...) WW_PRINTF(2, 3);

/* Static English name of a code, e.g. "out of memory". Never NULL. */
const char *ww_strerror(int code);

#endif /* WW_ERR_H */
