/*
 * test_evstore.c - WSUS events into the store: import without duplicates,
 * implied sync runs, truncated and malformed files, gap findings and the
 * bookmark position.
 */
#include "compat.h"

#include "os.h"
#include "evstore.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

static void fx_open(struct ww_test_store *f)
{
	ww_test_store_init(f, "evstore");
	ww_test_store_open(f);
}

static int64_t count(struct ww_test_store *f, const char *sql)
{
	return ww_test_sql_i64(ww_store_db(f->s), sql);
}

static char *text(struct ww_test_store *f, const char *sql)
{
	return ww_test_sql_text(ww_store_db(f->s), sql);
}

static int import(struct ww_test_store *f, const char *name,
		  struct ww_evstore_import *res, struct ww_err *err)
{
	char rel[128], *path;
	int r;

	snprintf(rel, sizeof(rel), "fixtures/events/%s", name);
	path = ww_test_path(rel);
	r = ww_evstore_import_file(f->s, path, res, err);
	free(path);
	return r;
}

START_TEST(test_import_twice_no_duplicates)
{
	struct ww_evstore_import res;
	struct ww_err err;
	struct ww_test_store f;
	char *s;

	fx_open(&f);
	ck_assert_msg(import(&f, "wevtutil-rendered-de.xml", &res, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(res.added, 9);
	ck_assert_uint_eq(res.duplicates, 0);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM wsus_event"), 9);
	s = text(&f, "SELECT DISTINCT source FROM wsus_event");
	ck_assert_str_eq(s, "eventlog:wsus01.corp.example/application");
	free(s);
	s = text(&f, "SELECT meaning || ' ' || level || ' ' || at FROM wsus_event"
		 " WHERE record_id = 4711");
	ck_assert_str_eq(s, "catalog_sync_failed error 1795140933");
	free(s);
	/* 381 -> 386: a failed scheduled run; 382 -> 384: a manual success. */
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run"), 2);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE kind ="
			 " 'scheduled' AND result = 'failed' AND error LIKE"
			 " '%sws.update.microsoft.com%' AND finished_at >"
			 " started_at"), 1);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE kind ="
			 " 'manual' AND result = 'succeeded'"), 1);

	/* Again: nothing added, the runs untouched. */
	ck_assert_msg(import(&f, "wevtutil-rendered-de.xml", &res, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(res.added, 0);
	ck_assert_uint_eq(res.duplicates, 9);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM wsus_event"), 9);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run"), 2);

	/* Another computer's export is another source. */
	ck_assert_msg(import(&f, "eventviewer-fr-utf16.xml", &res, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(res.added, 2);
	ck_assert_int_eq(count(&f, "SELECT count(DISTINCT source) FROM wsus_event"), 2);
	ww_test_store_release(&f);
}
END_TEST

START_TEST(test_truncated_commits_malformed_rolls_back)
{
	struct ww_evstore_import res;
	struct ww_err err;
	struct ww_test_store f;

	fx_open(&f);
	ck_assert_int_eq(import(&f, "wevtutil-malformed.xml", &res, &err), WW_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "wevtutil-malformed.xml:2:"));
	ck_assert_uint_eq(res.added, 0);
	/* The first event was stored before the error: rolled back. */
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM wsus_event"), 0);

	ck_assert_msg(import(&f, "wevtutil-truncated.xml", &res, &err) == 0,
		      "%s", err.msg);
	ck_assert(res.st.truncated);
	ck_assert_uint_eq(res.added, 2); /* 3 complete events, 2 from WSUS */
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM wsus_event"), 2);

	/* The full export later: only the missing event is added. */
	ck_assert_msg(import(&f, "wevtutil-plain.xml", &res, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(res.added, 1);
	ck_assert_uint_eq(res.duplicates, 2);
	ww_test_store_release(&f);
}
END_TEST

static struct ww_wsus_event mkev(uint32_t id, uint64_t rid, int64_t t,
				 const char *msg)
{
	struct ww_wsus_event ev;

	memset(&ev, 0, sizeof(ev));
	ww_strlcpy(ev.provider, WW_WSUS_PROVIDER, sizeof(ev.provider));
	ev.event_id = id;
	ev.record_id = rid;
	ev.time = t;
	ev.level = WW_EV_LEVEL_INFO;
	ww_strlcpy(ev.message, msg, sizeof(ev.message));
	return ev;
}

static void add(struct ww_evstore *w, const char *src, struct ww_wsus_event ev)
{
	struct ww_err err;

	ck_assert_msg(ww_evstore_add(w, src, &ev, NULL, &err) == 0, "%s", err.msg);
}

START_TEST(test_runs_from_partial_history)
{
	struct ww_evstore *w;
	struct ww_err err;
	struct ww_test_store f;

	fx_open(&f);
	ck_assert_int_eq(ww_evstore_new(f.s, &w, &err), 0);
	ck_assert_int_eq(ww_store_begin(f.s, &err), 0);
	/* A finish whose start is not in the log. */
	add(w, "eventlog", mkev(384, 10, 1000, "ok"));
	/* A start that never finished, then a new start and its failure. */
	add(w, "eventlog", mkev(381, 11, 2000, "start"));
	add(w, "eventlog", mkev(382, 12, 3000, "start"));
	add(w, "eventlog", mkev(386, 13, 3600, "Synchronization failed. Reason: x"));
	/* Newest first: a finish then its start (an imported export). */
	add(w, "eventlog", mkev(384, 21, 9000, "ok"));
	add(w, "eventlog", mkev(381, 20, 8000, "start"));
	ck_assert_int_eq(ww_store_commit(f.s, &err), 0);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run"), 4);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE"
			 " started_at IS NULL AND finished_at = 1000 AND result"
			 " = 'succeeded'"), 1);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE"
			 " started_at = 2000 AND result = 'unknown'"), 1);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE"
			 " started_at = 3000 AND kind = 'manual' AND result ="
			 " 'failed' AND error = 'Synchronization failed. Reason: x'"), 1);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM sync_run WHERE"
			 " started_at = 8000 AND finished_at = 9000 AND kind ="
			 " 'scheduled' AND result = 'succeeded'"), 1);
	ww_evstore_free(w);
	ww_test_store_release(&f);
}
END_TEST

START_TEST(test_position_gap_archive)
{
	struct ww_evstore *w;
	struct ww_err err;
	struct ww_test_store f;
	char *bm = NULL;
	uint64_t rec = 0;

	fx_open(&f);
	ck_assert_int_eq(ww_evstore_load_position(f.s, "eventlog", &bm, &rec, &err), 0);
	ck_assert_ptr_null(bm);
	ck_assert_int_eq(ww_evstore_new(f.s, &w, &err), 0);
	ck_assert_int_eq(ww_store_begin(f.s, &err), 0);
	add(w, "eventlog", mkev(10022, 5, 100, "x"));
	ck_assert_int_eq(ww_evstore_save_position(w, "eventlog", "Application",
		"<BookmarkList><Bookmark Channel='Application' RecordId='5' "
		"IsCurrent='true'/></BookmarkList>", 5, 100, &err), 0);
	ck_assert_int_eq(ww_store_commit(f.s, &err), 0);
	ck_assert_int_eq(ww_evstore_load_position(f.s, "eventlog", &bm, &rec, &err), 0);
	ck_assert_ptr_nonnull(strstr(bm, "RecordId='5'"));
	ck_assert_uint_eq(rec, 5);
	free(bm);

	ck_assert_int_eq(ww_store_begin(f.s, &err), 0);
	ck_assert_int_eq(ww_evstore_gap(w, "eventlog", 200, "log cleared", &err), 0);
	ck_assert_int_eq(ww_evstore_archive(w, "eventlog", "eventlog@200", &err), 0);
	ck_assert_int_eq(ww_store_commit(f.s, &err), 0);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM log_finding WHERE category"
			 " = 'gap' AND source = 'eventlog' AND at = 200 AND"
			 " component = 'eventlog'"), 1);
	/* Record 5 again (numbering restarted) is a new event now. */
	ck_assert_int_eq(ww_store_begin(f.s, &err), 0);
	add(w, "eventlog", mkev(10020, 5, 300, "y"));
	ck_assert_int_eq(ww_store_commit(f.s, &err), 0);
	ck_assert_int_eq(count(&f, "SELECT count(*) FROM wsus_event WHERE record_id = 5"), 2);
	ww_evstore_free(w);
	ww_test_store_release(&f);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("evstore");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_import_twice_no_duplicates);
	tcase_add_test(tc, test_truncated_commits_malformed_rolls_back);
	tcase_add_test(tc, test_runs_from_partial_history);
	tcase_add_test(tc, test_position_gap_archive);
	suite_add_tcase(s, tc);
	return s;
}
