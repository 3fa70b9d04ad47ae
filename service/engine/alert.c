/*
 * alert.c - the alert state machine over the store's alert and
 * alert_history tables (see alert.h for the rules and their order).
 */
#include "compat.h"

#include <sqlite3.h>

#include "alert.h"
#include "store.h"
#include "util.h"

struct row {
	char name[WW_HEALTH_NAME_MAX * 2];
	enum ww_state state;
	int64_t since;
	int64_t last_notified;
	char cause[WW_HEALTH_NAME_MAX * 2]; /* raised with this cause */
	bool seen;  /* a check of the current report has this key */
};

/* One decided change: what to write and what to tell. */
struct pending {
	bool notify;
	bool write_row;          /* insert or update the alert row */
	enum ww_alert_transition transition;
	char name[WW_HEALTH_NAME_MAX * 2];
	char check[WW_HEALTH_NAME_MAX];
	enum ww_state state, previous;
	int64_t since, last_notified;
	char reason[WW_HEALTH_TEXT_MAX];
	char value[48];
	char threshold[64];
	bool have_value;
	int64_t raw_value;
	unsigned event_id;
	/* The cause named for the check, "" none (insertion strings 6-9). */
	char cause_key[WW_HEALTH_NAME_MAX * 2];
	char cause[WW_HEALTH_TEXT_MAX];
	char evidence[WW_HEALTH_LONG_MAX];
	char fix[WW_HEALTH_LONG_MAX];
};

const char *ww_alert_transition_name(enum ww_alert_transition t)
{
	switch (t) {
	case WW_ALERT_RAISE: return "raise";
	case WW_ALERT_REPEAT: return "repeat";
	case WW_ALERT_CLEAR: break;
	}
	return "clear";
}

bool ww_alert_decide(bool have_row, enum ww_state stored,
		     int64_t last_notified, enum ww_state now_state,
		     int64_t now, int64_t repeat,
		     enum ww_alert_transition *ret)
{
	bool was_active = have_row && stored != WW_STATE_OK;

	if (!was_active) {
		if (now_state == WW_STATE_OK)
			return false;
		*ret = WW_ALERT_RAISE;
		return true;
	}
	if (now_state == WW_STATE_OK) {
		*ret = WW_ALERT_CLEAR;
		return true;
	}
	if (now_state != stored) {
		*ret = WW_ALERT_RAISE;
		return true;
	}
	if (repeat > 0 && now - last_notified >= repeat) {
		*ret = WW_ALERT_REPEAT;
		return true;
	}
	return false;
}

static int load_rows(struct ww_store *s, struct row *rows, size_t *n,
		     struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(ww_store_db(s),
			       "SELECT name, state, since, last_notified, cause "
			       "FROM alert ORDER BY name LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "read alert state");
	sqlite3_bind_int(st, 1, WW_ALERT_MAX_ROWS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *r = &rows[(*n)++];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *state = (const char *)sqlite3_column_text(st, 1);

		memset(r, 0, sizeof(*r));
		ww_strlcpy(r->name, name ? name : "", sizeof(r->name));
		if (ww_state_parse(state, &r->state))
			r->state = WW_STATE_UNKNOWN; /* keep it active */
		r->since = sqlite3_column_int64(st, 2);
		r->last_notified = sqlite3_column_int64(st, 3);
		name = (const char *)sqlite3_column_text(st, 4);
		ww_strlcpy(r->cause, name ? name : "", sizeof(r->cause));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, "read alert state");
	return 0;
}

static struct row *find_row(struct row *rows, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/*
 * The state the machine acts on.  UNKNOWN of a secondary check (no Date
 * header for clock_skew, no WSUS health event yet) is shown by status,
 * check and metrics but not alerted: the primary check (sync staleness)
 * going blind is the news, the rest would be noise beside the endpoint
 * or source alert that explains it.  A quiet check (one failed probe,
 * below probe_failures) is shown everywhere but not alerted: a blip must
 * not page anyone.
 */
static enum ww_state alert_state(const struct ww_check_result *c)
{
	if (c->state == WW_STATE_UNKNOWN && !c->primary)
		return WW_STATE_OK;
	if (c->quiet)
		return WW_STATE_OK;
	return c->state;
}

/* The cause of c as the event tells it; evidence and fix are the
 * cause's (or c's own when c is the cause). */
static void pending_cause(const struct ww_health_report *rep,
			  const struct ww_check_result *c, struct pending *p)
{
	const struct ww_check_result *why = ww_health_cause_of(rep, c);

	/* A clear (a quiet check, a secondary UNKNOWN) has no cause. */
	if (!why || alert_state(c) == WW_STATE_OK)
		return;
	ww_strlcpy(p->cause_key, why->key, sizeof(p->cause_key));
	ww_strlcpy(p->cause, why->cause_text, sizeof(p->cause));
	ww_strlcpy(p->evidence, why->evidence[0] ? why->evidence : why->reason,
		   sizeof(p->evidence));
	ww_strlcpy(p->fix, why->fix, sizeof(p->fix));
}

/* Decide for one check of the report. */
static void decide_check(const struct ww_health_report *rep,
			 const struct ww_check_result *c, struct row *r,
			 int64_t now, int64_t repeat, struct pending *p)
{
	enum ww_alert_transition t;

	memset(p, 0, sizeof(*p));
	pending_cause(rep, c, p);
	ww_strlcpy(p->name, c->key, sizeof(p->name));
	ww_strlcpy(p->check, c->check, sizeof(p->check));
	ww_strlcpy(p->reason, c->reason, sizeof(p->reason));
	ww_strlcpy(p->value, c->value, sizeof(p->value));
	ww_strlcpy(p->threshold, c->threshold, sizeof(p->threshold));
	p->have_value = c->have_value;
	p->raw_value = c->raw_value;
	p->state = alert_state(c);
	p->previous = r ? r->state : WW_STATE_OK;
	p->since = r ? r->since : now;
	p->last_notified = r ? r->last_notified : 0;
	p->event_id = ww_health_event_id(c->event_base, p->state);
	/* A key seen for the first time gets a row, so status knows "since". */
	p->write_row = !r;
	if (!ww_alert_decide(r != NULL, p->previous, p->last_notified,
			     p->state, now, repeat, &t)) {
		/*
		 * Still raised, same state, another cause: the administrator
		 * acting on the first cause must learn of the new one.  The
		 * raise event of the current state goes out again.
		 */
		if (!r || r->state == WW_STATE_OK || p->state == WW_STATE_OK ||
		    strcmp(r->cause, p->cause_key) == 0)
			return;
		t = WW_ALERT_RAISE;
	}
	p->notify = true;
	p->write_row = true;
	p->transition = t;
	p->last_notified = now;
	if (t != WW_ALERT_REPEAT)
		p->since = now;
}

/* An active alert whose check no longer exists is cleared once. */
static void decide_gone(const struct row *r,
			const struct ww_health_report *rep, int64_t now,
			struct pending *p)
{
	const char *colon = strchr(r->name, ':');
	size_t i, len = colon ? (size_t)(colon - r->name) : strlen(r->name);
	unsigned base = 0;

	memset(p, 0, sizeof(*p));
	if (r->state == WW_STATE_OK)
		return;
	for (i = 0; i < ww_health_rule_count(); i++) {
		struct ww_health_rule_info info;

		ww_health_rule_info(i, &info);
		if (strlen(info.name) == len &&
		    strncmp(info.name, r->name, len) == 0)
			base = info.event_base;
	}
	(void)rep;
	ww_strlcpy(p->name, r->name, sizeof(p->name));
	snprintf(p->check, sizeof(p->check), "%.*s", (int)len, r->name);
	ww_strlcpy(p->reason, "check no longer applies (target or source "
			      "removed)", sizeof(p->reason));
	p->state = WW_STATE_OK;
	p->previous = r->state;
	p->since = now;
	p->last_notified = now;
	p->event_id = base ? ww_health_event_id(base, WW_STATE_OK) : 0;
	p->notify = true;
	p->write_row = true;
	p->transition = WW_ALERT_CLEAR;
}

static int write_pending(struct ww_store *s, const struct pending *p,
			 int64_t now, struct ww_err *err)
{
	sqlite3 *db = ww_store_db(s);
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO alert (name, state, since, "
			       "last_notified, reason, value, event_id, cause) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
			       "ON CONFLICT(name) DO UPDATE SET state = ?2, "
			       "since = ?3, last_notified = ?4, reason = ?5, "
			       "value = ?6, event_id = ?7, cause = ?8",
			       -1, &st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "save alert state");
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ww_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p->since);
	if (p->last_notified)
		sqlite3_bind_int64(st, 4, p->last_notified);
	sqlite3_bind_text(st, 5, p->reason, -1, SQLITE_STATIC);
	if (p->have_value)
		sqlite3_bind_int64(st, 6, p->raw_value);
	if (p->event_id)
		sqlite3_bind_int(st, 7, (int)p->event_id);
	if (p->cause_key[0])
		sqlite3_bind_text(st, 8, p->cause_key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return ww_store_error(s, err, "save alert state");
	}
	sqlite3_finalize(st);
	if (!p->notify)
		return 0;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO alert_history (name, at, "
			       "transition, state, reason, cause, "
			       "cause_summary) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return ww_store_error(s, err, "save alert history");
	sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, ww_alert_transition_name(p->transition), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ww_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->reason, -1, SQLITE_STATIC);
	if (p->cause_key[0]) {
		sqlite3_bind_text(st, 6, p->cause_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, p->cause, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return ww_store_error(s, err, "save alert history");
	}
	sqlite3_finalize(st);
	return 0;
}

static int persist(struct ww_store *s, const struct pending *p, size_t n,
		   int64_t now, struct ww_err *err)
{
	size_t i;
	int r;

	r = ww_store_begin(s, err);
	if (r)
		return r;
	for (i = 0; i < n; i++) {
		if (!p[i].write_row)
			continue;
		r = write_pending(s, &p[i], now, err);
		if (r) {
			ww_store_rollback(s);
			return r;
		}
	}
	return ww_store_commit(s, err);
}

static int notify_all(const struct pending *p, size_t n, int64_t now,
		      const struct ww_alert_sink *sinks, size_t nsinks,
		      struct ww_alert_counts *counts, struct ww_err *err)
{
	int first = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct ww_alert_event ev = {
			.transition = p[i].transition, .name = p[i].name,
			.check = p[i].check, .state = p[i].state,
			.previous = p[i].previous, .event_id = p[i].event_id,
			.reason = p[i].reason, .value = p[i].value,
			.threshold = p[i].threshold, .at = now,
			.since = p[i].since, .cause_key = p[i].cause_key,
			.cause = p[i].cause, .evidence = p[i].evidence,
			.fix = p[i].fix,
		};

		if (!p[i].notify)
			continue;
		counts->raised += ev.transition == WW_ALERT_RAISE;
		counts->repeated += ev.transition == WW_ALERT_REPEAT;
		counts->cleared += ev.transition == WW_ALERT_CLEAR;
		for (k = 0; k < nsinks; k++) {
			struct ww_err e;
			int r;

			ww_err_clear(&e);
			r = sinks[k].notify(sinks[k].ctx, &ev, &e);
			if (!r)
				continue;
			counts->sink_failures++;
			if (!first) {
				first = r;
				ww_err_set(err, r, "alert sink %s: %s",
					   sinks[k].name, e.msg);
			}
		}
	}
	return first;
}

int ww_alert_process(struct ww_store *s, const struct ww_health_report *rep,
		     int64_t now, int64_t repeat,
		     const struct ww_alert_sink *sinks, size_t nsinks,
		     struct ww_alert_counts *counts, struct ww_err *err)
{
	struct ww_alert_counts dummy;
	struct row *rows;
	struct pending *pend;
	size_t nrows = 0, npend = 0, i;
	int r;

	if (!counts)
		counts = &dummy;
	memset(counts, 0, sizeof(*counts));
	rows = calloc(WW_ALERT_MAX_ROWS, sizeof(*rows));
	pend = calloc(WW_ALERT_MAX_ROWS + WW_HEALTH_MAX_CHECKS, sizeof(*pend));
	if (!rows || !pend) {
		r = ww_err_set(err, WW_ENOMEM, "alert state: out of memory");
		goto out;
	}
	r = load_rows(s, rows, &nrows, err);
	if (r)
		goto out;
	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];
		struct row *row;

		/* Checks without events (diagnose's items) are not alerted;
		 * status and check show them. */
		if (!c->event_base || c->skipped)
			continue;
		row = find_row(rows, nrows, c->key);
		if (row)
			row->seen = true;
		decide_check(rep, c, row, now, repeat, &pend[npend++]);
	}
	for (i = 0; i < nrows; i++)
		if (!rows[i].seen)
			decide_gone(&rows[i], rep, now, &pend[npend++]);
	r = persist(s, pend, npend, now, err);
	if (r)
		goto out;
	r = notify_all(pend, npend, now, sinks, nsinks, counts, err);
out:
	free(rows);
	free(pend);
	return r;
}
