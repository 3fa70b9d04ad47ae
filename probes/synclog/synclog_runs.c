/*
 * synclog_runs.c - sync runs from SoftwareDistribution.log records.
 *
 * Signals (wsus-facts.md 1.3, 2.2):
 *   EventId=381 / 382           a scheduled / manual sync started
 *   "Synchronization manually started" (AdminDataAccess, ~2 s before 382)
 *   EventId=384                 completed successfully
 *   EventId=386                 failed; its Message= is the error
 *   EventId=387                 ended otherwise (meaning unverified): failed
 *   CatalogSyncAgent ... SyncFinish
 *                               the sync agent stopped: closes an open run
 *                               that had no 384/386 (failed when an error
 *                               was seen, else unknown); ignored right
 *                               after a 384/386/387
 * Failure findings (Warning/Error level) while a run is open become its
 * error text, the last one winning: it is the one WSUS gave up on.
 */
#include "compat.h"

#include "synclog.h"
#include "utf8.h"
#include "util.h"

/* A "manually started" and its 382 belong together within this. */
#define REQUEST_MERGE_MS (10 * 60 * 1000)
/* A SyncFinish this soon after a completion belongs to that run. */
#define FINISH_MERGE_MS (10 * 60 * 1000)

/* Findings that do not make a metadata sync fail. */
#define NOT_SYNC_FAILURE                                           \
	(((ww_synclog_catset)1u << WW_CAT_CONTENT_DOWNLOAD_FAILURE) | \
	 ((ww_synclog_catset)1u << WW_CAT_HEALTH_CHECK_FAILED) | \
	 WW_SYNCLOG_FACTS)

const char *ww_sync_kind_name(enum ww_sync_kind k)
{
	switch (k) {
	case WW_SYNC_SCHEDULED: return "scheduled";
	case WW_SYNC_MANUAL: return "manual";
	default: return "unknown";
	}
}

const char *ww_sync_result_name(enum ww_sync_result r)
{
	switch (r) {
	case WW_SYNC_RUNNING: return "running";
	case WW_SYNC_SUCCEEDED: return "succeeded";
	case WW_SYNC_FAILED: return "failed";
	default: return "unknown";
	}
}

int ww_sync_kind_from_name(const char *s, enum ww_sync_kind *ret)
{
	int k;

	for (k = WW_SYNC_KIND_UNKNOWN; k <= WW_SYNC_MANUAL; k++)
		if (strcmp(s, ww_sync_kind_name((enum ww_sync_kind)k)) == 0) {
			*ret = (enum ww_sync_kind)k;
			return 0;
		}
	return WW_EINVAL;
}

int ww_sync_result_from_name(const char *s, enum ww_sync_result *ret)
{
	int r;

	for (r = WW_SYNC_RUNNING; r <= WW_SYNC_UNKNOWN; r++)
		if (strcmp(s, ww_sync_result_name((enum ww_sync_result)r)) == 0) {
			*ret = (enum ww_sync_result)r;
			return 0;
		}
	return WW_EINVAL;
}

void ww_sync_tracker_init(struct ww_sync_tracker *t)
{
	memset(t, 0, sizeof(*t));
	t->stale_seconds = WW_SYNC_RUN_STALE_SECONDS;
}

static int64_t rec_ms(const struct ww_synclog_record *rec)
{
	return rec->time * 1000 + rec->millis;
}

/* EventId=NNN of an EventLogEventReporter record, else 0. */
static int event_id(const struct ww_synclog_record *rec)
{
	const char *m = rec->message;
	int id = 0, i;

	if (strcmp(rec->component, "EventLogEventReporter.ReportEvent") != 0 ||
	    strncmp(m, "EventId=", 8) != 0)
		return 0;
	for (i = 8; i < 14 && m[i] >= '0' && m[i] <= '9'; i++)
		id = id * 10 + (m[i] - '0');
	return id;
}

static bool is_manual_request(const struct ww_synclog_record *rec)
{
	return strcmp(rec->component, "AdminDataAccess.StartSubscriptionManually") == 0;
}

static bool is_sync_finish(const struct ww_synclog_record *rec)
{
	return strncmp(rec->component, "CatalogSyncAgent.", 17) == 0 &&
	       strstr(rec->message, "SyncFinish") != NULL;
}

/* The Message= part of an EventLogEventReporter record, first line. */
static void event_message(const struct ww_synclog_record *rec, char *buf,
			  size_t size)
{
	const char *m = strstr(rec->message, "Message=");
	struct ww_synclog_record tmp = *rec;

	if (m) {
		tmp.message = m + 8;
		tmp.message_len = rec->message_len - (size_t)(tmp.message - rec->message);
	}
	ww_synclog_example(&tmp, buf, size);
}

static void open_run(struct ww_sync_tracker *t,
		     const struct ww_synclog_record *rec, enum ww_sync_kind kind)
{
	struct ww_sync_run *r = &t->open;

	memset(r, 0, sizeof(*r));
	r->started_ms = rec_ms(rec);
	r->started_at = rec->time;
	r->finished_ms = WW_TIME_UNKNOWN;
	r->finished_at = WW_TIME_UNKNOWN;
	r->kind = kind;
	r->result = WW_SYNC_RUNNING;
	snprintf(r->key, sizeof(r->key), "s%" PRId64, r->started_ms);
	t->has_open = true;
	t->open_expired = false;
	t->open_by_request = false;
}

/* Close the open run (or a run whose start was not seen). */
static int close_run(struct ww_sync_tracker *t,
		     const struct ww_synclog_record *rec,
		     enum ww_sync_result result, const char *error,
		     ww_sync_run_fn fn, void *ctx)
{
	struct ww_sync_run *r = &t->open;

	if (!t->has_open) {
		memset(r, 0, sizeof(*r));
		r->started_ms = WW_TIME_UNKNOWN;
		r->started_at = WW_TIME_UNKNOWN;
		r->kind = WW_SYNC_KIND_UNKNOWN;
		snprintf(r->key, sizeof(r->key), "f%" PRId64, rec_ms(rec));
	}
	r->finished_ms = rec_ms(rec);
	r->finished_at = rec->time;
	r->result = result;
	if (error && *error)
		ww_strlcpy(r->error, error, sizeof(r->error));
	t->last = *r;
	t->has_last = true;
	t->has_open = false;
	return fn ? fn(ctx, &t->last) : 0;
}

static int on_start(struct ww_sync_tracker *t,
		    const struct ww_synclog_record *rec, int id,
		    ww_sync_run_fn fn, void *ctx)
{
	enum ww_sync_kind kind = id == 381 ? WW_SYNC_SCHEDULED : WW_SYNC_MANUAL;
	int r;

	if (t->has_open && t->open_by_request && id &&
	    rec_ms(rec) - t->open.started_ms <= REQUEST_MERGE_MS) {
		t->open_by_request = false;
		t->open.kind = kind;
		return fn ? fn(ctx, &t->open) : 0;
	}
	if (t->has_open && !id && !t->open_expired &&
	    rec->time - t->open.started_at <= t->stale_seconds)
		return 0; /* "sync now" clicked while a sync runs */
	if (t->has_open) {
		r = close_run(t, rec, WW_SYNC_UNKNOWN,
			      t->open.error[0] ? NULL :
			      "no completion was logged before the next "
			      "synchronization started", fn, ctx);
		if (r)
			return r;
	}
	open_run(t, rec, kind);
	t->open_by_request = id == 0;
	return fn ? fn(ctx, &t->open) : 0;
}

static int on_sync_finish(struct ww_sync_tracker *t,
			  const struct ww_synclog_record *rec,
			  ww_sync_run_fn fn, void *ctx)
{
	if (!t->has_open) {
		if (t->has_last && t->last.finished_ms != WW_TIME_UNKNOWN &&
		    rec_ms(rec) - t->last.finished_ms <= FINISH_MERGE_MS)
			return 0;
		return close_run(t, rec, WW_SYNC_UNKNOWN, NULL, fn, ctx);
	}
	return close_run(t, rec, t->open.error[0] ? WW_SYNC_FAILED :
			 WW_SYNC_UNKNOWN, NULL, fn, ctx);
}

static int on_failure(struct ww_sync_tracker *t,
		      const struct ww_synclog_record *rec,
		      ww_synclog_catset cats, ww_sync_run_fn fn, void *ctx)
{
	char example[WW_SYNCLOG_EXAMPLE_MAX];
	int c = 0;

	while (!(cats & ((ww_synclog_catset)1u << c)))
		c++;
	ww_synclog_example(rec, example, sizeof(example));
	snprintf(t->open.error, sizeof(t->open.error), "%s: %s",
		 ww_synclog_category_name((enum ww_synclog_category)c), example);
	ww_utf8_trim_cut(t->open.error); /* the example may not fit whole */
	return fn ? fn(ctx, &t->open) : 0;
}

int ww_sync_tracker_record(struct ww_sync_tracker *t,
			   const struct ww_synclog_record *rec,
			   ww_synclog_catset cats, ww_sync_run_fn fn,
			   void *ctx)
{
	char msg[WW_SYNC_ERROR_MAX];
	int id = event_id(rec);

	switch (id) {
	case 381:
	case 382:
		return on_start(t, rec, id, fn, ctx);
	case 384:
		return close_run(t, rec, WW_SYNC_SUCCEEDED, NULL, fn, ctx);
	case 386:
	case 387:
		event_message(rec, msg, sizeof(msg));
		if (!msg[0])
			snprintf(msg, sizeof(msg), "EventId=%d", id);
		return close_run(t, rec, WW_SYNC_FAILED, msg, fn, ctx);
	default:
		break;
	}
	if (is_manual_request(rec))
		return on_start(t, rec, 0, fn, ctx);
	if (is_sync_finish(rec))
		return on_sync_finish(t, rec, fn, ctx);
	cats &= ~NOT_SYNC_FAILURE;
	if (t->has_open && cats && (rec->level == WW_SYNCLOG_LEVEL_ERROR ||
				    rec->level == WW_SYNCLOG_LEVEL_WARNING))
		return on_failure(t, rec, cats, fn, ctx);
	return 0;
}

int ww_sync_tracker_expire(struct ww_sync_tracker *t, int64_t now,
			   ww_sync_run_fn fn, void *ctx)
{
	if (!t->has_open || t->open_expired ||
	    t->open.started_at == WW_TIME_UNKNOWN ||
	    now - t->open.started_at <= t->stale_seconds)
		return 0;
	t->open_expired = true;
	t->open.result = WW_SYNC_UNKNOWN;
	return fn ? fn(ctx, &t->open) : 0;
}

/* ---- run lists ------------------------------------------------------- */

/*
 * WSUS logs a failed sync twice: the exception record, then the 386 that
 * repeats its reason ("Synchronization failed. Reason: ...").  The 386 is
 * the same failure, so a category it shares with a record seen within this
 * many seconds before it is not counted again.
 */
#define WW_FINDING_REPEAT_WINDOW 300

static bool repeats_reason(const struct ww_finding_summary *f,
			   ww_synclog_catset cats,
			   const struct ww_synclog_record *rec)
{
	return (cats & (1u << WW_CAT_SYNC_FAILED)) && f->count &&
	       rec->time >= f->last_seen &&
	       rec->time - f->last_seen <= WW_FINDING_REPEAT_WINDOW;
}

void ww_finding_summary_add(struct ww_finding_summary *sums,
			    ww_synclog_catset cats,
			    const struct ww_synclog_record *rec)
{
	int c;

	for (c = 0; c < WW_CAT_COUNT; c++) {
		struct ww_finding_summary *f = &sums[c];

		if (!(cats & (1u << c)))
			continue;
		if (c != WW_CAT_SYNC_FAILED && repeats_reason(f, cats, rec))
			continue;
		if (!f->count || rec->time < f->first_seen)
			f->first_seen = rec->time;
		if (!f->count || rec->time >= f->last_seen) {
			f->last_seen = rec->time;
			ww_synclog_example(rec, f->example, sizeof(f->example));
		}
		f->count++;
	}
}

void ww_sync_run_list_init(struct ww_sync_run_list *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
}

void ww_sync_run_list_release(struct ww_sync_run_list *l)
{
	WW_FREE(l->runs);
	l->n = l->cap = 0;
}

int ww_sync_run_list_put(struct ww_sync_run_list *l,
			 const struct ww_sync_run *run)
{
	size_t i;

	/* The run being updated is nearly always the newest one. */
	for (i = l->n; i-- > 0;)
		if (strcmp(l->runs[i].key, run->key) == 0) {
			l->runs[i] = *run;
			return 0;
		}
	if (l->n == l->max) {
		if (!l->max)
			return WW_ERANGE;
		memmove(l->runs, l->runs + 1, (l->n - 1) * sizeof(*l->runs));
		l->n--;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ww_sync_run *n = realloc(l->runs, cap * sizeof(*n));

		if (!n)
			return WW_ENOMEM;
		l->runs = n;
		l->cap = cap;
	}
	l->runs[l->n++] = *run;
	return 0;
}

static int64_t run_time(const struct ww_sync_run *r)
{
	return r->started_ms != WW_TIME_UNKNOWN ? r->started_ms : r->finished_ms;
}

static int cmp_runs(const void *a, const void *b)
{
	int64_t x = run_time(a), y = run_time(b);

	return x < y ? -1 : x > y;
}

void ww_sync_run_list_sort(struct ww_sync_run_list *l)
{
	if (l->n > 1)
		qsort(l->runs, l->n, sizeof(*l->runs), cmp_runs);
}

int64_t ww_sync_run_list_last_attempt(const struct ww_sync_run_list *l)
{
	int64_t best = WW_TIME_UNKNOWN;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct ww_sync_run *r = &l->runs[i];
		int64_t t = r->started_at != WW_TIME_UNKNOWN ? r->started_at :
							       r->finished_at;
		if (t > best)
			best = t;
	}
	return best;
}

int64_t ww_sync_run_list_last_success(const struct ww_sync_run_list *l)
{
	int64_t best = WW_TIME_UNKNOWN;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->runs[i].result == WW_SYNC_SUCCEEDED &&
		    l->runs[i].finished_at > best)
			best = l->runs[i].finished_at;
	return best;
}
