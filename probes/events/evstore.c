/*
 * evstore.c - WSUS events, implied sync runs, gaps and bookmarks in the
 * store.  All statements are prepared once per writer.  The wsus_event
 * rows are ours; the runs, gaps and bookmark are written through their
 * tables' owner (runs_store.h, docs/store.md).
 */
#include "compat.h"

#include <sqlite3.h>

#include "evstore.h"
#include "runs_store.h"
#include "util.h"

enum stmt_id {
	ST_INSERT_EVENT,
	ST_ARCHIVE_EVENTS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT_EVENT] =
	"INSERT OR IGNORE INTO wsus_event(source, record_id, event_id, level,"
	" at, meaning, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ARCHIVE_EVENTS] =
	"UPDATE wsus_event SET source = ?2 WHERE source = ?1",
};

/* The runs, gaps and bookmark go to their tables' owner (runs_store.h). */
struct ww_evstore {
	struct ww_store *s;
	sqlite3_stmt *st[ST_COUNT];
	struct ww_run_writer *runs;
};

void ww_evstore_free(struct ww_evstore *w)
{
	if (!w)
		return;
	ww_store_stmts_finalize(w->st, ST_COUNT);
	ww_run_writer_free(w->runs);
	free(w);
}

int ww_evstore_new(struct ww_store *s, struct ww_evstore **ret,
		   struct ww_err *err)
{
	struct ww_evstore *w = calloc(1, sizeof(*w));
	int r;

	*ret = NULL;
	if (!w)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	w->s = s;
	r = ww_store_stmts_prepare(s, stmt_sql, ST_COUNT, w->st,
				   "prepare event statements", err);
	if (!r)
		r = ww_run_writer_new(s, &w->runs, err);
	if (r) {
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
	return ww_store_run(w->s, w->st[id], what, err);
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
	char key[48];

	snprintf(key, sizeof(key), "record:%" PRIu64, ev->record_id);
	return ww_run_writer_started(w->runs, source, key, kind_name(kind),
				     ev->time, err);
}

static int sync_finished(struct ww_evstore *w, const char *source,
			 const struct ww_wsus_event *ev, bool ok,
			 struct ww_err *err)
{
	const char *error = ok ? NULL : ww_wsus_event_sync_error(ev);
	char key[48];

	/* The key serves when the start is not in the log (cleared, or
	 * before the export). */
	snprintf(key, sizeof(key), "record:%" PRIu64, ev->record_id);
	return ww_run_writer_finished(w->runs, source, key, ev->time, ok,
				      error, err);
}

static int insert_event(struct ww_evstore *w, const char *source,
			const struct ww_wsus_event *ev, struct ww_err *err)
{
	sqlite3_stmt *st = w->st[ST_INSERT_EVENT];

	ww_store_bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->record_id);
	sqlite3_bind_int64(st, 3, ev->event_id);
	ww_store_bind_text(st, 4, ww_ev_level_name(ev->level));
	sqlite3_bind_int64(st, 5, ev->time);
	ww_store_bind_text(st, 6, ww_meaning_name(ww_wsus_event_meaning(ev)));
	ww_store_bind_text(st, 7, ev->message);
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
	return ww_run_writer_gap(w->runs, source, at, message, err);
}

int ww_evstore_archive(struct ww_evstore *w, const char *source,
		       const char *archive_source, struct ww_err *err)
{
	int r;

	ww_store_bind_text(w->st[ST_ARCHIVE_EVENTS], 1, source);
	ww_store_bind_text(w->st[ST_ARCHIVE_EVENTS], 2, archive_source);
	if ((r = run(w, ST_ARCHIVE_EVENTS, "archive wsus_event rows", err)))
		return r;
	return ww_run_writer_archive(w->runs, source, archive_source, err);
}

int ww_evstore_save_position(struct ww_evstore *w, const char *source,
			     const char *channel, const char *bookmark,
			     uint64_t record_id, int64_t now,
			     struct ww_err *err)
{
	return ww_run_writer_position(w->runs, source, channel, bookmark,
				      record_id, now, err);
}

int ww_evstore_load_position(struct ww_store *s, const char *source,
			     char **ret_bookmark, uint64_t *ret_record,
			     struct ww_err *err)
{
	return ww_runs_store_load_bookmark(s, source, ret_bookmark,
					   ret_record, err);
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

/* ---- reading, for the health engine ------------------------------------ */

int ww_evstore_latest_catalog(struct ww_store *s, int64_t limit,
			      struct ww_evstore_catalog *ret,
			      struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT event_id, at, record_id FROM "
				   "wsus_event WHERE event_id IN (10020, "
				   "10021, 10022) AND at <= ?2 ORDER BY at "
				   "DESC, record_id DESC LIMIT 1", NULL, limit,
				   &st, "read WSUS events", err);

	memset(ret, 0, sizeof(*ret));
	if (r <= 0)
		return r;
	ret->found = true;
	ret->event_id = (uint32_t)sqlite3_column_int64(st, 0);
	ret->at = sqlite3_column_int64(st, 1);
	ret->record_id = (uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

int ww_evstore_seen_meaning(struct ww_store *s, const char *meaning,
			    struct ww_evstore_seen *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT COUNT(*), MAX(at), n.event_id, "
				   "n.message FROM wsus_event LEFT JOIN ("
				   "SELECT event_id, message FROM wsus_event "
				   "WHERE meaning = ?1 ORDER BY at DESC, "
				   "record_id DESC LIMIT 1) AS n WHERE meaning "
				   "= ?1", meaning, 0, &st, "read WSUS events",
				   err);

	memset(ret, 0, sizeof(*ret));
	if (r <= 0)
		return r;
	ret->count = (uint64_t)sqlite3_column_int64(st, 0);
	ret->last_at = sqlite3_column_int64(st, 1);
	ret->last_id = (uint32_t)sqlite3_column_int64(st, 2);
	ww_store_column_text(st, 3, ret->example, sizeof(ret->example));
	sqlite3_finalize(st);
	return 0;
}

int ww_evstore_any(struct ww_store *s, bool *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT EXISTS (SELECT 1 FROM "
				   "wsus_event)", NULL, 0, &st,
				   "read WSUS events", err);

	*ret = false;
	if (r <= 0)
		return r;
	*ret = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return 0;
}
