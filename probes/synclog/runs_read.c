/*
 * runs_read.c - what the health engine reads of the sync-run tables
 * (sync_run, log_finding; owner: probes/synclog, docs/store.md).  Only
 * SELECTs: `check` runs them on a read-only connection.
 *
 * The rules of time live here because they are rules of these rows: a run
 * dated further ahead than now + the clock tolerance was stamped by a
 * clock that was wrong then or is wrong now, so it is counted and
 * otherwise ignored, never the latest success or attempt (docs/health.md,
 * "Time"); within one source, order is the order the source saw the runs
 * (row ids), not their times, so a clock stepped back hides nothing.
 */
#include "compat.h"

#include <sqlite3.h>

#include "runs_store.h"
#include "store.h"
#include "util.h"

#define WHAT "read sync runs"

/* The end of a run, or its start when the end was not seen. */
#define RUN_END "COALESCE(finished_at, started_at)"
#define RUN_START "COALESCE(started_at, finished_at)"
/* A run dated no later than ?2 (now + the clock tolerance). */
#define RUN_DATED(t) "(COALESCE(" t "started_at, " t "finished_at) <= ?2 " \
		     "AND COALESCE(" t "finished_at, " t "started_at) <= ?2)"
#define RUN_OK RUN_DATED("")

/*
 * The first row of an aggregate sql (?2 = limit): column 0 into *a (and
 * whether it is NULL into *a_null), column 1 into *b, each when non-NULL.
 */
static int query_two(struct ww_store *s, const char *sql, int64_t limit,
		     int64_t *a, bool *a_null, int64_t *b, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, sql, NULL, limit, &st, WHAT, err);

	if (r <= 0)
		return r;
	*a = sqlite3_column_int64(st, 0);
	if (a_null)
		*a_null = sqlite3_column_type(st, 0) == SQLITE_NULL;
	if (b)
		*b = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

/*
 * The latest attempt: each source's last run by position in what it read
 * (rows are inserted in the order the source saw the runs start, so id
 * orders them even when the clock was stepped back between two runs),
 * then the latest of those by time across sources.
 */
static int read_attempt(struct ww_store *s, int64_t limit,
			struct ww_runs_summary *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = ww_store_query_row(s, "SELECT " RUN_START ", result, error FROM "
			       "sync_run WHERE id IN (SELECT MAX(id) FROM "
			       "sync_run WHERE " RUN_OK " GROUP BY source) "
			       "ORDER BY " RUN_START " DESC, id DESC LIMIT 1",
			       NULL, limit, &st, WHAT, err);
	if (r <= 0)
		return r;
	ret->have_attempt = true;
	ret->last_attempt = sqlite3_column_int64(st, 0);
	ww_store_column_text(st, 1, ret->last_result, sizeof(ret->last_result));
	if (strcmp(ret->last_result, "failed") == 0)
		ww_store_column_text(st, 2, ret->last_error,
				     sizeof(ret->last_error));
	sqlite3_finalize(st);
	return 0;
}

/* The end of the last success source "t" saw, or a very old time. */
#define OWN_SUCCESS(t) "COALESCE((SELECT MAX(COALESCE(g.finished_at, " \
		       "g.started_at)) FROM sync_run g WHERE g.source = " t \
		       ".source AND g.result = 'succeeded' AND " \
		       RUN_DATED("g.") "), -1 << 62)"

/*
 * Several sources (log, event log, SUSDB) may each record the same
 * attempt: count per source and take the largest count, rather than
 * adding them up.  Within a source a failure counts when it comes after
 * the source's own last success in the order the source saw them (not by
 * time: a clock stepped back must not hide it).  A success another source
 * saw later than this source's own last one (by more than the tolerance,
 * so not the same success seen twice) ends this source's streak too.
 */
static const char failures_sql[] =
	"SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM sync_run f"
	" WHERE f.result = 'failed' AND " RUN_DATED("f.")
	" AND f.id > COALESCE((SELECT MAX(g.id) FROM sync_run g WHERE"
	" g.source = f.source AND g.result = 'succeeded' AND "
	RUN_DATED("g.") "), 0)"
	" AND COALESCE(f.finished_at, f.started_at) > COALESCE((SELECT"
	" MAX(COALESCE(o.finished_at, o.started_at)) FROM sync_run o WHERE"
	" o.source <> f.source AND o.result = 'succeeded' AND "
	RUN_DATED("o.") " AND COALESCE(o.finished_at, o.started_at) > "
	OWN_SUCCESS("f") " + ?3), -1 << 62)"
	" GROUP BY f.source)";

static int read_failures(struct ww_store *s, int64_t limit,
			 int64_t tolerance, struct ww_runs_summary *ret,
			 struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r = ww_store_prepare(s, failures_sql, &st, err);

	if (r)
		return r;
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, tolerance);
	r = ww_store_step(s, st, WHAT, err);
	if (r > 0) {
		ret->consecutive_failures = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

int ww_runs_store_summary(struct ww_store *s, int64_t now, int64_t tolerance,
			  struct ww_runs_summary *ret, struct ww_err *err)
{
	int64_t limit = now + (tolerance > 0 ? tolerance : 0);
	bool none = true; /* set by query_two; MinGW -O2 cannot tell */
	int r;

	memset(ret, 0, sizeof(*ret));
	r = query_two(s, "SELECT COUNT(*), MIN(" RUN_START ") FROM sync_run "
			 "WHERE " RUN_OK, limit, &ret->runs, NULL,
		      &ret->first_observed, err);
	if (!r)
		r = query_two(s, "SELECT MAX(" RUN_END ") FROM sync_run "
				 "WHERE result = 'succeeded' AND " RUN_OK,
			      limit, &ret->last_success, &none, NULL, err);
	if (r)
		return r;
	ret->have_success = !none;
	r = query_two(s, "SELECT COUNT(*), MAX(MAX(" RUN_START ", " RUN_END
			 ")) FROM sync_run WHERE NOT " RUN_OK, limit,
		      &ret->ahead_runs, NULL, &ret->ahead_latest, err);
	if (!r)
		r = read_attempt(s, limit, ret, err);
	if (!r)
		r = read_failures(s, limit, tolerance > 0 ? tolerance : 0,
				  ret, err);
	return r;
}

/*
 * Per category, as diagnose summarises the log it reads: how often, first
 * and last time, the newest message as the example.  Rows of one record
 * share its time and message; each counts once per category it was
 * classified into.
 */
int ww_runs_store_findings(struct ww_store *s,
			   struct ww_finding_summary sums[WW_CAT_COUNT],
			   struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r = ww_store_prepare(s, "SELECT category, COUNT(*), MIN(at), "
				 "MAX(at), (SELECT message FROM log_finding AS "
				 "n WHERE n.category = f.category ORDER BY at "
				 "DESC, id DESC LIMIT 1) FROM log_finding AS f "
				 "GROUP BY category", &st, err);

	if (r)
		return r;
	while ((r = ww_store_step(s, st, "read log findings", err)) > 0) {
		char name[64];
		enum ww_synclog_category c;

		ww_store_column_text(st, 0, name, sizeof(name));
		c = ww_synclog_category_from_name(name);
		if (c == WW_CAT_COUNT)
			continue;
		sums[c].count = (uint64_t)sqlite3_column_int64(st, 1);
		sums[c].first_seen = sqlite3_column_int64(st, 2);
		sums[c].last_seen = sqlite3_column_int64(st, 3);
		ww_store_column_text(st, 4, sums[c].example,
				     sizeof(sums[c].example));
	}
	sqlite3_finalize(st);
	return r;
}

int ww_runs_store_log_seen(struct ww_store *s, bool *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT EXISTS (SELECT 1 FROM "
				   "log_finding) OR EXISTS (SELECT 1 FROM "
				   "sync_run WHERE source = 'log')", NULL, 0,
				   &st, WHAT, err);

	*ret = false;
	if (r <= 0)
		return r;
	*ret = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return 0;
}
