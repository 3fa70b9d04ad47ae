/*
 * test_diagnose.c - judging a diagnose pass (diag_build.c) from hand-made
 * data: configuration items, what cannot be seen stays unknown, the
 * verdict agrees with the health rules, log findings before and after the
 * last success, the order of the things to fix; how much of the log
 * is read (diag_log.c).  The Event log group from the real-format
 * exports of tests/fixtures/events through the same import as
 * --events (diag_events.c), and from events handed over newest first
 * as the live scan does.
 */
#include "compat.h"

#include "discover.h"
#include "os.h"
#include "diagnose.h"
#include "util.h"
#include "ww_test.h"

#define NOW ((int64_t)1800000000)
#define H 3600

struct fx {
	struct ww_config cfg;
	struct ww_diag_data d;
	struct ww_diag_report r;
};

static struct fx *setup(const char *yaml)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ww_err err;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ww_config_init(&f->cfg, &err), 0);
	if (yaml)
		ck_assert_msg(ww_config_load_string(&f->cfg, "t.yaml", yaml,
						    strlen(yaml), &err) == 0,
			      "%s", err.msg);
	ww_diag_data_init(&f->d, &f->cfg, NOW);
	f->d.from_file = yaml != NULL;
	f->d.host_avail = WW_FACT_NOT_HERE;
	f->d.probes_avail = WW_DIAG_NOT_RUN;
	f->d.log.avail = WW_DIAG_NOT_HERE;
	f->d.events.avail = WW_DIAG_NOT_HERE;
	return f;
}

static void teardown(struct fx *f)
{
	ww_diag_data_release(&f->d);
	ww_config_release(&f->cfg);
	free(f);
}

static const struct ww_diag_item *get(const struct ww_diag_report *r, int g,
				      const char *name)
{
	size_t i;

	for (i = 0; i < r->groups[g].n; i++)
		if (strcmp(r->groups[g].items[i].name, name) == 0)
			return &r->groups[g].items[i];
	ck_abort_msg("group %d has no item %s", g, name);
	return NULL;
}

static void add_run(struct ww_diag_data *d, const char *key, int64_t start,
		    int64_t end, enum ww_sync_result res)
{
	struct ww_sync_run run;

	memset(&run, 0, sizeof(run));
	ww_strlcpy(run.key, key, sizeof(run.key));
	run.kind = WW_SYNC_SCHEDULED;
	run.result = res;
	run.started_at = start;
	run.finished_at = end;
	run.started_ms = start * 1000;
	run.finished_ms = end * 1000;
	ck_assert_int_eq(ww_sync_run_list_put(&d->log.runs, &run), 0);
}

static void add_finding(struct ww_diag_data *d, enum ww_synclog_category c,
			int64_t at)
{
	struct ww_finding_summary *f = &d->log.findings[c];

	f->count++;
	f->first_seen = f->last_seen = at;
	ww_strlcpy(f->example, "example line", sizeof(f->example));
}

START_TEST(nothing_seen_is_unknown)
{
	struct fx *f = setup(NULL);

	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_CONFIGURATION, "sync_source")->state,
			 WW_DIAG_UNKNOWN);
	ck_assert_int_eq(get(&f->r, WW_DIAG_LOG, "log_file")->state,
			 WW_DIAG_UNKNOWN);
	ck_assert_int_eq(get(&f->r, WW_DIAG_LOG, "last_successful_sync")->state,
			 WW_DIAG_UNKNOWN);
	ck_assert_int_eq(get(&f->r, WW_DIAG_NETWORK, "probes")->state,
			 WW_DIAG_SKIPPED);
	ck_assert_int_eq(get(&f->r, WW_DIAG_HOST_TLS, "registry")->state,
			 WW_DIAG_SKIPPED);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "eventlog")->state,
			 WW_DIAG_SKIPPED);
	/* sync_staleness is primary: no data makes the verdict unknown. */
	ck_assert_int_eq(f->r.verdict, WW_DIAG_UNKNOWN);
	ck_assert_int_eq(f->r.health.overall, WW_STATE_UNKNOWN);
	ck_assert_uint_ge(f->r.n_fix, 1);
	teardown(f);
}
END_TEST

/* A failing probe of a probe target: DNS failure of target name. */
static void add_failed_probe(struct fx *f, const char *target)
{
	struct ww_probe_result *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	ww_strlcpy(p->target, target, sizeof(p->target));
	ww_strlcpy(p->url, "https://sws.update.microsoft.com/x", sizeof(p->url));
	p->at = NOW;
	p->stage = WW_STAGE_DNS;
	p->result = WW_PROBE_DNS_FAILURE;
	p->wu_code = 0x8024402C;
	p->hint = "check DNS";
	p->cert_not_after = p->cert_days_left = p->clock_skew = WW_PROBE_UNKNOWN;
	p->timings.dns = p->timings.connect = p->timings.tls = -1;
	p->timings.first_byte = p->timings.total = -1;
	f->d.probes = p;
	f->d.n_probes = 1;
	f->d.probes_avail = WW_DIAG_AVAILABLE;
}

/*
 * Nothing configured, discovery could not read WSUS: the Microsoft
 * Update probe tests an assumed path.  Its failure is unknown with the
 * fix (run as LocalSystem, or set the source), never critical.  Before
 * the engine the verdict was critical.
 */
START_TEST(assumed_source_is_never_critical)
{
	struct fx *f = setup(NULL);
	const struct ww_diag_item *it;

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	add_failed_probe(f, "microsoft_update");
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_NETWORK, "microsoft_update");
	ck_assert_int_eq(it->state, WW_DIAG_UNKNOWN);
	ck_assert_msg(strstr(it->hint, "LocalSystem") &&
		      strstr(it->hint, "wsus.upstream"), "%s", it->hint);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_UNKNOWN);
	ck_assert_uint_ge(f->r.n_fix, 1);
	teardown(f);

	/* Described in a file: the same failure is judged. */
	f = setup("wsus: {muurl: https://sws.update.microsoft.com}\n");
	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	add_failed_probe(f, "microsoft_update");
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_NETWORK, "microsoft_update")->state,
			 WW_DIAG_WARNING);
	teardown(f);
}
END_TEST

/* SSL on a custom port: SelfUpdate's HTTP port is unknown, not port - 1. */
START_TEST(selfupdate_port_is_not_guessed)
{
	struct fx *f = setup("wsus: {upstream: {host: up.example, port: 9443, "
			     "ssl: true}}\n");
	const struct ww_diag_item *it;

	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_NETWORK, "upstream_selfupdate");
	ck_assert_int_eq(it->state, WW_DIAG_UNKNOWN);
	ck_assert_msg(strstr(it->hint, "wsus.upstream.http_port"), "%s", it->hint);
	teardown(f);
}
END_TEST

/*
 * WSUS logs one failure twice: the exception record and the 386 that
 * repeats its reason.  One finding carries it: the generic sync_failed is
 * ok beside the specific one, and the specific one counts once.
 */
START_TEST(failure_logged_twice_is_one_finding)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	struct ww_synclog_record rec;
	const struct ww_diag_item *it;

	memset(&rec, 0, sizeof(rec));
	rec.message = "The request failed with HTTP status 407";
	rec.message_len = strlen(rec.message);
	rec.component = "";
	rec.time = NOW - H;
	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "old", NOW - 31 * H, NOW - 30 * H, WW_SYNC_SUCCEEDED);
	ww_finding_summary_add(f->d.log.findings,
			       1u << WW_CAT_PROXY_AUTH_REQUIRED, &rec);
	rec.time = NOW - H + 1;
	ww_finding_summary_add(f->d.log.findings,
			       (1u << WW_CAT_PROXY_AUTH_REQUIRED) |
			       (1u << WW_CAT_SYNC_FAILED), &rec);
	ck_assert_uint_eq(f->d.log.findings[WW_CAT_PROXY_AUTH_REQUIRED].count, 1);
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_LOG, "finding:proxy_auth_required");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	it = get(&f->r, WW_DIAG_LOG, "finding:sync_failed");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	ck_assert_msg(strstr(it->summary, "finding:proxy_auth_required"), "%s",
		      it->summary);
	teardown(f);
}
END_TEST

/* diagnose's text names the failed run's reason (386's Message) and the
 * guide's code in it becomes a finding with its meaning (issue 14, 7). */
START_TEST(failed_run_reason_in_text)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	const struct ww_check_result *c;
	struct ww_sync_run *r;

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "ok", NOW - 21 * H, NOW - 20 * H, WW_SYNC_SUCCEEDED);
	add_run(&f->d, "bad", NOW - 2 * H, NOW - 1 * H, WW_SYNC_FAILED);
	r = &f->d.log.runs.runs[f->d.log.runs.n - 1];
	ww_strlcpy(r->error, "SyncUpdates failed: 0x80072EE2",
		   sizeof(r->error));
	add_finding(&f->d, WW_CAT_TIMEOUT, NOW - 1 * H);
	ww_diag_build(&f->d, &f->r);
	c = ww_health_find(&f->r.health, "sync_failures");
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(strstr(c->reason, "the latest failed: SyncUpdates "
			     "failed: 0x80072EE2") != NULL, "%s", c->reason);
	c = ww_health_find(&f->r.health, "finding:timeout");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c->fix, "0x80072EE2"));
	ck_assert_ptr_nonnull(strstr(c->fix, "do not assume IIS"));
	teardown(f);
}
END_TEST

/*
 * The runs' rules are the service's (runs_summary.c): a success dated 90
 * days ahead (a clock glitch) is never the latest success, and failures
 * count after the log's last success in the log's order, so failures
 * written after a clock was stepped back still count.  Before, diagnose
 * took the future success: staleness ok with a negative age, no failure.
 */
START_TEST(runs_ahead_of_the_clock_are_ignored)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	const struct ww_check_result *c;

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "ok", NOW - 31 * H, NOW - 30 * H, WW_SYNC_SUCCEEDED);
	add_run(&f->d, "ahead", NOW + 90 * 24 * H, NOW + 90 * 24 * H + 60,
		WW_SYNC_SUCCEEDED);
	add_run(&f->d, "bad1", NOW - 3 * H, NOW - 3 * H + 60, WW_SYNC_FAILED);
	add_run(&f->d, "bad2", NOW - 2 * H, NOW - 2 * H + 60, WW_SYNC_FAILED);
	ww_diag_build(&f->d, &f->r);
	c = ww_health_find(&f->r.health, "sync_staleness");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->raw_value, 30 * H);
	ck_assert_int_ne(c->state, WW_STATE_OK);
	c = ww_health_find(&f->r.health, "sync_failures");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->raw_value, 2);
	c = ww_health_find(&f->r.health, "clock_skew");
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(strstr(c->reason, "1 sync run dated up to") != NULL,
		      "%s", c->reason);
	teardown(f);
}
END_TEST

START_TEST(failures_after_clock_stepped_back_count)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	const struct ww_check_result *c;

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "ok", NOW - 2 * H, NOW - 2 * H + 60, WW_SYNC_SUCCEEDED);
	/* The clock went back 3 hours; two failures follow in the log. */
	add_run(&f->d, "bad1", NOW - 4 * H, NOW - 4 * H + 60, WW_SYNC_FAILED);
	add_run(&f->d, "bad2", NOW - 3 * H, NOW - 3 * H + 60, WW_SYNC_FAILED);
	ww_diag_build(&f->d, &f->r);
	c = ww_health_find(&f->r.health, "sync_failures");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->raw_value, 2);
	teardown(f);
}
END_TEST

START_TEST(fe2_is_critical)
{
	struct fx *f = setup("wsus:\n  muurl: https://fe2.update.microsoft.com/v6\n");
	const struct ww_diag_item *it;

	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	f->d.log.avail = WW_DIAG_AVAILABLE;
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "muurl_policy");
	ck_assert_int_eq(it->state, WW_DIAG_CRITICAL);
	ck_assert_ptr_nonnull(strstr(it->hint, "RedirectorChangeNumber 4002"));
	/* The guide's whole procedure, and where never to run it. */
	ck_assert_ptr_nonnull(strstr(it->hint, "close all WSUS consoles"));
	ck_assert_ptr_nonnull(strstr(it->hint, "iisreset"));
	ck_assert_ptr_nonnull(strstr(it->hint, "Restart-Service WsusService"));
	ck_assert_ptr_nonnull(strstr(it->hint, "never on a downstream or "
				     "replica server"));
	ck_assert_int_eq(f->r.verdict, WW_DIAG_CRITICAL);
	ck_assert_uint_ge(f->r.n_fix, 1);
	ck_assert_int_eq(f->r.fix[0].group, WW_DIAG_CONFIGURATION);
	teardown(f);
}
END_TEST

START_TEST(sws1_is_warning)
{
	struct fx *f = setup("wsus:\n  muurl: https://sws1.update.microsoft.com\n");

	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	f->d.log.avail = WW_DIAG_AVAILABLE;
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_CONFIGURATION, "muurl_policy")->state,
			 WW_DIAG_WARNING);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_WARNING);
	teardown(f);
}
END_TEST

START_TEST(port_ssl_mismatch)
{
	struct fx *f = setup("wsus:\n  upstream: {host: up.example, port: 8530, "
			     "ssl: true}\n");
	const struct ww_diag_item *it;

	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "upstream_port_ssl");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(it->summary, "HTTP port but SSL is on"));
	ck_assert_int_eq(get(&f->r, WW_DIAG_CONFIGURATION, "muurl_policy")->state,
			 WW_DIAG_SKIPPED);
	/* A diagnose-only warning counts, over the rules' unknown. */
	ck_assert_int_eq(f->r.verdict, WW_DIAG_WARNING);
	teardown(f);

	f = setup("wsus:\n  upstream: {host: up.example, port: 8531, ssl: true}\n");
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_CONFIGURATION,
			     "upstream_port_ssl")->state, WW_DIAG_OK);
	teardown(f);
}
END_TEST

START_TEST(proxy_password_never_shown)
{
	struct fx *f = setup("proxy:\n  url: http://user:pw@proxy.example:3128\n"
			     "  user: corp\\\\svc\n  password_env: WW_NOPE\n");
	const struct ww_diag_item *it;

	ww_strlcpy(f->d.proxy_password_error, "environment variable 'WW_NOPE' "
		   "is not set", sizeof(f->d.proxy_password_error));
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "proxy");
	ck_assert_int_eq(it->state, WW_DIAG_CRITICAL);
	ck_assert_ptr_null(strstr(it->evidence, "pw@"));
	ck_assert_ptr_nonnull(strstr(it->evidence, "http://proxy.example:3128"));
	teardown(f);
}
END_TEST

START_TEST(stale_sync_with_findings)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	const struct ww_diag_item *it;

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "old", NOW - 31 * H, NOW - 30 * H, WW_SYNC_SUCCEEDED);
	add_run(&f->d, "new", NOW - 6 * H, NOW - 5 * H, WW_SYNC_FAILED);
	add_finding(&f->d, WW_CAT_TLS_NO_COMMON_ALGORITHM, NOW - 5 * H);
	add_finding(&f->d, WW_CAT_DATABASE_ERROR, NOW - 40 * H);
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_LOG, "last_successful_sync");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(it->summary, "30h ago"));
	it = get(&f->r, WW_DIAG_LOG, "finding:tls_no_common_algorithm");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_str_eq(it->hint, ww_synclog_category_hint(
					   WW_CAT_TLS_NO_COMMON_ALGORITHM));
	/* Seen only before the last success: resolved since. */
	ck_assert_int_eq(get(&f->r, WW_DIAG_LOG,
			     "finding:database_error")->state, WW_DIAG_OK);
	ck_assert_int_eq(f->r.in.consecutive_failures, 1);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_WARNING);
	ck_assert_int_eq(f->r.health.overall, WW_STATE_WARNING);
	teardown(f);
}
END_TEST

START_TEST(failed_probe_is_warning_at_once)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	add_failed_probe(f, "extra");
	ww_diag_build(&f->d, &f->r);
	/* One failed probe is a warning in diagnose as in the service
	 * (critical after probes_failures in a row): one engine. */
	ck_assert_int_eq(get(&f->r, WW_DIAG_NETWORK, "extra")->state,
			 WW_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(get(&f->r, WW_DIAG_NETWORK, "extra")->summary,
				     "0x8024402C"));
	ck_assert_int_eq(f->r.health.overall, WW_STATE_WARNING);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_WARNING);
	ck_assert_int_eq(f->r.fix[0].group, WW_DIAG_NETWORK);
	teardown(f);
}
END_TEST

/* MUUrl fe2 read from SUSDB: the policy finding, and its origin shown. */
START_TEST(discovered_fe2_is_critical)
{
	struct fx *f = setup(NULL);
	struct ww_discovered *disc = calloc(1, sizeof(*disc));
	const char *a[] = { "1", NULL, NULL, NULL, "0", NULL, NULL, NULL, NULL };
	const char *b[] = { "https://fe2.update.microsoft.com/v6", NULL };
	const struct ww_diag_item *it;
	struct ww_err err;

	ck_assert_ptr_nonnull(disc);
	ww_discovered_init(disc);
	disc->installed = true;
	ww_discovered_take_row(disc, WW_DISC_TABLE_A, a);
	ww_discovered_take_row(disc, WW_DISC_TABLE_B, b);
	f->cfg.discovery.code = 0;
	ck_assert_int_eq(ww_config_apply_discovered(&f->cfg, disc, &err), 0);
	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	f->d.log.avail = WW_DIAG_AVAILABLE;
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "muurl_policy");
	ck_assert_int_eq(it->state, WW_DIAG_CRITICAL);
	ck_assert_msg(strstr(it->evidence, "discovered: SUSDB "
			     "tbConfigurationB.MUUrl"), "%s", it->evidence);
	/* Discovered, not assumed: the sync source is known. */
	it = get(&f->r, WW_DIAG_CONFIGURATION, "sync_source");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	ck_assert_ptr_nonnull(strstr(it->evidence, "SyncToMU"));
	it = get(&f->r, WW_DIAG_CONFIGURATION, "discovery");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "value_sources");
	ck_assert_msg(strstr(it->summary, "0 from the file, 4 discovered"),
		      "%s", it->summary);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_CRITICAL);
	free(disc);
	teardown(f);
}
END_TEST

/* SUSDB refused: an unknown item with the message and the first check. */
START_TEST(susdb_unreadable_is_unknown)
{
	struct fx *f = setup("wsus:\n  muurl: https://sws.update.microsoft.com\n");
	const struct ww_diag_item *it;

	f->cfg.discovery.code = 0;
	f->cfg.discovery.susdb_code = WW_EIO;
	ww_strlcpy(f->cfg.discovery.susdb_msg, "SUSDB not readable: np:x: "
		   "[28000] Login failed", sizeof(f->cfg.discovery.susdb_msg));
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_CONFIGURATION, "discovery");
	ck_assert_int_eq(it->state, WW_DIAG_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(it->summary, "Login failed"));
	ck_assert_ptr_nonnull(strstr(it->hint, "LocalSystem"));
	it = get(&f->r, WW_DIAG_CONFIGURATION, "value_sources");
	ck_assert_msg(strstr(it->summary, "1 from the file, 0 discovered"),
		      "%s", it->summary);
	ck_assert_ptr_nonnull(strstr(it->evidence, "wsus.muurl (file)"));
	teardown(f);
}
END_TEST

/* Read the log of a fresh fixture as diagnose does (ww_diag_read_log). */
static struct fx *read_log(const char *dir, const char *rollover)
{
	char *logp = ww_os_path_join(dir, "SoftwareDistribution.log");
	char yaml[1024];
	struct fx *f;
	struct ww_err err;

	snprintf(yaml, sizeof(yaml), "wsus:\n  log: '%s'\n%s", logp,
		 rollover ? rollover : "");
	f = setup(yaml);
	ck_assert_msg(ww_diag_read_log(&f->d.log, NOW, &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(f->d.log.avail, WW_DIAG_AVAILABLE);
	free(logp);
	return f;
}

/*
 * How much of the log diagnose reads follows wsus.log_rollover: the
 * sync in .old is found with the default 32 MiB, and is out of reach
 * when the log alone fills the rollover-derived chunk.
 */
START_TEST(log_read_bounded_by_rollover)
{
	char *dir = ww_test_tmpdir("diag_rollover");
	char *logp = ww_os_path_join(dir, "SoftwareDistribution.log");
	char *old = ww_os_path_join(dir, "SoftwareDistribution.log.old");
	char *fixture = ww_test_path("fixtures/synclog/track-sync.log");
	size_t n;
	char *text = ww_test_read_file(fixture, &n);
	const struct ww_diag_logfile *lf;
	struct fx *f;

	ck_assert_ptr_nonnull(text);
	ww_test_write_file(old, text, n);
	ww_test_grow_log(logp, 3u << 20);

	f = read_log(dir, NULL);
	ck_assert_uint_eq(f->d.log.chunk, 32u << 20);
	ck_assert_uint_eq(f->d.log.files[0].offset, 0);
	ck_assert_uint_eq(f->d.log.files[1].offset, 0);
	ck_assert_uint_eq(f->d.log.runs.n, 1);
	teardown(f);

	f = read_log(dir, "  log_rollover: 1048576\n");
	lf = f->d.log.files;
	ck_assert_uint_eq(f->d.log.chunk, 1310720);
	ck_assert_uint_eq(lf[1].offset, lf[1].size - 1310720);
	ck_assert(lf[0].present && lf[0].offset == lf[0].size);
	ck_assert_uint_eq(f->d.log.runs.n, 0);
	teardown(f);

	remove(old);
	remove(logp);
	remove(dir);
	free(text);
	free(fixture);
	free(old);
	free(logp);
	free(dir);
}
END_TEST

/*
 * The log as diagnose reads it (ww_diag_read_log), not a list made by
 * hand: a success, then the clock stepped back three hours and two syncs
 * failed.  The rules read the runs in the log's order, so both failures
 * count, as the monitor counts them; sorted by time they hid behind the
 * success.
 */
START_TEST(log_read_keeps_the_logs_order)
{
#define REC "\tInfo\tWsusService.15\tEventLogEventReporter.ReportEvent\t"
#define SYNC(t) "2027-01-15 " t ".000 UTC" REC "EventId=381,Type=" \
	"Information,Category=Synchronization,Message=A scheduled " \
	"synchronization was started.\n"
	static const char text[] =
		SYNC("06:00:00")
		"2027-01-15 06:01:00.000 UTC" REC "EventId=384,Type=Information,"
		"Category=Synchronization,Message=Synchronization completed "
		"successfully.\n"
		SYNC("04:00:00")
		"2027-01-15 04:01:00.000 UTC" REC "EventId=386,Type=Error,"
		"Category=Synchronization,Message=Synchronization failed. "
		"Reason: The operation has timed out.\n"
		SYNC("05:00:00")
		"2027-01-15 05:01:00.000 UTC" REC "EventId=386,Type=Error,"
		"Category=Synchronization,Message=Synchronization failed. "
		"Reason: The remote name could not be resolved.\n";
#undef SYNC
#undef REC
	char *dir = ww_test_tmpdir("diag_order");
	char *logp = ww_os_path_join(dir, "SoftwareDistribution.log");
	const struct ww_check_result *c;
	struct fx *f;

	ww_test_write_file(logp, text, sizeof(text) - 1);
	f = read_log(dir, NULL);
	ck_assert_uint_eq(f->d.log.runs.n, 3);
	ww_diag_build(&f->d, &f->r);
	c = ww_health_find(&f->r.health, "sync_failures");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->raw_value, 2);
	ck_assert_int_eq(f->r.in.last_success, NOW - 2 * H + 60);
	/* The latest attempt by the log's order is the last failure. */
	ck_assert_str_eq(f->r.in.last_result, "failed");
	ck_assert_msg(strstr(f->r.in.last_error, "could not be resolved"),
		      "%s", f->r.in.last_error);
	teardown(f);
	remove(logp);
	remove(dir);
	free(logp);
	free(dir);
}
END_TEST

/* ---- Event log group ---- */

static int64_t iso(const char *s)
{
	int64_t t = 0;

	ck_assert_int_eq(ww_time_parse_iso(s, &t), 0);
	return t;
}

/* --events FILE: the export through ww_diag_read_events(), then judged. */
static struct fx *from_export(const char *fixture, int64_t now)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	char rel[128];
	struct ww_err err;
	char *path;

	snprintf(rel, sizeof(rel), "fixtures/events/%s", fixture);
	path = ww_test_path(rel);
	f->d.now = now;
	f->d.events.avail = WW_DIAG_UNAVAILABLE; /* must be set by reading */
	f->d.events.file = path;
	ck_assert_msg(ww_diag_read_events(&f->d.events, now, &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(f->d.events.avail, WW_DIAG_AVAILABLE);
	ww_diag_build(&f->d, &f->r);
	f->d.events.file = NULL;
	free(path);
	return f;
}

/* German /f:RenderedXml: 10022, then 10021, then 10020 - healthy now;
 * one 364 with a multi-line message; one 12072; 384 a success. */
START_TEST(events_rendered_export)
{
	struct fx *f = from_export("wevtutil-rendered-de.xml",
				   iso("2026-11-21T12:00:00Z"));
	const struct ww_diag_item *it;

	it = get(&f->r, WW_DIAG_EVENTLOG, "eventlog");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	ck_assert_msg(strstr(it->summary, "9 WSUS event(s) in the export "),
		      "%s", it->summary);
	ck_assert_ptr_nonnull(strstr(it->evidence, "12 events in the file, 0 "
				     "malformed"));
	it = get(&f->r, WW_DIAG_EVENTLOG, "catalog_sync");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	ck_assert_msg(strstr(it->summary, "10020 at 2026-11-21T10:15:40Z"), "%s",
		      it->summary);
	ck_assert_ptr_nonnull(strstr(it->evidence, "record 4811"));
	ck_assert_int_eq(ww_health_find(&f->r.health, "wsus_health_events")->state,
			 WW_STATE_OK);
	it = get(&f->r, WW_DIAG_EVENTLOG, "content_download");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_msg(strstr(it->summary, "1 content download failure(s) (event "
			     "364) in the export, the last at "
			     "2026-11-20T03:10:00Z"), "%s", it->summary);
	/* WSUS's message on one line: the file it names stays visible. */
	ck_assert_msg(strstr(it->evidence, "nicht vorhanden. Quelldatei: "
			     "/Content/wuagent.exe Zieldatei:"), "%s",
		      it->evidence);
	ck_assert_ptr_nonnull(strstr(it->hint, "BITS"));
	it = get(&f->r, WW_DIAG_EVENTLOG, "self_check");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_msg(strstr(it->summary, "content directory (12072) 1x; the "
			     "last at 2026-11-20T04:00:00Z"), "%s", it->summary);
	ck_assert_ptr_nonnull(strstr(it->evidence, "Inhaltsverzeichnis"));
	ck_assert_ptr_nonnull(strstr(it->hint, "wsusutil checkhealth"));
	/* 384 is a successful sync (2h 19m before now): not stale. */
	ck_assert(f->r.in.have_success);
	ck_assert_int_eq(f->r.in.last_success, iso("2026-11-21T09:41:12Z"));
	ck_assert_int_eq(get(&f->r, WW_DIAG_LOG, "last_successful_sync")->state,
			 WW_DIAG_OK);
	/* The warnings count, and the engine's verdict is diagnose's. */
	ck_assert_int_eq(f->r.health.overall, WW_STATE_WARNING);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_WARNING);
	teardown(f);
}
END_TEST

/* French Event Viewer export (UTF-16): 10021, then 10022 - WSUS says the
 * last catalog sync failed: critical through wsus_health_events. */
START_TEST(events_failed_catalog_export)
{
	struct fx *f = from_export("eventviewer-fr-utf16.xml",
				   iso("2026-11-22T03:00:00Z"));
	const struct ww_diag_item *it;
	cJSON *root, *c;

	it = get(&f->r, WW_DIAG_EVENTLOG, "catalog_sync");
	ck_assert_int_eq(it->state, WW_DIAG_CRITICAL);
	ck_assert_msg(strstr(it->summary, "WSUS event 10022 at "
			     "2026-11-22T02:17:00Z"), "%s", it->summary);
	ck_assert_ptr_nonnull(strstr(it->hint, "upstream server and proxy"));
	ck_assert_int_eq(ww_health_find(&f->r.health, "wsus_health_events")->state,
			 WW_STATE_CRITICAL);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "content_download")->state,
			 WW_DIAG_OK);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "self_check")->state,
			 WW_DIAG_OK);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_CRITICAL);
	root = ww_diag_json(&f->d, &f->r);
	ck_assert_ptr_nonnull(root);
	c = cJSON_GetObjectItem(root, "catalog_sync");
	ck_assert_str_eq(cJSON_GetObjectItem(c, "state")->valuestring, "failed");
	ck_assert_int_eq(cJSON_GetObjectItem(c, "event_id")->valueint, 10022);
	ck_assert_str_eq(cJSON_GetObjectItem(c, "time")->valuestring,
			 "2026-11-22T02:17:00Z");
	cJSON_Delete(root);
	teardown(f);
}
END_TEST

/* Plain /f:xml: the 364 has Qualifiers 16384 and its text in EventData;
 * 10022 is followed by 10020 (healthy again). */
START_TEST(events_plain_export)
{
	struct fx *f = from_export("wevtutil-plain.xml",
				   iso("2026-11-19T09:00:00Z"));
	const struct ww_diag_item *it;

	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "catalog_sync")->state,
			 WW_DIAG_OK);
	it = get(&f->r, WW_DIAG_EVENTLOG, "content_download");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_msg(strstr(it->evidence, "\"Content file download failed. "
			     "HTTP status 404\""), "%s", it->evidence);
	teardown(f);
}
END_TEST

/* A cut-off export keeps its complete events and says so; a malformed or
 * missing one is an error for the command's exit code (65 / 66). */
START_TEST(events_bad_exports)
{
	struct fx *f = from_export("wevtutil-truncated.xml",
				   iso("2026-11-21T12:00:00Z"));
	const struct ww_diag_item *it;
	struct ww_diag_events e;
	struct ww_err err;
	char *path;

	it = get(&f->r, WW_DIAG_EVENTLOG, "eventlog");
	ck_assert_int_eq(it->state, WW_DIAG_OK);
	ck_assert_msg(strstr(it->evidence, "truncated: "), "%s", it->evidence);
	teardown(f);

	memset(&e, 0, sizeof(e));
	path = ww_test_path("fixtures/events/wevtutil-malformed.xml");
	e.file = path;
	ck_assert_int_eq(ww_diag_read_events(&e, NOW, &err), WW_EPARSE);
	free(path);
	path = ww_test_path("fixtures/events/no-such-export.xml");
	e.file = path;
	ck_assert_int_eq(ww_diag_read_events(&e, NOW, &err), WW_ENOENT);
	free(path);
}
END_TEST

static void add_ev(struct ww_diag_events *e, const char *provider,
		   uint32_t id, int64_t at, uint64_t rec, const char *msg)
{
	struct ww_wsus_event *ev = calloc(1, sizeof(*ev));
	struct ww_err err;

	ck_assert_ptr_nonnull(ev);
	ww_strlcpy(ev->provider, provider, sizeof(ev->provider));
	ev->event_id = id;
	ev->time = at;
	ev->record_id = rec;
	ww_strlcpy(ev->message, msg, sizeof(ev->message));
	ck_assert_int_eq(ww_diag_events_add(e, ev, &err), 0);
	free(ev);
}

#define WSUS "Windows Server Update Services"

/* As the live scan hands them over: newest first, only the newest of
 * each ID with a message, a 30-day window. */
START_TEST(events_newest_first)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	struct ww_diag_events *e = &f->d.events;
	const struct ww_diag_item *it;
	char longmsg[600];

	e->avail = WW_DIAG_AVAILABLE;
	e->scan.since = NOW - 30 * 86400;
	e->scan.max_events = 10000;
	memset(longmsg, 'x', sizeof(longmsg));
	/* The example keeps 255 bytes: an a-umlaut at 254..255 is cut. */
	memcpy(longmsg + 254, "\xc3\xa4", 2);
	longmsg[sizeof(longmsg) - 1] = '\0';
	add_ev(e, WSUS, 12032, NOW - 1 * H, 90, "Server\r\nSync   down");
	add_ev(e, WSUS, 10021, NOW - 2 * H, 89, "stale");
	add_ev(e, "Other Source", 10022, NOW - 2 * H, 88, "not WSUS");
	add_ev(e, WSUS, 364, NOW - 3 * H, 87, longmsg);
	add_ev(e, WSUS, 12072, NOW - 4 * H, 86, "content dir");
	add_ev(e, WSUS, 12032, NOW - 5 * H, 85, "");
	add_ev(e, WSUS, 10022, NOW - 6 * H, 84, "");
	add_ev(e, WSUS, 364, NOW - 7 * H, 83, "");
	add_ev(e, WSUS, 384, NOW - 8 * H, 82, "");
	add_ev(e, WSUS, 384, NOW - 50 * H, 60, "");
	/* Same second, lower record: not newer. */
	add_ev(e, WSUS, 10020, NOW - 2 * H, 80, "");
	ck_assert_uint_eq(e->count, 10);
	ww_diag_build(&f->d, &f->r);

	it = get(&f->r, WW_DIAG_EVENTLOG, "eventlog");
	ck_assert_msg(strstr(it->summary, "10 WSUS event(s) in the last 30 days "
			     "of the Application log"), "%s", it->summary);
	it = get(&f->r, WW_DIAG_EVENTLOG, "catalog_sync");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING); /* 10021: stale */
	ck_assert_ptr_nonnull(strstr(it->summary, "10021"));
	it = get(&f->r, WW_DIAG_EVENTLOG, "content_download");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(it->summary, "2 content download"));
	/* The newest 364's text, cut before the split character. */
	ck_assert_uint_eq(strlen(it->evidence), strlen("newest: \"") + 254 + 1);
	it = get(&f->r, WW_DIAG_EVENTLOG, "self_check");
	ck_assert_int_eq(it->state, WW_DIAG_WARNING);
	ck_assert_msg(strstr(it->summary, "Server Synchronization Web Service "
			     "(12032, unconfirmed) 2x, content directory "
			     "(12072) 1x; the last at "), "%s", it->summary);
	ck_assert_msg(strstr(it->evidence, "newest, event 12032: \"Server Sync "
			     "down\""), "%s", it->evidence);
	ck_assert_int_eq(f->r.in.last_success, NOW - 8 * H);
	teardown(f);
}
END_TEST

/*
 * 386 after the last success are failed attempts: with events alone they
 * are the history; beside the log, the larger count of the two sources
 * is taken (both report the same attempts), as the service does.
 */
START_TEST(events_failed_syncs_count)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	struct ww_diag_events *e = &f->d.events;
	const struct ww_check_result *c;
	int i;

	e->avail = WW_DIAG_AVAILABLE;
	add_ev(e, WSUS, 386, NOW - 1 * H, 95, "failed");
	add_ev(e, WSUS, 386, NOW - 7 * H, 94, "failed");
	add_ev(e, WSUS, 386, NOW - 13 * H, 93, "failed");
	add_ev(e, WSUS, 384, NOW - 20 * H, 92, "");
	add_ev(e, WSUS, 386, NOW - 26 * H, 91, "before the success");
	ww_diag_build(&f->d, &f->r);
	c = ww_health_find(&f->r.health, "sync_failures");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(f->r.in.consecutive_failures, 3);
	ck_assert_int_eq(c->state, WW_STATE_WARNING); /* warning at 3 */
	ck_assert_int_eq(f->r.in.last_attempt, NOW - 1 * H);
	ck_assert_str_eq(f->r.in.last_result, "failed");
	ck_assert_int_eq(f->r.in.first_observed, NOW - 26 * H);
	teardown(f);

	/* Beside the log: the log saw one failure, the events three. */
	f = setup("probes: {microsoft_update: off}\n");
	e = &f->d.events;
	e->avail = WW_DIAG_AVAILABLE;
	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "ok", NOW - 21 * H, NOW - 20 * H, WW_SYNC_SUCCEEDED);
	add_run(&f->d, "bad", NOW - 2 * H, NOW - 1 * H, WW_SYNC_FAILED);
	for (i = 1; i <= 3; i++)
		add_ev(e, WSUS, 386, NOW - i * H, (uint64_t)(100 - i), "");
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(f->r.in.consecutive_failures, 3);
	ck_assert_int_eq(f->r.in.first_observed, NOW - 21 * H);
	ck_assert_int_eq(f->r.in.last_success, NOW - 20 * H);
	/* The latest attempt is the newest 386: its reason, as the store
	 * keeps it (no message: "synchronization failed"). */
	ck_assert_str_eq(f->r.in.last_error, "synchronization failed");
	teardown(f);

	/* More failures than are kept: the newest count, the rest saturate. */
	f = setup("probes: {microsoft_update: off}\n");
	e = &f->d.events;
	e->avail = WW_DIAG_AVAILABLE;
	for (i = 0; i < WW_DIAG_EVENT_RESULTS + 10; i++)
		add_ev(e, WSUS, 386, NOW - (i + 1) * 60, (uint64_t)(1000 - i), "");
	add_ev(e, WSUS, 384, NOW - (WW_DIAG_EVENT_RESULTS + 5) * 60, 1, "");
	ww_diag_build(&f->d, &f->r);
	/* 266 after the success, of which the newest 256 are kept; the
	 * success, older than all of them, is kept apart. */
	ck_assert_int_eq(f->r.in.consecutive_failures, WW_DIAG_EVENT_RESULTS);
	ck_assert(f->r.in.have_success);
	/* Read newest first, the newest failure's reason is kept. */
	ck_assert_str_eq(f->r.in.last_error, "synchronization failed");
	teardown(f);
}
END_TEST

/* Nothing from WSUS in the window: no catalog verdict, nothing failed. */
START_TEST(events_none_in_window)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	const struct ww_diag_item *it;

	f->d.events.avail = WW_DIAG_AVAILABLE;
	f->d.events.scan.since = NOW - 30 * 86400;
	f->d.events.scan.capped = false;
	ww_diag_build(&f->d, &f->r);
	it = get(&f->r, WW_DIAG_EVENTLOG, "catalog_sync");
	ck_assert_int_eq(it->state, WW_DIAG_UNKNOWN);
	ck_assert_msg(strstr(it->summary, "no WSUS catalog health event "
			     "(10020-10022) seen in the last 30 days"), "%s",
		      it->summary);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "content_download")->state,
			 WW_DIAG_OK);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "self_check")->state,
			 WW_DIAG_OK);
	/* The source itself works; "no event" is the rule's unknown. */
	ck_assert_int_eq(ww_health_find(&f->r.health, "sources:eventlog")->state,
			 WW_STATE_OK);
	ck_assert_int_eq(ww_health_find(&f->r.health,
					"wsus_health_events")->state,
			 WW_STATE_UNKNOWN);
	teardown(f);
}
END_TEST

/*
 * The live log where there is none (POSIX): skipped, never an error.
 * Windows (and Wine) have one: there it is tested through the Evt* seam
 * (test_eventlog_win32) and this test reports SKIP.
 */
START_TEST(events_live_absent)
{
	struct fx *f;
	struct ww_err err;

	WW_TEST_SKIP_IF(!ww_eventlog_absent(), "this system has an event log");
	f = setup(NULL);
	f->d.events.avail = WW_DIAG_AVAILABLE;
	ck_assert_int_eq(ww_diag_read_events(&f->d.events, NOW, &err), 0);
	ck_assert_int_eq(f->d.events.avail, WW_DIAG_NOT_HERE);
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_EVENTLOG, "eventlog")->state,
			 WW_DIAG_SKIPPED);
	ck_assert_uint_eq(f->r.groups[WW_DIAG_EVENTLOG].n, 1);
	teardown(f);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, nothing_seen_is_unknown);
	tcase_add_test(tc, assumed_source_is_never_critical);
	tcase_add_test(tc, selfupdate_port_is_not_guessed);
	tcase_add_test(tc, failure_logged_twice_is_one_finding);
	tcase_add_test(tc, fe2_is_critical);
	tcase_add_test(tc, failed_run_reason_in_text);
	tcase_add_test(tc, sws1_is_warning);
	tcase_add_test(tc, port_ssl_mismatch);
	tcase_add_test(tc, proxy_password_never_shown);
	tcase_add_test(tc, stale_sync_with_findings);
	tcase_add_test(tc, failed_probe_is_warning_at_once);
	tcase_add_test(tc, discovered_fe2_is_critical);
	tcase_add_test(tc, susdb_unreadable_is_unknown);
	tcase_add_test(tc, log_read_bounded_by_rollover);
	tcase_add_test(tc, log_read_keeps_the_logs_order);
	tcase_add_test(tc, events_rendered_export);
	tcase_add_test(tc, events_failed_catalog_export);
	tcase_add_test(tc, events_plain_export);
	tcase_add_test(tc, events_bad_exports);
	tcase_add_test(tc, events_newest_first);
	tcase_add_test(tc, events_failed_syncs_count);
	tcase_add_test(tc, events_none_in_window);
	tcase_add_test(tc, runs_ahead_of_the_clock_are_ignored);
	tcase_add_test(tc, failures_after_clock_stepped_back_count);
	suite_add_tcase(s, tc);
	/* Skipped where an event log exists: a ctest entry of its own. */
	tc = tcase_create("live_absent");
	tcase_set_tags(tc, WW_TEST_TAG_SEPARATE);
	tcase_add_test(tc, events_live_absent);
	suite_add_tcase(s, tc);
	return s;
}
