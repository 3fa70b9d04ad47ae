/*
 * test_install_win32.c - the pure parts of `install`: the arguments kept
 * from an existing service's command line, and the default configuration
 * written from the example with every setting commented out.
 */
#include "compat.h"

#include <windows.h>

#include "os.h"
#include "ww_test.h"

/* WW_TESTABLE in service/app/install_win32.c */
const wchar_t *ww_install_binpath_args(const wchar_t *old);
int ww_install_copy_commented(FILE *in, FILE *out);

static void args_are(const wchar_t *binpath, const wchar_t *want)
{
	const wchar_t *got = ww_install_binpath_args(binpath);

	if (!want) {
		ck_assert_msg(got == NULL, "'%ls': args '%ls', expected none", binpath, got);
		return;
	}
	ck_assert_msg(got && wcscmp(got, want) == 0, "'%ls': args '%ls', expected '%ls'",
		      binpath, got ? got : L"(null)", want);
}

START_TEST(args_after_the_executable)
{
	args_are(L"\"C:\\Program Files\\wsuswatch\\wsuswatch.exe\" --config \"D:\\w.yaml\" run",
		 L" --config \"D:\\w.yaml\" run");
	args_are(L"\"C:\\Program Files\\wsuswatch\\wsuswatch.exe\"", L"");
	args_are(L"C:\\wsuswatch\\wsuswatch.exe run", L" run");
	args_are(L"C:\\wsuswatch\\WSUSWATCH.EXE", L"");
	/* ".exe" inside a directory name is not the end of the executable. */
	args_are(L"C:\\tools.exe.d\\wsuswatch.exe --config C:\\w.yaml run",
		 L" --config C:\\w.yaml run");
	args_are(L"\"C:\\unterminated\\wsuswatch.exe run", NULL);
	args_are(L"C:\\wsuswatch\\service run", NULL);
}
END_TEST

/* The example through ww_install_copy_commented(), as a string. */
static char *commented(const char *example)
{
	char *dir = ww_test_tmpdir("install_win32");
	char *src = ww_os_path_join(dir, "example.yaml");
	char *dst = ww_os_path_join(dir, "out.yaml");
	FILE *in, *out;
	char *text;

	ww_test_write_file(src, example, strlen(example));
	in = ww_os_fopen(src, "rb");
	out = ww_os_fopen(dst, "wb");
	ck_assert(in && out);
	ck_assert_int_eq(ww_install_copy_commented(in, out), 0);
	fclose(in);
	fclose(out);
	text = ww_test_read_file(dst, NULL);
	ck_assert_ptr_nonnull(text);
	free(src);
	free(dst);
	free(dir);
	return text;
}

START_TEST(every_setting_commented_out)
{
	char *text = commented("# every key\n"
			       "interval: 5m   # probes\n"
			       "\n"
			       "wsus:\n"
			       "  upstream:\n"
			       "    host: null\n"
			       "  # a comment stays one\n"
			       "proxy: {}\r\n");

	ck_assert_msg(strstr(text, "\n# every key\n# interval: 5m   # probes\n\n# wsus:\n"
				   "#   upstream:\n#     host: null\n  # a comment stays one\n"
				   "# proxy: {}\r\n") != NULL, "%s", text);
	/* The header says what the file is, as comments. */
	ck_assert(strncmp(text, "# wsuswatch configuration, read by the service", 46) == 0);
	free(text);
}
END_TEST

START_TEST(long_lines_commented_once)
{
	char line[3000];
	char *text;

	memset(line, 'x', sizeof(line) - 2);
	memcpy(line, "key: ", 5);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	text = commented(line);
	/* One "# " for the line, none in the middle of it where fgets split it. */
	ck_assert_ptr_nonnull(strstr(text, "# key: xxx"));
	ck_assert_int_eq((int)strlen(strstr(text, "# key: ")), (int)strlen(line) + 2);
	free(text);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("install_win32");
	TCase *tc = tcase_create("install");

	tcase_add_test(tc, args_after_the_executable);
	tcase_add_test(tc, every_setting_commented_out);
	tcase_add_test(tc, long_lines_commented_once);
	suite_add_tcase(s, tc);
	return s;
}
