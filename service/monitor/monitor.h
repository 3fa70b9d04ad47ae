/*
 * monitor.h - the monitor: a loop thread that runs a table of tasks
 * (endpoint probes, log tail, event log, health, retention prune), each on
 * its own interval with exponential back-off on failure, and publishes an
 * immutable status snapshot after every cycle for the control server.
 *
 * Threads (docs/service.md):
 *   loop thread     runs the loop-lane tasks and the scheduler, owns the
 *                   model and everything the tasks keep (the store
 *                   connection among them), renders snapshots
 *   worker threads  one per worker-lane task (probes): the slow network
 *                   part runs there with the stop event as abort flag, so a
 *                   hung probe never delays the log tail or a stop
 *   control thread  serves requests from the published snapshot only
 *   caller          (svc_posix.c / svc_win32.c) waits for signals or the
 *                   SCM and calls ww_monitor_request_stop()
 */
#ifndef WW_SERVICE_MONITOR_H
#define WW_SERVICE_MONITOR_H

#include "compat.h"
#include "err.h"

struct cJSON;
struct ww_alert_sink;
struct ww_config;
struct ww_event;
struct ww_monitor;

enum ww_log_level { WW_LOG_ERROR = 0, WW_LOG_WARNING, WW_LOG_INFO };

/* First retry after min(interval, 30 s), doubling, capped at max(interval, 10 min). */
#define WW_BACKOFF_FIRST_MS 30000
#define WW_BACKOFF_CAP_MS 600000
#define WW_TASK_ERROR_MAX 256
#define WW_HISTORY_RING 200 /* task runs kept in memory for "history" */

/*
 * A task.  Loop-lane tasks set run(); worker-lane tasks set prepare(),
 * work() and finish() instead:
 *   prepare  loop thread: copy what the work needs into a job
 *   work     worker thread: the slow part; must return promptly (with
 *            WW_EABORT) once stop is set; touches nothing but its job
 *   finish   loop thread: take the job's results into the model/store and
 *            free the job; rc is what work() returned
 * Every callback returns 0 or a WW_E* code with err filled.
 */
struct ww_task_def {
	const char *name;
	/* Milliseconds between runs for this configuration; 0 disables it. */
	int64_t (*interval_ms)(const struct ww_config *cfg);
	int (*init)(struct ww_monitor *m, void **ret_state, struct ww_err *err);
	void (*release)(void *state);
	int (*run)(struct ww_monitor *m, void *state, int64_t now,
		   struct ww_err *err);
	int (*prepare)(struct ww_monitor *m, void *state, int64_t now,
		       void **ret_job, struct ww_err *err);
	int (*work)(void *job, struct ww_event *stop, struct ww_err *err);
	int (*finish)(struct ww_monitor *m, void *state, void *job, int rc,
		      struct ww_err *err);
};

/* Scheduler state of one task (monotonic milliseconds unless noted). */
struct ww_task_state {
	const struct ww_task_def *def;
	void *state;
	int64_t interval_ms;  /* 0: disabled */
	int64_t next_due_ms;
	unsigned failures;    /* consecutive */
	uint64_t runs, errors;
	int64_t last_run;     /* wall seconds, 0: never */
	int64_t last_ok;      /* wall seconds, 0: never */
	int64_t last_elapsed_ms;
	bool running;         /* a worker has its job */
	char last_error[WW_TASK_ERROR_MAX]; /* "" after a success */
};

/* ---- scheduler arithmetic, pure (time passed in) ---- */

/* Delay before retry number `failures` (>= 1) of a task. */
int64_t ww_sched_backoff_ms(int64_t interval_ms, unsigned failures);

/* Record the end of a run at now_ms and compute the next due time. */
void ww_sched_done(struct ww_task_state *t, int64_t now_ms, bool ok);

/*
 * Milliseconds from now_ms until the earliest enabled, idle task is due
 * (0 when one is due already), at most max_ms.
 */
int64_t ww_sched_next_wake(const struct ww_task_state *t, size_t n,
			   int64_t now_ms, int64_t max_ms);

/* ---- the status model the tasks fill (loop thread only) ---- */

struct ww_monitor_model {
	const char *health;          /* "ok" | "warning" | "critical" | "unknown" */
	int64_t last_successful_sync; /* wall seconds, 0: unknown */
	int64_t last_sync_attempt;    /* 0: unknown */
	char last_sync_result[16];    /* "" : unknown */
	struct cJSON *checks;         /* array, owned; NULL: [] */
	struct cJSON *probes;         /* array of probe --json results */
	struct cJSON *alerts;         /* array */
	struct cJSON *cause;          /* the headline's cause, NULL: null */
	struct {
		char *path;           /* NULL: not configured */
		int64_t offset;       /* -1: unknown */
		int64_t last_read_at; /* 0: never */
		char error[WW_TASK_ERROR_MAX];
	} log;
	struct {
		int available;        /* -1 unknown, 0 no, 1 yes */
		bool absent;          /* cannot exist here (not Windows) */
		int64_t last_record_id; /* -1: unknown */
		char error[WW_TASK_ERROR_MAX];
	} eventlog;
	struct {
		/*
		 * Why the database takes no writes (cannot be opened, locked
		 * by another process, disk full), "" when the last attempt
		 * worked.  The monitor sets it after every task run.
		 */
		char error[WW_TASK_ERROR_MAX];
	} database;
};

/* ---- the monitor ---- */

struct ww_monitor_opts {
	bool once;         /* one full cycle on the caller's thread */
	bool control;      /* serve the control endpoint */
	void (*log)(void *ctx, enum ww_log_level level, const char *msg);
	void *log_ctx;
	/* Injected clocks; NULL: ww_os_monotonic_ms() / ww_os_now(). */
	int64_t (*clock_ms)(void);
	int64_t (*wall)(void);
	/* The task table; NULL: the built-in one (monitor_tasks.c). */
	const struct ww_task_def *tasks;
	size_t ntasks;
	/*
	 * Where alerts and the service's own start/stop/error events go
	 * (borrowed, must outlive the monitor); NULL: the operating
	 * system's sink (Event Log / syslog, ww_sink_os_open()).
	 */
	const struct ww_alert_sink *sink;
};

/*
 * Create a monitor.  It takes ownership of *cfg (the caller's struct is
 * zeroed).  Task init() failures are not fatal: the task is reported as
 * failing and retried with back-off.
 */
int ww_monitor_new(struct ww_config *cfg, const struct ww_monitor_opts *o,
		   struct ww_monitor **ret, struct ww_err *err);

/*
 * Start the control server (if asked) and the loop and worker threads.
 * WW_EINUSE when another process (a monitor, `run --once`) writes to the
 * configured database: one writer per database (docs/store.md).
 */
int ww_monitor_start(struct ww_monitor *m, struct ww_err *err);

/*
 * One full cycle: a pending reload applied, then every enabled task once,
 * in table order, on the calling thread.  Returns 0 when every task
 * succeeded, else the first task's code (each failure is logged);
 * WW_EINUSE, without running a task, when another process writes to the
 * database.
 */
int ww_monitor_run_once(struct ww_monitor *m);

/* Ask the loop to stop; safe from any thread, returns at once. */
void ww_monitor_request_stop(struct ww_monitor *m);

/* Wait up to timeout_ms for the loop to end; true when it has. */
bool ww_monitor_wait(struct ww_monitor *m, unsigned timeout_ms);

/*
 * Stop and join every thread (the control server included).  Returns the
 * exit status: 0 after a requested stop, else the code of the fatal error.
 */
int ww_monitor_stop(struct ww_monitor *m);

/* Stop if needed and free everything.  NULL-safe. */
void ww_monitor_free(struct ww_monitor *m);

/*
 * Replace the configuration (ownership of *cfg moves, the caller's struct
 * is zeroed); the loop applies it before its next task.  Control endpoint
 * changes need a restart.
 */
void ww_monitor_reload(struct ww_monitor *m, struct ww_config *cfg);

/* The published snapshot as status JSON (heap), as the control server serves it. */
char *ww_monitor_status_json(struct ww_monitor *m);
char *ww_monitor_history_json(struct ww_monitor *m, int limit);

/* For tasks (loop thread only). */
const struct ww_config *ww_monitor_config(struct ww_monitor *m);
struct ww_monitor_model *ww_monitor_model(struct ww_monitor *m);
void ww_monitor_log(struct ww_monitor *m, enum ww_log_level level,
		    const char *fmt, ...) WW_PRINTF(3, 4);
struct ww_event *ww_monitor_stop_event(struct ww_monitor *m);

/*
 * Make the task named name due now, so a task that reads what a source
 * just stored (health) runs later in the same cycle instead of at its
 * next interval.  Loop thread only; an unknown or disabled task is ignored.
 */
void ww_monitor_kick(struct ww_monitor *m, const char *name);

/*
 * The alert sink (opts.sink or the OS sink), or NULL when the OS sink
 * could not be opened (logged once).  Loop thread only.
 */
const struct ww_alert_sink *ww_monitor_sink(struct ww_monitor *m);

/*
 * The monitor's store connection (cfg->database), opened on first use and
 * reopened after a reload changes the path.  Loop thread only.
 */
struct ww_store;
int ww_monitor_store(struct ww_monitor *m, struct ww_store **ret,
		     struct ww_err *err);
/*
 * Changes whenever the store connection is closed or another one opened
 * (a reload that changes the database, even A -> B -> A).  A task that
 * keeps the connection in a source (the log tailer, the event log reader)
 * remembers the generation it was built with and drops the source when it
 * differs: a source never outlives the store it writes.  Loop thread only.
 */
uint64_t ww_monitor_store_generation(struct ww_monitor *m);

/* Number of completed loop cycles (any thread), for tests. */
uint64_t ww_monitor_cycles(struct ww_monitor *m);

/* The built-in task table (monitor_tasks.c). */
extern const struct ww_task_def ww_monitor_tasks[];
extern const size_t ww_monitor_ntasks;

#endif /* WW_SERVICE_MONITOR_H */
