/*
 * store.h - wsuswatch's SQLite store.
 *
 * One database file holds everything the monitor observes (probe results,
 * sync runs, log findings, WSUS events), where each source stopped reading
 * (source_position) and the alert state.  WAL mode with a busy timeout, so
 * `status`, `history` and `check` can read while the service writes.  The
 * schema is created and migrated in steps keyed by PRAGMA user_version.
 * A file that is not a wsuswatch database (or is corrupt, locked or
 * read-only) is reported with its path and SQLite's message and is never
 * recreated or modified.
 *
 * Schema (version 3; later versions add, never rename):
 *   probe_result(id, target, url, at, ok, stage, result, wu_code,
 *                http_status, tls_version, tls_cipher, cert_not_after,
 *                clock_skew, elapsed_ms, hint, detail_json)
 *   sync_run(id, source, source_key UNIQUE with source, kind, started_at,
 *            finished_at, result, error)
 *   log_finding(id, source, at, category, level, component, message)
 *   wsus_event(id, source, record_id UNIQUE with source, event_id, level,
 *              at, meaning, message)
 *   source_position(source PRIMARY KEY, identity, offset, checksum,
 *                   checksum_len, bookmark, updated_at,
 *                   head_checksum, head_len, previous_identity,
 *                   previous_head_checksum, previous_head_len)  (v3)
 *   alert(name PRIMARY KEY, state, since, last_notified, reason, value,
 *         event_id)
 *   alert_history(id, name, at, transition, state, reason)
 * Times are INTEGER seconds since 1970-01-01 UTC.
 */
#ifndef WW_STORE_H
#define WW_STORE_H

#include "compat.h"
#include "err.h"

struct sqlite3;
struct sqlite3_stmt;
struct ww_store;

#define WW_STORE_SCHEMA_VERSION 4

/*
 * Open (creating if missing, along with a private parent directory) the
 * database at path and migrate it to the current schema.  *ret owns the
 * connection; close with ww_store_close().
 */
int ww_store_open(const char *path, struct ww_store **ret, struct ww_err *err);

/* Open an existing database read-only (status/history/check). */
int ww_store_open_readonly(const char *path, struct ww_store **ret,
			   struct ww_err *err);

void ww_store_close(struct ww_store *s); /* NULL-safe */

/* The raw connection, owned by the store, for module-specific SQL. */
struct sqlite3 *ww_store_db(struct ww_store *s);
const char *ww_store_path(const struct ww_store *s);

/*
 * Transactions: BEGIN IMMEDIATE so writers never deadlock on upgrade.
 * A commit that fails rolls the transaction back; rollback is a no-op
 * outside a transaction.
 */
int ww_store_begin(struct ww_store *s, struct ww_err *err);
int ww_store_commit(struct ww_store *s, struct ww_err *err);
void ww_store_rollback(struct ww_store *s);

/*
 * Fill err from the connection's last error: "<path>: <what>: <sqlite
 * message>".  Returns WW_EBUSY (locked), WW_ECORRUPT (corrupt, or not a
 * database), WW_EPERM (read-only), WW_EIO (cannot open, I/O, disk full),
 * WW_ENOMEM or WW_EDB (anything else) as fits.
 */
int ww_store_error(struct ww_store *s, struct ww_err *err, const char *what);

/*
 * The message of the last failure ww_store_error() reported since the last
 * successful commit, or NULL: whether the database currently takes writes
 * (a lock held by another process, a full disk), for status.
 */
const char *ww_store_failure(const struct ww_store *s);

/*
 * Whether the database file and its write-ahead log are still the files
 * the connection has open.  Deleted (or replaced) under a running
 * service, SQLite goes on writing into the unlinked files without an
 * error, and all of it is gone at the next open.  Once seen, the loss is
 * sticky: WW_EIO with "<path>: ... deleted ...: restart the service", and
 * ww_store_failure() reports it from then on.  Cheap (two stat calls):
 * the monitor checks after every task run.  On Windows open files cannot
 * be deleted, and the check finds nothing.
 */
int ww_store_check_files(struct ww_store *s, struct ww_err *err);

/* One statement without results, e.g. a DELETE.  */
int ww_store_exec(struct ww_store *s, const char *sql, struct ww_err *err);

/*
 * Prepare one statement; *ret is NULL on failure and otherwise owned by
 * the caller (sqlite3_finalize()).
 */
int ww_store_prepare(struct ww_store *s, const char *sql,
		     struct sqlite3_stmt **ret, struct ww_err *err);

/*
 * sqlite3_step() with the store's error reporting: 1 for a row, 0 when
 * done, a negative WW_E* ("<path>: <what>: <message>") on failure.
 */
int ww_store_step(struct ww_store *s, struct sqlite3_stmt *stmt,
		  const char *what, struct ww_err *err);

/*
 * Delete rows older than now - retention from every history table, at
 * most batch rows per statement and transaction, so a long backlog never
 * holds the write lock for long.  *ret_deleted may be NULL.
 * probe_result, log_finding, wsus_event, alert_history go by `at`;
 * sync_run only when not running and finished (or, unfinished, started)
 * before the cutoff, and never the last successful run of each source.
 * source_position and alert are never pruned.  Must be called outside a
 * transaction (WW_ESTATE).
 */
int ww_store_prune(struct ww_store *s, int64_t now, int64_t retention,
		   int batch, int64_t *ret_deleted, struct ww_err *err);

/*
 * A set of statements prepared once, for an owner that writes often (the
 * event log reader): prepare sql[0..n) into st[0..n); on failure the
 * prepared ones are finalized, st[] is all NULL and the error is "<path>:
 * <what>: <message>".  ww_store_stmts_finalize() is NULL-safe per slot.
 */
int ww_store_stmts_prepare(struct ww_store *s, const char *const *sql,
			   size_t n, struct sqlite3_stmt **st,
			   const char *what, struct ww_err *err);
void ww_store_stmts_finalize(struct sqlite3_stmt **st, size_t n);

/*
 * Step a bound statement that returns no rows to completion, then reset
 * it and clear its bindings.  0, or the store's error naming what.
 */
int ww_store_run(struct ww_store *s, struct sqlite3_stmt *st,
		 const char *what, struct ww_err *err);

/* Bind text, or NULL when s is NULL (SQLITE_TRANSIENT: copied). */
void ww_store_bind_text(struct sqlite3_stmt *st, int i, const char *s);

/*
 * One row, for a table's owner: prepare sql, bind ?1 = text (when not
 * NULL) and ?2 = num (when the statement has a ?2), step once.  Returns 1
 * with the row in *ret (the caller finalizes it), 0 for no row, or a
 * negative WW_E* ("<path>: <what>: <message>").
 */
int ww_store_query_row(struct ww_store *s, const char *sql, const char *text,
		       int64_t num, struct sqlite3_stmt **ret, const char *what,
		       struct ww_err *err);

/* Column i of the current row as text into buf ("" for NULL). */
void ww_store_column_text(struct sqlite3_stmt *st, int i, char *buf,
			  size_t size);

/*
 * Rows as JSON, for a table's owner (docs/store.md, Owners): run sql with
 * ?1 bound to limit and append to arr one object per row, its members
 * named by cols in the order of the SELECT's columns.  NULL becomes null;
 * TIME (seconds since 1970) an ISO 8601 UTC string, BOOL true/false.
 * what names the read in errors ("<path>: <what>: <message>").
 */
enum ww_store_col_kind {
	WW_STORE_COL_TEXT,
	WW_STORE_COL_INT,
	WW_STORE_COL_TIME,
	WW_STORE_COL_BOOL
};

struct ww_store_col {
	const char *json; /* member name */
	enum ww_store_col_kind kind;
};

struct cJSON;

int ww_store_rows_json(struct ww_store *s, const char *sql, int limit,
		       const struct ww_store_col *cols, size_t ncols,
		       struct cJSON *arr, const char *what, struct ww_err *err);

/* The schema version of an open store (PRAGMA user_version). */
int ww_store_schema_version(struct ww_store *s, int *ret, struct ww_err *err);

#endif /* WW_STORE_H */
