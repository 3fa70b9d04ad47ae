/*
 * tail_win32.c - the file side of the tailer on Windows.
 *
 * The log is opened with FILE_SHARE_READ | FILE_SHARE_WRITE |
 * FILE_SHARE_DELETE so that WSUS can keep appending, rename it to .old and
 * create a new one while we hold it.  Identity is the volume serial number
 * plus the 64-bit file index from GetFileInformationByHandle (Fluent Bit's
 * emulation of st_ino does the same).  Reads use an OVERLAPPED offset on a
 * synchronous handle, so the tailer owns the position.
 */
#include "compat.h"

#include "os_win32.h"
#include "tail.h"

struct ww_tail_file {
	HANDLE h;
	char *path;
};

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static HANDLE open_shared(const char *path, DWORD access, DWORD *ret_error)
{
	wchar_t *w = ww_win_utf16(path);
	HANDLE h;

	if (!w) {
		*ret_error = ERROR_NOT_ENOUGH_MEMORY;
		return INVALID_HANDLE_VALUE;
	}
	h = CreateFileW(w, access, SHARE_ALL, NULL, OPEN_EXISTING,
			FILE_ATTRIBUTE_NORMAL, NULL);
	*ret_error = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
	free(w);
	return h;
}

int ww_tail_file_open(const char *path, struct ww_tail_file **ret,
		      struct ww_err *err)
{
	struct ww_tail_file *f;
	DWORD e;
	HANDLE h = open_shared(path, GENERIC_READ, &e);

	if (h == INVALID_HANDLE_VALUE)
		return ww_win_err(err, e, "CreateFileW", path);
	/* A pipe or device at the path would block or never end. */
	if (GetFileType(h) != FILE_TYPE_DISK) {
		CloseHandle(h);
		return ww_err_set(err, WW_EINVAL, "%s: not a regular file (a "
				  "pipe or device); not read", path);
	}
	f = calloc(1, sizeof(*f));
	if (f)
		f->path = malloc(strlen(path) + 1);
	if (!f || !f->path) {
		CloseHandle(h);
		free(f);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	}
	memcpy(f->path, path, strlen(path) + 1);
	f->h = h;
	*ret = f;
	return 0;
}

void ww_tail_file_close(struct ww_tail_file *f)
{
	if (!f)
		return;
	CloseHandle(f->h);
	free(f->path);
	free(f);
}

static int handle_info(HANDLE h, const char *path, struct ww_file_id *id,
		       uint64_t *size, struct ww_err *err)
{
	BY_HANDLE_FILE_INFORMATION fi;

	if (!GetFileInformationByHandle(h, &fi))
		return ww_win_err(err, GetLastError(),
				  "GetFileInformationByHandle", path);
	if (id) {
		id->dev = fi.dwVolumeSerialNumber;
		id->ino = ((uint64_t)fi.nFileIndexHigh << 32) | fi.nFileIndexLow;
	}
	if (size)
		*size = ((uint64_t)fi.nFileSizeHigh << 32) | fi.nFileSizeLow;
	return 0;
}

int ww_tail_file_info(struct ww_tail_file *f, struct ww_file_id *id,
		      uint64_t *size, struct ww_err *err)
{
	return handle_info(f->h, f->path, id, size, err);
}

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF 116444736000000000LL

int ww_tail_file_mtime(struct ww_tail_file *f, int64_t *ret,
		       struct ww_err *err)
{
	BY_HANDLE_FILE_INFORMATION fi;
	int64_t ft;

	if (!GetFileInformationByHandle(f->h, &fi))
		return ww_win_err(err, GetLastError(),
				  "GetFileInformationByHandle", f->path);
	ft = (int64_t)(((uint64_t)fi.ftLastWriteTime.dwHighDateTime << 32) |
		       fi.ftLastWriteTime.dwLowDateTime);
	*ret = (ft - EPOCH_DIFF) / 10000000;
	return 0;
}

int ww_tail_file_read_at(struct ww_tail_file *f, uint64_t off, void *buf,
			 size_t len, size_t *got, struct ww_err *err)
{
	OVERLAPPED ov;
	DWORD n = 0, want = len > 0x40000000u ? 0x40000000u : (DWORD)len;

	memset(&ov, 0, sizeof(ov));
	ov.Offset = (DWORD)(off & 0xFFFFFFFFu);
	ov.OffsetHigh = (DWORD)(off >> 32);
	if (!ReadFile(f->h, buf, want, &n, &ov)) {
		DWORD e = GetLastError();

		if (e != ERROR_HANDLE_EOF)
			return ww_win_err(err, e, "ReadFile", f->path);
		n = 0;
	}
	*got = n;
	return 0;
}

int ww_tail_path_id(const char *path, struct ww_file_id *id,
		    struct ww_err *err)
{
	DWORD e;
	/* No access rights needed to ask for the file index. */
	HANDLE h = open_shared(path, 0, &e);
	int r;

	if (h == INVALID_HANDLE_VALUE)
		return ww_win_err(err, e, "CreateFileW", path);
	r = handle_info(h, path, id, NULL, err);
	CloseHandle(h);
	return r;
}

bool ww_tail_file_deleted(struct ww_tail_file *f)
{
	FILE_STANDARD_INFO si;

	return GetFileInformationByHandleEx(f->h, FileStandardInfo, &si,
					    sizeof(si)) && si.DeletePending;
}
