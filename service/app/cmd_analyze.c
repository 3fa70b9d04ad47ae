/*
 * cmd_analyze.c - `wsuswatch analyze --log FILE... [--json]`: offline
 * analysis of SoftwareDistribution.log files copied from a server.
 *
 * Every source feeds one struct analysis: sync runs go into one timeline
 * (a ww_sync_run_list keyed per source), findings into per-category
 * summaries.  The log files are one source (analysis_add_log); the event
 * XML export (--events, run_events) is the second: its implied runs go
 * into a->runs (keys "event:<record>"), its events into a->wsus_events,
 * and WSUS's own catalog verdict into "catalog_sync".
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "cli.h"
#include "evanalyze.h"
#include "synclog.h"
#include "tail.h"
#include "util.h"

#define ANALYZE_USAGE "analyze [--log FILE]... [--events FILE] [--json]"
#define READ_CHUNK ((size_t)1 << 20)
#define RUNS_MAX 100000
#define FILES_MAX 64

struct analysis {
	const char *files[FILES_MAX];
	size_t nfiles;
	struct ww_synclog_stats stats;
	struct ww_sync_run_list runs;
	struct ww_finding_summary findings[WW_CAT_COUNT];
	int64_t last_time;        /* newest record: "now" of an offline log */
	cJSON *wsus_events;       /* array; NULL unless --events is given */
	const char *events_path;  /* --events FILE */
	struct ww_evanalysis *ev; /* the export's events, runs, verdict */

	/* log source state */
	struct ww_synclog_classifier *classifier;
	struct ww_sync_tracker tracker;
	int err;                  /* first callback error */
};

static int put_run(void *ctx, const struct ww_sync_run *run)
{
	struct analysis *a = ctx;

	return ww_sync_run_list_put(&a->runs, run);
}

static int on_record(void *ctx, const struct ww_synclog_record *rec)
{
	struct analysis *a = ctx;
	ww_synclog_catset cats = ww_synclog_classify(a->classifier, rec);

	ww_finding_summary_add(a->findings, cats, rec);
	if (rec->time > a->last_time)
		a->last_time = rec->time;
	return ww_sync_tracker_record(&a->tracker, rec, cats, put_run, a);
}

/* One log file through the parser; exit code on failure. */
static int analysis_add_log(struct ww_cli *cli, struct analysis *a,
			    struct ww_synclog_parser *p, const char *path,
			    char *buf)
{
	struct ww_tail_file *f = NULL;
	struct ww_err err;
	uint64_t off = 0, records_before = a->stats.records;
	const struct ww_synclog_stats *st;
	size_t got;
	int r;

	r = ww_tail_file_open(path, &f, &err);
	if (r)
		return ww_cli_fail(cli, r == WW_ENOMEM ? WW_EXIT_SOFTWARE :
				   WW_EXIT_NOINPUT, "%s", err.msg);
	ww_synclog_parser_begin(p, 0, WW_SYNCLOG_ENC_AUTO, false);
	for (;;) {
		r = ww_tail_file_read_at(f, off, buf, READ_CHUNK, &got, &err);
		if (r || !got)
			break;
		off += got;
		r = ww_synclog_parser_feed(p, buf, got, &err);
		if (r)
			break;
	}
	if (!r)
		r = ww_synclog_parser_flush(p, false, &err);
	ww_tail_file_close(f);
	if (r)
		return ww_cli_fail(cli, r == WW_EIO ? WW_EXIT_IOERR :
				   WW_EXIT_SOFTWARE, "%s: %s", path,
				   err.code ? err.msg : ww_strerror(r));
	st = ww_synclog_parser_stats(p);
	if (off > 0 && st->records == records_before)
		return ww_cli_fail(cli, WW_EXIT_DATAERR,
				   "%s: no SoftwareDistribution.log record in "
				   "%" PRIu64 " bytes (%" PRIu64 " malformed lines)",
				   path, off, st->malformed);
	a->stats = *st;
	return 0;
}

/* ---- event export source (--events) ----------------------------------- */

static void copy_error(char *dst, size_t size, const char *src)
{
	size_t n = ww_strlcpy(dst, src, size);

	if (n >= size) { /* cut at a UTF-8 character boundary */
		n = size - 1;
		while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
			n--;
		dst[n] = '\0';
	}
}

/* The runs that events 381/382/384/386 imply, into the one timeline. */
static int put_event_runs(struct analysis *a)
{
	const struct ww_evrun *er;
	size_t n = ww_evanalysis_runs(a->ev, &er), i;
	struct ww_sync_run run;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		memset(&run, 0, sizeof(run));
		snprintf(run.key, sizeof(run.key), "event:%" PRIu64,
			 er[i].start_record ? er[i].start_record
					    : er[i].finish_record);
		run.kind = er[i].kind == WW_EV_SYNC_SCHEDULED ? WW_SYNC_SCHEDULED :
			   er[i].kind == WW_EV_SYNC_MANUAL ? WW_SYNC_MANUAL :
			   WW_SYNC_KIND_UNKNOWN;
		run.result = er[i].result == WW_EVRUN_SUCCEEDED ? WW_SYNC_SUCCEEDED :
			     er[i].result == WW_EVRUN_FAILED ? WW_SYNC_FAILED :
			     er[i].result == WW_EVRUN_RUNNING ? WW_SYNC_RUNNING :
			     WW_SYNC_UNKNOWN;
		run.started_at = er[i].started_at;
		run.finished_at = er[i].finished_at;
		run.started_ms = er[i].started_at == WW_EV_TIME_NONE ?
				 WW_TIME_UNKNOWN : er[i].started_at * 1000;
		run.finished_ms = er[i].finished_at == WW_EV_TIME_NONE ?
				  WW_TIME_UNKNOWN : er[i].finished_at * 1000;
		copy_error(run.error, sizeof(run.error), er[i].error);
		r = ww_sync_run_list_put(&a->runs, &run);
	}
	return r;
}

/*
 * The export through the importer.  A truncated file is reported and its
 * complete events kept; a malformed one is exit 65 (data error).
 */
static int run_events(struct ww_cli *cli, struct analysis *a)
{
	const struct ww_evimport_stats *st;
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	r = ww_evanalysis_new(&a->ev, &err);
	if (!r)
		r = ww_evanalysis_add_file(a->ev, a->events_path, &err);
	if (r)
		return ww_cli_events_fail(cli, r, a->ev ?
					  ww_evanalysis_stats(a->ev)->bytes : 0,
					  err.msg);
	st = ww_evanalysis_stats(a->ev);
	if (st->note[0])
		fprintf(cli->errf, "wsuswatch: %s\n", st->note);
	if (ww_evanalysis_finish(a->ev, &err) || put_event_runs(a))
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "analyze: out of memory");
	a->wsus_events = ww_evanalysis_events_json(a->ev);
	if (!a->wsus_events)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "analyze: out of memory");
	return 0;
}

/* ---- output ---------------------------------------------------------- */

static cJSON *json_runs(const struct analysis *a)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < a->runs.n; i++) {
		const struct ww_sync_run *r = &a->runs.runs[i];
		cJSON *o = cJSON_CreateObject();

		if (!o)
			break;
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "kind", ww_sync_kind_name(r->kind));
		cJSON_AddItemToObject(o, "started_at", ww_json_time(r->started_at));
		cJSON_AddItemToObject(o, "finished_at", ww_json_time(r->finished_at));
		cJSON_AddStringToObject(o, "result", ww_sync_result_name(r->result));
		if (r->error[0])
			cJSON_AddStringToObject(o, "error", r->error);
		else
			cJSON_AddNullToObject(o, "error");
	}
	return arr;
}

/* Findings, most recently seen first. */
static size_t finding_order(const struct analysis *a, int order[WW_CAT_COUNT])
{
	size_t n = 0, i, j;

	for (i = 0; i < WW_CAT_COUNT; i++) {
		/* A fact (WSUS started, its SCHANNEL lines) is no finding. */
		if (!a->findings[i].count || ww_synclog_category_is_fact(
			    (enum ww_synclog_category)i))
			continue;
		for (j = n; j > 0 && a->findings[order[j - 1]].last_seen <
					      a->findings[i].last_seen; j--)
			order[j] = order[j - 1];
		order[j] = (int)i;
		n++;
	}
	return n;
}

static cJSON *json_findings(const struct analysis *a)
{
	cJSON *arr = cJSON_CreateArray();
	int order[WW_CAT_COUNT];
	size_t n = finding_order(a, order), i;

	for (i = 0; arr && i < n; i++) {
		const struct ww_finding_summary *f = &a->findings[order[i]];
		cJSON *o = cJSON_CreateObject();

		if (!o)
			break;
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "category", ww_synclog_category_name(
				(enum ww_synclog_category)order[i]));
		cJSON_AddNumberToObject(o, "count", (double)f->count);
		cJSON_AddItemToObject(o, "first_seen", ww_json_time(f->first_seen));
		cJSON_AddItemToObject(o, "last_seen", ww_json_time(f->last_seen));
		cJSON_AddStringToObject(o, "example", f->example);
		cJSON_AddStringToObject(o, "hint", ww_synclog_category_hint(
				(enum ww_synclog_category)order[i]));
	}
	return arr;
}

static int print_json(struct ww_cli *cli, struct analysis *a)
{
	cJSON *root = cJSON_CreateObject(), *files;
	char *text;
	size_t i;

	if (!root)
		return WW_EXIT_SOFTWARE;
	files = cJSON_AddArrayToObject(root, "files");
	for (i = 0; files && i < a->nfiles; i++)
		cJSON_AddItemToArray(files, cJSON_CreateString(a->files[i]));
	cJSON_AddNumberToObject(root, "lines", (double)a->stats.lines);
	cJSON_AddNumberToObject(root, "records", (double)a->stats.records);
	cJSON_AddNumberToObject(root, "malformed", (double)a->stats.malformed);
	cJSON_AddNumberToObject(root, "overlong", (double)a->stats.overlong);
	cJSON_AddItemToObject(root, "sync_runs", json_runs(a));
	cJSON_AddItemToObject(root, "last_sync_attempt",
			      ww_json_time(ww_sync_run_list_last_attempt(&a->runs)));
	cJSON_AddItemToObject(root, "last_successful_sync",
			      ww_json_time(ww_sync_run_list_last_success(&a->runs)));
	cJSON_AddItemToObject(root, "findings", json_findings(a));
	if (a->wsus_events) {
		cJSON_AddItemToObject(root, "wsus_events", a->wsus_events);
		a->wsus_events = NULL;
	}
	if (a->ev)
		ww_evanalysis_add_summary_json(a->ev, a->events_path, root);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "analyze: out of memory");
	fprintf(cli->out, "%s\n", text);
	cJSON_free(text);
	return WW_EXIT_OK;
}

static const char *fmt_time(int64_t t, char buf[WW_ISO_TIME_LEN])
{
	if (t == WW_TIME_UNKNOWN)
		return "never";
	ww_time_format_iso(t, buf);
	return buf;
}

#define HUMAN_RUNS 10

static void print_human_runs(FILE *o, const struct analysis *a)
{
	char t1[WW_ISO_TIME_LEN], t2[WW_ISO_TIME_LEN];
	size_t i = a->runs.n > HUMAN_RUNS ? a->runs.n - HUMAN_RUNS : 0;

	fprintf(o, "\nSync runs (%zu, last %zu shown):\n", a->runs.n,
		a->runs.n - i);
	for (; i < a->runs.n; i++) {
		const struct ww_sync_run *r = &a->runs.runs[i];

		fprintf(o, "  %-20s  %-9s  %-9s  finished %s\n",
			r->started_at == WW_TIME_UNKNOWN ? "(start not logged)" :
			fmt_time(r->started_at, t1), ww_sync_kind_name(r->kind),
			ww_sync_result_name(r->result),
			r->finished_at == WW_TIME_UNKNOWN ? "-" :
			fmt_time(r->finished_at, t2));
		if (r->error[0])
			fprintf(o, "      error: %s\n", r->error);
	}
}

static int print_human(struct ww_cli *cli, const struct analysis *a)
{
	FILE *o = cli->out;
	char t1[WW_ISO_TIME_LEN], t2[WW_ISO_TIME_LEN];
	int order[WW_CAT_COUNT];
	size_t n = finding_order(a, order), i;

	if (a->nfiles)
		fprintf(o, "%zu file(s): %" PRIu64 " lines, %" PRIu64 " records, %"
			PRIu64 " malformed, %" PRIu64 " overlong\n", a->nfiles,
			a->stats.lines, a->stats.records, a->stats.malformed,
			a->stats.overlong);
	fprintf(o, "Last sync attempt:    %s\n",
		fmt_time(ww_sync_run_list_last_attempt(&a->runs), t1));
	fprintf(o, "Last successful sync: %s\n",
		fmt_time(ww_sync_run_list_last_success(&a->runs), t1));
	print_human_runs(o, a);
	fprintf(o, "\nFindings (%zu categories):\n", n);
	for (i = 0; i < n; i++) {
		const struct ww_finding_summary *f = &a->findings[order[i]];
		enum ww_synclog_category c = (enum ww_synclog_category)order[i];

		fprintf(o, "  %-26s %6" PRIu64 "  %s .. %s\n",
			ww_synclog_category_name(c), f->count,
			fmt_time(f->first_seen, t1), fmt_time(f->last_seen, t2));
		fprintf(o, "      e.g.  %s\n      hint: %s\n", f->example,
			ww_synclog_category_hint(c));
	}
	if (a->ev)
		ww_evanalysis_print(a->ev, o);
	return WW_EXIT_OK;
}

/* ---- command --------------------------------------------------------- */

static int parse_args(struct ww_cli *cli, struct analysis *a, int argc,
		      char **argv, bool *json)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--json") == 0) {
			*json = true;
		} else if (strcmp(s, "--log") == 0 || ww_str_starts_with(s, "--log=")) {
			if (s[5] == '=')
				s += 6;
			else if (++i < argc)
				s = argv[i];
			else
				return ww_cli_usage(cli, ANALYZE_USAGE,
						    "--log needs a file");
			if (a->nfiles == FILES_MAX || !*s)
				return ww_cli_usage(cli, ANALYZE_USAGE,
						    "bad or too many --log files");
			a->files[a->nfiles++] = s;
		} else if (strcmp(s, "--events") == 0 ||
			   ww_str_starts_with(s, "--events=")) {
			if (s[8] == '=')
				s += 9;
			else if (++i < argc)
				s = argv[i];
			else
				return ww_cli_usage(cli, ANALYZE_USAGE,
						    "--events needs a file");
			if (a->events_path || !*s)
				return ww_cli_usage(cli, ANALYZE_USAGE,
						    "one --events file");
			a->events_path = s;
		} else {
			return ww_cli_usage(cli, ANALYZE_USAGE,
					    "unknown argument '%s'", s);
		}
	}
	if (!a->nfiles && !a->events_path)
		return ww_cli_usage(cli, ANALYZE_USAGE, "nothing to analyze");
	return 0;
}

static int run_logs(struct ww_cli *cli, struct analysis *a)
{
	struct ww_synclog_parser *p = NULL;
	struct ww_err err;
	char *buf = malloc(READ_CHUNK);
	size_t i;
	int r = 0;

	if (!buf || ww_synclog_classifier_new(&a->classifier, &err) ||
	    ww_synclog_parser_new(&p, on_record, a, &err)) {
		r = ww_cli_fail(cli, WW_EXIT_SOFTWARE, "analyze: out of memory");
		goto out;
	}
	for (i = 0; i < a->nfiles && !r; i++)
		r = analysis_add_log(cli, a, p, a->files[i], buf);
	/* An offline log's "now" is its newest record. */
	if (!r && ww_sync_tracker_expire(&a->tracker, a->last_time, put_run, a))
		r = WW_EXIT_SOFTWARE;
out:
	ww_synclog_parser_free(p);
	free(buf);
	return r;
}

int ww_cmd_analyze(struct ww_cli *cli, int argc, char **argv)
{
	struct analysis *a = calloc(1, sizeof(*a));
	bool json = false;
	int r;

	if (!a)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "analyze: out of memory");
	ww_sync_run_list_init(&a->runs, RUNS_MAX);
	ww_sync_tracker_init(&a->tracker);
	a->last_time = WW_TIME_UNKNOWN;
	r = parse_args(cli, a, argc, argv, &json);
	if (!r && a->nfiles)
		r = run_logs(cli, a);
	/* Both sources feed one timeline of runs (a->runs). */
	if (!r && a->events_path)
		r = run_events(cli, a);
	if (!r) {
		ww_sync_run_list_sort(&a->runs);
		r = json ? print_json(cli, a) : print_human(cli, a);
	}
	ww_synclog_classifier_free(a->classifier);
	ww_sync_run_list_release(&a->runs);
	cJSON_Delete(a->wsus_events);
	ww_evanalysis_free(a->ev);
	free(a);
	return r;
}
