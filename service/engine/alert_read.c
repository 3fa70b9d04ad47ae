/*
 * alert_read.c - the alert and alert_history tables read for others
 * (status, history): the alert module owns them (docs/store.md, Owners).
 */
#include "compat.h"

#include <sqlite3.h>

#include "alert.h"
#include "store.h"
#include "util.h"

static void column_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	ww_strlcpy(buf, s ? (const char *)s : "", size);
}

int ww_alert_rows_load(struct ww_store *s, struct ww_alert_row *rows,
		       size_t max, size_t *n, struct ww_err *err)
{
	static const char sql[] = "SELECT name, state, since, event_id, reason"
				  " FROM alert ORDER BY name LIMIT 512";
	sqlite3_stmt *q;
	int r = ww_store_prepare(s, sql, &q, err);

	*n = 0;
	if (r)
		return r;
	while (*n < max && (r = ww_store_step(s, q, "alert state", err)) == 1) {
		struct ww_alert_row *row = &rows[(*n)++];

		column_copy(q, 0, row->name, sizeof(row->name));
		column_copy(q, 1, row->state, sizeof(row->state));
		row->since = sqlite3_column_int64(q, 2);
		row->event_id = sqlite3_column_int64(q, 3);
		column_copy(q, 4, row->reason, sizeof(row->reason));
	}
	sqlite3_finalize(q);
	return r < 0 ? r : 0;
}

static const struct ww_store_col history_cols[] = {
	{ "name", WW_STORE_COL_TEXT },
	{ "at", WW_STORE_COL_TIME },
	{ "transition", WW_STORE_COL_TEXT },
	{ "state", WW_STORE_COL_TEXT },
	{ "reason", WW_STORE_COL_TEXT },
	{ "cause", WW_STORE_COL_TEXT },
	{ "cause_summary", WW_STORE_COL_TEXT },
};

int ww_alert_history_json(struct ww_store *s, int limit, struct cJSON *arr,
			  struct ww_err *err)
{
	static const char sql[] =
		"SELECT name, at, transition, state, reason, cause,"
		" cause_summary FROM alert_history"
		" ORDER BY at DESC, id DESC LIMIT ?1";

	return ww_store_rows_json(s, sql, limit, history_cols,
				  WW_ARRAY_SIZE(history_cols), arr,
				  "read alert_transitions", err);
}
