/*
 * synclog_store.c - SoftwareDistribution.log observations in the store.
 *
 * A batch (the findings of some records, the sync runs they changed) is
 * written together with the source's position in ONE transaction: that
 * is the whole exactly-once argument (docs/synclog.md).  Runs are upserts
 * keyed by (source, source_key), so replaying a run's update is harmless
 * even if it ever happened.
 */
#include "compat.h"

#include <sqlite3.h>

#include "store.h"
#include "tail.h"
#include "utf8.h"
#include "util.h"

#define COMPONENT_MAX 128
#define BATCH_FINDINGS_MAX 100000

struct finding_row {
	int64_t at;
	enum ww_synclog_category cat;
	enum ww_synclog_level level;
	char component[COMPONENT_MAX];
	char message[WW_SYNCLOG_EXAMPLE_MAX];
};

struct ww_synclog_batch {
	struct finding_row *rows;
	size_t n, cap;
	struct ww_sync_run_list runs;
};

int ww_synclog_batch_new(struct ww_synclog_batch **ret, struct ww_err *err)
{
	struct ww_synclog_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return ww_err_set(err, WW_ENOMEM, "synclog batch: out of memory");
	ww_sync_run_list_init(&b->runs, 10000);
	*ret = b;
	return 0;
}

void ww_synclog_batch_free(struct ww_synclog_batch *b)
{
	if (!b)
		return;
	free(b->rows);
	ww_sync_run_list_release(&b->runs);
	free(b);
}

void ww_synclog_batch_clear(struct ww_synclog_batch *b)
{
	b->n = 0;
	b->runs.n = 0;
}

size_t ww_synclog_batch_size(const struct ww_synclog_batch *b)
{
	return b->n + b->runs.n;
}

int ww_synclog_batch_add_finding(struct ww_synclog_batch *b,
				 const struct ww_synclog_record *rec,
				 enum ww_synclog_category cat)
{
	struct finding_row *f;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct finding_row *n;

		if (cap > BATCH_FINDINGS_MAX)
			return WW_ERANGE;
		n = realloc(b->rows, cap * sizeof(*n));
		if (!n)
			return WW_ENOMEM;
		b->rows = n;
		b->cap = cap;
	}
	f = &b->rows[b->n++];
	f->at = rec->time;
	f->cat = cat;
	f->level = rec->level;
	ww_utf8_copy(f->component, sizeof(f->component), rec->component,
		     strlen(rec->component));
	ww_synclog_example(rec, f->message, sizeof(f->message));
	return 0;
}

int ww_synclog_batch_add_run(struct ww_synclog_batch *b,
			     const struct ww_sync_run *run)
{
	return ww_sync_run_list_put(&b->runs, run);
}

/* ---- writing --------------------------------------------------------- */

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t == WW_TIME_UNKNOWN)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static int step_done(struct ww_store *s, sqlite3_stmt *st, const char *what,
		     struct ww_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, what);
	return 0;
}

static int prepare(struct ww_store *s, const char *sql, sqlite3_stmt **st,
		   struct ww_err *err)
{
	if (sqlite3_prepare_v2(ww_store_db(s), sql, -1, st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "prepare");
	return 0;
}

static int write_findings(struct ww_store *s, const char *source,
			  const struct ww_synclog_batch *b, struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int r;

	if (!b->n)
		return 0;
	r = prepare(s, "INSERT INTO log_finding(source, at, category, level,"
		    " component, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    &st, err);
	for (i = 0; !r && i < b->n; i++) {
		const struct finding_row *f = &b->rows[i];

		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, f->at);
		sqlite3_bind_text(st, 3, ww_synclog_category_name(f->cat), -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 4, ww_synclog_level_name(f->level), -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 5, f->component, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, f->message, -1, SQLITE_STATIC);
		r = step_done(s, st, "insert log_finding", err);
	}
	sqlite3_finalize(st);
	return r;
}

static int write_runs(struct ww_store *s, const char *source,
		      const struct ww_synclog_batch *b, struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int r;

	if (!b->runs.n)
		return 0;
	r = prepare(s, "INSERT INTO sync_run(source, source_key, kind,"
		    " started_at, finished_at, result, error)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		    " ON CONFLICT(source, source_key) DO UPDATE SET"
		    " kind = excluded.kind, started_at = excluded.started_at,"
		    " finished_at = excluded.finished_at,"
		    " result = excluded.result, error = excluded.error",
		    &st, err);
	for (i = 0; !r && i < b->runs.n; i++) {
		const struct ww_sync_run *run = &b->runs.runs[i];

		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, run->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ww_sync_kind_name(run->kind), -1,
				  SQLITE_STATIC);
		bind_time(st, 4, run->started_at);
		bind_time(st, 5, run->finished_at);
		sqlite3_bind_text(st, 6, ww_sync_result_name(run->result), -1,
				  SQLITE_STATIC);
		if (run->error[0])
			sqlite3_bind_text(st, 7, run->error, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 7);
		r = step_done(s, st, "upsert sync_run", err);
	}
	sqlite3_finalize(st);
	return r;
}

static int write_position(struct ww_store *s, const char *source,
			  const struct ww_tail_position *pos, int64_t now,
			  struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = prepare(s, "INSERT OR REPLACE INTO source_position(source,"
		    " identity, \"offset\", checksum, checksum_len, bookmark,"
		    " updated_at, head_checksum, head_len, previous_identity,"
		    " previous_head_checksum, previous_head_len) VALUES (?1, ?2,"
		    " ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, ?10, ?11)", &st, err);
	if (r)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pos->file.identity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)pos->offset);
	/* 64-bit hashes as their two's complement: SQLite has no u64. */
	sqlite3_bind_int64(st, 4, (sqlite3_int64)pos->checksum);
	sqlite3_bind_int(st, 5, (int)pos->checksum_len);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)pos->file.head);
	sqlite3_bind_int(st, 8, (int)pos->file.head_len);
	if (pos->previous_known) {
		sqlite3_bind_text(st, 9, pos->previous.identity, -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)pos->previous.head);
		sqlite3_bind_int(st, 11, (int)pos->previous.head_len);
	} /* else NULL: unknown */
	r = step_done(s, st, "save source_position", err);
	sqlite3_finalize(st);
	return r;
}

int ww_synclog_batch_commit(struct ww_store *s, const char *source,
			    struct ww_synclog_batch *b,
			    const struct ww_tail_position *pos, int64_t now,
			    struct ww_err *err)
{
	int r = ww_store_begin(s, err);

	if (r)
		return r;
	r = write_findings(s, source, b, err);
	if (!r)
		r = write_runs(s, source, b, err);
	if (!r)
		r = write_position(s, source, pos, now, err);
	if (!r)
		r = ww_store_commit(s, err);
	if (r)
		ww_store_rollback(s);
	return r;
}

/* ---- reading --------------------------------------------------------- */

static const char *column_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

int ww_synclog_store_load_position(struct ww_store *s, const char *source,
				   struct ww_tail_position *pos,
				   struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r, rc;

	memset(pos, 0, sizeof(*pos));
	r = prepare(s, "SELECT identity, \"offset\", checksum, checksum_len,"
		    " head_checksum, head_len, previous_identity,"
		    " previous_head_checksum, previous_head_len"
		    " FROM source_position WHERE source = ?1", &st, err);
	if (r)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(st, 0);

		ww_strlcpy(pos->file.identity, id ? (const char *)id : "",
			   sizeof(pos->file.identity));
		pos->offset = (uint64_t)sqlite3_column_int64(st, 1);
		pos->checksum = (uint64_t)sqlite3_column_int64(st, 2);
		pos->checksum_len = (uint32_t)sqlite3_column_int(st, 3);
		/* NULL (a row saved before schema version 3): 0, nothing to compare. */
		pos->file.head = (uint64_t)sqlite3_column_int64(st, 4);
		pos->file.head_len = (uint32_t)sqlite3_column_int(st, 5);
		pos->previous_known = sqlite3_column_type(st, 6) != SQLITE_NULL;
		ww_strlcpy(pos->previous.identity, column_str(st, 6),
			   sizeof(pos->previous.identity));
		pos->previous.head = (uint64_t)sqlite3_column_int64(st, 7);
		pos->previous.head_len = (uint32_t)sqlite3_column_int(st, 8);
		pos->valid = id != NULL;
	} else if (rc != SQLITE_DONE) {
		r = ww_store_error(s, err, "read source_position");
	}
	sqlite3_finalize(st);
	return r;
}

static int64_t column_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ?
		       WW_TIME_UNKNOWN : sqlite3_column_int64(st, i);
}


static void run_from_row(sqlite3_stmt *st, struct ww_sync_run *run)
{
	int64_t ms;

	memset(run, 0, sizeof(*run));
	ww_strlcpy(run->key, column_str(st, 0), sizeof(run->key));
	if (ww_sync_kind_from_name(column_str(st, 1), &run->kind))
		run->kind = WW_SYNC_KIND_UNKNOWN;
	run->started_at = column_time(st, 2);
	run->finished_at = column_time(st, 3);
	if (ww_sync_result_from_name(column_str(st, 4), &run->result))
		run->result = WW_SYNC_UNKNOWN;
	ww_strlcpy(run->error, column_str(st, 5), sizeof(run->error));
	/* Keys of started runs carry the start in milliseconds. */
	if (run->key[0] == 's' && ww_parse_i64(run->key + 1, &ms) == 0)
		run->started_ms = ms;
	else
		run->started_ms = run->started_at == WW_TIME_UNKNOWN ?
			WW_TIME_UNKNOWN : run->started_at * 1000;
	run->finished_ms = run->finished_at == WW_TIME_UNKNOWN ?
		WW_TIME_UNKNOWN : run->finished_at * 1000;
}

int ww_synclog_store_load_tracker(struct ww_store *s, const char *source,
				  struct ww_sync_tracker *t,
				  struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ww_sync_run run;
	int r, rc;

	r = prepare(s, "SELECT source_key, kind, started_at, finished_at,"
		    " result, error FROM sync_run WHERE source = ?1"
		    " ORDER BY id DESC LIMIT 1", &st, err);
	if (r)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		run_from_row(st, &run);
		if (run.finished_at == WW_TIME_UNKNOWN &&
		    (run.result == WW_SYNC_RUNNING ||
		     run.result == WW_SYNC_UNKNOWN)) {
			t->open = run;
			t->has_open = true;
			t->open_expired = run.result == WW_SYNC_UNKNOWN;
			/*
			 * A manual run still running may be only the
			 * "Synchronization manually started" request: its 382
			 * (a few seconds later, maybe after a restart) joins
			 * it rather than leaving an `unknown` run behind.
			 * Not stored, so assumed: at worst a second 382
			 * within REQUEST_MERGE_MS of the request joins too.
			 */
			t->open_by_request = run.kind == WW_SYNC_MANUAL &&
					     run.result == WW_SYNC_RUNNING;
		} else {
			t->last = run;
			t->has_last = true;
		}
	} else if (rc != SQLITE_DONE) {
		r = ww_store_error(s, err, "read sync_run");
	}
	sqlite3_finalize(st);
	return r;
}

int ww_synclog_store_sync_status(struct ww_store *s, const char *source,
				 struct ww_sync_status *ret,
				 struct ww_err *err)
{
	static const char attempt_sql[] =
		"SELECT coalesce(started_at, finished_at), result, error"
		" FROM sync_run WHERE (?1 IS NULL OR source = ?1)"
		" ORDER BY coalesce(started_at, finished_at) DESC, id DESC LIMIT 1";
	static const char success_sql[] =
		"SELECT max(finished_at) FROM sync_run WHERE result = 'succeeded'"
		" AND (?1 IS NULL OR source = ?1)";
	sqlite3_stmt *st = NULL;
	int r, rc;

	memset(ret, 0, sizeof(*ret));
	ret->last_attempt = ret->last_success = WW_TIME_UNKNOWN;
	ret->last_result = WW_SYNC_UNKNOWN;
	r = prepare(s, attempt_sql, &st, err);
	if (r)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret->last_attempt = column_time(st, 0);
		if (ww_sync_result_from_name(column_str(st, 1), &ret->last_result))
			ret->last_result = WW_SYNC_UNKNOWN;
		ww_strlcpy(ret->last_error, column_str(st, 2),
			   sizeof(ret->last_error));
	} else if (rc != SQLITE_DONE) {
		r = ww_store_error(s, err, "read sync_run");
	}
	sqlite3_finalize(st);
	if (r)
		return r;
	r = prepare(s, success_sql, &st, err);
	if (r)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret->last_success = column_time(st, 0);
	else
		r = ww_store_error(s, err, "read sync_run");
	sqlite3_finalize(st);
	return r;
}

static const struct ww_store_col history_cols[] = {
	{ "source", WW_STORE_COL_TEXT },
	{ "source_key", WW_STORE_COL_TEXT },
	{ "kind", WW_STORE_COL_TEXT },
	{ "started_at", WW_STORE_COL_TIME },
	{ "finished_at", WW_STORE_COL_TIME },
	{ "result", WW_STORE_COL_TEXT },
	{ "error", WW_STORE_COL_TEXT },
};

int ww_synclog_store_history_json(struct ww_store *s, int limit,
				  struct cJSON *arr, struct ww_err *err)
{
	static const char sql[] =
		"SELECT source, source_key, kind, started_at, finished_at, result,"
		" error FROM sync_run"
		" ORDER BY coalesce(started_at, finished_at) DESC, id DESC LIMIT ?1";

	return ww_store_rows_json(s, sql, limit, history_cols,
				  WW_ARRAY_SIZE(history_cols), arr,
				  "read sync_runs", err);
}
