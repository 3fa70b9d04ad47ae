/*
 * health.c - the rules table and its one evaluator.
 *
 * A rule is a row: a name, what it applies to (once, per target, per
 * source), a measure function that reads the input and yields a value
 * (or "no data" / "does not apply"), how the value compares with which
 * thresholds, and the base of its event IDs.  The evaluator is the only
 * place that turns values into states, so every rule behaves the same at
 * its boundaries.  Rules whose state is a classification rather than a
 * number (MUUrl policy, WSUS's own events, source trouble) let the
 * measure function choose the state (WW_CMP_STATE).
 */
#include "compat.h"

#include "config.h"
#include "health.h"
#include "util.h"

enum rule_scope {
	SCOPE_GLOBAL,  /* one result */
	SCOPE_TARGET,  /* one result per probed target */
	SCOPE_SOURCE   /* one result per known source */
};

enum rule_cmp {
	CMP_ABOVE,     /* bad when value > threshold */
	CMP_AT_LEAST,  /* bad when value >= threshold */
	CMP_AT_MOST,   /* bad when value <= threshold */
	CMP_STATE      /* the measure decides the state */
};

enum rule_th {
	TH_NONE,       /* this level is never reached by comparison */
	TH_ZERO,
	TH_SYNC_WARNING,
	TH_SYNC_CRITICAL,
	TH_SYNC_FAILURES,
	TH_PROBE_FAILURES,
	TH_CERT_WARNING,
	TH_CLOCK_SKEW
};

enum rule_unit {
	UNIT_DURATION, /* seconds, shown as "30h" */
	UNIT_COUNT
};

enum measure_kind {
	M_NA,          /* the rule does not apply: no result */
	M_NODATA,      /* applies, but nothing is known: UNKNOWN */
	M_VALUE        /* value (or state for CMP_STATE) is set */
};

struct measure {
	enum measure_kind kind;
	int64_t value;
	enum ww_state state;              /* CMP_STATE only */
	char text[WW_HEALTH_TEXT_MAX];    /* reason without the threshold */
};

typedef void (*measure_fn)(const struct ww_health_input *in, size_t i,
			   int64_t now, struct measure *m);

struct rule {
	const char *name;
	enum rule_scope scope;
	measure_fn measure;
	enum rule_cmp cmp;
	enum rule_th warn;
	enum rule_th crit;
	enum rule_unit unit;
	unsigned event_base;
	bool primary;
	const char *summary;
};

static void WW_PRINTF(2, 3) mtext(struct measure *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
}

static void m_value(struct measure *m, int64_t v)
{
	m->kind = M_VALUE;
	m->value = v;
}

static void m_state(struct measure *m, enum ww_state s)
{
	m->kind = M_VALUE;
	m->state = s;
	m->value = (int64_t)s;
}

/* ---- measures (pure: input + now) ---- */

static void measure_sync_staleness(const struct ww_health_input *in,
				   size_t i, int64_t now, struct measure *m)
{
	char age[32];
	int64_t span;

	(void)i;
	if (in->have_success) {
		m_value(m, now > in->last_success ? now - in->last_success : 0);
		ww_health_format_age(m->value, age, sizeof(age));
		mtext(m, "last successful sync %s ago", age);
		return;
	}
	if (in->sync_runs <= 0) {
		m->kind = M_NODATA;
		mtext(m, "no sync run recorded yet");
		return;
	}
	/*
	 * Attempts but never a success: the age is at least the span of
	 * history we have.  Once that span alone crosses the warning
	 * threshold the sync is stale whatever happened before it.
	 */
	span = now > in->first_observed ? now - in->first_observed : 0;
	ww_health_format_age(span, age, sizeof(age));
	if (span <= in->th.sync_warning) {
		m->kind = M_NODATA;
		mtext(m, "no successful sync in the %s of history recorded so far",
		      age);
		return;
	}
	m_value(m, span);
	mtext(m, "no successful sync in at least %s", age);
}

static void measure_sync_failures(const struct ww_health_input *in,
				  size_t i, int64_t now, struct measure *m)
{
	(void)i;
	(void)now;
	if (in->sync_runs <= 0) {
		m->kind = M_NODATA;
		mtext(m, "no sync run recorded yet");
		return;
	}
	m_value(m, in->consecutive_failures);
	mtext(m, "%" PRId64 " consecutive failed sync attempt%s%s%s",
	      in->consecutive_failures,
	      in->consecutive_failures == 1 ? "" : "s",
	      in->have_success ? " since the last success" : "",
	      in->have_success ? "" : " (no success recorded)");
}

static void measure_endpoint(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	const struct ww_health_target *t = &in->targets[i];

	(void)now;
	m_value(m, t->consecutive_failures);
	if (t->ok)
		mtext(m, "%s is reachable", t->url);
	else
		mtext(m, "%s: %" PRId64 " consecutive failed probe%s, latest "
			 "at stage %s: %s", t->url, t->consecutive_failures,
		      t->consecutive_failures == 1 ? "" : "s",
		      t->stage[0] ? t->stage : "unknown",
		      t->result[0] ? t->result : "unknown");
}

static void measure_cert_expiry(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	const struct ww_health_target *t = &in->targets[i];
	char span[32], iso[WW_ISO_TIME_LEN];

	if (!t->have_cert) {
		m->kind = M_NA; /* plain HTTP, or TLS never got that far */
		return;
	}
	m_value(m, t->cert_not_after - now);
	ww_time_format_iso(t->cert_not_after, iso);
	ww_health_format_age(m->value < 0 ? -m->value : m->value, span,
			     sizeof(span));
	if (m->value > 0)
		mtext(m, "certificate of %s expires in %s (%s)", t->url, span,
		      iso);
	else
		mtext(m, "certificate of %s expired %s ago (%s)", t->url, span,
		      iso);
}

/*
 * Sync runs dated ahead of the clock by more than the tolerance (a clock
 * glitch when they were written, or a clock stepped back since): a finding
 * of this rule, as they were left out of every other one.
 */
static void measure_runs_ahead(const struct ww_health_input *in, int64_t now,
			       struct measure *m)
{
	char span[32], iso[WW_ISO_TIME_LEN];

	m_value(m, in->ahead_latest - now);
	ww_health_format_age(m->value, span, sizeof(span));
	ww_time_format_iso(in->ahead_latest, iso);
	mtext(m, "%" PRId64 " sync run%s dated up to %s ahead of the local "
		 "clock (%s), ignored", in->ahead_runs,
	      in->ahead_runs == 1 ? "" : "s", span, iso);
}

static void measure_clock_skew(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_health_target *best = NULL;
	char span[32];
	size_t k;

	(void)i;
	if (in->ahead_runs > 0) {
		measure_runs_ahead(in, now, m);
		return;
	}
	if (!in->ntargets) {
		m->kind = M_NA;
		return;
	}
	/* The clock is the local host's: judge the latest measurement. */
	for (k = 0; k < in->ntargets; k++)
		if (in->targets[k].have_skew &&
		    (!best || in->targets[k].skew_at > best->skew_at))
			best = &in->targets[k];
	if (!best) {
		m->kind = M_NODATA;
		mtext(m, "no server Date header seen yet");
		return;
	}
	m_value(m, best->clock_skew < 0 ? -best->clock_skew : best->clock_skew);
	ww_health_format_age(m->value, span, sizeof(span));
	mtext(m, "local clock is %s %s %s's Date", span,
	      best->clock_skew > 0 ? "behind" : "ahead of", best->name);
}

/* Host part of a URL, lower-cased, into buf. */
static void url_host(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://");
	size_t n = 0;

	p = p ? p + 3 : url;
	while (*p && *p != '/' && *p != ':' && n + 1 < size) {
		char c = *p++;

		buf[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	buf[n] = '\0';
}

static void measure_muurl(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m)
{
	char host[WW_HEALTH_TEXT_MAX];

	(void)i;
	(void)now;
	if (in->from_upstream) {
		m->kind = M_NA;
		return;
	}
	if (!in->muurl[0]) {
		m->kind = M_NODATA;
		mtext(m, "MUUrl is not known");
		return;
	}
	url_host(in->muurl, host, sizeof(host));
	if (strcmp(host, "fe2.update.microsoft.com") == 0) {
		m_state(m, WW_STATE_CRITICAL);
		mtext(m, "MUUrl %s was decommissioned on 2019-07-08; "
			 "use https://sws.update.microsoft.com", in->muurl);
	} else if (strcmp(host, "sws1.update.microsoft.com") == 0) {
		m_state(m, WW_STATE_WARNING);
		mtext(m, "MUUrl %s is deprecated and will be decommissioned; "
			 "use https://sws.update.microsoft.com", in->muurl);
	} else if (strcmp(host, "sws.update.microsoft.com") == 0) {
		m_state(m, WW_STATE_OK);
		mtext(m, "MUUrl %s is the current endpoint", in->muurl);
	} else {
		m_state(m, WW_STATE_OK);
		mtext(m, "MUUrl %s is not a Microsoft endpoint; probes judge "
			 "it", in->muurl);
	}
}

static void measure_wsus_events(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	static const struct {
		int id;
		enum ww_state state;
		const char *meaning;
	} map[] = {
		{ 10020, WW_STATE_OK, "catalog synchronization healthy" },
		{ 10021, WW_STATE_WARNING, "catalog not synchronized recently" },
		{ 10022, WW_STATE_CRITICAL, "last catalog synchronization failed" },
	};
	char iso[WW_ISO_TIME_LEN];
	size_t k;

	(void)i;
	(void)now;
	if (!in->sources[WW_SOURCE_EVENTLOG].known) {
		m->kind = M_NA; /* no event log on this system */
		return;
	}
	if (!in->have_wsus_event) {
		m->kind = M_NODATA;
		mtext(m, "no WSUS catalog health event (10020-10022) seen");
		return;
	}
	ww_time_format_iso(in->wsus_event_at, iso);
	for (k = 0; k < WW_ARRAY_SIZE(map); k++)
		if (map[k].id == in->wsus_event_id)
			break;
	if (k == WW_ARRAY_SIZE(map)) {
		m->kind = M_NODATA;
		mtext(m, "unexpected WSUS event %d at %s", in->wsus_event_id,
		      iso);
		return;
	}
	m_state(m, map[k].state);
	mtext(m, "WSUS event %d at %s: %s", map[k].id, iso, map[k].meaning);
}

static void measure_source(const struct ww_health_input *in, size_t i,
			   int64_t now, struct measure *m)
{
	const struct ww_health_source *s = &in->sources[i];

	(void)now;
	if (!s->known) {
		m->kind = M_NA;
		return;
	}
	if (s->ok) {
		m_state(m, WW_STATE_OK);
		mtext(m, "%s source is working", ww_health_source_name(i));
		return;
	}
	/* Without the database nothing is kept or alerted reliably. */
	m_state(m, i == WW_SOURCE_DATABASE ? WW_STATE_CRITICAL :
					     WW_STATE_WARNING);
	mtext(m, "%s source: %s", ww_health_source_name(i),
	      s->error[0] ? s->error : "failed");
}

/* ---- the table ---- */

static const struct rule rules[] = {
	{ "sync_staleness", SCOPE_GLOBAL, measure_sync_staleness, CMP_ABOVE,
	  TH_SYNC_WARNING, TH_SYNC_CRITICAL, UNIT_DURATION, 2000, true,
	  "age of the last successful sync from any source" },
	{ "sync_failures", SCOPE_GLOBAL, measure_sync_failures, CMP_AT_LEAST,
	  TH_SYNC_FAILURES, TH_NONE, UNIT_COUNT, 2100, false,
	  "consecutive failed sync attempts" },
	{ "endpoint", SCOPE_TARGET, measure_endpoint, CMP_AT_LEAST,
	  TH_NONE, TH_PROBE_FAILURES, UNIT_COUNT, 3000, false,
	  "consecutive failed probes of one endpoint" },
	{ "cert_expiry", SCOPE_TARGET, measure_cert_expiry, CMP_AT_MOST,
	  TH_CERT_WARNING, TH_ZERO, UNIT_DURATION, 3100, false,
	  "time left before an endpoint's certificate expires" },
	{ "clock_skew", SCOPE_GLOBAL, measure_clock_skew, CMP_ABOVE,
	  TH_CLOCK_SKEW, TH_NONE, UNIT_DURATION, 3200, false,
	  "difference between the local clock and servers' Date" },
	{ "muurl_policy", SCOPE_GLOBAL, measure_muurl, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 4000, false,
	  "deprecated (sws1) or decommissioned (fe2) MUUrl" },
	{ "wsus_health_events", SCOPE_GLOBAL, measure_wsus_events, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 4100, false,
	  "latest of WSUS's own events 10020/10021/10022" },
	{ "sources", SCOPE_SOURCE, measure_source, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 5000, false,
	  "log unreadable, event log unavailable, database error" },
};

/* ---- the evaluator ---- */

static int64_t th_value(const struct ww_health_thresholds *t,
			enum rule_th which)
{
	switch (which) {
	case TH_SYNC_WARNING: return t->sync_warning;
	case TH_SYNC_CRITICAL: return t->sync_critical;
	case TH_SYNC_FAILURES: return t->sync_failures;
	case TH_PROBE_FAILURES: return t->probe_failures;
	case TH_CERT_WARNING: return t->cert_warning;
	case TH_CLOCK_SKEW: return t->clock_skew;
	case TH_ZERO:
	case TH_NONE: break;
	}
	return 0;
}

static bool crosses(enum rule_cmp cmp, int64_t v, int64_t th)
{
	switch (cmp) {
	case CMP_ABOVE: return v > th;
	case CMP_AT_LEAST: return v >= th;
	case CMP_AT_MOST: return v <= th;
	case CMP_STATE: break;
	}
	return false;
}

static const char *cmp_symbol(enum rule_cmp cmp)
{
	return cmp == CMP_ABOVE ? ">" : cmp == CMP_AT_LEAST ? ">=" : "<=";
}

/* Thresholds exactly ("90m"), measured values floored ("30h"). */
static void format_value(enum rule_unit unit, bool exact, int64_t v,
			 char *buf, size_t size)
{
	char tmp[32];

	if (unit == UNIT_COUNT) {
		snprintf(buf, size, "%" PRId64, v);
		return;
	}
	if (exact)
		ww_health_format_span(v < 0 ? -v : v, tmp, sizeof(tmp));
	else
		ww_health_format_age(v < 0 ? -v : v, tmp, sizeof(tmp));
	snprintf(buf, size, "%s%s", v < 0 ? "-" : "", tmp);
}

/* "warning > 26h" into buf. */
static void format_level(const struct rule *r, const char *level,
			 int64_t th, char *buf, size_t size)
{
	char v[32];

	format_value(r->unit, true, th, v, sizeof(v));
	snprintf(buf, size, "%s %s %s", level, cmp_symbol(r->cmp), v);
}

static void format_thresholds(const struct rule *r,
			      const struct ww_health_thresholds *t,
			      char *buf, size_t size)
{
	char w[32] = "", c[32] = "";

	buf[0] = '\0';
	if (r->cmp == CMP_STATE)
		return;
	if (r->warn != TH_NONE)
		format_level(r, "warning", th_value(t, r->warn), w, sizeof(w));
	if (r->crit != TH_NONE)
		format_level(r, "critical", th_value(t, r->crit), c, sizeof(c));
	snprintf(buf, size, "%s%s%s", w, w[0] && c[0] ? ", " : "", c);
}

/* State of a numeric measure; *level names the crossed threshold. */
static enum ww_state compare(const struct rule *r,
			     const struct ww_health_thresholds *t, int64_t v,
			     char *level, size_t size)
{
	level[0] = '\0';
	if (r->crit != TH_NONE && crosses(r->cmp, v, th_value(t, r->crit))) {
		format_level(r, "critical", th_value(t, r->crit), level, size);
		return WW_STATE_CRITICAL;
	}
	if (r->warn != TH_NONE && crosses(r->cmp, v, th_value(t, r->warn))) {
		format_level(r, "warning", th_value(t, r->warn), level, size);
		return WW_STATE_WARNING;
	}
	return WW_STATE_OK;
}

static void fill_result(const struct rule *r, const struct ww_health_input *in,
			const struct measure *m, const char *instance,
			struct ww_check_result *c)
{
	char level[64];

	memset(c, 0, sizeof(*c));
	c->check = r->name;
	c->event_base = r->event_base;
	c->primary = r->primary;
	ww_strlcpy(c->instance, instance, sizeof(c->instance));
	snprintf(c->key, sizeof(c->key), "%s%s%s", r->name,
		 instance[0] ? ":" : "", instance);
	format_thresholds(r, &in->th, c->threshold, sizeof(c->threshold));
	if (m->kind == M_NODATA) {
		c->state = WW_STATE_UNKNOWN;
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
		return;
	}
	c->have_value = true;
	c->raw_value = m->value;
	if (r->cmp == CMP_STATE) {
		c->state = m->state;
		ww_strlcpy(c->value, ww_state_name(m->state), sizeof(c->value));
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
		return;
	}
	format_value(r->unit, false, m->value, c->value, sizeof(c->value));
	c->state = compare(r, &in->th, m->value, level, sizeof(level));
	if (level[0])
		snprintf(c->reason, sizeof(c->reason), "%s (%s)", m->text,
			 level);
	else
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
}

static size_t scope_count(const struct rule *r,
			  const struct ww_health_input *in)
{
	switch (r->scope) {
	case SCOPE_TARGET: return in->ntargets;
	case SCOPE_SOURCE: return WW_SOURCE_COUNT;
	case SCOPE_GLOBAL: break;
	}
	return 1;
}

static const char *scope_instance(const struct rule *r,
				  const struct ww_health_input *in, size_t i)
{
	switch (r->scope) {
	case SCOPE_TARGET: return in->targets[i].name;
	case SCOPE_SOURCE: return ww_health_source_name(i);
	case SCOPE_GLOBAL: break;
	}
	return "";
}

static enum ww_state overall_state(const struct ww_health_report *rep)
{
	enum ww_state worst = WW_STATE_OK;
	size_t i;

	if (!rep->n)
		return WW_STATE_UNKNOWN;
	for (i = 0; i < rep->n; i++) {
		enum ww_state s = rep->checks[i].state;

		if (s == WW_STATE_UNKNOWN && !rep->checks[i].primary)
			continue;
		if (ww_state_rank(s) > ww_state_rank(worst))
			worst = s;
	}
	return worst;
}

void ww_health_evaluate(const struct ww_health_input *in, int64_t now,
			struct ww_health_report *ret)
{
	size_t r, i;

	ret->at = now;
	ret->n = 0;
	for (r = 0; r < WW_ARRAY_SIZE(rules); r++) {
		size_t n = scope_count(&rules[r], in);

		for (i = 0; i < n && ret->n < WW_HEALTH_MAX_CHECKS; i++) {
			struct measure m;

			memset(&m, 0, sizeof(m));
			rules[r].measure(in, i, now, &m);
			if (m.kind == M_NA)
				continue;
			fill_result(&rules[r], in, &m,
				    scope_instance(&rules[r], in, i),
				    &ret->checks[ret->n++]);
		}
	}
	ret->overall = overall_state(ret);
}

/* ---- small public helpers ---- */

const char *ww_state_name(enum ww_state s)
{
	switch (s) {
	case WW_STATE_OK: return "ok";
	case WW_STATE_WARNING: return "warning";
	case WW_STATE_CRITICAL: return "critical";
	case WW_STATE_UNKNOWN: break;
	}
	return "unknown";
}

int ww_state_parse(const char *name, enum ww_state *ret)
{
	static const enum ww_state all[] = { WW_STATE_OK, WW_STATE_WARNING,
					     WW_STATE_CRITICAL,
					     WW_STATE_UNKNOWN };
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(all); i++)
		if (name && strcmp(name, ww_state_name(all[i])) == 0) {
			*ret = all[i];
			return 0;
		}
	return WW_EINVAL;
}

int ww_state_rank(enum ww_state s)
{
	switch (s) {
	case WW_STATE_OK: return 0;
	case WW_STATE_UNKNOWN: return 1;
	case WW_STATE_WARNING: return 2;
	case WW_STATE_CRITICAL: return 3;
	}
	return 1;
}

const char *ww_health_source_name(enum ww_health_source_id id)
{
	static const char *const names[WW_SOURCE_COUNT] = { "log", "eventlog",
							    "database" };

	return (unsigned)id < WW_SOURCE_COUNT ? names[id] : "unknown";
}

unsigned ww_health_event_id(unsigned event_base, enum ww_state state)
{
	switch (state) {
	case WW_STATE_OK: return event_base + WW_EVENT_CLEAR;
	case WW_STATE_WARNING: return event_base + WW_EVENT_WARNING;
	case WW_STATE_CRITICAL: return event_base + WW_EVENT_CRITICAL;
	case WW_STATE_UNKNOWN: break;
	}
	return event_base + WW_EVENT_UNKNOWN;
}

void ww_health_thresholds_from_config(struct ww_health_thresholds *th,
				      const struct ww_config *cfg)
{
	th->sync_warning = cfg->thresholds.sync_warning;
	th->sync_critical = cfg->thresholds.sync_critical;
	th->sync_failures = cfg->thresholds.sync_failures;
	th->probe_failures = cfg->thresholds.probe_failures;
	th->cert_warning = cfg->thresholds.cert_warning;
	th->clock_skew = cfg->thresholds.clock_skew;
}

void ww_health_input_init(struct ww_health_input *in)
{
	memset(in, 0, sizeof(*in));
}

const struct ww_check_result *
ww_health_find(const struct ww_health_report *rep, const char *key)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		if (strcmp(rep->checks[i].key, key) == 0)
			return &rep->checks[i];
	return NULL;
}

size_t ww_health_rule_count(void)
{
	return WW_ARRAY_SIZE(rules);
}

void ww_health_rule_info(size_t i, struct ww_health_rule_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (i >= WW_ARRAY_SIZE(rules))
		return;
	ret->name = rules[i].name;
	ret->event_base = rules[i].event_base;
	ret->summary = rules[i].summary;
}

static const struct {
	char unit;
	int64_t secs;
} span_units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };

void ww_health_format_age(int64_t seconds, char *buf, size_t size)
{
	/* Hours up to a week, as administrators read sync ages ("30h"). */
	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		snprintf(buf, size, "%" PRId64 "s", seconds);
	else if (seconds < 3600)
		snprintf(buf, size, "%" PRId64 "m", seconds / 60);
	else if (seconds < 7 * 86400)
		snprintf(buf, size, "%" PRId64 "h", seconds / 3600);
	else
		snprintf(buf, size, "%" PRId64 "d", seconds / 86400);
}

void ww_health_format_span(int64_t seconds, char *buf, size_t size)
{
	size_t i;

	if (seconds <= 0) {
		snprintf(buf, size, "0s");
		return;
	}
	/* Days only from a week up, so 50h stays "50h" like the config. */
	for (i = 0; i < WW_ARRAY_SIZE(span_units); i++) {
		if (span_units[i].unit == 'd' && seconds < 7 * 86400)
			continue;
		if (seconds % span_units[i].secs == 0)
			break;
	}
	if (i == WW_ARRAY_SIZE(span_units))
		i--;
	snprintf(buf, size, "%" PRId64 "%c", seconds / span_units[i].secs,
		 span_units[i].unit);
}
