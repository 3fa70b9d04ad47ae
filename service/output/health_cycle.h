/*
 * health_cycle.h - what the monitor loop calls once per cycle to turn
 * the store into alerts and metrics, and the sinks it hands over.
 *
 * Contract for the monitor loop (service/monitor*.c):
 *
 *   struct ww_alert_sink sink;            // once, at start
 *   ww_sink_os_open(&sink, &err);          // Event Log / syslog
 *   ...
 *   each cycle, after the sources have committed their batches:
 *     struct ww_health_input seed;  // facts not in the store: sources,
 *                                   // ww_health_seed() (config, host)
 *     r = ww_health_cycle(store, cfg, ww_os_now(), &seed, &sink, 1,
 *                         snapshot, &err);
 *     publish *snapshot for `status` (it is plain data, copy it);
 *     if (r) log err.msg once (the snapshot is still filled).
 *   ...
 *   ww_sink_os_close(&sink);              // once, at stop
 *
 * ww_health_cycle gathers from the store, evaluates the rules, runs the
 * alert machine (raise / repeat / clear, persisted in the store) and, when
 * cfg->metrics.textfile is set, rewrites the Prometheus textfile
 * atomically.  It never sleeps and takes time only from `now`.
 */
#ifndef WW_SERVICE_HEALTH_CYCLE_H
#define WW_SERVICE_HEALTH_CYCLE_H

#include "compat.h"
#include "alert.h"
#include "err.h"
#include "health.h"
#include "util.h"

struct ww_config;
struct ww_store;

struct ww_health_snapshot {
	struct ww_health_input in;
	struct ww_health_report rep;
	struct ww_alert_counts alerts;  /* of this cycle */
	bool alerts_ran;                /* false when the store failed */
};

/*
 * One health cycle at time now.  seed: the facts that are not in the
 * store (NULL: none, every source unknown); the store's are added.  sinks may be NULL when nsinks is 0.  Heap use is
 * bounded by the report size.
 *
 * When reading the store fails, the database source is marked failed,
 * the report still evaluated (sources:database critical), metrics still
 * written, alerts skipped, and the read error returned.  Otherwise the
 * first alert or metrics error is returned after everything was tried.
 */
int ww_health_cycle(struct ww_store *store, const struct ww_config *cfg,
		    int64_t now, const struct ww_health_input *seed,
		    const struct ww_alert_sink *sinks, size_t nsinks,
		    struct ww_health_snapshot *ret, struct ww_err *err);

/* Prometheus text exposition of a snapshot, appended to out. */
int ww_metrics_format(const struct ww_health_snapshot *snap,
		      struct ww_buf *out);

/*
 * Write the textfile: path.tmp, then ww_os_rename_replace() over path,
 * so windows_exporter (which reads only *.prom) never sees half a file.
 */
int ww_metrics_write(const char *path, const struct ww_health_snapshot *snap,
		     struct ww_err *err);

/*
 * The `check` plugin output: "WSUSWATCH CRITICAL - <reason of the headline
 * check>[: <its cause>] | sync_age=216000s;93600;180000;0
 * sync_failures=0;3;;0 probes_failed=1;;;0", then one line per other
 * check that is not ok ("endpoint:microsoft_update warning: ..."), the
 * plugin guidelines' long output.  '|' in texts becomes '/'.  Truncated
 * to size.
 */
void ww_check_format_line(const struct ww_health_input *in,
			  const struct ww_health_report *rep, char *out,
			  size_t size);

/* "WSUSWATCH UNKNOWN - <msg>" with msg cleaned as above; truncated to size. */
void ww_check_format_unknown(const char *msg, char *out, size_t size);

/*
 * The operating system's alert sink: the Windows Event Log under the
 * source "wsuswatch" with the message table of installer/wsuswatch.mc,
 * or syslog (facility daemon, ident "wsuswatch") on POSIX.
 * ww_sink_os_close() releases it; NULL-safe on a zeroed sink.
 */
int ww_sink_os_open(struct ww_alert_sink *ret, struct ww_err *err);
void ww_sink_os_close(struct ww_alert_sink *sink);

/*
 * Service lifecycle messages (WW_EVENT_SERVICE_STARTED/STOPPED/ERROR in
 * health.h) through the same sink; text is insertion string 1.
 */
int ww_sink_os_message(struct ww_alert_sink *sink, unsigned event_id,
		       const char *text, struct ww_err *err);

#endif /* WW_SERVICE_HEALTH_CYCLE_H */
