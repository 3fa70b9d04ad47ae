/*
 * test_eventlog_win32.c - the live reader (eventlog_win32.c) driven
 * through its Evt* seam, under Wine or Windows.
 *
 * Wine's wevtapi is a stub, so the fakes below keep an in-memory
 * Application log with record IDs, a "first" index (records before it
 * were cleared or overwritten) and a generation that makes open result
 * sets stale when the log is cleared.  They follow the API's protocols
 * (ERROR_INSUFFICIENT_BUFFER sizing, ERROR_NO_MORE_ITEMS, strict seek and
 * subscribe failing with ERROR_NOT_FOUND) so that the reader's real
 * render/format/bookmark/gap code runs.  Queries may run backwards
 * (EvtQueryReverseDirection), as the store-less scan of diagnose does;
 * the scan is driven through diagnose's own gathering too.  The last
 * test calls the real wevtapi: under Wine it must report "event log
 * unavailable".
 */
#include "compat.h"

#include "os.h"
#include "os_win32.h"
#include "eventlog.h"
#include "eventlog_win32.h"
#include "wsus_event.h"
#include "diagnose.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

/* ---- the fake event log --------------------------------------------- */

enum fk_type { FK_QUERY = 1, FK_SUB, FK_EVENT, FK_BOOKMARK, FK_CTX, FK_PUB };

struct fk_handle {
	int type;
	size_t pos;        /* query / subscription: next index (reverse:
			    * how many were passed from the newest) */
	bool filtered;     /* WSUS provider only */
	bool reverse;      /* newest first */
	unsigned gen;      /* log generation when opened */
	size_t index;      /* event: index in the log */
	uint64_t record;   /* event / bookmark */
};

struct fk_event {
	uint64_t record;
	const wchar_t *provider;
	uint16_t id;
	int qualifiers;    /* -1: none */
	uint8_t level;
	int64_t time;
	const wchar_t *message; /* NULL: no message file */
};

#define FK_MAX 256

static struct {
	struct fk_event ev[FK_MAX];
	size_t n, first;
	unsigned gen;
	bool unavailable;
	int live;          /* open handles */
	int fail_update_at;/* fail the Nth EvtUpdateBookmark once, 0: never */
	int updates;
	int formats;       /* messages EvtFormatMessage returned */
	bool windowed;     /* the last query had a TimeCreated window */
	DWORD seek_error;  /* EvtSeek fails with it, 0: never */
	uint64_t untyped_id; /* this record's EventID is rendered as Null */
	HANDLE signal;
} fk;

static EVT_HANDLE fk_new(int type)
{
	struct fk_handle *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	h->type = type;
	h->gen = fk.gen;
	fk.live++;
	return h;
}

static bool fk_match(const struct fk_handle *q, size_t i)
{
	return i >= fk.first &&
	       (!q->filtered || _wcsicmp(fk.ev[i].provider,
					 L"Windows Server Update Services") == 0);
}

static long fk_find(const struct fk_handle *q, uint64_t record)
{
	size_t i;

	for (i = fk.first; i < fk.n; i++)
		if (fk.ev[i].record == record && fk_match(q, i))
			return (long)i;
	return -1;
}

static EVT_HANDLE WINAPI fk_query(EVT_HANDLE session, LPCWSTR path,
				  LPCWSTR query, DWORD flags)
{
	struct fk_handle *q;

	if (fk.unavailable) {
		SetLastError(RPC_S_SERVER_UNAVAILABLE);
		return NULL;
	}
	ck_assert(wcscmp(path, L"Application") == 0);
	/* Exactly one direction. */
	ck_assert(!(flags & EvtQueryForwardDirection) !=
		  !(flags & EvtQueryReverseDirection));
	q = fk_new(FK_QUERY);
	q->reverse = (flags & EvtQueryReverseDirection) != 0;
	q->filtered = wcscmp(query, L"*") != 0;
	fk.windowed = wcsstr(query, L"TimeCreated[timediff(@SystemTime) <= ")
		      != NULL;
	if (q->filtered)
		ck_assert(wcsstr(query, L"Provider[@Name='Windows Server Update "
				 L"Services']") && wcsstr(query, L"EventID=10022"));
	return q;
}

static BOOL WINAPI fk_next(EVT_HANDLE rs, DWORD size, EVT_HANDLE *events,
			   DWORD timeout, DWORD flags, PDWORD returned)
{
	struct fk_handle *q = rs, *e;
	DWORD n = 0;

	*returned = 0;
	if (q->gen != fk.gen) {
		SetLastError(ERROR_EVT_QUERY_RESULT_STALE);
		return FALSE;
	}
	for (; q->pos < fk.n && n < size; q->pos++) {
		size_t i = q->reverse ? fk.n - 1 - q->pos : q->pos;

		if (!fk_match(q, i))
			continue;
		e = fk_new(FK_EVENT);
		e->index = i;
		e->record = fk.ev[i].record;
		events[n++] = e;
	}
	if (!n) {
		SetLastError(ERROR_NO_MORE_ITEMS);
		return FALSE;
	}
	*returned = n;
	return TRUE;
}

static BOOL WINAPI fk_seek(EVT_HANDLE rs, LONGLONG pos, EVT_HANDLE bookmark,
			   DWORD timeout, DWORD flags)
{
	struct fk_handle *q = rs, *bm = bookmark;
	long i;

	ck_assert(flags & EvtSeekRelativeToBookmark);
	ck_assert(flags & EvtSeekStrict);
	if (fk.seek_error) {
		SetLastError(fk.seek_error);
		return FALSE;
	}
	i = bm->record ? fk_find(q, bm->record) : -1;
	if (i < 0) {
		SetLastError(ERROR_NOT_FOUND);
		return FALSE;
	}
	q->pos = (size_t)(i + pos);
	return TRUE;
}

static EVT_HANDLE WINAPI fk_subscribe(EVT_HANDLE session, HANDLE signal,
				      LPCWSTR path, LPCWSTR query,
				      EVT_HANDLE bookmark, PVOID ctx,
				      EVT_SUBSCRIBE_CALLBACK cb, DWORD flags)
{
	struct fk_handle *s, *bm = bookmark;
	long i = -1;

	ck_assert_ptr_null(cb); /* pull mode */
	ck_assert_ptr_nonnull(signal);
	if ((flags & 3) == EvtSubscribeStartAfterBookmark) {
		struct fk_handle probe = { .filtered = true };

		i = fk_find(&probe, bm->record);
		if (i < 0 && (flags & EvtSubscribeStrict)) {
			SetLastError(ERROR_NOT_FOUND);
			return NULL;
		}
	} else {
		ck_assert_uint_eq(flags, EvtSubscribeStartAtOldestRecord);
	}
	s = fk_new(FK_SUB);
	s->filtered = true;
	s->pos = i < 0 ? 0 : (size_t)i + 1;
	fk.signal = signal;
	return s;
}

static EVT_HANDLE WINAPI fk_create_render_context(DWORD count, LPCWSTR *paths,
						  DWORD flags)
{
	if (fk.unavailable) {
		SetLastError(RPC_S_SERVER_UNAVAILABLE);
		return NULL;
	}
	ck_assert_uint_eq(flags, EvtRenderContextSystem);
	return fk_new(FK_CTX);
}

static size_t wbytes(const wchar_t *s)
{
	return (wcslen(s) + 1) * sizeof(wchar_t);
}

static BOOL render_values(const struct fk_handle *h, DWORD size, PVOID buf,
			  PDWORD used, PDWORD count)
{
	const struct fk_event *e = &fk.ev[h->index];
	const wchar_t *computer = L"WSUS01.corp.example";
	size_t need = sizeof(EVT_VARIANT) * EvtSystemPropertyIdEND +
		      wbytes(e->provider) + wbytes(L"Application") +
		      wbytes(computer);
	EVT_VARIANT *v = buf;
	char *strings;
	int i;

	*used = (DWORD)need;
	if (size < need) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	memset(buf, 0, need);
	for (i = 0; i < EvtSystemPropertyIdEND; i++)
		v[i].Type = EvtVarTypeNull;
	strings = (char *)(v + EvtSystemPropertyIdEND);
#define PUT_STRING(idx, s)                                        \
	do {                                                      \
		memcpy(strings, s, wbytes(s));                    \
		v[idx].StringVal = (LPCWSTR)strings;              \
		v[idx].Type = EvtVarTypeString;                   \
		strings += wbytes(s);                             \
	} while (0)
	PUT_STRING(EvtSystemProviderName, e->provider);
	PUT_STRING(EvtSystemChannel, L"Application");
	PUT_STRING(EvtSystemComputer, computer);
	v[EvtSystemEventID].UInt16Val = e->id;
	v[EvtSystemEventID].Type = e->record == fk.untyped_id ? EvtVarTypeNull
							      : EvtVarTypeUInt16;
	if (e->qualifiers >= 0) {
		v[EvtSystemQualifiers].UInt16Val = (UINT16)e->qualifiers;
		v[EvtSystemQualifiers].Type = EvtVarTypeUInt16;
	}
	v[EvtSystemLevel].ByteVal = e->level;
	v[EvtSystemLevel].Type = EvtVarTypeByte;
	v[EvtSystemTimeCreated].FileTimeVal =
		((ULONGLONG)e->time + 11644473600ull) * 10000000ull + 1234567;
	v[EvtSystemTimeCreated].Type = EvtVarTypeFileTime;
	v[EvtSystemEventRecordId].UInt64Val = e->record;
	v[EvtSystemEventRecordId].Type = EvtVarTypeUInt64;
	*count = EvtSystemPropertyIdEND;
	return TRUE;
}

static BOOL render_bookmark(const struct fk_handle *h, DWORD size, PVOID buf,
			    PDWORD used, PDWORD count)
{
	char xml[200];
	wchar_t *w;
	size_t need;

	snprintf(xml, sizeof(xml), "<BookmarkList>\r\n  <Bookmark Channel="
		 "'Application' RecordId='%" PRIu64 "' IsCurrent='true'/>\r\n"
		 "</BookmarkList>", h->record);
	w = ww_win_utf16(xml);
	need = wbytes(w);
	*used = (DWORD)need;
	if (size < need) {
		free(w);
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	memcpy(buf, w, need);
	free(w);
	*count = 0;
	return TRUE;
}

static BOOL WINAPI fk_render(EVT_HANDLE ctx, EVT_HANDLE fragment, DWORD flags,
			     DWORD size, PVOID buf, PDWORD used, PDWORD count)
{
	const struct fk_handle *h = fragment;

	if (flags == EvtRenderEventValues) {
		ck_assert_int_eq(((struct fk_handle *)ctx)->type, FK_CTX);
		ck_assert_int_eq(h->type, FK_EVENT);
		return render_values(h, size, buf, used, count);
	}
	ck_assert_uint_eq(flags, EvtRenderBookmark);
	ck_assert_int_eq(h->type, FK_BOOKMARK);
	return render_bookmark(h, size, buf, used, count);
}

static EVT_HANDLE WINAPI fk_open_publisher(EVT_HANDLE session, LPCWSTR pub,
					   LPCWSTR logfile, LCID locale,
					   DWORD flags)
{
	ck_assert(wcscmp(pub, L"Windows Server Update Services") == 0);
	return fk_new(FK_PUB);
}

static BOOL WINAPI fk_format_message(EVT_HANDLE pub, EVT_HANDLE event, DWORD id,
				     DWORD nvalues, PEVT_VARIANT values,
				     DWORD flags, DWORD size, LPWSTR buf,
				     PDWORD used)
{
	const struct fk_handle *h = event;
	const wchar_t *m = fk.ev[h->index].message;

	ck_assert_uint_eq(flags, EvtFormatMessageEvent);
	if (!m) {
		SetLastError(ERROR_EVT_MESSAGE_NOT_FOUND);
		return FALSE;
	}
	*used = (DWORD)wcslen(m) + 1;
	if (size < *used) {
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	memcpy(buf, m, *used * sizeof(wchar_t));
	fk.formats++;
	return TRUE;
}

static EVT_HANDLE WINAPI fk_create_bookmark(LPCWSTR xml)
{
	struct fk_handle *bm;
	const wchar_t *p;

	if (xml) {
		p = wcsstr(xml, L"RecordId='");
		if (!p) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
	}
	bm = fk_new(FK_BOOKMARK);
	if (xml)
		bm->record = _wcstoui64(p + wcslen(L"RecordId='"), NULL, 10);
	return bm;
}

static BOOL WINAPI fk_update_bookmark(EVT_HANDLE bookmark, EVT_HANDLE event)
{
	struct fk_handle *bm = bookmark;

	if (fk.fail_update_at && ++fk.updates == fk.fail_update_at) {
		fk.fail_update_at = 0;
		SetLastError(ERROR_OUTOFMEMORY);
		return FALSE;
	}
	bm->record = ((struct fk_handle *)event)->record;
	return TRUE;
}

static BOOL WINAPI fk_close(EVT_HANDLE h)
{
	ck_assert_ptr_nonnull(h);
	fk.live--;
	free(h);
	return TRUE;
}

static const struct ww_evt_api fake_api = {
	fk_query, fk_next, fk_seek, fk_subscribe, fk_create_render_context,
	fk_render, fk_open_publisher, fk_format_message, fk_create_bookmark,
	fk_update_bookmark, fk_close
};

#define WSUS L"Windows Server Update Services"
#define T0 1795140933 /* 2026-11-20T02:15:33Z */

static void fk_add(uint64_t rec, const wchar_t *prov, uint16_t id, uint8_t level,
		   const wchar_t *msg)
{
	struct fk_event *e = &fk.ev[fk.n++];

	ck_assert_uint_lt(fk.n, FK_MAX);
	e->record = rec;
	e->provider = prov;
	e->id = id;
	e->qualifiers = 0;
	e->level = level;
	e->time = T0 + (int64_t)rec;
	e->message = msg;
	if (fk.signal)
		SetEvent(fk.signal);
}

/* Clear the log: everything goes, open result sets turn stale. */
static void fk_clear(void)
{
	fk.first = fk.n;
	fk.gen++;
}

/* ---- fixture: a store in a scratch directory ------------------------- */

static void setup(struct ww_test_store *f)
{
	memset(&fk, 0, sizeof(fk));
	ww_evt_api = fake_api;
	ww_test_store_init(f, "eventlog");
	ww_test_store_open(f);
}

static void teardown(struct ww_test_store *f)
{
	ww_store_close(f->s);
	f->s = NULL;
	ck_assert_int_eq(fk.live, 0); /* every Evt handle was closed */
	ww_evt_api_reset();
	ww_test_store_release(f);
}

static int64_t q(struct ww_test_store *f, const char *sql)
{
	return ww_test_sql_i64(ww_store_db(f->s), sql);
}

static struct ww_eventlog *open_ok(struct ww_test_store *f, int64_t now)
{
	struct ww_eventlog *el;
	struct ww_err err;

	ck_assert_msg(ww_eventlog_open(f->s, &(struct ww_eventlog_opts){
		.batch = 2 }, now, &el, &err) == 0, "%s", err.msg);
	return el;
}

static uint64_t poll_ok(struct ww_eventlog *el, int64_t now)
{
	struct ww_err err;
	uint64_t n = 0;

	ck_assert_msg(ww_eventlog_poll(el, now, &n, &err) == 0, "%s", err.msg);
	return n;
}

static void base_log(void)
{
	fk_add(1, L"Application Error", 1000, 2, L"w3wp crashed");
	fk_add(2, WSUS, 381, 4, L"Eine geplante Synchronisierung wurde gestartet.");
	fk_add(3, L"MsiInstaller", 1035, 4, L"x");
	fk_add(4, WSUS, 384, 4, L"Synchronisierung erfolgreich.");
	fk_add(5, WSUS, 10022, 2, L"Die letzte Katalogsynchronisierung war "
	       L"nicht erfolgreich. \u00e4\U0001D518");
}

/* A fresh store and base_log, read to its end at 1000: 3 WSUS events. */
static struct ww_eventlog *caught_up(struct ww_test_store *f)
{
	struct ww_eventlog *el;

	setup(f);
	base_log();
	el = open_ok(f, 1000);
	ck_assert_uint_eq(poll_ok(el, 1000), 3);
	return el;
}

START_TEST(test_catch_up_then_follow)
{
	struct ww_eventlog_status st;
	struct ww_eventlog *el;
	struct ww_test_store f;

	el = caught_up(&f);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog'"), 3);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE record_id"
			 " = 5 AND event_id = 10022 AND level = 'error' AND"
			 " meaning = 'catalog_sync_failed' AND at = 1795140938"
			 " AND message = 'Die letzte Katalogsynchronisierung war"
			 " nicht erfolgreich. \xc3\xa4\xf0\x9d\x94\x98'"), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM sync_run WHERE source ="
			 " 'eventlog' AND kind = 'scheduled' AND result ="
			 " 'succeeded'"), 1);
	ck_assert_int_eq(q(&f, "SELECT offset FROM source_position WHERE source"
			 " = 'eventlog' AND bookmark LIKE '%RecordId=''5''%'"), 5);
	ww_eventlog_get_status(el, &st);
	ck_assert(st.available);
	ck_assert(st.following);
	ck_assert_uint_eq(st.last_record_id, 5);

	/* Follow: new events signal the subscription. */
	ck_assert(!ww_eventlog_wait(el, 0));
	fk_add(6, L"Other", 7, 4, L"o");
	fk_add(7, WSUS, 364, 2, NULL); /* message file missing: still stored */
	ck_assert(ww_eventlog_wait(el, 0));
	ck_assert_uint_eq(poll_ok(el, 1100), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE record_id"
			 " = 7 AND message = ''"), 1);
	ck_assert_int_eq(q(&f, "SELECT offset FROM source_position WHERE source"
			 " = 'eventlog'"), 7);
	ck_assert_uint_eq(poll_ok(el, 1200), 0);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding"), 0);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

START_TEST(test_restart_resumes_after_bookmark)
{
	struct ww_eventlog *el;
	struct ww_test_store f;

	el = caught_up(&f);
	ww_eventlog_close(el);

	/* Written while the service was stopped. */
	fk_add(6, WSUS, 382, 4, L"manual");
	fk_add(7, WSUS, 386, 2, L"Synchronization failed. Reason: proxy");
	el = open_ok(&f, 2000);
	ck_assert_uint_eq(poll_ok(el, 2000), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event"), 5);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM sync_run WHERE kind ="
			 " 'manual' AND result = 'failed'"), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding"), 0);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

START_TEST(test_wrapped_log_gap_finding)
{
	struct ww_eventlog *el;
	struct ww_test_store f;

	el = caught_up(&f);
	ww_eventlog_close(el);

	/* The log wrapped while stopped: records up to 8 are overwritten. */
	fk_add(6, WSUS, 10021, 3, L"lost");
	fk_add(7, L"Other", 1, 4, L"o");
	fk_add(8, WSUS, 10021, 3, L"lost");
	fk_add(9, L"Other", 1, 4, L"o");
	fk_add(10, WSUS, 10020, 4, L"healthy");
	fk.first = 8;
	el = open_ok(&f, 3000);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding WHERE category"
			 " = 'gap' AND source = 'eventlog' AND at = 3000 AND"
			 " message LIKE '%bookmark (record 5)%oldest record"
			 " (9)%'"), 1);
	ck_assert_uint_eq(poll_ok(el, 3000), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog'"), 4);
	/* Record IDs kept increasing: nothing archived. */
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source"
			 " <> 'eventlog'"), 0);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

START_TEST(test_cleared_while_following)
{
	struct ww_eventlog_status st;
	struct ww_eventlog *el;
	struct ww_test_store f;

	el = caught_up(&f);
	/* Cleared; numbering restarts at 1 with two new WSUS events. */
	fk_clear();
	fk_add(1, WSUS, 381, 4, L"start");
	fk_add(2, WSUS, 386, 2, L"failed");
	ck_assert_uint_eq(poll_ok(el, 4000), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding WHERE category"
			 " = 'gap' AND message LIKE '%record 5%'"), 1);
	/* Old rows archived, new record 1 and 2 stored under "eventlog". */
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog@4000'"), 3);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog'"), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM sync_run WHERE source ="
			 " 'eventlog' AND result = 'failed'"), 1);
	ww_eventlog_get_status(el, &st);
	ck_assert_uint_eq(st.gaps, 1);
	ck_assert_uint_eq(st.last_record_id, 2);
	ck_assert(st.following);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

/*
 * Issue 13, item 14: a log cleared while the service runs, where the
 * subscription goes on delivering (the fake's fk_clear() made it stale,
 * which real Windows need not do): numbering restarts at 1 and the new
 * events 1 and 2 were dropped by INSERT OR IGNORE as duplicates of the
 * retained record 2.  They must be stored, the old rows archived.
 */
START_TEST(test_cleared_while_following_quietly)
{
	struct ww_eventlog_status st;
	struct ww_eventlog *el;
	struct ww_test_store f;

	el = caught_up(&f);
	fk.first = fk.n; /* cleared, open result sets stay valid */
	fk_add(1, WSUS, 381, 4, L"start");
	fk_add(2, WSUS, 386, 2, L"failed");
	ck_assert_uint_eq(poll_ok(el, 4000), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog' AND record_id IN (1, 2)"), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog@4000'"), 3);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM sync_run WHERE source ="
			 " 'eventlog' AND result = 'failed'"), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding WHERE category"
			 " = 'gap' AND message LIKE '%restarted (record 1 after"
			 " 5)%'"), 1);
	ww_eventlog_get_status(el, &st);
	ck_assert_uint_eq(st.gaps, 1);
	ck_assert_uint_eq(st.last_record_id, 2);
	/* Restart: resumes after record 2 of the new numbering. */
	ww_eventlog_close(el);
	fk_add(3, WSUS, 384, 4, L"ok");
	el = open_ok(&f, 4100);
	ck_assert_uint_eq(poll_ok(el, 4100), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog'"), 3);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

/*
 * A seek that fails for another reason than a missing record (an RPC
 * error, a query the log refuses) is an error, retried: never a clear,
 * which archived every stored row and wrote a false gap finding.
 */
START_TEST(test_transient_seek_failure_is_not_a_clear)
{
	struct ww_eventlog *el;
	struct ww_test_store f;
	struct ww_err err;

	el = caught_up(&f);
	ww_eventlog_close(el);
	fk_add(6, WSUS, 382, 4, L"manual");
	fk.seek_error = RPC_S_SERVER_UNAVAILABLE;
	el = NULL;
	if (ww_eventlog_open(f.s, &(struct ww_eventlog_opts){ .batch = 2 },
			     5000, &el, &err) == 0) {
		ck_assert_int_lt(ww_eventlog_poll(el, 5000, NULL, &err), 0);
		ww_eventlog_close(el);
	}
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding"), 0);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source"
			 " <> 'eventlog'"), 0);
	ck_assert_int_eq(q(&f, "SELECT offset FROM source_position WHERE source"
			 " = 'eventlog'"), 5);
	/* The fault passes: reading resumes after the bookmark. */
	fk.seek_error = 0;
	el = open_ok(&f, 5100);
	ck_assert_uint_eq(poll_ok(el, 5100), 1);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE source ="
			 " 'eventlog'"), 4);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

/* An EventID that is not a UInt16 is unreadable, never event 0. */
START_TEST(test_event_id_type_is_checked)
{
	struct ww_eventlog *el;
	struct ww_test_store f;

	setup(&f);
	base_log();
	fk.untyped_id = 4;
	el = open_ok(&f, 1000);
	ck_assert_uint_eq(poll_ok(el, 1000), 2);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event WHERE"
			 " record_id = 4 OR event_id = 0"), 0);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM log_finding WHERE category"
			 " = 'gap'"), 1);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

/* A batch fails half-way: nothing of it is kept, the retry stores all. */
START_TEST(test_failed_batch_is_atomic)
{
	struct ww_eventlog *el;
	struct ww_test_store f;

	setup(&f);
	base_log();
	fk.fail_update_at = 2; /* batch size 2: the first batch fails */
	el = open_ok(&f, 1000);
	ck_assert_uint_eq(poll_ok(el, 1000), 3);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM wsus_event"), 3);
	ck_assert_int_eq(q(&f, "SELECT count(*) FROM sync_run"), 1);
	ck_assert_int_eq(q(&f, "SELECT offset FROM source_position"), 5);
	ww_eventlog_close(el);
	teardown(&f);
}
END_TEST

/* ---- the scan (diagnose): newest first, a window, a bound ------------ */

#define SCAN_MAX 32

static struct {
	uint32_t id[SCAN_MAX];
	uint64_t record[SCAN_MAX];
	char message[SCAN_MAX][64];
	size_t n;
} kept;

static int scan_keep(void *ctx, const struct ww_wsus_event *ev,
		     struct ww_err *err)
{
	(void)ctx;
	(void)err;
	ck_assert_uint_lt(kept.n, SCAN_MAX);
	kept.id[kept.n] = ev->event_id;
	kept.record[kept.n] = ev->record_id;
	ww_strlcpy(kept.message[kept.n], ev->message, sizeof(kept.message[0]));
	kept.n++;
	return 0;
}

/* Records 1..n at T0 + record; then the newest, 20, at T0 + 1000. */
static void scan_log(void)
{
	fk_add(1, WSUS, 10022, 2, L"old failure");
	fk_add(2, WSUS, 364, 2, L"download failed: a.cab");
	fk_add(3, L"Other", 7, 4, L"o");
	fk_add(4, WSUS, 364, 2, L"download failed: b.cab");
	fk_add(5, WSUS, 10021, 3, L"stale");
	fk_add(6, WSUS, 12032, 2, L"sync web service down");
	fk_add(20, WSUS, 10020, 4, L"healthy");
	fk.ev[fk.n - 1].time = T0 + 1000;
}

/* Scan at T0 + 1000 into kept (emptied first). */
static void scan_ok(const struct ww_eventlog_opts *opts,
		    struct ww_eventlog_scan_stats *st)
{
	struct ww_err err;

	memset(&kept, 0, sizeof(kept));
	ck_assert_msg(ww_eventlog_scan(opts, T0 + 1000, scan_keep, NULL, st,
				       &err) == 0, "%s", err.msg);
}

START_TEST(test_scan_newest_first_in_window)
{
	struct ww_eventlog_scan_stats st;
	struct ww_test_store f;

	setup(&f);
	scan_log();
	/* Window: created at or after T0 + 2 (records 2.. and 20). */
	scan_ok(&(struct ww_eventlog_opts){ .max_age = 1000 - 2 }, &st);
	ck_assert(fk.windowed);
	ck_assert_int_eq(st.since, T0 + 2);
	ck_assert_uint_eq(st.events, 5);
	ck_assert(!st.capped);
	ck_assert_uint_eq(kept.n, 5);
	ck_assert_uint_eq(kept.record[0], 20);
	ck_assert_uint_eq(kept.record[1], 6);
	ck_assert_uint_eq(kept.record[4], 2); /* 1 is older than the window */
	/* Only the newest event of each ID has its message formatted. */
	ck_assert_str_eq(kept.message[0], "healthy");
	ck_assert_str_eq(kept.message[3], "download failed: b.cab");
	ck_assert_str_eq(kept.message[4], "");
	ck_assert_int_eq(fk.formats, 4);
	teardown(&f); /* every handle closed */
}
END_TEST

START_TEST(test_scan_bounded)
{
	struct ww_eventlog_scan_stats st;
	struct ww_test_store f;

	setup(&f);
	scan_log();
	scan_ok(&(struct ww_eventlog_opts){ .max_events = 3 }, &st);
	ck_assert_uint_eq(st.events, 3);
	ck_assert(st.capped);
	ck_assert_uint_eq(kept.n, 3);
	ck_assert_uint_eq(kept.record[2], 5);
	/* Default window: 30 days before now. */
	ck_assert_int_eq(st.since, T0 + 1000 - 30 * 86400);

	/* Exactly as many as the bound: not capped. */
	scan_ok(&(struct ww_eventlog_opts){ .max_events = 6 }, &st);
	ck_assert_uint_eq(st.events, 6);
	ck_assert(!st.capped);
	teardown(&f);
}
END_TEST

/* diagnose's own gathering reads the live log through the scan: WSUS's
 * catalog verdict reaches the health rules and the Event log group. */
START_TEST(test_diagnose_gathers_catalog_sync)
{
	struct ww_config cfg;
	struct ww_diag_data *d = calloc(1, sizeof(*d));
	struct ww_diag_report *rep = calloc(1, sizeof(*rep));
	const struct ww_diag_group *g;
	struct ww_err err;
	struct ww_test_store f;
	size_t i;

	ck_assert(d && rep);
	setup(&f);
	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	fk_add(1, WSUS, 10020, 4, L"healthy");
	fk_add(2, WSUS, 364, 2, L"Content file download failed.\r\n"
	       L" Source File: /Content/x.cab");
	fk_add(3, WSUS, 10022, 2, L"Die letzte Katalogsynchronisierung war "
	       L"nicht erfolgreich.");
	ww_diag_data_init(d, &cfg, T0 + 3600);
	ck_assert_int_eq(ww_diag_read_events(&d->events, d->now, &err), 0);
	ck_assert_int_eq(d->events.avail, WW_DIAG_AVAILABLE);
	ck_assert(d->events.have_catalog);
	ck_assert_int_eq(d->events.catalog_id, 10022);
	ck_assert_int_eq(d->events.catalog_at, T0 + 3);
	ck_assert_uint_eq(d->events.content.count, 1);
	ck_assert_str_eq(d->events.content.example, "Content file download "
			 "failed. Source File: /Content/x.cab");
	ww_diag_build(d, rep);
	ck_assert_int_eq(ww_health_find(&rep->health,
					"wsus_health_events")->state,
			 WW_STATE_CRITICAL);
	g = &rep->groups[WW_DIAG_EVENTLOG];
	ck_assert_uint_eq(g->n, 4);
	ck_assert_str_eq(g->items[0].name, "eventlog");
	ck_assert_int_eq(g->items[0].state, WW_DIAG_OK);
	ck_assert_msg(strstr(g->items[0].summary, "3 WSUS event(s) in the last "
			     "30 days of the Application log"), "%s",
		      g->items[0].summary);
	for (i = 0; i < g->n; i++)
		if (strcmp(g->items[i].name, "catalog_sync") == 0)
			break;
	ck_assert_uint_lt(i, g->n);
	ck_assert_int_eq(g->items[i].state, WW_DIAG_CRITICAL);
	ck_assert_ptr_nonnull(strstr(g->items[i].summary, "WSUS event 10022"));
	ck_assert_int_eq(rep->verdict, WW_DIAG_CRITICAL);
	ww_diag_data_release(d);
	ww_config_release(&cfg);
	free(rep);
	free(d);
	teardown(&f);
}
END_TEST

START_TEST(test_unavailable)
{
	struct ww_eventlog *el = NULL;
	struct ww_err err;
	struct ww_test_store f;

	setup(&f);
	fk.unavailable = true;
	ck_assert_int_eq(ww_eventlog_open(f.s, NULL, 1000, &el, &err), WW_EUNAVAIL);
	ck_assert_ptr_null(el);
	ck_assert_msg(ww_str_starts_with(err.msg, "event log unavailable: "
					 "EvtQuery(Application)"),
		      "%s", err.msg);
	ck_assert_int_eq(ww_eventlog_probe(NULL, NULL, &err), WW_EUNAVAIL);
	ck_assert_int_eq(ww_eventlog_scan(NULL, 1000, scan_keep, NULL, NULL,
					  &err), WW_EUNAVAIL);
	ck_assert_msg(ww_str_starts_with(err.msg, "event log unavailable: "),
		      "%s", err.msg);
	teardown(&f);
}
END_TEST

/* The real wevtapi: Wine's is a stub and must read as "unavailable". */
START_TEST(test_real_api)
{
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
	bool wine = ntdll && GetProcAddress(ntdll, "wine_get_version");
	struct ww_err err;
	uint64_t n = 0;
	int r;

	ww_evt_api_reset();
	ww_err_clear(&err);
	r = ww_eventlog_probe(NULL, &n, &err);
	if (wine) {
		ck_assert_int_eq(r, WW_EUNAVAIL);
		ck_assert_msg(ww_str_starts_with(err.msg, "event log unavailable: "),
			      "%s", err.msg);
	} else {
		ck_assert_msg(r == 0, "%s", err.msg);
	}
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("eventlog_win32");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_catch_up_then_follow);
	tcase_add_test(tc, test_restart_resumes_after_bookmark);
	tcase_add_test(tc, test_wrapped_log_gap_finding);
	tcase_add_test(tc, test_cleared_while_following);
	tcase_add_test(tc, test_cleared_while_following_quietly);
	tcase_add_test(tc, test_transient_seek_failure_is_not_a_clear);
	tcase_add_test(tc, test_event_id_type_is_checked);
	tcase_add_test(tc, test_failed_batch_is_atomic);
	tcase_add_test(tc, test_scan_newest_first_in_window);
	tcase_add_test(tc, test_scan_bounded);
	tcase_add_test(tc, test_diagnose_gathers_catalog_sync);
	tcase_add_test(tc, test_unavailable);
	tcase_add_test(tc, test_real_api);
	suite_add_tcase(s, tc);
	return s;
}
