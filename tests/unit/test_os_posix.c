/*
 * test_os_posix.c - ww_os_mkdir_private() on POSIX: a private leaf, and a
 * symbolic link planted where the leaf should be is not followed by the
 * chmod (a privileged caller would otherwise chmod whatever it points to).
 */
#include "compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "os.h"
#include "ww_test.h"

START_TEST(mkdir_private_creates_0700)
{
	char *base = ww_test_tmpdir("os-posix-mk");
	char *dir = ww_os_path_join(base, "a/b");
	struct ww_err err;
	struct stat st;

	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	free(dir);
	free(base);
}
END_TEST

START_TEST(mkdir_private_does_not_chmod_through_a_link)
{
	char *base = ww_test_tmpdir("os-posix-link");
	char *target = ww_os_path_join(base, "victim");
	char *leaf = ww_os_path_join(base, "leaf");
	struct ww_err err;
	struct stat st;

	ck_assert_int_eq(mkdir(target, 0755), 0);
	ck_assert_int_eq(chmod(target, 0755), 0);
	ck_assert_int_eq(symlink(target, leaf), 0);
	ww_err_clear(&err);
	(void)ww_os_mkdir_private(leaf, &err);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0755,
		      "the link's target was chmod'ed to %04o",
		      (unsigned)(st.st_mode & 0777));
	unlink(leaf);
	rmdir(target);
	free(leaf);
	free(target);
	free(base);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("os_posix");
	TCase *tc = tcase_create("mkdir_private");

	tcase_add_test(tc, mkdir_private_creates_0700);
	tcase_add_test(tc, mkdir_private_does_not_chmod_through_a_link);
	suite_add_tcase(s, tc);
	return s;
}
