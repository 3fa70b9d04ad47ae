/*
 * health.c - the one evaluator of the check table (checks.c) and the
 * cause attribution.
 *
 * The evaluator is the only place that turns values into states, so
 * every check behaves the same at its boundaries; rules whose state is a
 * classification rather than a number let the measure choose the state
 * (CMP_STATE).  After every check is judged, each symptom that is not ok
 * is linked to the most likely cause that is not ok (cause_order()), and
 * the report's headline is chosen: every face shows the same.
 */
#include "compat.h"

#include "checks.h"
#include "config.h"
#include "health.h"
#include "runs_summary.h"
#include "util.h"

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

/* State of a numeric measure; *level (when not NULL) names the crossed
 * threshold. */
static enum ww_state compare(const struct rule *r,
			     const struct ww_health_thresholds *t, int64_t v,
			     char *level, size_t size)
{
	if (level)
		level[0] = '\0';
	if (r->crit != TH_NONE && crosses(r->cmp, v, th_value(t, r->crit))) {
		if (level)
			format_level(r, "critical", th_value(t, r->crit),
				     level, size);
		return WW_STATE_CRITICAL;
	}
	if (r->warn != TH_NONE && crosses(r->cmp, v, th_value(t, r->warn))) {
		if (level)
			format_level(r, "warning", th_value(t, r->warn), level,
				     size);
		return WW_STATE_WARNING;
	}
	return WW_STATE_OK;
}

enum ww_state ww_health_rule_judge(const char *name,
				   const struct ww_health_thresholds *t,
				   int64_t v)
{
	size_t i;

	for (i = 0; i < ww_rules_n; i++)
		if (strcmp(ww_rules[i].name, name) == 0)
			return compare(&ww_rules[i], t, v, NULL, 0);
	return WW_STATE_UNKNOWN;
}

static void fill_meta(const struct rule *r, const struct measure *m,
		      const char *instance, struct ww_check_result *c)
{
	memset(c, 0, sizeof(*c));
	c->check = r->name;
	c->event_base = r->event_base;
	c->primary = r->primary || m->primary;
	c->kind = r->kind;
	c->cls = r->cls;
	c->section = r->section;
	c->guide = r->guide;
	c->rank = m->rank;
	c->cause = -1;
	c->counts = !m->no_count;
	ww_strlcpy(c->instance, instance, sizeof(c->instance));
	snprintf(c->key, sizeof(c->key), "%s%s%s", r->name,
		 instance[0] ? ":" : "", instance);
	/* Diagnose's name: the measure's, the table's, else the key. */
	ww_strlcpy(c->item, m->item[0] ? m->item :
		   r->item && r->item[0] ? r->item : c->key, sizeof(c->item));
	ww_strlcpy(c->evidence, m->evidence, sizeof(c->evidence));
	ww_strlcpy(c->fix, m->fix, sizeof(c->fix));
	ww_strlcpy(c->stage, m->stage, sizeof(c->stage));
	ww_strlcpy(c->code, m->code, sizeof(c->code));
	ww_strlcpy(c->cause_text, m->cause_text[0] ? m->cause_text : m->text,
		   sizeof(c->cause_text));
}

static void fill_result(const struct rule *r, const struct ww_health_input *in,
			const struct measure *m, const char *instance,
			struct ww_check_result *c)
{
	char level[64];

	fill_meta(r, m, instance, c);
	format_thresholds(r, &in->th, c->threshold, sizeof(c->threshold));
	if (m->kind == M_NODATA || m->kind == M_SKIPPED) {
		c->state = WW_STATE_UNKNOWN;
		c->skipped = m->kind == M_SKIPPED;
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
		return;
	}
	c->have_value = true;
	c->raw_value = m->value;
	if (r->cmp == CMP_STATE || m->state == WW_STATE_UNKNOWN) {
		/* A numeric rule's measure may still say "cannot judge". */
		c->state = m->state;
		c->quiet = m->quiet && (m->state == WW_STATE_WARNING ||
					m->state == WW_STATE_CRITICAL);
		ww_strlcpy(c->value, ww_state_name(c->state), sizeof(c->value));
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
		return;
	}
	format_value(r->unit, false, m->value, c->value, sizeof(c->value));
	c->state = compare(r, &in->th, m->value, level, sizeof(level));
	if (ww_state_rank(m->floor) > ww_state_rank(c->state)) {
		c->state = m->floor;
		c->quiet = true;
	}
	if (level[0])
		snprintf(c->reason, sizeof(c->reason), "%s (%s)", m->text,
			 level);
	else
		ww_strlcpy(c->reason, m->text, sizeof(c->reason));
}

static size_t scope_count(const struct rule *r,
			  const struct ww_health_input *in)
{
	struct ww_hostcfg_report hr;

	switch (r->scope) {
	case SCOPE_TARGET: return in->ntargets;
	case SCOPE_SOURCE: return WW_SOURCE_COUNT;
	case SCOPE_HOST: return ww_checks_host_items(in, &hr);
	case SCOPE_FINDING: return WW_CAT_COUNT;
	case SCOPE_SERVICE: return WW_HOSTSVC_N;
	case SCOPE_GLOBAL: break;
	}
	return 1;
}

static void scope_instance(const struct rule *r,
			   const struct ww_health_input *in, size_t i,
			   const struct measure *m, char *buf, size_t size)
{
	switch (r->scope) {
	case SCOPE_TARGET:
		ww_strlcpy(buf, in->targets[i].name, size);
		return;
	case SCOPE_SOURCE:
		ww_strlcpy(buf, ww_health_source_name(i), size);
		return;
	case SCOPE_HOST:
		ww_strlcpy(buf, m->item, size);
		return;
	case SCOPE_FINDING:
		ww_strlcpy(buf, ww_synclog_category_name(
				   (enum ww_synclog_category)i), size);
		return;
	case SCOPE_SERVICE:
		ww_strlcpy(buf, ww_hostsvc_service_name(
				   (enum ww_hostsvc_id)i), size);
		return;
	case SCOPE_GLOBAL:
		break;
	}
	buf[0] = '\0';
}

/* Whether c takes part in the overall state. */
static bool judged(const struct ww_check_result *c)
{
	return !c->skipped && c->kind != WW_KIND_INFO;
}

static enum ww_state overall_state(const struct ww_health_report *rep)
{
	enum ww_state worst = WW_STATE_OK;
	size_t i;
	bool any = false;

	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];
		enum ww_state s = c->state;

		if (!judged(c))
			continue;
		any = true;
		if (s == WW_STATE_UNKNOWN ? !c->primary : !c->counts)
			continue;
		if (ww_state_rank(s) > ww_state_rank(worst))
			worst = s;
	}
	return any ? worst : WW_STATE_UNKNOWN;
}

/* ---- cause attribution ---- */

static bool is_bad(enum ww_state s)
{
	return s == WW_STATE_WARNING || s == WW_STATE_CRITICAL;
}

/*
 * Whether cause a comes before cause b: by class (health.h: settings,
 * host TLS, local services, the network path, the log after the last
 * success, WSUS's events), then the probe stage or category rank, then
 * critical before warning, then table order.
 */
static bool cause_before(const struct ww_check_result *a, size_t ia,
			 const struct ww_check_result *b, size_t ib)
{
	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (a->state != b->state)
		return ww_state_rank(a->state) > ww_state_rank(b->state);
	return ia < ib;
}

/* The index of the most likely cause that is not ok, or -1. */
static int find_cause(const struct ww_health_report *rep)
{
	int best = -1;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (c->kind != WW_KIND_CAUSE || c->skipped || !c->counts ||
		    !is_bad(c->state))
			continue;
		if (best < 0 || cause_before(c, i, &rep->checks[best],
					     (size_t)best))
			best = (int)i;
	}
	return best;
}

/*
 * The check that explains the overall state: a symptom in that state
 * (it carries its cause), else the most causal check in that state, else
 * the first in that state.
 */
static int find_headline(const struct ww_health_report *rep)
{
	int sym = -1, cause = -1, any = -1;
	size_t i;

	if (rep->overall == WW_STATE_OK)
		return -1;
	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (!judged(c) || c->state != rep->overall ||
		    (c->state != WW_STATE_UNKNOWN && !c->counts))
			continue;
		if (any < 0)
			any = (int)i;
		if (c->kind == WW_KIND_SYMPTOM && sym < 0)
			sym = (int)i;
		if (c->kind == WW_KIND_CAUSE &&
		    (cause < 0 || cause_before(c, i, &rep->checks[cause],
					       (size_t)cause)))
			cause = (int)i;
	}
	return sym >= 0 ? sym : cause >= 0 ? cause : any;
}

static void attribute(struct ww_health_report *rep)
{
	int cause = find_cause(rep);
	size_t i;

	for (i = 0; i < rep->n; i++) {
		struct ww_check_result *c = &rep->checks[i];

		if (c->kind == WW_KIND_SYMPTOM && c->state != WW_STATE_OK &&
		    !c->skipped)
			c->cause = cause;
	}
	rep->headline = find_headline(rep);
}

const struct ww_check_result *
ww_health_cause_of(const struct ww_health_report *rep,
		   const struct ww_check_result *c)
{
	if (!c)
		return NULL;
	if ((c->kind == WW_KIND_CAUSE || c->kind == WW_KIND_FINDING) &&
	    is_bad(c->state))
		return c;
	if (c->cause >= 0 && (size_t)c->cause < rep->n)
		return &rep->checks[c->cause];
	return NULL;
}

/* Rank of c in the fix order, 0 when it is not listed. */
static int fix_level(const struct ww_health_report *rep,
		     const struct ww_check_result *c)
{
	if (c->skipped || c->kind == WW_KIND_INFO)
		return 0;
	if (is_bad(c->state) && c->counts)
		return c->kind == WW_KIND_CAUSE ||
		       c->kind == WW_KIND_FINDING ? 1 :
		       c->kind == WW_KIND_SYMPTOM ? 2 : 3;
	if (c->state == WW_STATE_UNKNOWN && c->fix[0] &&
	    (c->primary || rep->overall == WW_STATE_UNKNOWN))
		return 4;
	return 0;
}

size_t ww_health_fix_order(const struct ww_health_report *rep, size_t *ret,
			   size_t max)
{
	size_t n = 0, i, j;
	int level;

	for (level = 1; level <= 4; level++) {
		size_t first = n;

		for (i = 0; i < rep->n && n < max; i++) {
			if (fix_level(rep, &rep->checks[i]) != level)
				continue;
			/* Insertion in causal order (stable for equal ones). */
			for (j = n; j > first && cause_before(&rep->checks[i], i,
					&rep->checks[ret[j - 1]], ret[j - 1]); j--)
				ret[j] = ret[j - 1];
			ret[j] = i;
			n++;
		}
	}
	return n;
}

static void evaluate_rule(const struct rule *r,
			  const struct ww_health_input *in, int64_t now,
			  struct ww_health_report *ret)
{
	size_t i, n = scope_count(r, in);

	for (i = 0; i < n && ret->n < WW_HEALTH_MAX_CHECKS; i++) {
		struct measure m;
		char inst[WW_HEALTH_NAME_MAX];

		memset(&m, 0, sizeof(m));
		m.kind = M_NA;
		m.floor = WW_STATE_OK;
		r->measure(in, i, now, &m);
		if (m.kind == M_NA)
			continue;
		scope_instance(r, in, i, &m, inst, sizeof(inst));
		fill_result(r, in, &m, inst, &ret->checks[ret->n++]);
	}
}

void ww_health_evaluate(const struct ww_health_input *in, int64_t now,
			struct ww_health_report *ret)
{
	size_t r;

	ret->at = now;
	ret->n = 0;
	for (r = 0; r < ww_rules_n; r++)
		evaluate_rule(&ww_rules[r], in, now, ret);
	ret->overall = overall_state(ret);
	attribute(ret);
}

/* ---- small public helpers ---- */

const char *ww_check_kind_name(enum ww_check_kind k)
{
	switch (k) {
	case WW_KIND_CAUSE: return "cause";
	case WW_KIND_SYMPTOM: return "symptom";
	case WW_KIND_MONITOR: return "monitor";
	case WW_KIND_FINDING: return "finding";
	case WW_KIND_INFO: break;
	}
	return "info";
}

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
	/* A disconnected server's freshness is its last import's. */
	th->sync_warning = cfg->wsus.disconnected ?
			   cfg->thresholds.import_warning :
			   cfg->thresholds.sync_warning;
	th->sync_critical = cfg->wsus.disconnected ?
			    cfg->thresholds.import_critical :
			    cfg->thresholds.sync_critical;
	th->sync_failures = cfg->thresholds.sync_failures;
	th->probe_failures = cfg->thresholds.probe_failures;
	th->cert_warning = cfg->thresholds.cert_warning;
	th->clock_skew = cfg->thresholds.clock_skew;
}

void ww_health_input_init(struct ww_health_input *in)
{
	memset(in, 0, sizeof(*in));
}

void ww_health_input_set_runs(struct ww_health_input *in,
			      const struct ww_runs_summary *r)
{
	in->sync_runs = r->runs;
	in->first_observed = r->first_observed;
	in->have_success = r->have_success;
	in->last_success = r->last_success;
	in->ahead_runs = r->ahead_runs;
	in->ahead_latest = r->ahead_latest;
	in->have_attempt = r->have_attempt;
	in->last_attempt = r->last_attempt;
	ww_strlcpy(in->last_result, r->last_result, sizeof(in->last_result));
	ww_strlcpy(in->last_error, r->last_error, sizeof(in->last_error));
	in->consecutive_failures = r->consecutive_failures;
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
	return ww_rules_n;
}

void ww_health_rule_info(size_t i, struct ww_health_rule_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (i >= ww_rules_n)
		return;
	ret->name = ww_rules[i].name;
	ret->event_base = ww_rules[i].event_base;
	ret->summary = ww_rules[i].summary;
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
