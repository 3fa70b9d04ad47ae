/*
 * monitor_tasks.c - the built-in task table of the monitor.  Each task is
 * a few callbacks around one module: the module does the work, the task
 * moves its results into the store and the status model.
 *
 * Sources land here as their modules do (see docs/service.md, "Tasks").
 */
#include "compat.h"

#include <sqlite3.h>

#include "config/config.h"
#include "monitor.h"
#include "store.h"
#include "util.h"

#define WW_SYNC_STATE_INTERVAL 15  /* seconds */
#define WW_PRUNE_INTERVAL 3600     /* seconds */
#define WW_PRUNE_BATCH 500         /* rows per statement and transaction */

/* ---- sync_state: last successful sync and last attempt, from sync_run ---- */

static const char SQL_LAST_SUCCESS[] =
	"SELECT MAX(COALESCE(finished_at, started_at)) FROM sync_run"
	" WHERE result = 'succeeded'";
static const char SQL_LAST_ATTEMPT[] =
	"SELECT started_at, result FROM sync_run WHERE started_at IS NOT NULL"
	" ORDER BY started_at DESC, id DESC LIMIT 1";

static int64_t sync_state_interval(const struct ww_config *cfg)
{
	(void)cfg;
	return WW_SYNC_STATE_INTERVAL * 1000;
}

static int query_last_success(struct ww_store *st, int64_t *ret,
			      struct ww_err *err)
{
	sqlite3_stmt *q;
	int r = ww_store_prepare(st, SQL_LAST_SUCCESS, &q, err);

	if (r)
		return r;
	r = ww_store_step(st, q, "last successful sync", err);
	*ret = r == 1 ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return r < 0 ? r : 0;
}

static int query_last_attempt(struct ww_store *st, struct ww_monitor_model *md,
			      struct ww_err *err)
{
	sqlite3_stmt *q;
	int r = ww_store_prepare(st, SQL_LAST_ATTEMPT, &q, err);

	if (r)
		return r;
	r = ww_store_step(st, q, "last sync attempt", err);
	md->last_sync_attempt = 0;
	md->last_sync_result[0] = '\0';
	if (r == 1) {
		const unsigned char *res = sqlite3_column_text(q, 1);

		md->last_sync_attempt = sqlite3_column_int64(q, 0);
		ww_strlcpy(md->last_sync_result, res ? (const char *)res : "",
			   sizeof(md->last_sync_result));
	}
	sqlite3_finalize(q);
	return r < 0 ? r : 0;
}

static int sync_state_run(struct ww_monitor *m, void *state, int64_t now,
			  struct ww_err *err)
{
	struct ww_monitor_model *md = ww_monitor_model(m);
	struct ww_store *st;
	int r;

	(void)state;
	(void)now;
	r = ww_monitor_store(m, &st, err);
	if (!r)
		r = query_last_success(st, &md->last_successful_sync, err);
	if (!r)
		r = query_last_attempt(st, md, err);
	return r;
}

/* ---- prune: retention ---- */

static int64_t prune_interval(const struct ww_config *cfg)
{
	return cfg->retention > 0 ? WW_PRUNE_INTERVAL * 1000 : 0;
}

static int prune_run(struct ww_monitor *m, void *state, int64_t now,
		     struct ww_err *err)
{
	struct ww_store *st;
	int64_t deleted = 0;
	int r;

	(void)state;
	r = ww_monitor_store(m, &st, err);
	if (!r)
		r = ww_store_prune(st, now, ww_monitor_config(m)->retention,
				   WW_PRUNE_BATCH, &deleted, err);
	if (!r && deleted > 0)
		ww_monitor_log(m, WW_LOG_INFO,
			       "retention: removed %lld rows older than the "
			       "retention period", (long long)deleted);
	return r;
}

/*
 * Table order is the order of one full cycle (`run --once`): sources
 * first, then what reads their results, then housekeeping.
 */
const struct ww_task_def ww_monitor_tasks[] = {
	{ .name = "sync_state", .interval_ms = sync_state_interval,
	  .run = sync_state_run },
	{ .name = "prune", .interval_ms = prune_interval, .run = prune_run },
};

const size_t ww_monitor_ntasks = WW_ARRAY_SIZE(ww_monitor_tasks);
