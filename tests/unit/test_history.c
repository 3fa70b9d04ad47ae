#include "compat.h"

#include <cjson/cJSON.h>

#include "os.h"
#include "cli.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

struct fixture {
	char *dir, *db, *cfg, *out;
};

static void fixture_init(struct fixture *f)
{
	char text[1024];
	struct ww_store *s;
	struct ww_err err;

	f->dir = ww_test_tmpdir("history");
	f->db = ww_os_path_join(f->dir, "wsuswatch.db");
	f->cfg = ww_os_path_join(f->dir, "wsuswatch.yaml");
	f->out = ww_os_path_join(f->dir, "out.txt");
	snprintf(text, sizeof(text), "database: %s\n", f->db);
	ww_test_write_file(f->cfg, text, strlen(text));

	ck_assert_msg(ww_store_open(f->db, &s, &err) == 0, "%s", err.msg);
	ck_assert_msg(ww_store_exec(s,
		"INSERT INTO sync_run(source, source_key, kind, started_at,"
		" finished_at, result, error) VALUES"
		" ('log', 'a', 'scheduled', 1795420800, 1795421100, 'failed',"
		"  'WebException: timed out\n\tat ...'),"
		" ('log', 'b', 'manual', 1795424400, NULL, 'running', NULL),"
		" ('log', 'c', 'scheduled', 1795417200, 1795417300,"
		"  'succeeded', NULL);"
		"INSERT INTO probe_result(target, url, at, ok, stage, result,"
		" wu_code, http_status, elapsed_ms) VALUES"
		" ('microsoft_update', 'https://sws.update.microsoft.com/',"
		"  1795424500, 0, 'tls', 'tls_untrusted', '0x800B0109', NULL,"
		"  41);"
		"INSERT INTO alert_history(name, at, transition, state, reason,"
		" cause, cause_summary)"
		" VALUES ('sync_staleness', 1795424600, 'raised', 'warning',"
		" 'last successful sync 27h ago', 'endpoint:microsoft_update',"
		" 'proxy requires authentication (407, 0x8024401B)')", &err) == 0,
		"%s", err.msg);
	ww_store_close(s);
}

static void fixture_release(struct fixture *f)
{
	remove(f->db);
	remove(f->cfg);
	remove(f->out);
	remove(f->dir);
	free(f->db);
	free(f->cfg);
	free(f->out);
	free(f->dir);
}

/* Run the command with output to f->out; returns exit code and text. */
static int run(struct fixture *f, int argc, char **argv, char **ret_out)
{
	struct ww_cli cli;
	int code;

	memset(&cli, 0, sizeof(cli));
	cli.config_path = f->cfg;
	cli.out = fopen(f->out, "wb");
	cli.errf = stderr;
	ck_assert_ptr_nonnull(cli.out);
	code = ww_cmd_history(&cli, argc, argv);
	fclose(cli.out);
	if (cli.cfg_loaded)
		ww_config_release(&cli.cfg);
	*ret_out = ww_test_read_file(f->out, NULL);
	ck_assert_ptr_nonnull(*ret_out);
	return code;
}

/* Writable argument strings (argv is char **). */
static char a_history[] = "history", a_json[] = "--json", a_limit[] = "--limit",
	    a_two[] = "2", a_zero[] = "0", a_bogus[] = "--frobnicate";

static const char *str_field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	ck_assert_msg(cJSON_IsString(v), "%s is not a string", key);
	return v->valuestring;
}

static bool is_null(const cJSON *o, const char *key)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

START_TEST(json_lists_newest_first_with_iso_times)
{
	char *argv[] = { a_history, a_json, a_limit, a_two, NULL };
	struct fixture f;
	const cJSON *runs, *probes, *alerts, *p;
	cJSON *root;
	char *out;

	fixture_init(&f);
	ck_assert_int_eq(run(&f, 4, argv, &out), WW_EXIT_OK);
	root = cJSON_Parse(out);
	ck_assert_msg(root != NULL, "not JSON: %s", out);
	runs = cJSON_GetObjectItemCaseSensitive(root, "sync_runs");
	probes = cJSON_GetObjectItemCaseSensitive(root, "probe_results");
	alerts = cJSON_GetObjectItemCaseSensitive(root, "alert_transitions");
	/* --limit 2 of 3 runs: the running one (newest), then the failure. */
	ck_assert_int_eq(cJSON_GetArraySize(runs), 2);
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(runs, 0), "source_key"),
			 "b");
	ck_assert(is_null(cJSON_GetArrayItem(runs, 0), "finished_at"));
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(runs, 1), "started_at"),
			 "2026-11-23T08:00:00Z");
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(runs, 1), "result"),
			 "failed");
	ck_assert_int_eq(cJSON_GetArraySize(probes), 1);
	p = cJSON_GetArrayItem(probes, 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "ok")));
	ck_assert_str_eq(str_field(p, "wu_code"), "0x800B0109");
	ck_assert(is_null(p, "http_status"));
	ck_assert(is_null(p, "cert_not_after"));
	ck_assert_int_eq(
		cJSON_GetObjectItemCaseSensitive(p, "elapsed_ms")->valueint, 41);
	ck_assert_int_eq(cJSON_GetArraySize(alerts), 1);
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(alerts, 0), "transition"),
			 "raised");
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(alerts, 0), "cause"),
			 "endpoint:microsoft_update");
	ck_assert_str_eq(str_field(cJSON_GetArrayItem(alerts, 0),
				   "cause_summary"),
			 "proxy requires authentication (407, 0x8024401B)");
	cJSON_Delete(root);
	free(out);
	fixture_release(&f);
}
END_TEST

START_TEST(text_form_keeps_rows_on_one_line)
{
	char *argv[] = { a_history, NULL };
	struct fixture f;
	char *out;

	fixture_init(&f);
	ck_assert_int_eq(run(&f, 1, argv, &out), WW_EXIT_OK);
	ck_assert_msg(strstr(out, "2026-11-23T08:00:00Z") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "tls_untrusted") != NULL, "%s", out);
	/* The tab and newline of the stored error do not break the row. */
	ck_assert_msg(strstr(out, "timed out??at ...") != NULL, "%s", out);
	/* A transition names the cause it was told with. */
	ck_assert_msg(strstr(out, "endpoint:microsoft_update  last successful "
				  "sync 27h ago") != NULL, "%s", out);
	free(out);
	fixture_release(&f);
}
END_TEST

START_TEST(bad_arguments_and_missing_database)
{
	char *bad_limit[] = { a_history, a_limit, a_zero, NULL };
	char *bad_arg[] = { a_history, a_bogus, NULL };
	char *plain[] = { a_history, NULL };
	struct fixture f;
	char *out;

	fixture_init(&f);
	ck_assert_int_eq(run(&f, 3, bad_limit, &out), WW_EXIT_USAGE);
	free(out);
	ck_assert_int_eq(run(&f, 2, bad_arg, &out), WW_EXIT_USAGE);
	free(out);
	remove(f.db);
	ck_assert_int_eq(run(&f, 1, plain, &out), WW_EXIT_IOERR);
	ck_assert_str_eq(out, "");
	ck_assert(!ww_os_path_exists(f.db)); /* a reader never creates it */
	free(out);
	fixture_release(&f);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, json_lists_newest_first_with_iso_times);
	tcase_add_test(tc, text_form_keeps_rows_on_one_line);
	tcase_add_test(tc, bad_arguments_and_missing_database);
	suite_add_tcase(s, tc);
	return s;
}
