/*
 * monitor_tasks.c - the built-in task table of the monitor.  Each task is
 * a few callbacks around one module: the module does the work, the task
 * moves its results into the store and the status model.
 *
 * docs/service.md ("Tasks and the scheduler") lists them with intervals.
 */
#include "compat.h"

#include "config.h"
#include "monitor.h"
#include "monitor_tasks.h"
#include "store.h"
#include "util.h"

#define WW_PRUNE_INTERVAL 3600     /* seconds */
#define WW_PRUNE_BATCH 500         /* rows per statement and transaction */

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
	{ .name = WW_TASK_PROBES, .interval_ms = ww_task_probes_interval,
	  .init = ww_task_probes_init, .release = ww_task_probes_release,
	  .prepare = ww_task_probes_prepare, .work = ww_task_probes_work,
	  .finish = ww_task_probes_finish },
	WW_TASK_LOOP_ROW(log, WW_TASK_LOG),
	WW_TASK_LOOP_ROW(eventlog, WW_TASK_EVENTLOG),
	WW_TASK_LOOP_ROW(health, WW_TASK_HEALTH),
	{ .name = WW_TASK_PRUNE, .interval_ms = prune_interval, .run = prune_run },
};

const size_t ww_monitor_ntasks = WW_ARRAY_SIZE(ww_monitor_tasks);
