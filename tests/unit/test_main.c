#include "compat.h"

#include <sqlite3.h>

#include "os.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

char *ww_test_path(const char *rel)
{
	return ww_os_path_join(WW_TEST_SRCDIR, rel);
}

char *ww_test_tmpdir(const char *tag)
{
	static unsigned counter;
	char name[128];
	char *base = ww_os_getenv("WW_TEST_TMPDIR");
	char *dir = NULL;
	struct ww_err err;

	if (!base)
		base = ww_os_getenv("TMPDIR");
	if (!base)
		base = ww_os_getenv("TEMP");
	if (!base)
		base = ww_strdup("/tmp");
	/*
	 * The pid keeps concurrent test processes (ctest -j, two builds on
	 * one machine) out of each other's directories; an existing name is
	 * never reused.
	 */
	do {
		snprintf(name, sizeof(name), "wwtest-%s-%lu-%lld-%u", tag,
			 ww_os_pid(), (long long)ww_os_now_ms(), counter++);
		free(dir);
		dir = ww_os_path_join(base, name);
		ck_assert_ptr_nonnull(dir);
	} while (ww_os_path_exists(dir));
	free(base);
	ck_assert_ptr_nonnull(dir);
	ck_assert_msg(ww_os_mkdir_private(dir, &err) == 0, "%s", err.msg);
	return dir;
}

void ww_test_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

uint64_t ww_test_grow_log(const char *path, uint64_t size)
{
	FILE *f = fopen(path, "ab");
	long at;
	int i = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	for (at = ftell(f); at >= 0 && (uint64_t)at < size; at = ftell(f))
		ck_assert_int_gt(fprintf(f, "2024-01-01 00:00:00.000 UTC\tInfo\t"
					 "WsusService.9\tThreadEntry\tfiller "
					 "record %06d, nothing to see here\r\n",
					 i++), 0);
	ck_assert_int_ge(at, 0);
	ck_assert_int_eq(fclose(f), 0);
	return (uint64_t)at;
}

char *ww_test_read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	struct ww_buf b;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	ww_buf_init(&b, (size_t)1 << 30);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ck_assert_int_eq(ww_buf_append(&b, chunk, n), 0);
	fclose(f);
	if (ret_len)
		*ret_len = b.len;
	return ww_buf_detach(&b);
}

void ww_test_store_init(struct ww_test_store *ts, const char *tag)
{
	ts->dir = ww_test_tmpdir(tag);
	ts->db = ww_os_path_join(ts->dir, "wsuswatch.db");
	ck_assert_ptr_nonnull(ts->db);
	ts->s = NULL;
}

void ww_test_store_open(struct ww_test_store *ts)
{
	struct ww_err err;

	ww_err_clear(&err);
	ck_assert_msg(ww_store_open(ts->db, &ts->s, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(ts->s);
}

void ww_test_store_reopen(struct ww_test_store *ts)
{
	ww_store_close(ts->s);
	ts->s = NULL;
	ww_test_store_open(ts);
}

static void remove_joined(const char *dir, const char *name)
{
	char *path = ww_os_path_join(dir, name);

	remove(path);
	free(path);
}

void ww_test_store_release(struct ww_test_store *ts)
{
	ww_store_close(ts->s);
	ts->s = NULL;
	/* Leave nothing behind, including WAL side files. */
	remove(ts->db);
	remove_joined(ts->dir, "wsuswatch.db-wal");
	remove_joined(ts->dir, "wsuswatch.db-shm");
	remove(ts->dir);
	free(ts->db);
	free(ts->dir);
}

/* sql prepared and stepped to its first row (the caller finalizes). */
static sqlite3_stmt *first_row(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row: %s", sql);
	return st;
}

int64_t ww_test_sql_i64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = first_row(db, sql);
	int64_t v = sqlite3_column_int64(st, 0);

	sqlite3_finalize(st);
	return v;
}

char *ww_test_sql_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = first_row(db, sql);
	const unsigned char *t = sqlite3_column_text(st, 0);
	char *v = t ? ww_strdup((const char *)t) : NULL;

	sqlite3_finalize(st);
	return v;
}

/* Tests that called ww_test_skip() in this run. */
static int skipped;

void ww_test_skip(const char *why)
{
	skipped++;
	printf("SKIP: %s\n", why);
	fflush(stdout);
}

/*
 * test_x        every TCase but those tagged WW_TEST_TAG_SEPARATE;
 * test_x CASE   that TCase alone (a ctest entry of its own).
 * Exit 0 when every test ran and passed, 1 when one failed, 77 (ctest's
 * SKIP_RETURN_CODE) when none failed but one could not check its property
 * here: such a run must never read as a pass.  A skip in the default run
 * is an error, since it would turn the module's other results into a
 * SKIP; a run of no test is one too (a typo in CMakeLists.txt).
 */
int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(ww_test_suite());
	const char *tcase = argc > 1 ? argv[1] : NULL;
	int failed, ran;

	/* Check cannot fork on Windows; run the same way everywhere. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_tagged(sr, NULL, tcase, NULL,
			   tcase ? NULL : WW_TEST_TAG_SEPARATE, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	ran = srunner_ntests_run(sr);
	srunner_free(sr);
	if (failed)
		return EXIT_FAILURE;
	if (ran == 0) {
		fprintf(stderr, "no test ran (TCase '%s')\n", tcase ? tcase : "*");
		return EXIT_FAILURE;
	}
	if (skipped && !tcase) {
		fprintf(stderr, "%d test(s) skipped outside a TCase tagged '%s'\n",
			skipped, WW_TEST_TAG_SEPARATE);
		return EXIT_FAILURE;
	}
	return skipped ? WW_TEST_EXIT_SKIP : EXIT_SUCCESS;
}
