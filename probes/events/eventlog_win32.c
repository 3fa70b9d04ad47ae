/*
 * eventlog_win32.c - the live reader of WSUS events (probes/events/eventlog.h)
 * on the Windows Event Log API (wevtapi).
 *
 * Catch up with EvtQuery (forward, XPath on the WSUS provider and the IDs
 * of the meaning table) positioned by EvtSeek on the saved bookmark, then
 * follow with a pull-mode EvtSubscribe (signal event, StartAfterBookmark).
 * System values come from EvtRenderEventValues with EvtRenderContextSystem,
 * the message from EvtFormatMessage (localized; stored, never matched).
 * The bookmark (EvtCreateBookmark / EvtUpdateBookmark, saved as the XML of
 * EvtRender(EvtRenderBookmark)) is written with the events it covers.
 *
 * The scan (ww_eventlog_scan, for diagnose) shares the query, render and
 * format code but reads newest first (EvtQueryReverseDirection) with a
 * TimeCreated window in the XPath, stores nothing and keeps no bookmark.
 *
 * All Evt* calls go through ww_evt_api (eventlog_win32.h) so that the unit
 * test can drive this file under Wine, whose wevtapi is a stub.
 */
#include "compat.h"

#include "os_win32.h"

#include <winevt.h>

#include "eventlog.h"
#include "eventlog_win32.h"
#include "evstore.h"
#include "wsus_event.h"
#include "util.h"

#define RENDER_MAX (256 * 1024)       /* bytes of rendered values */
#define MESSAGE_WCHARS_MAX (32 * 1024)
#define QUERY_TIMEOUT_MS 10000
/* Ours (customer bit set): the saved bookmark XML is not a bookmark. */
#define WW_BOOKMARK_UNREADABLE ((DWORD)0x20000001)
#define PROBE_COUNT_MAX 100000
#define SCAN_BATCH 64
#define SCAN_IDS_MAX 32

#define REAL_API { EvtQuery, EvtNext, EvtSeek, EvtSubscribe,              \
		   EvtCreateRenderContext, EvtRender,                       \
		   EvtOpenPublisherMetadata, EvtFormatMessage,              \
		   EvtCreateBookmark, EvtUpdateBookmark, EvtClose }

struct ww_evt_api ww_evt_api = REAL_API;

void ww_evt_api_reset(void)
{
	static const struct ww_evt_api real = REAL_API;

	ww_evt_api = real;
}

struct ww_eventlog {
	struct ww_store *store;
	struct ww_evstore *w;
	char channel[64];
	wchar_t *channel_w, *xpath_w;
	EVT_HANDLE ctx, bookmark, query, sub, publisher;
	HANDLE signal;
	bool publisher_tried;
	bool newest_first;      /* the scan's query runs backwards */
	uint64_t skip_through; /* records <= this are already stored */
	unsigned batch, per_poll;
	unsigned batch_stored;  /* added to st.stored once committed */
	unsigned batch_gaps;    /* added to st.gaps once committed */
	unsigned char *render_buf;
	DWORD render_cap;
	wchar_t *msg_buf;
	DWORD msg_cap;
	struct ww_eventlog_status st;
};

static void evt_close(EVT_HANDLE *h)
{
	if (*h) {
		ww_evt_api.close(*h);
		*h = NULL;
	}
}

static int unavailable(struct ww_err *err, DWORD e, const char *call,
		       const char *channel)
{
	char text[256];

	/* Wine's stub EvtQuery fails without setting an error code. */
	if (e == 0)
		return ww_err_set(err, WW_EUNAVAIL, "%s: %s(%s) returned no "
				  "handle and no error: wevtapi is a stub here "
				  "(Wine?)", WW_EVENTLOG_UNAVAILABLE, call,
				  channel);
	ww_win_strerror(e, text, sizeof(text));
	return ww_err_set_os(err, WW_EUNAVAIL, e, "%s: %s(%s) failed: %s "
			     "(error %lu)", WW_EVENTLOG_UNAVAILABLE, call,
			     channel, text, (unsigned long)e);
}

/* Copy UTF-16 as UTF-8 into a fixed buffer, cut at a character boundary. */
static bool utf8_copy(char *dst, size_t size, const wchar_t *src)
{
	char *u = src ? ww_win_utf8(src) : NULL;
	size_t n;
	bool cut = false;

	dst[0] = '\0';
	if (!u)
		return false;
	n = ww_strlcpy(dst, u, size);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
			n--;
		dst[n] = '\0';
		cut = true;
	}
	free(u);
	return cut;
}

/* Grow *buf to at least need bytes, at most max. */
static bool grow(void **buf, DWORD *cap, DWORD need, DWORD max)
{
	void *p;

	if (need <= *cap)
		return true;
	if (need > max)
		return false;
	p = realloc(*buf, need);
	if (!p)
		return false;
	*buf = p;
	*cap = need;
	return true;
}

/*
 * EvtRender with the insufficient-buffer protocol; the result stays in
 * el->render_buf.  Returns 0 or the Win32 error.
 */
static DWORD render(struct ww_eventlog *el, EVT_HANDLE ctx, EVT_HANDLE h,
		    DWORD flags, DWORD *ret_count)
{
	DWORD used = 0, count = 0, e;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		if (ww_evt_api.render(ctx, h, flags, el->render_cap,
				      el->render_buf, &used, &count)) {
			*ret_count = count;
			return 0;
		}
		e = GetLastError();
		if (e != ERROR_INSUFFICIENT_BUFFER)
			return e;
		if (!grow((void **)&el->render_buf, &el->render_cap, used,
			  RENDER_MAX))
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	return ERROR_INSUFFICIENT_BUFFER;
}

static int64_t filetime_to_unix(ULONGLONG ft)
{
	return (int64_t)(ft / 10000000ull) - 11644473600ll;
}

/* System values of one event into ev (message not touched). */
static DWORD render_values(struct ww_eventlog *el, EVT_HANDLE h,
			   struct ww_wsus_event *ev)
{
	const EVT_VARIANT *v;
	DWORD count = 0, e;

	e = render(el, el->ctx, h, EvtRenderEventValues, &count);
	if (e)
		return e;
	if (count <= EvtSystemComputer)
		return ERROR_INVALID_DATA;
	v = (const EVT_VARIANT *)el->render_buf;
	/* Every value decisions depend on, with its type checked. */
	if (v[EvtSystemProviderName].Type != EvtVarTypeString ||
	    v[EvtSystemEventID].Type != EvtVarTypeUInt16 ||
	    v[EvtSystemEventRecordId].Type != EvtVarTypeUInt64)
		return ERROR_INVALID_DATA;
	utf8_copy(ev->provider, sizeof(ev->provider),
		  v[EvtSystemProviderName].StringVal);
	ww_wsus_event_set_id(ev, v[EvtSystemEventID].UInt16Val);
	if (v[EvtSystemQualifiers].Type == EvtVarTypeUInt16) {
		ev->qualifiers = v[EvtSystemQualifiers].UInt16Val;
		ev->has_qualifiers = true;
	}
	if (v[EvtSystemLevel].Type == EvtVarTypeByte)
		ev->level = v[EvtSystemLevel].ByteVal;
	if (v[EvtSystemTimeCreated].Type == EvtVarTypeFileTime)
		ev->time = filetime_to_unix(v[EvtSystemTimeCreated].FileTimeVal);
	ev->record_id = v[EvtSystemEventRecordId].UInt64Val;
	if (v[EvtSystemChannel].Type == EvtVarTypeString)
		utf8_copy(ev->channel, sizeof(ev->channel),
			  v[EvtSystemChannel].StringVal);
	if (v[EvtSystemComputer].Type == EvtVarTypeString)
		utf8_copy(ev->computer, sizeof(ev->computer),
			  v[EvtSystemComputer].StringVal);
	return 0;
}

/*
 * The localized message.  A missing message file or unresolved inserts
 * leave what Windows could format (possibly nothing): the event is still
 * stored, decisions never depend on this text.
 */
static void format_message(struct ww_eventlog *el, EVT_HANDLE h,
			   struct ww_wsus_event *ev)
{
	DWORD used = 0, e;
	int tries;

	ev->message[0] = '\0';
	if (!el->publisher_tried) {
		el->publisher_tried = true;
		el->publisher = ww_evt_api.open_publisher_metadata(
			NULL, L"" WW_WSUS_PROVIDER, NULL, 0, 0);
	}
	if (!el->publisher)
		return;
	for (tries = 0; tries < 4; tries++) {
		BOOL ok = ww_evt_api.format_message(el->publisher, h, 0, 0, NULL,
						    EvtFormatMessageEvent,
						    el->msg_cap / sizeof(wchar_t),
						    el->msg_buf, &used);

		e = ok ? 0 : GetLastError();
		if (e == ERROR_INSUFFICIENT_BUFFER) {
			if (!grow((void **)&el->msg_buf, &el->msg_cap,
				  used * (DWORD)sizeof(wchar_t),
				  MESSAGE_WCHARS_MAX * sizeof(wchar_t)))
				return;
			continue;
		}
		if ((ok || e == ERROR_EVT_UNRESOLVED_VALUE_INSERT ||
		     e == ERROR_EVT_UNRESOLVED_PARAMETER_INSERT ||
		     e == ERROR_EVT_MAX_INSERTS_REACHED) &&
		    el->msg_buf && used > 0) {
			el->msg_buf[used - 1] = L'\0';
			ev->message_cut = utf8_copy(ev->message,
						    sizeof(ev->message),
						    el->msg_buf);
		}
		return;
	}
}

/* The bookmark as XML (heap UTF-8) for source_position. */
static int bookmark_xml(struct ww_eventlog *el, char **ret, struct ww_err *err)
{
	DWORD count, e = render(el, NULL, el->bookmark, EvtRenderBookmark,
				&count);

	*ret = NULL;
	if (e)
		return ww_win_err(err, e, "EvtRender(bookmark)", el->channel);
	/* Rendered XML is NUL-terminated UTF-16. */
	*ret = ww_win_utf8((const wchar_t *)el->render_buf);
	return *ret ? 0 : ww_err_set(err, WW_ENOMEM, "out of memory");
}

/*
 * Record ID of the oldest event in the channel into *rid, 0 when it is
 * empty; 0 or the error that kept it from being known.  A failure is not
 * an empty log: taken for one, it would archive every row stored so far.
 */
static DWORD oldest_record(struct ww_eventlog *el, uint64_t *rid)
{
	EVT_HANDLE q, h = NULL;
	struct ww_wsus_event ev;
	DWORD n = 0, e = 0;

	*rid = 0;
	q = ww_evt_api.query(NULL, el->channel_w, L"*",
			     EvtQueryChannelPath | EvtQueryForwardDirection);
	if (!q)
		return GetLastError() ? GetLastError() : ERROR_GEN_FAILURE;
	if (ww_evt_api.next(q, 1, &h, QUERY_TIMEOUT_MS, 0, &n) && n == 1) {
		memset(&ev, 0, sizeof(ev));
		e = render_values(el, h, &ev);
		*rid = ev.record_id;
		ww_evt_api.close(h);
	} else if ((e = GetLastError()) == ERROR_NO_MORE_ITEMS) {
		e = 0;
	}
	ww_evt_api.close(q);
	return e;
}

/*
 * The bookmarked record is gone: write a gap finding and forget the
 * position, in one transaction.  When record numbering restarted (log
 * cleared: the oldest record is not after the bookmark), the rows stored
 * so far are archived under "eventlog@<time>" so that new records with
 * the same IDs are not taken for duplicates.
 */
static int record_gap(struct ww_eventlog *el, uint64_t bookmarked,
		      DWORD why, int64_t now, struct ww_err *err)
{
	uint64_t oldest;
	DWORD e = oldest_record(el, &oldest);
	bool restarted = oldest == 0 || oldest <= bookmarked;
	char msg[512], arch[64], text[128];
	int r;

	if (e)
		return ww_win_err(err, e, "EvtQuery(oldest record)",
				  el->channel);
	if (why == WW_BOOKMARK_UNREADABLE)
		ww_strlcpy(text, "the saved bookmark cannot be read",
			   sizeof(text));
	else
		ww_win_strerror(why, text, sizeof(text));
	snprintf(msg, sizeof(msg), "the event log bookmark (record %" PRIu64
		 ") is no longer in the %s log (%s): it was cleared or wrapped "
		 "around; reading again from the oldest record (%" PRIu64 "%s); "
		 "WSUS events written in between are lost", bookmarked,
		 el->channel, text, oldest, oldest ? "" : ": the log is empty");
	snprintf(arch, sizeof(arch), "%s@%" PRId64, WW_EVSTORE_LIVE_SOURCE, now);
	if ((r = ww_store_begin(el->store, err)))
		return r;
	r = ww_evstore_gap(el->w, WW_EVSTORE_LIVE_SOURCE, now, msg, err);
	if (!r && restarted)
		r = ww_evstore_archive(el->w, WW_EVSTORE_LIVE_SOURCE, arch, err);
	if (!r)
		r = ww_evstore_save_position(el->w, WW_EVSTORE_LIVE_SOURCE,
					     el->channel, NULL, 0, now, err);
	if (!r)
		r = ww_store_commit(el->store, err);
	if (r) {
		ww_store_rollback(el->store);
		return r;
	}
	el->st.gaps++;
	return 0;
}

static int open_query(struct ww_eventlog *el, struct ww_err *err)
{
	SetLastError(0);
	el->query = ww_evt_api.query(NULL, el->channel_w, el->xpath_w,
				     EvtQueryChannelPath |
				     (el->newest_first ? EvtQueryReverseDirection
						       : EvtQueryForwardDirection));
	if (!el->query)
		return unavailable(err, GetLastError(), "EvtQuery", el->channel);
	return 0;
}

/* A seek error that means the bookmarked record left the log. */
static bool bookmark_gone(DWORD e)
{
	return e == ERROR_NOT_FOUND ||
	       e == ERROR_EVT_QUERY_RESULT_INVALID_POSITION ||
	       e == WW_BOOKMARK_UNREADABLE;
}

/* Try to position the fresh query on the saved bookmark; 0 or the error. */
static DWORD seek_bookmark(struct ww_eventlog *el, const char *xml)
{
	wchar_t *xw = ww_win_utf16(xml);
	EVT_HANDLE bm = xw ? ww_evt_api.create_bookmark(xw) : NULL;
	DWORD e = 0;

	if (!bm)
		e = xw ? WW_BOOKMARK_UNREADABLE : ERROR_NOT_ENOUGH_MEMORY;
	else if (!ww_evt_api.seek(el->query, 0, bm, 0,
				  EvtSeekRelativeToBookmark | EvtSeekStrict))
		e = GetLastError();
	free(xw);
	if (e) {
		if (bm)
			ww_evt_api.close(bm);
		return e ? e : ERROR_NOT_FOUND;
	}
	el->bookmark = bm;
	return 0;
}

/*
 * (Re)start reading from the position saved in the store: the single
 * source of truth, so any failure mid-batch restarts from here.
 */
static int start_reading(struct ww_eventlog *el, int64_t now,
			 struct ww_err *err)
{
	char *xml = NULL;
	uint64_t rec = 0;
	DWORD e;
	int r;

	evt_close(&el->query);
	evt_close(&el->sub);
	evt_close(&el->bookmark);
	el->st.following = false;
	r = ww_evstore_load_position(el->store, WW_EVSTORE_LIVE_SOURCE, &xml,
				     &rec, err);
	if (!r)
		r = open_query(el, err);
	if (!r && xml) {
		e = seek_bookmark(el, xml);
		if (!e) {
			el->skip_through = el->st.last_record_id = rec;
			goto out;
		}
		/*
		 * Only "the bookmarked record is not there" is a gap.  A
		 * transient failure (RPC), a query the log refuses (an XPath
		 * changed by an upgrade) is an error: the poll fails and is
		 * retried, and nothing stored is archived.
		 */
		if (!bookmark_gone(e)) {
			r = ww_win_err(err, e, "EvtSeek(bookmark)", el->channel);
			goto out;
		}
		r = record_gap(el, rec, e, now, err);
		evt_close(&el->query);
		if (!r)
			r = open_query(el, err);
	}
	if (!r) {
		el->skip_through = el->st.last_record_id = 0;
		el->bookmark = ww_evt_api.create_bookmark(NULL);
		if (!el->bookmark)
			r = ww_win_err(err, GetLastError(), "EvtCreateBookmark",
				       el->channel);
	}
out:
	free(xml);
	return r;
}

/*
 * Record IDs went back while reading (the log was cleared while the
 * service ran, and numbering restarted at 1): the rows stored so far are
 * archived under "eventlog@<now>" and a gap finding says so, in the batch's
 * transaction, so that new events with the same IDs are stored rather
 * than dropped by UNIQUE(source, record_id) as duplicates.
 */
static int numbering_restarted(struct ww_eventlog *el, uint64_t rid,
			       int64_t now, struct ww_err *err)
{
	char msg[512], arch[64];
	int r;

	snprintf(msg, sizeof(msg), "the %s log's record numbers restarted "
		 "(record %" PRIu64 " after %" PRIu64 "): it was cleared while "
		 "the service ran; WSUS events written before the clear and "
		 "not read yet are lost", el->channel, rid,
		 el->st.last_record_id);
	snprintf(arch, sizeof(arch), "%s@%" PRId64, WW_EVSTORE_LIVE_SOURCE, now);
	r = ww_evstore_gap(el->w, WW_EVSTORE_LIVE_SOURCE, now, msg, err);
	if (!r)
		r = ww_evstore_archive(el->w, WW_EVSTORE_LIVE_SOURCE, arch, err);
	if (!r) {
		el->batch_gaps++;
		el->st.last_record_id = 0;
	}
	return r;
}

/* Render, store and bookmark one event (inside the batch transaction). */
static int store_one(struct ww_eventlog *el, EVT_HANDLE h, int64_t now,
		     struct ww_err *err)
{
	struct ww_wsus_event *ev = calloc(1, sizeof(*ev));
	bool added = false;
	char msg[256];
	DWORD e;
	int r = 0;

	if (!ev)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	e = render_values(el, h, ev);
	if (e) {
		/* Unreadable: say so rather than skip it silently. */
		ww_win_strerror(e, msg, sizeof(msg));
		r = ww_evstore_gap(el->w, WW_EVSTORE_LIVE_SOURCE, now, msg, err);
		goto bookmark;
	}
	if (!el->skip_through || ev->record_id > el->skip_through) {
		if (el->st.last_record_id &&
		    ev->record_id <= el->st.last_record_id)
			r = numbering_restarted(el, ev->record_id, now, err);
		if (r)
			goto bookmark;
		format_message(el, h, ev);
		r = ww_evstore_add(el->w, WW_EVSTORE_LIVE_SOURCE, ev, &added, err);
		if (!r && added)
			el->batch_stored++;
		el->st.last_record_id = ev->record_id;
	}
bookmark:
	if (!r && !ww_evt_api.update_bookmark(el->bookmark, h))
		r = ww_win_err(err, GetLastError(), "EvtUpdateBookmark",
			       el->channel);
	free(ev);
	return r;
}

/* One batch and the bookmark that covers it: one transaction. */
static int store_batch(struct ww_eventlog *el, EVT_HANDLE *hs, DWORD n,
		       int64_t now, struct ww_err *err)
{
	char *xml = NULL;
	DWORD i;
	int r;

	el->batch_stored = el->batch_gaps = 0;
	if ((r = ww_store_begin(el->store, err)))
		return r;
	for (i = 0; i < n && !r; i++)
		r = store_one(el, hs[i], now, err);
	if (!r)
		r = bookmark_xml(el, &xml, err);
	if (!r)
		r = ww_evstore_save_position(el->w, WW_EVSTORE_LIVE_SOURCE,
					     el->channel, xml,
					     el->st.last_record_id, now, err);
	if (!r)
		r = ww_store_commit(el->store, err);
	if (r)
		ww_store_rollback(el->store);
	else {
		el->st.stored += el->batch_stored;
		el->st.gaps += el->batch_gaps;
	}
	free(xml);
	return r;
}

/*
 * Read one batch from a query or subscription: 1 when events were stored,
 * 0 when nothing is pending, negative on error (the caller restarts from
 * the saved bookmark; the in-memory one may be ahead of the store).
 */
static int read_batch(struct ww_eventlog *el, EVT_HANDLE rs, DWORD timeout,
		      int64_t now, DWORD *got, struct ww_err *err)
{
	EVT_HANDLE hs[WW_EVENTLOG_BATCH_MAX];
	DWORD n = 0, i, e;
	int r;

	*got = 0;
	if (!ww_evt_api.next(rs, el->batch, hs, timeout, 0, &n)) {
		e = GetLastError();
		if (e == ERROR_NO_MORE_ITEMS || e == ERROR_TIMEOUT)
			return 0;
		return ww_win_err(err, e, "EvtNext", el->channel);
	}
	r = store_batch(el, hs, n, now, err);
	for (i = 0; i < n; i++)
		ww_evt_api.close(hs[i]);
	*got = n;
	return r ? r : 1;
}

static int subscribe(struct ww_eventlog *el, struct ww_err *err)
{
	bool after = el->st.last_record_id != 0 || el->skip_through != 0;
	DWORD flags = after ? EvtSubscribeStartAfterBookmark | EvtSubscribeStrict
			    : EvtSubscribeStartAtOldestRecord;

	ResetEvent(el->signal);
	el->sub = ww_evt_api.subscribe(NULL, el->signal, el->channel_w,
				       el->xpath_w, after ? el->bookmark : NULL,
				       NULL, NULL, flags);
	if (!el->sub)
		return ww_win_err(err, GetLastError(), "EvtSubscribe",
				  el->channel);
	el->st.following = true;
	return 0;
}

/* One step of poll: 1 more to do, 0 done, negative error. */
static int poll_step(struct ww_eventlog *el, int64_t now, uint64_t *total,
		     struct ww_err *err)
{
	DWORD got = 0;
	int r;

	if (el->query) {
		r = read_batch(el, el->query, QUERY_TIMEOUT_MS, now, &got, err);
		*total += got;
		if (r != 0)
			return r;
		evt_close(&el->query);
		el->skip_through = 0;
		r = subscribe(el, err);
		return r ? r : 1;
	}
	if (!el->sub) {
		r = start_reading(el, now, err);
		return r ? r : 1;
	}
	r = read_batch(el, el->sub, 0, now, &got, err);
	*total += got;
	return r;
}

int ww_eventlog_poll(struct ww_eventlog *el, int64_t now,
		     uint64_t *ret_stored, struct ww_err *err)
{
	uint64_t before = el->st.stored, total = 0;
	bool restarted = false;
	int r = 0;

	if (el->sub)
		ResetEvent(el->signal);
	while (total < el->per_poll) {
		r = poll_step(el, now, &total, err);
		if (r > 0)
			continue;
		if (r == 0 || restarted)
			break;
		/* Stale query, lost subscription, failed batch: from the store. */
		restarted = true;
		r = start_reading(el, now, err);
		if (r)
			break;
	}
	if (r < 0) {
		snprintf(el->st.error, sizeof(el->st.error), "%s",
			 err ? err->msg : "event log read failed");
	} else {
		r = 0;
		el->st.error[0] = '\0';
		el->st.last_read_at = now;
	}
	if (ret_stored)
		*ret_stored = el->st.stored - before;
	return r;
}

bool ww_eventlog_wait(struct ww_eventlog *el, unsigned timeout_ms)
{
	if (!el->sub)
		return el->query != NULL;
	return WaitForSingleObject(el->signal, timeout_ms) == WAIT_OBJECT_0;
}

void ww_eventlog_get_status(const struct ww_eventlog *el,
			    struct ww_eventlog_status *ret)
{
	*ret = el->st;
}

/* Every handle and buffer of el, not el itself. */
static void release(struct ww_eventlog *el)
{
	evt_close(&el->query);
	evt_close(&el->sub);
	evt_close(&el->bookmark);
	evt_close(&el->publisher);
	evt_close(&el->ctx);
	if (el->signal)
		CloseHandle(el->signal);
	ww_evstore_free(el->w);
	free(el->channel_w);
	free(el->xpath_w);
	free(el->render_buf);
	free(el->msg_buf);
}

void ww_eventlog_close(struct ww_eventlog *el)
{
	if (!el)
		return;
	release(el);
	free(el);
}

/* max_age > 0: only events of that many seconds (the scan's window). */
static int init(struct ww_eventlog *el, const struct ww_eventlog_opts *opts,
		int64_t max_age, struct ww_err *err)
{
	char xpath[WW_WSUS_XPATH_MAX];
	const char *ch = opts && opts->channel ? opts->channel
					       : WW_EVENTLOG_CHANNEL;
	int r;

	ww_strlcpy(el->channel, ch, sizeof(el->channel));
	el->batch = opts && opts->batch ? opts->batch : WW_EVENTLOG_BATCH_DEFAULT;
	if (el->batch > WW_EVENTLOG_BATCH_MAX)
		el->batch = WW_EVENTLOG_BATCH_MAX;
	el->per_poll = opts && opts->max_per_poll ? opts->max_per_poll
						  : WW_EVENTLOG_PER_POLL_DEFAULT;
	if (ww_wsus_event_xpath(xpath, sizeof(xpath), max_age))
		return ww_err_set(err, WW_ERANGE, "event log XPath too long");
	el->channel_w = ww_win_utf16(el->channel);
	el->xpath_w = ww_win_utf16(xpath);
	el->signal = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!el->channel_w || !el->xpath_w || !el->signal)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	/*
	 * EvtQuery first: Wine implements it (returning NULL) while other
	 * Evt* functions there are unimplemented stubs that abort the
	 * process when called.  Only a channel that answers a query gets a
	 * render context.
	 */
	r = open_query(el, err);
	evt_close(&el->query);
	if (r)
		return r;
	el->ctx = ww_evt_api.create_render_context(0, NULL,
						   EvtRenderContextSystem);
	if (!el->ctx)
		return unavailable(err, GetLastError(), "EvtCreateRenderContext",
				   el->channel);
	return 0;
}

int ww_eventlog_open(struct ww_store *store,
		     const struct ww_eventlog_opts *opts, int64_t now,
		     struct ww_eventlog **ret, struct ww_err *err)
{
	struct ww_eventlog *el = calloc(1, sizeof(*el));
	int r;

	*ret = NULL;
	if (!el)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	el->store = store;
	r = init(el, opts, 0, err);
	if (!r)
		r = ww_evstore_new(store, &el->w, err);
	if (!r)
		r = start_reading(el, now, err);
	if (r) {
		ww_eventlog_close(el);
		return r;
	}
	el->st.available = true;
	*ret = el;
	return 0;
}

int ww_eventlog_probe(const char *channel, uint64_t *ret_count,
		      struct ww_err *err)
{
	struct ww_eventlog el;
	EVT_HANDLE hs[64];
	DWORD n, i;
	uint64_t count = 0;
	int r;

	memset(&el, 0, sizeof(el));
	r = init(&el, &(struct ww_eventlog_opts){ .channel = channel }, 0, err);
	if (!r)
		r = open_query(&el, err);
	while (!r && count < PROBE_COUNT_MAX &&
	       ww_evt_api.next(el.query, 64, hs, QUERY_TIMEOUT_MS, 0, &n)) {
		for (i = 0; i < n; i++)
			ww_evt_api.close(hs[i]);
		count += n;
	}
	if (ret_count)
		*ret_count = count;
	release(&el);
	return r;
}

struct scan {
	struct ww_eventlog el;          /* handles and buffers */
	struct ww_wsus_event ev;
	uint32_t formatted[SCAN_IDS_MAX]; /* IDs whose newest event was formatted */
	size_t n_formatted;
	ww_evimport_fn fn;
	void *ctx;
	struct ww_eventlog_scan_stats st;
};

/* True for the first (newest) event of its ID: it gets its message. */
static bool first_of_id(struct scan *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < s->n_formatted; i++)
		if (s->formatted[i] == id)
			return false;
	if (s->n_formatted == SCAN_IDS_MAX)
		return false;
	s->formatted[s->n_formatted++] = id;
	return true;
}

/* One event: 1 go on, 0 stop (older than the window, or full), or error. */
static int scan_one(struct scan *s, EVT_HANDLE h, struct ww_err *err)
{
	int r;

	memset(&s->ev, 0, sizeof(s->ev));
	if (render_values(&s->el, h, &s->ev)) {
		s->st.unreadable++;
		return 1;
	}
	/* Newest first: the first event before the window ends the scan. */
	if (s->ev.time < s->st.since)
		return 0;
	if (s->st.events == s->st.max_events) {
		s->st.capped = true;
		return 0;
	}
	if (first_of_id(s, s->ev.event_id))
		format_message(&s->el, h, &s->ev);
	r = s->fn(s->ctx, &s->ev, err);
	if (r)
		return r;
	s->st.events++;
	return 1;
}

static int scan_all(struct scan *s, struct ww_err *err)
{
	EVT_HANDLE hs[SCAN_BATCH];
	DWORD n = 0, i, e;
	int r = 1;

	while (r > 0) {
		if (!ww_evt_api.next(s->el.query, SCAN_BATCH, hs, QUERY_TIMEOUT_MS,
				     0, &n)) {
			e = GetLastError();
			if (e == ERROR_NO_MORE_ITEMS)
				return 0;
			return ww_win_err(err, e, "EvtNext", s->el.channel);
		}
		for (i = 0; i < n; i++) {
			if (r > 0)
				r = scan_one(s, hs[i], err);
			ww_evt_api.close(hs[i]);
		}
	}
	return r < 0 ? r : 0;
}

int ww_eventlog_scan(const struct ww_eventlog_opts *opts, int64_t now,
		     ww_evimport_fn fn, void *ctx,
		     struct ww_eventlog_scan_stats *ret, struct ww_err *err)
{
	int64_t age = opts && opts->max_age > 0 ? opts->max_age
						: WW_EVENTLOG_SCAN_AGE_DEFAULT;
	struct scan *s = calloc(1, sizeof(*s));
	int r;

	if (ret)
		memset(ret, 0, sizeof(*ret));
	if (!s)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	s->fn = fn;
	s->ctx = ctx;
	s->st.since = now - age;
	s->st.max_events = opts && opts->max_events ?
			   opts->max_events : WW_EVENTLOG_SCAN_EVENTS_DEFAULT;
	s->el.newest_first = true;
	r = init(&s->el, opts, age, err);
	if (!r)
		r = open_query(&s->el, err);
	if (!r)
		r = scan_all(s, err);
	if (ret)
		*ret = s->st;
	release(&s->el);
	free(s);
	return r;
}

const char *ww_eventlog_absent(void)
{
	return NULL;
}
