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
	suite_add_tcase(s, tc);
	return s;
}
