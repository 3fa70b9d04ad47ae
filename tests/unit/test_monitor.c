/*
 * test_monitor.c - the scheduler's arithmetic with injected time, and the
 * loop with test tasks: a hung worker task blocks neither the other tasks
 * nor a stop, failures back off and are reported, `run --once` runs each
 * task once, a failed init is retried, a reload is applied, a kick makes
 * a task due, the service's start/stop events reach the sink, and the
 * built-in task table turns a real SoftwareDistribution.log into status
 * fields and an alert.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "config.h"
#include "health.h"
#include "os.h"
#include "health_cycle.h"
#include "monitor.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

/* ---- scheduler arithmetic ---- */

START_TEST(backoff_doubles_and_caps)
{
	/* Short interval: first retry after the interval, cap 10 min. */
	ck_assert_int_eq(ww_sched_backoff_ms(5000, 1), 5000);
	ck_assert_int_eq(ww_sched_backoff_ms(5000, 2), 10000);
	ck_assert_int_eq(ww_sched_backoff_ms(5000, 3), 20000);
	ck_assert_int_eq(ww_sched_backoff_ms(5000, 8), 600000);
	ck_assert_int_eq(ww_sched_backoff_ms(5000, 4000000000u), 600000);
	/* Probe interval 5 min: retry after 30 s, doubling to 10 min. */
	ck_assert_int_eq(ww_sched_backoff_ms(300000, 1), 30000);
	ck_assert_int_eq(ww_sched_backoff_ms(300000, 5), 480000);
	ck_assert_int_eq(ww_sched_backoff_ms(300000, 6), 600000);
	/* Hourly task: the cap is its own interval. */
	ck_assert_int_eq(ww_sched_backoff_ms(3600000, 7), 1920000);
	ck_assert_int_eq(ww_sched_backoff_ms(3600000, 8), 3600000);
	ck_assert_int_eq(ww_sched_backoff_ms(3600000, 30), 3600000);
}
END_TEST

START_TEST(done_schedules_with_injected_time)
{
	struct ww_task_state t;

	memset(&t, 0, sizeof(t));
	t.interval_ms = 60000;
	ww_sched_done(&t, 1000000, false);
	ck_assert_uint_eq(t.failures, 1);
	ck_assert_int_eq(t.next_due_ms, 1000000 + 30000);
	ww_sched_done(&t, 1030000, false);
	ck_assert_uint_eq(t.failures, 2);
	ck_assert_int_eq(t.next_due_ms, 1030000 + 60000);
	ww_sched_done(&t, 1090000, false);
	ck_assert_int_eq(t.next_due_ms, 1090000 + 120000);
	ww_sched_done(&t, 1210000, true);
	ck_assert_uint_eq(t.failures, 0);
	ck_assert_int_eq(t.next_due_ms, 1210000 + 60000);
	ck_assert_uint_eq(t.runs, 4);
	ck_assert_uint_eq(t.errors, 3);
}
END_TEST

START_TEST(next_wake_skips_disabled_and_running)
{
	struct ww_task_state t[3];

	memset(t, 0, sizeof(t));
	t[0].interval_ms = 0;       /* disabled, "due" long ago */
	t[0].next_due_ms = 0;
	t[1].interval_ms = 1000;    /* running, "due" long ago */
	t[1].running = true;
	t[2].interval_ms = 1000;
	t[2].next_due_ms = 5400;
	ck_assert_int_eq(ww_sched_next_wake(t, 3, 5000, 1000), 400);
	ck_assert_int_eq(ww_sched_next_wake(t, 3, 4000, 1000), 1000);
	ck_assert_int_eq(ww_sched_next_wake(t, 3, 9000, 1000), 0);
	ck_assert_int_eq(ww_sched_next_wake(t, 2, 9000, 1000), 1000);
}
END_TEST

/* ---- the loop with test tasks ---- */

static struct ww_mutex *counter_lock;
static int fast_runs, hung_finishes, flaky_inits;

static int get(int *v)
{
	int r;

	ww_mutex_lock(counter_lock);
	r = *v;
	ww_mutex_unlock(counter_lock);
	return r;
}

static void bump(int *v)
{
	ww_mutex_lock(counter_lock);
	(*v)++;
	ww_mutex_unlock(counter_lock);
}

static int64_t every_20ms(const struct ww_config *cfg)
{
	(void)cfg;
	return 20;
}

static int fast_run(struct ww_monitor *m, void *state, int64_t now,
		    struct ww_err *err)
{
	(void)m;
	(void)state;
	(void)now;
	(void)err;
	bump(&fast_runs);
	return 0;
}

static int failing_run(struct ww_monitor *m, void *state, int64_t now,
		       struct ww_err *err)
{
	(void)m;
	(void)state;
	(void)now;
	return ww_err_set(err, WW_EIO, "'/nowhere/log': no such file");
}

static int hung_prepare(struct ww_monitor *m, void *state, int64_t now,
			void **ret_job, struct ww_err *err)
{
	(void)m;
	(void)state;
	(void)now;
	(void)err;
	*ret_job = malloc(64); /* ASan reports it if finish() is skipped */
	return *ret_job ? 0 : WW_ENOMEM;
}

/* A probe that never gets an answer, but honours the abort flag. */
static int hung_work(void *job, struct ww_event *stop, struct ww_err *err)
{
	(void)job;
	while (!ww_event_wait(stop, 50))
		;
	return ww_err_set(err, WW_EABORT, "aborted");
}

static int quick_work(void *job, struct ww_event *stop, struct ww_err *err)
{
	(void)job;
	(void)stop;
	(void)err;
	return 0;
}

static int hung_finish(struct ww_monitor *m, void *state, void *job, int rc,
		       struct ww_err *err)
{
	(void)m;
	(void)state;
	(void)err;
	free(job);
	bump(&hung_finishes);
	return rc;
}

static int flaky_init(struct ww_monitor *m, void **ret_state,
		      struct ww_err *err)
{
	(void)m;
	bump(&flaky_inits);
	if (get(&flaky_inits) == 1)
		return ww_err_set(err, WW_EBUSY, "database is locked");
	*ret_state = malloc(1);
	return 0;
}

static const struct ww_task_def hung_tasks[] = {
	{ .name = "probes", .interval_ms = every_20ms, .prepare = hung_prepare,
	  .work = hung_work, .finish = hung_finish },
	{ .name = "tail", .interval_ms = every_20ms, .run = fast_run },
	{ .name = "broken", .interval_ms = every_20ms, .run = failing_run },
};

static void setup(void)
{
	counter_lock = ww_mutex_new();
	fast_runs = hung_finishes = flaky_inits = 0;
}

static void teardown(void)
{
	ww_mutex_free(counter_lock);
}

static struct ww_monitor *new_monitor(const struct ww_task_def *tasks, size_t n,
				      bool once)
{
	struct ww_monitor_opts o;
	struct ww_monitor *m = NULL;
	struct ww_config cfg;
	struct ww_err err;

	memset(&o, 0, sizeof(o));
	o.tasks = tasks;
	o.ntasks = n;
	o.once = once;
	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	ck_assert_msg(ww_monitor_new(&cfg, &o, &m, &err) == 0, "%s", err.msg);
	return m;
}

/* The task object named name in the published status. */
static cJSON *task_status(struct ww_monitor *m, const char *name, cJSON **root)
{
	char *json = ww_monitor_status_json(m);
	cJSON *t;

	*root = cJSON_Parse(json);
	free(json);
	ck_assert_ptr_nonnull(*root);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(*root, "tasks"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name")),
			   name) == 0)
			return t;
	ck_abort_msg("task %s not in status", name);
	return NULL;
}

static double num(const cJSON *o, const char *key)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const char *str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

START_TEST(hung_worker_blocks_neither_tasks_nor_stop)
{
	struct ww_monitor *m = new_monitor(hung_tasks, 3, false);
	struct ww_err err;
	int64_t deadline, t0, stopped;
	cJSON *root, *t;

	ck_assert_int_eq(ww_monitor_start(m, &err), 0);
	/* The tail task keeps running while the probe hangs. */
	deadline = ww_os_monotonic_ms() + 10000;
	while (get(&fast_runs) < 10 && ww_os_monotonic_ms() < deadline)
		ww_os_sleep_ms(10);
	ck_assert_int_ge(get(&fast_runs), 10);
	ck_assert_int_eq(get(&hung_finishes), 0);
	/* The snapshot is republished and shows the probe as running. */
	deadline = ww_os_monotonic_ms() + 10000;
	do {
		t = task_status(m, "tail", &root);
		if (num(t, "runs") >= 10)
			break;
		cJSON_Delete(root);
		ww_os_sleep_ms(10);
	} while (ww_os_monotonic_ms() < deadline);
	ck_assert_double_ge(num(t, "runs"), 10);
	cJSON_Delete(root);
	t = task_status(m, "probes", &root);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "running")));
	cJSON_Delete(root);
	/* The failing task is reported and backs off (20, 40, 80 ms...). */
	t = task_status(m, "broken", &root);
	ck_assert_double_ge(num(t, "consecutive_failures"), 1);
	ck_assert_double_lt(num(t, "runs"), get(&fast_runs));
	ck_assert_str_eq(str(t, "last_error"),
			 "'/nowhere/log': no such file");
	cJSON_Delete(root);
	/* Stop is prompt although the probe never answers. */
	t0 = ww_os_monotonic_ms();
	ck_assert_int_eq(ww_monitor_stop(m), 0);
	stopped = ww_os_monotonic_ms() - t0;
	ck_assert_int_lt(stopped, 3000);
	ck_assert_int_eq(get(&hung_finishes), 1);
	ww_monitor_free(m);
}
END_TEST

START_TEST(run_once_runs_each_task_once)
{
	static const struct ww_task_def tasks[] = {
		{ .name = "tail", .interval_ms = every_20ms, .run = fast_run },
		{ .name = "probes", .interval_ms = every_20ms,
		  .prepare = hung_prepare, .work = quick_work,
		  .finish = hung_finish },
		{ .name = "broken", .interval_ms = every_20ms, .run = failing_run },
		{ .name = "off", .run = fast_run },
	};
	struct ww_monitor *m = new_monitor(tasks, 4, true);
	cJSON *root, *t;

	ck_assert_int_eq(ww_monitor_run_once(m), WW_EIO);
	ck_assert_int_eq(get(&fast_runs), 1);
	ck_assert_int_eq(get(&hung_finishes), 1);
	t = task_status(m, "off", &root);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t, "enabled")));
	ck_assert_double_eq(num(t, "runs"), 0);
	cJSON_Delete(root);
	t = task_status(m, "broken", &root);
	ck_assert_double_eq(num(t, "runs"), 1);
	cJSON_Delete(root);
	ww_monitor_free(m);
}
END_TEST

START_TEST(failed_init_is_retried)
{
	static const struct ww_task_def tasks[] = {
		{ .name = "store", .interval_ms = every_20ms, .init = flaky_init,
		  .release = free, .run = fast_run },
	};
	struct ww_monitor *m = new_monitor(tasks, 1, true);
	cJSON *root, *t;

	/* init failed at creation: reported as a failed run. */
	t = task_status(m, "store", &root);
	ck_assert_str_eq(str(t, "last_error"),
			 "database is locked");
	cJSON_Delete(root);
	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	ck_assert_int_eq(get(&flaky_inits), 2);
	ck_assert_int_eq(get(&fast_runs), 1);
	t = task_status(m, "store", &root);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "last_error")));
	ck_assert_double_eq(num(t, "consecutive_failures"), 0);
	cJSON_Delete(root);
	ww_monitor_free(m);
}
END_TEST

START_TEST(reload_is_applied_by_the_loop)
{
	static const struct ww_task_def tasks[] = {
		{ .name = "tail", .interval_ms = every_20ms, .run = fast_run },
	};
	struct ww_monitor *m = new_monitor(tasks, 1, false);
	struct ww_config cfg;
	struct ww_err err;
	int64_t deadline;
	char *json = NULL, *hist;

	ck_assert_int_eq(ww_monitor_start(m, &err), 0);
	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	cfg.source = ww_strdup("reloaded.yaml");
	ww_monitor_reload(m, &cfg);
	ck_assert_ptr_null(cfg.source); /* ownership moved */
	deadline = ww_os_monotonic_ms() + 10000;
	do {
		free(json);
		ww_os_sleep_ms(10);
		json = ww_monitor_status_json(m);
	} while (!strstr(json, "\"config\":\"reloaded.yaml\"") &&
		 ww_os_monotonic_ms() < deadline);
	ck_assert_ptr_nonnull(strstr(json, "\"config\":\"reloaded.yaml\""));
	free(json);
	/* History: newest first, bounded by limit. */
	hist = ww_monitor_history_json(m, 2);
	ck_assert_ptr_nonnull(strstr(hist, "\"task_runs\":[{"));
	ck_assert_ptr_nonnull(strstr(hist, "\"task\":\"tail\""));
	ww_monitor_stop(m);
	free(hist);
	ww_monitor_free(m);
}
END_TEST

/* ---- a recording alert sink ---- */

#define REC_MAX 64

struct recorder {
	unsigned ids[REC_MAX];
	char names[REC_MAX][64];
	size_t n;
};

static int rec_notify(void *ctx, const struct ww_alert_event *ev,
		      struct ww_err *err)
{
	struct recorder *r = ctx;

	(void)err;
	if (r->n < REC_MAX) {
		r->ids[r->n] = ev->event_id;
		ww_strlcpy(r->names[r->n], ev->name, sizeof(r->names[0]));
		r->n++;
	}
	return 0;
}

static size_t rec_count(const struct recorder *r, unsigned id)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->ids[i] == id;
	return n;
}

START_TEST(service_events_reach_the_sink)
{
	static const struct ww_task_def tasks[] = {
		{ .name = "tail", .interval_ms = every_20ms, .run = fast_run },
	};
	struct recorder rec = { { 0 }, { { 0 } }, 0 };
	struct ww_alert_sink sink = { "recorder", &rec, rec_notify };
	struct ww_monitor_opts o;
	struct ww_monitor *m = NULL;
	struct ww_config cfg;
	struct ww_err err;

	memset(&o, 0, sizeof(o));
	o.tasks = tasks;
	o.ntasks = 1;
	o.sink = &sink;
	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	ck_assert_int_eq(ww_monitor_new(&cfg, &o, &m, &err), 0);
	ck_assert_uint_eq(rec.n, 0); /* nothing before the start */
	ck_assert_int_eq(ww_monitor_start(m, &err), 0);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_uint_eq(rec.ids[0], WW_EVENT_SERVICE_STARTED);
	ck_assert_int_eq(ww_monitor_stop(m), 0);
	ck_assert_int_eq(ww_monitor_stop(m), 0); /* a second stop says nothing */
	ww_monitor_free(m);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_uint_eq(rec.ids[1], WW_EVENT_SERVICE_STOPPED);
}
END_TEST

/* ---- kick ---- */

static int slow_runs;

static int64_t every_hour(const struct ww_config *cfg)
{
	(void)cfg;
	return 3600 * 1000;
}

static int kicker_run(struct ww_monitor *m, void *state, int64_t now,
		      struct ww_err *err)
{
	(void)state;
	(void)now;
	(void)err;
	bump(&fast_runs);
	if (get(&fast_runs) == 3)
		ww_monitor_kick(m, "slow");
	return 0;
}

static int slow_run(struct ww_monitor *m, void *state, int64_t now,
		    struct ww_err *err)
{
	(void)m;
	(void)state;
	(void)now;
	(void)err;
	bump(&slow_runs);
	return 0;
}

START_TEST(kick_makes_a_task_due)
{
	static const struct ww_task_def tasks[] = {
		{ .name = "kicker", .interval_ms = every_20ms, .run = kicker_run },
		{ .name = "slow", .interval_ms = every_hour, .run = slow_run },
	};
	struct ww_monitor *m;
	struct ww_err err;
	int64_t deadline;

	slow_runs = 0;
	m = new_monitor(tasks, 2, false);
	ck_assert_int_eq(ww_monitor_start(m, &err), 0);
	deadline = ww_os_monotonic_ms() + 10000;
	while (get(&slow_runs) < 2 && ww_os_monotonic_ms() < deadline)
		ww_os_sleep_ms(10);
	/* Once at start, once kicked: not after its hour. */
	ck_assert_int_eq(get(&slow_runs), 2);
	ww_os_sleep_ms(100);
	ck_assert_int_eq(get(&slow_runs), 2);
	ww_monitor_free(m);
}
END_TEST

/* ---- the built-in task table on a real log ---- */

/*
 * dir/SoftwareDistribution.log (path returned, heap) with the fixture's
 * four lines of a successful manual sync, moved to start.
 */
static char *write_sync_log(const char *dir, int64_t start,
			    int64_t *ret_success)
{
	static const int offsets[] = { 0, 2, 71, 72 };
	char *path = ww_test_path("fixtures/synclog/track-sync.log");
	char *text = ww_test_read_file(path, NULL);
	char *logp = ww_os_path_join(dir, "SoftwareDistribution.log");
	struct ww_buf out;
	char *line, *next;
	size_t i = 0;

	ck_assert_ptr_nonnull(text);
	ww_buf_init(&out, 1 << 16);
	for (line = text; *line && i < 4; line = next, i++) {
		struct ww_civil c;
		char *tab = strchr(line, '\t');

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		ck_assert_ptr_nonnull(tab);
		ww_time_to_civil(start + offsets[i], &c);
		ck_assert_int_eq(ww_buf_appendf(&out, "%04d-%02d-%02d %02d:%02d:%02d.000 UTC%.*s",
					       c.year, c.mon, c.day, c.hour, c.min, c.sec,
					       (int)(next - tab), tab), 0);
	}
	ck_assert_uint_eq(i, 4);
	*ret_success = start + offsets[2];
	ww_test_write_file(logp, out.data, out.len);
	ww_buf_release(&out);
	free(text);
	free(path);
	return logp;
}

/*
 * A --once monitor with the built-in tasks on the default configuration
 * but for: the database db (taken), the log at log (NULL: none), its
 * rollover size and no network probes.  Alerts go to sink.
 */
static struct ww_monitor *builtin_monitor(char *db, const char *log,
					  int64_t rollover,
					  const struct ww_alert_sink *sink)
{
	struct ww_monitor_opts o;
	struct ww_monitor *m = NULL;
	struct ww_config cfg;
	struct ww_err err;

	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	free(cfg.database);
	cfg.database = db;
	free(cfg.wsus.log);
	cfg.wsus.log = log ? ww_strdup(log) : NULL;
	cfg.wsus.log_rollover = rollover;
	cfg.probes.microsoft_update = WW_OFF; /* no network in unit tests */
	cfg.probes.upstream = WW_OFF;
	memset(&o, 0, sizeof(o));
	o.once = true;
	o.sink = sink;
	ck_assert_msg(ww_monitor_new(&cfg, &o, &m, &err) == 0, "%s", err.msg);
	return m;
}

/* Run m once, successfully; the status it publishes (text and parsed). */
static cJSON *run_once_status(struct ww_monitor *m, char **ret_json)
{
	cJSON *root;

	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	*ret_json = ww_monitor_status_json(m);
	root = cJSON_Parse(*ret_json);
	ck_assert_ptr_nonnull(root);
	return root;
}

static cJSON *source_status(const cJSON *root, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(root, "sources"), name);
}

START_TEST(builtin_tasks_turn_a_log_into_status)
{
	struct recorder rec = { { 0 }, { { 0 } }, 0 };
	struct ww_alert_sink sink = { "recorder", &rec, rec_notify };
	char *dir = ww_test_tmpdir("monitor_builtin");
	int64_t success;
	char *logp = write_sync_log(dir, ww_os_now() - 30 * 3600 - 71, &success);
	char iso[WW_ISO_TIME_LEN], *json;
	struct ww_monitor *m;
	cJSON *root, *src;

	m = builtin_monitor(ww_os_path_join(dir, "wsuswatch.db"), logp, 0, &sink);
	root = run_once_status(m, &json);
	ww_time_format_iso(success, iso);
	ck_assert_str_eq(str(root, "last_successful_sync"), iso);
	ck_assert_str_eq(str(root, "last_sync_result"), "succeeded");
	ck_assert_str_eq(str(root, "health"), "warning");
	src = source_status(root, "log");
	/* The last record waits for the settle time: at least three lines. */
	ck_assert_double_gt(num(src, "offset"), 300);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(src, "error")));
	/* POSIX and Wine: no event log to read, and that is not a failure. */
	src = source_status(root, "eventlog");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(src, "available")));
	ck_assert_ptr_nonnull(strstr(str(src, "error"), "event log unavailable"));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"sync_staleness\",\"state\":\"warning\""));
	ck_assert_ptr_nonnull(strstr(json, "\"event_id\":2001"));
	/* The alert went to the sink once; no service events in --once. */
	ck_assert_uint_eq(rec_count(&rec, 2001), 1);
	ck_assert_uint_eq(rec_count(&rec, WW_EVENT_SERVICE_STARTED), 0);
	cJSON_Delete(root);
	free(json);
	ww_monitor_free(m);
	free(logp);
	free(dir);
}
END_TEST

/*
 * The log task's first start reads as much as wsus.log_rollover allows:
 * a sync followed by 2 MiB of other records is out of reach at a 1 MiB
 * rollover (1.25 MiB read), while the default 32 MiB would find it.
 */
START_TEST(log_task_first_start_bounded_by_rollover)
{
	struct recorder rec = { { 0 }, { { 0 } }, 0 };
	struct ww_alert_sink sink = { "recorder", &rec, rec_notify };
	char *dir = ww_test_tmpdir("monitor_rollover");
	int64_t success;
	char *logp = write_sync_log(dir, ww_os_now() - 3600, &success);
	char *json;
	uint64_t size = ww_test_grow_log(logp, 3u << 20);
	struct ww_monitor *m;
	cJSON *root, *log;

	m = builtin_monitor(ww_os_path_join(dir, "wsuswatch.db"), logp, 1 << 20,
			    &sink);
	root = run_once_status(m, &json);
	ck_assert_msg(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
			      root, "last_successful_sync")), "%s", json);
	log = source_status(root, "log");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(log, "error")));
	/* Read to the end, but for the last record (not settled yet). */
	ck_assert_double_gt(num(log, "offset"), (double)size - 200);
	cJSON_Delete(root);
	free(json);
	ww_monitor_free(m);
	free(logp);
	free(dir);
}
END_TEST

/* A configuration like builtin_monitor()'s, for a reload. */
static void reload_to(struct ww_monitor *m, const char *db, const char *log)
{
	struct ww_config cfg;
	struct ww_err err;

	ck_assert_int_eq(ww_config_init(&cfg, &err), 0);
	free(cfg.database);
	cfg.database = ww_strdup(db);
	free(cfg.wsus.log);
	cfg.wsus.log = log ? ww_strdup(log) : NULL;
	cfg.probes.microsoft_update = WW_OFF;
	cfg.probes.upstream = WW_OFF;
	ww_monitor_reload(m, &cfg);
}

/*
 * Issue 13, item 1: a reload A -> B -> A of `database` while another task
 * (health here) reopens the store in between.  The log tailer kept the
 * connection to the first A, which was closed: heap-use-after-free in
 * ww_store_begin() (from commit_at) under ASan, SIGSEGV in a release
 * build.  The tailer must be rebuilt on the new connection and go on
 * storing the records that arrived meanwhile, exactly once.
 */
START_TEST(reload_database_back_and_forth_drops_the_tailer)
{
	struct recorder rec = { { 0 }, { { 0 } }, 0 };
	struct ww_alert_sink sink = { "recorder", &rec, rec_notify };
	char *dir = ww_test_tmpdir("monitor_reload_db");
	char *db_a = ww_os_path_join(dir, "a.db");
	char *db_b = ww_os_path_join(dir, "b.db");
	int64_t success;
	char *logp = write_sync_log(dir, ww_os_now() - 3600, &success);
	struct ww_monitor *m;
	struct ww_store *st;
	struct ww_err err;
	int64_t runs;

	m = builtin_monitor(ww_strdup(db_a), logp, 0, &sink);
	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	/* B without a log: only the health task runs, and reopens the store. */
	reload_to(m, db_b, NULL);
	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	/* Back to A; the log grew meanwhile, so the tailer commits. */
	reload_to(m, db_a, logp);
	ww_test_grow_log(logp, 64 * 1024);
	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	ck_assert_int_eq(ww_monitor_run_once(m), 0);
	ck_assert_int_eq(ww_monitor_store(m, &st, &err), 0);
	ck_assert_str_eq(ww_store_path(st), db_a);
	runs = ww_test_sql_i64(ww_store_db(st), "SELECT COUNT(*) FROM sync_run");
	ck_assert_int_eq(runs, 1);
	ww_monitor_free(m);
	free(logp);
	free(db_a);
	free(db_b);
	free(dir);
}
END_TEST

START_TEST(health_without_a_store_is_critical)
{
	struct recorder rec = { { 0 }, { { 0 } }, 0 };
	struct ww_alert_sink sink = { "recorder", &rec, rec_notify };
	char *dir = ww_test_tmpdir("monitor_nostore");
	char *file = ww_os_path_join(dir, "not-a-dir");
	char *json;
	struct ww_monitor *m;

	ww_test_write_file(file, "x", 1);
	m = builtin_monitor(ww_os_path_join(file, "wsuswatch.db"), NULL, 0, &sink);
	ck_assert_int_ne(ww_monitor_run_once(m), 0);
	json = ww_monitor_status_json(m);
	ck_assert_ptr_nonnull(strstr(json, "\"health\":\"critical\""));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"sources:database\",\"state\":\"critical\""));
	free(json);
	ww_monitor_free(m);
	free(file);
	free(dir);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("scheduler");
	TCase *loop = tcase_create("loop");

	tcase_add_test(tc, backoff_doubles_and_caps);
	tcase_add_test(tc, done_schedules_with_injected_time);
	tcase_add_test(tc, next_wake_skips_disabled_and_running);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(loop, setup, teardown);
	tcase_set_timeout(loop, 60);
	tcase_add_test(loop, hung_worker_blocks_neither_tasks_nor_stop);
	tcase_add_test(loop, run_once_runs_each_task_once);
	tcase_add_test(loop, failed_init_is_retried);
	tcase_add_test(loop, reload_is_applied_by_the_loop);
	tcase_add_test(loop, service_events_reach_the_sink);
	tcase_add_test(loop, kick_makes_a_task_due);
	tcase_add_test(loop, builtin_tasks_turn_a_log_into_status);
	tcase_add_test(loop, log_task_first_start_bounded_by_rollover);
	tcase_add_test(loop, health_without_a_store_is_critical);
	tcase_add_test(loop, reload_database_back_and_forth_drops_the_tailer);
	suite_add_tcase(s, loop);
	return s;
}
