/*
 * runs_store.c - the event log source's sync runs, gaps and bookmark in
 * the store (runs_store.h).  All statements are prepared once per writer.
 * With synclog_store.c, the only SQL on sync_run, log_finding and
 * source_position (docs/store.md, Owners).
 */
#include "compat.h"

#include <sqlite3.h>

#include "runs_store.h"
#include "store.h"
#include "util.h"

enum stmt_id {
	ST_RUN_ABANDON,     /* a new start ends older unfinished runs */
	ST_RUN_ATTACH_START,/* a start read after its finish (newest-first) */
	ST_RUN_INSERT_START,
	ST_RUN_FINISH,
	ST_RUN_INSERT_FINISH,
	ST_GAP,
	ST_POSITION,
	ST_ARCHIVE_RUNS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_RUN_ABANDON] =
	"UPDATE sync_run SET result = 'unknown' WHERE source = ?1 AND"
	" result = 'running' AND started_at <= ?2",
	[ST_RUN_ATTACH_START] =
	"UPDATE sync_run SET started_at = ?2, kind = ?3 WHERE id = (SELECT id"
	" FROM sync_run WHERE source = ?1 AND started_at IS NULL AND"
	" finished_at >= ?2 ORDER BY finished_at, id LIMIT 1)",
	[ST_RUN_INSERT_START] =
	"INSERT OR IGNORE INTO sync_run(source, source_key, kind, started_at,"
	" result) VALUES (?1, ?2, ?3, ?4, 'running')",
	[ST_RUN_FINISH] =
	"UPDATE sync_run SET finished_at = ?2, result = ?3, error = ?4 WHERE"
	" id = (SELECT id FROM sync_run WHERE source = ?1 AND result ="
	" 'running' AND started_at <= ?2 ORDER BY started_at DESC, id DESC"
	" LIMIT 1)",
	[ST_RUN_INSERT_FINISH] =
	"INSERT OR IGNORE INTO sync_run(source, source_key, finished_at,"
	" result, error) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_GAP] =
	"INSERT INTO log_finding(source, at, category, level, component,"
	" message) VALUES (?1, ?2, 'gap', 'warning', 'eventlog', ?3)",
	[ST_POSITION] =
	"INSERT INTO source_position(source, identity, offset, bookmark,"
	" updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(source) DO"
	" UPDATE SET identity = excluded.identity, offset = excluded.offset,"
	" bookmark = excluded.bookmark, updated_at = excluded.updated_at",
	[ST_ARCHIVE_RUNS] =
	"UPDATE sync_run SET source = ?2 WHERE source = ?1",
};

struct ww_run_writer {
	struct ww_store *s;
	sqlite3_stmt *st[ST_COUNT];
};

void ww_run_writer_free(struct ww_run_writer *w)
{
	if (!w)
		return;
	ww_store_stmts_finalize(w->st, ST_COUNT);
	free(w);
}

int ww_run_writer_new(struct ww_store *s, struct ww_run_writer **ret,
		      struct ww_err *err)
{
	struct ww_run_writer *w = calloc(1, sizeof(*w));
	int r;

	*ret = NULL;
	if (!w)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	w->s = s;
	r = ww_store_stmts_prepare(s, stmt_sql, ST_COUNT, w->st,
				   "prepare event statements", err);
	if (r) {
		ww_run_writer_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

/* Run a bound statement to completion and reset it. */
static int run(struct ww_run_writer *w, enum stmt_id id, const char *what,
	       struct ww_err *err)
{
	return ww_store_run(w->s, w->st[id], what, err);
}

int ww_run_writer_started(struct ww_run_writer *w, const char *source,
			  const char *key, const char *kind, int64_t at,
			  struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	st = w->st[ST_RUN_ATTACH_START];
	ww_store_bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, at);
	ww_store_bind_text(st, 3, kind);
	if ((r = run(w, ST_RUN_ATTACH_START, "update sync run", err)))
		return r;
	if (sqlite3_changes(ww_store_db(w->s)) > 0)
		return 0;
	st = w->st[ST_RUN_ABANDON];
	ww_store_bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, at);
	if ((r = run(w, ST_RUN_ABANDON, "update sync run", err)))
		return r;
	st = w->st[ST_RUN_INSERT_START];
	ww_store_bind_text(st, 1, source);
	ww_store_bind_text(st, 2, key);
	ww_store_bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, at);
	return run(w, ST_RUN_INSERT_START, "insert sync run", err);
}

int ww_run_writer_finished(struct ww_run_writer *w, const char *source,
			   const char *key, int64_t at, bool ok,
			   const char *error, struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_RUN_FINISH];
	int r;

	ww_store_bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, at);
	ww_store_bind_text(st, 3, ok ? "succeeded" : "failed");
	ww_store_bind_text(st, 4, error);
	if ((r = run(w, ST_RUN_FINISH, "update sync run", err)))
		return r;
	if (sqlite3_changes(ww_store_db(w->s)) > 0)
		return 0;
	st = w->st[ST_RUN_INSERT_FINISH];
	ww_store_bind_text(st, 1, source);
	ww_store_bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, at);
	ww_store_bind_text(st, 4, ok ? "succeeded" : "failed");
	ww_store_bind_text(st, 5, error);
	return run(w, ST_RUN_INSERT_FINISH, "insert sync run", err);
}

int ww_run_writer_archive(struct ww_run_writer *w, const char *source,
			  const char *archive_source, struct ww_err *err)
{
	ww_store_bind_text(w->st[ST_ARCHIVE_RUNS], 1, source);
	ww_store_bind_text(w->st[ST_ARCHIVE_RUNS], 2, archive_source);
	return run(w, ST_ARCHIVE_RUNS, "archive sync_run rows", err);
}

int ww_run_writer_gap(struct ww_run_writer *w, const char *source,
		      int64_t at, const char *message, struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_GAP];

	ww_store_bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, at);
	ww_store_bind_text(st, 3, message);
	return run(w, ST_GAP, "insert gap finding", err);
}

int ww_run_writer_position(struct ww_run_writer *w, const char *source,
			   const char *channel, const char *bookmark,
			   uint64_t record_id, int64_t now,
			   struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_POSITION];

	ww_store_bind_text(st, 1, source);
	ww_store_bind_text(st, 2, channel);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)record_id);
	ww_store_bind_text(st, 4, bookmark);
	sqlite3_bind_int64(st, 5, now);
	return run(w, ST_POSITION, "save event log bookmark", err);
}

int ww_runs_store_load_bookmark(struct ww_store *s, const char *source,
				char **ret_bookmark, uint64_t *ret_record,
				struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	*ret_bookmark = NULL;
	if (ret_record)
		*ret_record = 0;
	if (sqlite3_prepare_v2(ww_store_db(s), "SELECT bookmark, offset FROM"
			       " source_position WHERE source = ?1", -1, &st,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return ww_store_error(s, err, "load event log bookmark");
	}
	ww_store_bind_text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_text(st, 0);

		if (b && !(*ret_bookmark = ww_strdup((const char *)b)))
			r = ww_err_set(err, WW_ENOMEM, "out of memory");
		if (ret_record)
			*ret_record = (uint64_t)sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		r = ww_store_error(s, err, "load event log bookmark");
	}
	sqlite3_finalize(st);
	return r;
}
