/*
 * wsus_event.h - one Application-log event as wsuswatch keeps it, and the
 * one table that says what a WSUS event ID means.
 *
 * Both the live reader (eventlog_win32.c) and the import of exported XML
 * (evimport.c) produce struct ww_wsus_event; everything after them (store,
 * analyze, health) decides by event_id through ww_wsus_meaning() and never
 * by the message, which Windows localizes.
 *
 * Confidence: WSUS documents almost none of its event IDs.  Each row of
 * the table carries how sure we are (docs/events-input.md lists the
 * sources); health rules may weigh an unconfirmed meaning less.
 */
#ifndef WW_PROBES_WSUS_EVENT_H
#define WW_PROBES_WSUS_EVENT_H

#include "compat.h"

/* The event source WSUS writes under, in the Application log. */
#define WW_WSUS_PROVIDER "Windows Server Update Services"

#define WW_EV_NAME_MAX 256     /* provider, channel, computer (bytes + NUL) */
#define WW_EV_MESSAGE_MAX 4096 /* message kept; longer ones are cut */

/* Windows event levels (winmeta.xml); classic sources use 2, 3 and 4. */
enum ww_ev_level {
	WW_EV_LEVEL_ALWAYS = 0,
	WW_EV_LEVEL_CRITICAL = 1,
	WW_EV_LEVEL_ERROR = 2,
	WW_EV_LEVEL_WARNING = 3,
	WW_EV_LEVEL_INFO = 4,
	WW_EV_LEVEL_VERBOSE = 5
};

struct ww_wsus_event {
	char provider[WW_EV_NAME_MAX];
	uint32_t event_id;      /* 16-bit ID, qualifiers masked off */
	uint32_t qualifiers;    /* the high word of a classic event ID */
	bool has_qualifiers;
	int level;              /* enum ww_ev_level, or another number */
	int64_t time;           /* TimeCreated, seconds since 1970 UTC */
	uint64_t record_id;     /* EventRecordID, unique per computer+channel */
	char channel[WW_EV_NAME_MAX];
	char computer[WW_EV_NAME_MAX];
	char message[WW_EV_MESSAGE_MAX]; /* localized text, may be empty */
	bool message_cut;       /* message was longer than the buffer */
};

/* Contract names (docs/cli-contract.md, "meaning"). */
enum ww_meaning {
	WW_MEANING_OTHER = 0,
	WW_MEANING_CATALOG_SYNC_FAILED,
	WW_MEANING_CATALOG_STALE,
	WW_MEANING_CATALOG_HEALTHY,
	WW_MEANING_CONTENT_DOWNLOAD_FAILED,
	WW_MEANING_SELF_CHECK_FAILED,
	WW_MEANING_SYNC_STARTED,
	WW_MEANING_SYNC_SUCCEEDED,
	WW_MEANING_SYNC_FAILED
};

enum ww_confidence {
	WW_CONF_CONFIRMED = 0,   /* a Microsoft document states it */
	WW_CONF_PARTIAL,         /* documented in part (ID known, detail not) */
	WW_CONF_UNCONFIRMED      /* inferred or third-party only */
};

/* For sync events: which kind of run a start event opens. */
enum ww_ev_sync_kind { WW_EV_SYNC_NONE = 0, WW_EV_SYNC_SCHEDULED,
		    WW_EV_SYNC_MANUAL };

struct ww_meaning_row {
	uint32_t id_first, id_last, id_step; /* IDs first, first+step, ... last */
	enum ww_meaning meaning;
	enum ww_confidence confidence;
	enum ww_ev_sync_kind kind;  /* sync_started rows only */
	const char *summary;     /* English, for docs and text output */
	/* Self-check rows: what failed, one name per ID of the row (use
	 * ww_wsus_component()); NULL for other rows. */
	const char *const *components;
};

/*
 * Meaning of an event from the WSUS provider.  Returns the table row, or
 * NULL for an ID not in the table (meaning "other", unconfirmed).
 */
const struct ww_meaning_row *ww_wsus_meaning(uint32_t event_id);

/* What a self-check event ID says failed ("content directory",
 * "Client Web Service"), or NULL for other IDs. */
const char *ww_wsus_component(uint32_t event_id);

/* Meaning of any event: events from other providers are always "other". */
enum ww_meaning ww_wsus_event_meaning(const struct ww_wsus_event *ev);

bool ww_wsus_event_is_wsus(const struct ww_wsus_event *ev);

/* The reason of a failed sync (386) as every face shows it: its message,
 * or "synchronization failed" when it has none.  Borrowed from ev. */
const char *ww_wsus_event_sync_error(const struct ww_wsus_event *ev);

/* The whole table, for docs and tests. */
const struct ww_meaning_row *ww_wsus_meaning_table(size_t *ret_n);

/* "catalog_sync_failed", ... "other" (never NULL). */
const char *ww_meaning_name(enum ww_meaning m);
/* Catalog health rows: "failed", "stale", "healthy" (the contract's
 * catalog_sync.state); NULL for any other meaning. */
const char *ww_catalog_state_name(enum ww_meaning m);
/* "confirmed", "partial", "unconfirmed". */
const char *ww_confidence_name(enum ww_confidence c);
/* "critical", "error", "warning", "information", "verbose"; level 0 is
 * "information" as Event Viewer shows it; other numbers "unknown". */
const char *ww_ev_level_name(int level);

/*
 * Split a 32-bit classic event ID into the 16-bit ID and its qualifiers,
 * as Get-WinEvent reports Id.  A value below 65536 is left alone.
 */
void ww_wsus_event_set_id(struct ww_wsus_event *ev, uint32_t raw_id);

/*
 * The XPath filter of the live reader: the WSUS provider and every ID of
 * the table; with max_age > 0 (seconds) only events created within
 * max_age of the event log's clock (TimeCreated timediff).  WW_ERANGE
 * when size is too small (WW_WSUS_XPATH_MAX is enough).
 */
#define WW_WSUS_XPATH_MAX 768
int ww_wsus_event_xpath(char *buf, size_t size, int64_t max_age);

#endif /* WW_PROBES_WSUS_EVENT_H */
