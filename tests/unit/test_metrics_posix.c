/*
 * test_metrics_posix.c - the textfile writer in a directory others can
 * write to: a symlink planted at the temp name must not make the monitor
 * overwrite the file it points to.
 */
#include "compat.h"

#include <unistd.h>

#include "health.h"
#include "os.h"
#include "health_cycle.h"
#include "util.h"
#include "ww_test.h"

START_TEST(planted_symlink_not_followed)
{
	struct ww_health_snapshot *s = calloc(1, sizeof(*s));
	char *dir = ww_test_tmpdir("metrics-link");
	char *victim = ww_os_path_join(dir, "victim");
	char *prom = ww_os_path_join(dir, "wsuswatch.prom");
	char *tmp = ww_os_path_join(dir, "wsuswatch.prom.tmp");
	char *got;
	struct ww_err err;

	ck_assert_ptr_nonnull(s);
	ww_health_input_init(&s->in);
	ww_test_write_file(victim, "precious\n", 9);
	ck_assert_int_eq(symlink(victim, tmp), 0);
	ck_assert_msg(ww_metrics_write(prom, s, &err) == 0, "%s", err.msg);
	got = ww_test_read_file(victim, NULL);
	ck_assert_str_eq(got, "precious\n");
	free(got);
	got = ww_test_read_file(prom, NULL);
	ck_assert_ptr_nonnull(strstr(got, "# TYPE wsuswatch_"));
	free(got);
	ck_assert(!ww_os_path_exists(tmp));
	unlink(prom);
	unlink(victim);
	rmdir(dir);
	free(tmp);
	free(prom);
	free(victim);
	free(dir);
	free(s);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("metrics_posix");
	TCase *tc = tcase_create("textfile");

	tcase_add_test(tc, planted_symlink_not_followed);
	suite_add_tcase(s, tc);
	return s;
}
