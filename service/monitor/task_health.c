/*
 * task_health.c - the "health" task: after the sources, turn the store
 * into the status model, alerts and metrics.
 *
 * One run is one ww_health_cycle() (gather from the store, evaluate the
 * rules, run the alert machine through the monitor's sink, rewrite the
 * metrics textfile when metrics.textfile is set), with the sources' own
 * trouble passed in, and then the snapshot mapped into the model:
 * health, checks[], alerts[] and the sync fields.  It is the only place
 * the model's sync fields come from, so `status`, `check` and the
 * alerts judge the same facts.
 *
 * Runs every WW_HEALTH_INTERVAL seconds (staleness grows with time alone)
 * and whenever a source stored something new (ww_monitor_kick()).
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "config.h"
#include "health_cycle.h"
#include "monitor.h"
#include "monitor_tasks.h"
#include "store.h"
#include "util.h"

#define WW_HEALTH_INTERVAL 30 /* seconds */
/* Local services, WsusPool, ContentDir's DACL and the Trusted Root store
 * change by an administrator's hand: read at most this often, not on
 * every kick (a busy log kicks health every few seconds). */
#define WW_HOST_TTL 60 /* seconds */

/* When each check entered its current state, for checks whose alert row
 * does not say (non-primary UNKNOWN is not alerted). */
struct since_entry {
	char key[WW_HEALTH_NAME_MAX * 2];
	enum ww_state state;
	int64_t since;
};

struct health_state {
	struct ww_health_input seed; /* facts not in the store, this cycle */
	struct ww_health_snapshot snap;
	struct since_entry since[WW_HEALTH_MAX_CHECKS];
	size_t nsince;
	/* The host's facts last read (hostcfg.h: TLS registry, cipher
	 * policy, w3wp.exe.config; hostsvc.h: services, WsusPool, ContentDir,
	 * Trusted Root; WsyncMgr.log, the WinHTTP proxy) and when; 0: never.  They change by an
	 * administrator's hand, not per log poll: read at most every
	 * WW_HOST_TTL seconds, whatever triggers the health task. */
	int64_t host_at;
	struct ww_health_input host; /* ww_health_copy_host_facts() */
};

/* One row of the alert table. */
struct alert_rows {
	struct ww_alert_row *rows;
	size_t n;
};

int64_t ww_task_health_interval(const struct ww_config *cfg)
{
	(void)cfg;
	return WW_HEALTH_INTERVAL * 1000;
}

int ww_task_health_init(struct ww_monitor *m, void **ret_state,
			struct ww_err *err)
{
	struct health_state *h = calloc(1, sizeof(*h));

	(void)m;
	if (!h)
		return ww_err_set(err, WW_ENOMEM, "health: out of memory");
	*ret_state = h;
	return 0;
}

void ww_task_health_release(void *state)
{
	free(state);
}

/* What the sources saw, as the health rules take it. */
static void sources_from_model(const struct ww_monitor_model *md,
			       struct ww_health_source *src)
{
	struct ww_health_source *log = &src[WW_SOURCE_LOG];
	struct ww_health_source *ev = &src[WW_SOURCE_EVENTLOG];
	struct ww_health_source *db = &src[WW_SOURCE_DATABASE];

	memset(src, 0, sizeof(*src) * WW_SOURCE_COUNT);
	/* The database is always used; its trouble is critical (health.c). */
	db->known = true;
	db->ok = !md->database.error[0];
	ww_strlcpy(db->error, md->database.error, sizeof(db->error));
	/* The log counts once the tail task has run (or failed). */
	log->known = md->log.path && (md->log.last_read_at > 0 ||
				      md->log.error[0] || md->log.offset >= 0);
	log->ok = !md->log.error[0];
	ww_strlcpy(log->error, md->log.error, sizeof(log->error));
	/*
	 * An event log that does not exist here (POSIX: available stays -1)
	 * is "not used"; one that should exist but cannot be read is a
	 * failing source, judged as diagnose judges it.
	 */
	ev->known = md->eventlog.available >= 0 && !md->eventlog.absent;
	ev->ok = md->eventlog.available == 1 && !md->eventlog.error[0];
	ww_strlcpy(ev->error, md->eventlog.error, sizeof(ev->error));
}

/*
 * The facts that are not in the store, gathered as diagnose gathers
 * them: the configuration, whether the proxy password resolves, the
 * host's TLS registry; and what the sources could read, so that a log or
 * event log that cannot be read is judged as diagnose judges it.
 */
static void seed_facts(struct health_state *h, const struct ww_config *cfg,
		       const struct ww_health_source *src, int64_t now)
{
	struct ww_health_input *in = &h->seed;
	const struct ww_health_source *log = &src[WW_SOURCE_LOG];
	const struct ww_health_source *ev = &src[WW_SOURCE_EVENTLOG];
	bool fresh = !h->host_at || now < h->host_at ||
		     now - h->host_at >= WW_HOST_TTL;

	ww_health_input_init(in);
	ww_health_seed(in, cfg, WW_SEED_SECRET | (fresh ? WW_SEED_HOST |
		       WW_SEED_LOCAL | WW_SEED_FILES : 0));
	if (fresh) {
		h->host_at = now;
		ww_health_copy_host_facts(&h->host, in);
	} else {
		ww_health_copy_host_facts(in, &h->host);
	}
	memcpy(in->sources, src, sizeof(*src) * WW_SOURCE_COUNT);
	in->log.avail = !log->known ? WW_FACT_NOT_RUN : log->ok ?
			WW_FACT_AVAILABLE : WW_FACT_UNAVAILABLE;
	ww_strlcpy(in->log.error, log->error, sizeof(in->log.error));
	ww_strlcpy(in->log.path, cfg->wsus.log ? cfg->wsus.log : "",
		   sizeof(in->log.path));
	in->events.avail = !ev->known ? WW_FACT_NOT_RUN : ev->ok ?
			   WW_FACT_AVAILABLE : WW_FACT_UNAVAILABLE;
	ww_strlcpy(in->events.error, ev->error, sizeof(in->events.error));
	snprintf(in->events.where, sizeof(in->events.where),
		 "in the Application log");
}

/* alerts.eventlog / alerts.syslog decide whether the OS sink hears alerts. */
static const struct ww_alert_sink *alert_sink(struct ww_monitor *m,
					      const struct ww_config *cfg)
{
	const struct ww_alert_sink *s = ww_monitor_sink(m);

	if (!s || !s->name)
		return s;
	if (strcmp(s->name, "eventlog") == 0 && !cfg->alerts.eventlog)
		return NULL;
	if (strcmp(s->name, "syslog") == 0 && !cfg->alerts.syslog)
		return NULL;
	return s;
}

static int load_alert_rows(struct ww_store *st, struct alert_rows *a,
			   struct ww_err *err)
{
	a->n = 0;
	a->rows = calloc(WW_ALERT_MAX_ROWS, sizeof(*a->rows));
	if (!a->rows)
		return ww_err_set(err, WW_ENOMEM, "health: out of memory");
	return ww_alert_rows_load(st, a->rows, WW_ALERT_MAX_ROWS, &a->n, err);
}

static const struct ww_alert_row *find_row(const struct alert_rows *a,
					const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].name, name) == 0)
			return &a->rows[i];
	return NULL;
}

/* Since when check c is in its state: the alert row, else our memory. */
static int64_t check_since(struct health_state *h, const struct alert_rows *a,
			   const struct ww_check_result *c, int64_t now)
{
	const struct ww_alert_row *row = find_row(a, c->key);
	struct since_entry *e = NULL;
	size_t i;

	for (i = 0; i < h->nsince; i++)
		if (strcmp(h->since[i].key, c->key) == 0)
			e = &h->since[i];
	if (!e && h->nsince < WW_ARRAY_SIZE(h->since)) {
		e = &h->since[h->nsince++];
		ww_strlcpy(e->key, c->key, sizeof(e->key));
		e->state = c->state;
		e->since = now;
	}
	if (row && strcmp(row->state, ww_state_name(c->state)) == 0) {
		if (e)
			e->since = row->since;
		return row->since;
	}
	if (!e)
		return 0;
	if (e->state != c->state) {
		e->state = c->state;
		e->since = now;
	}
	return e->since;
}

/* An alert row's or a check's since: 0 when not known. */
static cJSON *time_json(int64_t t)
{
	return ww_json_time(t > 0 ? t : WW_TIME_NONE);
}

static cJSON *str_json(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *checks_json(struct health_state *h, const struct alert_rows *a,
			  int64_t now)
{
	const struct ww_health_report *rep = &h->snap.rep;
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];
		cJSON *o;

		if (c->skipped)
			continue;
		o = ww_health_check_json(rep, c);
		if (!o)
			break;
		cJSON_AddItemToObject(o, "since",
				      time_json(check_since(h, a, c, now)));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* Active alerts: every alert row not in state ok. */
static cJSON *alerts_json(const struct alert_rows *a)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < a->n; i++) {
		const struct ww_alert_row *row = &a->rows[i];
		cJSON *o;

		if (strcmp(row->state, "ok") == 0)
			continue;
		o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "name", row->name);
		cJSON_AddStringToObject(o, "state", "active");
		cJSON_AddStringToObject(o, "level", row->state);
		cJSON_AddItemToObject(o, "since", time_json(row->since));
		if (row->event_id > 0)
			cJSON_AddNumberToObject(o, "event_id", (double)row->event_id);
		else
			cJSON_AddNullToObject(o, "event_id");
		cJSON_AddItemToObject(o, "reason", str_json(row->reason));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void model_from_snapshot(struct ww_monitor_model *md,
				struct health_state *h,
				const struct alert_rows *a, int64_t now)
{
	const struct ww_health_input *in = &h->snap.in;

	md->health = ww_state_name(h->snap.rep.overall);
	md->last_successful_sync = in->have_success ? in->last_success : 0;
	md->last_sync_attempt = in->have_attempt ? in->last_attempt : 0;
	ww_strlcpy(md->last_sync_result, in->have_attempt ? in->last_result : "",
		   sizeof(md->last_sync_result));
	cJSON_Delete(md->checks);
	md->checks = checks_json(h, a, now);
	cJSON_Delete(md->cause);
	md->cause = ww_health_cause_json(&h->snap.rep,
					 ww_health_headline(&h->snap.rep));
	/* Without the alert table the previous alerts stay as they were. */
	if (a->rows) {
		cJSON_Delete(md->alerts);
		md->alerts = alerts_json(a);
	}
}

/* The store cannot be opened: judge what is known, database critical. */
static void judge_without_store(struct health_state *h, int64_t now,
				const struct ww_err *err)
{
	struct ww_health_source *db;

	memset(&h->snap, 0, sizeof(h->snap));
	h->snap.in = h->seed;
	db = &h->snap.in.sources[WW_SOURCE_DATABASE];
	db->known = true;
	db->ok = false;
	ww_strlcpy(db->error, err->msg, sizeof(db->error));
	ww_health_evaluate(&h->snap.in, now, &h->snap.rep);
}

int ww_task_health_run(struct ww_monitor *m, void *state, int64_t now,
		       struct ww_err *err)
{
	struct health_state *h = state;
	const struct ww_config *cfg = ww_monitor_config(m);
	struct ww_monitor_model *md = ww_monitor_model(m);
	struct ww_health_source src[WW_SOURCE_COUNT];
	const struct ww_alert_sink *sink;
	struct alert_rows rows = { NULL, 0 };
	struct ww_store *st;
	struct ww_err aerr;
	int r;

	sources_from_model(md, src);
	seed_facts(h, cfg, src, now);
	r = ww_monitor_store(m, &st, err);
	if (r) {
		judge_without_store(h, now, err);
		model_from_snapshot(md, h, &rows, now);
		/* As ww_health_cycle() does: the textfile says so too. */
		ww_err_clear(&aerr);
		if (cfg->metrics.textfile && cfg->metrics.textfile[0])
			ww_metrics_write(cfg->metrics.textfile, &h->snap, &aerr);
		return r;
	}
	sink = alert_sink(m, cfg);
	r = ww_health_cycle(st, cfg, now, &h->seed, sink, sink ? 1 : 0, &h->snap,
			    err);
	ww_err_clear(&aerr);
	if (load_alert_rows(st, &rows, &aerr) && !r) {
		*err = aerr;
		r = aerr.code ? aerr.code : WW_EIO;
	}
	model_from_snapshot(md, h, &rows, now);
	free(rows.rows);
	return r;
}
