/*
 * test_os_win32.c - the private data directory on Windows: whoever created
 * it first (any user can create folders in C:\ProgramData) must not stay
 * its owner, since an owner can always rewrite the DACL.  And the proxy
 * password from a Credential Manager generic credential (CredReadW), as
 * written by CredWriteW (Wine implements both).
 */
#include "compat.h"

#include <windows.h>
#include <sddl.h>
#include <wincred.h>
#include <stdio.h>
#include <string.h>

#include "../wine/cred_store_win32.h"
#include "config.h"
#include "os.h"
#include "os_win32.h"
#include "util.h"
#include "ww_test.h"

/* Wine derives a file's owner from the Unix uid and cannot change it. */
#define WINE_OWNER "Wine derives a file's owner from the Unix uid"
/* Wine synthesizes a DACL from the Unix mode bits, without ID flags. */
#define WINE_DACL "Wine synthesizes DACLs from mode bits, without inheritance"

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

/* A directory as a squatter makes it: owned by its creator, open to Everyone. */
static char *make_squatted_dir(const char *base)
{
	char *dir = ww_os_path_join(base, "squatted");
	wchar_t *w = ww_win_utf16(dir);
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };

	ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(
		L"D:(A;OICI;FA;;;WD)", SDDL_REVISION_1, &sd, NULL));
	sa.lpSecurityDescriptor = sd;
	ck_assert(CreateDirectoryW(w, &sa));
	LocalFree(sd);
	free(w);
	return dir;
}

static void remove_dir(const char *path)
{
	wchar_t *w = ww_win_utf16(path);

	RemoveDirectoryW(w);
	free(w);
}

START_TEST(existing_dir_is_taken_over)
{
	char *base = ww_test_tmpdir("os-owner");
	char *dir = make_squatted_dir(base);
	struct ww_err err;

	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	remove_dir(dir);
	free(dir);
	free(base);
}
END_TEST

/* Windows only: the squatter is no longer the owner. */
START_TEST(existing_dir_owner_is_administrators)
{
	char *base, *dir;
	struct ww_err err;

	WW_TEST_SKIP_IF(ww_test_under_wine(), WINE_OWNER);
	base = ww_test_tmpdir("os-owner");
	dir = make_squatted_dir(base);
	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	ck_assert_msg(owner_is_administrators(dir), "%s keeps its old owner", dir);
	remove_dir(dir);
	free(dir);
	free(base);
}
END_TEST

static void set_sd(const char *path, const wchar_t *sddl)
{
	wchar_t *w = ww_win_utf16(path);
	PSECURITY_DESCRIPTOR sd = NULL;

	ck_assert(ConvertStringSecurityDescriptorToSecurityDescriptorW(
		sddl, SDDL_REVISION_1, &sd, NULL));
	ck_assert(SetFileSecurityW(w, DACL_SECURITY_INFORMATION |
				      PROTECTED_DACL_SECURITY_INFORMATION, sd));
	LocalFree(sd);
	free(w);
}

/*
 * Who may change the service's configuration file: Everyone with write
 * access is named; read for Everyone, or write only for SYSTEM and
 * Administrators, is fine.  (Wine turns such a DACL into Unix mode bits
 * and back, so only Everyone's rights survive there: an ACE for another
 * group, Authenticated Users say, can only be checked on Windows.)
 */
START_TEST(admin_only_names_other_writers)
{
	char *dir = ww_test_tmpdir("os-acl");
	char *file = ww_os_path_join(dir, "wsuswatch.yaml");
	char who[256];
	struct ww_err err;
	bool ok = true;

	ww_test_write_file(file, "interval: 5m\n", 13);
	set_sd(file, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFW;;;WD)");
	ck_assert_msg(ww_win_admin_only(file, &ok, who, sizeof(who), &err) == 0,
		      "%s", err.msg);
	ck_assert(!ok);
	ck_assert_msg(strstr(who, "S-1-1-0") != NULL, "%s", who);
	set_sd(file, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;WD)");
	ck_assert_int_eq(ww_win_admin_only(file, &ok, who, sizeof(who), &err), 0);
	ck_assert_msg(ok, "%s", who);
	ck_assert_int_eq(ww_os_remove(file), 0);
	free(file);
	free(dir);
}
END_TEST

/* A bare drive, "Q:", is not read past its end (ASan-style overrun
 * before); it is simply not a directory that can be made. */
START_TEST(mkdir_private_bare_drive)
{
	struct ww_err err;

	ww_err_clear(&err);
	ck_assert_int_ne(ww_os_mkdir_private("Q:", &err), 0);
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

/* Everyone is gone (Wine keeps Everyone's rights in the mode bits). */
static void assert_no_everyone(const char *path)
{
	char *d = dacl_of(path);

	ck_assert_msg(strstr(d, ";WD)") == NULL, "%s keeps Everyone: %s", path, d);
	free(d);
}

/* Windows only: every ACE inherited from the private parent, owner reset. */
static void assert_inherited(const char *path)
{
	char *d = dacl_of(path);
	const char *p;
	int aces = 0, inherited = 0;

	for (p = strchr(d, '('); p; p = strchr(p + 1, '('))
		aces++;
	for (p = strstr(d, ";ID;"); p; p = strstr(p + 1, ";ID;"))
		inherited++;
	ck_assert_msg(aces > 0 && aces == inherited &&
		      strstr(d, ";FA;;;BA)") != NULL,
		      "%s: not inherited from the private parent: %s", path, d);
	ck_assert_msg(owner_is_administrators(path), "%s keeps its old owner", path);
	free(d);
}

static void remove_file(const char *path)
{
	wchar_t *w = ww_win_utf16(path);

	DeleteFileW(w);
	free(w);
}

/* A squatted tree: dir/wsuswatch.db and dir/sub/planted.txt open to Everyone. */
struct tree {
	char *base, *dir, *db, *sub, *deep;
};

static void tree_plant(struct tree *t)
{
	wchar_t *w, *wsub;

	t->base = ww_test_tmpdir("os-tree");
	t->dir = ww_os_path_join(t->base, "squatted");
	t->db = ww_os_path_join(t->dir, "wsuswatch.db");
	t->sub = ww_os_path_join(t->dir, "sub");
	t->deep = ww_os_path_join(t->sub, "planted.txt");
	w = ww_win_utf16(t->dir);
	wsub = ww_win_utf16(t->sub);
	ck_assert(CreateDirectoryW(w, NULL));
	ck_assert(CreateDirectoryW(wsub, NULL));
	make_open_file(t->db);
	make_open_file(t->deep);
	free(wsub);
	free(w);
}

static void tree_remove(struct tree *t)
{
	remove_file(t->deep);
	remove_dir(t->sub);
	remove_file(t->db);
	remove_dir(t->dir);
	free(t->deep);
	free(t->sub);
	free(t->db);
	free(t->dir);
	free(t->base);
}

START_TEST(existing_files_inside_are_reset)
{
	struct tree t;
	struct ww_err err;

	tree_plant(&t);
	ck_assert_msg(ww_os_mkdir_private(t.dir, &err) == 0, "%s", err.msg);
	assert_no_everyone(t.db);
	assert_no_everyone(t.sub);
	assert_no_everyone(t.deep);
	tree_remove(&t);
}
END_TEST

/* Windows only: what is inside inherits from the private parent. */
START_TEST(existing_files_inside_inherit)
{
	struct tree t;
	struct ww_err err;

	WW_TEST_SKIP_IF(ww_test_under_wine(), WINE_DACL);
	tree_plant(&t);
	ck_assert_msg(ww_os_mkdir_private(t.dir, &err) == 0, "%s", err.msg);
	assert_inherited(t.db);
	assert_inherited(t.sub);
	assert_inherited(t.deep);
	tree_remove(&t);
}
END_TEST

/* Windows only: a new directory belongs to Administrators. */
START_TEST(new_dir_is_owned_by_administrators)
{
	char *base, *dir;
	struct ww_err err;

	WW_TEST_SKIP_IF(ww_test_under_wine(), WINE_OWNER);
	base = ww_test_tmpdir("os-new");
	dir = ww_os_path_join(base, "fresh");
	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	ck_assert(owner_is_administrators(dir));
	remove_dir(dir);
	free(dir);
	free(base);
}
END_TEST

/* ---- Credential Manager ---- */

/* "Pässwörd-€4410": non-ASCII in UTF-16 (two-byte and three-byte UTF-8). */
#define CRED_PASSWORD_W L"P\u00e4ssw\u00f6rd-\u20ac4410"
#define CRED_PASSWORD "P\xc3\xa4ssw\xc3\xb6rd-\xe2\x82\xac" "4410"
#define CRED_USER "WSUSLAB\\probeuser"

/* A target of this process's own, so parallel runs keep apart. */
static void cred_target(char *buf, size_t size, const char *tag)
{
	snprintf(buf, size, "wsuswatch-test/%s-%lu", tag,
		 (unsigned long)GetCurrentProcessId());
}

/* CredWriteW a generic credential; user may be NULL (none). */
static void cred_write(const char *target, const char *user)
{
	wchar_t *wt = ww_win_utf16(target);
	wchar_t *wu = user ? ww_win_utf16(user) : NULL;
	wchar_t pw[] = CRED_PASSWORD_W;

	ck_assert_ptr_nonnull(wt);
	ck_assert_msg(ww_test_cred_store(wt, wu, pw), "CredWriteW: error %lu",
		      (unsigned long)GetLastError());
	free(wu);
	free(wt);
}

static void cred_delete(const char *target)
{
	wchar_t *wt = ww_win_utf16(target);

	ck_assert_ptr_nonnull(wt);
	ck_assert(CredDeleteW(wt, CRED_TYPE_GENERIC, 0));
	free(wt);
}

/* After each test, also a failed one: no credential is left behind. */
static void cred_teardown(void)
{
	static const char *const tags[] = { "proxy", "cfg", "cfg-nouser" };
	char target[96];
	wchar_t *wt;
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		cred_target(target, sizeof(target), tags[i]);
		wt = ww_win_utf16(target);
		if (wt)
			CredDeleteW(wt, CRED_TYPE_GENERIC, 0);
		free(wt);
	}
}

START_TEST(credential_read_back)
{
	char target[96];
	char *user = NULL, *secret = NULL;
	struct ww_err err;

	cred_target(target, sizeof(target), "proxy");
	cred_write(target, CRED_USER);
	ck_assert_msg(ww_os_credential_read(target, &user, &secret, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(secret, CRED_PASSWORD);
	ck_assert_str_eq(user, CRED_USER);
	ww_os_secret_free(secret);
	free(user);
	/* The user is optional for the caller. */
	ck_assert_msg(ww_os_credential_read(target, NULL, &secret, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(secret, CRED_PASSWORD);
	ww_os_secret_free(secret);
	cred_delete(target);
	/* Deleted: it is gone, not merely unread. */
	ck_assert_int_ne(ww_os_credential_read(target, NULL, &secret, &err), 0);
}
END_TEST

START_TEST(credential_missing_names_target_only)
{
	char target[96];
	char *user = NULL, *secret = NULL;
	struct ww_err err;

	cred_target(target, sizeof(target), "absent");
	ck_assert_int_ne(ww_os_credential_read(target, &user, &secret, &err), 0);
	ck_assert_ptr_null(user);
	ck_assert_ptr_null(secret);
	ck_assert_msg(strstr(err.msg, target) != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, CRED_PASSWORD) == NULL, "%s", err.msg);
}
END_TEST

/* proxy.password_credential through the configuration: the password,
 * and the credential's user unless proxy.user names one. */
static void config_with_credential(struct ww_config *c, const char *target,
				   const char *user_line)
{
	char text[256];
	struct ww_err err;

	snprintf(text, sizeof(text), "proxy:\n  password_credential: '%s'\n%s",
		 target, user_line);
	ck_assert_msg(ww_config_init(c, &err) == 0, "%s", err.msg);
	ck_assert_msg(ww_config_load_string(c, "t.yaml", text, strlen(text),
					    &err) == 0, "%s", err.msg);
}

static void check_config_user(const char *target, const char *user_line,
			      const char *want_user)
{
	struct ww_config c;
	struct ww_err err;
	char *user = NULL, *pw = NULL;

	config_with_credential(&c, target, user_line);
	ck_assert_msg(ww_config_proxy_password(&c, &user, &pw, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(pw, CRED_PASSWORD);
	if (want_user)
		ck_assert_str_eq(user, want_user);
	else
		ck_assert_ptr_null(user);
	ww_os_secret_free(pw);
	free(user);
	ww_config_release(&c);
}

START_TEST(credential_user_fills_unset_proxy_user)
{
	char target[96], nouser[96];

	cred_target(target, sizeof(target), "cfg");
	cred_target(nouser, sizeof(nouser), "cfg-nouser");
	cred_write(target, CRED_USER);
	cred_write(nouser, NULL);
	check_config_user(target, "", CRED_USER);
	/* proxy.user (from the file or discovered from WSUS) wins. */
	check_config_user(target, "  user: 'CORP\\svc-wsus'\n", NULL);
	check_config_user(nouser, "", NULL);
	cred_delete(nouser);
	cred_delete(target);
}
END_TEST

/* A test that skips under Wine, alone in a TCase of its own (ww_test.h). */
static void add_separate(Suite *s, const char *name, const TTest *test)
{
	TCase *tc = tcase_create(name);

	tcase_set_tags(tc, WW_TEST_TAG_SEPARATE);
	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
}

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("os_win32");
	TCase *tc = tcase_create("mkdir_private");
	TCase *cred = tcase_create("credential");

	tcase_add_test(tc, existing_dir_is_taken_over);
	tcase_add_test(tc, existing_files_inside_are_reset);
	tcase_add_test(tc, admin_only_names_other_writers);
	tcase_add_test(tc, mkdir_private_bare_drive);
	suite_add_tcase(s, tc);
	add_separate(s, "owner_taken_over", existing_dir_owner_is_administrators);
	add_separate(s, "tree_inherits", existing_files_inside_inherit);
	add_separate(s, "new_dir_owner", new_dir_is_owned_by_administrators);
	tcase_add_checked_fixture(cred, NULL, cred_teardown);
	tcase_add_test(cred, credential_read_back);
	tcase_add_test(cred, credential_missing_names_target_only);
	tcase_add_test(cred, credential_user_fills_unset_proxy_user);
	suite_add_tcase(s, cred);
	return s;
}
