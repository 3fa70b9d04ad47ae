/*
 * monitor.c - the loop thread, its scheduler, the worker threads of the
 * slow tasks and the published status snapshot.
 *
 * Only the loop thread touches the model, the task states and whatever the
 * tasks keep (the store connection among them).  The control thread reads
 * nothing but the snapshot, which is replaced whole under snap_lock and
 * never modified once published.  Workers see only their job.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "config.h"
#include "control.h"
#include "health_cycle.h"
#include "history.h"
#include "monitor.h"
#include "os.h"
#include "store.h"
#include "util.h"

#define WW_LOOP_MAX_SLEEP_MS 1000 /* the loop re-checks at least this often */
#define WW_PUBLISH_EVERY_MS 10000 /* snapshot refresh even when idle */

struct ww_hist {
	int64_t at;
	const char *task;      /* the static name of the task */
	bool ok;
	int64_t elapsed_ms;
	char error[WW_TASK_ERROR_MAX];
};

/* An immutable published snapshot; refs protected by snap_lock. */
struct ww_snapshot {
	int refs;
	char *status_json;
	char *version_json;
	char *database;       /* the store's path, for history requests */
	struct ww_hist *hist; /* oldest first */
	size_t nhist;
};

struct ww_worker {
	struct ww_monitor *m;
	struct ww_task_state *task;
	struct ww_thread *thread;
	struct ww_event *go;
	struct ww_mutex *lock;
	void *job;             /* set by the loop before go, read by the worker */
	int rc;                /* results, under lock */
	struct ww_err err;
	bool done;
	bool quit;
};

struct ww_monitor {
	struct ww_config cfg;
	struct ww_monitor_opts opts;
	const struct ww_task_def *defs;
	size_t ntasks;
	struct ww_task_state *tasks;
	struct ww_worker *workers; /* one per task; thread only for worker lane */
	struct ww_monitor_model model;
	int64_t started_at;

	struct ww_event *stop;
	struct ww_event *wake;
	struct ww_event *loop_done;
	struct ww_thread *loop;
	struct ww_control_server *control;
	int exit_code;

	struct ww_store *store;      /* opened on first use */
	struct ww_os_lock *writer;   /* "<database>.lock", held with store */
	uint64_t store_gen;          /* bumped whenever store changes */
	struct ww_alert_sink os_sink; /* when opts.sink is NULL */
	bool os_sink_tried;
	bool running;                /* started, stop event not yet sent */
	struct ww_mutex *lock;       /* pending reload */
	struct ww_config *pending;

	struct ww_hist ring[WW_HISTORY_RING];
	size_t ring_len, ring_next;
	bool dirty;
	int64_t last_publish_ms;

	struct ww_mutex *snap_lock;
	struct ww_snapshot *snap;
	uint64_t cycles;             /* under snap_lock */
};

/* ---------------------------------------------------------------- */
/* scheduler arithmetic                                               */

int64_t ww_sched_backoff_ms(int64_t interval_ms, unsigned failures)
{
	int64_t delay = interval_ms < WW_BACKOFF_FIRST_MS ? interval_ms
							  : WW_BACKOFF_FIRST_MS;
	int64_t cap = interval_ms > WW_BACKOFF_CAP_MS ? interval_ms
						       : WW_BACKOFF_CAP_MS;
	unsigned i;

	if (delay < 1)
		delay = 1;
	for (i = 1; i < failures && delay < cap; i++)
		delay *= 2;
	return delay < cap ? delay : cap;
}

void ww_sched_done(struct ww_task_state *t, int64_t now_ms, bool ok)
{
	t->runs++;
	if (ok) {
		t->failures = 0;
		t->next_due_ms = now_ms + t->interval_ms;
		return;
	}
	t->errors++;
	if (t->failures < UINT_MAX)
		t->failures++;
	t->next_due_ms = now_ms + ww_sched_backoff_ms(t->interval_ms, t->failures);
}

int64_t ww_sched_next_wake(const struct ww_task_state *t, size_t n,
			   int64_t now_ms, int64_t max_ms)
{
	int64_t best = max_ms;
	size_t i;

	for (i = 0; i < n; i++) {
		int64_t d;

		if (t[i].interval_ms <= 0 || t[i].running)
			continue;
		d = t[i].next_due_ms - now_ms;
		if (d < best)
			best = d < 0 ? 0 : d;
	}
	return best;
}

/* ---------------------------------------------------------------- */
/* small helpers                                                      */

static int64_t now_ms(struct ww_monitor *m)
{
	return m->opts.clock_ms ? m->opts.clock_ms() : ww_os_monotonic_ms();
}

static int64_t wall(struct ww_monitor *m)
{
	return m->opts.wall ? m->opts.wall() : ww_os_now();
}

void ww_monitor_log(struct ww_monitor *m, enum ww_log_level level,
		    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m->opts.log)
		m->opts.log(m->opts.log_ctx, level, msg);
}

const struct ww_config *ww_monitor_config(struct ww_monitor *m)
{
	return &m->cfg;
}

struct ww_monitor_model *ww_monitor_model(struct ww_monitor *m)
{
	return &m->model;
}

struct ww_event *ww_monitor_stop_event(struct ww_monitor *m)
{
	return m->stop;
}

void ww_monitor_kick(struct ww_monitor *m, const char *name)
{
	int64_t mono = now_ms(m);
	size_t i;

	for (i = 0; i < m->ntasks; i++) {
		struct ww_task_state *t = &m->tasks[i];

		/* A failing task keeps its back-off: kicks are not retries. */
		if (strcmp(t->def->name, name) == 0 && t->interval_ms > 0 &&
		    t->failures == 0 && t->next_due_ms > mono)
			t->next_due_ms = mono;
	}
}

const struct ww_alert_sink *ww_monitor_sink(struct ww_monitor *m)
{
	struct ww_err err;

	if (m->opts.sink)
		return m->opts.sink;
	if (!m->os_sink_tried) {
		m->os_sink_tried = true;
		ww_err_clear(&err);
		if (ww_sink_os_open(&m->os_sink, &err))
			ww_monitor_log(m, WW_LOG_ERROR,
				       "alerts cannot be reported: %s", err.msg);
	}
	return m->os_sink.notify ? &m->os_sink : NULL;
}

/*
 * The service's own events (1000 started, 1001 stopped, 1002 error) go
 * through the same sink as alerts, whatever alerts.* say: they are the
 * service's log, as the SCM's and journald's are.  An injected sink sees
 * them as a notification named "service".
 */
static void service_event(struct ww_monitor *m, unsigned id, const char *text)
{
	const struct ww_alert_sink *s = ww_monitor_sink(m);
	struct ww_alert_event ev;
	struct ww_err err;
	int r;

	if (!s)
		return;
	ww_err_clear(&err);
	if (s == &m->os_sink) {
		r = ww_sink_os_message(&m->os_sink, id, text, &err);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.transition = WW_ALERT_RAISE;
		ev.name = ev.check = "service";
		ev.state = ev.previous = id == WW_EVENT_SERVICE_ERROR
						 ? WW_STATE_CRITICAL : WW_STATE_OK;
		ev.event_id = id;
		ev.reason = text;
		ev.value = ev.threshold = "";
		ev.at = ev.since = wall(m);
		r = s->notify(s->ctx, &ev, &err);
	}
	if (r)
		ww_monitor_log(m, WW_LOG_ERROR, "event %u not reported: %s", id,
			       err.msg);
}

static void close_store(struct ww_monitor *m)
{
	ww_store_close(m->store);
	m->store = NULL;
	ww_os_unlock_file(m->writer);
	m->writer = NULL;
}

/*
 * One writer per database: the monitor holds an exclusive lock on
 * "<database>.lock" as long as it has the store open, so a second monitor,
 * or `run --once` beside a running one, is refused (WW_EINUSE) instead of
 * storing the same log records a second time (docs/store.md).  Taken after
 * the open, which creates the database's directory.
 */
static int claim_writer(struct ww_monitor *m, struct ww_err *err)
{
	size_t n = strlen(m->cfg.database) + sizeof(".lock");
	char *path = malloc(n);
	struct ww_err e;
	int r;

	if (!path)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	snprintf(path, n, "%s.lock", m->cfg.database);
	ww_err_clear(&e);
	r = ww_os_lock_file(path, &m->writer, &e);
	free(path);
	if (r == WW_EINUSE)
		return ww_err_set(err, r, "%s: another wsuswatch monitor (or "
				  "run --once) writes to this database (%s); "
				  "one writer per database", m->cfg.database,
				  e.msg);
	if (r)
		return ww_err_set(err, r, "%s: cannot take the writer's lock: "
				  "%s", m->cfg.database, e.msg);
	return 0;
}

int ww_monitor_store(struct ww_monitor *m, struct ww_store **ret,
		     struct ww_err *err)
{
	int r = 0;

	if (m->store && m->cfg.database &&
	    strcmp(ww_store_path(m->store), m->cfg.database) != 0) {
		close_store(m);
		m->store_gen++;
	}
	if (!m->store) {
		if (!m->cfg.database)
			return ww_err_set(err, WW_ECONFIG, "no database configured");
		r = ww_store_open(m->cfg.database, &m->store, err);
		if (!r) {
			r = claim_writer(m, err);
			if (r)
				close_store(m);
		}
		if (r)
			ww_strlcpy(m->model.database.error, err->msg,
				   sizeof(m->model.database.error));
		else
			m->store_gen++;
	}
	*ret = m->store;
	return r;
}

uint64_t ww_monitor_store_generation(struct ww_monitor *m)
{
	return m->store_gen;
}

static bool is_worker_task(const struct ww_task_def *d)
{
	return d->run == NULL;
}

/* ---------------------------------------------------------------- */
/* snapshot rendering (loop thread)                                   */

/* The model's times are 0 until something happened. */
static cJSON *time_or_null(int64_t t)
{
	return ww_json_time(t > 0 ? t : WW_TIME_NONE);
}

static cJSON *str_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *num_or_null(int64_t v, bool known)
{
	return known ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

static cJSON *array_copy(const cJSON *a)
{
	return a ? cJSON_Duplicate(a, true) : cJSON_CreateArray();
}

static cJSON *render_sources(const struct ww_monitor_model *md,
			    const char *database)
{
	cJSON *src = cJSON_CreateObject(), *db;
	cJSON *log = cJSON_AddObjectToObject(src, "log");
	cJSON *ev = cJSON_AddObjectToObject(src, "eventlog");

	if (!log || !ev)
		return src;
	cJSON_AddItemToObject(log, "path", str_or_null(md->log.path));
	cJSON_AddItemToObject(log, "offset",
			      num_or_null(md->log.offset, md->log.offset >= 0));
	cJSON_AddItemToObject(log, "last_read_at", time_or_null(md->log.last_read_at));
	cJSON_AddItemToObject(log, "error", str_or_null(md->log.error));
	cJSON_AddItemToObject(ev, "available",
			      md->eventlog.available < 0
				      ? cJSON_CreateNull()
				      : cJSON_CreateBool(md->eventlog.available));
	cJSON_AddItemToObject(ev, "last_record_id",
			      num_or_null(md->eventlog.last_record_id,
					  md->eventlog.last_record_id >= 0));
	cJSON_AddItemToObject(ev, "error", str_or_null(md->eventlog.error));
	db = cJSON_AddObjectToObject(src, "database");
	if (db) {
		cJSON_AddItemToObject(db, "path", str_or_null(database));
		cJSON_AddItemToObject(db, "error", str_or_null(md->database.error));
	}
	return src;
}

static cJSON *render_tasks(struct ww_monitor *m, int64_t mono)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < m->ntasks; i++) {
		const struct ww_task_state *t = &m->tasks[i];
		cJSON *o = cJSON_CreateObject();
		int64_t due = (t->next_due_ms - mono) / 1000;

		if (!o)
			break;
		cJSON_AddStringToObject(o, "name", t->def->name);
		cJSON_AddBoolToObject(o, "enabled", t->interval_ms > 0);
		cJSON_AddNumberToObject(o, "interval_seconds",
					(double)(t->interval_ms / 1000));
		cJSON_AddItemToObject(o, "last_run", time_or_null(t->last_run));
		cJSON_AddItemToObject(o, "last_success", time_or_null(t->last_ok));
		cJSON_AddItemToObject(o, "next_run",
				      t->interval_ms > 0 && !t->running
					      ? time_or_null(wall(m) + (due > 0 ? due : 0))
					      : cJSON_CreateNull());
		cJSON_AddBoolToObject(o, "running", t->running);
		cJSON_AddNumberToObject(o, "runs", (double)t->runs);
		cJSON_AddNumberToObject(o, "consecutive_failures", t->failures);
		cJSON_AddItemToObject(o, "last_error", str_or_null(t->last_error));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static char *render_status(struct ww_monitor *m, uint64_t cycle)
{
	const struct ww_monitor_model *md = &m->model;
	int64_t now = wall(m);
	cJSON *r = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(r, "version", WW_VERSION);
	cJSON_AddItemToObject(r, "started_at", time_or_null(m->started_at));
	cJSON_AddItemToObject(r, "generated_at", time_or_null(now));
	cJSON_AddStringToObject(r, "health", md->health ? md->health : "unknown");
	cJSON_AddItemToObject(r, "last_successful_sync",
			      time_or_null(md->last_successful_sync));
	cJSON_AddItemToObject(r, "last_sync_attempt",
			      time_or_null(md->last_sync_attempt));
	cJSON_AddItemToObject(r, "last_sync_result", str_or_null(md->last_sync_result));
	cJSON_AddItemToObject(r, "sync_age_seconds",
			      num_or_null(now > md->last_successful_sync ?
						  now - md->last_successful_sync
						  : 0,
					  md->last_successful_sync > 0));
	cJSON_AddItemToObject(r, "checks", array_copy(md->checks));
	cJSON_AddItemToObject(r, "cause", md->cause ?
			      cJSON_Duplicate(md->cause, true) :
			      cJSON_CreateNull());
	cJSON_AddItemToObject(r, "probes", array_copy(md->probes));
	cJSON_AddItemToObject(r, "sources", render_sources(md, m->cfg.database));
	cJSON_AddItemToObject(r, "alerts", array_copy(md->alerts));
	cJSON_AddItemToObject(r, "tasks", render_tasks(m, now_ms(m)));
	cJSON_AddItemToObject(r, "config", str_or_null(m->cfg.source));
	cJSON_AddNumberToObject(r, "cycles", (double)cycle);
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

static char *render_version(struct ww_monitor *m)
{
	cJSON *r = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(r, "version", WW_VERSION);
	cJSON_AddItemToObject(r, "started_at", time_or_null(m->started_at));
	cJSON_AddItemToObject(r, "config", str_or_null(m->cfg.source));
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

static void snapshot_unref(struct ww_monitor *m, struct ww_snapshot *s)
{
	bool last;

	if (!s)
		return;
	ww_mutex_lock(m->snap_lock);
	last = --s->refs == 0;
	ww_mutex_unlock(m->snap_lock);
	if (!last)
		return;
	free(s->status_json);
	free(s->version_json);
	free(s->database);
	free(s->hist);
	free(s);
}

static struct ww_snapshot *snapshot_ref(struct ww_monitor *m)
{
	struct ww_snapshot *s;

	ww_mutex_lock(m->snap_lock);
	s = m->snap;
	if (s)
		s->refs++;
	ww_mutex_unlock(m->snap_lock);
	return s;
}

static void copy_ring(struct ww_monitor *m, struct ww_snapshot *s)
{
	size_t i, start = (m->ring_next + WW_HISTORY_RING - m->ring_len) %
			  WW_HISTORY_RING;

	for (i = 0; i < m->ring_len; i++)
		s->hist[i] = m->ring[(start + i) % WW_HISTORY_RING];
	s->nhist = m->ring_len;
}

/* Build a new snapshot and swap it in; an allocation failure keeps the old one. */
static void publish(struct ww_monitor *m)
{
	struct ww_snapshot *s = calloc(1, sizeof(*s)), *old;
	uint64_t cycle;

	ww_mutex_lock(m->snap_lock);
	cycle = m->cycles + 1;
	ww_mutex_unlock(m->snap_lock);
	if (!s)
		return;
	s->refs = 1;
	s->status_json = render_status(m, cycle);
	s->version_json = render_version(m);
	s->hist = calloc(WW_HISTORY_RING, sizeof(*s->hist));
	s->database = m->cfg.database ? ww_strdup(m->cfg.database) : NULL;
	if (!s->status_json || !s->version_json || !s->hist ||
	    (m->cfg.database && !s->database)) {
		s->refs = 1;
		free(s->status_json);
		free(s->version_json);
		free(s->database);
		free(s->hist);
		free(s);
		return;
	}
	copy_ring(m, s);
	ww_mutex_lock(m->snap_lock);
	old = m->snap;
	m->snap = s;
	m->cycles = cycle;
	ww_mutex_unlock(m->snap_lock);
	snapshot_unref(m, old);
	m->dirty = false;
	m->last_publish_ms = now_ms(m);
}

char *ww_monitor_status_json(struct ww_monitor *m)
{
	struct ww_snapshot *s = snapshot_ref(m);
	char *r = s ? ww_strdup(s->status_json) : NULL;

	snapshot_unref(m, s);
	return r;
}

static cJSON *hist_entry(const struct ww_hist *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "at", time_or_null(h->at));
	cJSON_AddStringToObject(o, "task", h->task);
	cJSON_AddStringToObject(o, "result", h->ok ? "ok" : "error");
	cJSON_AddNumberToObject(o, "elapsed_ms", (double)h->elapsed_ms);
	cJSON_AddItemToObject(o, "error", str_or_null(h->error));
	return o;
}

/*
 * The store's history (sync runs, probe results, alert transitions: the
 * same document as `wsuswatch history --json`) merged into r.  The control
 * thread opens its own read-only connection per request: SQLite
 * connections are not shared between threads, WAL lets it read while the
 * loop writes, and an open costs well under a millisecond.  A store that
 * cannot be read is reported in the answer, not as a failed request.
 */
static void add_store_history(cJSON *r, const char *database, int limit)
{
	struct ww_store *st = NULL;
	cJSON *h = NULL, *item;
	struct ww_err err;

	ww_err_clear(&err);
	if (!database) {
		cJSON_AddNullToObject(r, "store_error");
		return;
	}
	if (ww_store_open_readonly(database, &st, &err) == 0 &&
	    ww_history_collect(st, limit, &h, &err) == 0) {
		while ((item = h->child) != NULL) {
			cJSON_DetachItemViaPointer(h, item);
			cJSON_AddItemToObject(r, item->string, item);
		}
		cJSON_AddNullToObject(r, "store_error");
	} else {
		cJSON_AddStringToObject(r, "store_error", err.msg);
	}
	cJSON_Delete(h);
	ww_store_close(st);
}

char *ww_monitor_history_json(struct ww_monitor *m, int limit)
{
	struct ww_snapshot *s = snapshot_ref(m);
	cJSON *r, *arr;
	size_t i, n;
	char *out = NULL;

	if (!s)
		return NULL;
	r = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(r, "task_runs");
	n = s->nhist < (size_t)limit ? s->nhist : (size_t)limit;
	/* Newest first, as a log reader expects. */
	for (i = 0; arr && i < n; i++)
		cJSON_AddItemToArray(arr, hist_entry(&s->hist[s->nhist - 1 - i]));
	add_store_history(r, s->database, limit);
	if (arr)
		out = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	snapshot_unref(m, s);
	return out;
}

static char *src_status(void *ctx)
{
	return ww_monitor_status_json(ctx);
}

static char *src_history(void *ctx, int limit)
{
	return ww_monitor_history_json(ctx, limit);
}

/* The control thread's own trouble; the log sink is thread-safe. */
static void src_log(void *ctx, const char *msg)
{
	ww_monitor_log(ctx, WW_LOG_ERROR, "control endpoint: %s", msg);
}

static char *src_version(void *ctx)
{
	struct ww_monitor *m = ctx;
	struct ww_snapshot *s = snapshot_ref(m);
	char *r = s ? ww_strdup(s->version_json) : NULL;

	snapshot_unref(m, s);
	return r;
}

uint64_t ww_monitor_cycles(struct ww_monitor *m)
{
	uint64_t c;

	ww_mutex_lock(m->snap_lock);
	c = m->cycles;
	ww_mutex_unlock(m->snap_lock);
	return c;
}

/* ---------------------------------------------------------------- */
/* running tasks (loop thread)                                        */

static void remember(struct ww_monitor *m, const struct ww_task_state *t,
		     bool ok)
{
	struct ww_hist *h = &m->ring[m->ring_next];

	h->at = t->last_run;
	h->task = t->def->name;
	h->ok = ok;
	h->elapsed_ms = t->last_elapsed_ms;
	ww_strlcpy(h->error, ok ? "" : t->last_error, sizeof(h->error));
	m->ring_next = (m->ring_next + 1) % WW_HISTORY_RING;
	if (m->ring_len < WW_HISTORY_RING)
		m->ring_len++;
}

/* Log transitions only: the first failure, a changed error, the recovery. */
static void log_outcome(struct ww_monitor *m, const struct ww_task_state *t,
			unsigned failures_before, const char *prev_error)
{
	if (t->failures == 0) {
		if (failures_before > 0)
			ww_monitor_log(m, WW_LOG_INFO,
				       "task '%s' recovered after %u failures",
				       t->def->name, failures_before);
		return;
	}
	if (failures_before == 0 || strcmp(prev_error, t->last_error) != 0)
		ww_monitor_log(m, WW_LOG_ERROR,
			       "task '%s' failed: %s; retrying in %llds",
			       t->def->name, t->last_error,
			       (long long)(ww_sched_backoff_ms(t->interval_ms,
							      t->failures) / 1000));
}

/*
 * sources.database after a task run: the store's last failure since its
 * last commit, so a lock held by another process or a full disk shows in
 * status and health until a write goes through again; the database or its
 * -wal deleted while open shows until the service restarts.  An open failure
 * (ww_monitor_store()) stays until the store opens.
 */
static void database_state(struct ww_monitor *m)
{
	const char *f;

	if (!m->store)
		return;
	/* Files deleted under the connection: sticky, in the failure. */
	(void)ww_store_check_files(m->store, NULL);
	f = ww_store_failure(m->store);
	ww_strlcpy(m->model.database.error, f ? f : "",
		   sizeof(m->model.database.error));
}

static void record(struct ww_monitor *m, struct ww_task_state *t, int rc,
		   const struct ww_err *err, int64_t started_ms)
{
	char prev[WW_TASK_ERROR_MAX];
	unsigned before = t->failures;
	int64_t end = now_ms(m);

	ww_strlcpy(prev, t->last_error, sizeof(prev));
	t->last_run = wall(m);
	t->last_elapsed_ms = end - started_ms;
	if (rc == 0) {
		t->last_ok = t->last_run;
		t->last_error[0] = '\0';
	} else {
		snprintf(t->last_error, sizeof(t->last_error), "%s",
			 err->msg[0] ? err->msg : ww_strerror(rc));
	}
	ww_sched_done(t, end, rc == 0);
	remember(m, t, rc == 0);
	database_state(m);
	log_outcome(m, t, before, prev);
	m->dirty = true;
}

/* A task whose init failed retries it before each run. */
static int ensure_init(struct ww_monitor *m, struct ww_task_state *t,
		       struct ww_err *err)
{
	if (t->state || !t->def->init)
		return 0;
	return t->def->init(m, &t->state, err);
}

static int run_inline(struct ww_monitor *m, struct ww_task_state *t)
{
	const struct ww_task_def *d = t->def;
	struct ww_err err;
	int64_t start = now_ms(m);
	void *job = NULL;
	int rc;

	ww_err_clear(&err);
	rc = ensure_init(m, t, &err);
	if (!rc && d->run) {
		rc = d->run(m, t->state, wall(m), &err);
	} else if (!rc) {
		rc = d->prepare(m, t->state, wall(m), &job, &err);
		if (!rc) {
			rc = d->work(job, m->stop, &err);
			rc = d->finish(m, t->state, job, rc, &err);
		}
	}
	record(m, t, rc, &err, start);
	return rc;
}

static void start_worker_job(struct ww_monitor *m, struct ww_task_state *t,
			     struct ww_worker *w)
{
	struct ww_err err;
	void *job = NULL;
	int rc;

	ww_err_clear(&err);
	rc = ensure_init(m, t, &err);
	if (!rc)
		rc = t->def->prepare(m, t->state, wall(m), &job, &err);
	if (rc) {
		record(m, t, rc, &err, now_ms(m));
		return;
	}
	ww_mutex_lock(w->lock);
	w->job = job;
	w->done = false;
	ww_mutex_unlock(w->lock);
	t->running = true;
	t->last_elapsed_ms = now_ms(m); /* start time until finished */
	ww_event_set(w->go);
}

/*
 * Take a finished job back.  With force (the worker has been joined), a job
 * it never started is finished as aborted, so finish() can free it.
 */
static void collect_worker(struct ww_monitor *m, struct ww_task_state *t,
			   struct ww_worker *w, bool force)
{
	struct ww_err err;
	void *job;
	bool done;
	int rc;

	ww_mutex_lock(w->lock);
	done = w->done;
	job = w->job;
	rc = w->rc;
	err = w->err;
	if (!done && force) {
		rc = ww_err_set(&err, WW_EABORT, "stopped before it ran");
		done = true;
	}
	if (done) {
		w->done = false;
		w->job = NULL;
	}
	ww_mutex_unlock(w->lock);
	if (!done)
		return;
	t->running = false;
	rc = t->def->finish(m, t->state, job, rc, &err);
	record(m, t, rc, &err, t->last_elapsed_ms);
}

static void worker_main(void *arg)
{
	struct ww_worker *w = arg;
	struct ww_err err;
	void *job;
	int rc;

	for (;;) {
		while (!ww_event_wait(w->go, WW_LOOP_MAX_SLEEP_MS))
			;
		ww_event_reset(w->go);
		ww_mutex_lock(w->lock);
		job = w->job;
		if (w->quit) {
			ww_mutex_unlock(w->lock);
			return;
		}
		ww_mutex_unlock(w->lock);
		ww_err_clear(&err);
		rc = w->task->def->work(job, w->m->stop, &err);
		ww_mutex_lock(w->lock);
		w->rc = rc;
		w->err = err;
		w->done = true;
		ww_mutex_unlock(w->lock);
		ww_event_set(w->m->wake);
	}
}

static int64_t task_interval_ms(struct ww_monitor *m, const struct ww_task_def *d)
{
	int64_t ms = d->interval_ms ? d->interval_ms(&m->cfg) : 0;

	return ms > 0 ? ms : 0;
}

static void apply_reload(struct ww_monitor *m)
{
	struct ww_config *cfg;
	int64_t mono = now_ms(m);
	size_t i;

	ww_mutex_lock(m->lock);
	cfg = m->pending;
	m->pending = NULL;
	ww_mutex_unlock(m->lock);
	if (!cfg)
		return;
	ww_config_release(&m->cfg);
	m->cfg = *cfg;
	free(cfg);
	for (i = 0; i < m->ntasks; i++) {
		struct ww_task_state *t = &m->tasks[i];
		int64_t iv = task_interval_ms(m, t->def);

		if (iv && (!t->interval_ms || t->next_due_ms > mono + iv))
			t->next_due_ms = mono;
		t->interval_ms = iv;
	}
	m->dirty = true;
	ww_monitor_log(m, WW_LOG_INFO, "configuration reloaded from '%s'",
		       m->cfg.source ? m->cfg.source : "(defaults)");
}

static void loop_cycle(struct ww_monitor *m)
{
	size_t i;
	int64_t mono;

	apply_reload(m);
	for (i = 0; i < m->ntasks; i++)
		if (m->tasks[i].running)
			collect_worker(m, &m->tasks[i], &m->workers[i], false);
	for (i = 0; i < m->ntasks && !ww_event_is_set(m->stop); i++) {
		struct ww_task_state *t = &m->tasks[i];

		if (!t->interval_ms || t->running || t->next_due_ms > now_ms(m))
			continue;
		if (is_worker_task(t->def))
			start_worker_job(m, t, &m->workers[i]);
		else
			run_inline(m, t);
	}
	mono = now_ms(m);
	if (m->dirty || mono - m->last_publish_ms >= WW_PUBLISH_EVERY_MS)
		publish(m);
}

static void stop_workers(struct ww_monitor *m)
{
	size_t i;

	for (i = 0; i < m->ntasks; i++) {
		struct ww_worker *w = &m->workers[i];

		if (!w->thread)
			continue;
		ww_mutex_lock(w->lock);
		w->quit = true;
		ww_mutex_unlock(w->lock);
		ww_event_set(w->go);
		ww_thread_join(w->thread);
		w->thread = NULL;
		/* A job aborted by the stop still needs its finish() to free it. */
		if (m->tasks[i].running)
			collect_worker(m, &m->tasks[i], w, true);
	}
}

static void loop_main(void *arg)
{
	struct ww_monitor *m = arg;

	while (!ww_event_is_set(m->stop)) {
		int64_t delay;

		ww_event_reset(m->wake);
		loop_cycle(m);
		delay = ww_sched_next_wake(m->tasks, m->ntasks, now_ms(m),
					   WW_LOOP_MAX_SLEEP_MS);
		if (delay > 0)
			ww_event_wait(m->wake, (unsigned)delay);
	}
	stop_workers(m);
	ww_event_set(m->loop_done);
}

/* ---------------------------------------------------------------- */
/* lifecycle                                                          */

static int init_tasks(struct ww_monitor *m)
{
	size_t i;

	m->tasks = calloc(m->ntasks ? m->ntasks : 1, sizeof(*m->tasks));
	m->workers = calloc(m->ntasks ? m->ntasks : 1, sizeof(*m->workers));
	if (!m->tasks || !m->workers)
		return WW_ENOMEM;
	for (i = 0; i < m->ntasks; i++) {
		struct ww_task_state *t = &m->tasks[i];
		struct ww_err err;

		t->def = &m->defs[i];
		t->interval_ms = task_interval_ms(m, t->def);
		t->next_due_ms = now_ms(m);
		m->workers[i].m = m;
		m->workers[i].task = t;
		ww_err_clear(&err);
		if (t->interval_ms && ensure_init(m, t, &err)) {
			/* Reported like a failed run, retried with back-off. */
			record(m, t, err.code ? err.code : WW_EIO, &err, now_ms(m));
		}
	}
	return 0;
}

static void model_init(struct ww_monitor_model *md)
{
	memset(md, 0, sizeof(*md));
	md->health = "unknown";
	md->log.offset = -1;
	md->eventlog.available = -1;
	md->eventlog.last_record_id = -1;
}

int ww_monitor_new(struct ww_config *cfg, const struct ww_monitor_opts *o,
		   struct ww_monitor **ret, struct ww_err *err)
{
	struct ww_monitor *m = calloc(1, sizeof(*m));

	if (!m)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	m->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	m->opts = *o;
	m->defs = o->tasks ? o->tasks : ww_monitor_tasks;
	m->ntasks = o->tasks ? o->ntasks : ww_monitor_ntasks;
	m->started_at = wall(m);
	model_init(&m->model);
	m->stop = ww_event_new();
	m->wake = ww_event_new();
	m->loop_done = ww_event_new();
	m->lock = ww_mutex_new();
	m->snap_lock = ww_mutex_new();
	if (!m->stop || !m->wake || !m->loop_done || !m->lock ||
	    !m->snap_lock || init_tasks(m)) {
		ww_monitor_free(m);
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	publish(m);
	*ret = m;
	return 0;
}

static int start_workers(struct ww_monitor *m, struct ww_err *err)
{
	size_t i;

	for (i = 0; i < m->ntasks; i++) {
		struct ww_worker *w = &m->workers[i];

		if (!is_worker_task(m->tasks[i].def))
			continue;
		w->go = ww_event_new();
		w->lock = ww_mutex_new();
		if (!w->go || !w->lock ||
		    ww_thread_create(&w->thread, worker_main, w))
			return ww_err_set(err, WW_ENOMEM,
					  "cannot start the worker of task '%s'",
					  m->tasks[i].def->name);
	}
	return 0;
}

static void lifecycle_started(struct ww_monitor *m)
{
	char text[WW_ERR_MSG_MAX + 128];

	snprintf(text, sizeof(text), "wsuswatch %s, configuration %s%s%s",
		 WW_VERSION, m->cfg.source ? m->cfg.source : "(defaults)",
		 m->control ? ", control endpoint " : "",
		 m->control ? ww_control_server_endpoint(m->control) : "");
	service_event(m, WW_EVENT_SERVICE_STARTED, text);
	m->running = true;
}

static void lifecycle_failed(struct ww_monitor *m, const struct ww_err *err)
{
	char text[WW_ERR_MSG_MAX + 32];

	snprintf(text, sizeof(text), "cannot start: %s",
		 err && err->msg[0] ? err->msg : "unknown error");
	service_event(m, WW_EVENT_SERVICE_ERROR, text);
}

/*
 * Open the store before the tasks do, only to be refused at once when
 * another process writes to the database (WW_EINUSE).  Any other trouble
 * with the store is the tasks' to report and retry.
 */
static int claim_store(struct ww_monitor *m, struct ww_err *err)
{
	struct ww_store *st;
	struct ww_err e;
	int r;

	ww_err_clear(&e);
	r = ww_monitor_store(m, &st, &e);
	if (r != WW_EINUSE)
		return 0;
	if (err)
		*err = e;
	return r;
}

int ww_monitor_start(struct ww_monitor *m, struct ww_err *err)
{
	struct ww_control_source src = { src_status, src_history, src_version,
					 m, src_log };
	char *note = NULL;
	int r;

	if (m->opts.control) {
		r = ww_control_server_start(&m->cfg, &src, &m->control, &note, err);
		if (note)
			ww_monitor_log(m, WW_LOG_WARNING, "%s", note);
		free(note);
		if (r) {
			lifecycle_failed(m, err);
			return r;
		}
		ww_monitor_log(m, WW_LOG_INFO, "control endpoint '%s' ready",
			       ww_control_server_endpoint(m->control));
	}
	r = claim_store(m, err);
	if (r) {
		ww_control_server_stop(m->control);
		m->control = NULL;
		lifecycle_failed(m, err);
		return r;
	}
	/*
	 * Open the OS sink before any thread that may report through it
	 * starts: ww_monitor_sink() opens it lazily without a lock, and the
	 * loop thread's health task and this thread's "started" event would
	 * otherwise both open it at once.
	 */
	(void)ww_monitor_sink(m);
	r = start_workers(m, err);
	if (!r && ww_thread_create(&m->loop, loop_main, m))
		r = ww_err_set(err, WW_ENOMEM, "cannot start the monitor thread");
	if (r) {
		ww_monitor_request_stop(m);
		stop_workers(m);
		lifecycle_failed(m, err);
		return r;
	}
	lifecycle_started(m);
	return 0;
}

int ww_monitor_run_once(struct ww_monitor *m)
{
	struct ww_err err;
	int first = 0;
	size_t i;

	apply_reload(m);
	ww_err_clear(&err);
	first = claim_store(m, &err);
	if (first) {
		ww_monitor_log(m, WW_LOG_ERROR, "%s", err.msg);
		return first;
	}
	for (i = 0; i < m->ntasks && !ww_event_is_set(m->stop); i++) {
		struct ww_task_state *t = &m->tasks[i];
		int rc;

		if (!t->interval_ms)
			continue;
		rc = run_inline(m, t);
		if (rc && !first)
			first = rc;
	}
	publish(m);
	return first;
}

void ww_monitor_request_stop(struct ww_monitor *m)
{
	ww_event_set(m->stop);
	ww_event_set(m->wake);
}

bool ww_monitor_wait(struct ww_monitor *m, unsigned timeout_ms)
{
	if (!m->loop)
		return true;
	return ww_event_wait(m->loop_done, timeout_ms);
}

int ww_monitor_stop(struct ww_monitor *m)
{
	ww_monitor_request_stop(m);
	if (m->loop) {
		ww_thread_join(m->loop);
		m->loop = NULL;
	}
	ww_control_server_stop(m->control);
	m->control = NULL;
	if (m->running) {
		m->running = false;
		service_event(m, WW_EVENT_SERVICE_STOPPED,
			      m->exit_code ? "stopped after an error"
					   : "stopped on request");
	}
	return m->exit_code;
}

void ww_monitor_reload(struct ww_monitor *m, struct ww_config *cfg)
{
	struct ww_config *copy = malloc(sizeof(*copy));
	struct ww_config *old;

	if (!copy) {
		ww_config_release(cfg);
		return;
	}
	*copy = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	ww_mutex_lock(m->lock);
	old = m->pending;
	m->pending = copy;
	ww_mutex_unlock(m->lock);
	if (old) {
		ww_config_release(old);
		free(old);
	}
	ww_event_set(m->wake);
}

static void model_release(struct ww_monitor_model *md)
{
	cJSON_Delete(md->checks);
	cJSON_Delete(md->cause);
	md->cause = NULL;
	cJSON_Delete(md->probes);
	cJSON_Delete(md->alerts);
	free(md->log.path);
}

void ww_monitor_free(struct ww_monitor *m)
{
	size_t i;

	if (!m)
		return;
	if (m->stop && m->wake && m->snap_lock)
		ww_monitor_stop(m);
	for (i = 0; m->tasks && i < m->ntasks; i++) {
		if (m->tasks[i].state && m->tasks[i].def->release)
			m->tasks[i].def->release(m->tasks[i].state);
		if (m->workers) {
			ww_event_free(m->workers[i].go);
			ww_mutex_free(m->workers[i].lock);
		}
	}
	free(m->tasks);
	free(m->workers);
	if (m->snap_lock)
		snapshot_unref(m, m->snap);
	if (m->pending) {
		ww_config_release(m->pending);
		free(m->pending);
	}
	model_release(&m->model);
	ww_sink_os_close(&m->os_sink);
	close_store(m);
	ww_config_release(&m->cfg);
	ww_event_free(m->stop);
	ww_event_free(m->wake);
	ww_event_free(m->loop_done);
	ww_mutex_free(m->lock);
	ww_mutex_free(m->snap_lock);
	free(m);
}
