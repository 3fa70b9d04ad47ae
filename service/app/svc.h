/*
 * svc.h - running the monitor as a service: the OS half (svc_posix.c:
 * signals; svc_win32.c: the Service Control Manager with a console
 * fallback) and the portable pieces they share (cmd_run.c).
 */
#ifndef WW_SERVICE_SVC_H
#define WW_SERVICE_SVC_H

#include "compat.h"
#include "cli.h"
#include "monitor.h"

#define WW_SERVICE_NAME "wsuswatch"
#define WW_SERVICE_DISPLAY "wsuswatch - WSUS synchronization monitor"
#define WW_SERVICE_DESCRIPTION                                              \
	"Watches WSUS synchronization health: probes the sync endpoints, "  \
	"follows SoftwareDistribution.log and the Application log, and "    \
	"raises Event Log alerts when synchronization fails or goes stale."

/*
 * Run the monitor until stopped (foreground, or as a Windows service when
 * foreground is false and the SCM started us).  It loads the
 * configuration itself, so that a service that cannot reports it to the
 * SCM; ownership of cli->cfg moves to the monitor.  Returns an exit code.
 */
int ww_svc_run(struct ww_cli *cli, bool foreground);

/*
 * The exit code of a monitor that could not start with code r: 75 when
 * another process writes to its database, 69 when its control endpoint is
 * taken or refused, else 70.
 */
int ww_svc_start_exit(int r);
/* `run --once`: one full cycle, the status JSON on stdout. */
int ww_svc_run_once(struct ww_cli *cli);

/* Log lines to stderr: "2026-11-23T08:15:00Z wsuswatch: error: ...". */
void ww_svc_log_stderr(void *ctx, enum ww_log_level level, const char *msg);

/*
 * Load a fresh configuration from path (defaults when NULL), with WSUS
 * discovery (wsus.discover), for the service's start and reloads.  On
 * failure *cfg is left released and err names file:line:col; a failed
 * discovery is not a failure (ww_svc_log_discovery() reports it).
 */
int ww_svc_load_config(const char *path, struct ww_config *cfg,
		       struct ww_err *err);

/* Log cfg's discovery outcome as a warning when it deserves a note. */
void ww_svc_log_discovery(const struct ww_config *cfg,
			  void (*log)(void *, enum ww_log_level, const char *),
			  void *log_ctx);

/*
 * A reload (SIGHUP on POSIX, SERVICE_CONTROL_PARAMCHANGE on Windows): the
 * file at path loaded afresh, with discovery, and handed to m; a file with
 * any error is logged and rejected, m keeps its configuration.  path NULL
 * (started on built-in defaults): a warning, nothing changes.
 */
void ww_svc_reload_config(const char *path, struct ww_monitor *m,
			  void (*log)(void *, enum ww_log_level, const char *),
			  void *log_ctx);

/*
 * `wsuswatch reload`: ask the running monitor to reload its configuration
 * (svc_win32.c: SERVICE_CONTROL_PARAMCHANGE through the SCM; svc_posix.c:
 * SIGHUP to the process holding the database's writer lock).  Prints the
 * outcome; returns an exit code (69 when no monitor runs, 77 when not
 * allowed).
 */
int ww_svc_reload(struct ww_cli *cli);

/* The options of a monitor that serves the control endpoint. */
void ww_svc_monitor_opts(struct ww_monitor_opts *o,
			 void (*log)(void *, enum ww_log_level, const char *),
			 void *log_ctx);

#endif /* WW_SERVICE_SVC_H */
