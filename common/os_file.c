/*
 * os_file.c - reading a whole bounded file, the same on every system
 * (the configuration, applicationHost.config, w3wp.exe.config): one
 * home for the bound, the refusal of what is not a regular file and the
 * read errors.
 */
#include "compat.h"

#include "os.h"
#include "util.h"

int ww_os_read_file(const char *path, size_t max, struct ww_buf *b,
		    struct ww_err *err)
{
	char chunk[8192];
	size_t n, start = b->len;
	FILE *f;
	/* A FIFO or device at path must not hang the caller. */
	int r = ww_os_fopen_regular(path, &f, err);

	if (r)
		return r;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len - start + n > max) {
			r = ww_err_set(err, WW_ERANGE, "%s: larger than %zu bytes",
				       path, max);
			break;
		}
		r = ww_buf_append(b, chunk, n);
		if (r) {
			r = ww_err_set(err, r, "%s: %s", path, r == WW_ERANGE ?
				       "too large" : "out of memory");
			break;
		}
	}
	if (!r && ferror(f))
		r = ww_err_set_os(err, WW_EIO, (unsigned long)errno, "%s: %s",
				  path, strerror(errno));
	fclose(f);
	return r;
}
