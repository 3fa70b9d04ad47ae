/*
 * test_health_gather.c - the facts the health rules are given, gathered
 * from a real store, when the clock misbehaves (issue 13, item 4): a
 * success dated months ahead (a clock glitch) or a clock stepped back
 * must not hide later failures; a time ahead of now by more than the
 * tolerance is a finding and never the latest success; within a source,
 * runs and probes are ordered by the order they were seen, not by time.
 */
#include "compat.h"

#include <sqlite3.h>

#include "config.h"
#include "diagnose.h"
#include "health.h"
#include "store.h"
#include "util.h"
#include "wsus_event.h"
#include "ww_test.h"

#define H 3600
#define D 86400
#define T ((int64_t)1800000000)

struct fx {
	struct ww_test_store store;
	struct ww_config cfg;
	struct ww_health_input in;
	struct ww_health_report rep;
};

static void fx_init(struct fx *f, const char *tag)
{
	struct ww_err err;

	memset(f, 0, sizeof(*f));
	ww_test_store_init(&f->store, tag);
	ck_assert_msg(ww_config_init(&f->cfg, &err) == 0, "%s", err.msg);
	ww_test_store_open(&f->store);
}

static void fx_done(struct fx *f)
{
	ww_test_store_release(&f->store);
	ww_config_release(&f->cfg);
}

/* One sync run of source src, in the order the source saw it. */
static void add_run(struct fx *f, const char *src, const char *key,
		    int64_t start, int64_t end, const char *result)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f->store.s),
		"INSERT INTO sync_run (source, source_key, kind, started_at, "
		"finished_at, result) VALUES (?, ?, 'scheduled', ?, ?, ?)",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, start);
	sqlite3_bind_int64(st, 4, end);
	sqlite3_bind_text(st, 5, result, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void add_probe(struct fx *f, int64_t at, bool ok)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f->store.s),
		"INSERT INTO probe_result (target, url, at, ok, stage, result)"
		" VALUES ('sws', 'https://sws.update.microsoft.com', ?, ?, ?, ?)",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int(st, 2, ok);
	if (!ok)
		sqlite3_bind_text(st, 3, "dns", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ok ? "ok" : "dns_failed", -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void judge(struct fx *f, int64_t now)
{
	struct ww_err err;

	ww_health_input_init(&f->in);
	ck_assert_msg(ww_health_gather(f->store.s, &f->cfg, now, &f->in,
				       &err) == 0, "%s", err.msg);
	ww_health_evaluate(&f->in, now, &f->rep);
}

static const struct ww_check_result *get(struct fx *f, const char *key)
{
	const struct ww_check_result *c = ww_health_find(&f->rep, key);

	ck_assert_msg(c != NULL, "no check %s", key);
	return c;
}

/*
 * The hostile test's case: one success dated four months ahead, then the
 * daily failures.  On the old main `check` said OK (last success "in the
 * future", no failure after it).
 */
START_TEST(success_months_ahead_hides_nothing)
{
	struct fx f;

	fx_init(&f, "gather_ahead");
	add_run(&f, "log", "s1", T - 30 * H - 600, T - 30 * H, "succeeded");
	add_run(&f, "log", "s2", T + 120 * D, T + 120 * D + 600, "succeeded");
	add_run(&f, "log", "s3", T - 5 * H, T - 5 * H + 60, "failed");
	add_run(&f, "log", "s4", T - 3 * H, T - 3 * H + 60, "failed");
	add_run(&f, "log", "s5", T - 1 * H, T - 1 * H + 60, "failed");
	judge(&f, T);
	ck_assert(f.in.have_success);
	ck_assert_int_eq(f.in.last_success, T - 30 * H);
	ck_assert_int_eq(f.in.consecutive_failures, 3);
	ck_assert_int_eq(f.in.last_attempt, T - 1 * H);
	ck_assert_str_eq(f.in.last_result, "failed");
	ck_assert_int_eq(f.in.sync_runs, 4);
	ck_assert_int_eq(f.in.ahead_runs, 1);
	ck_assert_int_eq(f.in.ahead_latest, T + 120 * D + 600);
	ck_assert_int_eq(get(&f, "sync_staleness")->state, WW_STATE_WARNING);
	ck_assert_int_eq(get(&f, "sync_failures")->state, WW_STATE_WARNING);
	/* The time ahead is a finding of its own. */
	ck_assert_int_eq(get(&f, "clock_skew")->state, WW_STATE_WARNING);
	ck_assert_msg(strstr(get(&f, "clock_skew")->reason,
			     "1 sync run dated up to 120d ahead") != NULL, "%s",
		      get(&f, "clock_skew")->reason);
	ck_assert_int_eq(f.rep.overall, WW_STATE_WARNING);
	fx_done(&f);
}
END_TEST

/*
 * One home for the rules of runs (issue 11): the same log, as the store
 * keeps it (the monitor, `check`) and as `diagnose` reads it, gives the
 * same facts, whatever the clock did.  Random sequences of runs from one
 * source: successes and failures, some dated months ahead (a glitch),
 * some after a clock stepped back, some within the tolerance ahead.
 */
static uint64_t rnd_state = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static int64_t rnd_time(void)
{
	switch (rnd(8)) {
	case 0: return T + 90 * D + rnd(1000);   /* months ahead */
	case 1: return T + rnd(200);             /* within the tolerance */
	default: return T - (int64_t)rnd(200) * H - rnd(3000);
	}
}

static void diag_run(struct ww_diag_data *d, const char *key, int64_t start,
		     int64_t end, bool ok)
{
	struct ww_sync_run run;

	memset(&run, 0, sizeof(run));
	ww_strlcpy(run.key, key, sizeof(run.key));
	run.kind = WW_SYNC_SCHEDULED;
	run.result = ok ? WW_SYNC_SUCCEEDED : WW_SYNC_FAILED;
	run.started_at = start;
	run.finished_at = end;
	ck_assert_int_eq(ww_sync_run_list_put(&d->log.runs, &run), 0);
}

/* The sync-run facts and verdicts of the store's face (f) and diagnose's
 * (rep) are the same. */
static void expect_same_runs(const struct fx *f,
			     const struct ww_diag_report *rep, int round)
{
	const struct ww_health_input *a = &f->in, *b = &rep->in;
	static const char *const judged[] = { "sync_staleness",
					      "sync_failures" };
	size_t i;

	ck_assert_msg(a->have_success == b->have_success &&
		      a->last_success == b->last_success &&
		      a->consecutive_failures == b->consecutive_failures &&
		      a->ahead_runs == b->ahead_runs &&
		      a->ahead_latest == b->ahead_latest &&
		      a->have_attempt == b->have_attempt &&
		      a->last_attempt == b->last_attempt &&
		      a->sync_runs == b->sync_runs &&
		      a->first_observed == b->first_observed &&
		      strcmp(a->last_result, b->last_result) == 0 &&
		      strcmp(a->last_error, b->last_error) == 0,
		      "round %d: store success %d/%" PRId64 " failures %"
		      PRId64 " ahead %" PRId64 " attempt %" PRId64 " %s runs %"
		      PRId64 " from %" PRId64 "; diagnose %d/%" PRId64 " %"
		      PRId64 " %" PRId64 " %" PRId64 " %s %" PRId64 " %" PRId64
		      " (errors '%s' / '%s')",
		      round, a->have_success, a->last_success,
		      a->consecutive_failures, a->ahead_runs, a->last_attempt,
		      a->last_result, a->sync_runs, a->first_observed,
		      b->have_success, b->last_success,
		      b->consecutive_failures, b->ahead_runs, b->last_attempt,
		      b->last_result, b->sync_runs, b->first_observed,
		      a->last_error, b->last_error);
	for (i = 0; i < WW_ARRAY_SIZE(judged); i++)
		ck_assert_int_eq(ww_health_find(&f->rep, judged[i])->state,
				 ww_health_find(&rep->health,
						judged[i])->state);
}

/* Log run i in the store and in diagnose's data. */
static void log_run_both(struct fx *f, struct ww_diag_data *d, unsigned i,
			 int64_t start, int64_t end, bool ok)
{
	char key[16];

	snprintf(key, sizeof(key), "r%u", i);
	add_run(f, "log", key, start, end, ok ? "succeeded" : "failed");
	diag_run(d, key, start, end, ok);
}

/* Both faces judge; they must agree; both are released. */
static void judge_both(struct fx *f, struct ww_diag_data *d,
		       struct ww_diag_report *rep, int round)
{
	judge(f, T);
	ww_diag_build(d, rep);
	expect_same_runs(f, rep, round);
	ww_diag_data_release(d);
	fx_done(f);
}

START_TEST(diagnose_and_store_judge_runs_alike)
{
	struct ww_diag_report *rep = malloc(sizeof(*rep));
	struct ww_diag_data d;
	struct fx f;
	int round;

	ck_assert_ptr_nonnull(rep);
	for (round = 0; round < 200; round++) {
		unsigned i, n = 1 + rnd(7);

		fx_init(&f, "gather_same");
		ww_diag_data_init(&d, &f.cfg, T);
		d.log.avail = WW_DIAG_AVAILABLE;
		for (i = 0; i < n; i++) {
			int64_t start = rnd_time(), end = start + 60 + rnd(600);
			bool ok = rnd(3) == 0;

			log_run_both(&f, &d, i, start, end, ok);
		}
		judge_both(&f, &d, rep, round);
	}
	free(rep);
}
END_TEST

/*
 * A result the event log reported, record i: in the store as the event
 * source writes it (a finish without a start, a 386's message as the
 * run's error), and to diagnose through the same intake as its scan.
 */
static void add_event_both(struct fx *f, struct ww_diag_data *d, unsigned i,
			   int64_t at, bool ok)
{
	static struct ww_wsus_event ev;
	char key[32];
	sqlite3_stmt *st;
	struct ww_err err;

	memset(&ev, 0, sizeof(ev));
	ww_strlcpy(ev.provider, "Windows Server Update Services",
		   sizeof(ev.provider));
	ev.event_id = ok ? 384 : 386;
	ev.time = at;
	ev.record_id = i + 1;
	if (!ok)
		snprintf(ev.message, sizeof(ev.message), "failed E%u", i);
	snprintf(key, sizeof(key), "record:%u", i + 1);
	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f->store.s),
		"INSERT INTO sync_run (source, source_key, finished_at, result,"
		" error) VALUES ('eventlog', ?, ?, ?, ?)", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, ok ? "succeeded" : "failed", -1,
			  SQLITE_STATIC);
	if (!ok)
		sqlite3_bind_text(st, 4, ww_wsus_event_sync_error(&ev), -1,
				  SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	ck_assert_int_eq(ww_diag_events_add(&d->events, &ev, &err), 0);
}

static bool time_used(const int64_t *t, unsigned n, int64_t v)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (t[i] == v)
			return true;
	return false;
}

/*
 * The same with two sources: the log and the event log, whose newest
 * results diagnose keeps (fewer here than it keeps).  The store gets
 * exactly those in record order (as the live reader adds them), their
 * times in any order, before the log's runs; times are distinct, so no tie
 * needs breaking.  Before
 * the one summariser, diagnose counted the events' runs only without a
 * log and their failures without the tolerance rule.
 */
START_TEST(diagnose_and_store_judge_two_sources_alike)
{
	struct ww_diag_report *rep = malloc(sizeof(*rep));
	struct ww_diag_data d;
	struct fx f;
	int round;

	ck_assert_ptr_nonnull(rep);
	for (round = 0; round < 300; round++) {
		unsigned i, nlog = rnd(5), nev = rnd(6), used = 0;
		int64_t times[16], ev[8];
		bool ev_ok[8];

		fx_init(&f, "gather_two");
		ww_diag_data_init(&d, &f.cfg, T);
		d.log.avail = WW_DIAG_AVAILABLE;
		d.events.avail = WW_DIAG_AVAILABLE;
		for (i = 0; i < nev; i++) {
			do
				ev[i] = rnd_time();
			while (time_used(times, used, ev[i]));
			times[used++] = ev[i];
			ev_ok[i] = rnd(3) == 0;
		}
		/* The event log's order is its records' (the store's ids);
		 * their times need not follow it (a clock stepped back). */
		for (i = 0; i < nev; i++)
			add_event_both(&f, &d, i, ev[i], ev_ok[i]);
		for (i = 0; i < nlog; i++) {
			int64_t start, end;
			bool ok = rnd(3) == 0;

			do {
				start = rnd_time();
				end = start + 60 + rnd(600);
			} while (time_used(times, used, start) ||
				 time_used(times, used, end));
			times[used++] = start;
			times[used++] = end;
			log_run_both(&f, &d, i, start, end, ok);
		}
		judge_both(&f, &d, rep, round);
	}
	free(rep);
}
END_TEST

/*
 * A flood of runs from one source (a hostile log: more than the 65,536
 * runs the summary loads) does not push another source's last success
 * out of it: retention keeps that row, and so does the summary.
 */
START_TEST(flood_keeps_other_sources_last_success)
{
	struct fx f;
	sqlite3_stmt *st;

	fx_init(&f, "gather_flood");
	add_run(&f, "eventlog", "e1", T - 2 * H, T - 2 * H + 60, "succeeded");
	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f.store.s),
		"INSERT INTO sync_run (source, source_key, kind, started_at,"
		" finished_at, result) WITH RECURSIVE c(x) AS (SELECT 1 UNION"
		" ALL SELECT x + 1 FROM c WHERE x < 70000) SELECT 'log', 'f' ||"
		" x, 'scheduled', ?1 + x, ?1 + x + 10, 'failed' FROM c", -1, &st,
		NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, T - 200 * H);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	judge(&f, T);
	ck_assert(f.in.have_success);
	ck_assert_int_eq(f.in.last_success, T - 2 * H + 60);
	/* The log's failures are all before that success. */
	ck_assert_int_eq(f.in.consecutive_failures, 0);
	ck_assert_int_eq(f.in.sync_runs, 65537);
	fx_done(&f);
}
END_TEST

/* The monitor's face names a failed run's own reason (386's Message, kept
 * as the run's error), as diagnose does (issue 14, item 7). */
START_TEST(failed_run_reason_is_shown)
{
	struct fx f;
	sqlite3_stmt *st;

	fx_init(&f, "gather_reason");
	add_run(&f, "log", "s1", T - 30 * H, T - 30 * H + 600, "succeeded");
	add_run(&f, "log", "s2", T - 1 * H, T - 1 * H + 60, "failed");
	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(f.store.s),
		"UPDATE sync_run SET error = 'WebException: The operation has "
		"timed out' WHERE source_key = 's2'", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	judge(&f, T);
	ck_assert_str_eq(f.in.last_error,
			 "WebException: The operation has timed out");
	ck_assert_msg(strstr(get(&f, "sync_failures")->reason,
			     "the latest failed: WebException: The operation "
			     "has timed out") != NULL, "%s",
		      get(&f, "sync_failures")->reason);
	fx_done(&f);
}
END_TEST

/* Within the tolerance (thresholds.clock_skew) a time ahead still counts. */
START_TEST(ahead_within_tolerance_counts)
{
	struct fx f;

	fx_init(&f, "gather_tolerance");
	add_run(&f, "log", "s1", T + 100, T + 200, "succeeded");
	judge(&f, T);
	ck_assert(f.in.have_success);
	ck_assert_int_eq(f.in.last_success, T + 200);
	ck_assert_int_eq(f.in.ahead_runs, 0);
	ck_assert_int_eq(get(&f, "sync_staleness")->raw_value, 0);
	ck_assert_int_eq(f.rep.overall, WW_STATE_OK);
	fx_done(&f);
}
END_TEST

/*
 * The clock stepped back an hour after a success: the failures that
 * follow are dated before it, yet come after it in the log.
 */
START_TEST(clock_stepped_back_orders_by_position)
{
	struct fx f;

	fx_init(&f, "gather_stepped");
	add_run(&f, "log", "s1", T - 10 * H, T - 10 * H + 600, "succeeded");
	add_run(&f, "log", "s2", T - 10 * H - 50 * 60, T - 10 * H - 49 * 60,
		"failed");
	add_run(&f, "log", "s3", T - 10 * H - 30 * 60, T - 10 * H - 29 * 60,
		"failed");
	add_run(&f, "log", "s4", T - 10 * H - 10 * 60, T - 10 * H - 9 * 60,
		"failed");
	judge(&f, T);
	ck_assert_int_eq(f.in.consecutive_failures, 3);
	ck_assert_str_eq(f.in.last_result, "failed");
	ck_assert_int_eq(get(&f, "sync_failures")->state, WW_STATE_WARNING);

	/* Another source that saw the same success and failures agrees. */
	add_run(&f, "eventlog", "e1", T - 10 * H, T - 10 * H + 600,
		"succeeded");
	add_run(&f, "eventlog", "e2", T - 10 * H - 50 * 60,
		T - 10 * H - 49 * 60, "failed");
	add_run(&f, "eventlog", "e3", T - 10 * H - 30 * 60,
		T - 10 * H - 29 * 60, "failed");
	judge(&f, T);
	ck_assert_int_eq(f.in.consecutive_failures, 3);

	/* A source that saw only the success does not hide the streak. */
	add_run(&f, "susdb", "d1", T - 10 * H, T - 10 * H + 600, "succeeded");
	judge(&f, T);
	ck_assert_int_eq(f.in.consecutive_failures, 3);

	/* A later success seen only by the other source ends the streak. */
	add_run(&f, "eventlog", "e4", T - H, T - H + 600, "succeeded");
	judge(&f, T);
	ck_assert_int_eq(f.in.consecutive_failures, 0);
	fx_done(&f);
}
END_TEST

/* The latest probe is the last one made, even if its clock went back. */
START_TEST(probes_ordered_by_position)
{
	struct fx f;

	fx_init(&f, "gather_probes");
	add_probe(&f, T + 2 * H, true);
	add_probe(&f, T - 20 * 60, false);
	add_probe(&f, T - 10 * 60, false);
	judge(&f, T);
	ck_assert_int_eq(f.in.ntargets, 1);
	ck_assert(!f.in.targets[0].ok);
	ck_assert_int_eq(f.in.targets[0].consecutive_failures, 2);
	ck_assert_int_eq(get(&f, "endpoint:sws")->state, WW_STATE_CRITICAL);
	fx_done(&f);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("health_gather");
	TCase *tc = tcase_create("clock");

	tcase_add_test(tc, success_months_ahead_hides_nothing);
	tcase_add_test(tc, failed_run_reason_is_shown);
	tcase_add_test(tc, ahead_within_tolerance_counts);
	tcase_add_test(tc, clock_stepped_back_orders_by_position);
	tcase_add_test(tc, probes_ordered_by_position);
	tcase_add_test(tc, diagnose_and_store_judge_runs_alike);
	tcase_add_test(tc, diagnose_and_store_judge_two_sources_alike);
	tcase_add_test(tc, flood_keeps_other_sources_last_success);
	suite_add_tcase(s, tc);
	return s;
}
