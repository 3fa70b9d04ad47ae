/*
 * test_evanalyze.c - what `analyze --events` derives from an export: the
 * WSUS events, the sync runs 381/382/384/386 imply and the catalog state.
 */
#include "compat.h"

#include "os.h"
#include "evanalyze.h"
#include "util.h"
#include "ww_test.h"

static struct ww_evanalysis *analyze(const char *path)
{
	struct ww_evanalysis *a;
	struct ww_err err;

	ck_assert_int_eq(ww_evanalysis_new(&a, &err), 0);
	ck_assert_msg(ww_evanalysis_add_file(a, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ww_evanalysis_finish(a, &err), 0);
	return a;
}

static void check_runs(struct ww_evanalysis *a)
{
	const struct ww_evrun *r;
	int64_t t;

	ck_assert_uint_eq(ww_evanalysis_runs(a, &r), 2);
	ck_assert_int_eq(r[0].kind, WW_EV_SYNC_SCHEDULED);
	ck_assert_int_eq(r[0].result, WW_EVRUN_FAILED);
	ck_assert_int_eq(r[0].started_at, ww_time_from_civil(2026, 11, 20, 2, 0, 0));
	ck_assert_int_eq(r[0].finished_at, ww_time_from_civil(2026, 11, 20, 2, 14, 58));
	ck_assert_ptr_nonnull(strstr(r[0].error, "sws.update.microsoft.com"));
	ck_assert_int_eq(r[1].kind, WW_EV_SYNC_MANUAL);
	ck_assert_int_eq(r[1].result, WW_EVRUN_SUCCEEDED);
	ck_assert_str_eq(r[1].error, "");
	/* The newest of 10022 (20th), 10021 and 10020 (21st) decides. */
	ck_assert_int_eq(ww_evanalysis_catalog(a, &t), WW_MEANING_CATALOG_HEALTHY);
	ck_assert_int_eq(t, ww_time_from_civil(2026, 11, 21, 10, 15, 40));
}

START_TEST(test_runs_and_catalog)
{
	char *path = ww_test_path("fixtures/events/wevtutil-rendered-de.xml");
	struct ww_evanalysis *a = analyze(path);
	cJSON *arr = ww_evanalysis_events_json(a), *e, *root;

	check_runs(a);
	ck_assert_int_eq(cJSON_GetArraySize(arr), 9);
	e = cJSON_GetArrayItem(arr, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(e, "event_id")->valueint, 10022);
	ck_assert_int_eq(cJSON_GetObjectItem(e, "record_id")->valueint, 4711);
	ck_assert_str_eq(cJSON_GetObjectItem(e, "level")->valuestring, "error");
	ck_assert_str_eq(cJSON_GetObjectItem(e, "time")->valuestring,
			 "2026-11-20T02:15:33Z");
	ck_assert_str_eq(cJSON_GetObjectItem(e, "meaning")->valuestring,
			 "catalog_sync_failed");
	ck_assert_str_eq(cJSON_GetObjectItem(e, "confidence")->valuestring,
			 "partial");
	cJSON_Delete(arr);

	root = cJSON_CreateObject();
	ww_evanalysis_add_summary_json(a, "x.xml", root);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(root,
		"catalog_sync"), "state")->valuestring, "healthy");
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(root,
		"events_input"), "events")->valueint, 12);
	cJSON_Delete(root);
	ww_evanalysis_free(a);
	free(path);
}
END_TEST

/* Newest-first exports (wevtutil /rd:true) give the same runs. */
START_TEST(test_newest_first_order)
{
	char *path = ww_test_path("fixtures/events/wevtutil-rendered-de.xml");
	char *dir = ww_test_tmpdir("evanalyze");
	char *rev = ww_os_path_join(dir, "rev.xml");
	char *text = ww_test_read_file(path, NULL);
	char *lines[64];
	size_t n = 0;
	char *p, *nl;
	FILE *f;
	struct ww_evanalysis *a;

	/* One event per line, but messages may span lines: split on the
	 * end tags. */
	for (p = text; *p && n < 64; p = nl + strlen("</Event>\r\n")) {
		nl = strstr(p, "</Event>\r\n");
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		lines[n++] = p;
	}
	f = fopen(rev, "wb");
	while (n > 0)
		fprintf(f, "%s</Event>\r\n", lines[--n]);
	fclose(f);
	a = analyze(rev);
	check_runs(a);
	ww_evanalysis_free(a);
	remove(rev);
	free(rev);
	free(dir);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_finish_without_start_and_stale_start)
{
	char *path = ww_test_path("fixtures/events/wevtutil-plain.xml");
	struct ww_evanalysis *a = analyze(path);
	const struct ww_evrun *r;
	int64_t t;

	/* No sync events at all in this export. */
	ck_assert_uint_eq(ww_evanalysis_runs(a, &r), 0);
	ck_assert_int_eq(ww_evanalysis_catalog(a, &t), WW_MEANING_CATALOG_HEALTHY);
	ww_evanalysis_free(a);
	free(path);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("evanalyze");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_runs_and_catalog);
	tcase_add_test(tc, test_newest_first_order);
	tcase_add_test(tc, test_finish_without_start_and_stale_start);
	suite_add_tcase(s, tc);
	return s;
}
