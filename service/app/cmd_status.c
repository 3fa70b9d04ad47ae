/*
 * cmd_status.c - `wsuswatch status [--json]`: ask the running monitor over
 * its control endpoint and print its answer, as the contract's JSON or as
 * a short readable summary.  Exit 69 when no monitor answers.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "cli.h"
#include "control.h"
#include "svc.h"
#include "util.h"

#define WW_STATUS_TIMEOUT_MS 10000

static const char *s_or(const cJSON *o, const char *key, const char *dflt)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return v ? v : dflt;
}

static void print_sync(FILE *f, const cJSON *r)
{
	const cJSON *age = cJSON_GetObjectItemCaseSensitive(r, "sync_age_seconds");
	char dur[32] = "";

	if (cJSON_IsNumber(age))
		ww_duration_format((int64_t)age->valuedouble, dur, sizeof(dur));
	fprintf(f, "health:               %s\n", s_or(r, "health", "unknown"));
	fprintf(f, "last successful sync: %s%s%s%s\n",
		s_or(r, "last_successful_sync", "unknown"), dur[0] ? " (" : "",
		dur, dur[0] ? " ago)" : "");
	fprintf(f, "last sync attempt:    %s, result %s\n",
		s_or(r, "last_sync_attempt", "unknown"),
		s_or(r, "last_sync_result", "unknown"));
}

static void print_checks(FILE *f, const cJSON *r)
{
	const cJSON *c;

	fprintf(f, "checks:\n");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "checks"))
		fprintf(f, "  %-24s %-8s since %s  %s\n", s_or(c, "name", "?"),
			s_or(c, "state", "unknown"), s_or(c, "since", "unknown"),
			s_or(c, "summary", ""));
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "checks")))
		fprintf(f, "  (none evaluated yet)\n");
}

static void print_probes(FILE *f, const cJSON *r)
{
	const cJSON *p;

	fprintf(f, "probes:\n");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(r, "probes")) {
		const char *hint = s_or(p, "hint", NULL);

		fprintf(f, "  %-44s %s%s%s\n", s_or(p, "url", "?"),
			s_or(p, "result", "?"), hint ? "  - " : "", hint ? hint : "");
	}
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "probes")))
		fprintf(f, "  (none yet)\n");
}

static void print_sources(FILE *f, const cJSON *r)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(r, "sources");
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(src, "log");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(src, "eventlog");
	const cJSON *db = cJSON_GetObjectItemCaseSensitive(src, "database");
	const cJSON *off = cJSON_GetObjectItemCaseSensitive(log, "offset");
	const cJSON *avail = cJSON_GetObjectItemCaseSensitive(ev, "available");
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(ev, "last_record_id");

	fprintf(f, "sources:\n  log:      %s", s_or(log, "path", "(not configured)"));
	if (cJSON_IsNumber(off))
		fprintf(f, " at offset %.0f", off->valuedouble);
	fprintf(f, ", read %s", s_or(log, "last_read_at", "never"));
	if (s_or(log, "error", NULL))
		fprintf(f, ", error: %s", s_or(log, "error", ""));
	fprintf(f, "\n  eventlog: %s",
		cJSON_IsNull(avail) || !avail ? "unknown"
		: cJSON_IsTrue(avail)         ? "available"
					      : "not available");
	if (cJSON_IsNumber(rec))
		fprintf(f, ", last record %.0f", rec->valuedouble);
	if (s_or(ev, "error", NULL))
		fprintf(f, ", error: %s", s_or(ev, "error", ""));
	fprintf(f, "\n  database: %s", s_or(db, "path", "(none)"));
	if (s_or(db, "error", NULL))
		fprintf(f, ", error: %s", s_or(db, "error", ""));
	fprintf(f, "\n");
}

static void print_alerts_tasks(FILE *f, const cJSON *r)
{
	const cJSON *a, *t;
	int n = 0;

	fprintf(f, "alerts:\n");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(r, "alerts")) {
		if (strcmp(s_or(a, "state", ""), "active") != 0)
			continue;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "event_id");

		fprintf(f, "  %-24s %s since %s", s_or(a, "name", "?"),
			s_or(a, "level", "active"), s_or(a, "since", "unknown"));
		if (cJSON_IsNumber(id))
			fprintf(f, " (event %d)", (int)cJSON_GetNumberValue(id));
		fprintf(f, "\n");
		n++;
	}
	if (!n)
		fprintf(f, "  (no active alerts)\n");
	fprintf(f, "tasks:\n");
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(r, "tasks")) {
		const char *e = s_or(t, "last_error", NULL);

		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "enabled")))
			continue;
		fprintf(f, "  %-12s last run %s%s%s\n", s_or(t, "name", "?"),
			s_or(t, "last_run", "never"), e ? ", failing: " : "",
			e ? e : "");
	}
}

static int print_summary(struct ww_cli *cli, const char *json)
{
	cJSON *r = cJSON_Parse(json);
	FILE *f = cli->out;

	if (!cJSON_IsObject(r)) {
		cJSON_Delete(r);
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE,
				   "the monitor's answer is not a JSON object");
	}
	fprintf(f, "wsuswatch %s, running since %s\n", s_or(r, "version", "?"),
		s_or(r, "started_at", "unknown"));
	print_sync(f, r);
	print_checks(f, r);
	print_probes(f, r);
	print_sources(f, r);
	print_alerts_tasks(f, r);
	cJSON_Delete(r);
	return WW_EXIT_OK;
}

/* An error object from the monitor: print it, internal error. */
static int answer_error(struct ww_cli *cli, const char *json)
{
	cJSON *r = cJSON_Parse(json);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
	int code;

	if (!e) {
		cJSON_Delete(r);
		return 0;
	}
	code = ww_cli_fail(cli, WW_EXIT_SOFTWARE, "the monitor answered: %s: %s",
			   s_or(e, "code", "?"), s_or(e, "message", "?"));
	cJSON_Delete(r);
	return code;
}

int ww_cmd_status(struct ww_cli *cli, int argc, char **argv)
{
	static const char usage[] = "status [--json]";
	struct ww_err err;
	char *resp = NULL;
	bool json = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return ww_cli_usage(cli, usage, "unknown option '%s'", argv[i]);
	}
	r = ww_cli_load_config(cli);
	if (r)
		return r;
	ww_err_clear(&err);
	r = ww_control_request_service(&cli->cfg, WW_SERVICE_NAME,
				       "{\"cmd\":\"status\"}\n",
				       WW_STATUS_TIMEOUT_MS, &resp, &err);
	if (r == WW_EUNAVAIL)
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE,
				   "the monitor is not running (%s)", err.msg);
	if (r == WW_EPERM)
		return ww_cli_fail(cli, WW_EXIT_NOPERM,
				   "%s (status needs the monitor's user, an "
				   "administrator, or control.read_group)", err.msg);
	if (r)
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE, "%s", err.msg);
	r = answer_error(cli, resp);
	if (!r) {
		if (json)
			fprintf(cli->out, "%s\n", resp);
		else
			r = print_summary(cli, resp);
	}
	free(resp);
	return r;
}
