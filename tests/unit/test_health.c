/*
 * test_health.c - the rules table: every rule at its boundaries, no data
 * is unknown, and the overall state.
 */
#include "compat.h"

#include "health.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define D 86400
#define NOW ((int64_t)1800000000)

static void base_input(struct ww_health_input *in)
{
	ww_health_input_init(in);
	in->th.sync_warning = 26 * H;
	in->th.sync_critical = 50 * H;
	in->th.sync_failures = 3;
	in->th.probe_failures = 2;
	in->th.cert_warning = 30 * D;
	in->th.clock_skew = 300;
	ww_strlcpy(in->muurl, "https://sws.update.microsoft.com",
		   sizeof(in->muurl));
}

static void with_success(struct ww_health_input *in, int64_t age)
{
	in->sync_runs = 5;
	in->have_success = true;
	in->last_success = NOW - age;
	in->have_attempt = true;
	in->last_attempt = NOW - age - 600;
	in->first_observed = NOW - 10 * D;
}

static const struct ww_check_result *get(const struct ww_health_report *r,
					 const char *key)
{
	const struct ww_check_result *c = ww_health_find(r, key);

	ck_assert_msg(c != NULL, "no result for %s", key);
	return c;
}

static enum ww_state staleness_at(int64_t age)
{
	struct ww_health_input in;
	struct ww_health_report rep;

	base_input(&in);
	with_success(&in, age);
	ww_health_evaluate(&in, NOW, &rep);
	return get(&rep, "sync_staleness")->state;
}

START_TEST(staleness_boundaries)
{
	ck_assert_int_eq(staleness_at(0), WW_STATE_OK);
	ck_assert_int_eq(staleness_at(26 * H), WW_STATE_OK);
	ck_assert_int_eq(staleness_at(26 * H + 1), WW_STATE_WARNING);
	ck_assert_int_eq(staleness_at(50 * H), WW_STATE_WARNING);
	ck_assert_int_eq(staleness_at(50 * H + 1), WW_STATE_CRITICAL);
	/* A success "in the future" (clock change) is age 0, not negative. */
	ck_assert_int_eq(staleness_at(-H), WW_STATE_OK);
}
END_TEST

START_TEST(staleness_reason_matches_contract)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base_input(&in);
	with_success(&in, 30 * H);
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "sync_staleness");
	ck_assert_str_eq(c->reason,
			 "last successful sync 30h ago (warning > 26h)");
	ck_assert_str_eq(c->value, "30h");
	ck_assert_str_eq(c->threshold, "warning > 26h, critical > 50h");
	ck_assert_int_eq(c->raw_value, 30 * H);
	ck_assert_uint_eq(ww_health_event_id(c->event_base, c->state), 2001);
	ck_assert_int_eq(rep.overall, WW_STATE_WARNING);
}
END_TEST

START_TEST(no_data_is_unknown)
{
	struct ww_health_input in;
	struct ww_health_report rep;

	base_input(&in);
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_staleness")->state,
			 WW_STATE_UNKNOWN);
	ck_assert_int_eq(get(&rep, "sync_failures")->state, WW_STATE_UNKNOWN);
	ck_assert(!get(&rep, "sync_staleness")->have_value);
	/* Staleness is primary: without it the whole is unknown. */
	ck_assert_int_eq(rep.overall, WW_STATE_UNKNOWN);
	/* Nothing probed: no endpoint results, no clock verdict. */
	ck_assert_ptr_null(ww_health_find(&rep, "clock_skew"));
	/* Sources not used here produce nothing. */
	ck_assert_ptr_null(ww_health_find(&rep, "sources:eventlog"));
	ck_assert_ptr_null(ww_health_find(&rep, "wsus_health_events"));
}
END_TEST

START_TEST(never_succeeded)
{
	struct ww_health_input in;
	struct ww_health_report rep;

	base_input(&in);
	in.sync_runs = 2;
	in.have_attempt = true;
	in.consecutive_failures = 2;
	in.first_observed = NOW - 10 * H;
	ww_health_evaluate(&in, NOW, &rep);
	/* 10h of history without success: too short to call it stale. */
	ck_assert_int_eq(get(&rep, "sync_staleness")->state,
			 WW_STATE_UNKNOWN);
	in.first_observed = NOW - 60 * H;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_staleness")->state,
			 WW_STATE_CRITICAL);
	ck_assert_str_eq(get(&rep, "sync_staleness")->reason,
			 "no successful sync in at least 60h (critical > 50h)");
}
END_TEST

START_TEST(sync_failures_threshold)
{
	struct ww_health_input in;
	struct ww_health_report rep;

	base_input(&in);
	with_success(&in, 20 * H);
	in.consecutive_failures = 2;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_failures")->state, WW_STATE_OK);
	in.consecutive_failures = 3;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sync_failures")->state,
			 WW_STATE_WARNING);
	ck_assert_str_eq(get(&rep, "sync_failures")->reason,
			 "3 consecutive failed sync attempts since the last "
			 "success (warning >= 3)");
	ck_assert_int_eq(rep.overall, WW_STATE_WARNING);
}
END_TEST

static struct ww_probe_summary *add_target(struct ww_health_input *in,
					   const char *name, bool ok,
					   int64_t fails)
{
	struct ww_probe_summary *t = &in->targets[in->ntargets++];

	memset(t, 0, sizeof(*t));
	ww_strlcpy(t->name, name, sizeof(t->name));
	snprintf(t->url, sizeof(t->url), "https://%s.example/", name);
	t->ok = ok;
	t->at = NOW - 60;
	t->consecutive_failures = fails;
	if (!ok) {
		ww_strlcpy(t->stage, "tls", sizeof(t->stage));
		ww_strlcpy(t->result, "tls_untrusted", sizeof(t->result));
	}
	return t;
}

/*
 * A failed probe is a fact: the row says warning, never "ok" beside
 * "1 consecutive failed probe".  Below probe_failures it is shown, not
 * alerted (quiet), so a blip does not raise an event.
 */
START_TEST(endpoint_rides_out_blips)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base_input(&in);
	with_success(&in, H);
	add_target(&in, "sws", true, 0);
	add_target(&in, "upstream", false, 1);
	add_target(&in, "extra", false, 2);
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "endpoint:sws")->state, WW_STATE_OK);
	ck_assert_int_eq(get(&rep, "endpoint:upstream")->state,
			 WW_STATE_WARNING);
	ck_assert(get(&rep, "endpoint:upstream")->quiet);
	c = get(&rep, "endpoint:extra");
	ck_assert(!c->quiet);
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_str_eq(c->check, "endpoint");
	ck_assert_str_eq(c->instance, "extra");
	ck_assert_str_eq(c->reason,
			 "https://extra.example/: 2 consecutive failed probes, "
			 "latest at stage tls: tls_untrusted (critical >= 2)");
	ck_assert_uint_eq(ww_health_event_id(c->event_base, c->state), 3002);
	ck_assert_int_eq(rep.overall, WW_STATE_CRITICAL);
}
END_TEST

START_TEST(cert_expiry_levels)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	struct ww_probe_summary *t;

	base_input(&in);
	with_success(&in, H);
	t = add_target(&in, "sws", true, 0);
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_ptr_null(ww_health_find(&rep, "cert_expiry:sws"));
	t->have_cert = true;
	t->cert_not_after = NOW + 31 * D;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "cert_expiry:sws")->state, WW_STATE_OK);
	t->cert_not_after = NOW + 30 * D;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "cert_expiry:sws")->state,
			 WW_STATE_WARNING);
	t->cert_not_after = NOW;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "cert_expiry:sws")->state,
			 WW_STATE_CRITICAL);
	ck_assert(strstr(get(&rep, "cert_expiry:sws")->reason, "expired") !=
		  NULL);
}
END_TEST

START_TEST(clock_skew_uses_latest)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	struct ww_probe_summary *a, *b;

	base_input(&in);
	with_success(&in, H);
	a = add_target(&in, "a", true, 0);
	b = add_target(&in, "b", true, 0);
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "clock_skew")->state, WW_STATE_UNKNOWN);
	a->have_skew = true;
	a->clock_skew = -900; /* old measurement */
	a->skew_at = NOW - 3600;
	b->have_skew = true;
	b->clock_skew = 20;
	b->skew_at = NOW - 60;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "clock_skew")->state, WW_STATE_OK);
	b->clock_skew = -301;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "clock_skew")->state, WW_STATE_WARNING);
	ck_assert_int_eq(get(&rep, "clock_skew")->raw_value, 301);
}
END_TEST

static int muurl_state(const char *url, bool upstream)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base_input(&in);
	with_success(&in, H);
	ww_strlcpy(in.muurl, url, sizeof(in.muurl));
	in.from_upstream = upstream;
	ww_health_evaluate(&in, NOW, &rep);
	c = ww_health_find(&rep, "muurl_policy");
	return c && !c->skipped ? (int)c->state : -1;
}

START_TEST(muurl_policy)
{
	ck_assert_int_eq(muurl_state("https://sws.update.microsoft.com", 0),
			 WW_STATE_OK);
	ck_assert_int_eq(muurl_state("https://SWS1.update.microsoft.com/", 0),
			 WW_STATE_WARNING);
	ck_assert_int_eq(
		muurl_state("https://fe2.update.microsoft.com/v6", 0),
		WW_STATE_CRITICAL);
	ck_assert_int_eq(muurl_state("", 0), WW_STATE_UNKNOWN);
	ck_assert_int_eq(muurl_state("https://fe2.update.microsoft.com", 1),
			 -1);
}
END_TEST

START_TEST(wsus_events_and_sources)
{
	struct ww_health_input in;
	struct ww_health_report rep;

	base_input(&in);
	with_success(&in, H);
	in.sources[WW_SOURCE_EVENTLOG].known = true;
	in.sources[WW_SOURCE_EVENTLOG].ok = true;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "wsus_health_events")->state,
			 WW_STATE_UNKNOWN);
	/* A non-primary unknown does not make the whole unknown. */
	ck_assert_int_eq(rep.overall, WW_STATE_OK);
	in.have_wsus_event = true;
	in.wsus_event_at = NOW - H;
	in.wsus_event_id = 10022;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "wsus_health_events")->state,
			 WW_STATE_CRITICAL);
	in.wsus_event_id = 10021;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "wsus_health_events")->state,
			 WW_STATE_WARNING);
	in.wsus_event_id = 10020;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "wsus_health_events")->state, WW_STATE_OK);

	in.sources[WW_SOURCE_LOG].known = true;
	ww_strlcpy(in.sources[WW_SOURCE_LOG].error, "C:\\x.log: access denied",
		   sizeof(in.sources[WW_SOURCE_LOG].error));
	in.sources[WW_SOURCE_DATABASE].known = true;
	in.sources[WW_SOURCE_DATABASE].ok = true;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sources:log")->state, WW_STATE_WARNING);
	ck_assert_str_eq(get(&rep, "sources:log")->reason,
			 "log source: C:\\x.log: access denied");
	ck_assert_int_eq(get(&rep, "sources:database")->state, WW_STATE_OK);
	in.sources[WW_SOURCE_DATABASE].ok = false;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "sources:database")->state,
			 WW_STATE_CRITICAL);
}
END_TEST

START_TEST(formats_and_states)
{
	char b[32];
	enum ww_state s;

	ww_health_format_span(26 * H, b, sizeof(b));
	ck_assert_str_eq(b, "26h");
	ww_health_format_span(90 * 60, b, sizeof(b));
	ck_assert_str_eq(b, "90m");
	ww_health_format_span(30 * D, b, sizeof(b));
	ck_assert_str_eq(b, "30d");
	ww_health_format_age(30 * H + 59 * 60, b, sizeof(b));
	ck_assert_str_eq(b, "30h");
	ww_health_format_age(45, b, sizeof(b));
	ck_assert_str_eq(b, "45s");
	ck_assert_int_eq(ww_state_parse("critical", &s), 0);
	ck_assert_int_eq(s, WW_STATE_CRITICAL);
	ck_assert_int_eq(ww_state_parse("bad", &s), WW_EINVAL);
	ck_assert_int_gt(ww_state_rank(WW_STATE_WARNING),
			 ww_state_rank(WW_STATE_UNKNOWN));
	ck_assert_uint_eq(ww_health_event_id(2000, WW_STATE_OK), 2003);
	ck_assert_uint_eq(ww_health_event_id(2000, WW_STATE_UNKNOWN), 2004);
}
END_TEST

/*
 * The guide: "no new 10021 or 10022 after the triggered run".  A 10022
 * older than a later successful sync no longer drives the verdict
 * (critical before the engine; issue 11).
 */
START_TEST(catalog_event_superseded_by_success)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *c;

	base_input(&in);
	with_success(&in, H);
	in.sources[WW_SOURCE_EVENTLOG].known = true;
	in.sources[WW_SOURCE_EVENTLOG].ok = true;
	in.have_wsus_event = true;
	in.wsus_event_id = 10022;
	in.wsus_event_at = NOW - 10 * H;
	ww_health_evaluate(&in, NOW, &rep);
	c = get(&rep, "wsus_health_events");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	ck_assert_msg(strstr(c->reason, "superseded") != NULL, "%s", c->reason);
	ck_assert_int_eq(rep.overall, WW_STATE_OK);
	/* A 10022 after the last success still counts. */
	in.wsus_event_at = NOW - 60;
	ww_health_evaluate(&in, NOW, &rep);
	ck_assert_int_eq(get(&rep, "wsus_health_events")->state,
			 WW_STATE_CRITICAL);
}
END_TEST

/*
 * A stale sync with a failing endpoint and a specific log finding: the
 * symptom names the endpoint (the network comes before the log), with
 * its stage and code; a cause that is ok is never named.
 */
START_TEST(symptom_names_most_causal_cause)
{
	struct ww_health_input in;
	struct ww_health_report rep;
	const struct ww_check_result *st, *why;
	struct ww_probe_summary *t;

	base_input(&in);
	with_success(&in, 60 * H);
	in.log.avail = WW_FACT_AVAILABLE;
	in.log.findings[WW_CAT_TIMEOUT].count = 1;
	in.log.findings[WW_CAT_TIMEOUT].last_seen = NOW - H;
	t = add_target(&in, "microsoft_update", false, 1);
	ww_strlcpy(t->stage, "proxy", sizeof(t->stage));
	ww_strlcpy(t->result, "proxy_auth_required", sizeof(t->result));
	ww_strlcpy(t->wu_code, "0x8024401B", sizeof(t->wu_code));
	in.source_known = true;
	ww_health_evaluate(&in, NOW, &rep);
	st = get(&rep, "sync_staleness");
	ck_assert_int_eq(st->state, WW_STATE_CRITICAL);
	why = ww_health_cause_of(&rep, st);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why->key, "endpoint:microsoft_update");
	ck_assert_str_eq(why->stage, "proxy");
	ck_assert_str_eq(why->code, "0x8024401B");
	ck_assert_msg(strstr(why->cause_text, "proxy requires authentication "
			     "(407, 0x8024401B)") != NULL, "%s", why->cause_text);
	ck_assert_ptr_eq(ww_health_headline(&rep), st);
	/* The probe works again: the log's timeout is the cause. */
	t->ok = true;
	t->consecutive_failures = 0;
	ww_health_evaluate(&in, NOW, &rep);
	why = ww_health_cause_of(&rep, get(&rep, "sync_staleness"));
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why->key, "finding:timeout");
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, staleness_boundaries);
	tcase_add_test(tc, staleness_reason_matches_contract);
	tcase_add_test(tc, no_data_is_unknown);
	tcase_add_test(tc, never_succeeded);
	tcase_add_test(tc, sync_failures_threshold);
	tcase_add_test(tc, endpoint_rides_out_blips);
	tcase_add_test(tc, cert_expiry_levels);
	tcase_add_test(tc, clock_skew_uses_latest);
	tcase_add_test(tc, muurl_policy);
	tcase_add_test(tc, catalog_event_superseded_by_success);
	tcase_add_test(tc, symptom_names_most_causal_cause);
	tcase_add_test(tc, wsus_events_and_sources);
	tcase_add_test(tc, formats_and_states);
	suite_add_tcase(s, tc);
	return s;
}
