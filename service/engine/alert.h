/*
 * alert.h - the alert state machine: turns successive health reports
 * into notifications that SCOM, syslog and people can live with.
 *
 * Per check key (struct ww_check_result.key):
 *   ok -> not ok          RAISE  once, with the event ID of the new state
 *   not ok -> other not ok RAISE  once (escalation or de-escalation)
 *   same not-ok state      REPEAT every `repeat` seconds (0: never)
 *   not ok -> ok          CLEAR  once
 *   not ok, check gone    CLEAR  once ("no longer monitored")
 * UNKNOWN counts as "not ok": a monitor that went blind is news.
 *
 * State lives in the store's alert table (one row per key) and every
 * transition is appended to alert_history, so a restarted monitor
 * neither raises again what it raised before nor forgets an active alert
 * it must clear.  Time is the caller's `now`.
 *
 * Order: state is committed first, sinks are called after the commit.  A
 * crash in between loses one notification; the other order would raise
 * again on every cycle while the database cannot be written, which is the
 * alert storm this module exists to prevent.
 */
#ifndef WW_ALERT_H
#define WW_ALERT_H

#include "compat.h"
#include "err.h"
#include "health.h"

struct ww_store;

enum ww_alert_transition {
	WW_ALERT_RAISE,
	WW_ALERT_REPEAT,
	WW_ALERT_CLEAR
};

/* "raise", "repeat", "clear" (alert_history.transition). */
const char *ww_alert_transition_name(enum ww_alert_transition t);

/* What a sink is told.  Strings live until the sink returns. */
struct ww_alert_event {
	enum ww_alert_transition transition;
	const char *name;       /* check key: "sync_staleness", "endpoint:x" */
	const char *check;      /* rule name: "sync_staleness", "endpoint" */
	enum ww_state state;    /* state now (WW_STATE_OK for a clear) */
	enum ww_state previous; /* state before (same as state for repeat) */
	unsigned event_id;      /* docs/events.md */
	const char *reason;
	const char *value;      /* insertion string 4, "" when none */
	const char *threshold;  /* insertion string 5, "" when none */
	int64_t at;             /* now */
	int64_t since;          /* when the current state began */
	/* Insertion strings 6-9 (docs/events.md): the cause named for the
	 * check, "" when none (or for a clear). */
	const char *cause_key;  /* "endpoint:microsoft_update" */
	const char *cause;      /* "proxy requires authentication (407, ...)" */
	const char *evidence;
	const char *fix;
};

/*
 * A destination: Event Log, syslog, a test recorder.  notify returns 0 or
 * a WW_E* code with err filled; a failing sink does not stop the others.
 */
struct ww_alert_sink {
	const char *name;
	void *ctx;
	int (*notify)(void *ctx, const struct ww_alert_event *ev,
		      struct ww_err *err);
};

struct ww_alert_counts {
	unsigned raised, repeated, cleared;
	unsigned sink_failures;
};

/*
 * The pure decision for one key: given the stored state (have_row false
 * when the key was never seen) and the new one, does something go out?
 * Returns true and sets *ret when it does.
 */
bool ww_alert_decide(bool have_row, enum ww_state stored,
		     int64_t last_notified, enum ww_state now_state,
		     int64_t now, int64_t repeat,
		     enum ww_alert_transition *ret);

/*
 * Run the machine over one report: load the alert rows, decide, write
 * rows + history in one transaction, then notify every sink of every
 * transition in report order.  counts may be NULL.  Returns the database
 * error (nothing was notified), or else the first sink error (every sink
 * was still tried; the state is saved either way, so a broken sink never
 * causes repeats).
 */
int ww_alert_process(struct ww_store *s, const struct ww_health_report *rep,
		     int64_t now, int64_t repeat,
		     const struct ww_alert_sink *sinks, size_t nsinks,
		     struct ww_alert_counts *counts, struct ww_err *err);

/* At most this many alert rows are considered (bounded memory). */
#define WW_ALERT_MAX_ROWS 512

/* --- reading the state for others (alert_read.c) --- */

/* An alert row as stored (docs/store.md: the alert table). */
struct ww_alert_row {
	char name[WW_HEALTH_NAME_MAX * 2];
	char state[16];        /* "ok", "warning", ...; "" when NULL */
	int64_t since;
	int64_t event_id;      /* 0: none */
	char reason[WW_HEALTH_TEXT_MAX];
};

/*
 * Up to max alert rows, by name, into rows[0..*n).  On a read error, *n
 * rows were read before it and the error is returned.
 */
int ww_alert_rows_load(struct ww_store *s, struct ww_alert_row *rows,
		       size_t max, size_t *n, struct ww_err *err);

/*
 * The newest limit alert_history rows, newest first, appended to arr as
 * {name, at, transition, state, reason} (history --json, docs/store.md).
 */
struct cJSON;
int ww_alert_history_json(struct ww_store *s, int limit, struct cJSON *arr,
			  struct ww_err *err);

#endif /* WW_ALERT_H */
