/*
 * tail_posix.c - the file side of the tailer on POSIX: identity is
 * st_dev + st_ino, reads are pread() so the offset lives in the tailer.
 */
#include "compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "tail.h"

struct ww_tail_file {
	int fd;
	char *path; /* for messages */
};

static int errno_code(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR: return WW_ENOENT;
	case EACCES:
	case EPERM: return WW_EPERM;
	case ENOMEM: return WW_ENOMEM;
	default: return WW_EIO;
	}
}

static int not_regular(const char *path, struct ww_err *err)
{
	return ww_err_set(err, WW_EINVAL, "%s: not a regular file (a FIFO, "
			  "device or directory); not read", path);
}

/*
 * Only a regular file is opened: a FIFO would block open() (and then
 * read()) for ever, /dev/zero would never end.  stat() first, so such a
 * path is not even opened; O_NONBLOCK and fstat() close the race with a
 * FIFO put there in between.
 */
static int open_regular(const char *path, int *ret, struct ww_err *err)
{
	struct stat st;
	int fd, e;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_regular(path, err);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return ww_err_set_os(err, errno_code(e), (unsigned long)e,
				     "%s: cannot open: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, err);
	}
	*ret = fd;
	return 0;
}

int ww_tail_file_open(const char *path, struct ww_tail_file **ret,
		      struct ww_err *err)
{
	struct ww_tail_file *f;
	int fd = -1, r = open_regular(path, &fd, err);

	if (r)
		return r;
	f = calloc(1, sizeof(*f));
	if (f)
		f->path = malloc(strlen(path) + 1);
	if (!f || !f->path) {
		close(fd);
		free(f);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	}
	memcpy(f->path, path, strlen(path) + 1);
	f->fd = fd;
	*ret = f;
	return 0;
}

void ww_tail_file_close(struct ww_tail_file *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f->path);
	free(f);
}

int ww_tail_file_info(struct ww_tail_file *f, struct ww_file_id *id,
		      uint64_t *size, struct ww_err *err)
{
	struct stat st;

	if (fstat(f->fd, &st) != 0) {
		int e = errno;

		return ww_err_set_os(err, errno_code(e), (unsigned long)e,
				     "%s: fstat: %s", f->path, strerror(e));
	}
	if (id) {
		id->dev = (uint64_t)st.st_dev;
		id->ino = (uint64_t)st.st_ino;
	}
	if (size)
		*size = (uint64_t)st.st_size;
	return 0;
}

int ww_tail_file_mtime(struct ww_tail_file *f, int64_t *ret,
		       struct ww_err *err)
{
	struct stat st;

	if (fstat(f->fd, &st) != 0) {
		int e = errno;

		return ww_err_set_os(err, errno_code(e), (unsigned long)e,
				     "%s: fstat: %s", f->path, strerror(e));
	}
	*ret = (int64_t)st.st_mtime;
	return 0;
}

int ww_tail_file_read_at(struct ww_tail_file *f, uint64_t off, void *buf,
			 size_t len, size_t *got, struct ww_err *err)
{
	ssize_t n;

	do
		n = pread(f->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		return ww_err_set_os(err, errno_code(e), (unsigned long)e,
				     "%s: read at %" PRIu64 ": %s", f->path,
				     off, strerror(e));
	}
	*got = (size_t)n;
	return 0;
}

int ww_tail_path_id(const char *path, struct ww_file_id *id,
		    struct ww_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		int e = errno;

		return ww_err_set_os(err, errno_code(e), (unsigned long)e,
				     "%s: stat: %s", path, strerror(e));
	}
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	return 0;
}

bool ww_tail_file_deleted(struct ww_tail_file *f)
{
	struct stat st;

	return fstat(f->fd, &st) == 0 && st.st_nlink == 0;
}
