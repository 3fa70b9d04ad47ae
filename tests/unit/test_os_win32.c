/*
 * test_os_win32.c - the private data directory on Windows: whoever created
 * it first (any user can create folders in C:\ProgramData) must not stay
 * its owner, since an owner can always rewrite the DACL.
 */
#include "compat.h"

#include <windows.h>
#include <sddl.h>

#include "os.h"
#include "os_win32.h"
#include "util.h"
#include "ww_test.h"

/* Wine derives a file's owner from the Unix uid and cannot change it. */
static bool under_wine(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

static bool owner_is_administrators(const char *path)
{
	wchar_t *w = ww_win_utf16(path);
	BYTE buf[4096];
	DWORD need = 0;
	PSID owner = NULL;
	BOOL defaulted;
	BYTE ba[SECURITY_MAX_SID_SIZE];
	DWORD balen = sizeof(ba);
	bool ok;

	ck_assert_ptr_nonnull(w);
	ck_assert(GetFileSecurityW(w, OWNER_SECURITY_INFORMATION, buf, sizeof(buf),
				   &need));
	ck_assert(GetSecurityDescriptorOwner(buf, &owner, &defaulted));
	ck_assert(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, ba, &balen));
	ok = owner && EqualSid(owner, ba);
	free(w);
	return ok;
}

START_TEST(existing_dir_is_taken_over)
{
	char *base = ww_test_tmpdir("os-owner");
	char *dir = ww_os_path_join(base, "squatted");
	wchar_t *w = ww_win_utf16(dir);
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	struct ww_err err;

	/* As a squatter would: owned by the creating user, open to Everyone. */
	ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(
		L"D:(A;OICI;FA;;;WD)", SDDL_REVISION_1, &sd, NULL));
	sa.lpSecurityDescriptor = sd;
	ck_assert(CreateDirectoryW(w, &sa));
	LocalFree(sd);
	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	ck_assert_msg(under_wine() || owner_is_administrators(dir),
		      "%s keeps its old owner", dir);
	RemoveDirectoryW(w);
	free(w);
	free(dir);
	free(base);
}
END_TEST

/* The DACL of path as SDDL (UTF-8, caller frees). */
static char *dacl_of(const char *path)
{
	wchar_t *w = ww_win_utf16(path);
	BYTE buf[4096];
	DWORD need = 0;
	LPWSTR sddl = NULL;
	char *out;

	ck_assert_ptr_nonnull(w);
	ck_assert_msg(GetFileSecurityW(w, DACL_SECURITY_INFORMATION, buf,
				       sizeof(buf), &need),
		      "GetFileSecurityW(%s): %lu", path, GetLastError());
	ck_assert(ConvertSecurityDescriptorToStringSecurityDescriptorW(
		buf, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL));
	out = ww_win_utf8(sddl);
	LocalFree(sddl);
	free(w);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* A file as a squatter leaves it: explicitly open to Everyone. */
static void make_open_file(const char *path)
{
	wchar_t *w = ww_win_utf16(path);
	PSECURITY_DESCRIPTOR sd = NULL;
	HANDLE h;
	char *d;

	h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			FILE_ATTRIBUTE_NORMAL, NULL);
	ck_assert(h != INVALID_HANDLE_VALUE);
	CloseHandle(h);
	ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(
		L"D:(A;;FA;;;WD)", SDDL_REVISION_1, &sd, NULL));
	ck_assert(SetFileSecurityW(w, DACL_SECURITY_INFORMATION, sd));
	LocalFree(sd);
	d = dacl_of(path);
	ck_assert_msg(strstr(d, ";WD)") != NULL, "setup: %s is %s", path, d);
	free(d);
	free(w);
}

/* Everyone is gone, and (Windows) every ACE is inherited from the parent. */
static void assert_reset(const char *path)
{
	char *d = dacl_of(path);
	const char *p;
	int aces = 0, inherited = 0;

	ck_assert_msg(strstr(d, ";WD)") == NULL, "%s keeps Everyone: %s", path, d);
	for (p = strchr(d, '('); p; p = strchr(p + 1, '('))
		aces++;
	for (p = strstr(d, ";ID;"); p; p = strstr(p + 1, ";ID;"))
		inherited++;
	/* Wine synthesizes a DACL from the Unix mode bits, without ID flags. */
	ck_assert_msg(under_wine() || (aces > 0 && aces == inherited &&
				       strstr(d, ";FA;;;BA)") != NULL),
		      "%s: not inherited from the private parent: %s", path, d);
	ck_assert_msg(under_wine() || owner_is_administrators(path),
		      "%s keeps its old owner", path);
	free(d);
}

static void remove_file(const char *path)
{
	wchar_t *w = ww_win_utf16(path);

	DeleteFileW(w);
	free(w);
}

static void remove_dir(const char *path)
{
	wchar_t *w = ww_win_utf16(path);

	RemoveDirectoryW(w);
	free(w);
}

START_TEST(existing_files_inside_are_reset)
{
	char *base = ww_test_tmpdir("os-tree");
	char *dir = ww_os_path_join(base, "squatted");
	char *db = ww_os_path_join(dir, "wsuswatch.db");
	char *sub = ww_os_path_join(dir, "sub");
	char *deep = ww_os_path_join(sub, "planted.txt");
	wchar_t *w = ww_win_utf16(dir), *wsub = ww_win_utf16(sub);
	struct ww_err err;

	ck_assert(CreateDirectoryW(w, NULL));
	ck_assert(CreateDirectoryW(wsub, NULL));
	make_open_file(db);
	make_open_file(deep);
	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	assert_reset(db);
	assert_reset(sub);
	assert_reset(deep);
	remove_file(deep);
	remove_dir(sub);
	remove_file(db);
	remove_dir(dir);
	free(wsub);
	free(w);
	free(deep);
	free(sub);
	free(db);
	free(dir);
	free(base);
}
END_TEST

START_TEST(new_dir_is_owned_by_administrators)
{
	char *base = ww_test_tmpdir("os-new");
	char *dir = ww_os_path_join(base, "fresh");
	struct ww_err err;

	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	ck_assert(under_wine() || owner_is_administrators(dir));
	free(dir);
	free(base);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("os_win32");
	TCase *tc = tcase_create("mkdir_private");

	tcase_add_test(tc, existing_dir_is_taken_over);
	tcase_add_test(tc, new_dir_is_owned_by_administrators);
	tcase_add_test(tc, existing_files_inside_are_reset);
	suite_add_tcase(s, tc);
	return s;
}
