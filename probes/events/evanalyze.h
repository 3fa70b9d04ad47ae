/*
 * evanalyze.h - offline analysis of an exported event file for
 * `wsuswatch analyze --events FILE`: the WSUS events it holds, the sync
 * runs they imply (381/382 start, 384 succeeded, 386 failed) and the
 * catalog sync state WSUS last reported (10022 failed, 10021 stale, 10020
 * healthy).  cmd_analyze.c merges the runs with those of the log into one
 * timeline and adds the JSON below to its output.
 *
 * Bounded: at most WW_EVANALYZE_EVENTS_MAX WSUS events are listed (the
 * newest; the count of the rest is reported) and WW_EVANALYZE_SYNC_MAX
 * sync events are paired into runs.
 */
#ifndef WW_PROBES_EVANALYZE_H
#define WW_PROBES_EVANALYZE_H

#include "compat.h"

#include <cjson/cJSON.h>

#include "err.h"
#include "evimport.h"
#include "wsus_event.h"

#define WW_EVANALYZE_EVENTS_MAX 5000
#define WW_EVANALYZE_SYNC_MAX 100000
#define WW_EVANALYZE_MSG_MAX 1024      /* message kept per listed event */
#define WW_EV_TIME_NONE INT64_MIN
/* A start with no finish this long before the export's newest event is
 * reported "unknown" rather than "running". */
#define WW_EVANALYZE_RUN_STALE (12 * 3600)

enum ww_evrun_result { WW_EVRUN_RUNNING, WW_EVRUN_SUCCEEDED, WW_EVRUN_FAILED,
		       WW_EVRUN_UNKNOWN };

struct ww_evrun {
	enum ww_ev_sync_kind kind;
	enum ww_evrun_result result;
	int64_t started_at;   /* WW_EV_TIME_NONE when the start is missing */
	int64_t finished_at;  /* WW_EV_TIME_NONE while running / unknown */
	uint64_t start_record, finish_record; /* 0 when missing */
	char error[WW_EVANALYZE_MSG_MAX]; /* message of a 386, "" otherwise */
};

struct ww_evanalysis;

int ww_evanalysis_new(struct ww_evanalysis **ret, struct ww_err *err);
void ww_evanalysis_free(struct ww_evanalysis *a); /* NULL-safe */

/*
 * Import one export.  Errors as ww_evimport_file(); a truncated file is
 * kept (see ww_evanalysis_stats()->note).
 */
int ww_evanalysis_add_file(struct ww_evanalysis *a, const char *path,
			   struct ww_err *err);

/* Pair the sync events into runs; call once after the files. */
int ww_evanalysis_finish(struct ww_evanalysis *a, struct ww_err *err);

const struct ww_evimport_stats *ww_evanalysis_stats(const struct ww_evanalysis *a);

/* Runs in time order, valid until free. */
size_t ww_evanalysis_runs(const struct ww_evanalysis *a,
			  const struct ww_evrun **ret);

/* The newest catalog health event: its meaning, or WW_MEANING_OTHER with
 * *ret_time WW_EV_TIME_NONE when the export has none. */
enum ww_meaning ww_evanalysis_catalog(const struct ww_evanalysis *a,
				      int64_t *ret_time);

const char *ww_evrun_result_name(enum ww_evrun_result r);
const char *ww_ev_sync_kind_name(enum ww_ev_sync_kind k);

/*
 * The contract's "wsus_events" array (oldest first): event_id, level,
 * time, record_id, meaning, message; plus provider-independent extras
 * qualifiers, computer, confidence.
 */
cJSON *ww_evanalysis_events_json(const struct ww_evanalysis *a);

/*
 * "events_input": {path, events, wsus_events, listed, malformed,
 * truncated, note} and "catalog_sync": {state, event_id, time,
 * record_id} or null.  Added to root.
 */
void ww_evanalysis_add_summary_json(const struct ww_evanalysis *a,
				    const char *path, cJSON *root);

/*
 * "catalog_sync": {state, event_id, time, record_id} for a WSUS catalog
 * health event (10020/10021/10022), else null; added to root.  One shape
 * for `analyze --json` and `diagnose --json`.
 */
void ww_catalog_sync_json(cJSON *root, uint32_t event_id, int64_t time,
			  uint64_t record_id);

/* Human summary for `analyze` without --json. */
void ww_evanalysis_print(const struct ww_evanalysis *a, FILE *out);

#endif /* WW_PROBES_EVANALYZE_H */
