/*
 * test_os_lock.c - ww_os_lock_file(), the lock that keeps one writer per
 * database (issue 13, item 2): natively (flock) and under Wine
 * (LockFileEx).  A second lock of the same file is refused with the
 * holder's pid, the pid stays readable, and the lock goes with its holder.
 */
#include "compat.h"

#include "os.h"
#include "util.h"
#include "ww_test.h"

START_TEST(second_lock_is_refused_until_released)
{
	char *dir = ww_test_tmpdir("oslock");
	char *path = ww_os_path_join(dir, "ww.db.lock");
	struct ww_os_lock *a = NULL, *b = NULL;
	char pid[32], *text;
	struct ww_err err;

	ww_err_clear(&err);
	ck_assert_msg(ww_os_lock_file(path, &a, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(ww_os_lock_file(path, &b, &err), WW_EINUSE);
	ck_assert_ptr_null(b);
	snprintf(pid, sizeof(pid), "held by process %lu", ww_os_pid());
	ck_assert_msg(strstr(err.msg, pid) && strstr(err.msg, path), "%s",
		      err.msg);
	text = ww_test_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strtoul(text, NULL, 10), ww_os_pid());
	free(text);
	ww_os_unlock_file(a);
	ck_assert_msg(ww_os_lock_file(path, &b, &err) == 0, "%s", err.msg);
	ww_os_unlock_file(b);
	ww_os_unlock_file(NULL);
	ck_assert_int_eq(ww_os_remove(path), 0);
	remove(dir);
	free(path);
	free(dir);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("os_lock");
	TCase *tc = tcase_create("lock");

	tcase_add_test(tc, second_lock_is_refused_until_released);
	suite_add_tcase(s, tc);
	return s;
}
