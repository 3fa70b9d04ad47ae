/*
 * eventlog.h - the live reader of WSUS events in the Application log:
 * the contract between the monitor loop and eventlog_win32.c /
 * eventlog_posix.c.
 *
 * Life of a reader:
 *   open   load the bookmark saved in source_position("eventlog"), check
 *          that the event log can be read at all, prepare a catch-up
 *          query (EvtQuery) positioned after the bookmark.
 *   poll   called by the monitor once per cycle (or when
 *          ww_eventlog_wait() says events arrived).  It first catches up
 *          with everything written since the bookmark, then follows new
 *          events through a pull subscription (EvtSubscribe).  Events are
 *          stored in batches: each batch's wsus_event rows, implied
 *          sync_run changes and the bookmark that covers them are written
 *          in ONE transaction, so a crash at any moment neither loses nor
 *          repeats an event.  A poll does a bounded amount of work
 *          (opts.max_per_poll events) and leaves the rest for the next.
 *   gap    if the saved bookmark's record is no longer in the log (cleared,
 *          or wrapped around while the service was stopped), a log_finding
 *          of category "gap" says so - with the bookmarked and the oldest
 *          record IDs - and reading resumes from the oldest record.  Never
 *          a silent skip.
 *   close  frees handles; the bookmark is already in the store.
 *
 * Unavailable: where the Windows event log cannot be read - POSIX builds
 * (WSUS is Windows-only), Wine (its wevtapi is a stub), a channel that
 * cannot be opened - open returns WW_EUNAVAIL with a message starting
 * "event log unavailable: ".  The monitor reports that in status
 * (sources.eventlog.available = false, error) and goes on without this
 * source; it may retry open later.
 *
 * Scan: ww_eventlog_scan() is a one-shot look without a store, for
 * `diagnose`: the newest WSUS events of a bounded window, handed to a
 * function like the export import's.  No bookmark, no subscription.
 *
 * Threads: a reader is used by one thread (the monitor loop).
 */
#ifndef WW_PROBES_EVENTLOG_H
#define WW_PROBES_EVENTLOG_H

#include "compat.h"
#include "err.h"
#include "evimport.h"
#include "store.h"

#define WW_EVENTLOG_CHANNEL "Application"
#define WW_EVENTLOG_UNAVAILABLE "event log unavailable"
#define WW_EVENTLOG_BATCH_DEFAULT 64
#define WW_EVENTLOG_BATCH_MAX 512
#define WW_EVENTLOG_PER_POLL_DEFAULT 4096
#define WW_EVENTLOG_SCAN_AGE_DEFAULT ((int64_t)30 * 86400) /* seconds */
#define WW_EVENTLOG_SCAN_EVENTS_DEFAULT 10000

struct ww_eventlog;

struct ww_eventlog_opts {
	const char *channel;   /* NULL: "Application" */
	unsigned batch;        /* events per transaction; 0: default */
	unsigned max_per_poll; /* events per ww_eventlog_poll(); 0: default */
	/* ww_eventlog_scan() only: */
	int64_t max_age;       /* seconds before now; 0: 30 days */
	unsigned max_events;   /* WSUS events read at most; 0: 10000 */
};

struct ww_eventlog_scan_stats {
	int64_t since;         /* the window: events created at or after */
	unsigned max_events;   /* the bound that applied */
	uint64_t events;       /* WSUS events handed to fn */
	uint64_t unreadable;   /* events that could not be rendered */
	bool capped;           /* more events in the window than were read */
};

struct ww_eventlog_status {
	bool available;
	bool following;          /* caught up, reading the subscription */
	uint64_t last_record_id; /* of the bookmark, 0 when none */
	int64_t last_read_at;    /* time of the last poll that succeeded */
	uint64_t stored;         /* new WSUS events stored since open */
	uint64_t gaps;           /* gap findings written since open */
	char error[WW_ERR_MSG_MAX]; /* last error, "" when none */
};

/*
 * Open the reader on store (which must outlive it).  opts may be NULL.
 * now stamps a gap finding found while opening.  WW_EUNAVAIL as above;
 * other errors are store errors.
 */
int ww_eventlog_open(struct ww_store *store,
		     const struct ww_eventlog_opts *opts, int64_t now,
		     struct ww_eventlog **ret, struct ww_err *err);

/*
 * Read and store what is pending.  *ret_stored (may be NULL) counts new
 * WSUS events.  A lost subscription or a stale query is reopened from the
 * saved bookmark (with gap detection) within the same call.
 */
int ww_eventlog_poll(struct ww_eventlog *el, int64_t now,
		     uint64_t *ret_stored, struct ww_err *err);

/*
 * Wait up to timeout_ms for the subscription to signal new events; true
 * when there are events to poll.  Returns false at once while catching
 * up is unfinished only if nothing is pending.
 */
bool ww_eventlog_wait(struct ww_eventlog *el, unsigned timeout_ms);

void ww_eventlog_get_status(const struct ww_eventlog *el,
			    struct ww_eventlog_status *ret);

void ww_eventlog_close(struct ww_eventlog *el); /* NULL-safe */

/*
 * Can the event log be read here?  0 when the channel can be queried
 * with the WSUS filter, else WW_EUNAVAIL ("event log unavailable: ...").
 * For `diagnose` and the hidden `eventlog-check` command; no store.
 * *ret_count (may be NULL) is the number of matching events, at most
 * 100000.
 */
int ww_eventlog_probe(const char *channel, uint64_t *ret_count,
		      struct ww_err *err);

/*
 * Read the newest WSUS events of the channel without a store: newest
 * first, only those created at or after now - opts->max_age, at most
 * opts->max_events (opts may be NULL: the defaults).  Each goes to fn as
 * in ww_evimport_file().  EvtFormatMessage is the slow part, so only the
 * newest event of each event ID gets its message; the others have "".
 * *ret (may be NULL) is filled in every case.  WW_EUNAVAIL as open; an
 * error of fn stops the scan and is returned.
 */
int ww_eventlog_scan(const struct ww_eventlog_opts *opts, int64_t now,
		     ww_evimport_fn fn, void *ctx,
		     struct ww_eventlog_scan_stats *ret, struct ww_err *err);

/*
 * Why the Windows event log cannot exist on this system, or NULL where it
 * can (Windows): "not here" is not a failing source.
 */
const char *ww_eventlog_absent(void);

#endif /* WW_PROBES_EVENTLOG_H */
