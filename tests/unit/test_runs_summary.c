/*
 * test_runs_summary.c - the rules of sync runs on their own
 * (ww_runs_summarise(), probes/synclog/runs_summary.c): what neither face
 * reaches easily (a run with no time at all, a tie of start times, the
 * same success seen by two sources, a negative tolerance).
 */
#include "compat.h"

#include "runs_summary.h"
#include "util.h"
#include "ww_test.h"

#define T ((int64_t)1800000000)
#define U WW_TIME_UNKNOWN
#define OK WW_SYNC_SUCCEEDED
#define FAIL WW_SYNC_FAILED

static struct ww_run_source src(const struct ww_run_fact *runs, size_t n)
{
	struct ww_run_source s = { runs, n, ww_run_fact_get };

	return s;
}

START_TEST(nothing_is_nothing)
{
	struct ww_runs_summary r;
	struct ww_run_at at;
	const struct ww_run_fact none[] = { { U, U, FAIL, 1 } };
	struct ww_run_source s = src(none, 1);

	ww_runs_summarise(&s, 1, T, 300, &r, &at);
	/* A run with neither time is neither dated nor ahead. */
	ck_assert_int_eq(r.runs, 0);
	ck_assert_int_eq(r.ahead_runs, 0);
	ck_assert(!r.have_success && !r.have_attempt && !at.found);
	ck_assert_int_eq(r.consecutive_failures, 0);
	ww_runs_summarise(NULL, 0, T, 300, &r, NULL);
	ck_assert_int_eq(r.runs, 0);
}
END_TEST

START_TEST(same_success_seen_twice_ends_no_streak)
{
	/* The log: a success, then two failures. */
	const struct ww_run_fact log[] = {
		{ T - 100, T - 90, OK, 1 },
		{ T - 80, T - 70, FAIL, 2 },
		{ T - 60, T - 50, FAIL, 3 },
	};
	/* The event log saw the same success, 60 s later than the log's end
	 * (within the 300 s tolerance): not a newer success. */
	const struct ww_run_fact same[] = { { U, T - 30, OK, 4 } };
	/* A success the event log saw 190 s after the log's own, which the
	 * tolerance of 100 s cannot make the same: the log's failures up to
	 * it are over. */
	const struct ww_run_fact later[] = { { U, T + 100, OK, 4 } };
	struct ww_run_source s[2] = { src(log, 3), src(same, 1) };
	struct ww_runs_summary r;

	ww_runs_summarise(s, 2, T, 300, &r, NULL);
	ck_assert_int_eq(r.consecutive_failures, 2);
	ck_assert_int_eq(r.last_success, T - 30);
	s[1] = src(later, 1);
	ww_runs_summarise(s, 2, T, 100, &r, NULL);
	ck_assert_int_eq(r.consecutive_failures, 0);
	ck_assert_int_eq(r.last_success, T + 100);
}
END_TEST

START_TEST(tie_of_start_goes_to_the_later_recorded)
{
	const struct ww_run_fact a[] = { { T - 600, T - 500, FAIL, 7 } };
	const struct ww_run_fact b[] = { { T - 600, T - 400, OK, 9 } };
	struct ww_run_source s[2] = { src(a, 1), src(b, 1) };
	struct ww_runs_summary r;
	struct ww_run_at at;

	ww_runs_summarise(s, 2, T, 0, &r, &at);
	ck_assert(at.found);
	ck_assert_uint_eq(at.source, 1);
	ck_assert_str_eq(r.last_result, "succeeded");
	s[0] = src(b, 1);
	s[1] = src(a, 1);
	ww_runs_summarise(s, 2, T, 0, &r, &at);
	ck_assert_uint_eq(at.source, 0);
	ck_assert_str_eq(r.last_result, "succeeded");
}
END_TEST

START_TEST(negative_tolerance_is_none)
{
	const struct ww_run_fact runs[] = {
		{ T - 600, T - 500, OK, 1 },
		{ T + 1, T + 60, FAIL, 2 },
	};
	struct ww_run_source s = src(runs, 2);
	struct ww_runs_summary r;

	ww_runs_summarise(&s, 1, T, -500, &r, NULL);
	/* Not T - 500 as the limit: the success stays dated. */
	ck_assert(r.have_success);
	ck_assert_int_eq(r.last_success, T - 500);
	ck_assert_int_eq(r.ahead_runs, 1);
	ck_assert_int_eq(r.ahead_latest, T + 60);
	ck_assert_int_eq(r.consecutive_failures, 0);
	ck_assert_int_eq(r.first_observed, T - 600);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("runs_summary");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, nothing_is_nothing);
	tcase_add_test(tc, same_success_seen_twice_ends_no_streak);
	tcase_add_test(tc, tie_of_start_goes_to_the_later_recorded);
	tcase_add_test(tc, negative_tolerance_is_none);
	suite_add_tcase(s, tc);
	return s;
}
