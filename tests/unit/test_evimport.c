/*
 * test_evimport.c - import of wevtutil / Event Viewer XML exports, and the
 * meaning table.  Fixtures under tests/fixtures/events/ are written in the
 * exact wevtutil shape; the 100 000-event file is generated at run time.
 */
#include "compat.h"

#include "os.h"
#include "evimport.h"
#include "wsus_event.h"
#include "util.h"
#include "ww_test.h"

#define KEEP_MAX 64

struct collect {
	size_t n;
	struct ww_wsus_event ev[KEEP_MAX];
	uint64_t total, record_sum;
	int stop_after; /* return an error after this many, 0: never */
};

static int collect_fn(void *ctx, const struct ww_wsus_event *ev,
		      struct ww_err *err)
{
	struct collect *c = ctx;

	c->total++;
	c->record_sum += ev->record_id;
	if (c->n < KEEP_MAX)
		c->ev[c->n++] = *ev;
	if (c->stop_after && c->total == (uint64_t)c->stop_after)
		return ww_err_set(err, WW_EABORT, "stopped by the callback");
	return 0;
}

static struct collect *import_fixture(const char *name,
				      struct ww_evimport_stats *st,
				      struct ww_err *err, int *rc)
{
	char rel[256];
	char *path;
	struct collect *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	snprintf(rel, sizeof(rel), "fixtures/events/%s", name);
	path = ww_test_path(rel);
	*rc = ww_evimport_file(path, collect_fn, c, st, err);
	free(path);
	return c;
}

static const struct ww_wsus_event *find_record(struct collect *c, uint64_t rid)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->ev[i].record_id == rid)
			return &c->ev[i];
	ck_abort_msg("record %" PRIu64 " not imported", rid);
	return NULL;
}

START_TEST(test_wevtutil_rendered_german)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	const struct ww_wsus_event *e;
	struct collect *c;
	int rc;

	c = import_fixture("wevtutil-rendered-de.xml", &st, &err, &rc);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(st.events, 12);
	ck_assert_uint_eq(st.wsus_events, 9);
	ck_assert_uint_eq(st.malformed, 0);
	ck_assert(!st.truncated);

	e = find_record(c, 4711);
	ck_assert_str_eq(e->provider, WW_WSUS_PROVIDER);
	ck_assert_uint_eq(e->event_id, 10022);
	ck_assert(e->has_qualifiers);
	ck_assert_uint_eq(e->qualifiers, 0);
	ck_assert_int_eq(e->level, WW_EV_LEVEL_ERROR);
	ck_assert_int_eq(e->time, ww_time_from_civil(2026, 11, 20, 2, 15, 33));
	ck_assert_str_eq(e->channel, "Application");
	ck_assert_str_eq(e->computer, "WSUS01.corp.example");
	ck_assert_str_eq(e->message,
			 "Die letzte Katalogsynchronisierung war nicht erfolgreich.");
	ck_assert_int_eq(ww_wsus_event_meaning(e), WW_MEANING_CATALOG_SYNC_FAILED);

	/* Localized text with non-ASCII characters survives as UTF-8. */
	e = find_record(c, 4709);
	ck_assert_ptr_nonnull(strstr(e->message, "aufgel\xc3\xb6st"));
	ck_assert_int_eq(ww_wsus_event_meaning(e), WW_MEANING_SYNC_FAILED);

	/* Multi-line message: CR LF in the file is LF after XML parsing. */
	e = find_record(c, 4715);
	ck_assert_ptr_nonnull(strstr(e->message, "nicht vorhanden.\n Quelldatei"));

	/* Entities are decoded; other providers are never "WSUS" events. */
	e = find_record(c, 4721);
	ck_assert_str_eq(e->provider, "MsiInstaller");
	ck_assert_ptr_nonnull(strstr(e->message, "Produkt & Co <1.0>"));
	ck_assert_int_eq(ww_wsus_event_meaning(e), WW_MEANING_OTHER);

	/* A different provider with a WSUS-looking ID is still "other". */
	e = find_record(c, 4702);
	ck_assert_uint_eq(e->event_id, 16384);
	ck_assert_uint_eq(e->qualifiers, 16384);
	ck_assert_int_eq(ww_wsus_event_meaning(e), WW_MEANING_OTHER);
	free(c);
}
END_TEST

START_TEST(test_wevtutil_plain_uses_eventdata)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	const struct ww_wsus_event *e;
	struct collect *c;
	int rc;

	c = import_fixture("wevtutil-plain.xml", &st, &err, &rc);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(st.events, 4);
	ck_assert_uint_eq(st.wsus_events, 3);

	/* Without RenderingInfo, the insertion strings are the message. */
	e = find_record(c, 995);
	ck_assert_uint_eq(e->event_id, 364);
	ck_assert_uint_eq(e->qualifiers, 16384);
	ck_assert_str_eq(e->message, "Content file download failed.\nHTTP status 404");

	e = find_record(c, 991);
	ck_assert(!e->has_qualifiers);
	ck_assert_str_eq(e->message, "");
	free(c);
}
END_TEST

START_TEST(test_event_viewer_utf16)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	const struct ww_wsus_event *e;
	struct collect *c;
	int rc;

	c = import_fixture("eventviewer-fr-utf16.xml", &st, &err, &rc);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(st.events, 3);
	ck_assert_uint_eq(st.wsus_events, 2);
	e = find_record(c, 8003);
	ck_assert_uint_eq(e->event_id, 10022);
	ck_assert_str_eq(e->computer, "wsus03.exemple.fr");
	/* "é" and U+1D518 (a surrogate pair in UTF-16) as UTF-8. */
	ck_assert_ptr_nonnull(strstr(e->message, "derni\xc3\xa8re tentative"));
	ck_assert_ptr_nonnull(strstr(e->message, "\xf0\x9d\x94\x98nicode"));
	e = find_record(c, 8001);
	ck_assert_int_eq(ww_wsus_event_meaning(e), WW_MEANING_CATALOG_STALE);
	free(c);
}
END_TEST

/* UTF-16 BE with BOM, and UTF-8 with BOM + declaration, built in memory. */
START_TEST(test_encodings_in_memory)
{
	char *path = ww_test_path("fixtures/events/wevtutil-plain.xml");
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect c;
	size_t len, i;
	char *text = ww_test_read_file(path, &len);
	unsigned char *be = malloc(2 * len + 2);
	struct ww_buf b;

	ck_assert_ptr_nonnull(text);
	be[0] = 0xFE;
	be[1] = 0xFF;
	for (i = 0; i < len; i++) { /* the fixture is ASCII */
		be[2 + 2 * i] = 0;
		be[3 + 2 * i] = (unsigned char)text[i];
	}
	memset(&c, 0, sizeof(c));
	ck_assert_msg(ww_evimport_mem("be.xml", be, 2 * len + 2, collect_fn, &c,
				      &st, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(st.events, 4);
	ck_assert_uint_eq(find_record(&c, 995)->event_id, 364);

	ww_buf_init(&b, 1 << 20);
	ck_assert_int_eq(ww_buf_appends(&b, "\xEF\xBB\xBF<?xml version=\"1.0\" "
					"encoding=\"UTF-8\"?>\r\n<Events>"), 0);
	ck_assert_int_eq(ww_buf_append(&b, text, len), 0);
	ck_assert_int_eq(ww_buf_appends(&b, "</Events>\r\n"), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_msg(ww_evimport_mem("bom.xml", b.data, b.len, collect_fn, &c,
				      &st, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(st.events, 4);
	ww_buf_release(&b);

	/*
	 * Issue 13: UTF-16 without a BOM whose first character is a blank or
	 * a line break, not '<', in either byte order.
	 */
	ww_buf_init(&b, 1 << 20);
	ck_assert_int_eq(ww_buf_appends(&b, "\r\n  "), 0);
	ck_assert_int_eq(ww_buf_append(&b, text, len), 0);
	for (i = 0; i < 2; i++) {
		unsigned char *u = malloc(2 * b.len);
		size_t k;

		for (k = 0; k < b.len; k++) {
			u[2 * k + i] = (unsigned char)b.data[k];
			u[2 * k + 1 - i] = 0;
		}
		memset(&c, 0, sizeof(c));
		ck_assert_msg(ww_evimport_mem("nobom.xml", u, 2 * b.len,
					      collect_fn, &c, &st, &err) == 0,
			      "%s: %s", i ? "BE" : "LE", err.msg);
		ck_assert_uint_eq(st.events, 4);
		free(u);
	}
	ww_buf_release(&b);
	free(be);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_truncated_keeps_complete_events)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect *c;
	int rc;

	c = import_fixture("wevtutil-truncated.xml", &st, &err, &rc);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert(st.truncated);
	ck_assert_uint_eq(st.events, 3);
	ck_assert_uint_eq(c->n, 3);
	ck_assert_msg(strstr(st.note, "wevtutil-truncated.xml:4:") &&
		      strstr(st.note, ": truncated: ") &&
		      strstr(st.note, "3 complete events"), "%s", st.note);
	free(c);
}
END_TEST

START_TEST(test_malformed_is_rejected_with_position)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect *c;
	int rc;

	c = import_fixture("wevtutil-malformed.xml", &st, &err, &rc);
	ck_assert_int_eq(rc, WW_EPARSE);
	ck_assert_msg(strstr(err.msg, "wevtutil-malformed.xml:2:") &&
		      strstr(err.msg, "mismatched tag"), "%s", err.msg);
	ck_assert(!st.truncated);
	free(c);
}
END_TEST

static int import_str(const char *s, struct ww_evimport_stats *st,
		      struct ww_err *err)
{
	return ww_evimport_mem("t.xml", s, strlen(s), NULL, NULL, st, err);
}

START_TEST(test_not_an_export)
{
	struct ww_evimport_stats st;
	struct ww_err err;

	ck_assert_int_eq(import_str("<html><body/></html>", &st, &err), WW_EPARSE);
	ck_assert_msg(strstr(err.msg, "t.xml:1:1: unexpected element <html>"),
		      "%s", err.msg);
	ck_assert_int_eq(import_str("{\"json\": true}", &st, &err), WW_EPARSE);
	ck_assert_msg(strstr(err.msg, "text outside <Event>"), "%s", err.msg);
	ck_assert_int_eq(import_str("<!DOCTYPE x [<!ENTITY a 'b'>]><Events/>",
				    &st, &err), WW_EPARSE);
	/* An empty export (no matching events) is fine. */
	ck_assert_int_eq(import_str("", &st, &err), 0);
	ck_assert_uint_eq(st.events, 0);
	ck_assert(!st.truncated);
}
END_TEST

#define EV_HEAD "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>" \
	"<System><Provider Name='Windows Server Update Services'/>"
#define EV_TAIL "<Level>2</Level><TimeCreated SystemTime='2026-11-20T02:15:33.1Z'/>" \
	"<Channel>Application</Channel><Computer>h</Computer></System></Event>"

START_TEST(test_malformed_event_skipped)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect c;
	const char *s =
		EV_HEAD "<EventID>10022</EventID>" EV_TAIL "\n"  /* no record */
		EV_HEAD "<EventID>abc</EventID><EventRecordID>2</EventRecordID>" EV_TAIL "\n"
		EV_HEAD "<EventID>3221235474</EventID><EventRecordID>3</EventRecordID>" EV_TAIL;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ww_evimport_mem("m.xml", s, strlen(s), collect_fn, &c,
					 &st, &err), 0);
	ck_assert_uint_eq(st.malformed, 2);
	ck_assert_uint_eq(st.events, 1);
	ck_assert_msg(strstr(st.note, "m.xml:1:1: event skipped: "), "%s", st.note);
	/* A 32-bit classic ID is split into ID and qualifiers. */
	ck_assert_uint_eq(c.ev[0].event_id, 10002);
	ck_assert_uint_eq(c.ev[0].qualifiers, 0xC000);
}
END_TEST

START_TEST(test_bounds)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct ww_buf b;
	char kb[1024];
	int i;

	ww_buf_init(&b, 8 << 20);
	ck_assert_int_eq(ww_buf_appends(&b, EV_HEAD), 0);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(ww_buf_appends(&b, "<x>"), 0);
	ck_assert_int_eq(ww_evimport_mem("deep.xml", b.data, b.len, NULL, NULL,
					 &st, &err), WW_EPARSE);
	ck_assert_msg(strstr(err.msg, "nested deeper than 32"), "%s", err.msg);

	/* One start tag of 2 MiB: refused before expat buffers it all. */
	ww_buf_reset(&b);
	ck_assert_int_eq(ww_buf_appends(&b, EV_HEAD "<Data a='"), 0);
	memset(kb, 'a', sizeof(kb));
	for (i = 0; i < 2048; i++)
		ck_assert_int_eq(ww_buf_append(&b, kb, sizeof(kb)), 0);
	ck_assert_int_eq(ww_evimport_mem("big.xml", b.data, b.len, NULL, NULL,
					 &st, &err), WW_ERANGE);
	ck_assert_msg(strstr(err.msg, "big.xml:1:") &&
		      strstr(err.msg, "too large"), "%s", err.msg);
	ck_assert_uint_lt(st.parser_peak_bytes, 4 * WW_EVIMPORT_TOKEN_MAX);
	ww_buf_release(&b);
}
END_TEST

START_TEST(test_long_message_cut_at_char_boundary)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect c;
	struct ww_buf b;
	int i;

	ww_buf_init(&b, 1 << 20);
	ck_assert_int_eq(ww_buf_appends(&b, EV_HEAD "<EventID>364</EventID>"
					"<EventRecordID>7</EventRecordID>" EV_TAIL), 0);
	/* Put the RenderingInfo inside the event, before </Event>. */
	b.len -= strlen("</Event>");
	ck_assert_int_eq(ww_buf_appends(&b, "<RenderingInfo Culture='de-DE'><Message>x"), 0);
	for (i = 0; i < 5000; i++)
		ck_assert_int_eq(ww_buf_appends(&b, "\xc3\xa4"), 0);
	ck_assert_int_eq(ww_buf_appends(&b, "</Message></RenderingInfo></Event>"), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_msg(ww_evimport_mem("long.xml", b.data, b.len, collect_fn, &c,
				      &st, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(c.n, 1);
	ck_assert(c.ev[0].message_cut);
	/* "x" + whole two-byte characters only. */
	ck_assert_uint_eq(strlen(c.ev[0].message) % 2, 1);
	ck_assert_uint_ge(strlen(c.ev[0].message), WW_EV_MESSAGE_MAX - 3);
	ww_buf_release(&b);
}
END_TEST

START_TEST(test_callback_error_stops)
{
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect *c = calloc(1, sizeof(*c));
	char *path = ww_test_path("fixtures/events/wevtutil-rendered-de.xml");

	c->stop_after = 2;
	ck_assert_int_eq(ww_evimport_file(path, collect_fn, c, &st, &err),
			 WW_EABORT);
	ck_assert_str_eq(err.msg, "stopped by the callback");
	ck_assert_uint_eq(c->total, 2);
	ck_assert_int_eq(ww_evimport_file("/nonexistent/x.xml", collect_fn, c,
					  &st, &err), WW_ENOENT);
	ck_assert_msg(strstr(err.msg, "/nonexistent/x.xml: cannot open"), "%s",
		      err.msg);
	free(path);
	free(c);
}
END_TEST

/* Write n wevtutil-shaped events; every 10th from WSUS. */
static void write_events(const char *path, int n, bool utf16_pairs)
{
	FILE *f = fopen(path, "wb");
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = 1; i <= n; i++)
		fprintf(f, "<Event xmlns='http://schemas.microsoft.com/win/2004/"
			"08/events/event'><System><Provider Name='%s'/><EventID "
			"Qualifiers='0'>%d</EventID><Version>0</Version><Level>%d"
			"</Level><Task>0</Task><Keywords>0x80000000000000</Keywords>"
			"<TimeCreated SystemTime='2026-11-20T02:15:33.1234567Z'/>"
			"<EventRecordID>%d</EventRecordID><Channel>Application"
			"</Channel><Computer>wsus01</Computer></System><EventData>"
			"<Data>insertion %d</Data></EventData><RenderingInfo "
			"Culture='en-US'><Message>%s %d</Message><Level>Error"
			"</Level></RenderingInfo></Event>\r\n",
			i % 10 ? "Application Error" : WW_WSUS_PROVIDER,
			i % 10 ? 1000 : 10022, 2, i, i,
			utf16_pairs ? "\xf0\x9d\x94\x98\xf0\x9d\x94\x98" : "message", i);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Bounded memory: the importer keeps one event and two 64 KiB buffers;
 * the only memory that could grow with the input is expat's, counted
 * exactly through its memory suite (parser_peak_bytes).  The peak for
 * 100 000 events must equal, within one chunk, the peak for 1 000.
 */
START_TEST(test_100k_events_bounded_memory)
{
	char *dir = ww_test_tmpdir("evimport");
	char *small = ww_os_path_join(dir, "small.xml");
	char *big = ww_os_path_join(dir, "big.xml");
	struct ww_evimport_stats st_small, st_big;
	struct ww_err err;
	struct collect *c = calloc(1, sizeof(*c));

	write_events(small, 1000, false);
	write_events(big, 100000, false);
	ck_assert_msg(ww_evimport_file(small, collect_fn, c, &st_small, &err) == 0,
		      "%s", err.msg);
	memset(c, 0, sizeof(*c));
	ck_assert_msg(ww_evimport_file(big, collect_fn, c, &st_big, &err) == 0,
		      "%s", err.msg);
	/* Measurement, reported in the test log. */
	fprintf(stderr, "evimport: %" PRIu64 " bytes, %" PRIu64 " events, "
		"expat peak %zu bytes (1000 events: %zu)\n", st_big.bytes,
		st_big.events, st_big.parser_peak_bytes,
		st_small.parser_peak_bytes);
	ck_assert_uint_eq(st_big.events, 100000);
	ck_assert_uint_eq(st_big.wsus_events, 10000);
	ck_assert_uint_eq(c->record_sum, 100000ull * 100001ull / 2);
	ck_assert_uint_gt(st_big.bytes, 50u << 20);
	ck_assert_uint_lt(st_big.parser_peak_bytes, 512u << 10);
	ck_assert_uint_le(st_big.parser_peak_bytes,
			  st_small.parser_peak_bytes + WW_EVIMPORT_CHUNK);
	remove(small);
	remove(big);
	free(small);
	free(big);
	free(dir);
	free(c);
}
END_TEST

/* UTF-16 over many chunks: surrogate pairs split by chunk boundaries. */
START_TEST(test_utf16_across_chunks)
{
	char *dir = ww_test_tmpdir("evimport16");
	char *u8 = ww_os_path_join(dir, "u8.xml");
	char *u16 = ww_os_path_join(dir, "u16.xml");
	struct ww_evimport_stats st;
	struct ww_err err;
	struct collect *c = calloc(1, sizeof(*c));
	size_t len, i;
	char *text;
	const char *expect;
	FILE *f;

	write_events(u8, 700, true);
	text = ww_test_read_file(u8, &len);
	f = fopen(u16, "wb");
	fputs("\xff\xfe", f);
	for (i = 0; i < len;) { /* UTF-8 -> UTF-16LE */
		unsigned char ch = (unsigned char)text[i];
		uint32_t cp;

		if (ch < 0x80) {
			cp = ch;
			i += 1;
		} else { /* only the 4-byte U+1D518 occurs */
			cp = 0x1D518;
			i += 4;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 + (v >> 10));
			uint16_t lo = (uint16_t)(0xDC00 + (v & 0x3FF));

			fputc(hi & 0xFF, f); fputc(hi >> 8, f);
			fputc(lo & 0xFF, f); fputc(lo >> 8, f);
		} else {
			fputc((int)cp, f); fputc(0, f);
		}
	}
	fclose(f);
	ck_assert_msg(ww_evimport_file(u16, collect_fn, c, &st, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(st.events, 700);
	ck_assert_uint_gt(st.bytes, 4 * WW_EVIMPORT_CHUNK);
	expect = "\xf0\x9d\x94\x98\xf0\x9d\x94\x98 64";
	ck_assert_str_eq(c->ev[63].message, expect);
	remove(u8);
	remove(u16);
	free(text);
	free(u8);
	free(u16);
	free(dir);
	free(c);
}
END_TEST

START_TEST(test_meaning_table)
{
	const struct ww_meaning_row *r;
	struct ww_wsus_event ev;
	size_t n, i;

	ck_assert_int_eq(ww_wsus_meaning(10022)->meaning, WW_MEANING_CATALOG_SYNC_FAILED);
	ck_assert_int_eq(ww_wsus_meaning(10021)->meaning, WW_MEANING_CATALOG_STALE);
	ck_assert_int_eq(ww_wsus_meaning(10020)->meaning, WW_MEANING_CATALOG_HEALTHY);
	ck_assert_int_eq(ww_wsus_meaning(10020)->confidence, WW_CONF_UNCONFIRMED);
	ck_assert_int_eq(ww_wsus_meaning(364)->meaning, WW_MEANING_CONTENT_DOWNLOAD_FAILED);
	ck_assert_int_eq(ww_wsus_meaning(364)->confidence, WW_CONF_CONFIRMED);
	for (i = 12002; i <= 12072; i += 10)
		ck_assert_int_eq(ww_wsus_meaning((uint32_t)i)->meaning,
				 WW_MEANING_SELF_CHECK_FAILED);
	ck_assert_ptr_null(ww_wsus_meaning(12003));
	ck_assert_ptr_null(ww_wsus_meaning(12082));
	ck_assert_int_eq(ww_wsus_meaning(381)->kind, WW_EV_SYNC_SCHEDULED);
	ck_assert_int_eq(ww_wsus_meaning(382)->kind, WW_EV_SYNC_MANUAL);
	ck_assert_int_eq(ww_wsus_meaning(384)->meaning, WW_MEANING_SYNC_SUCCEEDED);
	ck_assert_int_eq(ww_wsus_meaning(386)->meaning, WW_MEANING_SYNC_FAILED);
	ck_assert_int_eq(ww_wsus_meaning(386)->confidence, WW_CONF_UNCONFIRMED);
	ck_assert_int_eq(ww_wsus_meaning(387)->meaning, WW_MEANING_OTHER);
	ck_assert_ptr_null(ww_wsus_meaning(7053));
	r = ww_wsus_meaning_table(&n);
	for (i = 0; i < n; i++) {
		uint32_t id;

		ck_assert_ptr_nonnull(r[i].summary);
		/* Every self-check ID names what failed; no other ID does. */
		for (id = r[i].id_first; id <= r[i].id_last; id += r[i].id_step)
			ck_assert_int_eq(ww_wsus_component(id) != NULL,
					 r[i].meaning ==
					 WW_MEANING_SELF_CHECK_FAILED);
	}
	ck_assert_str_eq(ww_wsus_component(12072), "content directory");
	ck_assert_str_eq(ww_wsus_component(12002), "Reporting Web Service");
	ck_assert_str_eq(ww_wsus_component(12032),
			 "Server Synchronization Web Service");
	ck_assert_str_eq(ww_wsus_component(12062), "a WSUS web service");
	ck_assert_ptr_null(ww_wsus_component(12003));
	ck_assert_ptr_null(ww_wsus_component(364));
	ck_assert_str_eq(ww_catalog_state_name(WW_MEANING_CATALOG_STALE), "stale");
	ck_assert_ptr_null(ww_catalog_state_name(WW_MEANING_SYNC_FAILED));

	memset(&ev, 0, sizeof(ev));
	ww_strlcpy(ev.provider, "windows server update services", sizeof(ev.provider));
	ww_wsus_event_set_id(&ev, 10022);
	ck_assert_int_eq(ww_wsus_event_meaning(&ev), WW_MEANING_CATALOG_SYNC_FAILED);
	ck_assert_str_eq(ww_meaning_name(WW_MEANING_SELF_CHECK_FAILED), "self_check_failed");
	ck_assert_str_eq(ww_ev_level_name(2), "error");
	ck_assert_str_eq(ww_ev_level_name(0), "information");
	ck_assert_str_eq(ww_ev_level_name(77), "unknown");
}
END_TEST

static unsigned count_of(const char *s, const char *what)
{
	unsigned n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

START_TEST(test_xpath)
{
	char x[WW_WSUS_XPATH_MAX];
	const char *suffix;

	ck_assert_int_eq(ww_wsus_event_xpath(x, sizeof(x), 0), 0);
	ck_assert_str_eq(x, "*[System[Provider[@Name='Windows Server Update "
			 "Services'] and (EventID=10022 or EventID=10021 or "
			 "EventID=10020 or EventID=364 or EventID=12072 or "
			 "EventID=12002 or EventID=12012 or EventID=12022 or "
			 "EventID=12032 or EventID=12042 or EventID=12052 or "
			 "EventID=12062 or EventID=381 or EventID=382 or "
			 "EventID=384 or EventID=386 or EventID=387)]]");
	ck_assert_int_eq(ww_wsus_event_xpath(x, 100, 0), WW_ERANGE);
	/* The scan's window: 30 days in milliseconds, inside System[]. */
	ck_assert_int_eq(ww_wsus_event_xpath(x, sizeof(x), 30 * 86400), 0);
	ck_assert_msg(ww_str_starts_with(x, "*[System[Provider[@Name='Windows "
					 "Server Update Services'] and (EventID"
					 "=10022 or "), "%s", x);
	suffix = " or EventID=387) and TimeCreated[timediff(@SystemTime) <= "
		 "2592000000]]]";
	ck_assert_msg(strlen(x) > strlen(suffix) &&
		      strcmp(x + strlen(x) - strlen(suffix), suffix) == 0,
		      "%s", x);
	/*
	 * Windows takes a plain XPath of at most 20 expressions ("Consuming
	 * Events", Windows Event Log docs; beyond that a structured XML
	 * query is needed), and Wine does not check: a new ID in the
	 * meaning table must not push the real reader over it unnoticed.
	 */
	ck_assert_uint_le(count_of(x, "EventID=") + count_of(x, "@Name=") +
			  count_of(x, "timediff("), 20);
}
END_TEST

/* One import on a thread of its own (test_concurrent_imports). */
struct import_job {
	const char *path;
	struct collect *c;
	struct ww_evimport_stats st;
	int r;
};

static void import_job_run(void *arg)
{
	struct import_job *j = arg;
	struct ww_err err;

	j->r = ww_evimport_file(j->path, collect_fn, j->c, &j->st, &err);
}

/*
 * Imports on several threads at once each count their own expat heap:
 * the tracker behind expat's memory suite (which has no user pointer) is
 * taken in turns, so each peak is the single-import peak and no count
 * goes wrong (a shared tracker without the lock: mixed or wrapped peaks).
 */
START_TEST(test_concurrent_imports)
{
	char *dir = ww_test_tmpdir("evimport");
	char *path = ww_os_path_join(dir, "events.xml");
	struct import_job jobs[4], alone;
	struct ww_thread *th[4];
	size_t i;

	write_events(path, 3000, false);
	alone.path = path;
	alone.c = calloc(1, sizeof(*alone.c));
	import_job_run(&alone);
	ck_assert_int_eq(alone.r, 0);
	for (i = 0; i < 4; i++) {
		jobs[i].path = path;
		jobs[i].c = calloc(1, sizeof(*jobs[i].c));
		ck_assert_int_eq(ww_thread_create(&th[i], import_job_run, &jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		ww_thread_join(th[i]);
		ck_assert_int_eq(jobs[i].r, 0);
		ck_assert_uint_eq(jobs[i].st.events, 3000);
		ck_assert_uint_eq(jobs[i].st.parser_peak_bytes,
				  alone.st.parser_peak_bytes);
		free(jobs[i].c);
	}
	free(alone.c);
	remove(path);
	free(path);
	free(dir);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("evimport");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_meaning_table);
	tcase_add_test(tc, test_xpath);
	tcase_add_test(tc, test_wevtutil_rendered_german);
	tcase_add_test(tc, test_wevtutil_plain_uses_eventdata);
	tcase_add_test(tc, test_event_viewer_utf16);
	tcase_add_test(tc, test_encodings_in_memory);
	tcase_add_test(tc, test_truncated_keeps_complete_events);
	tcase_add_test(tc, test_malformed_is_rejected_with_position);
	tcase_add_test(tc, test_not_an_export);
	tcase_add_test(tc, test_malformed_event_skipped);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_long_message_cut_at_char_boundary);
	tcase_add_test(tc, test_callback_error_stops);
	tcase_add_test(tc, test_utf16_across_chunks);
	tcase_add_test(tc, test_100k_events_bounded_memory);
	tcase_add_test(tc, test_concurrent_imports);
	suite_add_tcase(s, tc);
	return s;
}
