/*
 * os_win32.c - the Windows implementation of os.h.
 */
#include "compat.h"

#include <windows.h>
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <sddl.h>
#include <wincred.h>
#include <shlobj.h>
#include <wchar.h>

#include "os.h"
#include "os_win32.h"
#include "util.h"

wchar_t *ww_win_utf16(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0)
		return NULL;
	w = malloc((size_t)n * sizeof(wchar_t));
	if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) <= 0)
		WW_FREE(w);
	return w;
}

char *ww_win_utf8(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0)
		return NULL;
	s = malloc((size_t)n);
	if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0)
		WW_FREE(s);
	return s;
}

int ww_win_error(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_NOT_FOUND:
		return WW_ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_PRIVILEGE_NOT_HELD:
		return WW_EPERM;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return WW_ENOMEM;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
	case ERROR_SERVICE_EXISTS:
		return WW_EEXIST;
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
	case ERROR_PIPE_BUSY:
		return WW_EBUSY;
	case ERROR_CALL_NOT_IMPLEMENTED:
	case ERROR_NOT_SUPPORTED:
		return WW_EUNAVAIL;
	case WAIT_TIMEOUT:
	case ERROR_TIMEOUT:
		return WW_ETIMEDOUT;
	default:
		return WW_EIO;
	}
}

void ww_win_strerror(DWORD e, char *buf, size_t size)
{
	wchar_t w[512];
	char *s;
	size_t n;

	if (!FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
			    NULL, e, 0, w, WW_ARRAY_SIZE(w), NULL)) {
		snprintf(buf, size, "error %lu", (unsigned long)e);
		return;
	}
	s = ww_win_utf8(w);
	if (!s) {
		snprintf(buf, size, "error %lu", (unsigned long)e);
		return;
	}
	/* FormatMessage ends its text with CR LF: drop it. */
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	ww_strlcpy(buf, s, size);
	free(s);
}

int ww_win_err(struct ww_err *err, DWORD e, const char *call,
	       const char *subject)
{
	char text[256];

	ww_win_strerror(e, text, sizeof(text));
	return ww_err_set_os(err, ww_win_error(e), e, "%s '%s' failed: (%lu) %s",
			     call, subject, (unsigned long)e, text);
}

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define WW_EPOCH_DIFF 116444736000000000LL

int64_t ww_os_now_ms(void)
{
	FILETIME ft;
	ULARGE_INTEGER u;

	GetSystemTimeAsFileTime(&ft);
	u.LowPart = ft.dwLowDateTime;
	u.HighPart = ft.dwHighDateTime;
	return ((int64_t)u.QuadPart - WW_EPOCH_DIFF) / 10000;
}

int64_t ww_os_now(void)
{
	return ww_os_now_ms() / 1000;
}

int64_t ww_os_monotonic_ms(void)
{
	return (int64_t)GetTickCount64();
}

void ww_os_sleep_ms(unsigned ms)
{
	Sleep(ms);
}

unsigned long ww_os_pid(void)
{
	return (unsigned long)GetCurrentProcessId();
}

char *ww_os_getenv(const char *name)
{
	wchar_t *wname = ww_win_utf16(name);
	wchar_t *val = NULL;
	char *out = NULL;
	DWORD n;

	if (!wname)
		return NULL;
	n = GetEnvironmentVariableW(wname, NULL, 0);
	if (n == 0)
		goto out;
	val = malloc(n * sizeof(wchar_t));
	if (!val || GetEnvironmentVariableW(wname, val, n) == 0)
		goto out;
	out = ww_win_utf8(val);
out:
	if (val)
		SecureZeroMemory(val, n * sizeof(wchar_t));
	free(val);
	free(wname);
	return out;
}

void ww_os_secure_zero(void *p, size_t n)
{
	SecureZeroMemory(p, n);
}

static char *known_folder(REFKNOWNFOLDERID id, const char *fallback,
			  const char *child)
{
	PWSTR w = NULL;
	char *dir = NULL, *out;

	if (SUCCEEDED(SHGetKnownFolderPath(id, 0, NULL, &w)))
		dir = ww_win_utf8(w);
	CoTaskMemFree(w);
	out = ww_os_path_join(dir ? dir : fallback, child);
	free(dir);
	return out;
}

int ww_os_fqdn(char *buf, size_t size)
{
	wchar_t w[256];
	DWORD n = (DWORD)WW_ARRAY_SIZE(w);
	char *u;
	int r = 0;

	if (!size)
		return WW_ERANGE;
	buf[0] = '\0';
	if (!GetComputerNameExW(ComputerNameDnsFullyQualified, w, &n))
		return WW_EIO;
	u = ww_win_utf8(w);
	if (!u)
		return WW_ENOMEM;
	if (strlen(u) >= size)
		r = WW_ERANGE;
	else
		ww_strlcpy(buf, u, size);
	free(u);
	return r;
}

char *ww_os_default_data_dir(void)
{
	return known_folder(&FOLDERID_ProgramData, "C:\\ProgramData", "wsuswatch");
}

char *ww_os_default_wsus_log(void)
{
	return known_folder(&FOLDERID_ProgramFiles, "C:\\Program Files",
			    "Update Services\\LogFiles\\SoftwareDistribution.log");
}

char *ww_os_default_control_endpoint(void)
{
	return ww_strdup("\\\\.\\pipe\\wsuswatch");
}

char *ww_os_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool sep = dl && (dir[dl - 1] == '\\' || dir[dl - 1] == '/');
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (!sep)
		p[dl++] = '\\';
	memcpy(p + dl, name, nl + 1);
	return p;
}

bool ww_os_path_exists(const char *path)
{
	wchar_t *w = ww_win_utf16(path);
	bool ok;

	if (!w)
		return false;
	ok = GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;
	free(w);
	return ok;
}

static int private_sd(PSECURITY_DESCRIPTOR *ret, const char *path,
		      struct ww_err *err)
{
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    L"O:BA" WW_SDDL_PRIVATE, SDDL_REVISION_1, ret, NULL))
		return ww_win_err(err, GetLastError(),
				  "ConvertStringSecurityDescriptorToSecurityDescriptorW()",
				  path);
	return 0;
}

/*
 * The owner matters as much as the DACL: an owner may always rewrite the
 * DACL, and any user can create C:\ProgramData\wsuswatch before the
 * service first runs.  So the directory is given to Administrators too.
 * An account that may not assign that owner (not elevated) cannot be the
 * service either; it gets the DACL alone rather than an error.
 */
static int secure_dir(const wchar_t *w, const char *path, struct ww_err *err)
{
	const SECURITY_INFORMATION dacl = DACL_SECURITY_INFORMATION |
					  PROTECTED_DACL_SECURITY_INFORMATION;
	PSECURITY_DESCRIPTOR sd = NULL;
	int r = private_sd(&sd, path, err);

	if (r)
		return r;
	if (!SetFileSecurityW(w, dacl | OWNER_SECURITY_INFORMATION, sd) &&
	    (GetLastError() != ERROR_INVALID_OWNER || !SetFileSecurityW(w, dacl, sd)))
		r = ww_win_err(err, GetLastError(), "SetFileSecurityW()", path);
	LocalFree(sd);
	return r;
}

/*
 * Files that were in the directory before us (a wsuswatch.db planted by
 * whoever created C:\ProgramData\wsuswatch) keep their own ACL and owner
 * unless the tree below is reset too: every child is given to
 * Administrators and loses its explicit ACEs, so it inherits the private
 * DACL.  TreeResetNamedSecurityInfoW does that on Windows; Wine (8.0) has
 * it as a stub that returns success without visiting anything, which the
 * progress callback shows, and then the tree is walked here instead.
 */
struct tree_reset {
	unsigned visited;	/* objects the progress callback saw */
	DWORD status;		/* first failure, ERROR_SUCCESS if none */
	char *failed;		/* its object name (UTF-8), heap */
};

/* An FN_PROGRESS of whichever header declares it (compat.h). */
static VOID tree_progress(LPWSTR name, DWORD status,
			  PPROG_INVOKE_SETTING invoke, PVOID args,
			  WW_FN_PROGRESS_SECURITY_SET security_set)
{
	struct tree_reset *t = args;

	(void)security_set;
	t->visited++;
	if (status != ERROR_SUCCESS && t->status == ERROR_SUCCESS) {
		t->status = status;
		t->failed = name ? ww_win_utf8(name) : NULL;
	}
	*invoke = ProgressInvokeEveryObject;
}

static DWORD tree_reset_api(wchar_t *w, PSECURITY_DESCRIPTOR sd, bool owner,
			    struct tree_reset *t)
{
	SECURITY_INFORMATION si = DACL_SECURITY_INFORMATION |
				  PROTECTED_DACL_SECURITY_INFORMATION;
	PSID sid = NULL;
	PACL dacl = NULL;
	BOOL present = FALSE, defaulted;
	DWORD e;

	if (!GetSecurityDescriptorOwner(sd, &sid, &defaulted) ||
	    !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) ||
	    !present)
		return GetLastError() ? GetLastError() : ERROR_INVALID_ACL;
	if (owner)
		si |= OWNER_SECURITY_INFORMATION;
	free(t->failed);
	memset(t, 0, sizeof(*t));
	e = TreeResetNamedSecurityInfoW(w, SE_FILE_OBJECT, si,
					owner ? sid : NULL, NULL, dacl, NULL,
					FALSE, tree_progress,
					ProgressInvokeEveryObject, t);
	return e != ERROR_SUCCESS ? e : t->status;
}

/* Depth of the walk below the data directory; it holds only files. */
#define WW_TREE_DEPTH_MAX 8

static wchar_t *wjoin(const wchar_t *dir, const wchar_t *name)
{
	size_t dl = wcslen(dir), nl = wcslen(name);
	wchar_t *p = malloc((dl + nl + 2) * sizeof(wchar_t));

	if (!p)
		return NULL;
	wmemcpy(p, dir, dl);
	p[dl] = L'\\';
	wmemcpy(p + dl + 1, name, nl + 1);
	return p;
}

static int child_err(struct ww_err *err, DWORD e, const char *call,
		     const wchar_t *w)
{
	char *path = ww_win_utf8(w);
	int r = ww_win_err(err, e, call, path ? path : "?");

	free(path);
	return r;
}

static int child_msg(struct ww_err *err, int code, const wchar_t *w,
		     const char *what)
{
	char *path = ww_win_utf8(w);
	int r = ww_err_set(err, code, "'%s': %s", path ? path : "?", what);

	free(path);
	return r;
}

/*
 * One child: owner Administrators (DACL only when that cannot be
 * assigned), an empty unprotected DACL so that only the inherited ACEs
 * remain.  SetNamedSecurityInfoW computes those from the parent, which is
 * why the walk goes top-down.
 */
static int reset_child(wchar_t *w, PSID owner, struct ww_err *err)
{
	const SECURITY_INFORMATION dacl = DACL_SECURITY_INFORMATION |
					  UNPROTECTED_DACL_SECURITY_INFORMATION;
	ACL empty;
	DWORD e;

	if (!InitializeAcl(&empty, sizeof(empty), ACL_REVISION))
		return child_err(err, GetLastError(), "InitializeAcl()", w);
	e = SetNamedSecurityInfoW(w, SE_FILE_OBJECT,
				  dacl | OWNER_SECURITY_INFORMATION, owner,
				  NULL, &empty, NULL);
	if (e == ERROR_INVALID_OWNER)
		e = SetNamedSecurityInfoW(w, SE_FILE_OBJECT, dacl, NULL, NULL,
					  &empty, NULL);
	return e == ERROR_SUCCESS ? 0 :
	       child_err(err, e, "SetNamedSecurityInfoW()", w);
}

static int walk_entry(const wchar_t *dir, const WIN32_FIND_DATAW *fd,
		      PSID owner, int depth, struct ww_err *err);

/*
 * The walk never follows a reparse point (a symbolic link or junction
 * planted inside would make it reset the target's ACL): it refuses.
 */
static int walk_children(const wchar_t *dir, PSID owner, int depth,
			 struct ww_err *err)
{
	wchar_t *pattern = wjoin(dir, L"*");
	WIN32_FIND_DATAW fd;
	HANDLE h;
	int r = 0;

	if (!pattern)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	if (depth > WW_TREE_DEPTH_MAX) {
		r = child_msg(err, WW_ERANGE, dir,
			      "too many directory levels below a private directory; remove it");
		goto out;
	}
	h = FindFirstFileW(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE) {
		if (GetLastError() != ERROR_FILE_NOT_FOUND)
			r = child_err(err, GetLastError(), "FindFirstFileW()", dir);
		goto out;
	}
	do
		r = walk_entry(dir, &fd, owner, depth, err);
	while (!r && FindNextFileW(h, &fd));
	if (!r && GetLastError() != ERROR_NO_MORE_FILES)
		r = child_err(err, GetLastError(), "FindNextFileW()", dir);
	FindClose(h);
out:
	free(pattern);
	return r;
}

static int walk_entry(const wchar_t *dir, const WIN32_FIND_DATAW *fd,
		      PSID owner, int depth, struct ww_err *err)
{
	wchar_t *w;
	int r;

	if (!wcscmp(fd->cFileName, L".") || !wcscmp(fd->cFileName, L".."))
		return 0;
	w = wjoin(dir, fd->cFileName);
	if (!w)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	if (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
		r = child_msg(err, WW_EPERM, w,
			      "a link or junction inside a private directory; remove it");
	else
		r = reset_child(w, owner, err);
	if (!r && (fd->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
	    !(fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
		r = walk_children(w, owner, depth + 1, err);
	free(w);
	return r;
}

static int secure_tree(wchar_t *w, const char *path, struct ww_err *err)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	struct tree_reset t = { 0, ERROR_SUCCESS, NULL };
	PSID owner = NULL;
	BOOL defaulted;
	DWORD e;
	int r = private_sd(&sd, path, err);

	if (r)
		return r;
	e = tree_reset_api(w, sd, true, &t);
	if (e == ERROR_INVALID_OWNER)
		e = tree_reset_api(w, sd, false, &t);
	if (e != ERROR_SUCCESS)
		r = ww_win_err(err, e, "TreeResetNamedSecurityInfoW()",
			       t.failed ? t.failed : path);
	else if (!t.visited && !(r = secure_dir(w, path, err))) {
		if (!GetSecurityDescriptorOwner(sd, &owner, &defaulted))
			r = ww_win_err(err, GetLastError(),
				       "GetSecurityDescriptorOwner()", path);
		else
			r = walk_children(w, owner, 1, err);
	}
	free(t.failed);
	LocalFree(sd);
	return r;
}

static int mkdir_one(const char *path, struct ww_err *err)
{
	wchar_t *w = ww_win_utf16(path);
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	DWORD attr;
	int r = 0;

	if (!w)
		return ww_err_set(err, WW_EINVAL, "'%s': not valid UTF-8", path);
	/*
	 * Born private (DACL only: the owner is fixed in secure_dir), so there
	 * is no moment when the inherited ACL of the parent lets others in.
	 */
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    WW_SDDL_PRIVATE, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL))
		r = ww_win_err(err, GetLastError(),
			       "ConvertStringSecurityDescriptorToSecurityDescriptorW()",
			       path);
	else if (!CreateDirectoryW(w, &sa) && GetLastError() != ERROR_ALREADY_EXISTS)
		r = ww_win_err(err, GetLastError(), "CreateDirectoryW()", path);
	LocalFree(sa.lpSecurityDescriptor);
	attr = GetFileAttributesW(w);
	if (!r && (attr == INVALID_FILE_ATTRIBUTES ||
		   !(attr & FILE_ATTRIBUTE_DIRECTORY)))
		r = ww_err_set(err, WW_EEXIST, "'%s' exists and is not a directory",
			       path);
	/* A junction or symbolic link planted under our name: securing it
	 * would re-own and re-ACL whatever it points to. */
	else if (!r && (attr & FILE_ATTRIBUTE_REPARSE_POINT))
		r = ww_err_set(err, WW_EPERM, "'%s' is a link or junction: "
			       "refusing to change the permissions of what it "
			       "points to; remove it", path);
	free(w);
	return r;
}

int ww_os_mkdir_private(const char *path, struct ww_err *err)
{
	char *copy = ww_strdup(path);
	wchar_t *w = NULL;
	char *p;
	int r = 0;

	if (!copy)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	/* Skip a drive ("C:\", or a bare "C:") prefix: not ours to create. */
	p = copy;
	if (p[0] && p[1] == ':')
		p += p[2] == '\\' || p[2] == '/' ? 3 : 2;
	for (; *p && !r; p++) {
		if ((*p != '\\' && *p != '/') || p == copy)
			continue;
		*p = '\0';
		if (!ww_os_path_exists(copy))
			r = mkdir_one(copy, err);
		*p = '\\';
	}
	if (!r)
		r = mkdir_one(copy, err);
	w = r ? NULL : ww_win_utf16(copy);
	if (w)
		r = secure_tree(w, copy, err);
	free(w);
	free(copy);
	return r;
}

int ww_os_credential_read(const char *target, char **ret_user,
			  char **ret_secret, struct ww_err *err)
{
	wchar_t *wt = ww_win_utf16(target);
	PCREDENTIALW cred = NULL;
	wchar_t *secret = NULL;
	int r = 0;

	if (!wt)
		return ww_err_set(err, WW_EINVAL, "credential '%s': not UTF-8", target);
	if (!CredReadW(wt, CRED_TYPE_GENERIC, 0, &cred)) {
		r = ww_win_err(err, GetLastError(), "CredReadW()", target);
		goto out;
	}
	/* Generic credentials store the password as UTF-16 bytes. */
	secret = calloc(cred->CredentialBlobSize / sizeof(wchar_t) + 1,
			sizeof(wchar_t));
	if (!secret) {
		r = ww_err_set(err, WW_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(secret, cred->CredentialBlob, cred->CredentialBlobSize);
	*ret_secret = ww_win_utf8(secret);
	if (ret_user)
		*ret_user = cred->UserName ? ww_win_utf8(cred->UserName) : NULL;
	if (!*ret_secret || (ret_user && cred->UserName && !*ret_user)) {
		r = ww_err_set(err, WW_ENOMEM, "out of memory");
		ww_os_secret_free(*ret_secret);
		*ret_secret = NULL;
		if (ret_user) {
			free(*ret_user);
			*ret_user = NULL;
		}
	}
out:
	if (secret) {
		SecureZeroMemory(secret, cred->CredentialBlobSize);
		free(secret);
	}
	if (cred) {
		/* CredFree() does not clear the password it frees. */
		SecureZeroMemory(cred->CredentialBlob, cred->CredentialBlobSize);
		CredFree(cred);
	}
	free(wt);
	return r;
}

void ww_os_secret_free(char *secret)
{
	if (!secret)
		return;
	SecureZeroMemory(secret, strlen(secret));
	free(secret);
}

struct ww_thread {
	HANDLE h;
	void (*fn)(void *);
	void *arg;
};

static DWORD WINAPI thread_trampoline(LPVOID p)
{
	struct ww_thread *t = p;

	t->fn(t->arg);
	return 0;
}

int ww_thread_create(struct ww_thread **ret, void (*fn)(void *), void *arg)
{
	struct ww_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return WW_ENOMEM;
	t->fn = fn;
	t->arg = arg;
	t->h = CreateThread(NULL, 0, thread_trampoline, t, 0, NULL);
	if (!t->h) {
		free(t);
		return WW_EIO;
	}
	*ret = t;
	return 0;
}

void ww_thread_join(struct ww_thread *t)
{
	if (!t)
		return;
	WaitForSingleObject(t->h, INFINITE);
	CloseHandle(t->h);
	free(t);
}

struct ww_mutex {
	CRITICAL_SECTION cs;
};

struct ww_mutex *ww_mutex_new(void)
{
	struct ww_mutex *m = calloc(1, sizeof(*m));

	if (m)
		InitializeCriticalSection(&m->cs);
	return m;
}

void ww_mutex_free(struct ww_mutex *m)
{
	if (!m)
		return;
	DeleteCriticalSection(&m->cs);
	free(m);
}

void ww_mutex_lock(struct ww_mutex *m)
{
	EnterCriticalSection(&m->cs);
}

void ww_mutex_unlock(struct ww_mutex *m)
{
	LeaveCriticalSection(&m->cs);
}

static SRWLOCK static_lock = SRWLOCK_INIT;

void ww_os_static_lock(void)
{
	AcquireSRWLockExclusive(&static_lock);
}

void ww_os_static_unlock(void)
{
	ReleaseSRWLockExclusive(&static_lock);
}

struct ww_event {
	HANDLE h;
};

struct ww_event *ww_event_new(void)
{
	struct ww_event *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->h = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!e->h)
		WW_FREE(e);
	return e;
}

void ww_event_free(struct ww_event *e)
{
	if (!e)
		return;
	CloseHandle(e->h);
	free(e);
}

void ww_event_set(struct ww_event *e)
{
	SetEvent(e->h);
}

void ww_event_reset(struct ww_event *e)
{
	ResetEvent(e->h);
}

bool ww_event_is_set(struct ww_event *e)
{
	return WaitForSingleObject(e->h, 0) == WAIT_OBJECT_0;
}

bool ww_event_wait(struct ww_event *e, unsigned timeout_ms)
{
	return WaitForSingleObject(e->h, timeout_ms) == WAIT_OBJECT_0;
}

FILE *ww_os_fopen(const char *path, const char *mode)
{
	wchar_t *wp = ww_win_utf16(path), *wm = ww_win_utf16(mode);
	FILE *f = NULL;

	if (wp && wm)
		f = _wfopen(wp, wm);
	else
		errno = ENOMEM;
	free(wp);
	free(wm);
	return f;
}

int ww_os_fopen_regular(const char *path, FILE **ret, struct ww_err *err)
{
	FILE *f = ww_os_fopen(path, "rb");
	int e = errno;

	*ret = NULL;
	if (!f)
		return ww_err_set_os(err, e == ENOENT ? WW_ENOENT : WW_EIO,
				     (unsigned long)e, "%s: %s", path,
				     strerror(e));
	/* A pipe, console or device opens as a file; refuse it unread. */
	if (GetFileType((HANDLE)_get_osfhandle(_fileno(f))) != FILE_TYPE_DISK) {
		fclose(f);
		return ww_err_set(err, WW_EIO, "%s: not a regular file (a "
				  "pipe or device)", path);
	}
	*ret = f;
	return 0;
}

FILE *ww_os_fopen_new(const char *path)
{
	wchar_t *wp = ww_win_utf16(path);
	HANDLE h = INVALID_HANDLE_VALUE;
	FILE *f = NULL;
	int fd = -1;

	/* CREATE_NEW fails on any existing name, a symlink or junction too. */
	if (wp)
		h = CreateFileW(wp, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW,
				FILE_ATTRIBUTE_NORMAL, NULL);
	free(wp);
	if (h == INVALID_HANDLE_VALUE) {
		errno = GetLastError() == ERROR_FILE_EXISTS ? EEXIST : EACCES;
		return NULL;
	}
	fd = _open_osfhandle((intptr_t)h, _O_WRONLY | _O_BINARY);
	if (fd < 0) {
		CloseHandle(h);
		return NULL;
	}
	f = _fdopen(fd, "wb");
	if (!f)
		_close(fd);
	return f;
}

int ww_os_remove(const char *path)
{
	wchar_t *wp = ww_win_utf16(path);
	int r = wp && DeleteFileW(wp) ? 0 : -1;

	if (r)
		errno = wp && GetLastError() == ERROR_FILE_NOT_FOUND ? ENOENT : EACCES;
	free(wp);
	return r;
}

int ww_os_rename_replace(const char *from, const char *to,
			 struct ww_err *err)
{
	wchar_t *wf = ww_win_utf16(from), *wt = ww_win_utf16(to);
	int r = 0;

	if (!wf || !wt)
		r = ww_err_set(err, WW_ENOMEM, "rename '%s': out of memory",
			       from);
	else if (!MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING |
					      MOVEFILE_WRITE_THROUGH))
		r = ww_win_err(err, GetLastError(), "MoveFileExW()", to);
	free(wf);
	free(wt);
	return r;
}

/* ---- file locks ---------------------------------------------------------- */

struct ww_os_lock {
	HANDLE h;
};

/*
 * The lock covers one byte far beyond the file's content: Windows locks
 * are mandatory, and the pid at offset 0 must stay readable.
 */
#define WW_LOCK_OFFSET_HIGH 1

static unsigned long lock_holder(HANDLE h)
{
	char buf[32];
	DWORD n = 0;

	if (!ReadFile(h, buf, sizeof(buf) - 1, &n, NULL) || !n)
		return 0;
	return ww_lock_pid_parse(buf, n);
}

static void lock_write_pid(HANDLE h)
{
	char pid[32];
	DWORD n = 0;
	int len = snprintf(pid, sizeof(pid), "%lu\r\n", ww_os_pid());

	/* The pid is a courtesy for the next one's message: no error. */
	if (SetFilePointer(h, 0, NULL, FILE_BEGIN) == 0 && SetEndOfFile(h))
		(void)WriteFile(h, pid, (DWORD)len, &n, NULL);
}

int ww_os_lock_file(const char *path, struct ww_os_lock **ret,
		    struct ww_err *err)
{
	wchar_t *w = ww_win_utf16(path);
	OVERLAPPED ov;
	struct ww_os_lock *l;
	unsigned long holder;
	HANDLE h;
	DWORD e;

	*ret = NULL;
	if (!w)
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return ww_win_err(err, GetLastError(), "CreateFileW()", path);
	memset(&ov, 0, sizeof(ov));
	ov.OffsetHigh = WW_LOCK_OFFSET_HIGH;
	if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
			0, 1, 0, &ov)) {
		e = GetLastError();
		holder = e == ERROR_LOCK_VIOLATION ? lock_holder(h) : 0;
		CloseHandle(h);
		if (e != ERROR_LOCK_VIOLATION && e != ERROR_IO_PENDING)
			return ww_win_err(err, e, "LockFileEx()", path);
		if (holder)
			return ww_err_set(err, WW_EINUSE, "%s: held by process "
					  "%lu", path, holder);
		return ww_err_set(err, WW_EINUSE, "%s: held by another "
				  "process", path);
	}
	l = malloc(sizeof(*l));
	if (!l) {
		CloseHandle(h);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	}
	l->h = h;
	lock_write_pid(h);
	*ret = l;
	return 0;
}

void ww_os_unlock_file(struct ww_os_lock *l)
{
	if (!l)
		return;
	CloseHandle(l->h); /* releases the lock */
	free(l);
}
