/*
 * test_checks_tls.c - the two TLS paths as rows of the engine
 * (checks_tls.c): sync_tls_fix (SCHANNEL startup lines after a WSUS
 * start) and tls_failure_cause (which cause a reset or "no common
 * algorithm" has), each healthy and failing, and no fix asking for what
 * is already set.
 */
#include "compat.h"

#include "health.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define NOW ((int64_t)1800000000)

static void dword(struct ww_hostcfg_dword *d, uint32_t v)
{
	d->present = true;
	d->value = v;
}

/* A 2012 R2 WSUS server whose host settings follow the guides, syncing
 * from Microsoft Update, last success 60 h ago, WSUS started 5 h ago. */
static void base(struct ww_health_input *in)
{
	struct ww_hostcfg_values *v = &in->host;

	ww_health_input_init(in);
	in->th.sync_warning = 26 * H;
	in->th.sync_critical = 50 * H;
	in->th.sync_failures = 3;
	in->th.probe_failures = 2;
	in->th.cert_warning = 30 * 24 * H;
	in->th.clock_skew = 300;
	ww_strlcpy(in->muurl, "https://sws.update.microsoft.com",
		   sizeof(in->muurl));
	in->source_known = true;
	in->sync_runs = 5;
	in->have_success = true;
	in->last_success = NOW - 60 * H;
	in->have_attempt = true;
	in->last_attempt = NOW - H;
	in->first_observed = NOW - 240 * H;
	in->consecutive_failures = 3;
	in->host_avail = WW_FACT_AVAILABLE;
	dword(&v->client[WW_HOSTCFG_TLS12].enabled, 1);
	v->net64.key_present = v->net32.key_present = true;
	dword(&v->net64.strong_crypto, 1);
	dword(&v->net32.strong_crypto, 1);
	v->wsus_installed = true;
	v->w3wp.dont_enable_system_default = -1;
	v->os.present = true;
	v->os.build = 9600;
	ww_strlcpy(v->os.product, "Windows Server 2012 R2 Standard",
		   sizeof(v->os.product));
	in->log.avail = WW_FACT_AVAILABLE;
	in->log.findings[WW_CAT_SERVICE_START].count = 1;
	in->log.findings[WW_CAT_SERVICE_START].first_seen = NOW - 5 * H;
	in->log.findings[WW_CAT_SERVICE_START].last_seen = NOW - 5 * H;
	ww_strlcpy(in->log.findings[WW_CAT_SERVICE_START].example,
		   "Initializing ClientWebService ProcessID = 380",
		   WW_SYNCLOG_EXAMPLE_MAX);
}

static void finding(struct ww_health_input *in, enum ww_synclog_category c,
		    int64_t at, const char *example)
{
	struct ww_finding_summary *f = &in->log.findings[c];

	f->count++;
	f->first_seen = f->first_seen ? f->first_seen : at;
	f->last_seen = at;
	ww_strlcpy(f->example, example, sizeof(f->example));
}

static void resets(struct ww_health_input *in, int64_t at)
{
	finding(in, WW_CAT_TLS12_FIX_MISSING, at, "ProcessWebServiceProxy"
		"Exception found Exception was WebException. Action: Retry. "
		"Exception Details: System.Net.WebException: The underlying "
		"connection was closed: An unexpected error occurred on a send.");
}

static void schannel(struct ww_health_input *in, int64_t at)
{
	finding(in, WW_CAT_SCHANNEL_STARTUP, at, "SCHANNEL Protocols subkey "
		"for 'TLS 1.2' not found. Protocol is enabled");
}

static void policy(struct ww_health_input *in, const char *list)
{
	in->host.suites_policy.present = true;
	ww_strlcpy(in->host.suites_policy.list, list,
		   sizeof(in->host.suites_policy.list));
}

static const struct ww_check_result *get(const struct ww_health_report *r,
					 const char *key)
{
	const struct ww_check_result *c = ww_health_find(r, key);

	ck_assert_msg(c != NULL, "no result for %s", key);
	return c;
}

static const struct ww_check_result *cause(const struct ww_health_report *r)
{
	const struct ww_check_result *c =
		ww_health_cause_of(r, get(r, "sync_staleness"));

	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(resets_without_schannel_lines_are_the_missing_sync_fix)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base(&in);
	resets(&in, NOW - 4 * H);
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "sync_tls_fix");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_msg(strstr(c->reason, "no SCHANNEL startup lines since WSUS "
			     "started"), "%s", c->reason);
	ck_assert_ptr_nonnull(strstr(c->fix, "KB4022720"));
	ck_assert_ptr_nonnull(strstr(c->fix, "2012 R2"));
	ck_assert_msg(strstr(c->evidence, "An unexpected error occurred on a "
			     "send"), "%s", c->evidence);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_ptr_nonnull(strstr(c->reason, "fix for sync is missing"));
	ck_assert_ptr_nonnull(strstr(c->fix, "KB4022720"));
	c = cause(&rep);
	ck_assert_str_eq(c->check, "tls_failure_cause");
	/* On 2012 the rollup is another one. */
	in.host.os.build = 9200;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_ptr_nonnull(strstr(get(&rep, "sync_tls_fix")->fix,
				     "KB4022721"));
	/* 2016: the guides name no rollup there; told, not claimed. */
	in.host.os.build = 14393;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_tls_fix")->state, WW_STATE_WARNING);
	ck_assert_ptr_null(strstr(get(&rep, "tls_failure_cause")->reason,
				  "fix for sync is missing"));
}
END_TEST

START_TEST(schannel_lines_after_the_start_are_the_fix)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base(&in);
	schannel(&in, NOW - 5 * H);
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "sync_tls_fix");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	ck_assert_ptr_nonnull(strstr(c->reason, "fix for sync is installed"));
	ck_assert_str_eq(c->fix, "");
	/* No TLS failure: nothing to attribute. */
	ck_assert_ptr_null(ww_health_find(&rep, "tls_failure_cause"));
	/* A start without the lines and no failure yet: a warning. */
	base(&in);
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_tls_fix")->state, WW_STATE_WARNING);
	/* No start in the log read: cannot be told. */
	in.log.findings[WW_CAT_SERVICE_START].count = 0;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert(get(&rep, "sync_tls_fix")->skipped);
}
END_TEST

START_TEST(cipher_policy_without_usable_suite_is_the_cause)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base(&in);
	schannel(&in, NOW - 5 * H);
	resets(&in, NOW - 4 * H);
	policy(&in, "TLS_RSA_WITH_AES_256_CBC_SHA256,"
		   "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "host_tls:cipher_suite_order");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_msg(strstr(c->reason, "cipher suite order"), "%s", c->reason);
	ck_assert_ptr_nonnull(strstr(c->fix, "_CBC_SHA384_P256"));
	ck_assert_str_eq(cause(&rep)->check, "tls_failure_cause");
	ck_assert_int_eq(get(&rep, "sync_tls_fix")->state, WW_STATE_OK);
	/* Healthy: a usable suite in the policy, resets only: the path. */
	policy(&in, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256");
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "host_tls:cipher_suite_order")->state,
			 WW_STATE_OK);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	ck_assert_ptr_nonnull(strstr(c->reason, "TLS inspection"));
	/* The path's own row is named, not a host cause. */
	ck_assert_str_eq(cause(&rep)->key, "finding:tls12_fix_missing");
	/* Host settings unreadable (diagnose away from the server): only
	 * what the log alone decides is claimed. */
	in.host_avail = WW_FACT_NOT_HERE;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_ptr_null(ww_health_find(&rep, "tls_failure_cause"));
	in.log.findings[WW_CAT_SCHANNEL_STARTUP].count = 0;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "tls_failure_cause")->state,
			 WW_STATE_CRITICAL);
}
END_TEST

/* The guides' decision rule, and no fix asking for what is set. */
START_TEST(no_common_algorithm_with_tls12_and_strong_crypto_is_ciphers)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base(&in);
	schannel(&in, NOW - 5 * H);
	finding(&in, WW_CAT_TLS_NO_COMMON_ALGORITHM, NOW - 4 * H, "The client "
		"and server cannot communicate, because they do not possess a "
		"common algorithm");
	in.host.suites_policy.present = true;
	policy(&in, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384");
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_ptr_nonnull(strstr(c->reason, "the cipher suites"));
	ck_assert_ptr_nonnull(strstr(c->evidence, "TLS 1.2 is enabled and .NET "
					     "strong crypto is set"));
	/* The list has a usable suite: the fix says so, never "add". */
	ck_assert_ptr_nonnull(strstr(c->fix, "already includes "
				     "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"));
	ck_assert_ptr_null(strstr(c->fix, "Add one of"));
	ck_assert_ptr_null(strstr(c->fix, "SchUseStrongCrypto"));
	ck_assert_ptr_null(strstr(c->fix, "KB4022720"));
	/* Strong crypto not set: the import path (.NET) instead. */
	in.host.net32.strong_crypto.value = 0;
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "tls_failure_cause");
	ck_assert_ptr_nonnull(strstr(c->reason, "import path"));
	ck_assert_ptr_nonnull(strstr(c->fix, "WOW6432Node"));
	ck_assert_ptr_null(strstr(c->fix, "SOFTWARE\\Microsoft\\.NET"));
}
END_TEST

/* The decision rule from a probe: the sync source's handshake failed. */
START_TEST(probe_without_common_algorithm_is_ciphers)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	struct ww_probe_summary *t;
	const struct ww_check_result *c;

	base(&in);
	schannel(&in, NOW - 5 * H);
	t = &in.targets[in.ntargets++];
	ww_strlcpy(t->name, "microsoft_update", sizeof(t->name));
	ww_strlcpy(t->url, "https://sws.update.microsoft.com", sizeof(t->url));
	ww_strlcpy(t->stage, "tls", sizeof(t->stage));
	ww_strlcpy(t->result, "tls_handshake_failed", sizeof(t->result));
	t->at = NOW - 60;
	t->consecutive_failures = 3;
	t->elapsed_ms = -1;
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_ptr_nonnull(strstr(c->reason, "the cipher suites"));
	ck_assert_ptr_nonnull(strstr(c->evidence, "probe of "
					     "https://sws.update.microsoft.com"));
	/* Strong crypto off: a probe is no .NET import, no import cause. */
	in.host.net32.strong_crypto.value = 0;
	ww_health_evaluate(&in, NOW, &rep);
	c = ww_health_find(&rep, "tls_failure_cause");
	ck_assert(c == NULL || strstr(c->reason, "import") == NULL);
}
END_TEST

START_TEST(send_error_while_sync_succeeds_is_the_import_path)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base(&in);
	schannel(&in, NOW - 5 * H);
	resets(&in, NOW - 4 * H);
	in.last_success = NOW - H; /* sync works after the failure */
	in.consecutive_failures = 0;
	in.host.w3wp.state = WW_HOSTCFG_FILE_READ;
	in.host.w3wp.dont_enable_system_default = 1;
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	ck_assert_ptr_nonnull(strstr(c->reason, "import path"));
	ck_assert_ptr_nonnull(strstr(c->evidence, "not the sync path"));
	ck_assert_ptr_nonnull(strstr(c->fix,
		"DontEnableSystemDefaultTlsVersions=false"));
	ck_assert_int_eq(get(&rep, "host_tls:w3wp_exe_config")->state,
			 WW_STATE_WARNING);
	/* Healthy: the file puts import on the system's defaults. */
	in.host.w3wp.dont_enable_system_default = 0;
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "tls_failure_cause");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	ck_assert_str_eq(c->fix, "");
}
END_TEST

/* WsusService without WSUS's Setup key: a WSUS server still, so its TLS
 * settings count; neither sign: they describe some other host. */
START_TEST(host_settings_count_on_either_sign_of_wsus)
{
	static struct ww_health_input in;
	static struct ww_health_report rep;
	size_t i, counted = 0, seen = 0;

	base(&in);
	in.host.wsus_installed = false;
	in.local_avail = WW_FACT_AVAILABLE;
	in.local.services[WW_HOSTSVC_WSUS].code = 0;
	ww_health_evaluate(&in, NOW, &rep);
	for (i = 0; i < rep.n; i++) {
		if (strcmp(rep.checks[i].check, "host_tls") != 0)
			continue;
		seen++;
		counted += rep.checks[i].counts;
	}
	ck_assert_uint_gt(seen, 0);
	ck_assert_uint_eq(counted, seen);
	in.local.services[WW_HOSTSVC_WSUS].code = WW_ENOENT;
	ww_health_evaluate(&in, NOW, &rep);
	for (i = 0; i < rep.n; i++)
		ck_assert_msg(strcmp(rep.checks[i].check, "host_tls") != 0 ||
			      !rep.checks[i].counts, "%s counts",
			      rep.checks[i].key);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("checks_tls");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, resets_without_schannel_lines_are_the_missing_sync_fix);
	tcase_add_test(tc, host_settings_count_on_either_sign_of_wsus);
	tcase_add_test(tc, schannel_lines_after_the_start_are_the_fix);
	tcase_add_test(tc, cipher_policy_without_usable_suite_is_the_cause);
	tcase_add_test(tc, no_common_algorithm_with_tls12_and_strong_crypto_is_ciphers);
	tcase_add_test(tc, probe_without_common_algorithm_is_ciphers);
	tcase_add_test(tc, send_error_while_sync_succeeds_is_the_import_path);
	suite_add_tcase(s, tc);
	return s;
}
