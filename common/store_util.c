/*
 * store_util.c - helpers for the owners of the tables (store.h,
 * docs/store.md): each owner keeps its SQL and column names, these keep
 * the one way to hold prepared statements, run them, step a one-row query
 * and convert SQLite values to JSON.
 */
#include "compat.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "store.h"
#include "util.h"

int ww_store_stmts_prepare(struct ww_store *s, const char *const *sql,
			   size_t n, struct sqlite3_stmt **st,
			   const char *what, struct ww_err *err)
{
	size_t i;

	memset(st, 0, n * sizeof(*st));
	for (i = 0; i < n; i++)
		if (sqlite3_prepare_v2(ww_store_db(s), sql[i], -1, &st[i],
				       NULL) != SQLITE_OK) {
			int r = ww_store_error(s, err, what);

			ww_store_stmts_finalize(st, n);
			return r;
		}
	return 0;
}

void ww_store_stmts_finalize(struct sqlite3_stmt **st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

int ww_store_run(struct ww_store *s, struct sqlite3_stmt *st,
		 const char *what, struct ww_err *err)
{
	int rc = sqlite3_step(st);
	int r = 0;

	if (rc != SQLITE_DONE)
		r = ww_store_error(s, err, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

void ww_store_bind_text(struct sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int ww_store_query_row(struct ww_store *s, const char *sql, const char *text,
		       int64_t num, struct sqlite3_stmt **ret, const char *what,
		       struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*ret = NULL;
	if (sqlite3_prepare_v2(ww_store_db(s), sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return ww_store_error(s, err, what);
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = st;
		return 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ww_store_error(s, err, what);
	return 0;
}

void ww_store_column_text(struct sqlite3_stmt *st, int i, char *buf,
			  size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	ww_strlcpy(buf, t ? (const char *)t : "", size);
}

static cJSON *column_value(sqlite3_stmt *st, int i, enum ww_store_col_kind kind)
{
	char iso[WW_ISO_TIME_LEN];

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return cJSON_CreateNull();
	switch (kind) {
	case WW_STORE_COL_INT:
		return cJSON_CreateNumber((double)sqlite3_column_int64(st, i));
	case WW_STORE_COL_TIME:
		ww_time_format_iso(sqlite3_column_int64(st, i), iso);
		return cJSON_CreateString(iso);
	case WW_STORE_COL_BOOL:
		return cJSON_CreateBool(sqlite3_column_int64(st, i) != 0);
	case WW_STORE_COL_TEXT:
	default:
		return cJSON_CreateString(
			(const char *)sqlite3_column_text(st, i));
	}
}

static cJSON *row_object(sqlite3_stmt *st, const struct ww_store_col *cols,
			 size_t ncols)
{
	cJSON *obj = cJSON_CreateObject();
	size_t i;

	for (i = 0; obj && i < ncols; i++) {
		cJSON *v = column_value(st, (int)i, cols[i].kind);

		if (!v || !cJSON_AddItemToObject(obj, cols[i].json, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			obj = NULL;
		}
	}
	return obj;
}

int ww_store_rows_json(struct ww_store *s, const char *sql, int limit,
		       const struct ww_store_col *cols, size_t ncols,
		       struct cJSON *arr, const char *what, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_prepare(s, sql, &st, err);

	if (r)
		return r;
	sqlite3_bind_int(st, 1, limit);
	while ((r = ww_store_step(s, st, what, err)) == 1) {
		cJSON *row = row_object(st, cols, ncols);

		if (!row || !cJSON_AddItemToArray(arr, row)) {
			cJSON_Delete(row);
			r = ww_err_set(err, WW_ENOMEM, "out of memory");
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}
