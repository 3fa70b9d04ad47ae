/*
 * test_diagnose.c - judging a diagnose pass (diag_build.c) from hand-made
 * data: configuration items, what cannot be seen stays unknown, the
 * verdict agrees with the health rules, log findings before and after the
 * last success, the order of the things to fix; and how much of the log
 * is read (diag_log.c).
 */
#include "compat.h"

#include "config/discover.h"
#include "os.h"
#include "service/diagnose.h"
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
	f->d.host_avail = WW_DIAG_NOT_HERE;
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

START_TEST(failed_probe_is_critical_at_once)
{
	struct fx *f = setup("probes: {microsoft_update: off}\n");
	struct ww_probe_result *p = calloc(1, sizeof(*p));

	f->d.log.avail = WW_DIAG_AVAILABLE;
	add_run(&f->d, "a", NOW - 2 * H, NOW - H, WW_SYNC_SUCCEEDED);
	ck_assert_ptr_nonnull(p);
	ww_strlcpy(p->target, "extra", sizeof(p->target));
	ww_strlcpy(p->url, "https://x.invalid/", sizeof(p->url));
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
	ww_diag_build(&f->d, &f->r);
	ck_assert_int_eq(get(&f->r, WW_DIAG_NETWORK, "extra")->state,
			 WW_DIAG_CRITICAL);
	ck_assert_ptr_nonnull(strstr(get(&f->r, WW_DIAG_NETWORK, "extra")->summary,
				     "0x8024402C"));
	ck_assert_int_eq(f->r.health.overall, WW_STATE_CRITICAL);
	ck_assert_int_eq(f->r.verdict, WW_DIAG_CRITICAL);
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

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, nothing_seen_is_unknown);
	tcase_add_test(tc, fe2_is_critical);
	tcase_add_test(tc, sws1_is_warning);
	tcase_add_test(tc, port_ssl_mismatch);
	tcase_add_test(tc, proxy_password_never_shown);
	tcase_add_test(tc, stale_sync_with_findings);
	tcase_add_test(tc, failed_probe_is_critical_at_once);
	tcase_add_test(tc, discovered_fe2_is_critical);
	tcase_add_test(tc, susdb_unreadable_is_unknown);
	tcase_add_test(tc, log_read_bounded_by_rollover);
	suite_add_tcase(s, tc);
	return s;
}
