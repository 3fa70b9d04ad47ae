/*
 * test_synclog.c - SoftwareDistribution.log parser, classifier and sync
 * run derivation, on the real sample lines (tests/fixtures/synclog/).
 */
#include "compat.h"

#include "synclog.h"
#include "utf8.h"
#include "util.h"
#include "ww_test.h"

#define MAXREC 64

struct got {
	size_t n;
	struct {
		int64_t time;
		int millis;
		enum ww_synclog_level level;
		char level_text[16], process[64], component[128];
		char *message;
		uint64_t offset, end, line;
		bool truncated;
	} r[MAXREC];
};

static int collect(void *ctx, const struct ww_synclog_record *rec)
{
	struct got *g = ctx;

	ck_assert_uint_lt(g->n, MAXREC);
	ck_assert_uint_eq(strlen(rec->message), rec->message_len);
	g->r[g->n].time = rec->time;
	g->r[g->n].millis = rec->millis;
	g->r[g->n].level = rec->level;
	ww_strlcpy(g->r[g->n].level_text, rec->level_text, 16);
	ww_strlcpy(g->r[g->n].process, rec->process, 64);
	ww_strlcpy(g->r[g->n].component, rec->component, 128);
	g->r[g->n].message = ww_strndup(rec->message, rec->message_len);
	g->r[g->n].offset = rec->offset;
	g->r[g->n].end = rec->end;
	g->r[g->n].line = rec->line;
	g->r[g->n].truncated = rec->truncated;
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->r[i].message);
	g->n = 0;
}

/* Parse data fed in pieces of step bytes (0: all at once). */
static struct ww_synclog_stats parse(struct got *g, const char *data,
				     size_t len, size_t step)
{
	struct ww_synclog_parser *p;
	struct ww_synclog_stats st;
	struct ww_err err;
	size_t i;

	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(ww_synclog_parser_new(&p, collect, g, &err), 0);
	if (!step)
		step = len ? len : 1;
	for (i = 0; i < len; i += step)
		ck_assert_int_eq(ww_synclog_parser_feed(
			p, data + i, len - i < step ? len - i : step, &err), 0);
	ck_assert_int_eq(ww_synclog_parser_flush(p, false, &err), 0);
	st = *ww_synclog_parser_stats(p);
	ww_synclog_parser_free(p);
	return st;
}

static char *fixture(const char *name, size_t *len)
{
	char rel[128], *path, *data;

	snprintf(rel, sizeof(rel), "fixtures/synclog/%s", name);
	path = ww_test_path(rel);
	data = ww_test_read_file(path, len);
	ck_assert_msg(data != NULL, "missing fixture %s", path);
	free(path);
	return data;
}

/* Parse fixtures/synclog/name all at once; its length in *len. */
static struct ww_synclog_stats parse_fixture(struct got *g, const char *name,
					     size_t *len)
{
	char *d = fixture(name, len);
	struct ww_synclog_stats st = parse(g, d, *len, 0);

	free(d);
	return st;
}

/* ---- parser ---------------------------------------------------------- */

START_TEST(parse_tab_separated_track_sync)
{
	struct got g;
	size_t len;
	struct ww_synclog_stats st =
		parse_fixture(&g, "track-sync.log", &len);

	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.lines, 4);
	ck_assert_uint_eq(st.malformed, 0);
	ck_assert_int_eq(g.r[0].time, ww_time_from_civil(2014, 1, 16, 18, 53, 54));
	ck_assert_int_eq(g.r[0].millis, 231);
	ck_assert_int_eq(g.r[0].level, WW_SYNCLOG_LEVEL_CHANGE);
	ck_assert_str_eq(g.r[0].process, "w3wp.58");
	ck_assert_str_eq(g.r[0].component, "AdminDataAccess.StartSubscriptionManually");
	ck_assert_str_eq(g.r[0].message, "Synchronization manually started");
	ck_assert_str_eq(g.r[1].level_text, "Info");
	ck_assert_str_eq(g.r[1].component, "EventLogEventReporter.ReportEvent");
	ck_assert(ww_str_starts_with(g.r[1].message, "EventId=382,Type=Information"));
	ck_assert_str_eq(g.r[3].message, "Firing event SyncFinish...");
	/* Offsets tile the file: each record ends where the next starts. */
	ck_assert_uint_eq(g.r[0].offset, 0);
	ck_assert_uint_eq(g.r[1].offset, g.r[0].end);
	ck_assert_uint_eq(g.r[3].end, len);
	ck_assert_uint_eq(g.r[2].line, 3);
	got_free(&g);
}
END_TEST

START_TEST(parse_rendered_spaces_and_padding)
{
	struct got g;
	size_t len;
	struct ww_synclog_stats st =
		parse_fixture(&g, "rendered-spaces.log", &len);

	ck_assert_uint_eq(st.records, 6);
	ck_assert_uint_eq(st.malformed, 0);
	/* "UTC  Info         WsusService.15 ...ReportEvent  EventId=382" */
	ck_assert_str_eq(g.r[1].level_text, "Info");
	ck_assert_str_eq(g.r[1].process, "WsusService.15");
	ck_assert_str_eq(g.r[1].component, "EventLogEventReporter.ReportEvent");
	ck_assert(ww_str_starts_with(g.r[1].message, "EventId=382,"));
	/* "...StartSubscriptionManually    Synchronization manually started" */
	ck_assert_str_eq(g.r[0].message, "Synchronization manually started");
	/* "ThreadEntry ThreadHelper.ThreadStart": method ThreadEntry. */
	ck_assert_str_eq(g.r[4].component, "ThreadEntry");
	ck_assert_str_eq(g.r[4].message, "ThreadHelper.ThreadStart");
	/* Stack lines without leading spaces still join the record. */
	ck_assert_int_eq(g.r[5].level, WW_SYNCLOG_LEVEL_ERROR);
	ck_assert_ptr_nonnull(strstr(g.r[5].message,
		"local machine.\nat System.Web.Services.Protocols.SoapHttpClientProtocol.ReadResponse("));
	ck_assert_ptr_nonnull(strstr(g.r[5].message, "\nat System.Web.Services"
		".Protocols.SoapHttpClientProtocol.Invoke(String methodName, Object[] parameters)"));
	ck_assert_uint_eq(g.r[5].end, len);
	got_free(&g);
}
END_TEST

START_TEST(parse_wheg77pq_constructor_and_stack)
{
	struct got g;
	size_t len;
	struct ww_synclog_stats st = parse_fixture(&g, "wheg77pq.log", &len);

	ck_assert_uint_eq(st.records, 8);
	ck_assert_uint_eq(st.lines, 10);
	ck_assert_str_eq(g.r[1].component, "ClientImplementation..ctor");
	ck_assert(ww_str_starts_with(g.r[1].message, "Initializing ClientWebService"));
	ck_assert_int_eq(g.r[7].level, WW_SYNCLOG_LEVEL_ERROR);
	ck_assert_ptr_nonnull(strchr(g.r[7].message, '\n'));
	got_free(&g);
}
END_TEST

START_TEST(parse_continuations_of_import_sync)
{
	struct got g;
	size_t len;
	struct ww_synclog_stats st =
		parse_fixture(&g, "import-sync-failures.log", &len);
	const char *m;

	ck_assert_uint_eq(st.records, 6);
	ck_assert_uint_eq(st.malformed, 0);
	/* #7423: level, thread and method as the issue showed them. */
	ck_assert_str_eq(g.r[0].level_text, "Error");
	ck_assert_str_eq(g.r[0].process, "w3wp.126");
	ck_assert_str_eq(g.r[0].component,
			 "WebServiceCommunicationHelper.ProcessWebServiceProxyException");
	m = g.r[1].message;
	ck_assert_ptr_nonnull(strstr(m, "remote host\n   at System.Net.Sockets.NetworkStream.Read("));
	ck_assert_ptr_nonnull(strstr(m, "\n   -- End of inner exception stack trace ---\n   ...\n"));
	ck_assert(strstr(m, "WriteHeaders(Boolean async)") != NULL);
	ck_assert_str_eq(g.r[4].message,
			 "SCHANNEL Protocols subkey for 'TLS 1.2' not found. Protocol is enabled");
	got_free(&g);
}
END_TEST

START_TEST(parse_lines_without_timestamp_are_malformed)
{
	struct got g;
	size_t len;
	struct ww_synclog_stats st = parse_fixture(&g, "glued-kb4505440.txt", &len);

	ck_assert_uint_eq(st.records, 0);
	ck_assert_uint_eq(st.malformed, 6);
}
END_TEST

START_TEST(parse_broken_header_is_malformed)
{
	static const char d[] =
		"2014-01-16 18:53:54.231 UTC\tInfo\tw3wp.1\tA.B\tfirst\n"
		"2014-13-16 18:53:54.231 UTC\tInfo\tw3wp.1\tA.B\tbad month\n"
		"   at orphan continuation\n"
		"2014-01-16 18:53:55.000 UTC\t42\tw3wp.1\tA.B\tbad level\n"
		"2014-01-16 18:53:56.000 UTC\tInfo\n"
		"\n"
		"2014-01-16 18:53:57.000 UTC\tInfo\tw3wp.1\tA.B\tlast\n";
	struct got g;
	struct ww_synclog_stats st = parse(&g, d, sizeof(d) - 1, 0);

	ck_assert_uint_eq(st.records, 2);
	ck_assert_uint_eq(st.malformed, 4);
	ck_assert_uint_eq(st.lines, 7);
	ck_assert_str_eq(g.r[0].message, "first");
	ck_assert_str_eq(g.r[1].message, "last");
	got_free(&g);
}
END_TEST

START_TEST(parse_chunking_does_not_matter)
{
	struct got a, b;
	size_t len, step, i;
	char *d = fixture("real-samples.log", &len);

	parse(&a, d, len, 0);
	for (step = 1; step < 40; step += 3) {
		parse(&b, d, len, step);
		ck_assert_uint_eq(a.n, b.n);
		for (i = 0; i < a.n; i++) {
			ck_assert_str_eq(a.r[i].message, b.r[i].message);
			ck_assert_uint_eq(a.r[i].end, b.r[i].end);
		}
		got_free(&b);
	}
	got_free(&a);
	free(d);
}
END_TEST

/* CRLF, a UTF-8 BOM and UTF-16LE with a BOM give the same records. */
START_TEST(parse_encodings)
{
	struct got a, b;
	struct ww_buf crlf, u16;
	size_t len, i, step;
	char *d = fixture("real-samples.log", &len);

	ww_buf_init(&crlf, 1 << 20);
	ww_buf_init(&u16, 1 << 20);
	ck_assert_int_eq(ww_buf_append(&crlf, "\xEF\xBB\xBF", 3), 0);
	ck_assert_int_eq(ww_buf_append(&u16, "\xFF\xFE", 2), 0);
	for (i = 0; i < len; i++) {
		char c = d[i], z = 0;

		if (c == '\n') {
			ck_assert_int_eq(ww_buf_append(&crlf, "\r", 1), 0);
			ck_assert_int_eq(ww_buf_append(&u16, "\r\0", 2), 0);
		}
		ck_assert_int_eq(ww_buf_append(&crlf, &c, 1), 0);
		ck_assert_int_eq(ww_buf_append(&u16, &c, 1), 0);
		ck_assert_int_eq(ww_buf_append(&u16, &z, 1), 0);
	}
	/* A non-ASCII code point and a surrogate pair in a message. */
	{
		static const char *h = "2024-01-01 00:00:00.000 UTC\tInfo\tp\tc\t";
		static const unsigned char tail[] = { 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, '\n', 0 };
		const char *q;

		for (q = h; *q; q++)
			ck_assert_int_eq(ww_buf_append(&u16, q, 1) ||
					 ww_buf_append(&u16, "", 1), 0);
		ck_assert_int_eq(ww_buf_append(&u16, tail, sizeof(tail)), 0);
	}
	parse(&a, d, len, 0);
	for (step = 0; step < 8; step += 7) {
		parse(&b, crlf.data, crlf.len, step);
		ck_assert_uint_eq(a.n, b.n);
		for (i = 0; i < a.n; i++)
			ck_assert_str_eq(a.r[i].message, b.r[i].message);
		ck_assert_uint_eq(b.r[0].offset, 3);
		got_free(&b);
		parse(&b, u16.data, u16.len, step);
		ck_assert_uint_eq(a.n + 1, b.n);
		for (i = 0; i < a.n; i++)
			ck_assert_str_eq(a.r[i].message, b.r[i].message);
		ck_assert_uint_eq(b.r[0].offset, 2);
		ck_assert_uint_eq(b.r[1].offset, 2 + 2 * (a.r[1].offset + 1));
		ck_assert_str_eq(b.r[a.n].message, "\xc3\xa9\xf0\x9f\x98\x80");
		ck_assert_uint_eq(b.r[a.n].end, u16.len);
		got_free(&b);
	}
	got_free(&a);
	ww_buf_release(&crlf);
	ww_buf_release(&u16);
	free(d);
}
END_TEST

START_TEST(parse_overlong_line_is_capped)
{
	size_t big = WW_SYNCLOG_LINE_MAX + 5000, n, len;
	const char *head = "2020-05-22 14:44:14.282 UTC\tError\tw.1\tA.B\t";
	char *d = malloc(big + 400);
	struct got g;
	struct ww_synclog_stats st;

	ck_assert_ptr_nonnull(d);
	n = strlen(head);
	memcpy(d, head, n);
	memset(d + n, 'x', big - n);
	d[big] = '\n';
	len = big + 1;
	len += (size_t)snprintf(d + len, 200, "%safter\n", head);
	st = parse(&g, d, len, 0);
	ck_assert_uint_eq(st.records, 2);
	ck_assert_uint_eq(st.overlong, 1);
	ck_assert(g.r[0].truncated);
	ck_assert_uint_le(strlen(g.r[0].message), WW_SYNCLOG_LINE_MAX);
	ck_assert_uint_eq(g.r[0].end, big + 1);
	ck_assert_str_eq(g.r[1].message, "after");
	got_free(&g);
	/* The same across small feeds (the line buffer path). */
	st = parse(&g, d, len, 65536);
	ck_assert_uint_eq(st.records, 2);
	ck_assert_uint_eq(st.overlong, 1);
	ck_assert_str_eq(g.r[1].message, "after");
	got_free(&g);
	free(d);
}
END_TEST

START_TEST(parse_pending_until_next_header)
{
	static const char a[] = "2020-05-22 14:44:14.282 UTC\tError\tw.1\tA.B\tboom\n";
	static const char b[] = "   at X.Y()\n2020-05-22 14:44:15.000 UTC\tInfo\tw.1\tA.B\tnext";
	struct got g;
	struct ww_synclog_parser *p;
	struct ww_err err;

	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(ww_synclog_parser_new(&p, collect, &g, &err), 0);
	ck_assert_int_eq(ww_synclog_parser_feed(p, a, sizeof(a) - 1, &err), 0);
	ck_assert_uint_eq(g.n, 0);
	ck_assert(ww_synclog_parser_pending(p));
	ck_assert_uint_eq(ww_synclog_parser_emitted_end(p), 0);
	ck_assert_int_eq(ww_synclog_parser_feed(p, b, sizeof(b) - 1, &err), 0);
	/* The next header is not complete yet: it may still be a header. */
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(ww_synclog_parser_flush(p, true, &err), 0);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(ww_synclog_parser_feed(p, "\n", 1, &err), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.r[0].message, "boom\n   at X.Y()");
	ck_assert_uint_eq(ww_synclog_parser_emitted_end(p), sizeof(a) - 1 + 12);
	ck_assert_int_eq(ww_synclog_parser_flush(p, true, &err), 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.r[1].message, "next");
	ck_assert_uint_eq(ww_synclog_parser_emitted_end(p), sizeof(a) - 1 + sizeof(b));
	ck_assert_int_eq(ww_synclog_parser_flush(p, false, &err), 0);
	ck_assert_uint_eq(g.n, 2);

	/* Issue 13: a line ended by a CR is complete, its LF may never come. */
	ck_assert_int_eq(ww_synclog_parser_feed(p, a, sizeof(a) - 2, &err), 0);
	ck_assert_int_eq(ww_synclog_parser_feed(p, "\r", 1, &err), 0);
	ck_assert_int_eq(ww_synclog_parser_flush(p, true, &err), 0);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.r[2].message, "boom");
	ck_assert_uint_eq(ww_synclog_parser_emitted_end(p),
			  2 * sizeof(a) + sizeof(b) - 2);
	/* When it does come, it is only a blank line. */
	ck_assert_int_eq(ww_synclog_parser_feed(p, "\n", 1, &err), 0);
	ck_assert_int_eq(ww_synclog_parser_flush(p, false, &err), 0);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(ww_synclog_parser_stats(p)->malformed, 0);
	ww_synclog_parser_free(p);
	got_free(&g);
}
END_TEST

/*
 * Issue 13: what NTFS leaves after a crash, a run of NUL bytes where data
 * was lost, followed directly by the next header on the same line.  The
 * header (here the 384 that ends the run) must start a record, not be
 * taken for a continuation of the text before the NULs.
 */
START_TEST(parse_nul_run_then_header)
{
	static const char a[] =
		"2020-05-22 14:44:14.282 UTC\tInfo\tWsusService.1\tEventLogEventReporter.ReportEvent\tEventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.\n"
		"2020-05-22 14:44:15.000 UTC\tInfo\tWsusService.1\tX.Y\tcut short by the cra";
	static const char b[] =
		"2020-05-22 15:00:00.000 UTC\tInfo\tWsusService.1\tEventLogEventReporter.ReportEvent\tEventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.\n";
	static const size_t steps[] = { 0, 1, 7, 1000, 4096 };
	size_t nuls = 5000, len = sizeof(a) - 1 + nuls + sizeof(b) - 1, i;
	char *d = malloc(len);
	struct ww_synclog_stats st;
	struct got g;

	memcpy(d, a, sizeof(a) - 1);
	memset(d + sizeof(a) - 1, 0, nuls);
	memcpy(d + sizeof(a) - 1 + nuls, b, sizeof(b) - 1);
	for (i = 0; i < WW_ARRAY_SIZE(steps); i++) {
		st = parse(&g, d, len, steps[i]);
		ck_assert_uint_eq(st.records, 3);
		ck_assert_uint_eq(st.malformed, 0);
		ck_assert_str_eq(g.r[1].message, "cut short by the cra");
		/* Past the NULs read with it (the rest are skipped later). */
		ck_assert_uint_gt(g.r[1].end, sizeof(a) - 1);
		ck_assert_uint_le(g.r[1].end, sizeof(a) - 1 + nuls);
		ck_assert_uint_eq(g.r[2].offset, sizeof(a) - 1 + nuls);
		ck_assert_str_eq(g.r[2].component,
				 "EventLogEventReporter.ReportEvent");
		ck_assert(strncmp(g.r[2].message, "EventId=384,", 12) == 0);
		ck_assert_uint_eq(g.r[2].end, len);
		got_free(&g);
	}
	/* A NUL run between complete lines is no line at all. */
	memset(d + sizeof(a) - 1, '\n', 1);
	st = parse(&g, d, len, 0);
	ck_assert_uint_eq(st.records, 3);
	ck_assert_uint_eq(st.lines, 3);
	got_free(&g);
	free(d);
}
END_TEST

/* The records of text in UTF-16LE (the text is ASCII). */
static struct ww_synclog_stats parse_utf16(struct got *g, const char *text,
					   size_t step)
{
	size_t n = strlen(text), i;
	char *u = malloc(2 * n + 2);
	struct ww_synclog_stats st;

	u[0] = (char)0xFF;
	u[1] = (char)0xFE;
	for (i = 0; i < n; i++) {
		u[2 + 2 * i] = text[i];
		u[3 + 2 * i] = 0;
	}
	st = parse(g, u, 2 * n + 2, step);
	free(u);
	return st;
}

/*
 * Issue 13: a lone CR ends a line as LF and CRLF do (classic Mac line
 * ends, or an editor's), so records separated by one do not merge; a CR
 * and an LF split between two reads are still one line end.
 */
START_TEST(parse_lone_cr_ends_lines)
{
	static const char d[] =
		"2020-05-22 14:44:14.282 UTC\tError\tw.1\tA.B\tone\r"
		"   at X.Y()\r"
		"2020-05-22 14:44:15.000 UTC\tInfo\tw.1\tA.B\ttwo\r\n"
		"2020-05-22 14:44:16.000 UTC\tInfo\tw.1\tA.B\tthree\r\r"
		"2020-05-22 14:44:17.000 UTC\tInfo\tw.1\tA.B\tfour\r";
	size_t step;
	struct ww_synclog_stats st;
	struct got g;

	for (step = 0; step < 12; step++) {
		st = parse(&g, d, sizeof(d) - 1, step);
		ck_assert_uint_eq(st.records, 4);
		ck_assert_uint_eq(st.malformed, 0);
		ck_assert_str_eq(g.r[0].message, "one\n   at X.Y()");
		ck_assert_uint_eq(g.r[0].end, 46 + 12);
		ck_assert_uint_eq(g.r[1].offset, 46 + 12);
		ck_assert_str_eq(g.r[1].message, "two");
		ck_assert_uint_eq(g.r[2].offset, 46 + 12 + 46);
		ck_assert_str_eq(g.r[2].message, "three");
		ck_assert_str_eq(g.r[3].message, "four");
		ck_assert_uint_eq(g.r[3].end, sizeof(d) - 1);
		got_free(&g);
		st = parse_utf16(&g, d, step);
		ck_assert_uint_eq(st.records, 4);
		ck_assert_str_eq(g.r[0].message, "one\n   at X.Y()");
		ck_assert_uint_eq(g.r[1].offset, 2 + 2 * (46 + 12));
		ck_assert_str_eq(g.r[3].message, "four");
		ck_assert_uint_eq(g.r[3].end, 2 * sizeof(d));
		got_free(&g);
	}
}
END_TEST

static bool valid(const char *s)
{
	return ww_utf8_valid(s, strlen(s));
}

/*
 * Issue 13: invalid UTF-8 in the log is replaced by U+FFFD as it is
 * read, so records (and the store, history --json, the control answer,
 * analyze --json built from them) only ever hold valid UTF-8.
 */
START_TEST(parse_invalid_utf8_replaced)
{
	static const char d[] =
		"2020-05-22 14:44:14.282 UTC\tError\tw\xff.1\tA.\xc0\xaf" "B\t"
		"bad \xff|\xed\xa0\x80|\xe2\x82" "x|\xf4\x90\x80\x80|\xc3\xa9 ok\n"
		"   at \xfe\xfe()\n"
		"2020-05-22 14:44:15.000 UTC\tInfo\tw.1\tA.B\tcut \xe2\x82";
	static const char *want =
		"bad \xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
		"\xef\xbf\xbd" "x|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
		"\xc3\xa9 ok\n   at \xef\xbf\xbd\xef\xbf\xbd()";
	size_t step, i;
	struct got g;

	for (step = 0; step < 9; step += 4) {
		ck_assert_uint_eq(parse(&g, d, sizeof(d) - 1, step).records, 2);
		ck_assert_str_eq(g.r[0].message, want);
		ck_assert_str_eq(g.r[0].process, "w\xef\xbf\xbd.1");
		ck_assert_str_eq(g.r[0].component, "A.\xef\xbf\xbd\xef\xbf\xbd" "B");
		ck_assert_str_eq(g.r[1].message, "cut \xef\xbf\xbd");
		/* Offsets stay those of the file. */
		ck_assert_uint_eq(g.r[1].end, sizeof(d) - 1);
		for (i = 0; i < g.n; i++)
			ck_assert(valid(g.r[i].message) &&
				  valid(g.r[i].component) &&
				  valid(g.r[i].process));
		got_free(&g);
	}
}
END_TEST

/* Cutting valid text to a size never ends inside a character. */
START_TEST(utf8_cuts_at_character_boundaries)
{
	char buf[8], s[16];
	char big[WW_SYNCLOG_EXAMPLE_MAX + 64];
	struct ww_sync_tracker t;
	struct ww_synclog_record rec;
	size_t i;

	/* "aé€😀" is 1 + 2 + 3 + 4 bytes. */
	static const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

	for (i = 1; i <= sizeof(text); i++) {
		size_t n = ww_utf8_copy(buf, i < sizeof(buf) ? i : sizeof(buf),
					text, sizeof(text) - 1);

		ck_assert(ww_utf8_valid(buf, n) && n == strlen(buf));
		ww_strlcpy(s, text, i);
		ck_assert(valid(s) || !ww_utf8_valid(s, strlen(s)));
		ww_utf8_trim_cut(s);
		ck_assert_msg(valid(s), "cut at %zu", i);
	}
	/* A failure whose example fills the run error: cut, still valid. */
	memset(big, 0, sizeof(big));
	for (i = 0; i + 2 < sizeof(big) - 1; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	memset(&rec, 0, sizeof(rec));
	rec.time = 1590158654;
	rec.level = WW_SYNCLOG_LEVEL_ERROR;
	rec.component = "A.B";
	rec.message = big;
	rec.message_len = strlen(big);
	ww_sync_tracker_init(&t);
	t.has_open = true;
	t.open.started_at = rec.time;
	ck_assert_int_eq(ww_sync_tracker_record(&t, &rec,
		(ww_synclog_catset)1u << WW_CAT_SOAP_FAULT, NULL, NULL), 0);
	ck_assert_uint_gt(strlen(t.open.error), WW_SYNC_ERROR_MAX - 8);
	ck_assert(valid(t.open.error));
}
END_TEST

/* ---- classifier ------------------------------------------------------ */

static const struct {
	enum ww_synclog_category cat;
	const char *text;
} cases[] = {
	{ WW_CAT_ENDPOINT_DECOMMISSIONED,
	  "USS ThrowException: Actor = https://fe2.update.microsoft.com/v6/ServerSyncWebService/"
	  "ServerSyncWebService.asmx, Method = \"http://www.microsoft.com/SoftwareDistribution/"
	  "GetUpdateData\", ID=<ID>, ErrorCode=InternalServerError, Message=" },
	{ WW_CAT_ENDPOINT_DEPRECATED, "Actor = https://sws1.update.microsoft.com/ServerSyncWebService" },
	{ WW_CAT_SOAP_FAULT, "USS ThrowException: Actor = https://upstream:8531/, ErrorCode=InternalServerError" },
	{ WW_CAT_CONNECTION_CLOSED, "System.Net.WebException: The underlying connection was closed: The connection was closed unexpectedly." },
	{ WW_CAT_TLS_NO_COMMON_ALGORITHM, "The client and server cannot communicate, because they do not possess a common algorithm" },
	{ WW_CAT_TLS_TRUST_FAILURE, "The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel" },
	{ WW_CAT_TLS_TRUST_FAILURE, "The given certificate chain has not Microsoft Root CA signed root (800B0109)" },
	{ WW_CAT_PROXY_AUTH_REQUIRED, "The remote server returned an error: (407) Proxy Authentication Required." },
	{ WW_CAT_NAME_RESOLUTION, "Synchronization failed. Reason: The remote name could not be resolved: 'fe2.update.microsoft.com'." },
	{ WW_CAT_CONNECT_FAILURE, "WebException: Unable to connect to the remote server ---> No connection could be made because the target machine actively refused it" },
	{ WW_CAT_TIMEOUT, "System.Net.WebException: The operation has timed out" },
	{ WW_CAT_HTTP_UNAVAILABLE, "The remote server returned an error: (503) Server Unavailable." },
	{ WW_CAT_UPSTREAM_ERROR, "The request failed with HTTP status 502: Proxy Error." },
	{ WW_CAT_RETRY_LIMIT_EXCEEDED, "found Exception was WebException but Retry Limit Exceeded. Action: No Retry, Fail." },
	{ WW_CAT_TLS12_FIX_MISSING, "The underlying connection was closed: An unexpected error occurred on a send." },
	{ WW_CAT_DATABASE_ERROR, "ExecuteReader requires an open and available Connection. The connection's current state is closed." },
	{ WW_CAT_DATABASE_ERROR, "Transaction (Process ID 56) was deadlocked on lock resources with another process" },
	{ WW_CAT_CONTENT_DOWNLOAD_FAILURE, "Content file download failed. Reason: HTTP status 404: The requested URL does not exist on the server." },
	{ WW_CAT_SYNC_FAILED, "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed." },
	/* The guide's error codes, as WSUS writes them (issue 14, item 7). */
	{ WW_CAT_TIMEOUT, "SyncUpdates failed: 0x80072EE2" },
	{ WW_CAT_CONNECT_FAILURE, "WebServiceCommunicationHelper failed with error 0x80072efd" },
	{ WW_CAT_TLS_TRUST_FAILURE, "Sync failed, hr = 0x80072F8F" },
	{ WW_CAT_HTTP_UNAVAILABLE, "GetCookie failed: 0x80244022" },
	{ WW_CAT_NAME_RESOLUTION, "Synchronization failed, error 0x8024402C" },
	{ WW_CAT_PROXY_AUTH_REQUIRED, "failed with 0x8024401B" },
	{ WW_CAT_CONNECTION_CLOSED, "failed with 0x80072EFE" },
	{ WW_CAT_UPSTREAM_ERROR, "failed with 0x80244019" },
	{ WW_CAT_HEALTH_CHECK_FAILED, "Reporting WebService SoapException:System.Web.Services.Protocols.SoapException: Server was unable to process request." },
	/* Facts (issue 14, item 2): the SCHANNEL startup lines, a start. */
	{ WW_CAT_SCHANNEL_STARTUP, "SCHANNEL Protocols subkey for 'TLS 1.2' not found. Protocol is enabled" },
	{ WW_CAT_SERVICE_START, "Initializing ClientWebService ProcessID = 380, Process Start Time = 5/22/2020 10:44:06 AM, Product Version = 10.0.14393.2969" },
	/* The hierarchy (issue 14, item 4); the exact texts are the guide's
	 * and the API's enum name, not seen in a real log (docs/synclog.md). */
	{ WW_CAT_UPSTREAM_UNEXPECTED, "SoapException: The upstream server experienced an unexpected error. ErrorCode=InternalServerError" },
	{ WW_CAT_INCOMPATIBLE_PROTOCOL, "USS ThrowException: ErrorCode=IncompatibleProtocolVersion, Message=" },
};

START_TEST(classify_each_category)
{
	struct ww_synclog_classifier *c;
	struct ww_err err;
	ww_synclog_catset m;

	ck_assert_int_eq(ww_synclog_classifier_new(&c, &err), 0);
	m = ww_synclog_classify_text(c, cases[_i].text, strlen(cases[_i].text));
	ck_assert_msg(m & (1u << cases[_i].cat), "'%s' not %s (0x%x)",
		      cases[_i].text, ww_synclog_category_name(cases[_i].cat), m);
	/* Case does not matter. */
	{
		char *up = ww_strdup(cases[_i].text), *q;

		for (q = up; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
		ck_assert_uint_eq(ww_synclog_classify_text(c, up, strlen(up)), m);
		free(up);
	}
	ww_synclog_classifier_free(c);
}
END_TEST

START_TEST(classify_suppression_and_quiet_lines)
{
	struct ww_synclog_classifier *c;
	struct ww_err err;
	size_t len;
	char *d = fixture("real-samples.log", &len);
	const char *t;
	ww_synclog_catset m;

	ck_assert_int_eq(ww_synclog_classifier_new(&c, &err), 0);
	t = "The underlying connection was closed: An unexpected error occurred on a receive. ---> "
	    "System.ComponentModel.Win32Exception: The client and server cannot communicate, "
	    "because they do not possess a common algorithm";
	m = ww_synclog_classify_text(c, t, strlen(t));
	ck_assert_uint_eq(m, 1u << WW_CAT_TLS_NO_COMMON_ALGORITHM);
	t = "Server test key check: test keys are NOT allowed";
	ck_assert_uint_eq(ww_synclog_classify_text(c, t, strlen(t)), 0);
	t = "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.";
	ck_assert_uint_eq(ww_synclog_classify_text(c, t, strlen(t)), 0);
	/* The SCHANNEL startup line is a fact, never a failure. */
	t = "SCHANNEL Protocol 'TLS 1.0' disabled";
	ck_assert_uint_eq(ww_synclog_classify_text(c, t, strlen(t)),
			  1u << WW_CAT_SCHANNEL_STARTUP);
	ck_assert(ww_synclog_category_is_fact(WW_CAT_SCHANNEL_STARTUP));
	ck_assert(ww_synclog_category_is_fact(WW_CAT_SERVICE_START));
	ck_assert(!ww_synclog_category_is_fact(WW_CAT_TLS12_FIX_MISSING));
	/* Patterns are not matched across the component/message boundary. */
	t = "retry limit";
	ck_assert_uint_eq(ww_synclog_classify_text(c, t, strlen(t)), 0);
	ck_assert_int_eq(ww_synclog_category_from_name("tls_trust_failure"), WW_CAT_TLS_TRUST_FAILURE);
	ck_assert_int_eq(ww_synclog_category_from_name("nope"), WW_CAT_COUNT);
	ww_synclog_classifier_free(c);
	free(d);
}
END_TEST

START_TEST(classify_table_covers_every_category)
{
	ww_synclog_catset seen = 0;
	enum ww_synclog_category cat;
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(cases); i++)
		seen |= 1u << cases[i].cat;
	ck_assert_uint_eq(seen, (1u << WW_CAT_COUNT) - 1);
	for (i = 0; ww_synclog_pattern(i, &cat); i++)
		ck_assert_int_lt(cat, WW_CAT_COUNT);
	ck_assert_uint_gt(i, WW_CAT_COUNT);
	for (i = 0; i < WW_CAT_COUNT; i++)
		ck_assert_uint_gt(strlen(ww_synclog_category_hint((enum ww_synclog_category)i)), 20);
}
END_TEST

/* The guide's texts (issue 14, item 9): SchUseStrongCrypto is the import
 * path, the sync fix is the Monthly Rollup; fe2's fix is MUUrl plus
 * RedirectorChangeNumber 4002; the trust hint gives store placement,
 * name and clock; a timeout does not blame IIS. */
START_TEST(category_hints_follow_the_guide)
{
	const char *h;

	h = ww_synclog_category_hint(WW_CAT_ENDPOINT_DECOMMISSIONED);
	ck_assert_ptr_null(strstr(h, "KB4482416"));
	ck_assert_ptr_nonnull(strstr(h, "RedirectorChangeNumber to 4002"));
	ck_assert_ptr_nonnull(strstr(h, "replica"));
	h = ww_synclog_category_hint(WW_CAT_TLS12_FIX_MISSING);
	ck_assert_ptr_nonnull(strstr(h, "Monthly Rollup"));
	ck_assert_ptr_nonnull(strstr(h, "KB4022721"));
	ck_assert_ptr_nonnull(strstr(h, "for manual import, set "
				     "SchUseStrongCrypto"));
	h = ww_synclog_category_hint(WW_CAT_TLS_NO_COMMON_ALGORITHM);
	ck_assert_ptr_nonnull(strstr(h, "_P256"));
	ck_assert_ptr_nonnull(strstr(h, "GCM"));
	h = ww_synclog_category_hint(WW_CAT_TLS_TRUST_FAILURE);
	ck_assert_ptr_null(strstr(h, "KB4484071"));
	ck_assert_ptr_nonnull(strstr(h, "0x80072F8F"));
	ck_assert_ptr_nonnull(strstr(h, "Intermediate Certification "
				     "Authorities"));
	ck_assert_ptr_nonnull(strstr(h, "time zone"));
	ck_assert_ptr_nonnull(strstr(h, "Subject or SAN"));
	h = ww_synclog_category_hint(WW_CAT_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(h, "do not assume IIS"));
	h = ww_synclog_category_hint(WW_CAT_CONNECTION_CLOSED);
	ck_assert_ptr_nonnull(strstr(h, "Monthly Rollup"));
	/* A code's finding says what the code means (item 7). */
	ck_assert_ptr_nonnull(strstr(ww_synclog_category_hint(WW_CAT_TIMEOUT),
				     "0x80072EE2"));
	ck_assert_ptr_nonnull(strstr(ww_synclog_category_hint(
		WW_CAT_CONNECT_FAILURE), "0x80072EFD"));
	ck_assert_ptr_nonnull(strstr(ww_synclog_category_hint(
		WW_CAT_HTTP_UNAVAILABLE), "0x80244022"));
	ck_assert_ptr_nonnull(strstr(ww_synclog_category_hint(
		WW_CAT_NAME_RESOLUTION), "0x8024402C"));
}
END_TEST

/* ---- sync runs ------------------------------------------------------- */

static int put(void *ctx, const struct ww_sync_run *run)
{
	return ww_sync_run_list_put(ctx, run);
}

/* Runs of a log text, with the tracker and classifier as the tailer. */
static void runs_of(const char *text, struct ww_sync_run_list *l,
		    int64_t expire_at)
{
	struct ww_synclog_classifier *c;
	struct ww_sync_tracker t;
	struct got g;
	struct ww_err err;
	size_t i;
	char *copy = ww_strdup(text);

	ck_assert_int_eq(ww_synclog_classifier_new(&c, &err), 0);
	ww_sync_tracker_init(&t);
	ww_sync_run_list_init(l, 100);
	parse(&g, copy, strlen(copy), 0);
	for (i = 0; i < g.n; i++) {
		struct ww_synclog_record r;

		memset(&r, 0, sizeof(r));
		r.time = g.r[i].time;
		r.millis = g.r[i].millis;
		r.level = g.r[i].level;
		r.component = g.r[i].component;
		r.process = g.r[i].process;
		r.level_text = g.r[i].level_text;
		r.message = g.r[i].message;
		r.message_len = strlen(r.message);
		ck_assert_int_eq(ww_sync_tracker_record(&t, &r,
			ww_synclog_classify(c, &r), put, l), 0);
	}
	if (expire_at != WW_TIME_UNKNOWN)
		ck_assert_int_eq(ww_sync_tracker_expire(&t, expire_at, put, l), 0);
	ww_sync_run_list_sort(l);
	got_free(&g);
	free(copy);
	ww_synclog_classifier_free(c);
}

START_TEST(runs_manual_success_track_sync)
{
	struct ww_sync_run_list l;
	size_t len;
	char *d = fixture("track-sync.log", &len);

	runs_of(d, &l, WW_TIME_UNKNOWN);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.runs[0].kind, WW_SYNC_MANUAL);
	ck_assert_int_eq(l.runs[0].result, WW_SYNC_SUCCEEDED);
	ck_assert_int_eq(l.runs[0].started_at, ww_time_from_civil(2014, 1, 16, 18, 53, 54));
	ck_assert_int_eq(l.runs[0].finished_at, ww_time_from_civil(2014, 1, 16, 18, 55, 5));
	ck_assert_str_eq(l.runs[0].error, "");
	ck_assert_int_eq(ww_sync_run_list_last_success(&l), l.runs[0].finished_at);
	ck_assert_int_eq(ww_sync_run_list_last_attempt(&l), l.runs[0].started_at);
	ww_sync_run_list_release(&l);
	free(d);
}
END_TEST

static struct ww_synclog_record summary_rec(int64_t time, const char *msg)
{
	struct ww_synclog_record r;

	memset(&r, 0, sizeof(r));
	r.time = time;
	r.level = WW_SYNCLOG_LEVEL_ERROR;
	r.level_text = "Error";
	r.process = "WsusService.9";
	r.component = "X.Y";
	r.message = msg;
	r.message_len = strlen(msg);
	return r;
}

START_TEST(finding_summary_counts_every_category_of_a_record)
{
	struct ww_finding_summary sums[WW_CAT_COUNT];
	struct ww_synclog_record a = summary_rec(200, "second");
	struct ww_synclog_record b = summary_rec(100, "first");
	struct ww_synclog_record c = summary_rec(200, "tie");
	ww_synclog_catset two = (1u << WW_CAT_PROXY_AUTH_REQUIRED) | (1u << WW_CAT_TLS_TRUST_FAILURE);
	int i;

	memset(sums, 0, sizeof(sums));
	ww_finding_summary_add(sums, two, &a);
	ww_finding_summary_add(sums, 1u << WW_CAT_TLS_TRUST_FAILURE, &b);
	ww_finding_summary_add(sums, 1u << WW_CAT_TLS_TRUST_FAILURE, &c);
	ww_finding_summary_add(sums, 0, &b);
	ck_assert_uint_eq(sums[WW_CAT_PROXY_AUTH_REQUIRED].count, 1);
	ck_assert_int_eq(sums[WW_CAT_PROXY_AUTH_REQUIRED].first_seen, 200);
	ck_assert_ptr_nonnull(strstr(sums[WW_CAT_PROXY_AUTH_REQUIRED].example, "second"));
	ck_assert_uint_eq(sums[WW_CAT_TLS_TRUST_FAILURE].count, 3);
	ck_assert_int_eq(sums[WW_CAT_TLS_TRUST_FAILURE].first_seen, 100);
	ck_assert_int_eq(sums[WW_CAT_TLS_TRUST_FAILURE].last_seen, 200);
	/* An older record does not replace the example; a tie does. */
	ck_assert_ptr_nonnull(strstr(sums[WW_CAT_TLS_TRUST_FAILURE].example, "tie"));
	for (i = 0; i < WW_CAT_COUNT; i++)
		if (i != WW_CAT_PROXY_AUTH_REQUIRED && i != WW_CAT_TLS_TRUST_FAILURE)
			ck_assert_uint_eq(sums[i].count, 0);
}
END_TEST

#define H(t, lvl, comp) "2024-03-0" t " UTC\t" lvl "\tWsusService.9\t" comp "\t"
#define EV "EventLogEventReporter.ReportEvent"
#define PX "WebServiceCommunicationHelper.ProcessWebServiceProxyException"

START_TEST(runs_failed_with_error_then_scheduled_success)
{
	static const char log[] =
		H("1 03:00:00.000", "Info", EV) "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n"
		H("1 03:00:05.000", "Error", PX) "ProcessWebServiceProxyException found Exception was WebException. Action: Retry. "
		"Exception Details: System.Net.WebException: The remote name could not be resolved: 'sws.update.microsoft.com'\n"
		"   at System.Net.HttpWebRequest.GetRequestStream()\n"
		H("1 03:45:00.000", "Error", EV) "EventId=386,Type=Error,Category=Synchronization,Message=Synchronization failed. "
		"Reason: The remote name could not be resolved: 'sws.update.microsoft.com'.\n"
		H("2 03:00:00.000", "Info", EV) "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n"
		H("2 03:10:00.000", "Info", EV) "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.\n"
		H("2 03:10:01.000", "Info", "CatalogSyncAgent.SetSubscriptionStateWithRetry") "Firing event SyncFinish...\n"
		H("3 03:00:00.000", "Info", EV) "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n"
		H("3 03:00:09.000", "Warning", PX) "found Exception was WebException but Retry Limit Exceeded. Action: No Retry, Fail. "
		"System.Net.WebException: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.\n"
		H("3 03:00:10.000", "Info", "CatalogSyncAgent.SetSubscriptionStateWithRetry") "Firing event SyncFinish...\n"
		H("4 03:00:00.000", "Info", EV) "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n";
	struct ww_sync_run_list l;

	runs_of(log, &l, WW_TIME_UNKNOWN);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_int_eq(l.runs[0].kind, WW_SYNC_SCHEDULED);
	ck_assert_int_eq(l.runs[0].result, WW_SYNC_FAILED);
	ck_assert_str_eq(l.runs[0].error, "Synchronization failed. Reason: The remote name "
			 "could not be resolved: 'sws.update.microsoft.com'.");
	ck_assert_int_eq(l.runs[1].result, WW_SYNC_SUCCEEDED);
	ck_assert_int_eq(l.runs[1].finished_at, ww_time_from_civil(2024, 3, 2, 3, 10, 0));
	/* SyncFinish with no 384 after an error: failed, error kept. */
	ck_assert_int_eq(l.runs[2].result, WW_SYNC_FAILED);
	ck_assert(ww_str_starts_with(l.runs[2].error, "tls_trust_failure: found Exception"));
	ck_assert_int_eq(l.runs[3].result, WW_SYNC_RUNNING);
	ck_assert_int_eq(l.runs[3].finished_at, WW_TIME_UNKNOWN);
	ck_assert_int_eq(ww_sync_run_list_last_success(&l), ww_time_from_civil(2024, 3, 2, 3, 10, 0));
	ck_assert_int_eq(ww_sync_run_list_last_attempt(&l), ww_time_from_civil(2024, 3, 4, 3, 0, 0));
	ww_sync_run_list_release(&l);

	/* Twelve hours later the open run is no longer "running". */
	runs_of(log, &l, ww_time_from_civil(2024, 3, 4, 15, 0, 1));
	ck_assert_int_eq(l.runs[3].result, WW_SYNC_UNKNOWN);
	ww_sync_run_list_release(&l);
}
END_TEST

START_TEST(runs_edge_cases)
{
	static const char log[] =
		/* Completion of a run whose start is in an older file. */
		H("1 03:10:00.000", "Info", EV) "EventId=384,Type=Information,Category=Synchronization,Message=Synchronization completed successfully.\n"
		/* A start that never finished, superseded by the next one. */
		H("1 04:00:00.000", "Info", EV) "EventId=381,Type=Information,Category=Synchronization,Message=A scheduled synchronization was started.\n"
		H("2 04:00:00.000", "Change", "AdminDataAccess.StartSubscriptionManually") "Synchronization manually started\n"
		H("2 04:00:02.000", "Info", EV) "EventId=382,Type=Information,Category=Synchronization,Message=A manual synchronization was started.\n"
		H("2 04:09:00.000", "Info", EV) "EventId=387,Type=Warning,Category=Synchronization,Message=\n"
		/* SyncFinish alone: finished, result unknown. */
		H("3 04:00:00.000", "Info", "CatalogSyncAgent.SetSubscriptionStateWithRetry") "Firing event SyncFinish...\n";
	struct ww_sync_run_list l;

	runs_of(log, &l, WW_TIME_UNKNOWN);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_int_eq(l.runs[0].started_at, WW_TIME_UNKNOWN);
	ck_assert_int_eq(l.runs[0].kind, WW_SYNC_KIND_UNKNOWN);
	ck_assert_int_eq(l.runs[0].result, WW_SYNC_SUCCEEDED);
	ck_assert_int_eq(l.runs[1].result, WW_SYNC_UNKNOWN);
	ck_assert_int_eq(l.runs[1].finished_at, ww_time_from_civil(2024, 3, 2, 4, 0, 0));
	ck_assert_int_eq(l.runs[2].kind, WW_SYNC_MANUAL);
	ck_assert_int_eq(l.runs[2].started_at, ww_time_from_civil(2024, 3, 2, 4, 0, 0));
	ck_assert_int_eq(l.runs[2].result, WW_SYNC_FAILED);
	ck_assert_str_eq(l.runs[2].error, "EventId=387");
	ck_assert_int_eq(l.runs[3].result, WW_SYNC_UNKNOWN);
	ck_assert_int_eq(l.runs[3].started_at, WW_TIME_UNKNOWN);
	ww_sync_run_list_release(&l);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("synclog");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_tab_separated_track_sync);
	tcase_add_test(tc, parse_rendered_spaces_and_padding);
	tcase_add_test(tc, parse_wheg77pq_constructor_and_stack);
	tcase_add_test(tc, parse_continuations_of_import_sync);
	tcase_add_test(tc, parse_lines_without_timestamp_are_malformed);
	tcase_add_test(tc, parse_broken_header_is_malformed);
	tcase_add_test(tc, parse_chunking_does_not_matter);
	tcase_add_test(tc, parse_encodings);
	tcase_add_test(tc, parse_overlong_line_is_capped);
	tcase_add_test(tc, parse_pending_until_next_header);
	tcase_add_loop_test(tc, classify_each_category, 0, (int)WW_ARRAY_SIZE(cases));
	tcase_add_test(tc, classify_suppression_and_quiet_lines);
	tcase_add_test(tc, classify_table_covers_every_category);
	tcase_add_test(tc, runs_manual_success_track_sync);
	tcase_add_test(tc, runs_failed_with_error_then_scheduled_success);
	tcase_add_test(tc, runs_edge_cases);
	tcase_add_test(tc, finding_summary_counts_every_category_of_a_record);
	tcase_add_test(tc, parse_nul_run_then_header);
	tcase_add_test(tc, parse_lone_cr_ends_lines);
	tcase_add_test(tc, category_hints_follow_the_guide);
	tcase_add_test(tc, parse_invalid_utf8_replaced);
	tcase_add_test(tc, utf8_cuts_at_character_boundaries);
	suite_add_tcase(s, tc);
	return s;
}
