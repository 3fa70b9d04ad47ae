/*
 * history.c - recent sync runs, probe results and alert transitions from
 * the store as one cJSON document (history.h), shared by `wsuswatch
 * history` and the control protocol's {"cmd": "history"}.
 */
#include "compat.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "history.h"
#include "store.h"
#include "util.h"

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
