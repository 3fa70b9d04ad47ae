/*
 * health_gather.c - fill struct ww_health_input from the store (tables
 * documented in store.h) and the configuration.  Only SELECTs: it runs on
 * a read-only connection for `check`.
 */
#include "compat.h"

#include <sqlite3.h>

#include "config.h"
#include "health.h"
#include "os.h"
#include "store.h"
#include "tail.h"
#include "util.h"
#include "wsus_event.h"

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

	r = query_row(s, "SELECT " RUN_START ", result, error FROM sync_run "
			 "WHERE "
			 "id IN (SELECT MAX(id) FROM sync_run WHERE " RUN_OK
			 " GROUP BY source) ORDER BY " RUN_START " DESC, "
			 "id DESC LIMIT 1", NULL, limit, &st, err);
	if (r <= 0)
		return r;
	in->have_attempt = true;
	in->last_attempt = sqlite3_column_int64(st, 0);
	col_text(st, 1, in->last_result, sizeof(in->last_result));
	if (strcmp(in->last_result, "failed") == 0)
		col_text(st, 2, in->last_error, sizeof(in->last_error));
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
	r = query_row(s, "SELECT event_id, at, record_id FROM wsus_event "
			 "WHERE event_id IN (10020, 10021, 10022) AND at <= ?2 "
			 "ORDER BY at DESC, record_id DESC LIMIT 1",
		      NULL, dated_limit(in, now), &st, err);
	if (r <= 0)
		return r;
	in->have_wsus_event = true;
	in->wsus_event_id = sqlite3_column_int(st, 0);
	in->wsus_event_at = sqlite3_column_int64(st, 1);
	in->events.catalog_record = (uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

static int gather_target(struct ww_store *s, struct ww_health_target *t,
			 struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT url, at, ok, stage, result, elapsed_ms, "
			 "wu_code, http_status, tls_version, hint, "
			 "CASE WHEN json_valid(detail_json) THEN "
			 "json_extract(detail_json, '$.detail') END "
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
	col_text(st, 6, t->wu_code, sizeof(t->wu_code));
	t->http_status = sqlite3_column_int64(st, 7);
	col_text(st, 8, t->tls_version, sizeof(t->tls_version));
	col_text(st, 9, t->hint, sizeof(t->hint));
	col_text(st, 10, t->detail, sizeof(t->detail));
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

/*
 * Log findings, per category, as diagnose summarises the log it reads:
 * how often, first and last time, the newest message as the example.
 * Rows of one record share its time and message; each counts once per
 * category it was classified into.
 */
static int gather_findings(struct ww_store *s, struct ww_health_input *in,
			   struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(ww_store_db(s),
			       "SELECT category, COUNT(*), MIN(at), MAX(at), "
			       "(SELECT message FROM log_finding AS n WHERE "
			       "n.category = f.category ORDER BY at DESC, id "
			       "DESC LIMIT 1) FROM log_finding AS f "
			       "GROUP BY category", -1, &st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "read log findings");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 0);
		enum ww_synclog_category c = ww_synclog_category_from_name(
			name ? (const char *)name : "");
		struct ww_finding_summary *f;

		if (c == WW_CAT_COUNT)
			continue;
		f = &in->log.findings[c];
		f->count = (uint64_t)sqlite3_column_int64(st, 1);
		f->first_seen = sqlite3_column_int64(st, 2);
		f->last_seen = sqlite3_column_int64(st, 3);
		col_text(st, 4, f->example, sizeof(f->example));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, "read log findings");
	return 0;
}

/* One kind of WSUS event by its meaning (wsus_event.meaning). */
static int gather_evseen(struct ww_store *s, const char *meaning,
			 struct ww_health_evseen *e, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	r = query_row(s, "SELECT COUNT(*), MAX(at), n.event_id, n.message "
			 "FROM wsus_event LEFT JOIN (SELECT event_id, message "
			 "FROM wsus_event WHERE meaning = ?1 ORDER BY at DESC, "
			 "record_id DESC LIMIT 1) AS n WHERE meaning = ?1",
		      meaning, 0, &st, err);
	if (r <= 0)
		return r;
	e->count = (uint64_t)sqlite3_column_int64(st, 0);
	e->last_at = sqlite3_column_int64(st, 1);
	e->last_id = (uint32_t)sqlite3_column_int64(st, 2);
	col_text(st, 3, e->example, sizeof(e->example));
	sqlite3_finalize(st);
	return 0;
}

static int gather_events(struct ww_store *s, struct ww_health_input *in,
			 struct ww_err *err)
{
	struct ww_health_events *e = &in->events;
	int r;

	if (e->avail != WW_FACT_AVAILABLE)
		return 0;
	r = gather_evseen(s, "content_download_failed", &e->content, err);
	if (!r)
		r = gather_evseen(s, "self_check_failed", &e->self_check, err);
	if (!r && e->self_check.count)
		snprintf(e->components, sizeof(e->components), "%s (%" PRIu32
			 ")", ww_wsus_component(e->self_check.last_id) ?
			 ww_wsus_component(e->self_check.last_id) :
			 "unknown component",
			 e->self_check.last_id);
	return r;
}

/*
 * A face that does not watch the sources itself (`check`) judges what
 * the service stored: the log and the event log count as read when the
 * store holds records of them.
 */
static int gather_avail(struct ww_store *s, struct ww_health_input *in,
			struct ww_err *err)
{
	sqlite3_stmt *st;
	int r;

	if (in->log.avail == WW_FACT_NOT_RUN) {
		r = query_row(s, "SELECT EXISTS (SELECT 1 FROM log_finding) OR "
				 "EXISTS (SELECT 1 FROM sync_run WHERE source = "
				 "'log')", NULL, 0, &st, err);
		if (r < 0)
			return r;
		if (sqlite3_column_int(st, 0))
			in->log.avail = WW_FACT_AVAILABLE;
		sqlite3_finalize(st);
	}
	if (in->events.avail == WW_FACT_NOT_RUN) {
		r = query_row(s, "SELECT EXISTS (SELECT 1 FROM wsus_event)",
			      NULL, 0, &st, err);
		if (r < 0)
			return r;
		if (sqlite3_column_int(st, 0)) {
			in->events.avail = WW_FACT_AVAILABLE;
			snprintf(in->events.where, sizeof(in->events.where),
				 "in the events the service stored");
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static void gather_config(const struct ww_config *cfg,
			  struct ww_health_input *in)
{
	ww_health_thresholds_from_config(&in->th, cfg);
	in->cfg = cfg;
	in->from_upstream = cfg->wsus.upstream.host != NULL &&
			    cfg->wsus.upstream.host[0] != '\0';
	ww_strlcpy(in->upstream, in->from_upstream ? cfg->wsus.upstream.host
						   : "",
		   sizeof(in->upstream));
	ww_strlcpy(in->muurl, cfg->wsus.muurl ? cfg->wsus.muurl : "",
		   sizeof(in->muurl));
	/* Written in a file or read from WSUS: not a guess. */
	in->source_known = cfg->source != NULL ||
		ww_config_origin_of(cfg, "wsus.upstream.host") !=
			WW_ORIGIN_DEFAULT ||
		ww_config_origin_of(cfg, "wsus.muurl") != WW_ORIGIN_DEFAULT;
	in->secret.configured = cfg->proxy.password_env ||
				cfg->proxy.password_credential;
	in->disconnected = cfg->wsus.disconnected;
}

/*
 * The last import of a disconnected server: the modification time of the
 * log 'wsusutil import' writes (docs/health.md says why and what is not
 * confirmed).  Opened as the tailer opens the WSUS log: never blocks on a
 * FIFO, refuses what is not a regular file.
 */
static void seed_import(const struct ww_config *cfg,
			struct ww_health_input *in)
{
	struct ww_tail_file *f = NULL;
	struct ww_err e;

	in->have_import = false;
	in->import_error[0] = '\0';
	if (!cfg->wsus.disconnected)
		return;
	if (!cfg->wsus.import_log) {
		ww_strlcpy(in->import_error, "wsus.import_log is not set",
			   sizeof(in->import_error));
		return;
	}
	ww_err_clear(&e);
	if (!ww_tail_file_open(cfg->wsus.import_log, &f, &e) &&
	    !ww_tail_file_mtime(f, &in->last_import, &e))
		in->have_import = true;
	else
		ww_strlcpy(in->import_error, e.msg, sizeof(in->import_error));
	ww_tail_file_close(f);
}

/* Whether the proxy password can be resolved; the secret is dropped at
 * once and only its user name (from a credential) is kept. */
static void seed_secret(const struct ww_config *cfg,
			struct ww_health_input *in)
{
	struct ww_err e;
	char *pw = NULL, *user = NULL;

	if (!in->secret.configured)
		return;
	ww_err_clear(&e);
	in->secret.checked = true;
	in->secret.ok = ww_config_proxy_password(cfg, &user, &pw, &e) == 0;
	if (!in->secret.ok)
		ww_strlcpy(in->secret.error, e.msg, sizeof(in->secret.error));
	if (user)
		ww_strlcpy(in->secret.user, user, sizeof(in->secret.user));
	ww_os_secret_free(pw);
	free(user);
}

static void seed_host(struct ww_health_input *in)
{
	struct ww_err e;
	int r;

	ww_err_clear(&e);
	r = ww_hostcfg_read(&in->host, &e);
	in->host_avail = r == 0 ? WW_FACT_AVAILABLE :
			 r == WW_EUNAVAIL ? WW_FACT_NOT_HERE :
			 WW_FACT_UNAVAILABLE;
	ww_strlcpy(in->host_error, r ? e.msg : "", sizeof(in->host_error));
}

void ww_health_seed(struct ww_health_input *in, const struct ww_config *cfg,
		    unsigned what)
{
	gather_config(cfg, in);
	seed_import(cfg, in);
	if (what & WW_SEED_SECRET)
		seed_secret(cfg, in);
	if (what & WW_SEED_HOST)
		seed_host(in);
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
	if (!r)
		r = gather_avail(s, in, err);
	if (!r && in->log.avail == WW_FACT_AVAILABLE)
		r = gather_findings(s, in, err);
	if (!r)
		r = gather_events(s, in, err);
	return r;
}
