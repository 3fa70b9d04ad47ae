/*
 * health_gather.c - fill struct ww_health_input from the store (tables
 * documented in store.h) and the configuration.  Only SELECTs: it runs on
 * a read-only connection for `check`.
 */
#include "compat.h"

#include <sqlite3.h>

#include "config.h"
#include "health.h"
#include "store.h"
#include "util.h"

/*
 * Prepare sql, bind ?1 = text (when non-NULL) and ?2 = num, and step
 * once.  Returns 1 with a row in *ret (caller finalizes), 0 for no row
 * (finalized), or a negative WW_E* code.
 */
static int query_row(struct ww_store *s, const char *sql, const char *text,
		     int64_t num, sqlite3_stmt **ret, struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*ret = NULL;
	if (sqlite3_prepare_v2(ww_store_db(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return ww_store_error(s, err, "read health data");
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = st;
		return 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, "read health data");
	return 0;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	ww_strlcpy(buf, t ? (const char *)t : "", size);
}

/* The end of a run, or its start when the end was not seen. */
#define RUN_END "COALESCE(finished_at, started_at)"
#define RUN_START "COALESCE(started_at, finished_at)"
/*
 * A run dated no later than ?2 (now + the clock tolerance).  A run dated
 * further ahead was stamped by a clock that was wrong then or is wrong
 * now: it is counted as a finding and otherwise ignored, never the latest
 * success or attempt (docs/health.md, "Time").
 */
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
	int r = query_row(s, sql, NULL, limit, &st, err);

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
static int gather_attempt(struct ww_store *s, struct ww_health_input *in,
			  int64_t limit, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT " RUN_START ", result FROM sync_run WHERE "
			 "id IN (SELECT MAX(id) FROM sync_run WHERE " RUN_OK
			 " GROUP BY source) ORDER BY " RUN_START " DESC, "
			 "id DESC LIMIT 1", NULL, limit, &st, err);
	if (r <= 0)
		return r;
	in->have_attempt = true;
	in->last_attempt = sqlite3_column_int64(st, 0);
	col_text(st, 1, in->last_result, sizeof(in->last_result));
	sqlite3_finalize(st);
	return 0;
}

/* The latest time not taken for a clock error: now + tolerance. */
static int64_t dated_limit(const struct ww_health_input *in, int64_t now)
{
	return now + (in->th.clock_skew > 0 ? in->th.clock_skew : 0);
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

static int gather_failures(struct ww_store *s, struct ww_health_input *in,
			   int64_t limit, struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r = ww_store_prepare(s, failures_sql, &st, err);

	if (r)
		return r;
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, in->th.clock_skew > 0 ? in->th.clock_skew : 0);
	r = ww_store_step(s, st, "read health data", err);
	if (r > 0) {
		in->consecutive_failures = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int gather_sync(struct ww_store *s, struct ww_health_input *in,
		       int64_t now, struct ww_err *err)
{
	int64_t limit = dated_limit(in, now);
	bool none = true; /* set by query_two; MinGW -O2 cannot tell */
	int r;

	r = query_two(s, "SELECT COUNT(*), MIN(" RUN_START ") FROM sync_run "
			 "WHERE " RUN_OK, limit, &in->sync_runs, NULL,
		      &in->first_observed, err);
	if (!r)
		r = query_two(s, "SELECT MAX(" RUN_END ") FROM sync_run "
				 "WHERE result = 'succeeded' AND " RUN_OK,
			      limit, &in->last_success, &none, NULL, err);
	if (r)
		return r;
	in->have_success = !none;
	r = query_two(s, "SELECT COUNT(*), MAX(MAX(" RUN_START ", " RUN_END
			 ")) FROM sync_run WHERE NOT " RUN_OK, limit,
		      &in->ahead_runs, NULL, &in->ahead_latest, err);
	if (!r)
		r = gather_attempt(s, in, limit, err);
	if (r)
		return r;
	return gather_failures(s, in, limit, err);
}

static int gather_wsus_event(struct ww_store *s, struct ww_health_input *in,
			     int64_t now, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	/* An event dated ahead of the clock is never the latest. */
	r = query_row(s, "SELECT event_id, at FROM wsus_event "
			 "WHERE event_id IN (10020, 10021, 10022) AND at <= ?2 "
			 "ORDER BY at DESC, record_id DESC LIMIT 1",
		      NULL, dated_limit(in, now), &st, err);
	if (r <= 0)
		return r;
	in->have_wsus_event = true;
	in->wsus_event_id = sqlite3_column_int(st, 0);
	in->wsus_event_at = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

static int gather_target(struct ww_store *s, struct ww_health_target *t,
			 struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT url, at, ok, stage, result, elapsed_ms "
			 "FROM probe_result WHERE target = ?1 "
			 "ORDER BY id DESC LIMIT 1",
		      t->name, 0, &st, err);
	if (r <= 0)
		return r;
	col_text(st, 0, t->url, sizeof(t->url));
	t->at = sqlite3_column_int64(st, 1);
	t->ok = sqlite3_column_int(st, 2) != 0;
	col_text(st, 3, t->stage, sizeof(t->stage));
	col_text(st, 4, t->result, sizeof(t->result));
	t->elapsed_ms = sqlite3_column_type(st, 5) == SQLITE_NULL ?
				-1 : sqlite3_column_int64(st, 5);
	sqlite3_finalize(st);
	/* Rows are inserted in time order, so ids order the attempts. */
	r = query_row(s, "SELECT COUNT(*) FROM probe_result WHERE "
			 "target = ?1 AND ok = 0 AND id > COALESCE((SELECT "
			 "MAX(id) FROM probe_result WHERE target = ?1 AND "
			 "ok = 1), 0)", t->name, 0, &st, err);
	if (r < 0)
		return r;
	t->consecutive_failures = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	r = query_row(s, "SELECT cert_not_after FROM probe_result WHERE "
			 "target = ?1 AND cert_not_after IS NOT NULL "
			 "ORDER BY id DESC LIMIT 1",
		      t->name, 0, &st, err);
	if (r < 0)
		return r;
	if (r) {
		t->have_cert = true;
		t->cert_not_after = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	r = query_row(s, "SELECT clock_skew, at FROM probe_result WHERE "
			 "target = ?1 AND clock_skew IS NOT NULL "
			 "ORDER BY id DESC LIMIT 1",
		      t->name, 0, &st, err);
	if (r < 0)
		return r;
	if (r) {
		t->have_skew = true;
		t->clock_skew = sqlite3_column_int64(st, 0);
		t->skew_at = sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
	}
	return 0;
}

static int gather_targets(struct ww_store *s, struct ww_health_input *in,
			  struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, r;

	in->ntargets = 0;
	if (sqlite3_prepare_v2(ww_store_db(s),
			       "SELECT target FROM probe_result GROUP BY "
			       "target ORDER BY target LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "read probe results");
	sqlite3_bind_int(st, 1, WW_HEALTH_MAX_TARGETS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ww_health_target *t = &in->targets[in->ntargets++];

		memset(t, 0, sizeof(*t));
		col_text(st, 0, t->name, sizeof(t->name));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, "read probe results");
	for (i = 0; i < in->ntargets; i++) {
		r = gather_target(s, &in->targets[i], err);
		if (r)
			return r;
	}
	return 0;
}

static void gather_config(const struct ww_config *cfg,
			  struct ww_health_input *in)
{
	ww_health_thresholds_from_config(&in->th, cfg);
	in->from_upstream = cfg->wsus.upstream.host != NULL &&
			    cfg->wsus.upstream.host[0] != '\0';
	ww_strlcpy(in->upstream, in->from_upstream ? cfg->wsus.upstream.host
						   : "",
		   sizeof(in->upstream));
	ww_strlcpy(in->muurl, cfg->wsus.muurl ? cfg->wsus.muurl : "",
		   sizeof(in->muurl));
}

int ww_health_gather(struct ww_store *s, const struct ww_config *cfg,
		     int64_t now, struct ww_health_input *in,
		     struct ww_err *err)
{
	int r;

	gather_config(cfg, in);
	r = gather_sync(s, in, now, err);
	if (!r)
		r = gather_wsus_event(s, in, now, err);
	if (!r)
		r = gather_targets(s, in, err);
	return r;
}
