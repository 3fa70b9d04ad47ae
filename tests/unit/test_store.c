#include "compat.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "os.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"
#include "ww_test.h"

/* The scratch store (f.s unused: each test opens its own handles). */
static void fixture_init(struct ww_test_store *f)
{
	ww_test_store_init(f, "store");
}

static void fixture_release(struct ww_test_store *f)
{
	ww_test_store_release(f);
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

static int64_t store_i64(struct ww_store *s, const char *sql)
{
	return ww_test_sql_i64(ww_store_db(s), sql);
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
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	char *sub;
	int v = -1;

	fixture_init(&f);
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
	struct ww_test_store f;
	struct ww_store *s;
	sqlite3 *db;
	char *mode;

	fixture_init(&f);
	s = open_ok(f.db);
	exec_ok(s, "INSERT INTO alert(name, state) VALUES ('a', 'ok')");
	ww_store_close(s);
	/* WAL is persistent: a plain connection sees it too. */
	db = raw_open(f.db);
	mode = ww_test_sql_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
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
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	size_t i;

	fixture_init(&f);
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
		   " bookmark, updated_at, head_checksum, head_len,"
		   " previous_identity, previous_head_checksum, previous_head_len"
		   " FROM source_position");
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
	struct ww_test_store f;

	fixture_init(&f);
	ww_test_write_file(f.db, text, sizeof(text) - 1);
	assert_refused_unchanged(f.db, WW_ECORRUPT, "not a database", true);
	fixture_release(&f);
}
END_TEST

START_TEST(foreign_database_is_refused_unchanged)
{
	struct ww_test_store f;
	sqlite3 *db;

	fixture_init(&f);
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
	struct ww_test_store f;
	struct ww_store *s;
	sqlite3 *db;

	fixture_init(&f);
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
	struct ww_test_store f;
	struct ww_store *s;
	size_t len;
	char *data;
	size_t i;

	fixture_init(&f);
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

/* Version 2 for the tests only: adds a column and a table to v1. */
static const char test_v2_sql[] =
	"ALTER TABLE alert ADD COLUMN note TEXT;"
	"CREATE TABLE test_extra(id INTEGER PRIMARY KEY, v TEXT);"
	"INSERT INTO test_extra(v) VALUES ('migrated');";

/* A broken step: its first statement works, its second fails. */
static const char test_v2_broken_sql[] =
	"CREATE TABLE test_extra(id INTEGER PRIMARY KEY);"
	"INSERT INTO no_such_table VALUES (1);";

/*
 * The product's steps and one more (version WW_STORE_SCHEMA_VERSION + 1)
 * that stands for the next release.  Returns the number of steps.
 */
static size_t with_test_step(struct ww_store_migration *steps,
			     const char *sql)
{
	size_t i;

	for (i = 0; i < WW_STORE_SCHEMA_VERSION; i++)
		steps[i] = ww_store_migrations[i];
	steps[i].version = WW_STORE_SCHEMA_VERSION + 1;
	steps[i].sql = sql;
	return i + 1;
}

START_TEST(migrates_older_schema_keeping_data)
{
	struct ww_store_migration steps[WW_STORE_SCHEMA_VERSION + 1];
	size_t n;
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	sqlite3 *db;
	int v;

	fixture_init(&f);
	n = with_test_step(steps, test_v2_sql);

	/* A version-1 database with data, as the released build leaves it. */
	s = open_ok(f.db);
	exec_ok(s, "INSERT INTO alert(name, state, since) VALUES"
		   " ('sync_staleness', 'active', 100)");
	ww_store_close(s);

	/* A build that knows the next version migrates it, one step. */
	ww_store_set_migrations(steps, n);
	/* Readers do not migrate: they ask for the monitor to run first. */
	ck_assert_int_eq(ww_store_open_readonly(f.db, &s, &err), WW_EDB);
	ck_assert_msg(contains(err.msg, "older than this wsuswatch"), "%s",
		      err.msg);
	s = open_ok(f.db);
	ck_assert_int_eq(ww_store_schema_version(s, &v, &err), 0);
	ck_assert_int_eq(v, (int)n);
	ck_assert_int_eq(store_i64(s, "SELECT since FROM alert WHERE name ="
				      " 'sync_staleness' AND note IS NULL"), 100);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM test_extra"), 1);
	ww_store_close(s);
	/* Reopening at the current version runs nothing again. */
	s = open_ok(f.db);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM test_extra"), 1);
	ww_store_close(s);
	remove(f.db);

	/* Version 0 with our application_id: steps 1 and 2 in order. */
	db = raw_open(f.db);
	raw_exec(db, "PRAGMA application_id = 1465079639"); /* 0x57535757 */
	sqlite3_close(db);
	s = open_ok(f.db);
	ck_assert_int_eq(ww_store_schema_version(s, &v, &err), 0);
	ck_assert_int_eq(v, (int)n);
	exec_ok(s, "INSERT INTO alert(name, state, note) VALUES ('a', 'ok', 'n')");
	ww_store_close(s);
	fixture_release(&f);
}
END_TEST

START_TEST(failed_step_is_rolled_back)
{
	struct ww_store_migration steps[WW_STORE_SCHEMA_VERSION + 1];
	char want[64];
	size_t n;
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	int v;

	fixture_init(&f);
	s = open_ok(f.db);
	exec_ok(s, "INSERT INTO alert(name, state) VALUES ('kept', 'ok')");
	ww_store_close(s);

	n = with_test_step(steps, test_v2_broken_sql);
	ww_store_set_migrations(steps, n);
	ck_assert_int_eq(ww_store_open(f.db, &s, &err), WW_EDB);
	ck_assert_ptr_null(s);
	snprintf(want, sizeof(want), "migrate to schema version %zu", n);
	ck_assert_msg(contains(err.msg, want) &&
		      contains(err.msg, "no_such_table") &&
		      contains(err.msg, f.db), "%s", err.msg);

	/* Still the current version, without the half of the failed step
	 * that had worked. */
	ww_store_set_migrations(NULL, 0);
	s = open_ok(f.db);
	ck_assert_int_eq(ww_store_schema_version(s, &v, &err), 0);
	ck_assert_int_eq(v, WW_STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM sqlite_master"
				      " WHERE name = 'test_extra'"), 0);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM alert"), 1);
	ww_store_close(s);
	fixture_release(&f);
}
END_TEST

START_TEST(locked_database_reports_busy)
{
	struct ww_test_store f;
	struct ww_store *a, *b;
	struct ww_err err;
	int64_t t0, elapsed;
	sqlite3 *raw;

	fixture_init(&f);
	ww_store_set_busy_timeout_ms(200);
	a = open_ok(f.db);
	ck_assert_int_eq(ww_store_begin(a, &err), 0);
	exec_ok(a, "INSERT INTO alert(name, state) VALUES ('a', 'ok')");

	/* WAL: a second connection opens and reads while a writes... */
	b = open_ok(f.db);
	ck_assert_int_eq(store_i64(b, "SELECT count(*) FROM alert"), 0);
	/* ...but cannot write: busy after the (short) timeout. */
	t0 = ww_os_monotonic_ms();
	ck_assert_int_eq(ww_store_begin(b, &err), WW_EBUSY);
	elapsed = ww_os_monotonic_ms() - t0;
	ck_assert_msg(elapsed >= 150 && elapsed < 3000, "%lld ms",
		      (long long)elapsed);
	ck_assert_msg(contains(err.msg, f.db) && contains(err.msg, "locked"),
		      "%s", err.msg);
	ck_assert_int_eq(ww_store_commit(a, &err), 0);
	ck_assert_int_eq(ww_store_begin(b, &err), 0);
	ww_store_rollback(b);
	ww_store_close(b);
	ww_store_close(a);

	/*
	 * A connection in exclusive locking mode keeps even readers out:
	 * opening is what fails, and the file is left alone.
	 */
	raw = raw_open(f.db);
	raw_exec(raw, "PRAGMA locking_mode = EXCLUSIVE;"
		      "BEGIN EXCLUSIVE; DELETE FROM alert;");
	t0 = ww_os_monotonic_ms();
	ck_assert_int_eq(ww_store_open(f.db, &b, &err), WW_EBUSY);
	elapsed = ww_os_monotonic_ms() - t0;
	ck_assert_ptr_null(b);
	ck_assert_msg(elapsed < 3000, "%lld ms", (long long)elapsed);
	ck_assert_msg(contains(err.msg, f.db) && contains(err.msg, "locked"),
		      "%s", err.msg);
	raw_exec(raw, "ROLLBACK");
	sqlite3_close(raw);
	b = open_ok(f.db);
	ck_assert_int_eq(store_i64(b, "SELECT count(*) FROM alert"), 1);
	ww_store_close(b);
	fixture_release(&f);
}
END_TEST

/* True when this process can create files in dir despite its mode. */
static bool can_create_in(const char *dir)
{
	char *probe = ww_os_path_join(dir, "probe");
	FILE *fp = fopen(probe, "wb");

	if (fp) {
		fclose(fp);
		remove(probe);
	}
	free(probe);
	return fp != NULL;
}

START_TEST(unwritable_locations_are_reported)
{
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	char *file, *under_file, *deeper, *ro_dir, *ro_db;

	fixture_init(&f);
	/* The database's directory would have to be below a regular file. */
	file = ww_os_path_join(f.dir, "plainfile");
	ww_test_write_file(file, "x", 1);
	under_file = ww_os_path_join(file, "wsuswatch.db");
	deeper = ww_os_path_join(file, "sub/wsuswatch.db");
	ck_assert_int_lt(ww_store_open(under_file, &s, &err), 0);
	ck_assert_ptr_null(s);
	ck_assert_msg(contains(err.msg, under_file), "%s", err.msg);
	ck_assert_int_lt(ww_store_open(deeper, &s, &err), 0);
	ck_assert_msg(contains(err.msg, deeper) &&
		      contains(err.msg, "create directory"), "%s", err.msg);

	/* A directory we may not write (meaningless for root or on Windows). */
	ro_dir = ww_os_path_join(f.dir, "readonly");
	ro_db = ww_os_path_join(ro_dir, "wsuswatch.db");
	ck_assert_int_eq(ww_os_mkdir_private(ro_dir, &err), 0);
	ck_assert_int_eq(chmod(ro_dir, 0500), 0);
	if (!can_create_in(ro_dir)) {
		ck_assert_int_eq(ww_store_open(ro_db, &s, &err), WW_EIO);
		ck_assert_msg(contains(err.msg, ro_db) &&
			      contains(err.msg, "unable to open"), "%s",
			      err.msg);
	}
	ck_assert(!ww_os_path_exists(ro_db));
	ck_assert_int_eq(chmod(ro_dir, 0700), 0);
	remove(ro_dir);
	remove(file);
	free(ro_db);
	free(ro_dir);
	free(deeper);
	free(under_file);
	free(file);
	fixture_release(&f);
}
END_TEST

static int count_commits(void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Run sql (with ?1 for the time) n times. */
static void insert_rows(struct ww_store *s, const char *sql, int n,
			int64_t at)
{
	sqlite3_stmt *st;
	struct ww_err err;
	int i;

	ck_assert_msg(ww_store_prepare(s, sql, &st, &err) == 0, "%s", err.msg);
	sqlite3_bind_int64(st, 1, at);
	for (i = 0; i < n; i++) {
		ck_assert_msg(ww_store_step(s, st, "insert", &err) == 0, "%s",
			      err.msg);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

START_TEST(prune_deletes_old_rows_in_batches)
{
	const int64_t now = 1800000000, day = 86400;
	const int64_t old = now - 40 * day, fresh = now - day;
	struct ww_test_store f;
	struct ww_store *s;
	struct ww_err err;
	int64_t deleted = -1;
	int commits = 0;

	fixture_init(&f);
	s = open_ok(f.db);
	ck_assert_int_eq(ww_store_begin(s, &err), 0);
	insert_rows(s, "INSERT INTO probe_result(target, url, at, ok, result)"
		       " VALUES ('mu', 'https://x/', ?1, 1, 'ok')",
		    25, old);
	insert_rows(s, "INSERT INTO probe_result(target, url, at, ok, result)"
		       " VALUES ('mu', 'https://x/', ?1, 0, 'timeout')",
		    3, fresh);
	/* Exactly at the cutoff is kept. */
	insert_rows(s, "INSERT INTO probe_result(target, url, at, ok, result)"
		       " VALUES ('mu', 'https://x/', ?1, 1, 'ok')",
		    1, now - 30 * day);
	insert_rows(s, "INSERT INTO log_finding(source, at, category) VALUES"
		       " ('log', ?1, 'timeout')", 4, old);
	insert_rows(s, "INSERT INTO log_finding(source, at, category) VALUES"
		       " ('log', ?1, 'timeout')", 2, fresh);
	insert_rows(s, "INSERT INTO wsus_event(source, record_id, event_id, at)"
		       " VALUES ('ev', abs(random()), 10022, ?1)",
		    2, old);
	insert_rows(s, "INSERT INTO alert_history(name, at, transition) VALUES"
		       " ('a', ?1, 'raised')", 3, old);
	insert_rows(s, "INSERT INTO alert_history(name, at, transition) VALUES"
		       " ('a', ?1, 'cleared')", 1, fresh);
	/* Never pruned, however old. */
	exec_ok(s, "INSERT INTO source_position(source, offset, updated_at)"
		   " VALUES ('log', 1, 1)");
	exec_ok(s, "INSERT INTO alert(name, state, since) VALUES ('a', 'ok', 1)");
	/*
	 * sync_run: for source log, old successes (the last one is kept),
	 * an old failure, an old running one and a fresh failure; for
	 * eventlog, a single old success (kept: its last success).
	 */
	exec_ok(s, "INSERT INTO sync_run(source, source_key, started_at,"
		   " finished_at, result) VALUES"
		   " ('log', 's1', 100, 200, 'succeeded'),"
		   " ('log', 's2', 300, 400, 'succeeded'),"
		   " ('log', 'f1', 500, 600, 'failed'),"
		   " ('log', 'r1', 700, NULL, 'running'),"
		   " ('log', 'u1', 800, NULL, 'unknown'),"
		   " ('eventlog', 'e1', 150, 250, 'succeeded')");
	exec_ok(s, "INSERT INTO sync_run(source, source_key, started_at,"
		   " finished_at, result) VALUES ('log', 'f2', 1799990000,"
		   " 1799990100, 'failed')");
	ck_assert_int_eq(ww_store_commit(s, &err), 0);

	sqlite3_commit_hook(ww_store_db(s), count_commits, &commits);
	ck_assert_msg(ww_store_prune(s, now, 30 * day, 10, &deleted, &err) == 0,
		      "%s", err.msg);
	sqlite3_commit_hook(ww_store_db(s), NULL, NULL);
	/* 25 + 3 (s1, f1, u1) + 4 + 2 + 3 */
	ck_assert_int_eq(deleted, 37);
	/*
	 * One transaction per batch: probe_result takes three (10, 10, 5),
	 * every other table one.
	 */
	ck_assert_int_eq(commits, 7);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM probe_result"), 4);
	ck_assert_int_eq(store_i64(s, "SELECT min(at) FROM probe_result"),
			 now - 30 * day);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM log_finding"), 2);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM wsus_event"), 0);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM alert_history"), 1);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM source_position"), 1);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM alert"), 1);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM sync_run WHERE"
				      " source_key IN ('s2', 'r1', 'f2', 'e1')"),
			 4);
	ck_assert_int_eq(store_i64(s, "SELECT count(*) FROM sync_run"), 4);

	/* Nothing left to prune: nothing deleted; bad arguments refused. */
	ck_assert_int_eq(ww_store_prune(s, now, 30 * day, 10, &deleted, &err), 0);
	ck_assert_int_eq(deleted, 0);
	ck_assert_int_eq(ww_store_prune(s, now, 0, 10, NULL, &err), WW_EINVAL);
	ck_assert_int_eq(ww_store_prune(s, now, day, 0, NULL, &err), WW_EINVAL);
	ck_assert_int_eq(ww_store_begin(s, &err), 0);
	ck_assert_int_eq(ww_store_prune(s, now, day, 10, NULL, &err), WW_ESTATE);
	ww_store_rollback(s);
	ww_store_close(s);
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
	tcase_add_test(tc, migrates_older_schema_keeping_data);
	tcase_add_test(tc, failed_step_is_rolled_back);
	tcase_add_test(tc, locked_database_reports_busy);
	tcase_add_test(tc, unwritable_locations_are_reported);
	tcase_add_test(tc, prune_deletes_old_rows_in_batches);
	suite_add_tcase(s, tc);
	return s;
}
