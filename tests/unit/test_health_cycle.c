/*
 * test_health_cycle.c - the monitor's health step end to end over a real
 * store with injected time: the "done when" sequence (30h-old
 * success -> WARNING, stale-sync raised once, cleared once after a
 * successful sync arrives, across a restart), the Prometheus textfile
 * (content and escaping; tests/integration/promtool_check.sh runs promtool
 * on the file this leaves in WW_TEST_ARTIFACT_DIR) and the `check` line
 * parsed by the plugin guidelines' grammar.
 *
 * The log tailer's store writer (branch synclog) had not landed when this
 * was written, so sync runs are inserted as rows of sync_run exactly as
 * store.h documents them (source 'log', one row per run).
 */
#include "compat.h"

#include <sqlite3.h>

#include "config.h"
#include "health_cycle.h"
#include "os.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define T ((int64_t)1800000000)

struct recorder {
	struct ww_buf log;
};

static int record(void *ctx, const struct ww_alert_event *ev,
		  struct ww_err *err)
{
	struct recorder *r = ctx;

	(void)err;
	ck_assert_int_eq(ww_buf_appendf(&r->log, "%s %u %s|%s|%s|%s|%s\n",
					ww_alert_transition_name(ev->transition),
					ev->event_id, ev->name,
					ww_state_name(ev->state), ev->reason,
					ev->value, ev->threshold),
			 0);
	return 0;
}

struct fx {
	struct ww_test_store store;
	char *prom;
	struct ww_config cfg;
	struct recorder rec;
	struct ww_alert_sink sink;
	struct ww_health_snapshot snap;
};

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = v ? ww_strdup(v) : NULL;
}

static void fx_init(struct fx *f, const char *tag)
{
	struct ww_err err;

	memset(f, 0, sizeof(*f));
	ww_test_store_init(&f->store, tag);
	f->prom = ww_os_path_join(f->store.dir, "wsuswatch.prom");
	ck_assert_msg(ww_config_init(&f->cfg, &err) == 0, "%s", err.msg);
	set_str(&f->cfg.database, f->store.db);
	set_str(&f->cfg.metrics.textfile, f->prom);
	ww_buf_init(&f->rec.log, 1 << 20);
	f->sink.name = "recorder";
	f->sink.ctx = &f->rec;
	f->sink.notify = record;
	ww_test_store_open(&f->store);
}

static void fx_done(struct fx *f)
{
	remove(f->prom);
	ww_test_store_release(&f->store);
	ww_config_release(&f->cfg);
	ww_buf_release(&f->rec.log);
	free(f->prom);
}

/* A statement for one row of test data; bind, then insert_done(). */
static sqlite3_stmt *insert_prepare(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f->store.s), sql, -1,
					    &st, NULL), SQLITE_OK);
	return st;
}

static void insert_done(sqlite3_stmt *st)
{
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* One sync run as the log tailer records it. */
static void add_run(struct fx *f, const char *key, int64_t start,
		    int64_t end, const char *result)
{
	sqlite3_stmt *st = insert_prepare(f,
		"INSERT INTO sync_run (source, source_key, kind, started_at, "
		"finished_at, result, error) VALUES ('log', ?, 'scheduled', "
		"?, ?, ?, NULL)");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, end);
	sqlite3_bind_text(st, 4, result, -1, SQLITE_STATIC);
	insert_done(st);
}

static void add_probe(struct fx *f, const char *target, const char *url,
		      int64_t at, bool ok, const char *stage,
		      const char *result, int64_t not_after)
{
	sqlite3_stmt *st = insert_prepare(f,
		"INSERT INTO probe_result (target, url, at, ok, stage, result, "
		"cert_not_after, clock_skew, elapsed_ms) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, 2, 41)");

	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int(st, 4, ok);
	if (stage)
		sqlite3_bind_text(st, 5, stage, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, result, -1, SQLITE_STATIC);
	if (not_after)
		sqlite3_bind_int64(st, 7, not_after);
	insert_done(st);
}

static void cycle(struct fx *f, int64_t now)
{
	struct ww_err err;

	ck_assert_msg(ww_health_cycle(f->store.s, &f->cfg, now, NULL, &f->sink, 1,
				      &f->snap, &err) == 0, "%s", err.msg);
}

static void expect(struct fx *f, const char *want)
{
	ck_assert_str_eq(f->rec.log.data ? f->rec.log.data : "", want);
	ww_buf_reset(&f->rec.log);
}

static void expect_in_file(const char *path, const char *needle)
{
	char *text = ww_test_read_file(path, NULL);

	ck_assert_msg(text != NULL, "%s missing", path);
	ck_assert_msg(strstr(text, needle) != NULL, "%s lacks: %s\n%s", path,
		      needle, text);
	free(text);
}

START_TEST(done_when_sequence)
{
	struct fx f;
	char line[1024];

	fx_init(&f, "cycle1");
	/* A day of history: success 54h ago, success 30h ago. */
	add_run(&f, "run1", T - 54 * H - 600, T - 54 * H, "succeeded");
	add_run(&f, "run2", T - 30 * H - 600, T - 30 * H, "succeeded");
	cycle(&f, T);
	ck_assert_int_eq(f.snap.rep.overall, WW_STATE_WARNING);
	expect(&f, "raise 2001 sync_staleness|warning|last successful sync "
		   "30h ago (warning > 26h)|30h|warning > 26h, critical > 50h\n");
	ww_check_format_line(&f.snap.in, &f.snap.rep, line, sizeof(line));
	ck_assert_str_eq(line, "WSUSWATCH WARNING - last successful sync 30h "
			       "ago (warning > 26h) | sync_age=108000s;93600;"
			       "180000;0 sync_failures=0;3;;0 "
			       "probes_failed=0;;;0");
	expect_in_file(f.prom, "wsuswatch_check_state{check=\"sync_staleness\","
			       "instance=\"\",state=\"warning\"} 1\n");
	expect_in_file(f.prom, "wsuswatch_sync_age_seconds 108000\n");

	/* Later cycles, and a restart: no second raise. */
	cycle(&f, T + 300);
	ww_test_store_reopen(&f.store);
	cycle(&f, T + 600);
	expect(&f, "");

	/* The log tailer appends a successful sync. */
	add_run(&f, "run3", T + 700, T + 900, "succeeded");
	cycle(&f, T + 960);
	ck_assert_int_eq(f.snap.rep.overall, WW_STATE_OK);
	expect(&f, "clear 2003 sync_staleness|ok|last successful sync 1m "
		   "ago|1m|warning > 26h, critical > 50h\n");
	ww_test_store_reopen(&f.store);
	cycle(&f, T + 1260);
	expect(&f, "");
	expect_in_file(f.prom, "wsuswatch_last_successful_sync_timestamp_seconds "
			       "1800000900\n");
	expect_in_file(f.prom, "state=\"ok\"} 1\n");
	fx_done(&f);
}
END_TEST

START_TEST(textfile_with_probes_for_promtool)
{
	struct fx f;
	char *artifacts = ww_os_getenv("WW_TEST_ARTIFACT_DIR");

	fx_init(&f, "cycle2");
	add_run(&f, "r1", T - 2 * H, T - 2 * H + 300, "succeeded");
	add_run(&f, "r2", T - H, T - H + 60, "failed");
	add_probe(&f, "microsoft_update", "https://sws.update.microsoft.com/",
		  T - 600, true, NULL, "ok", T + 20 * 86400);
	add_probe(&f, "upstream", "http://wsus\"01\\a:8530/", T - 900, false,
		  "connect", "connect_refused", 0);
	add_probe(&f, "upstream", "http://wsus\"01\\a:8530/", T - 600, false,
		  "connect", "connect_refused", 0);
	/* A label value that needs every escape promtool knows. */
	add_probe(&f, "extra \"q\" \\ x", "https://x.example/", T - 60, true,
		  NULL, "ok", 0);
	if (artifacts) {
		char *p = ww_os_path_join(artifacts, "health_cycle.prom");

		set_str(&f.cfg.metrics.textfile, p);
		free(p);
	}
	cycle(&f, T);
	ck_assert_int_eq(f.snap.rep.overall, WW_STATE_CRITICAL);
	expect_in_file(f.cfg.metrics.textfile,
		       "wsuswatch_probe_success{target=\"upstream\","
		       "stage=\"connect\"} 0\n");
	expect_in_file(f.cfg.metrics.textfile,
		       "wsuswatch_probe_success{target=\"microsoft_update\","
		       "stage=\"tls\"} 1\n");
	expect_in_file(f.cfg.metrics.textfile,
		       "wsuswatch_cert_expiry_timestamp_seconds{target="
		       "\"microsoft_update\"} 1801728000\n");
	expect_in_file(f.cfg.metrics.textfile,
		       "wsuswatch_probe_duration_seconds{target=\"upstream\"} "
		       "0.041\n");
	expect_in_file(f.cfg.metrics.textfile,
		       "# TYPE wsuswatch_check_state gauge\n");
	/* The temp file never stays behind. */
	{
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), "%s.tmp", f.cfg.metrics.textfile);
		ck_assert(!ww_os_path_exists(tmp));
	}
	free(artifacts);
	fx_done(&f);
}
END_TEST

START_TEST(label_values_are_escaped)
{
	struct ww_health_snapshot *s = calloc(1, sizeof(*s));
	struct ww_buf b;

	ck_assert_ptr_nonnull(s);
	ww_health_input_init(&s->in);
	s->in.ntargets = 1;
	ww_strlcpy(s->in.targets[0].name, "a\"b\\c\nd",
		   sizeof(s->in.targets[0].name));
	s->in.targets[0].ok = true;
	s->in.targets[0].elapsed_ms = -1;
	ww_buf_init(&b, 1 << 20);
	ck_assert_int_eq(ww_metrics_format(s, &b), 0);
	ck_assert(strstr(b.data, "{target=\"a\\\"b\\\\c\\nd\",stage=\"dns\"} 1")
		  != NULL);
	/* No duration known: no sample, but the family is declared. */
	ck_assert(strstr(b.data, "wsuswatch_probe_duration_seconds{") == NULL);
	ck_assert(strstr(b.data, "# TYPE wsuswatch_probe_duration_seconds gauge")
		  != NULL);
	ww_buf_release(&b);
	free(s);
}
END_TEST

/*
 * The plugin guidelines' output: "SERVICE STATUS - text | perfdata" with
 * perfdata 'label'=value[UOM];[warn];[crit];[min];[max] separated by
 * spaces.  Returns the number of perfdata items, fails on any deviation.
 */
static bool is_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (n == 1 && s[0] == 'U')
		return true;
	if (i < n && s[i] == '-')
		i++;
	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++)
		digits++;
	return digits > 0 && i == n;
}

static void parse_perf_item(const char *item)
{
	static const char *const uoms[] = { "", "s", "ms", "us", "%", "B",
					    "KB", "MB", "TB", "c" };
	const char *eq = strchr(item, '='), *p, *semi;
	size_t k, vlen, fields = 1;
	bool uom_ok = false;

	ck_assert_msg(eq && eq > item, "perfdata '%s' has no label", item);
	ck_assert_msg(strcspn(item, "'\"") >= (size_t)(eq - item),
		      "unquoted label with quotes: %s", item);
	p = eq + 1;
	semi = strchr(p, ';');
	vlen = semi ? (size_t)(semi - p) : strlen(p);
	for (k = 0; k < WW_ARRAY_SIZE(uoms); k++) {
		size_t ul = strlen(uoms[k]);

		if (vlen >= ul && strncmp(p + vlen - ul, uoms[k], ul) == 0 &&
		    is_number(p, vlen - ul))
			uom_ok = true;
	}
	ck_assert_msg(uom_ok, "bad value/UOM in '%s'", item);
	while (semi) {
		p = semi + 1;
		semi = strchr(p, ';');
		vlen = semi ? (size_t)(semi - p) : strlen(p);
		ck_assert_msg(vlen == 0 || is_number(p, vlen),
			      "bad threshold in '%s'", item);
		fields++;
	}
	ck_assert_msg(fields <= 5, "too many fields in '%s'", item);
}

static size_t parse_plugin_line(const char *line, const char *status)
{
	char buf[4096], want[64];
	char *bar, *item, *end, *nl;
	size_t n = 0;

	snprintf(want, sizeof(want), "WSUSWATCH %s - ", status);
	ck_assert_msg(ww_str_starts_with(line, want), "line: %s", line);
	ww_strlcpy(buf, line, sizeof(buf));
	/* Long output: text lines after the first, never a '|' or a CR. */
	nl = strchr(buf, '\n');
	if (nl) {
		ck_assert_msg(strchr(nl, '|') == NULL && strchr(nl, '\r') == NULL,
			      "long output: %s", nl);
		*nl = '\0';
	}
	bar = strchr(buf, '|');
	ck_assert_msg(bar != NULL, "no perfdata: %s", line);
	ck_assert(strchr(bar + 1, '|') == NULL);
	ck_assert(bar > buf + strlen(want) + 1 && bar[-1] == ' ');
	ck_assert(bar[1] == ' ');
	for (item = bar + 2; *item; item = end) {
		end = strchr(item, ' ');
		if (end)
			*end++ = '\0';
		else
			end = item + strlen(item);
		ck_assert_msg(*item, "empty perfdata item in %s", line);
		parse_perf_item(item);
		n++;
	}
	return n;
}

START_TEST(check_line_follows_plugin_guidelines)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	char line[4096];

	ww_health_input_init(&in);
	in.th.sync_warning = 26 * H;
	in.th.sync_critical = 50 * H;
	in.th.sync_failures = 3;
	in.th.probe_failures = 2;
	ww_strlcpy(in.muurl, "https://fe2.update.microsoft.com/v6",
		   sizeof(in.muurl));
	ww_health_evaluate(&in, T, &rep);
	ww_check_format_line(&in, &rep, line, sizeof(line));
	ck_assert_uint_eq(parse_plugin_line(line, "CRITICAL"), 2);
	ck_assert(strstr(line, "sync_age=U;93600;180000;0") != NULL);

	in.sync_runs = 4;
	in.have_success = true;
	in.last_success = T - 3 * H;
	in.consecutive_failures = 3;
	ww_strlcpy(in.muurl, "https://sws.update.microsoft.com",
		   sizeof(in.muurl));
	in.ntargets = 1;
	ww_strlcpy(in.targets[0].name, "up|stream", sizeof(in.targets[0].name));
	ww_strlcpy(in.targets[0].url, "https://a|b/", sizeof(in.targets[0].url));
	in.targets[0].consecutive_failures = 2;
	ww_health_evaluate(&in, T, &rep);
	ww_check_format_line(&in, &rep, line, sizeof(line));
	ck_assert_uint_eq(parse_plugin_line(line, "CRITICAL"), 3);
	ck_assert_msg(strstr(line, "\nsync_failures warning: 3 consecutive") !=
		      NULL, "%s", line);

	in.ntargets = 0;
	in.consecutive_failures = 0;
	ww_health_evaluate(&in, T, &rep);
	ww_check_format_line(&in, &rep, line, sizeof(line));
	ck_assert_uint_eq(parse_plugin_line(line, "OK"), 3);
	ck_assert_str_eq(line, "WSUSWATCH OK - last successful sync 3h ago | "
			       "sync_age=10800s;93600;180000;0 "
			       "sync_failures=0;3;;0 probes_failed=0;;;0");

	/*
	 * Two critical causes and no symptom: the headline is the most
	 * causal one (the MUUrl setting steers the path the endpoint
	 * fails on), not the first critical one in table order.
	 */
	ww_strlcpy(in.muurl, "https://fe2.update.microsoft.com/v6",
		   sizeof(in.muurl));
	in.ntargets = 1;
	ww_strlcpy(in.targets[0].name, "extra", sizeof(in.targets[0].name));
	ww_strlcpy(in.targets[0].url, "https://x/", sizeof(in.targets[0].url));
	ww_strlcpy(in.targets[0].stage, "tls", sizeof(in.targets[0].stage));
	in.targets[0].consecutive_failures = 2;
	ww_health_evaluate(&in, T, &rep);
	ww_check_format_line(&in, &rep, line, sizeof(line));
	ck_assert_msg(ww_str_starts_with(line, "WSUSWATCH CRITICAL - MUUrl "
					 "https://fe2.update.microsoft.com/v6 "
					 "was decommissioned"), "%s", line);
	ck_assert_msg(strstr(line, "\nendpoint:extra critical: ") != NULL, "%s",
		      line);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("health_cycle");
	TCase *tc = tcase_create("cycle");

	tcase_add_test(tc, done_when_sequence);
	tcase_add_test(tc, textfile_with_probes_for_promtool);
	tcase_add_test(tc, label_values_are_escaped);
	tcase_add_test(tc, check_line_follows_plugin_guidelines);
	suite_add_tcase(s, tc);
	return s;
}
