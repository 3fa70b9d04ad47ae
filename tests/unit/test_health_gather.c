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

START_TEST(diagnose_and_store_judge_runs_alike)
{
	struct ww_diag_report *rep = malloc(sizeof(*rep));
	struct ww_diag_data d;
	struct fx f;
	int round;

	ck_assert_ptr_nonnull(rep);
	for (round = 0; round < 200; round++) {
		unsigned i, n = 1 + rnd(7);
		char key[16];

		fx_init(&f, "gather_same");
		ww_diag_data_init(&d, &f.cfg, T);
		d.log.avail = WW_DIAG_AVAILABLE;
		for (i = 0; i < n; i++) {
			int64_t start = rnd_time(), end = start + 60 + rnd(600);
			bool ok = rnd(3) == 0;

			snprintf(key, sizeof(key), "r%u", i);
			add_run(&f, "log", key, start, end, ok ? "succeeded" :
				"failed");
			diag_run(&d, key, start, end, ok);
		}
		judge(&f, T);
		ww_diag_build(&d, rep);
		ck_assert_msg(f.in.have_success == rep->in.have_success &&
			      (!f.in.have_success || f.in.last_success ==
			       rep->in.last_success) &&
			      f.in.consecutive_failures ==
			      rep->in.consecutive_failures &&
			      f.in.ahead_runs == rep->in.ahead_runs &&
			      f.in.have_attempt == rep->in.have_attempt &&
			      f.in.last_attempt == rep->in.last_attempt &&
			      f.in.sync_runs == rep->in.sync_runs &&
			      strcmp(f.in.last_result, rep->in.last_result) == 0,
			      "round %d (%u runs): store success %d/%" PRId64
			      " failures %" PRId64 " ahead %" PRId64
			      " attempt %" PRId64 " %s runs %" PRId64
			      "; diagnose %d/%" PRId64 " %" PRId64 " %" PRId64
			      " %" PRId64 " %s %" PRId64, round, n,
			      f.in.have_success, f.in.last_success,
			      f.in.consecutive_failures, f.in.ahead_runs,
			      f.in.last_attempt, f.in.last_result,
			      f.in.sync_runs, rep->in.have_success,
			      rep->in.last_success,
			      rep->in.consecutive_failures, rep->in.ahead_runs,
			      rep->in.last_attempt, rep->in.last_result,
			      rep->in.sync_runs);
		ck_assert_int_eq(ww_health_find(&f.rep, "sync_staleness")->state,
				 ww_health_find(&rep->health,
						"sync_staleness")->state);
		ww_diag_data_release(&d);
		fx_done(&f);
	}
	free(rep);
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
	suite_add_tcase(s, tc);
	return s;
}
