/*
 * evstore.c - WSUS events, implied sync runs, gaps and bookmarks in the
 * store.  All statements are prepared once per writer.
 */
#include "compat.h"

#include <sqlite3.h>

#include "evstore.h"
#include "util.h"

enum stmt_id {
	ST_INSERT_EVENT,
	ST_RUN_ABANDON,     /* a new start ends older unfinished runs */
	ST_RUN_ATTACH_START,/* a start read after its finish (newest-first) */
	ST_RUN_INSERT_START,
	ST_RUN_FINISH,
	ST_RUN_INSERT_FINISH,
	ST_GAP,
	ST_POSITION,
	ST_ARCHIVE_EVENTS,
	ST_ARCHIVE_RUNS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT_EVENT] =
	"INSERT OR IGNORE INTO wsus_event(source, record_id, event_id, level,"
	" at, meaning, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
	[ST_ARCHIVE_EVENTS] =
	"UPDATE wsus_event SET source = ?2 WHERE source = ?1",
	[ST_ARCHIVE_RUNS] =
	"UPDATE sync_run SET source = ?2 WHERE source = ?1",
};

struct ww_evstore {
	struct ww_store *s;
	sqlite3_stmt *st[ST_COUNT];
};

void ww_evstore_free(struct ww_evstore *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	free(w);
}

int ww_evstore_new(struct ww_store *s, struct ww_evstore **ret,
		   struct ww_err *err)
{
	struct ww_evstore *w = calloc(1, sizeof(*w));
	size_t i;

	*ret = NULL;
	if (!w)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	w->s = s;
	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(ww_store_db(s), stmt_sql[i], -1,
				       &w->st[i], NULL) != SQLITE_OK) {
			int r = ww_store_error(s, err, "prepare event statements");

			ww_evstore_free(w);
			return r;
		}
	*ret = w;
	return 0;
}

/* Run a bound statement to completion and reset it. */
static int run(struct ww_evstore *w, enum stmt_id id, const char *what,
	       struct ww_err *err)
{
	sqlite3_stmt *st = w->st[id];
	int rc = sqlite3_step(st);
	int r = 0;

	if (rc != SQLITE_DONE)
		r = ww_store_error(w->s, err, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void ww_evstore_import_source(const struct ww_wsus_event *ev, char *buf,
			      size_t size)
{
	size_t i;

	snprintf(buf, size, "eventlog:%s/%s",
		 ev->computer[0] ? ev->computer : "unknown",
		 ev->channel[0] ? ev->channel : "application");
	for (i = 0; buf[i]; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
}

static const char *kind_name(enum ww_ev_sync_kind k)
{
	return k == WW_EV_SYNC_SCHEDULED ? "scheduled" :
	       k == WW_EV_SYNC_MANUAL ? "manual" : "unknown";
}

static int sync_started(struct ww_evstore *w, const char *source,
			const struct ww_wsus_event *ev, enum ww_ev_sync_kind kind,
			struct ww_err *err)
{
	sqlite3_stmt *st;
	char key[48];
	int r;

	st = w->st[ST_RUN_ATTACH_START];
	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, ev->time);
	bind_text(st, 3, kind_name(kind));
	if ((r = run(w, ST_RUN_ATTACH_START, "update sync run", err)))
		return r;
	if (sqlite3_changes(ww_store_db(w->s)) > 0)
		return 0;
	st = w->st[ST_RUN_ABANDON];
	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, ev->time);
	if ((r = run(w, ST_RUN_ABANDON, "update sync run", err)))
		return r;
	snprintf(key, sizeof(key), "record:%" PRIu64, ev->record_id);
	st = w->st[ST_RUN_INSERT_START];
	bind_text(st, 1, source);
	bind_text(st, 2, key);
	bind_text(st, 3, kind_name(kind));
	sqlite3_bind_int64(st, 4, ev->time);
	return run(w, ST_RUN_INSERT_START, "insert sync run", err);
}

static int sync_finished(struct ww_evstore *w, const char *source,
			 const struct ww_wsus_event *ev, bool ok,
			 struct ww_err *err)
{
	const char *error = ok ? NULL : (ev->message[0] ? ev->message :
					 "synchronization failed");
	sqlite3_stmt *st = w->st[ST_RUN_FINISH];
	char key[48];
	int r;

	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, ev->time);
	bind_text(st, 3, ok ? "succeeded" : "failed");
	bind_text(st, 4, error);
	if ((r = run(w, ST_RUN_FINISH, "update sync run", err)))
		return r;
	if (sqlite3_changes(ww_store_db(w->s)) > 0)
		return 0;
	/* The start is not in the log (cleared, or before the export). */
	snprintf(key, sizeof(key), "record:%" PRIu64, ev->record_id);
	st = w->st[ST_RUN_INSERT_FINISH];
	bind_text(st, 1, source);
	bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, ev->time);
	bind_text(st, 4, ok ? "succeeded" : "failed");
	bind_text(st, 5, error);
	return run(w, ST_RUN_INSERT_FINISH, "insert sync run", err);
}

static int insert_event(struct ww_evstore *w, const char *source,
			const struct ww_wsus_event *ev, struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_INSERT_EVENT];

	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->record_id);
	sqlite3_bind_int64(st, 3, ev->event_id);
	bind_text(st, 4, ww_ev_level_name(ev->level));
	sqlite3_bind_int64(st, 5, ev->time);
	bind_text(st, 6, ww_meaning_name(ww_wsus_event_meaning(ev)));
	bind_text(st, 7, ev->message);
	return run(w, ST_INSERT_EVENT, "insert wsus_event", err);
}

int ww_evstore_add(struct ww_evstore *w, const char *source,
		   const struct ww_wsus_event *ev, bool *ret_added,
		   struct ww_err *err)
{
	const struct ww_meaning_row *m;
	int r;

	if (ret_added)
		*ret_added = false;
	if (!ww_wsus_event_is_wsus(ev))
		return 0;
	if ((r = insert_event(w, source, ev, err)))
		return r;
	if (sqlite3_changes(ww_store_db(w->s)) == 0)
		return 0; /* already stored: its sync run is counted too */
	if (ret_added)
		*ret_added = true;
	m = ww_wsus_meaning(ev->event_id);
	if (!m)
		return 0;
	switch (m->meaning) {
	case WW_MEANING_SYNC_STARTED:
		return sync_started(w, source, ev, m->kind, err);
	case WW_MEANING_SYNC_SUCCEEDED:
		return sync_finished(w, source, ev, true, err);
	case WW_MEANING_SYNC_FAILED:
		return sync_finished(w, source, ev, false, err);
	default:
		return 0;
	}
}

int ww_evstore_gap(struct ww_evstore *w, const char *source, int64_t at,
		   const char *message, struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_GAP];

	bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, at);
	bind_text(st, 3, message);
	return run(w, ST_GAP, "insert gap finding", err);
}

int ww_evstore_archive(struct ww_evstore *w, const char *source,
		       const char *archive_source, struct ww_err *err)
{
	int r;

	bind_text(w->st[ST_ARCHIVE_EVENTS], 1, source);
	bind_text(w->st[ST_ARCHIVE_EVENTS], 2, archive_source);
	if ((r = run(w, ST_ARCHIVE_EVENTS, "archive wsus_event rows", err)))
		return r;
	bind_text(w->st[ST_ARCHIVE_RUNS], 1, source);
	bind_text(w->st[ST_ARCHIVE_RUNS], 2, archive_source);
	return run(w, ST_ARCHIVE_RUNS, "archive sync_run rows", err);
}

int ww_evstore_save_position(struct ww_evstore *w, const char *source,
			     const char *channel, const char *bookmark,
			     uint64_t record_id, int64_t now,
			     struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_POSITION];

	bind_text(st, 1, source);
	bind_text(st, 2, channel);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)record_id);
	bind_text(st, 4, bookmark);
	sqlite3_bind_int64(st, 5, now);
	return run(w, ST_POSITION, "save event log bookmark", err);
}

int ww_evstore_load_position(struct ww_store *s, const char *source,
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
	bind_text(st, 1, source);
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

struct import_ctx {
	struct ww_evstore *w;
	struct ww_evstore_import *res;
};

static int import_one(void *ctx, const struct ww_wsus_event *ev,
		      struct ww_err *err)
{
	struct import_ctx *c = ctx;
	char source[WW_EVSTORE_SOURCE_MAX];
	bool added;
	int r;

	if (!ww_wsus_event_is_wsus(ev))
		return 0;
	ww_evstore_import_source(ev, source, sizeof(source));
	if ((r = ww_evstore_add(c->w, source, ev, &added, err)))
		return r;
	if (added)
		c->res->added++;
	else
		c->res->duplicates++;
	return 0;
}

int ww_evstore_import_file(struct ww_store *s, const char *path,
			   struct ww_evstore_import *res, struct ww_err *err)
{
	struct ww_evstore_import local;
	struct import_ctx c;
	int r;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	c.res = res;
	if ((r = ww_evstore_new(s, &c.w, err)))
		return r;
	r = ww_store_begin(s, err);
	if (!r) {
		r = ww_evimport_file(path, import_one, &c, &res->st, err);
		if (r)
			ww_store_rollback(s);
		else
			r = ww_store_commit(s, err);
		if (r)
			res->added = res->duplicates = 0;
	}
	ww_evstore_free(c.w);
	return r;
}
