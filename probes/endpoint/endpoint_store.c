/*
 * endpoint_store.c - one probe_result row per probe run (schema in
 * common/store.h).  detail_json keeps what has no column of its own: stage
 * timings, libcurl's message and the endpoint policy finding.  Nothing a
 * probe result holds is secret (no proxy user or password ever reaches it).
 */
#include "compat.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "endpoint.h"
#include "util.h"
#include "store.h"

#define SQL_INSERT_PROBE \
	"INSERT INTO probe_result(target, url, at, ok, stage, result, " \
	"wu_code, http_status, tls_version, tls_cipher, cert_not_after, " \
	"clock_skew, elapsed_ms, hint, detail_json) " \
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, " \
	"?14, ?15)"

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_i64_or_null(sqlite3_stmt *st, int i, int64_t v, bool known)
{
	if (known)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* The extra fields of the JSON form, as text (free()). */
static char *detail_json(const struct ww_probe_result *r)
{
	cJSON *full = ww_probe_result_to_json(r), *d;
	char *text = NULL;

	if (!full)
		return NULL;
	d = cJSON_CreateObject();
	if (d) {
		cJSON_AddItemToObject(d, "timings_ms",
				      cJSON_DetachItemFromObject(full,
								 "timings_ms"));
		cJSON_AddItemToObject(d, "detail",
				      cJSON_DetachItemFromObject(full, "detail"));
		cJSON_AddItemToObject(d, "policy",
				      cJSON_DetachItemFromObject(full, "policy"));
		text = cJSON_PrintUnformatted(d);
		cJSON_Delete(d);
	}
	cJSON_Delete(full);
	return text;
}

static void bind_result(sqlite3_stmt *st, const struct ww_probe_result *r,
			const char *detail)
{
	char code[16] = "";

	if (r->wu_code)
		snprintf(code, sizeof(code), "0x%08" PRIX32, r->wu_code);
	sqlite3_bind_text(st, 1, r->target, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, r->at);
	sqlite3_bind_int(st, 4, r->ok ? 1 : 0);
	bind_text_or_null(st, 5, ww_probe_stage_name(r->stage));
	sqlite3_bind_text(st, 6, ww_probe_res_name(r->result), -1,
			  SQLITE_STATIC);
	bind_text_or_null(st, 7, code);
	bind_i64_or_null(st, 8, r->http_status, r->http_status > 0);
	bind_text_or_null(st, 9, r->tls_version);
	bind_text_or_null(st, 10, r->tls_cipher);
	bind_i64_or_null(st, 11, r->cert_not_after,
			 r->cert_not_after != WW_PROBE_UNKNOWN);
	bind_i64_or_null(st, 12, r->clock_skew,
			 r->clock_skew != WW_PROBE_UNKNOWN);
	sqlite3_bind_int64(st, 13, r->elapsed_ms);
	bind_text_or_null(st, 14, r->hint);
	bind_text_or_null(st, 15, detail);
}

int ww_probe_result_store(struct ww_store *s, const struct ww_probe_result *r,
			  struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	char *detail = detail_json(r);
	int rc, ret = 0;

	if (!detail)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	rc = sqlite3_prepare_v2(ww_store_db(s), SQL_INSERT_PROBE, -1, &st,
				NULL);
	if (rc == SQLITE_OK) {
		bind_result(st, r, detail);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		ret = ww_store_error(s, err, "insert probe_result");
	sqlite3_finalize(st);
	free(detail);
	return ret;
}

/* Field names as in `probe --json` (docs/cli.md). */
static const struct ww_store_col history_cols[] = {
	{ "target", WW_STORE_COL_TEXT },
	{ "url", WW_STORE_COL_TEXT },
	{ "at", WW_STORE_COL_TIME },
	{ "ok", WW_STORE_COL_BOOL },
	{ "stage", WW_STORE_COL_TEXT },
	{ "result", WW_STORE_COL_TEXT },
	{ "wu_code", WW_STORE_COL_TEXT },
	{ "http_status", WW_STORE_COL_INT },
	{ "tls_version", WW_STORE_COL_TEXT },
	{ "tls_cipher", WW_STORE_COL_TEXT },
	{ "cert_not_after", WW_STORE_COL_TIME },
	{ "cert_days_left", WW_STORE_COL_INT },
	{ "clock_skew_seconds", WW_STORE_COL_INT },
	{ "elapsed_ms", WW_STORE_COL_INT },
	{ "hint", WW_STORE_COL_TEXT },
};

int ww_probe_result_history_json(struct ww_store *s, int limit,
				 struct cJSON *arr, struct ww_err *err)
{
	static const char sql[] =
		"SELECT target, url, at, ok, stage, result, wu_code, http_status,"
		" tls_version, tls_cipher, cert_not_after,"
		/* floor((not_after - at) / 1 day), as the probe computes it */
		" (cert_not_after - at) / 86400 - ((cert_not_after - at) % 86400 < 0),"
		" clock_skew, elapsed_ms,"
		" hint FROM probe_result ORDER BY at DESC, id DESC LIMIT ?1";

	return ww_store_rows_json(s, sql, limit, history_cols,
				  WW_ARRAY_SIZE(history_cols), arr,
				  "read probe_results", err);
}

/* ---- reading, for the health engine ------------------------------------ */

int ww_probe_result_targets(struct ww_store *s, size_t max,
			    int (*fn)(const char *name, void *arg), void *arg,
			    struct ww_err *err)
{
	sqlite3_stmt *st = NULL;
	int r = ww_store_prepare(s, "SELECT target FROM probe_result GROUP BY "
				 "target ORDER BY target LIMIT ?1", &st, err);
	char name[WW_PROBE_NAME_MAX];

	if (r)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((r = ww_store_step(s, st, "read probe results", err)) > 0) {
		ww_store_column_text(st, 0, name, sizeof(name));
		r = fn(name, arg);
		if (r)
			break;
	}
	sqlite3_finalize(st);
	return r;
}

/* The latest row of target: what it found and why. */
static int summary_latest(struct ww_store *s, const char *target,
			  struct ww_probe_summary *p, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, "SELECT url, at, ok, stage, result, "
				   "elapsed_ms, wu_code, http_status, "
				   "tls_version, hint, CASE WHEN "
				   "json_valid(detail_json) THEN json_extract("
				   "detail_json, '$.detail') END FROM "
				   "probe_result WHERE target = ?1 ORDER BY id "
				   "DESC LIMIT 1", target, 0, &st,
				   "read probe results", err);

	if (r <= 0)
		return r;
	ww_store_column_text(st, 0, p->url, sizeof(p->url));
	p->at = sqlite3_column_int64(st, 1);
	p->ok = sqlite3_column_int(st, 2) != 0;
	ww_store_column_text(st, 3, p->stage, sizeof(p->stage));
	ww_store_column_text(st, 4, p->result, sizeof(p->result));
	p->elapsed_ms = sqlite3_column_type(st, 5) == SQLITE_NULL ?
				-1 : sqlite3_column_int64(st, 5);
	ww_store_column_text(st, 6, p->wu_code, sizeof(p->wu_code));
	p->http_status = sqlite3_column_int64(st, 7);
	ww_store_column_text(st, 8, p->tls_version, sizeof(p->tls_version));
	ww_store_column_text(st, 9, p->hint, sizeof(p->hint));
	ww_store_column_text(st, 10, p->detail, sizeof(p->detail));
	sqlite3_finalize(st);
	return 0;
}

/*
 * One integer column of target's rows: *have is whether a row came back
 * (a NULL aggregate counts as none), a and b its first two columns.
 */
static int summary_ints(struct ww_store *s, const char *sql,
			const char *target, bool *have, int64_t *a,
			int64_t *b, struct ww_err *err)
{
	sqlite3_stmt *st;
	int r = ww_store_query_row(s, sql, target, 0, &st,
				   "read probe results", err);

	if (r <= 0)
		return r;
	if (have)
		*have = true;
	*a = sqlite3_column_int64(st, 0);
	if (b)
		*b = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

int ww_probe_result_summary(struct ww_store *s, const char *target_in,
			    struct ww_probe_summary *ret, struct ww_err *err)
{
	char target[WW_PROBE_NAME_MAX];
	int r;

	ww_strlcpy(target, target_in, sizeof(target)); /* may be ret->name */
	memset(ret, 0, sizeof(*ret));
	ww_strlcpy(ret->name, target, sizeof(ret->name));
	r = summary_latest(s, target, ret, err);
	/* Rows are inserted in time order, so ids order the attempts. */
	if (!r)
		r = summary_ints(s, "SELECT COUNT(*) FROM probe_result WHERE "
				 "target = ?1 AND ok = 0 AND id > COALESCE(("
				 "SELECT MAX(id) FROM probe_result WHERE "
				 "target = ?1 AND ok = 1), 0)", target, NULL,
				 &ret->consecutive_failures, NULL, err);
	if (!r)
		r = summary_ints(s, "SELECT cert_not_after FROM probe_result "
				 "WHERE target = ?1 AND cert_not_after IS NOT "
				 "NULL ORDER BY id DESC LIMIT 1", target,
				 &ret->have_cert, &ret->cert_not_after, NULL,
				 err);
	if (!r)
		r = summary_ints(s, "SELECT clock_skew, at FROM probe_result "
				 "WHERE target = ?1 AND clock_skew IS NOT NULL "
				 "ORDER BY id DESC LIMIT 1", target,
				 &ret->have_skew, &ret->clock_skew,
				 &ret->skew_at, err);
	return r;
}

void ww_probe_summary_from_result(const struct ww_probe_result *p,
				  struct ww_probe_summary *t)
{
	memset(t, 0, sizeof(*t));
	ww_strlcpy(t->name, p->target, sizeof(t->name));
	ww_strlcpy(t->url, p->url, sizeof(t->url));
	t->at = p->at;
	t->ok = p->ok;
	ww_strlcpy(t->stage, p->ok ? "" : ww_probe_stage_name(p->stage),
		   sizeof(t->stage));
	ww_strlcpy(t->result, ww_probe_res_name(p->result), sizeof(t->result));
	t->consecutive_failures = p->ok ? 0 : 1;
	t->elapsed_ms = p->elapsed_ms;
	t->have_cert = p->cert_not_after != WW_PROBE_UNKNOWN;
	t->cert_not_after = t->have_cert ? p->cert_not_after : 0;
	t->have_skew = p->clock_skew != WW_PROBE_UNKNOWN;
	t->clock_skew = t->have_skew ? p->clock_skew : 0;
	t->skew_at = p->at;
	if (p->wu_code)
		snprintf(t->wu_code, sizeof(t->wu_code), "0x%08" PRIX32,
			 p->wu_code);
	t->http_status = p->http_status;
	ww_strlcpy(t->tls_version, p->tls_version, sizeof(t->tls_version));
	ww_strlcpy(t->detail, p->detail, sizeof(t->detail));
	ww_strlcpy(t->hint, p->hint ? p->hint : "", sizeof(t->hint));
}
