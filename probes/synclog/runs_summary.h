/*
 * runs_summary.h - the one home of the rules of sync runs: what the runs
 * of every source (the log, the event log, an imported export) say as of
 * now.  Pure: the monitor and `check` summarise the store's rows
 * (runs_read.c), `diagnose` the runs it parsed in this pass
 * (service/diagnose/diag_build.c), through the same function, so the two
 * faces cannot judge the same runs differently (docs/health.md, "Time").
 */
#ifndef WW_PROBES_RUNS_SUMMARY_H
#define WW_PROBES_RUNS_SUMMARY_H

#include "compat.h"
#include "synclog.h"

#define WW_RUNS_TEXT_MAX 256

/* What the sync runs of every source say, as of now (docs/health.md). */
struct ww_runs_summary {
	int64_t runs;                 /* runs dated no later than the limit */
	int64_t first_observed;       /* start of the oldest of them */
	bool have_success;
	int64_t last_success;         /* end of the latest success */
	int64_t ahead_runs;           /* runs dated beyond the limit */
	int64_t ahead_latest;         /* the furthest such time */
	bool have_attempt;
	int64_t last_attempt;         /* start of the latest attempt */
	char last_result[16];         /* its result: succeeded, failed ... */
	char last_error[WW_RUNS_TEXT_MAX]; /* its reason when it failed */
	int64_t consecutive_failures; /* since the last success, per source */
};

/* One sync run as the rules see it. */
struct ww_run_fact {
	int64_t started_at;          /* seconds, WW_TIME_UNKNOWN */
	int64_t finished_at;         /* seconds, WW_TIME_UNKNOWN */
	enum ww_sync_result result;
	/* The order the runs were recorded in, across sources: of two
	 * attempts that started at the same second, the later recorded is
	 * the latest. */
	int64_t seq;
};

/*
 * One source's runs, in the order the source saw them start (its
 * positions: not their times, which a clock stepped back can reorder).
 * get() fills run i of runs[0..n) (borrowed), so that a caller summarises
 * its own records without copying them.
 */
struct ww_run_source {
	const void *runs;
	size_t n;
	void (*get)(const void *runs, size_t i, struct ww_run_fact *ret);
};

/* Where the latest attempt is: srcs[source], run index; found false when
 * no run is dated.  Its reason (last_error) is the caller's to fill. */
struct ww_run_at {
	bool found;
	size_t source, index;
};

/*
 * Summarise the runs of srcs[0..nsrc) as of now.  A run dated later than
 * now + tolerance (the clock tolerance, seconds, >= 0) counts only in
 * ahead_*: a clock that was wrong then or is wrong now stamped it.  Within
 * a source, failures count after the source's own last success by
 * position; the sources report the same attempts, so the largest count of
 * any one source is taken, not their sum, and a success another source
 * saw later than this source's own (by more than the tolerance) ends this
 * source's streak too.  *ret is cleared first; last_error stays empty
 * (see *ret_attempt, which may be NULL).
 */
void ww_runs_summarise(const struct ww_run_source *srcs, size_t nsrc,
		       int64_t now, int64_t tolerance,
		       struct ww_runs_summary *ret, struct ww_run_at *ret_attempt);

/* get() for an array of struct ww_run_fact. */
void ww_run_fact_get(const void *runs, size_t i, struct ww_run_fact *ret);

#endif /* WW_PROBES_RUNS_SUMMARY_H */
