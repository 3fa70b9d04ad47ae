/*
 * runs_summary.c - the rules of sync runs (runs_summary.h), over any
 * caller's records.  Three reads of each run: the totals and each
 * source's latest attempt; then, per source, its own last success and
 * its streak of failures after it.  No allocation: the state kept across
 * sources is the two latest successes of different sources, which is all
 * "a success another source saw later" needs.
 */
#include "compat.h"

#include "runs_summary.h"
#include "util.h"

/* Older than any time; the tolerance can be added without overflow. */
#define FAR_PAST (-((int64_t)1 << 62))

static bool is_known(const struct ww_run_fact *r)
{
	return r->started_at != WW_TIME_UNKNOWN ||
	       r->finished_at != WW_TIME_UNKNOWN;
}

/* The start of a run, or its end when the start was not seen. */
static int64_t run_start(const struct ww_run_fact *r)
{
	return r->started_at != WW_TIME_UNKNOWN ? r->started_at :
	       r->finished_at;
}

/* The end of a run, or its start when the end was not seen. */
static int64_t run_end(const struct ww_run_fact *r)
{
	return r->finished_at != WW_TIME_UNKNOWN ? r->finished_at :
	       r->started_at;
}

static bool is_dated(const struct ww_run_fact *r, int64_t limit)
{
	return run_start(r) <= limit && run_end(r) <= limit;
}

/* The latest success of the source with the latest one, and the latest
 * of every other source (FAR_PAST: none). */
struct top_two {
	int64_t first, second;
	size_t first_source;
};

static void top_two_add(struct top_two *t, size_t source, int64_t end)
{
	if (end > t->first) {
		t->second = t->first;
		t->first = end;
		t->first_source = source;
	} else if (end > t->second) {
		t->second = end;
	}
}

/* Whether a is a later attempt than b (start, then recording order). */
static bool later_attempt(const struct ww_run_fact *a,
			  const struct ww_run_fact *b)
{
	return run_start(a) > run_start(b) ||
	       (run_start(a) == run_start(b) && a->seq > b->seq);
}

static void count_run(const struct ww_run_fact *r, int64_t limit,
		      struct ww_runs_summary *ret)
{
	int64_t start = run_start(r), end = run_end(r);

	if (!is_dated(r, limit)) {
		int64_t late = start > end ? start : end;

		if (!ret->ahead_runs++ || late > ret->ahead_latest)
			ret->ahead_latest = late;
		return;
	}
	if (!ret->runs++ || start < ret->first_observed)
		ret->first_observed = start;
	if (r->result == WW_SYNC_SUCCEEDED &&
	    (!ret->have_success || end > ret->last_success)) {
		ret->have_success = true;
		ret->last_success = end;
	}
}

/*
 * First read: the totals, each source's latest success into *top, and
 * the latest attempt (each source's last dated run by position, then the
 * latest of those).
 */
static void read_totals(const struct ww_run_source *srcs, size_t nsrc,
			int64_t limit, struct ww_runs_summary *ret,
			struct top_two *top, struct ww_run_at *at)
{
	struct ww_run_fact best = { 0 };
	size_t s, i;

	for (s = 0; s < nsrc; s++) {
		struct ww_run_fact r, last = { 0 };
		int64_t own = FAR_PAST;
		bool have_last = false;
		size_t last_i = 0;

		for (i = 0; i < srcs[s].n; i++) {
			srcs[s].get(srcs[s].runs, i, &r);
			if (!is_known(&r))
				continue;
			count_run(&r, limit, ret);
			if (!is_dated(&r, limit))
				continue;
			last = r;
			last_i = i;
			have_last = true;
			if (r.result == WW_SYNC_SUCCEEDED && run_end(&r) > own)
				own = run_end(&r);
		}
		if (own != FAR_PAST)
			top_two_add(top, s, own);
		if (have_last && (!at->found || later_attempt(&last, &best))) {
			best = last;
			*at = (struct ww_run_at){ true, s, last_i };
		}
	}
	if (!at->found)
		return;
	ret->have_attempt = true;
	ret->last_attempt = run_start(&best);
	ww_strlcpy(ret->last_result, ww_sync_result_name(best.result),
		   sizeof(ret->last_result));
}

/*
 * Source s's failures after its own last success by position, those not
 * later than a success another source saw after this source's own (by
 * more than the tolerance: not the same success seen twice) left out.
 */
static int64_t source_streak(const struct ww_run_source *src, size_t s,
			     int64_t limit, int64_t tolerance,
			     const struct top_two *top)
{
	struct ww_run_fact r;
	int64_t own = FAR_PAST, other, after = FAR_PAST, n = 0;
	size_t i, from = 0;

	for (i = 0; i < src->n; i++) {
		src->get(src->runs, i, &r);
		if (!is_known(&r) || !is_dated(&r, limit) ||
		    r.result != WW_SYNC_SUCCEEDED)
			continue;
		from = i + 1;
		if (run_end(&r) > own)
			own = run_end(&r);
	}
	other = top->first_source == s ? top->second : top->first;
	if (other > own + tolerance)
		after = other;
	for (i = from; i < src->n; i++) {
		src->get(src->runs, i, &r);
		if (is_known(&r) && is_dated(&r, limit) &&
		    r.result == WW_SYNC_FAILED && run_end(&r) > after)
			n++;
	}
	return n;
}

void ww_runs_summarise(const struct ww_run_source *srcs, size_t nsrc,
		       int64_t now, int64_t tolerance,
		       struct ww_runs_summary *ret, struct ww_run_at *ret_attempt)
{
	struct top_two top = { FAR_PAST, FAR_PAST, 0 };
	struct ww_run_at at = { 0 };
	int64_t limit;
	size_t s;

	if (tolerance < 0)
		tolerance = 0;
	limit = now + tolerance;
	memset(ret, 0, sizeof(*ret));
	read_totals(srcs, nsrc, limit, ret, &top, &at);
	for (s = 0; s < nsrc; s++) {
		int64_t n = source_streak(&srcs[s], s, limit, tolerance, &top);

		if (n > ret->consecutive_failures)
			ret->consecutive_failures = n;
	}
	if (ret_attempt)
		*ret_attempt = at;
}

void ww_run_fact_get(const void *runs, size_t i, struct ww_run_fact *ret)
{
	*ret = ((const struct ww_run_fact *)runs)[i];
}
