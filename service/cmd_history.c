/*
 * cmd_history.c - "history [--limit N] [--json]": what the monitor has
 * recorded, read from the store without the monitor (read-only open, so
 * it works while the service writes, thanks to WAL).
 *
 * The rows become one cJSON document (ww_history_collect()); --json
 * prints it, the text form is rendered from the same document, so both
 * always show the same data.
 */
#include "compat.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "cli.h"
#include "history.h"
#include "store.h"
#include "util.h"

#define HISTORY_USAGE "history [--limit N] [--json]"

enum col_kind { COL_TEXT, COL_INT, COL_TIME, COL_BOOL };

struct col {
	const char *json; /* field name in the output */
	enum col_kind kind;
};

/* A section: its SELECT (columns in the order of cols, ?1 the limit). */
struct section {
	const char *key;
	const char *sql;
	const struct col *cols;
	size_t ncols;
};

static const struct col sync_cols[] = {
	{ "source", COL_TEXT },      { "source_key", COL_TEXT },
	{ "kind", COL_TEXT },        { "started_at", COL_TIME },
	{ "finished_at", COL_TIME }, { "result", COL_TEXT },
	{ "error", COL_TEXT },
};

/* Field names as in `probe --json` (docs/cli.md). */
static const struct col probe_cols[] = {
	{ "target", COL_TEXT },         { "url", COL_TEXT },
	{ "at", COL_TIME },             { "ok", COL_BOOL },
	{ "stage", COL_TEXT },          { "result", COL_TEXT },
	{ "wu_code", COL_TEXT },        { "http_status", COL_INT },
	{ "tls_version", COL_TEXT },    { "tls_cipher", COL_TEXT },
	{ "cert_not_after", COL_TIME }, { "cert_days_left", COL_INT },
	{ "clock_skew_seconds", COL_INT }, { "elapsed_ms", COL_INT },
	{ "hint", COL_TEXT },
};

static const struct col alert_cols[] = {
	{ "name", COL_TEXT },  { "at", COL_TIME },     { "transition", COL_TEXT },
	{ "state", COL_TEXT }, { "reason", COL_TEXT },
};

static const struct section sections[] = {
	{ "sync_runs",
	  "SELECT source, source_key, kind, started_at, finished_at, result,"
	  " error FROM sync_run"
	  " ORDER BY coalesce(started_at, finished_at) DESC, id DESC LIMIT ?1",
	  sync_cols, WW_ARRAY_SIZE(sync_cols) },
	{ "probe_results",
	  "SELECT target, url, at, ok, stage, result, wu_code, http_status,"
	  " tls_version, tls_cipher, cert_not_after,"
	  /* floor((not_after - at) / 1 day), as the probe computes it */
	  " (cert_not_after - at) / 86400 - ((cert_not_after - at) % 86400 < 0),"
	  " clock_skew, elapsed_ms,"
	  " hint FROM probe_result ORDER BY at DESC, id DESC LIMIT ?1",
	  probe_cols, WW_ARRAY_SIZE(probe_cols) },
	{ "alert_transitions",
	  "SELECT name, at, transition, state, reason FROM alert_history"
	  " ORDER BY at DESC, id DESC LIMIT ?1",
	  alert_cols, WW_ARRAY_SIZE(alert_cols) },
};

static cJSON *column_value(sqlite3_stmt *st, int i, enum col_kind kind)
{
	char iso[WW_ISO_TIME_LEN];

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return cJSON_CreateNull();
	switch (kind) {
	case COL_INT:
		return cJSON_CreateNumber((double)sqlite3_column_int64(st, i));
	case COL_TIME:
		ww_time_format_iso(sqlite3_column_int64(st, i), iso);
		return cJSON_CreateString(iso);
	case COL_BOOL:
		return cJSON_CreateBool(sqlite3_column_int64(st, i) != 0);
	case COL_TEXT:
	default:
		return cJSON_CreateString(
			(const char *)sqlite3_column_text(st, i));
	}
}

static cJSON *row_object(sqlite3_stmt *st, const struct section *sec)
{
	cJSON *obj = cJSON_CreateObject();
	size_t i;

	for (i = 0; obj && i < sec->ncols; i++) {
		cJSON *v = column_value(st, (int)i, sec->cols[i].kind);

		if (!v || !cJSON_AddItemToObject(obj, sec->cols[i].json, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			obj = NULL;
		}
	}
	return obj;
}

static int collect_section(struct ww_store *s, const struct section *sec,
			   int limit, cJSON *root, struct ww_err *err)
{
	sqlite3_stmt *st;
	cJSON *arr = cJSON_AddArrayToObject(root, sec->key);
	char what[64];
	int r;

	if (!arr)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	r = ww_store_prepare(s, sec->sql, &st, err);
	if (r)
		return r;
	sqlite3_bind_int(st, 1, limit);
	snprintf(what, sizeof(what), "read %s", sec->key);
	while ((r = ww_store_step(s, st, what, err)) == 1) {
		cJSON *row = row_object(st, sec);

		if (!row || !cJSON_AddItemToArray(arr, row)) {
			cJSON_Delete(row);
			r = ww_err_set(err, WW_ENOMEM, "out of memory");
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}

int ww_history_collect(struct ww_store *s, int limit, struct cJSON **ret,
		       struct ww_err *err)
{
	cJSON *root = cJSON_CreateObject();
	size_t i;
	int r = 0;

	*ret = NULL;
	if (!root)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	for (i = 0; i < WW_ARRAY_SIZE(sections) && !r; i++)
		r = collect_section(s, &sections[i], limit, root, err);
	if (r) {
		cJSON_Delete(root);
		return r;
	}
	*ret = root;
	return 0;
}

/*
 * One field of the text form: "-" for null, control characters (from
 * log lines) replaced so a row stays one line on the terminal.
 */
static void put_field(FILE *f, const cJSON *obj, const char *key, int width)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char buf[512];
	size_t i;

	if (cJSON_IsString(v))
		ww_strlcpy(buf, v->valuestring, sizeof(buf));
	else if (cJSON_IsNumber(v))
		snprintf(buf, sizeof(buf), "%.0f", v->valuedouble);
	else if (cJSON_IsBool(v))
		ww_strlcpy(buf, cJSON_IsTrue(v) ? "yes" : "no", sizeof(buf));
	else
		ww_strlcpy(buf, "-", sizeof(buf));
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	if (width)
		fprintf(f, "%-*s  ", width, buf);
	else
		fprintf(f, "%s\n", buf);
}

/* The text columns of each section, in the order of sections[]. */
static const struct {
	const char *title;
	const char *keys[6];
	int widths[6]; /* 0: last column, unpadded */
} text_layout[] = {
	{ "Sync runs (newest first)",
	  { "started_at", "finished_at", "source", "kind", "result", "error" },
	  { 20, 20, 8, 9, 9, 0 } },
	{ "Probe results (newest first)",
	  { "at", "target", "result", "wu_code", "elapsed_ms", "url" },
	  { 20, 16, 22, 10, 6, 0 } },
	{ "Alert transitions (newest first)",
	  { "at", "name", "transition", "state", "reason", NULL },
	  { 20, 20, 10, 8, 0, 0 } },
};

static void print_text(FILE *f, const cJSON *root)
{
	size_t i, k;

	for (i = 0; i < WW_ARRAY_SIZE(text_layout); i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(
			root, sections[i].key);
		const cJSON *row;

		fprintf(f, "%s%s:\n", i ? "\n" : "", text_layout[i].title);
		if (cJSON_GetArraySize(arr) == 0)
			fprintf(f, "  (none)\n");
		cJSON_ArrayForEach(row, arr) {
			fputs("  ", f);
			for (k = 0; k < 6 && text_layout[i].keys[k]; k++)
				put_field(f, row, text_layout[i].keys[k],
					  text_layout[i].widths[k]);
		}
	}
}

static int parse_args(struct ww_cli *cli, int argc, char **argv, int *limit,
		      bool *json)
{
	int i;
	int64_t v;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (strcmp(a, "--json") == 0) {
			*json = true;
			continue;
		}
		if (strcmp(a, "--limit") == 0 && i + 1 < argc)
			val = argv[++i];
		else if (ww_str_starts_with(a, "--limit="))
			val = a + strlen("--limit=");
		else
			return ww_cli_usage(cli, HISTORY_USAGE,
					    "unexpected argument '%s'", a);
		if (ww_parse_i64(val, &v) != 0 || v < 1 ||
		    v > WW_HISTORY_MAX_LIMIT)
			return ww_cli_usage(cli, HISTORY_USAGE,
					    "--limit must be 1..%d, not '%s'",
					    WW_HISTORY_MAX_LIMIT, val);
		*limit = (int)v;
	}
	return 0;
}

static int print_json(struct ww_cli *cli, const cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);

	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	fprintf(cli->out, "%s\n", text);
	cJSON_free(text);
	return WW_EXIT_OK;
}

int ww_cmd_history(struct ww_cli *cli, int argc, char **argv)
{
	int limit = WW_HISTORY_DEFAULT_LIMIT;
	struct ww_store *s = NULL;
	struct ww_err err;
	bool json = false;
	cJSON *root = NULL;
	int r;

	r = parse_args(cli, argc, argv, &limit, &json);
	if (!r)
		r = ww_cli_load_config(cli);
	if (r)
		return r;
	if (!cli->cfg.database)
		return ww_cli_fail(cli, WW_EXIT_CONFIG, "no database configured");
	ww_err_clear(&err);
	r = ww_store_open_readonly(cli->cfg.database, &s, &err);
	if (!r)
		r = ww_history_collect(s, limit, &root, &err);
	ww_store_close(s);
	if (r)
		return ww_cli_fail(cli, r == WW_ENOMEM ? WW_EXIT_SOFTWARE
						       : WW_EXIT_IOERR,
				   "%s", err.msg);
	if (json) {
		r = print_json(cli, root);
	} else {
		print_text(cli->out, root);
		r = WW_EXIT_OK;
	}
	cJSON_Delete(root);
	return r;
}
