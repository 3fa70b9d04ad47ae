/*
 * store.c - opening, checking, migrating and pruning the wsuswatch SQLite
 * database.  docs/store.md is the user-facing description.
 *
 * The one rule that shapes open: a file we did not create is never
 * modified.  SQLite opens lazily, so sqlite3_open_v2() "succeeds" on a text
 * file; the first statement that reads the header is what fails.  Every
 * check (is it a database, is it ours, is its schema one we know, is it
 * intact) therefore runs before the first statement that writes, which is
 * PRAGMA journal_mode=WAL.
 */
#include "compat.h"

#include <sqlite3.h>

#include "os.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

struct ww_store {
	sqlite3 *db;
	char *path;
	bool readonly;
	int64_t user_version;   /* as found at open, before migrating */
	int64_t application_id; /* as found at open */
	/* The last failure since the last commit, "" when none. */
	char failure[WW_ERR_MSG_MAX];
	/* Its files deleted or replaced under it, "" when not (sticky). */
	char lost[WW_ERR_MSG_MAX];
	bool wal_seen;          /* the -wal file existed at a check */
};

/* Test hooks (store_internal.h); NULL / 0 mean the product's values. */
static const struct ww_store_migration *test_steps;
static size_t test_steps_count;
static int test_busy_timeout_ms;

void ww_store_set_migrations(const struct ww_store_migration *steps, size_t n)
{
	test_steps = steps;
	test_steps_count = steps ? n : 0;
}

void ww_store_set_busy_timeout_ms(int ms)
{
	test_busy_timeout_ms = ms > 0 ? ms : 0;
}

static void active_steps(const struct ww_store_migration **ret, size_t *n)
{
	if (test_steps) {
		*ret = test_steps;
		*n = test_steps_count;
	} else {
		*ret = ww_store_migrations;
		*n = ww_store_migrations_count;
	}
}

/* The newest schema version this build (or test) knows. */
static int known_version(void)
{
	const struct ww_store_migration *steps;
	size_t n;

	active_steps(&steps, &n);
	return n ? steps[n - 1].version : 0;
}

static int map_sqlite_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return WW_EBUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		/* A header that is not SQLite's is also what corruption looks like. */
		return WW_ECORRUPT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return WW_EPERM;
	case SQLITE_NOMEM:
		return WW_ENOMEM;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
		return WW_EIO;
	default:
		return WW_EDB;
	}
}

/* "<path>: <what>: <SQLite message>" from the connection's last error. */
static int db_error(sqlite3 *db, const char *path, struct ww_err *err,
		    const char *what)
{
	int rc = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	return ww_err_set_os(err, map_sqlite_code(rc), (unsigned long)rc,
			     "%s: %s: %s", path, what, msg);
}

int ww_store_error(struct ww_store *s, struct ww_err *err, const char *what)
{
	struct ww_err e;
	int r = db_error(s->db, s->path, &e, what);

	ww_strlcpy(s->failure, e.msg, sizeof(s->failure));
	if (err)
		*err = e;
	return r;
}

const char *ww_store_failure(const struct ww_store *s)
{
	if (s && s->lost[0])
		return s->lost;
	return s && s->failure[0] ? s->failure : NULL;
}

static bool wal_exists(const struct ww_store *s)
{
	size_t n = strlen(s->path) + sizeof("-wal");
	char *wal = malloc(n);
	bool r;

	if (!wal)
		return true; /* unknown: never a false alarm */
	snprintf(wal, n, "%s-wal", s->path);
	r = ww_os_path_exists(wal);
	free(wal);
	return r;
}

int ww_store_check_files(struct ww_store *s, struct ww_err *err)
{
	int moved = 0;
	bool wal;

	if (!s->lost[0]) {
		/* The unix VFS compares the path's inode with the open one's. */
		if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED,
					 &moved) != SQLITE_OK)
			moved = 0;
		wal = wal_exists(s);
		if (moved)
			snprintf(s->lost, sizeof(s->lost),
				 "%s: the database file was deleted or replaced "
				 "while the service had it open; what it stores "
				 "now is lost: restart the service", s->path);
		else if (s->wal_seen && !wal)
			snprintf(s->lost, sizeof(s->lost),
				 "%s-wal: the database's write-ahead log was "
				 "deleted while the service had it open; what it "
				 "stores now is lost: restart the service",
				 s->path);
		s->wal_seen = s->wal_seen || wal;
	}
	if (s->lost[0])
		return ww_err_set(err, WW_EIO, "%s", s->lost);
	return 0;
}

static int exec_what(struct ww_store *s, const char *sql, const char *what,
		     struct ww_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ww_store_error(s, err, what);
	return 0;
}

int ww_store_exec(struct ww_store *s, const char *sql, struct ww_err *err)
{
	return exec_what(s, sql, "execute", err);
}

static int prepare_what(struct ww_store *s, const char *sql, const char *what,
			sqlite3_stmt **ret, struct ww_err *err)
{
	*ret = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, ret, NULL) != SQLITE_OK) {
		sqlite3_finalize(*ret);
		*ret = NULL;
		return ww_store_error(s, err, what);
	}
	return 0;
}

int ww_store_prepare(struct ww_store *s, const char *sql,
		     struct sqlite3_stmt **ret, struct ww_err *err)
{
	return prepare_what(s, sql, "prepare statement", ret, err);
}

int ww_store_step(struct ww_store *s, struct sqlite3_stmt *stmt,
		  const char *what, struct ww_err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ww_store_error(s, err, what);
}

/* The first column of the first row of sql; 0 when there is no row. */
static int query_int(struct ww_store *s, const char *sql, const char *what,
		     int64_t *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	*ret = 0;
	r = prepare_what(s, sql, what, &st, err);
	if (r)
		return r;
	r = ww_store_step(s, st, what, err);
	if (r == 1) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/* As query_int() for a text result, copied into buf. */
static int query_text(struct ww_store *s, const char *sql, const char *what,
		      char *buf, size_t size, struct ww_err *err)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int r;

	buf[0] = '\0';
	r = prepare_what(s, sql, what, &st, err);
	if (r)
		return r;
	r = ww_store_step(s, st, what, err);
	if (r == 1) {
		t = sqlite3_column_text(st, 0);
		ww_strlcpy(buf, t ? (const char *)t : "", size);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

int ww_store_schema_version(struct ww_store *s, int *ret, struct ww_err *err)
{
	int64_t v;
	int r = query_int(s, "PRAGMA user_version", "read schema version", &v,
			  err);

	*ret = r ? 0 : (int)v;
	return r;
}

static bool is_sep(char c)
{
	return c == '/' || (WW_OS_WIN && c == '\\');
}

/*
 * Create the database's directory when it is missing.  An existing
 * directory is left as it is: re-securing it (as ww_os_mkdir_private()
 * does) would change the mode of a directory such as /tmp that the
 * administrator chose to put the file in.
 */
static int make_parent_dir(const char *path, struct ww_err *err)
{
	size_t i, cut = 0;
	char *dir;
	int r = 0;

	for (i = 0; path[i]; i++)
		if (is_sep(path[i]))
			cut = i;
	if (cut == 0)
		return 0;
	dir = ww_strndup(path, cut);
	if (!dir)
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	if (!ww_os_path_exists(dir)) {
		r = ww_os_mkdir_private(dir, err);
		if (r)
			ww_err_prefix(err, "%s: create directory: ", path);
	}
	free(dir);
	return r;
}

static int store_connect(const char *path, bool readonly,
			 struct ww_store **ret, struct ww_err *err)
{
	struct ww_store *s = calloc(1, sizeof(*s));
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	*ret = NULL;
	if (!s || !(s->path = ww_strdup(path))) {
		free(s);
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
	}
	s->readonly = readonly;
	*ret = s;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "open");
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, test_busy_timeout_ms ? test_busy_timeout_ms
							 : WW_STORE_BUSY_TIMEOUT_MS);
	/*
	 * SQLite silently falls back to read-only when the file cannot be
	 * written; the monitor would then fail at its first insert.
	 */
	if (!readonly && sqlite3_db_readonly(s->db, "main") == 1)
		return ww_err_set(err, WW_EPERM,
				  "%s: open: the database file is not writable",
				  path);
	return 0;
}

/* Reject someone else's database before we write anything to it. */
static int check_ownership(struct ww_store *s, struct ww_err *err)
{
	int64_t tables, ours;
	int r;

	r = query_int(s,
		      "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
		      " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		      "read schema", &tables, err);
	if (!r)
		r = query_int(s,
			      "SELECT count(*) FROM sqlite_master WHERE type ="
			      " 'table' AND name = 'source_position'",
			      "read schema", &ours, err);
	if (r)
		return r;
	if (s->application_id != 0 &&
	    s->application_id != WW_STORE_APPLICATION_ID)
		return ww_err_set(err, WW_EDB,
				  "%s: not a wsuswatch database (application_id "
				  "0x%08" PRIx32 "); refusing to touch it",
				  s->path, (uint32_t)s->application_id);
	/*
	 * Without our application_id, only an empty database or one that
	 * already has our tables (an early build) is adopted.
	 */
	if (s->application_id == 0 && !ours &&
	    (tables > 0 || s->user_version != 0))
		return ww_err_set(err, WW_EDB,
				  "%s: not a wsuswatch database (it holds %" PRId64
				  " tables of another application, user_version %"
				  PRId64 "); refusing to touch it",
				  s->path, tables, s->user_version);
	return 0;
}

static int check_version(struct ww_store *s, struct ww_err *err)
{
	int known = known_version();

	if (s->user_version > known)
		return ww_err_set(err, WW_EDB,
				  "%s: database schema version %" PRId64 " is "
				  "newer than this wsuswatch supports (%d); "
				  "refusing to downgrade it: run a newer "
				  "wsuswatch or move the file away",
				  s->path, s->user_version, known);
	if (s->user_version < 0)
		return ww_err_set(err, WW_EDB,
				  "%s: invalid schema version %" PRId64, s->path,
				  s->user_version);
	if (s->readonly && s->user_version < known)
		return ww_err_set(err, WW_EDB,
				  "%s: database schema version %" PRId64 " is "
				  "older than this wsuswatch (%d): start the "
				  "monitor once to migrate it",
				  s->path, s->user_version, known);
	return 0;
}

/*
 * Read the header.  PRAGMA schema_version is the first statement that
 * touches the file: a file that is not a database (or whose header is
 * damaged) fails here with SQLITE_NOTADB, with nothing written yet.
 */
static int check_database(struct ww_store *s, struct ww_err *err)
{
	int64_t schema;
	int r;

	r = query_int(s, "PRAGMA schema_version", "read database header",
		      &schema, err);
	if (!r)
		r = query_int(s, "PRAGMA application_id", "read application id",
			      &s->application_id, err);
	if (!r)
		r = query_int(s, "PRAGMA user_version", "read schema version",
			      &s->user_version, err);
	if (!r)
		r = check_ownership(s, err);
	if (!r)
		r = check_version(s, err);
	return r;
}

/*
 * Damage in a table page is not seen by reading the header; quick_check
 * reads every page (O(size), no index cross-check), once per open for
 * writing, so the monitor refuses a damaged file instead of adding to it.
 */
static int check_integrity(struct ww_store *s, struct ww_err *err)
{
	char res[256];
	size_t i;
	int r;

	r = query_text(s, "PRAGMA quick_check(1)", "integrity check", res,
		       sizeof(res), err);
	if (r)
		return r;
	for (i = 0; res[i]; i++) /* one line, for logs */
		if (res[i] == '\n')
			res[i] = ' ';
	if (strcmp(res, "ok") != 0)
		return ww_err_set(err, WW_ECORRUPT,
				  "%s: integrity check: %s", s->path, res);
	return 0;
}

/*
 * WAL lets status, history and check read while the monitor writes.
 * synchronous=NORMAL in WAL mode fsyncs at checkpoints, not at every
 * commit: a committed transaction survives a crash of the application (it
 * is in the WAL file, which the OS keeps), which is the exactly-once
 * guarantee we need - records and the source position are in the same
 * transaction.  Only an OS crash or power loss can lose the last
 * transactions, and then the source position is lost together with its
 * records: the next run re-reads them, still consistent.
 */
static int configure(struct ww_store *s, struct ww_err *err)
{
	char mode[32];
	int r;

	r = exec_what(s, "PRAGMA foreign_keys = ON", "enable foreign keys", err);
	if (!r)
		r = query_text(s, "PRAGMA journal_mode = WAL", "enable WAL mode",
			       mode, sizeof(mode), err);
	if (r)
		return r;
	if (ww_strcasecmp(mode, "wal") != 0)
		return ww_err_set(err, WW_EDB,
				  "%s: enable WAL mode: journal mode is still "
				  "'%s'", s->path, mode);
	return exec_what(s, "PRAGMA synchronous = NORMAL",
			 "set synchronous mode", err);
}

/*
 * One step in one transaction with its user_version bump.  The version is
 * re-read under the write lock: another process may have migrated while
 * we waited for it.
 */
static int apply_step(struct ww_store *s, const struct ww_store_migration *st,
		      struct ww_err *err)
{
	char what[64], sql[64];
	int64_t v, app;
	int r;

	snprintf(what, sizeof(what), "migrate to schema version %d",
		 st->version);
	r = ww_store_begin(s, err);
	if (r)
		return r;
	r = query_int(s, "PRAGMA user_version", what, &v, err);
	if (r || v >= st->version)
		goto out;
	if (v != st->version - 1) {
		r = ww_err_set(err, WW_ESTATE, "%s: %s: database is at version "
			       "%" PRId64, s->path, what, v);
		goto out;
	}
	r = exec_what(s, st->sql, what, err);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", st->version);
	if (!r)
		r = exec_what(s, sql, what, err);
	if (!r)
		r = query_int(s, "PRAGMA application_id", what, &app, err);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		 WW_STORE_APPLICATION_ID);
	if (!r && app == 0)
		r = exec_what(s, sql, what, err);
out:
	if (r) {
		ww_store_rollback(s);
		return r;
	}
	return ww_store_commit(s, err);
}

static int migrate(struct ww_store *s, struct ww_err *err)
{
	const struct ww_store_migration *steps;
	size_t i, n;
	int r;

	active_steps(&steps, &n);
	for (i = 0; i < n; i++) {
		if (steps[i].version <= s->user_version)
			continue;
		r = apply_step(s, &steps[i], err);
		if (r)
			return r;
	}
	return 0;
}

int ww_store_open(const char *path, struct ww_store **ret, struct ww_err *err)
{
	struct ww_store *s = NULL;
	int r;

	*ret = NULL;
	r = make_parent_dir(path, err);
	if (!r)
		r = store_connect(path, false, &s, err);
	if (!r)
		r = check_database(s, err);
	if (!r)
		r = check_integrity(s, err);
	/* Nothing above wrote to the file; from here on we own it. */
	if (!r)
		r = configure(s, err);
	if (!r)
		r = migrate(s, err);
	if (r) {
		ww_store_close(s);
		return r;
	}
	s->wal_seen = wal_exists(s);
	*ret = s;
	return 0;
}

int ww_store_open_readonly(const char *path, struct ww_store **ret,
			   struct ww_err *err)
{
	struct ww_store *s = NULL;
	int r;

	*ret = NULL;
	if (!ww_os_path_exists(path))
		return ww_err_set(err, WW_ENOENT,
				  "%s: open read-only: no such database (has "
				  "the monitor run yet?)", path);
	r = store_connect(path, true, &s, err);
	if (!r)
		r = check_database(s, err);
	if (!r && s->user_version == 0)
		r = ww_err_set(err, WW_ENOENT,
			       "%s: open read-only: the database is empty (has "
			       "the monitor run yet?)", path);
	if (r) {
		ww_store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

void ww_store_close(struct ww_store *s)
{
	if (!s)
		return;
	/* close_v2: a statement the caller forgot cannot keep the file open. */
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

struct sqlite3 *ww_store_db(struct ww_store *s)
{
	return s->db;
}

const char *ww_store_path(const struct ww_store *s)
{
	return s->path;
}

int ww_store_begin(struct ww_store *s, struct ww_err *err)
{
	return exec_what(s, "BEGIN IMMEDIATE", "begin transaction", err);
}

int ww_store_commit(struct ww_store *s, struct ww_err *err)
{
	int r = exec_what(s, "COMMIT", "commit", err);

	if (r)
		ww_store_rollback(s);
	else
		s->failure[0] = '\0';
	return r;
}

void ww_store_rollback(struct ww_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * One DELETE per table, each bounded by LIMIT ?2 through the rowid
 * sub-select (DELETE ... LIMIT needs a compile-time option Debian's SQLite
 * lacks).  ?1 is the cutoff.
 */
static const char *const prune_sql[] = {
	"DELETE FROM probe_result WHERE rowid IN (SELECT rowid FROM"
	" probe_result WHERE at < ?1 LIMIT ?2)",
	/*
	 * The bare id next to max() is the row holding the maximum
	 * (SQLite's documented min/max rule): the last success per source.
	 */
	"DELETE FROM sync_run WHERE rowid IN (SELECT rowid FROM sync_run"
	" WHERE result <> 'running'"
	" AND coalesce(finished_at, started_at) < ?1"
	" AND id NOT IN (SELECT id FROM (SELECT id,"
	"  max(coalesce(finished_at, started_at)) FROM sync_run"
	"  WHERE result = 'succeeded' GROUP BY source))"
	" LIMIT ?2)",
	"DELETE FROM log_finding WHERE rowid IN (SELECT rowid FROM"
	" log_finding WHERE at < ?1 LIMIT ?2)",
	"DELETE FROM wsus_event WHERE rowid IN (SELECT rowid FROM"
	" wsus_event WHERE at < ?1 LIMIT ?2)",
	"DELETE FROM alert_history WHERE rowid IN (SELECT rowid FROM"
	" alert_history WHERE at < ?1 LIMIT ?2)",
};

/* One batch in its own transaction; *ret_n rows deleted. */
static int prune_batch(struct ww_store *s, sqlite3_stmt *st, int64_t cutoff,
		       int batch, int *ret_n, struct ww_err *err)
{
	int r;

	*ret_n = 0;
	r = ww_store_begin(s, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int(st, 2, batch);
	r = ww_store_step(s, st, "prune", err);
	if (r == 0)
		*ret_n = sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (r) {
		ww_store_rollback(s);
		return r < 0 ? r : WW_EDB;
	}
	return ww_store_commit(s, err);
}

static int prune_table(struct ww_store *s, const char *sql, int64_t cutoff,
		       int batch, int64_t *total, struct ww_err *err)
{
	sqlite3_stmt *st;
	int n, r;

	r = prepare_what(s, sql, "prune", &st, err);
	if (r)
		return r;
	do {
		r = prune_batch(s, st, cutoff, batch, &n, err);
		*total += n;
	} while (!r && n == batch);
	sqlite3_finalize(st);
	return r;
}

int ww_store_prune(struct ww_store *s, int64_t now, int64_t retention,
		   int batch, int64_t *ret_deleted, struct ww_err *err)
{
	int64_t total = 0;
	size_t i;
	int r = 0;

	if (ret_deleted)
		*ret_deleted = 0;
	if (retention <= 0 || batch <= 0 || now < retention)
		return ww_err_set(err, WW_EINVAL,
				  "%s: prune: invalid retention %" PRId64
				  "s or batch %d", s->path, retention, batch);
	if (!sqlite3_get_autocommit(s->db))
		return ww_err_set(err, WW_ESTATE, "%s: prune: called inside a "
				  "transaction", s->path);
	for (i = 0; i < WW_ARRAY_SIZE(prune_sql) && !r; i++)
		r = prune_table(s, prune_sql[i], now - retention, batch, &total,
				err);
	if (ret_deleted)
		*ret_deleted = total;
	return r;
}
