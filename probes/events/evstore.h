/*
 * evstore.h - writes WSUS events into the store: wsus_event rows, the
 * sync runs that events 381/382/384/386 imply, `gap` findings, and the
 * event-log bookmark in source_position.
 *
 * Exactly once: wsus_event is keyed by (source, record_id) and written
 * with INSERT OR IGNORE; only a newly inserted event touches sync_run, so
 * re-reading or re-importing the same records changes nothing.  The
 * caller wraps a batch and its bookmark in one transaction
 * (ww_store_begin / ww_store_commit), so a crash loses or repeats nothing.
 *
 * Sources:
 *   "eventlog"                      the live reader on this machine
 *   "eventlog:<computer>/<channel>" imported exports, computer and
 *                                   channel lower-cased from each event:
 *                                   record IDs are unique per computer and
 *                                   channel, so importing the same export
 *                                   twice, or an overlapping later one,
 *                                   adds nothing twice.
 */
#ifndef WW_PROBES_EVSTORE_H
#define WW_PROBES_EVSTORE_H

#include "compat.h"
#include "err.h"
#include "evimport.h"
#include "wsus_event.h"
#include "store.h"

#define WW_EVSTORE_LIVE_SOURCE "eventlog"
#define WW_EVSTORE_SOURCE_MAX (2 * WW_EV_NAME_MAX + 16)

struct ww_evstore;

/* Prepared statements on s (which must outlive the writer). */
int ww_evstore_new(struct ww_store *s, struct ww_evstore **ret,
		   struct ww_err *err);
void ww_evstore_free(struct ww_evstore *w); /* NULL-safe */

/* The import source of an event: "eventlog:wsus01.corp.example/application". */
void ww_evstore_import_source(const struct ww_wsus_event *ev, char *buf,
			      size_t size);

/*
 * Store ev under source unless (source, record_id) is already there.
 * Events from other providers are not stored (*ret_added false).  A new
 * sync event opens or closes a sync_run of the same source.
 */
int ww_evstore_add(struct ww_evstore *w, const char *source,
		   const struct ww_wsus_event *ev, bool *ret_added,
		   struct ww_err *err);

/* A gap finding: ww_run_writer_gap() (runs_store.h). */
int ww_evstore_gap(struct ww_evstore *w, const char *source, int64_t at,
		   const char *message, struct ww_err *err);

/*
 * Move every wsus_event and sync_run row of source to archive_source.
 * For a log whose record numbering restarted (it was cleared): the old
 * rows stay as history and no longer block the new record IDs.
 */
int ww_evstore_archive(struct ww_evstore *w, const char *source,
		       const char *archive_source, struct ww_err *err);

/* The bookmark, saved by ww_run_writer_position() (runs_store.h). */
int ww_evstore_save_position(struct ww_evstore *w, const char *source,
			     const char *channel, const char *bookmark,
			     uint64_t record_id, int64_t now,
			     struct ww_err *err);

/* The saved bookmark: ww_runs_store_load_bookmark() (runs_store.h). */
int ww_evstore_load_position(struct ww_store *s, const char *source,
			     char **ret_bookmark, uint64_t *ret_record,
			     struct ww_err *err);

struct ww_evstore_import {
	struct ww_evimport_stats st;
	uint64_t added;       /* new wsus_event rows */
	uint64_t duplicates;  /* WSUS events already stored */
};

/*
 * Import an export file into the store in one transaction.  A truncated
 * file commits the complete events before the break (res->st.truncated);
 * a malformed one (WW_EPARSE) or any other error stores nothing.
 */
int ww_evstore_import_file(struct ww_store *s, const char *path,
			   struct ww_evstore_import *res, struct ww_err *err);

/* ---- reading, for the health engine ------------------------------------ */

/* WSUS's newest catalog event (10020/10021/10022) dated no later than
 * limit.  found is false when there is none. */
struct ww_evstore_catalog {
	bool found;
	uint32_t event_id;
	int64_t at;
	uint64_t record_id;
};

int ww_evstore_latest_catalog(struct ww_store *s, int64_t limit,
			      struct ww_evstore_catalog *ret,
			      struct ww_err *err);

/* The events of one meaning (wsus_event.meaning): how often, the newest. */
struct ww_evstore_seen {
	uint64_t count;
	int64_t last_at;
	uint32_t last_id;
	char example[256];
};

int ww_evstore_seen_meaning(struct ww_store *s, const char *meaning,
			    struct ww_evstore_seen *ret, struct ww_err *err);

/* Whether the store holds any WSUS event. */
int ww_evstore_any(struct ww_store *s, bool *ret, struct ww_err *err);

#endif /* WW_PROBES_EVSTORE_H */
