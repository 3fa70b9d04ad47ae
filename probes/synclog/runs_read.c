/*
 * runs_read.c - what the health engine reads of the sync-run tables
 * (sync_run, log_finding; owner: probes/synclog, docs/store.md).  Only
 * SELECTs: `check` runs them on a read-only connection.
 *
 * The rules of runs are not here: the rows are loaded, each source's in
 * the order the source saw them (row ids), and summarised by
 * ww_runs_summarise() (runs_summary.c), the function diagnose uses on the
 * runs it parsed.
 */
#include "compat.h"

#include <sqlite3.h>

#include "runs_store.h"
#include "runs_summary.h"
#include "store.h"
#include "util.h"

#define WHAT "read sync runs"

/*
 * The newest runs summarised, and each source's last success whatever its
 * age (retention keeps it too: common/store.c).  Retention (30 days by
 * default) keeps a few hundred runs per source; the bound is for a store
 * fed a hostile log, whose flood must not push another source's last
 * success out.  Beyond it the oldest runs are left out: first_observed
 * moves later, which only makes "no success in the time observed" slower
 * to say.
 */
#define RUNS_READ_MAX 65536

struct loaded {
	struct ww_run_fact *runs;
	size_t n, cap;
	size_t *starts; /* index of each source's first run */
	size_t nsrc, srccap;
};

static int grow(void **p, size_t *cap, size_t need, size_t size,
		struct ww_err *err)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (!np)
		return ww_err_set(err, WW_ENOMEM, "out of memory reading sync "
				  "runs");
	*p = np;
	*cap = ncap;
	return 0;
}

static int64_t column_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? WW_TIME_UNKNOWN :
	       sqlite3_column_int64(st, i);
}

/* One row (source number, id, started_at, finished_at, result) into l;
 * *source: the source number of the previous row. */
static int load_row(sqlite3_stmt *st, int64_t *source, struct loaded *l,
		    struct ww_err *err)
{
	struct ww_run_fact *r;
	char result[16];
	int rc;

	if (!l->n || sqlite3_column_int64(st, 0) != *source) {
		rc = grow((void **)&l->starts, &l->srccap, l->nsrc + 1,
			  sizeof(*l->starts), err);
		if (rc)
			return rc;
		l->starts[l->nsrc++] = l->n;
		*source = sqlite3_column_int64(st, 0);
	}
	rc = grow((void **)&l->runs, &l->cap, l->n + 1, sizeof(*l->runs), err);
	if (rc)
		return rc;
	r = &l->runs[l->n++];
	r->seq = sqlite3_column_int64(st, 1);
	r->started_at = column_time(st, 2);
	r->finished_at = column_time(st, 3);
	ww_store_column_text(st, 4, result, sizeof(result));
	if (ww_sync_result_from_name(result, &r->result) != 0)
		r->result = WW_SYNC_UNKNOWN;
	return 0;
}

/* Each source's runs by id (sources numbered, so that a long name is
 * never cut into another's). */
static int load_runs(struct ww_store *s, struct loaded *l,
		     struct ww_err *err)
{
	static const char sql[] =
		"SELECT dense_rank() OVER (ORDER BY source), id, started_at,"
		" finished_at, result FROM sync_run WHERE id IN (SELECT id"
		" FROM sync_run ORDER BY id DESC LIMIT ?1)"
		/* Each source's last success by position and by time (the
		 * bare id beside max(): the row holding the maximum). */
		" OR id IN (SELECT MAX(id) FROM sync_run WHERE result ="
		" 'succeeded' GROUP BY source) OR id IN (SELECT id FROM"
		" (SELECT id, max(coalesce(finished_at, started_at)) FROM"
		" sync_run WHERE result = 'succeeded' GROUP BY source))"
		" ORDER BY source, id";
	sqlite3_stmt *st = NULL;
	int64_t source = 0;
	int r = ww_store_prepare(s, sql, &st, err);

	if (r)
		return r;
	sqlite3_bind_int64(st, 1, RUNS_READ_MAX);
	while ((r = ww_store_step(s, st, WHAT, err)) > 0) {
		r = load_row(st, &source, l, err);
		if (r)
			break;
	}
	sqlite3_finalize(st);
	return r;
}

/* The reason of the failed run with row id `id`. */
static int read_error(struct ww_store *s, int64_t id,
		      struct ww_runs_summary *ret, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT error FROM sync_run WHERE id = ?2",
				   NULL, id, &st, WHAT, err);

	if (r <= 0)
		return r;
	ww_store_column_text(st, 0, ret->last_error, sizeof(ret->last_error));
	sqlite3_finalize(st);
	return 0;
}

int ww_runs_store_summary(struct ww_store *s, int64_t now, int64_t tolerance,
			  struct ww_runs_summary *ret, struct ww_err *err)
{
	struct loaded l = { 0 };
	struct ww_run_source *srcs = NULL;
	struct ww_run_at at;
	size_t i;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = load_runs(s, &l, err);
	if (r)
		goto out;
	srcs = calloc(l.nsrc ? l.nsrc : 1, sizeof(*srcs));
	if (!srcs) {
		r = ww_err_set(err, WW_ENOMEM, "out of memory reading sync runs");
		goto out;
	}
	for (i = 0; i < l.nsrc; i++) {
		size_t end = i + 1 < l.nsrc ? l.starts[i + 1] : l.n;

		srcs[i].runs = &l.runs[l.starts[i]];
		srcs[i].n = end - l.starts[i];
		srcs[i].get = ww_run_fact_get;
	}
	ww_runs_summarise(srcs, l.nsrc, now, tolerance, ret, &at);
	if (at.found && strcmp(ret->last_result, "failed") == 0)
		r = read_error(s, l.runs[l.starts[at.source] + at.index].seq,
			       ret, err);
out:
	free(srcs);
	free(l.starts);
	free(l.runs);
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
