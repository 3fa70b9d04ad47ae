/*
 * runs_store.h - the event log source's writes to the tables of the
 * sync-run store (sync_run, log_finding, source_position; owner:
 * probes/synclog, docs/store.md): the runs that events 381/382/384/386
 * imply, `gap` findings and the event-log bookmark.  The log source
 * writes the same tables through ww_synclog_batch_commit() (tail.h).
 *
 * Statements are prepared once per writer; the caller (evstore.c) wraps
 * a batch and its bookmark in one transaction.
 */
#ifndef WW_PROBES_RUNS_STORE_H
#define WW_PROBES_RUNS_STORE_H

#include "compat.h"
#include "err.h"
#include "runs_summary.h"
#include "synclog.h"

struct ww_store;
struct ww_run_writer;

/* Prepared statements on s (which must outlive the writer). */
int ww_run_writer_new(struct ww_store *s, struct ww_run_writer **ret,
		      struct ww_err *err);
void ww_run_writer_free(struct ww_run_writer *w); /* NULL-safe */

/*
 * A sync of kind ("scheduled", "manual", "unknown") started at `at`.  A
 * run of source already finished at or after `at` whose start is unknown
 * (its finish was read first) gets this start; otherwise the running runs
 * of source started at or before `at` become "unknown" (abandoned) and a
 * running run keyed key is inserted, unless key is there already.
 */
int ww_run_writer_started(struct ww_run_writer *w, const char *source,
			  const char *key, const char *kind, int64_t at,
			  struct ww_err *err);

/*
 * A sync finished at `at`, ok or failed with error (NULL: none): closes
 * the newest running run of source started at or before `at`, or, when
 * there is none (its start was not read), inserts a finished run keyed
 * key unless key is there already.
 */
int ww_run_writer_finished(struct ww_run_writer *w, const char *source,
			   const char *key, int64_t at, bool ok,
			   const char *error, struct ww_err *err);

/* Move every sync_run row of source to archive_source. */
int ww_run_writer_archive(struct ww_run_writer *w, const char *source,
			  const char *archive_source, struct ww_err *err);

/* A log_finding of category "gap", level "warning", component "eventlog". */
int ww_run_writer_gap(struct ww_run_writer *w, const char *source,
		      int64_t at, const char *message, struct ww_err *err);

/*
 * Save the bookmark (EvtRender XML) and the last record ID it covers in
 * source_position(source): identity = channel, offset = record ID.
 */
int ww_run_writer_position(struct ww_run_writer *w, const char *source,
			   const char *channel, const char *bookmark,
			   uint64_t record_id, int64_t now,
			   struct ww_err *err);

/*
 * The saved bookmark of source: *ret_bookmark is NULL (and *ret_record
 * 0) when there is none.  Caller frees *ret_bookmark.  ret_record may be
 * NULL.
 */
int ww_runs_store_load_bookmark(struct ww_store *s, const char *source,
				char **ret_bookmark, uint64_t *ret_record,
				struct ww_err *err);

/* ---- reading, for the health engine (runs_read.c) ------------------- */

/*
 * Summarise sync_run as of now by the rules of runs (ww_runs_summarise(),
 * runs_summary.h), the reason of the latest attempt included.  0 or WW_E*.
 */
int ww_runs_store_summary(struct ww_store *s, int64_t now, int64_t tolerance,
			  struct ww_runs_summary *ret, struct ww_err *err);

/* log_finding per category into sums (left as they are for a category
 * with no rows).  0 or WW_E*. */
int ww_runs_store_findings(struct ww_store *s,
			   struct ww_finding_summary sums[WW_CAT_COUNT],
			   struct ww_err *err);

/* Whether the store holds anything the log source wrote. */
int ww_runs_store_log_seen(struct ww_store *s, bool *ret, struct ww_err *err);

#endif /* WW_PROBES_RUNS_STORE_H */
