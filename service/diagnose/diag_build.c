/*
 * diag_build.c - judge what diagnose gathered (pure: data + now in,
 * report out; no I/O, no clock).
 *
 * diagnose has no judgement of its own.  It turns this pass's
 * observations into the engine's facts (struct ww_health_input), runs
 * the one check table (service/engine/checks.c) that the service runs
 * every health cycle, and lays the results out in the guide's groups.
 * Same facts, same verdict: a check present in both `diagnose --json`
 * and `status --json` has the same state (tests/integration/
 * verdict_same.py).  Unknown items never make the verdict worse than
 * the checks do: "cannot see" is reported, not guessed.
 */
#include "compat.h"

#include "config_keys.h"
#include "diagnose.h"
#include "runs_summary.h"
#include "tail.h"
#include "util.h"

const char *ww_diag_state_name(enum ww_diag_state s)
{
	return s == WW_DIAG_SKIPPED ? "skipped" :
					ww_state_name((enum ww_state)s);
}

static const char *const group_names[WW_DIAG_GROUP_COUNT] = {
	"Configuration", "Host TLS configuration", "Local services",
	"Network path", "WSUS log", "Event log", "Verdict"
};

static struct ww_diag_item *item(struct ww_diag_report *r, int g,
				 const char *name, enum ww_diag_state st)
{
	struct ww_diag_group *grp = &r->groups[g];
	struct ww_diag_item *it;

	if (grp->n >= WW_DIAG_ITEMS_MAX)
		it = &grp->items[WW_DIAG_ITEMS_MAX - 1]; /* overwrite the last */
	else
		it = &grp->items[grp->n++];
	memset(it, 0, sizeof(*it));
	ww_strlcpy(it->name, name, sizeof(it->name));
	it->state = st;
	it->counts = true;
	return it;
}

/* ---- health input from this pass ---- */

/*
 * The runs of this pass, summarised by the rules the service applies to
 * the store's rows (ww_runs_summarise(), probes/synclog/runs_summary.c):
 * two sources, the log's runs in the order the log has them, and the
 * event log's results (the newest WW_DIAG_EVENT_RESULTS and the last
 * success) in the order the event log wrote them (record IDs).
 */
#define EVENT_FACTS (WW_DIAG_EVENT_RESULTS + 1)

static void log_run_get(const void *runs, size_t i, struct ww_run_fact *ret)
{
	const struct ww_sync_run *r = &((const struct ww_sync_run *)runs)[i];

	ret->started_at = r->started_at;
	ret->finished_at = r->finished_at;
	ret->result = r->result;
	/* After every event: of two attempts of the same second, the
	 * log's is the one shown. */
	ret->seq = EVENT_FACTS + (int64_t)i;
}

static void event_get(const void *results, size_t i, struct ww_run_fact *ret)
{
	const struct ww_diag_result *r =
		((const struct ww_diag_result *const *)results)[i];

	ret->started_at = WW_TIME_UNKNOWN;
	ret->finished_at = r->at;
	ret->result = r->failed ? WW_SYNC_FAILED : WW_SYNC_SUCCEEDED;
	ret->seq = (int64_t)i;
}

/* Insertion sort by record, once each: at most EVENT_FACTS results. */
static void event_add(const struct ww_diag_result **f, size_t *n,
		      const struct ww_diag_result *r)
{
	size_t i = *n;

	while (i > 0 && f[i - 1]->record >= r->record) {
		if (f[i - 1]->record == r->record)
			return; /* the last success, also among the newest */
		i--;
	}
	memmove(&f[i + 1], &f[i], (*n - i) * sizeof(*f));
	f[i] = r;
	(*n)++;
}

static size_t event_results(const struct ww_diag_events *e,
			    const struct ww_diag_result *f[EVENT_FACTS])
{
	size_t i, n = 0;

	for (i = 0; i < e->n_results; i++)
		event_add(f, &n, &e->results[i]);
	if (e->have_success)
		event_add(f, &n, &e->success);
	return n;
}

/* The kept reason of the failure with this record, "" when not kept. */
static const char *event_reason(const struct ww_diag_events *e,
				uint64_t record)
{
	size_t i;

	for (i = 0; i < e->n_reasons; i++)
		if (e->reasons[i].record == record)
			return e->reasons[i].error;
	return "";
}

static void input_sync(const struct ww_diag_data *d, struct ww_health_input *in)
{
	const struct ww_sync_run_list *l = &d->log.runs;
	const struct ww_diag_result *ev[EVENT_FACTS];
	struct ww_run_source srcs[2] = {
		{ l->runs, l->n, log_run_get },
		{ ev, 0, event_get },
	};
	struct ww_runs_summary sum;
	struct ww_run_at at;
	const char *error = "";

	srcs[1].n = event_results(&d->events, ev);
	ww_runs_summarise(srcs, WW_ARRAY_SIZE(srcs), d->now, in->th.clock_skew,
			  &sum, &at);
	/* The latest attempt's reason: the log run's, or the 386's. */
	if (at.found && at.source == 0 &&
	    l->runs[at.index].result == WW_SYNC_FAILED)
		error = l->runs[at.index].error;
	else if (at.found && at.source == 1 && ev[at.index]->failed)
		error = event_reason(&d->events, ev[at.index]->record);
	ww_strlcpy(sum.last_error, error, sizeof(sum.last_error));
	ww_health_input_set_runs(in, &sum);
}

static enum ww_fact_avail fact_avail(enum ww_diag_avail a)
{
	switch (a) {
	case WW_DIAG_AVAILABLE: return WW_FACT_AVAILABLE;
	case WW_DIAG_NOT_HERE: return WW_FACT_NOT_HERE;
	case WW_DIAG_UNAVAILABLE: return WW_FACT_UNAVAILABLE;
	case WW_DIAG_NOT_RUN: break;
	}
	return WW_FACT_NOT_RUN;
}

/* What was read of the log, as the log_file check shows it. */
static void input_log(const struct ww_diag_data *d, struct ww_health_input *in)
{
	const struct ww_diag_log *l = &d->log;
	struct ww_health_log *f = &in->log;

	/* A log that is not there: unknown history, as "no such file". */
	f->avail = l->avail == WW_DIAG_NOT_RUN ? WW_FACT_NOT_HERE :
		   fact_avail(l->avail);
	ww_strlcpy(f->error, l->error, sizeof(f->error));
	ww_strlcpy(f->path, l->path ? l->path : "", sizeof(f->path));
	memcpy(f->findings, l->findings, sizeof(f->findings));
	if (l->avail != WW_DIAG_AVAILABLE)
		return;
	snprintf(f->detail, sizeof(f->detail), "%" PRIu64 " records, %zu sync "
		 "runs in the last %" PRIu64 " KiB read; .old: %s%s, log: %"
		 PRIu64 " bytes from offset %" PRIu64 "; %" PRIu64 " malformed "
		 "lines", l->stats.records, l->runs.n, l->stats.bytes / 1024,
		 l->files[0].present ? "present" : "absent",
		 l->files[0].present && l->files[0].offset < l->files[0].size ?
		 " (tail read)" : "", l->files[1].size, l->files[1].offset,
		 l->stats.malformed);
}

static void copy_seen(const struct ww_diag_evseen *s,
		      struct ww_evstore_seen *f)
{
	f->count = s->count;
	f->last_at = s->last_at;
	f->last_id = s->last_id;
	ww_strlcpy(f->example, s->example, sizeof(f->example));
}

/* "content directory (12072) 2x, Client Web Service (12022, unconfirmed) 1x" */
static void components(const struct ww_diag_events *e, char *buf,
		       size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < e->n_checks && n < size; i++) {
		const struct ww_meaning_row *row = ww_wsus_meaning(e->checks[i].id);
		const char *what = ww_wsus_component(e->checks[i].id);
		int k = snprintf(buf + n, size - n, "%s%s (%" PRIu32 "%s) %"
				 PRIu64 "x", i ? ", " : "",
				 what ? what : "unknown component",
				 e->checks[i].id,
				 row && row->confidence == WW_CONF_CONFIRMED ?
				 "" : ", unconfirmed", e->checks[i].count);

		if (k < 0)
			break;
		n += (size_t)k;
	}
}

/* What was read of the event log, where, and the events that judge. */
static void input_events(const struct ww_diag_data *d,
			 struct ww_health_input *in)
{
	const struct ww_diag_events *e = &d->events;
	struct ww_health_events *f = &in->events;
	char since[WW_ISO_TIME_LEN];

	f->avail = fact_avail(e->avail);
	ww_strlcpy(f->error, e->error, sizeof(f->error));
	f->count = e->count;
	f->catalog_record = e->catalog_record;
	copy_seen(&e->content, &f->content);
	copy_seen(&e->self_check, &f->self_check);
	components(e, f->components, sizeof(f->components));
	if (e->file) {
		snprintf(f->where, sizeof(f->where), "in the export");
		ww_strlcpy(f->file, e->file, sizeof(f->file));
		snprintf(f->detail, sizeof(f->detail), "%s: %" PRIu64 " events "
			 "in the file, %" PRIu64 " malformed%s%s", e->file,
			 e->import.events, e->import.malformed,
			 e->import.note[0] ? "; " : "", e->import.note);
		return;
	}
	snprintf(f->where, sizeof(f->where), "in the last %" PRId64 " days of "
		 "the Application log", (d->now - e->scan.since) / 86400);
	ww_time_format_iso(e->scan.since, since);
	snprintf(f->detail, sizeof(f->detail), "read newest first back to %s, "
		 "at most %u events%s; %" PRIu64 " could not be rendered", since,
		 e->scan.max_events, e->scan.capped ? " (reached)" : "",
		 e->scan.unreadable);
}

static void input_sources(const struct ww_diag_data *d,
			  struct ww_health_input *in)
{
	struct ww_health_source *log = &in->sources[WW_SOURCE_LOG];
	struct ww_health_source *ev = &in->sources[WW_SOURCE_EVENTLOG];

	/* A log that does not exist is "cannot see", not a failing source. */
	log->known = d->log.avail == WW_DIAG_AVAILABLE ||
		     d->log.avail == WW_DIAG_UNAVAILABLE;
	log->ok = d->log.avail == WW_DIAG_AVAILABLE;
	ww_strlcpy(log->error, d->log.error, sizeof(log->error));
	ev->known = d->events.avail == WW_DIAG_AVAILABLE ||
		    d->events.avail == WW_DIAG_UNAVAILABLE;
	ev->ok = d->events.avail == WW_DIAG_AVAILABLE;
	ww_strlcpy(ev->error, d->events.error, sizeof(ev->error));
}

static void input_config(const struct ww_diag_data *d,
			 struct ww_health_input *in)
{
	ww_health_seed(in, d->cfg, WW_SEED_FILES);
	/* diagnose --config FILE: the administrator described the server. */
	in->source_known = in->source_known || d->from_file;
	in->secret.checked = in->secret.configured;
	in->secret.ok = d->proxy_password_ok;
	ww_strlcpy(in->secret.error, d->proxy_password_error,
		   sizeof(in->secret.error));
	ww_strlcpy(in->secret.user, d->proxy_credential_user,
		   sizeof(in->secret.user));
	in->host_avail = d->host_avail;
	ww_strlcpy(in->host_error, d->host_error, sizeof(in->host_error));
	in->host = d->host;
	in->local_avail = d->local_avail;
	ww_strlcpy(in->local_error, d->local_error, sizeof(in->local_error));
	in->local = d->local;
	/* Probes switched off are "skipped" here, not "not gathered". */
	in->probes_avail = d->probes_avail == WW_DIAG_NOT_RUN ?
			   WW_FACT_NOT_HERE : fact_avail(d->probes_avail);
	ww_strlcpy(in->probes_error, d->probes_error, sizeof(in->probes_error));
}

static void build_input(const struct ww_diag_data *d,
			struct ww_health_input *in)
{
	size_t i;

	ww_health_input_init(in);
	input_config(d, in);
	input_sync(d, in);
	in->have_wsus_event = d->events.have_catalog;
	in->wsus_event_id = d->events.catalog_id;
	in->wsus_event_at = d->events.catalog_at;
	for (i = 0; i < d->n_probes && i < WW_HEALTH_MAX_TARGETS; i++)
		ww_probe_summary_from_result(&d->probes[i],
					     &in->targets[in->ntargets++]);
	input_sources(d, in);
	input_log(d, in);
	input_events(d, in);
}

/* ---- the report ---- */

static int group_of(enum ww_section s)
{
	switch (s) {
	case WW_SECTION_CONFIGURATION: return WW_DIAG_CONFIGURATION;
	case WW_SECTION_HOST_TLS: return WW_DIAG_HOST_TLS;
	case WW_SECTION_SERVICES: return WW_DIAG_SERVICES;
	case WW_SECTION_NETWORK: return WW_DIAG_NETWORK;
	case WW_SECTION_LOG: return WW_DIAG_LOG;
	case WW_SECTION_EVENTLOG: return WW_DIAG_EVENTLOG;
	default: break;
	}
	return WW_DIAG_VERDICT;
}

static void add_item(struct ww_diag_report *r, size_t k)
{
	const struct ww_check_result *c = &r->health.checks[k];
	struct ww_diag_item *it;

	it = item(r, group_of(c->section), c->item, c->skipped ?
		  WW_DIAG_SKIPPED : (enum ww_diag_state)c->state);
	it->check = k;
	it->counts = !c->skipped && c->counts && c->kind != WW_KIND_INFO;
	ww_strlcpy(it->summary, c->reason, sizeof(it->summary));
	ww_strlcpy(it->hint, c->fix, sizeof(it->hint));
	if (c->threshold[0] && c->evidence[0])
		snprintf(it->evidence, sizeof(it->evidence), "%s; %s",
			 c->evidence, c->threshold);
	else
		ww_strlcpy(it->evidence, c->evidence[0] ? c->evidence :
			   c->threshold, sizeof(it->evidence));
}

static bool find_item(const struct ww_diag_report *r, size_t check, int *g,
		      size_t *i)
{
	for (*g = 0; *g < WW_DIAG_GROUP_COUNT; (*g)++)
		for (*i = 0; *i < r->groups[*g].n; (*i)++)
			if (r->groups[*g].items[*i].check == check)
				return true;
	return false;
}

/*
 * First to fix: the causes that are not ok in the engine's causal order,
 * then the symptoms and wsuswatch's own trouble, then what cannot be
 * seen but could be made visible.  Only items that count toward the
 * verdict (and unknown ones with a fix); a warning without a fix is
 * listed with its summary.
 */
static void pick_fixes(struct ww_diag_report *r)
{
	size_t order[WW_HEALTH_MAX_CHECKS], n, k;
	int g;
	size_t i;

	n = ww_health_fix_order(&r->health, order, WW_ARRAY_SIZE(order));
	r->n_fix = 0;
	for (k = 0; k < n && r->n_fix < WW_DIAG_FIX_MAX; k++) {
		if (!find_item(r, order[k], &g, &i))
			continue;
		r->fix[r->n_fix].group = g;
		r->fix[r->n_fix].item = i;
		r->n_fix++;
	}
}

void ww_diag_build(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	int g;
	size_t k;

	memset(r, 0, sizeof(*r));
	for (g = 0; g < WW_DIAG_GROUP_COUNT; g++)
		r->groups[g].name = group_names[g];
	build_input(d, &r->in);
	ww_health_evaluate(&r->in, d->now, &r->health);
	for (k = 0; k < r->health.n; k++)
		add_item(r, k);
	r->verdict = (enum ww_diag_state)r->health.overall;
	pick_fixes(r);
}

void ww_diag_data_init(struct ww_diag_data *d, const struct ww_config *cfg,
		       int64_t now)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->now = now;
	d->log.path = cfg->wsus.log;
	d->log.chunk = ww_tail_initial_max(cfg->wsus.log_rollover);
	/* Not gathered until the caller reads them (gather_host). */
	d->host_avail = WW_FACT_NOT_RUN;
	d->local_avail = WW_FACT_NOT_RUN;
	ww_sync_run_list_init(&d->log.runs, WW_DIAG_RUNS_MAX);
}

void ww_diag_data_release(struct ww_diag_data *d)
{
	free(d->probes);
	d->probes = NULL;
	d->n_probes = 0;
	ww_sync_run_list_release(&d->log.runs);
}
