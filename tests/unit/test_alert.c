/*
 * test_alert.c - the alert state machine with injected time: exact
 * sequences of sink calls for raise, repeat, escalation, clear, a restart
 * in between (closing and reopening the store), a failing sink and a
 * vanished check.
 */
#include "compat.h"

#include "alert.h"
#include "os.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define T0 ((int64_t)1800000000)

/* A sink that writes one line per call: "raise sync_staleness 2001 warning". */
struct recorder {
	struct ww_buf log;
	int fail_with;
};

static int record(void *ctx, const struct ww_alert_event *ev,
		  struct ww_err *err)
{
	struct recorder *r = ctx;

	ck_assert_int_eq(ww_buf_appendf(&r->log, "%s %s %u %s\n",
					ww_alert_transition_name(ev->transition),
					ev->name, ev->event_id,
					ww_state_name(ev->state)),
			 0);
	if (r->fail_with)
		return ww_err_set(err, r->fail_with, "recorder told to fail");
	return 0;
}

struct fx {
	struct ww_test_store store;
	struct recorder rec;
	struct ww_alert_sink sink;
};

static void fx_init(struct fx *f, const char *tag)
{
	memset(f, 0, sizeof(*f));
	ww_buf_init(&f->rec.log, 1 << 20);
	f->sink.name = "recorder";
	f->sink.ctx = &f->rec;
	f->sink.notify = record;
	ww_test_store_init(&f->store, tag);
	ww_test_store_open(&f->store);
}

static void fx_done(struct fx *f)
{
	ww_test_store_release(&f->store);
	ww_buf_release(&f->rec.log);
}

/* The sink calls since the last take, then forget them. */
static void expect(struct fx *f, const char *want)
{
	ck_assert_str_eq(f->rec.log.data ? f->rec.log.data : "", want);
	ww_buf_reset(&f->rec.log);
}

static struct ww_health_input input_with_age(int64_t now, int64_t age)
{
	struct ww_health_input in;

	ww_health_input_init(&in);
	in.th.sync_warning = 26 * H;
	in.th.sync_critical = 50 * H;
	in.th.sync_failures = 3;
	in.th.probe_failures = 2;
	in.th.cert_warning = 30 * 86400;
	in.th.clock_skew = 300;
	in.from_upstream = true;
	in.sync_runs = 1;
	in.have_success = true;
	in.last_success = now - age;
	in.first_observed = now - age;
	return in;
}

static void cycle_in(struct fx *f, const struct ww_health_input *in,
		     int64_t now, int64_t repeat)
{
	struct ww_health_report rep;
	struct ww_err err;

	ww_health_evaluate(in, now, &rep);
	ck_assert_msg(ww_alert_process(f->store.s, &rep, now, repeat, &f->sink, 1,
				       NULL, &err) == 0, "%s", err.msg);
}

/* Last successful sync at `success`, evaluated at `now`. */
static void cycle(struct fx *f, int64_t success, int64_t now, int64_t repeat)
{
	struct ww_health_input in = input_with_age(now, now - success);

	cycle_in(f, &in, now, repeat);
}

START_TEST(raise_repeat_escalate_clear)
{
	struct fx f;
	int64_t ok = T0; /* last success */

	fx_init(&f, "alert1");
	cycle(&f, ok, ok + H, 24 * H);
	expect(&f, "");
	cycle(&f, ok, ok + 26 * H + 1, 24 * H);
	expect(&f, "raise sync_staleness 2001 warning\n");
	cycle(&f, ok, ok + 27 * H, 24 * H);
	cycle(&f, ok, ok + 30 * H, 24 * H);
	expect(&f, "");
	cycle(&f, ok, ok + 50 * H + 1, 24 * H);
	expect(&f, "raise sync_staleness 2002 critical\n");
	/* Repeat exactly at the interval after the last notification. */
	cycle(&f, ok, ok + 74 * H, 24 * H);
	expect(&f, "");
	cycle(&f, ok, ok + 74 * H + 1, 24 * H);
	expect(&f, "repeat sync_staleness 2002 critical\n");
	cycle(&f, ok, ok + 80 * H, 24 * H);
	expect(&f, "");
	/* A success: clear once, then silence. */
	cycle(&f, ok + 81 * H, ok + 81 * H + 60, 24 * H);
	expect(&f, "clear sync_staleness 2003 ok\n");
	cycle(&f, ok + 81 * H, ok + 82 * H, 24 * H);
	expect(&f, "");
	fx_done(&f);
}
END_TEST

static int64_t count_rows(struct fx *f, const char *sql)
{
	return ww_test_sql_i64(ww_store_db(f->store.s), sql);
}

START_TEST(restart_neither_reraises_nor_forgets)
{
	struct fx f;
	int64_t ok = T0;

	fx_init(&f, "alert2");
	cycle(&f, ok, ok + 30 * H, 24 * H);
	expect(&f, "raise sync_staleness 2001 warning\n");
	/* The service restarts. */
	ww_test_store_reopen(&f.store);
	cycle(&f, ok, ok + 31 * H, 10 * H);
	expect(&f, "");
	/* The repeat clock survives the restart: due 10h after the raise. */
	cycle(&f, ok, ok + 40 * H - 1, 10 * H);
	expect(&f, "");
	ww_test_store_reopen(&f.store);
	cycle(&f, ok, ok + 40 * H, 10 * H);
	expect(&f, "repeat sync_staleness 2001 warning\n");
	cycle(&f, ok, ok + 50 * H + 1, 10 * H);
	expect(&f, "raise sync_staleness 2002 critical\n");
	ww_test_store_reopen(&f.store);
	cycle(&f, ok + 55 * H, ok + 55 * H + 10, 100 * H);
	expect(&f, "clear sync_staleness 2003 ok\n");
	ck_assert_int_eq(count_rows(&f, "SELECT COUNT(*) FROM alert_history "
					"WHERE name = 'sync_staleness'"),
			 4);
	ck_assert_int_eq(count_rows(&f, "SELECT COUNT(*) FROM alert WHERE "
					"name = 'sync_staleness' AND "
					"state = 'ok' AND event_id = 2003"),
			 1);
	fx_done(&f);
}
END_TEST

START_TEST(no_repeat_when_disabled)
{
	struct fx f;

	fx_init(&f, "alert3");
	cycle(&f, T0, T0 + 30 * H, 0);
	expect(&f, "raise sync_staleness 2001 warning\n");
	cycle(&f, T0, T0 + 49 * H, 0);
	expect(&f, "");
	fx_done(&f);
}
END_TEST

START_TEST(failing_sink_does_not_cause_repeats)
{
	struct fx f;
	struct ww_health_input in = input_with_age(T0, 30 * H);
	struct ww_health_report rep;
	struct ww_alert_counts counts;
	struct ww_err err;

	fx_init(&f, "alert4");
	f.rec.fail_with = WW_EIO;
	ww_health_evaluate(&in, T0, &rep);
	ck_assert_int_eq(ww_alert_process(f.store.s, &rep, T0, 24 * H, &f.sink, 1,
					  &counts, &err), WW_EIO);
	ck_assert(strstr(err.msg, "alert sink recorder") != NULL);
	ck_assert_uint_eq(counts.raised, 1);
	ck_assert_uint_eq(counts.sink_failures, 1);
	expect(&f, "raise sync_staleness 2001 warning\n");
	f.rec.fail_with = 0;
	cycle_in(&f, &in, T0 + 60, 24 * H);
	expect(&f, "");
	fx_done(&f);
}
END_TEST

START_TEST(vanished_target_is_cleared_once)
{
	struct fx f;
	struct ww_health_input in = input_with_age(T0, H);
	struct ww_probe_summary *t = &in.targets[0];

	fx_init(&f, "alert5");
	in.ntargets = 1;
	ww_strlcpy(t->name, "upstream", sizeof(t->name));
	ww_strlcpy(t->url, "https://wsus.example:8531/", sizeof(t->url));
	t->consecutive_failures = 2;
	ww_strlcpy(t->stage, "connect", sizeof(t->stage));
	cycle_in(&f, &in, T0, 24 * H);
	expect(&f, "raise endpoint:upstream 3002 critical\n");
	in.ntargets = 0;
	cycle_in(&f, &in, T0 + 300, 24 * H);
	expect(&f, "clear endpoint:upstream 3003 ok\n");
	cycle_in(&f, &in, T0 + 600, 24 * H);
	expect(&f, "");
	fx_done(&f);
}
END_TEST

START_TEST(unknown_raises_and_clears)
{
	struct fx f;
	struct ww_health_input in = input_with_age(T0, H);

	fx_init(&f, "alert6");
	in.sync_runs = 0;
	in.have_success = false;
	cycle_in(&f, &in, T0, 24 * H);
	expect(&f, "raise sync_staleness 2004 unknown\n");
	in = input_with_age(T0 + 60, H);
	cycle_in(&f, &in, T0 + 60, 24 * H);
	expect(&f, "clear sync_staleness 2003 ok\n");
	fx_done(&f);
}
END_TEST

/* The cause (check key and phrase) of transition n of sync_staleness,
 * oldest first; heap, "(null)" when none was stored. */
static char *history_cause(struct fx *f, int n)
{
	char sql[256];
	char *v;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(transition || ' ' || cause || ': ' || "
		 "cause_summary, transition || ' (null)') FROM alert_history "
		 "WHERE name = 'sync_staleness' ORDER BY id LIMIT 1 OFFSET %d",
		 n);
	v = ww_test_sql_text(ww_store_db(f->store.s), sql);
	ck_assert_msg(v != NULL, "no transition %d", n);
	return v;
}

static void expect_history_cause(struct fx *f, int n, const char *want)
{
	char *got = history_cause(f, n);

	ck_assert_msg(strcmp(got, want) == 0, "transition %d: '%s', want '%s'",
		      n, got, want);
	free(got);
}

/*
 * A stale sync whose cause in the WSUS log changes while the alert stays
 * raised: the raise goes out again, and history keeps the cause each
 * transition was told with (as the event's strings 6 and 7 did).
 */
START_TEST(history_keeps_the_cause_of_each_transition)
{
	struct fx f;
	struct ww_health_input in = input_with_age(T0, 30 * H);
	struct ww_finding_summary *soap, *proxy;

	fx_init(&f, "alert7");
	in.log.avail = WW_FACT_AVAILABLE;
	soap = &in.log.findings[WW_CAT_SOAP_FAULT];
	proxy = &in.log.findings[WW_CAT_PROXY_AUTH_REQUIRED];
	soap->count = 1;
	soap->first_seen = soap->last_seen = T0 - H;
	cycle_in(&f, &in, T0, 24 * H);
	expect(&f, "raise sync_staleness 2001 warning\n");
	cycle_in(&f, &in, T0 + 60, 24 * H);
	expect(&f, "");
	memset(soap, 0, sizeof(*soap));
	proxy->count = 1;
	proxy->first_seen = proxy->last_seen = T0;
	cycle_in(&f, &in, T0 + 120, 24 * H);
	expect(&f, "raise sync_staleness 2001 warning\n");
	in = input_with_age(T0 + 180, H);
	cycle_in(&f, &in, T0 + 180, 24 * H);
	expect(&f, "clear sync_staleness 2003 ok\n");
	expect_history_cause(&f, 0, "raise finding:soap_fault: the WSUS log "
				    "shows soap_fault (last at "
				    "2027-01-15T07:00:00Z)");
	expect_history_cause(&f, 1, "raise finding:proxy_auth_required: the "
				    "WSUS log shows proxy_auth_required (last "
				    "at 2027-01-15T08:00:00Z)");
	expect_history_cause(&f, 2, "clear (null)");
	fx_done(&f);
}
END_TEST

/*
 * A target that failed twice raises; one failure after a success is a
 * blip, shown but quiet: the alert clears, and a clear has no cause.
 */
START_TEST(quiet_clear_has_no_cause)
{
	struct fx f;
	struct ww_health_input in = input_with_age(T0, H);
	struct ww_probe_summary *t = &in.targets[0];
	char *v;

	fx_init(&f, "alert8");
	in.ntargets = 1;
	ww_strlcpy(t->name, "upstream", sizeof(t->name));
	ww_strlcpy(t->url, "https://wsus.example:8531/", sizeof(t->url));
	t->consecutive_failures = 2;
	ww_strlcpy(t->stage, "connect", sizeof(t->stage));
	ww_strlcpy(t->result, "connect_refused", sizeof(t->result));
	cycle_in(&f, &in, T0, 24 * H);
	expect(&f, "raise endpoint:upstream 3002 critical\n");
	t->consecutive_failures = 1;
	cycle_in(&f, &in, T0 + 300, 24 * H);
	expect(&f, "clear endpoint:upstream 3003 ok\n");
	v = ww_test_sql_text(ww_store_db(f.store.s),
			     "SELECT coalesce(cause, 'none') FROM alert_history"
			     " WHERE transition = 'clear'");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "none");
	free(v);
	fx_done(&f);
}
END_TEST

START_TEST(decide_table)
{
	enum ww_alert_transition t;

	ck_assert(!ww_alert_decide(false, WW_STATE_OK, 0, WW_STATE_OK, 10, 5,
				   &t));
	ck_assert(ww_alert_decide(false, WW_STATE_OK, 0, WW_STATE_WARNING, 10,
				  5, &t));
	ck_assert_int_eq(t, WW_ALERT_RAISE);
	ck_assert(!ww_alert_decide(true, WW_STATE_WARNING, 8, WW_STATE_WARNING,
				   10, 5, &t));
	ck_assert(ww_alert_decide(true, WW_STATE_WARNING, 5, WW_STATE_WARNING,
				  10, 5, &t));
	ck_assert_int_eq(t, WW_ALERT_REPEAT);
	ck_assert(ww_alert_decide(true, WW_STATE_CRITICAL, 9, WW_STATE_WARNING,
				  10, 5, &t));
	ck_assert_int_eq(t, WW_ALERT_RAISE);
	ck_assert(ww_alert_decide(true, WW_STATE_UNKNOWN, 9, WW_STATE_OK, 10,
				  5, &t));
	ck_assert_int_eq(t, WW_ALERT_CLEAR);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("alert");
	TCase *tc = tcase_create("machine");

	tcase_add_test(tc, decide_table);
	tcase_add_test(tc, raise_repeat_escalate_clear);
	tcase_add_test(tc, restart_neither_reraises_nor_forgets);
	tcase_add_test(tc, no_repeat_when_disabled);
	tcase_add_test(tc, failing_sink_does_not_cause_repeats);
	tcase_add_test(tc, vanished_target_is_cleared_once);
	tcase_add_test(tc, unknown_raises_and_clears);
	tcase_add_test(tc, history_keeps_the_cause_of_each_transition);
	tcase_add_test(tc, quiet_clear_has_no_cause);
	suite_add_tcase(s, tc);
	return s;
}
