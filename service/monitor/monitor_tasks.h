/*
 * monitor_tasks.h - the built-in tasks of the monitor, one file each
 * (task_*.c), gathered into ww_monitor_tasks[] by monitor_tasks.c.
 * Private to service/.
 */
#ifndef WW_SERVICE_MONITOR_TASKS_H
#define WW_SERVICE_MONITOR_TASKS_H

#include "compat.h"
#include "monitor.h"

#define WW_TASK_PROBES "probes"
#define WW_TASK_LOG "log"
#define WW_TASK_EVENTLOG "eventlog"
#define WW_TASK_HEALTH "health"
#define WW_TASK_PRUNE "prune"

/*
 * Each task file defines the callbacks of its row as
 * ww_task_<name>_<callback>; the table (monitor_tasks.c) names them, since
 * C cannot initialise an array element from another object.
 */
#define WW_TASK_LOOP_DECL(n)                                                 \
	int64_t ww_task_##n##_interval(const struct ww_config *cfg);         \
	int ww_task_##n##_init(struct ww_monitor *m, void **ret_state,       \
			       struct ww_err *err);                          \
	void ww_task_##n##_release(void *state);                            \
	int ww_task_##n##_run(struct ww_monitor *m, void *state, int64_t now, \
			      struct ww_err *err)

#define WW_TASK_LOOP_ROW(n, label)                                           \
	{ .name = label, .interval_ms = ww_task_##n##_interval,              \
	  .init = ww_task_##n##_init, .release = ww_task_##n##_release,       \
	  .run = ww_task_##n##_run }

WW_TASK_LOOP_DECL(log);
WW_TASK_LOOP_DECL(eventlog);
WW_TASK_LOOP_DECL(health);

/* probes: worker lane */
int64_t ww_task_probes_interval(const struct ww_config *cfg);
int ww_task_probes_init(struct ww_monitor *m, void **ret_state,
			struct ww_err *err);
void ww_task_probes_release(void *state);
int ww_task_probes_prepare(struct ww_monitor *m, void *state, int64_t now,
			   void **ret_job, struct ww_err *err);
int ww_task_probes_work(void *job, struct ww_event *stop, struct ww_err *err);
int ww_task_probes_finish(struct ww_monitor *m, void *state, void *job,
			  int rc, struct ww_err *err);

#endif /* WW_SERVICE_MONITOR_TASKS_H */
