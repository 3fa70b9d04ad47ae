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

static int gather_sync(struct ww_store *s, struct ww_health_input *in,
		       struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT COUNT(*), MIN(" RUN_START ") FROM sync_run",
		      NULL, 0, &st, err);
	if (r < 0)
		return r;
	in->sync_runs = sqlite3_column_int64(st, 0);
	in->first_observed = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	r = query_row(s, "SELECT MAX(" RUN_END ") FROM sync_run "
			 "WHERE result = 'succeeded'", NULL, 0, &st, err);
	if (r < 0)
		return r;
	in->have_success = sqlite3_column_type(st, 0) != SQLITE_NULL;
	in->last_success = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	r = query_row(s, "SELECT " RUN_START ", result FROM sync_run "
			 "ORDER BY " RUN_START " DESC, id DESC LIMIT 1",
		      NULL, 0, &st, err);
	if (r < 0)
		return r;
	if (r) {
		in->have_attempt = true;
		in->last_attempt = sqlite3_column_int64(st, 0);
		col_text(st, 1, in->last_result, sizeof(in->last_result));
		sqlite3_finalize(st);
	}
	/*
	 * Several sources (log, event log, SUSDB) may each record the same
	 * attempt: count per source and take the largest count, rather than
	 * adding them up.
	 */
	r = query_row(s, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n "
			 "FROM sync_run WHERE result = 'failed' AND "
			 RUN_END " > ?2 GROUP BY source)",
		      NULL, in->have_success ? in->last_success : INT64_MIN,
		      &st, err);
	if (r < 0)
		return r;
	in->consecutive_failures = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int gather_wsus_event(struct ww_store *s, struct ww_health_input *in,
			     struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT event_id, at FROM wsus_event "
			 "WHERE event_id IN (10020, 10021, 10022) "
			 "ORDER BY at DESC, record_id DESC LIMIT 1",
		      NULL, 0, &st, err);
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
			 "ORDER BY at DESC, id DESC LIMIT 1",
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
			 "ORDER BY at DESC, id DESC LIMIT 1",
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
			 "ORDER BY at DESC, id DESC LIMIT 1",
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

	(void)now; /* every rule judges time itself; kept for symmetry */
	gather_config(cfg, in);
	r = gather_sync(s, in, err);
	if (!r)
		r = gather_wsus_event(s, in, err);
	if (!r)
		r = gather_targets(s, in, err);
	return r;
}
