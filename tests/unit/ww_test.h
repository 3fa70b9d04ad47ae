/*
 * ww_test.h - shared helpers for the Check unit tests.  Each test file
 * defines ww_test_suite(); test_main.c runs it without forking.
 */
#ifndef WW_TEST_H
#define WW_TEST_H

#include "compat.h"

#include <check.h>

Suite *ww_test_suite(void);

/*
 * A test that cannot check its property here (Wine's security model, a
 * server that was not started) says so instead of passing: it calls
 * WW_TEST_SKIP_IF(cond, why), which returns from the test.  Such a test
 * lives alone in a TCase tagged WW_TEST_TAG_SEPARATE
 * (tcase_set_tags(tc, WW_TEST_TAG_SEPARATE)): the module's default run
 * leaves it out, and tests/CMakeLists.txt gives it a ctest entry of its own
 * (ww_add_unit_test_case) that runs `test_<module> <TCase>` and reads exit
 * 77 as Skipped.
 */
#define WW_TEST_TAG_SEPARATE "separate"
#define WW_TEST_EXIT_SKIP 77
void ww_test_skip(const char *why);
#define WW_TEST_SKIP_IF(cond, why)                                              \
	do {                                                                    \
		if (cond) {                                                     \
			ww_test_skip(why);                                      \
			return;                                                 \
		}                                                               \
	} while (0)

/* Running under Wine (ntdll exports wine_get_version); never on POSIX. */
bool ww_test_under_wine(void);

/* Path of a file under tests/ (heap, free()). */
char *ww_test_path(const char *rel);

/* A fresh empty scratch directory for this test (heap, free()). */
char *ww_test_tmpdir(const char *tag);

/* Write a whole file; fails the test on error. */
void ww_test_write_file(const char *path, const char *data, size_t len);

/* Read a whole file (heap, NUL-terminated); NULL when missing. */
char *ww_test_read_file(const char *path, size_t *ret_len);

/*
 * Append Info records to a SoftwareDistribution.log until it holds at
 * least size bytes: filler that is neither a finding nor a sync signal,
 * for tests of how much of a big log is read.  Returns the new size.
 */
uint64_t ww_test_grow_log(const char *path, uint64_t size);

/*
 * A store in a fresh scratch directory: dir, db = dir/wsuswatch.db and,
 * once opened, s.  ww_test_store_init makes the directory and the path
 * (tests of how a file is opened or refused start there);
 * ww_test_store_open opens db; ww_test_store_reopen closes and opens it
 * again, as a service restart does.
 */
struct ww_test_store {
	char *dir, *db;
	struct ww_store *s;
};

void ww_test_store_init(struct ww_test_store *ts, const char *tag);
void ww_test_store_open(struct ww_test_store *ts);
void ww_test_store_reopen(struct ww_test_store *ts);
/* Close s if open, remove the database, its WAL side files and dir. */
void ww_test_store_release(struct ww_test_store *ts);

/*
 * The first column of the row sql yields; fails the test when sql does
 * not prepare or yields no row.  ww_test_sql_text: heap, NULL for NULL.
 */
struct sqlite3;
int64_t ww_test_sql_i64(struct sqlite3 *db, const char *sql);
char *ww_test_sql_text(struct sqlite3 *db, const char *sql);

#endif
