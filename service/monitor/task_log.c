/*
 * task_log.c - the "log" task: follow SoftwareDistribution.log
 * (cfg->wsus.log) into the store with probes/synclog/tail.h, every
 * WW_LOG_INTERVAL seconds.  A first start reads as much of the log as
 * wsus.log_rollover says WSUS keeps in one file (discovered from SUSDB
 * where the file does not set it; ww_tail_initial_max()).
 *
 * The tailer keeps its position in the store, in the same transaction as
 * the records it produced, so a re-created tailer (after a reload that
 * changes wsus.log or the database, or a restart) resumes exactly where
 * the last commit left off.  The tailer's own change detection is a
 * modest poll as well (docs/synclog.md), so the task interval is the
 * whole latency: sync health is judged in hours.
 */
#include "compat.h"

#include "config.h"
#include "monitor.h"
#include "monitor_tasks.h"
#include "tail.h"
#include "store.h"
#include "util.h"

#define WW_LOG_INTERVAL 5 /* seconds */
#define WW_LOG_SOURCE "log"

struct log_state {
	struct ww_tailer *tailer;
	char *path; /* the log it follows */
	char *db;   /* the database its store is */
	uint64_t gen; /* ww_monitor_store_generation() it was built with */
};

int64_t ww_task_log_interval(const struct ww_config *cfg)
{
	return cfg->wsus.log && cfg->wsus.log[0] ? WW_LOG_INTERVAL * 1000 : 0;
}

int ww_task_log_init(struct ww_monitor *m, void **ret_state,
		     struct ww_err *err)
{
	struct log_state *s = calloc(1, sizeof(*s));

	(void)m;
	if (!s)
		return ww_err_set(err, WW_ENOMEM, "log: out of memory");
	*ret_state = s;
	return 0;
}

static void drop_tailer(struct log_state *s)
{
	/* ww_tailer_free() does not touch the store, which may be gone. */
	ww_tailer_free(s->tailer);
	s->tailer = NULL;
	free(s->path);
	free(s->db);
	s->path = s->db = NULL;
}

void ww_task_log_release(void *state)
{
	struct log_state *s = state;

	if (!s)
		return;
	drop_tailer(s);
	free(s);
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int ensure_tailer(struct ww_monitor *m, struct log_state *s,
			 struct ww_err *err)
{
	const struct ww_config *cfg = ww_monitor_config(m);
	struct ww_tailer_options opt;
	struct ww_store *st;
	int r;

	/*
	 * The store first: it may just have been reopened (by this call or
	 * by another task since the last run), and a tailer built on the
	 * previous connection would write through a freed one.
	 */
	r = ww_monitor_store(m, &st, err);
	if (s->tailer && s->gen != ww_monitor_store_generation(m))
		drop_tailer(s);
	if (s->tailer && (!same(s->path, cfg->wsus.log) ||
			  !same(s->db, cfg->database))) {
		ww_monitor_log(m, WW_LOG_INFO, "log: now following '%s'",
			       cfg->wsus.log);
		drop_tailer(s);
	}
	if (r || s->tailer)
		return r;
	s->gen = ww_monitor_store_generation(m);
	s->path = ww_strdup(cfg->wsus.log);
	s->db = ww_strdup(cfg->database);
	if (!s->path || !s->db) {
		drop_tailer(s);
		return ww_err_set(err, WW_ENOMEM, "log: out of memory");
	}
	/* Only a first start (nothing saved in the store) uses the bound. */
	memset(&opt, 0, sizeof(opt));
	opt.initial_max = ww_tail_initial_max(cfg->wsus.log_rollover);
	r = ww_tailer_new(cfg->wsus.log, st, WW_LOG_SOURCE, &opt, &s->tailer,
			  err);
	if (r)
		drop_tailer(s);
	return r;
}

/* sources.log in the status model. */
static void update_model(struct ww_monitor *m, const struct log_state *s,
			 const struct ww_tailer_stats *stats, int rc,
			 const struct ww_err *err)
{
	struct ww_monitor_model *md = ww_monitor_model(m);
	const char *path = ww_monitor_config(m)->wsus.log;
	struct ww_tailer_status ts;

	if (!md->log.path || strcmp(md->log.path, path) != 0) {
		free(md->log.path);
		md->log.path = ww_strdup(path);
		md->log.offset = -1;
		md->log.last_read_at = 0;
	}
	if (s->tailer) {
		ww_tailer_status(s->tailer, &ts);
		md->log.last_read_at = ts.last_read_at == WW_TIME_UNKNOWN
					       ? 0 : ts.last_read_at;
		/* Nothing ever read and no file: the offset is unknown. */
		md->log.offset = ts.offset == 0 && !md->log.last_read_at &&
						 !stats->file_present
					 ? -1 : (int64_t)ts.offset;
	}
	if (rc)
		ww_strlcpy(md->log.error, err->msg, sizeof(md->log.error));
	else if (!stats->file_present)
		snprintf(md->log.error, sizeof(md->log.error),
			 "'%s' does not exist", path);
	else
		md->log.error[0] = '\0';
}

int ww_task_log_run(struct ww_monitor *m, void *state, int64_t now,
		    struct ww_err *err)
{
	struct log_state *s = state;
	struct ww_tailer_stats stats;
	bool failing = ww_monitor_model(m)->log.error[0] != '\0';
	int r;

	memset(&stats, 0, sizeof(stats));
	r = ensure_tailer(m, s, err);
	if (!r)
		r = ww_tailer_poll(s->tailer, now, &stats, err);
	update_model(m, s, &stats, r, err);
	/*
	 * New records, and a source that starts or stops failing (a full
	 * disk, a locked database, an unreadable log), are judged now rather
	 * than at the next health interval.
	 */
	if (stats.records || stats.run_updates ||
	    failing != (ww_monitor_model(m)->log.error[0] != '\0'))
		ww_monitor_kick(m, WW_TASK_HEALTH);
	return r;
}
