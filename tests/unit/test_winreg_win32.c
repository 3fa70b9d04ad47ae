/*
 * test_winreg_win32.c - the shared registry readers (common/winreg_win32.h)
 * through their Reg* table: which types each reader takes, how a REG_MULTI_SZ
 * is joined, a value over the caller's limit is absent while one over the
 * buffer is cut, and an open failure names HKLM\path.
 */
#include "compat.h"

#include "os_win32.h"
#include "winreg_win32.h"
#include "ww_test.h"

#define FAKE_KEY ((HKEY)(uintptr_t)0x7e9)

static struct {
	LONG open_error;
	REGSAM sam;
} fk;

static const struct {
	const wchar_t *name;
	DWORD type;
	const void *data;
	DWORD bytes;
} values[] = {
	{ L"Dword", REG_DWORD, "\x2a\0\0\0", 4 },
	{ L"Short", REG_BINARY, "\x2a\0", 2 },
	{ L"Text", REG_SZ, L"abc", sizeof(L"abc") },
	{ L"Expand", REG_EXPAND_SZ, L"%X%", sizeof(L"%X%") },
	{ L"Bare", REG_SZ, L"xyz", 3 * sizeof(wchar_t) }, /* no terminator */
	{ L"List", REG_MULTI_SZ, L"a\0bc\0", sizeof(L"a\0bc\0") },
};

static LONG WINAPI f_open(HKEY key, LPCWSTR sub, DWORD opts, REGSAM sam,
			  PHKEY ret)
{
	(void)key; (void)sub; (void)opts;
	fk.sam = sam;
	if (fk.open_error)
		return fk.open_error;
	*ret = FAKE_KEY;
	return ERROR_SUCCESS;
}

/* As RegQueryValueExW: ERROR_MORE_DATA when the buffer is too small. */
static LONG WINAPI f_query(HKEY key, LPCWSTR name, LPDWORD reserved,
			   LPDWORD type, LPBYTE data, LPDWORD size)
{
	size_t i;

	(void)reserved;
	ck_assert_ptr_eq(key, FAKE_KEY);
	for (i = 0; i < WW_ARRAY_SIZE(values); i++) {
		if (wcscmp(name, values[i].name) != 0)
			continue;
		*type = values[i].type;
		if (values[i].bytes > *size)
			return ERROR_MORE_DATA;
		memcpy(data, values[i].data, values[i].bytes);
		*size = values[i].bytes;
		return ERROR_SUCCESS;
	}
	return ERROR_FILE_NOT_FOUND;
}

static LONG WINAPI f_close(HKEY key)
{
	ck_assert_ptr_eq(key, FAKE_KEY);
	return ERROR_SUCCESS;
}

static const struct ww_win_reg_api fake_api = { f_open, f_query, f_close };

static void open_fake(struct ww_win_reg_key *k)
{
	struct ww_err err;

	memset(&fk, 0, sizeof(fk));
	ww_err_clear(&err);
	ck_assert_int_eq(ww_win_reg_open(k, &fake_api, L"SOFTWARE\\T", &err), 0);
	ck_assert_ptr_eq(k->h, FAKE_KEY);
	ck_assert(fk.sam & KEY_WOW64_64KEY);
}

START_TEST(dword_only_reg_dword)
{
	struct ww_win_reg_key k;
	DWORD v = 7;

	open_fake(&k);
	ck_assert(ww_win_reg_dword(&k, L"Dword", &v));
	ck_assert_uint_eq(v, 42);
	v = 7;
	ck_assert(!ww_win_reg_dword(&k, L"Short", &v));
	ck_assert(!ww_win_reg_dword(&k, L"Text", &v));
	ck_assert(!ww_win_reg_dword(&k, L"Missing", &v));
	ck_assert_uint_eq(v, 7);
	ww_win_reg_close(&k);
	ck_assert_ptr_null(k.h);
}
END_TEST

START_TEST(text_types_and_list)
{
	struct ww_win_reg_key k;
	char buf[16];
	bool cut = false;

	open_fake(&k);
	ck_assert(ww_win_reg_text(&k, L"Text", 0, 64, buf, sizeof(buf), &cut));
	ck_assert_str_eq(buf, "abc");
	ck_assert(ww_win_reg_text(&k, L"Expand", 0, 64, buf, sizeof(buf), NULL));
	ck_assert_str_eq(buf, "%X%"); /* unexpanded */
	ck_assert(ww_win_reg_text(&k, L"Bare", 0, 64, buf, sizeof(buf), NULL));
	ck_assert_str_eq(buf, "xyz");
	/* A list only when the caller takes one. */
	ck_assert(!ww_win_reg_text(&k, L"List", 0, 64, buf, sizeof(buf), NULL));
	ck_assert_str_eq(buf, "");
	ck_assert(ww_win_reg_text(&k, L"List", WW_WIN_REG_MULTI, 64, buf,
				  sizeof(buf), NULL));
	ck_assert_str_eq(buf, "a,bc");
	ck_assert(!ww_win_reg_text(&k, L"Dword", WW_WIN_REG_MULTI, 64, buf,
				   sizeof(buf), NULL));
	ck_assert(!ww_win_reg_text(&k, L"Missing", 0, 64, buf, sizeof(buf),
				   NULL));
	ck_assert(!cut);
	ww_win_reg_close(&k);
}
END_TEST

START_TEST(text_over_limit_absent_over_buffer_cut)
{
	struct ww_win_reg_key k;
	char buf[3];
	bool cut = false;

	open_fake(&k);
	/* "abc" is 8 bytes stored: a 6-byte limit leaves it unread. */
	ck_assert(!ww_win_reg_text(&k, L"Text", 0, 6, buf, sizeof(buf), &cut));
	ck_assert(!cut);
	ck_assert(ww_win_reg_text(&k, L"Text", 0, 8, buf, sizeof(buf), &cut));
	ck_assert_str_eq(buf, "ab");
	ck_assert(cut);
	ww_win_reg_close(&k);
}
END_TEST

START_TEST(open_missing_and_denied)
{
	struct ww_win_reg_key k;
	struct ww_err err;
	DWORD v;
	char buf[8];

	memset(&fk, 0, sizeof(fk));
	fk.open_error = ERROR_FILE_NOT_FOUND;
	ww_err_clear(&err);
	ck_assert_int_eq(ww_win_reg_open(&k, &fake_api, L"SOFTWARE\\T", &err), 0);
	ck_assert_ptr_null(k.h);
	ck_assert(!ww_win_reg_dword(&k, L"Dword", &v));
	ck_assert(!ww_win_reg_text(&k, L"Text", 0, 64, buf, sizeof(buf), NULL));
	ww_win_reg_close(&k);
	fk.open_error = ERROR_ACCESS_DENIED;
	ck_assert_int_eq(ww_win_reg_open(&k, &fake_api, L"SOFTWARE\\T", &err),
			 WW_EPERM);
	ck_assert_ptr_null(k.h);
	ck_assert_msg(strstr(err.msg, "RegOpenKeyExW 'HKLM\\SOFTWARE\\T'"),
		      "%s", err.msg);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("winreg_win32");
	TCase *tc = tcase_create("readers");

	tcase_add_test(tc, dword_only_reg_dword);
	tcase_add_test(tc, text_types_and_list);
	tcase_add_test(tc, text_over_limit_absent_over_buffer_cut);
	tcase_add_test(tc, open_missing_and_denied);
	suite_add_tcase(s, tc);
	return s;
}
