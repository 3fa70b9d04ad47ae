#include "compat.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "os.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"
#include "ww_test.h"

/* A scratch directory and the database path inside it. */
struct fixture {
	char *dir;
	char *db;
};

static void fixture_init(struct fixture *f, const char *tag)
{
	f->dir = ww_test_tmpdir(tag);
	f->db = ww_os_path_join(f->dir, "wsuswatch.db");
	ck_assert_ptr_nonnull(f->db);
}

static void fixture_release(struct fixture *f)
{
	char *side;

	/* Leave nothing behind, including WAL side files. */
	remove(f->db);
	side = ww_os_path_join(f->dir, "wsuswatch.db-wal");
	remove(side);
	free(side);
	side = ww_os_path_join(f->dir, "wsuswatch.db-shm");
	remove(side);
	free(side);
	remove(f->dir);
	free(f->db);
	free(f->dir);
	ww_store_set_migrations(NULL, 0);
	ww_store_set_busy_timeout_ms(0);
}

static struct ww_store *open_ok(const char *path)
{
	struct ww_store *s = NULL;
	struct ww_err err;

	ww_err_clear(&err);
	ck_assert_msg(ww_store_open(path, &s, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void exec_ok(struct ww_store *s, const char *sql)
{
	struct ww_err err;

	ck_assert_msg(ww_store_exec(s, sql, &err) == 0, "%s", err.msg);
}

static int64_t query_i64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t store_i64(struct ww_store *s, const char *sql)
{
	return query_i64(ww_store_db(s), sql);
}

/* A plain SQLite connection, as another program would have. */
static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
					 SQLITE_OPEN_CREATE, NULL),
			 SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/*
 * Open must fail with code and a message naming the path, and leave the
 * file exactly as it was.
 */
static void assert_refused_unchanged(const char *path, int code,
				     const char *why, bool readonly_too)
{
	struct ww_store *s = (struct ww_store *)1;
	struct ww_err err;
	size_t before_len, after_len;
	char *before = ww_test_read_file(path, &before_len);
	char *after;

	ck_assert_ptr_nonnull(before);
	ww_err_clear(&err);
	ck_assert_int_eq(ww_store_open(path, &s, &err), code);
	ck_assert_ptr_null(s);
	ck_assert_msg(contains(err.msg, path), "no path in '%s'", err.msg);
	ck_assert_msg(contains(err.msg, why), "'%s' not in '%s'", why,
		      err.msg);
	/*
	 * The read-only open refuses it too, except damage beyond the header,
	 * which only the writer's integrity check looks for.
	 */
	if (readonly_too) {
		ck_assert_int_ne(ww_store_open_readonly(path, &s, &err), 0);
		ck_assert_ptr_null(s);
	}
	after = ww_test_read_file(path, &after_len);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(after_len, before_len);
	ck_assert(memcmp(before, after, before_len) == 0);
	free(before);
	free(after);
}

START_TEST(create_and_reopen_keeps_data)
{
	struct fixture f;
	struct ww_store *s;
	struct ww_err err;
	char *sub;
	int v = -1;

	fixture_init(&f, "store");
	/* The parent directory does not exist yet: open creates it. */
	sub = ww_os_path_join(f.dir, "data");
	free(f.db);
	f.db = ww_os_path_join(sub, "wsuswatch.db");
	s = open_ok(f.db);
	ck_assert(ww_os_path_exists(sub));
	ck_assert_str_eq(ww_store_path(s), f.db);
	ck_assert_int_eq(ww_store_schema_version(s, &v, &err), 0);
	ck_assert_int_eq(v, WW_STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_i64(s, "PRAGMA application_id"),
			 WW_STORE_APPLICATION_ID);
	ck_assert_int_eq(store_i64(s, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(store_i64(s, "PRAGMA synchronous"), 1); /* NORMAL */
	ck_assert_int_eq(ww_store_begin(s, &err), 0);
	exec_ok(s, "INSERT INTO source_position(source, identity, offset,"
		   " updated_at) VALUES ('log', 'id1', 4242, 1000)");
	exec_ok(s, "INSERT INTO sync_run(source, source_key, kind, started_at,"
		   " finished_at, result) VALUES ('log', 'k1', 'scheduled', 1,"
		   " 2, 'succeeded')");
	ck_assert_int_eq(ww_store_commit(s, &err), 0);
	/* A rolled-back transaction leaves nothing. */
	ck_assert_int_eq(ww_store_begin(s, &err), 0);
	exec_ok(s, "INSERT INTO alert(name, state) VALUES ('x', 'active')");
	ww_store_rollback(s);
	ww_store_close(s);

	s = open_ok(f.db);
	ck_assert_int_eq(store_i64(s, "SELECT offset FROM source_position"
				      " WHERE source = 'log'"), 4242);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM sync_run"), 1);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM alert"), 0);
	ww_store_close(s);

	ck_assert_int_eq(ww_store_open_readonly(f.db, &s, &err), 0);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM sync_run"), 1);
	/* Read-only really is read-only. */
	ck_assert_int_eq(ww_store_exec(s, "DELETE FROM sync_run", &err),
			 WW_EPERM);
	ck_assert_msg(contains(err.msg, f.db), "%s", err.msg);
	ww_store_close(s);
	fixture_release(&f);
	remove(sub);
	free(sub);
}
END_TEST

START_TEST(wal_mode_is_on)
{
	struct fixture f;
	struct ww_store *s;
	sqlite3 *db;

	fixture_init(&f, "store");
	s = open_ok(f.db);
	exec_ok(s, "INSERT INTO alert(name, state) VALUES ('a', 'ok')");
	ww_store_close(s);
	/* WAL is persistent: a plain connection sees it too. */
	db = raw_open(f.db);
	{
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode",
						    -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
				 "wal");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	fixture_release(&f);
}
END_TEST

START_TEST(schema_has_documented_tables)
{
	static const char *const tables[] = {
		"probe_result", "sync_run", "log_finding", "wsus_event",
		"source_position", "alert", "alert_history",
	};
	struct fixture f;
	struct ww_store *s;
	struct ww_err err;
	size_t i;

	fixture_init(&f, "store");
	s = open_ok(f.db);
	for (i = 0; i < WW_ARRAY_SIZE(tables); i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master"
			 " WHERE type = 'table' AND name = '%s'", tables[i]);
		ck_assert_msg(store_i64(s, sql) == 1, "%s missing", tables[i]);
	}
	/* Every documented column is there (a SELECT would fail if not). */
	exec_ok(s, "SELECT id, target, url, at, ok, stage, result, wu_code,"
		   " http_status, tls_version, tls_cipher, cert_not_after,"
		   " clock_skew, elapsed_ms, hint, detail_json FROM probe_result");
	exec_ok(s, "SELECT id, source, source_key, kind, started_at,"
		   " finished_at, result, error FROM sync_run");
	exec_ok(s, "SELECT id, source, at, category, level, component, message"
		   " FROM log_finding");
	exec_ok(s, "SELECT id, source, record_id, event_id, level, at, meaning,"
		   " message FROM wsus_event");
	exec_ok(s, "SELECT source, identity, offset, checksum, checksum_len,"
		   " bookmark, updated_at FROM source_position");
	exec_ok(s, "SELECT name, state, since, last_notified, reason, value,"
		   " event_id FROM alert");
	exec_ok(s, "SELECT id, name, at, transition, state, reason FROM"
		   " alert_history");
	/* The uniqueness other modules rely on for exactly-once inserts. */
	exec_ok(s, "INSERT INTO wsus_event(source, record_id, event_id, at)"
		   " VALUES ('eventlog', 7, 10022, 5)");
	ck_assert_int_eq(ww_store_exec(s, "INSERT INTO wsus_event(source,"
					  " record_id, event_id, at) VALUES"
					  " ('eventlog', 7, 10022, 5)", &err),
			 WW_EDB);
	ck_assert_msg(contains(err.msg, "UNIQUE"), "%s", err.msg);
	/* Lookups by target and time use an index, not a scan. */
	{
		sqlite3_stmt *st;
		const char *detail;

		ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(s),
			"EXPLAIN QUERY PLAN SELECT * FROM probe_result WHERE"
			" target = 'x' ORDER BY at DESC LIMIT 1", -1, &st,
			NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		detail = (const char *)sqlite3_column_text(st, 3);
		ck_assert_msg(contains(detail, "probe_result_target_at"), "%s",
			      detail);
		sqlite3_finalize(st);
	}
	ww_store_close(s);
	fixture_release(&f);
}
END_TEST

START_TEST(text_file_is_refused_unchanged)
{
	static const char text[] = "interval: 5m\ndatabase: oops\n"
				   "this is not a database at all\n";
	struct fixture f;

	fixture_init(&f, "store");
	ww_test_write_file(f.db, text, sizeof(text) - 1);
	assert_refused_unchanged(f.db, WW_ECORRUPT, "not a database", true);
	fixture_release(&f);
}
END_TEST

START_TEST(foreign_database_is_refused_unchanged)
{
	struct fixture f;
	sqlite3 *db;

	fixture_init(&f, "store");
	/* Someone else's database: tables, no application_id. */
	db = raw_open(f.db);
	raw_exec(db, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name);"
		     "INSERT INTO customers(name) VALUES ('a'), ('b');");
	sqlite3_close(db);
	assert_refused_unchanged(f.db, WW_EDB, "not a wsuswatch database", true);

	/* Another application's id, even when otherwise empty. */
	remove(f.db);
	db = raw_open(f.db);
	raw_exec(db, "PRAGMA application_id = 1234; CREATE TABLE t(x);");
	sqlite3_close(db);
	assert_refused_unchanged(f.db, WW_EDB, "application_id 0x000004d2", true);
	fixture_release(&f);
}
END_TEST

START_TEST(newer_schema_is_refused_unchanged)
{
	struct fixture f;
	struct ww_store *s;
	sqlite3 *db;

	fixture_init(&f, "store");
	s = open_ok(f.db);
	ww_store_close(s);
	db = raw_open(f.db);
	raw_exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db);
	assert_refused_unchanged(f.db, WW_EDB, "newer than this wsuswatch", true);
	fixture_release(&f);
}
END_TEST

START_TEST(corrupt_database_is_refused_unchanged)
{
	struct fixture f;
	struct ww_store *s;
	size_t len;
	char *data;
	size_t i;

	fixture_init(&f, "store");
	s = open_ok(f.db);
	exec_ok(s, "INSERT INTO alert(name, state) VALUES ('a', 'ok')");
	ww_store_close(s);
	data = ww_test_read_file(f.db, &len);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_ge(len, 8192);
	/* Scribble over the second page (a table's b-tree page). */
	for (i = 4096; i < 4096 + 64; i++)
		data[i] = (char)0xA5;
	ww_test_write_file(f.db, data, len);
	free(data);
	assert_refused_unchanged(f.db, WW_ECORRUPT, "integrity check", false);
	fixture_release(&f);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, create_and_reopen_keeps_data);
	tcase_add_test(tc, wal_mode_is_on);
	tcase_add_test(tc, schema_has_documented_tables);
	tcase_add_test(tc, text_file_is_refused_unchanged);
	tcase_add_test(tc, foreign_database_is_refused_unchanged);
	tcase_add_test(tc, newer_schema_is_refused_unchanged);
	tcase_add_test(tc, corrupt_database_is_refused_unchanged);
	suite_add_tcase(s, tc);
	return s;
}
