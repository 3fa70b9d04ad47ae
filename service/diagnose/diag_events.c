/*
 * diag_events.c - WSUS's own events for diagnose: from the live
 * Application log (ww_eventlog_scan: newest first, a bounded window, no
 * store) or from an export (--events, the same import as `analyze
 * --events`).  Both feed ww_diag_events_add(), which keeps only what the
 * Event log group judges: the newest catalog health event
 * (10020/10021/10022), the newest successful sync (384), the newest
 * failed syncs (386), and counts of
 * content download failures (364) and self-check failures (12xxx) with
 * the newest of each.  Meanings come from the one table in
 * probes/events/wsus_event.c.
 *
 * No store: diagnose must not touch the service's database, and the scan
 * hands events over one at a time, so nothing needs to be kept but this
 * summary.
 */
#include "compat.h"

#include "diagnose.h"
#include "util.h"

/* Newest first by time, then by record ID (as the store orders them). */
static bool newer(int64_t t, uint64_t rec, int64_t than_t, uint64_t than_rec)
{
	return t > than_t || (t == than_t && rec > than_rec);
}

/* The message on one line (exports keep WSUS's line breaks), cut at a
 * UTF-8 boundary. */
static void one_line(char *dst, size_t size, const char *msg)
{
	size_t n = 0;
	bool space = false;

	for (; *msg; msg++) {
		if (*msg == '\r' || *msg == '\n' || *msg == '\t' || *msg == ' ') {
			space = n > 0;
			continue;
		}
		if (n + 1 + space >= size)
			break;
		if (space)
			dst[n++] = ' ';
		space = false;
		dst[n++] = *msg;
	}
	/* Cut inside a character: drop its first bytes too. */
	if (((unsigned char)*msg & 0xC0) == 0x80) {
		while (n > 0 && ((unsigned char)dst[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
	}
	dst[n] = '\0';
}

static void seen(struct ww_diag_evseen *s, const struct ww_wsus_event *ev)
{
	if (!s->count || newer(ev->time, ev->record_id, s->last_at,
			       s->last_record)) {
		s->last_at = ev->time;
		s->last_record = ev->record_id;
		s->last_id = ev->event_id;
		one_line(s->example, sizeof(s->example), ev->message);
	}
	s->count++;
}

static void seen_check(struct ww_diag_events *e, uint32_t id)
{
	size_t i;

	for (i = 0; i < e->n_checks; i++)
		if (e->checks[i].id == id)
			break;
	if (i == e->n_checks) {
		if (i == WW_DIAG_SELF_CHECK_IDS)
			return; /* counted in self_check all the same */
		e->checks[e->n_checks++].id = id;
	}
	e->checks[i].count++;
}

static void seen_catalog(struct ww_diag_events *e,
			 const struct ww_wsus_event *ev)
{
	if (e->have_catalog && !newer(ev->time, ev->record_id, e->catalog_at,
				      e->catalog_record))
		return;
	e->have_catalog = true;
	e->catalog_id = (int)ev->event_id;
	e->catalog_at = ev->time;
	e->catalog_record = ev->record_id;
}

/* Keep the reason of a failure among the newest WW_DIAG_EVENT_REASONS. */
static void keep_reason(struct ww_diag_events *e,
			const struct ww_wsus_event *ev)
{
	size_t i, oldest = 0;

	if (e->n_reasons < WW_DIAG_EVENT_REASONS) {
		oldest = e->n_reasons++;
	} else {
		for (i = 1; i < e->n_reasons; i++)
			if (e->reasons[i].record < e->reasons[oldest].record)
				oldest = i;
		if (ev->record_id <= e->reasons[oldest].record)
			return;
	}
	e->reasons[oldest].record = ev->record_id;
	ww_strlcpy(e->reasons[oldest].error, ww_wsus_event_sync_error(ev),
		   sizeof(e->reasons[oldest].error));
}

/*
 * Keep the newest WW_DIAG_EVENT_RESULTS results by record, and the last
 * success apart: failures count after it, and it may come later in the
 * input (the live scan reads newest first).
 */
static void seen_result(struct ww_diag_events *e,
			const struct ww_wsus_event *ev, bool failed)
{
	struct ww_diag_result r = { ev->time, ev->record_id, failed };
	size_t i, oldest = 0;

	if (failed)
		keep_reason(e, ev);
	if (!failed && (!e->have_success || r.record > e->success.record)) {
		e->have_success = true;
		e->success = r;
	}
	if (e->n_results < WW_DIAG_EVENT_RESULTS) {
		e->results[e->n_results++] = r;
		return;
	}
	for (i = 1; i < e->n_results; i++)
		if (e->results[i].record < e->results[oldest].record)
			oldest = i;
	if (r.record > e->results[oldest].record)
		e->results[oldest] = r;
}

int ww_diag_events_add(void *ctx, const struct ww_wsus_event *ev,
		       struct ww_err *err)
{
	struct ww_diag_events *e = ctx;

	(void)err;
	if (!ww_wsus_event_is_wsus(ev))
		return 0;
	e->count++;
	switch (ww_wsus_event_meaning(ev)) {
	case WW_MEANING_CATALOG_SYNC_FAILED:
	case WW_MEANING_CATALOG_STALE:
	case WW_MEANING_CATALOG_HEALTHY:
		seen_catalog(e, ev);
		break;
	case WW_MEANING_SYNC_SUCCEEDED:
		seen_result(e, ev, false);
		break;
	case WW_MEANING_SYNC_FAILED:
		seen_result(e, ev, true);
		break;
	case WW_MEANING_CONTENT_DOWNLOAD_FAILED:
		seen(&e->content, ev);
		break;
	case WW_MEANING_SELF_CHECK_FAILED:
		seen(&e->self_check, ev);
		seen_check(e, ev->event_id);
		break;
	default:
		break;
	}
	return 0;
}

static int read_file(struct ww_diag_events *e, struct ww_err *err)
{
	int r = ww_evimport_file(e->file, ww_diag_events_add, e, &e->import,
				 err);

	if (r)
		return r;
	e->avail = WW_DIAG_AVAILABLE;
	return 0;
}

static void read_live(struct ww_diag_events *e, int64_t now)
{
	const char *absent = ww_eventlog_absent();
	struct ww_err err;

	if (absent) {
		e->avail = WW_DIAG_NOT_HERE;
		ww_strlcpy(e->error, absent, sizeof(e->error));
		return;
	}
	ww_err_clear(&err);
	if (ww_eventlog_scan(NULL, now, ww_diag_events_add, e, &e->scan,
			     &err)) {
		/* Whatever was read before a failure is not a whole window. */
		e->avail = WW_DIAG_UNAVAILABLE;
		ww_strlcpy(e->error, err.msg, sizeof(e->error));
		return;
	}
	e->avail = WW_DIAG_AVAILABLE;
}

int ww_diag_read_events(struct ww_diag_events *e, int64_t now,
			struct ww_err *err)
{
	if (e->file)
		return read_file(e, err);
	read_live(e, now);
	return 0;
}
