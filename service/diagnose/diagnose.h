/*
 * diagnose.h - `wsuswatch diagnose [--json]`: one full pass of every
 * check, in-process, grouped like the troubleshooting guide
 * (docs/diagnose.md).
 *
 * Three steps, so the judging is testable without I/O:
 *   gather  (cmd_diagnose.c, diag_log.c, diag_events.c) fills struct
 *           ww_diag_data: the configuration, the host's TLS registry
 *           values, one probe of every configured target, the last
 *           bounded chunk of the WSUS log, the WSUS events of the event
 *           log (or of an export);
 *   build   (diag_build.c, pure) turns the data into a health input for
 *           the same rules `check` and the service use, evaluates them,
 *           and into groups of items with a state, a summary, the first
 *           check to make and the evidence;
 *   output  (diag_output.c) prints the report or its JSON.
 *
 * Nothing here ever holds the proxy password: the configuration group
 * only learns whether it could be resolved.
 */
#ifndef WW_SERVICE_DIAGNOSE_H
#define WW_SERVICE_DIAGNOSE_H

#include "compat.h"

#include <cjson/cJSON.h>

#include "config.h"
#include "health.h"
#include "endpoint.h"
#include "eventlog.h"
#include "evimport.h"
#include "hostcfg.h"
#include "hostsvc.h"
#include "synclog.h"

/* Item states: the health states plus "skipped" (does not apply here). */
enum ww_diag_state {
	WW_DIAG_OK = WW_STATE_OK,
	WW_DIAG_WARNING = WW_STATE_WARNING,
	WW_DIAG_CRITICAL = WW_STATE_CRITICAL,
	WW_DIAG_UNKNOWN = WW_STATE_UNKNOWN,
	WW_DIAG_SKIPPED = 4
};

enum ww_diag_group_id {
	WW_DIAG_CONFIGURATION = 0,
	WW_DIAG_HOST_TLS,
	WW_DIAG_SERVICES,
	WW_DIAG_NETWORK,
	WW_DIAG_LOG,
	WW_DIAG_EVENTLOG,
	WW_DIAG_VERDICT,
	WW_DIAG_GROUP_COUNT
};

#define WW_DIAG_ITEMS_MAX 48
#define WW_DIAG_NAME_MAX 96
#define WW_DIAG_TEXT_MAX 512
#define WW_DIAG_FIX_MAX 3

struct ww_diag_item {
	char name[WW_DIAG_NAME_MAX];
	enum ww_diag_state state;
	char summary[WW_DIAG_TEXT_MAX];
	char hint[WW_DIAG_TEXT_MAX];       /* first check / fix, "" none */
	char evidence[WW_DIAG_TEXT_MAX];   /* "" none */
	bool counts;  /* warning/critical count toward the verdict */
	size_t check; /* index of its check in the health report */
};

struct ww_diag_group {
	const char *name;                  /* static */
	struct ww_diag_item items[WW_DIAG_ITEMS_MAX];
	size_t n;
};

/* ---- gathered data ---- */

enum ww_diag_avail {
	WW_DIAG_AVAILABLE = 0,
	WW_DIAG_NOT_HERE,      /* does not exist on this system (POSIX) */
	WW_DIAG_UNAVAILABLE,   /* should exist but cannot be read */
	WW_DIAG_NOT_RUN        /* switched off (--no-probes, config) */
};

#define WW_DIAG_PROBES_MAX 64
#define WW_DIAG_RUNS_MAX 10000
#define WW_DIAG_LOG_FILES 2

struct ww_diag_logfile {
	char path[WW_PROBE_URL_MAX];
	bool present;
	uint64_t size;
	uint64_t offset;       /* where reading started (size - chunk) */
};

struct ww_diag_log {
	const char *path;           /* wsus.log or --log (borrowed) */
	/* The last bytes of the log (and of .old before it) that are
	 * analysed: ww_tail_initial_max() of wsus.log_rollover. */
	uint64_t chunk;
	enum ww_diag_avail avail;   /* NOT_HERE: the file does not exist */
	char error[WW_ERR_MSG_MAX]; /* UNAVAILABLE: why */
	struct ww_diag_logfile files[WW_DIAG_LOG_FILES]; /* .old, log */
	struct ww_synclog_stats stats;
	struct ww_sync_run_list runs;
	struct ww_finding_summary findings[WW_CAT_COUNT];
};

#define WW_DIAG_EXAMPLE_MAX 256
#define WW_DIAG_SELF_CHECK_IDS 16
/* Sync results (384, 386) kept, the newest by record: 30 days of a
 * server syncing several times a day.  More failures than this after the
 * last success count as this many. */
#define WW_DIAG_EVENT_RESULTS 256
/* Reasons kept, of the newest failures. */
#define WW_DIAG_EVENT_REASONS 8

/* A sync result event (384 or 386) as the rules of runs read it. */
struct ww_diag_result {
	int64_t at;
	/* EventRecordID: the order the event log wrote them, which a clock
	 * stepped back does not change (the store's order too). */
	uint64_t record;
	bool failed;
};

/* One kind of WSUS event seen: how often, and the newest. */
struct ww_diag_evseen {
	uint64_t count;
	int64_t last_at;
	uint64_t last_record;
	uint32_t last_id;
	char example[WW_DIAG_EXAMPLE_MAX]; /* the newest's message, one line */
};

struct ww_diag_events {
	const char *file;           /* --events FILE (borrowed); NULL: live */
	enum ww_diag_avail avail;
	char error[WW_ERR_MSG_MAX];
	/* What was read: the live window, or the export's import stats. */
	struct ww_eventlog_scan_stats scan;
	struct ww_evimport_stats import;
	uint64_t count;             /* WSUS events read */
	bool have_catalog;          /* a 10020/10021/10022 was read */
	int catalog_id;
	int64_t catalog_at;
	uint64_t catalog_record;
	/* The newest sync results by record, unordered, and the last
	 * success by record also when older than all of them. */
	struct ww_diag_result results[WW_DIAG_EVENT_RESULTS];
	size_t n_results;
	bool have_success;
	struct ww_diag_result success;
	/* The reasons of the newest failed syncs by record (a 386's message,
	 * as the store keeps it): the latest attempt's, should it be one
	 * (the newest may be dated ahead and not count). */
	struct {
		uint64_t record;
		char error[WW_DIAG_EXAMPLE_MAX];
	} reasons[WW_DIAG_EVENT_REASONS];
	size_t n_reasons;
	struct ww_diag_evseen content;    /* 364 */
	struct ww_diag_evseen self_check; /* 12xxx, all IDs */
	struct { uint32_t id; uint64_t count; } checks[WW_DIAG_SELF_CHECK_IDS];
	size_t n_checks;            /* self-check IDs seen */
};

struct ww_diag_data {
	const struct ww_config *cfg;
	bool from_file;             /* cfg came from --config */
	int64_t now;

	/* Configuration: the proxy password's source, never the secret. */
	bool proxy_password_ok;
	char proxy_password_error[WW_ERR_MSG_MAX];
	/* The credential's user name when proxy.user is unset, else "". */
	char proxy_credential_user[256];

	/* Host TLS registry (hostcfg.h; ww_health_read_host()). */
	enum ww_fact_avail host_avail;
	char host_error[WW_ERR_MSG_MAX];
	struct ww_hostcfg_values host;

	/* Local services, WsusPool, ContentDir, Trusted Root (hostsvc.h;
	 * ww_health_read_local()). */
	enum ww_fact_avail local_avail;
	char local_error[WW_ERR_MSG_MAX];
	struct ww_hostsvc_values local;

	/* Endpoint probes, one per configured target. */
	enum ww_diag_avail probes_avail;
	char probes_error[WW_ERR_MSG_MAX];
	struct ww_probe_result *probes; /* owned, n_probes */
	size_t n_probes;

	struct ww_diag_log log;
	struct ww_diag_events events;
};

struct ww_diag_report {
	struct ww_health_input in;
	struct ww_health_report health;
	struct ww_diag_group groups[WW_DIAG_GROUP_COUNT];
	enum ww_diag_state verdict;    /* OK/WARNING/CRITICAL/UNKNOWN */
	/* The first things to fix: (group, item) in order. */
	struct { int group; size_t item; } fix[WW_DIAG_FIX_MAX];
	size_t n_fix;
};

void ww_diag_data_init(struct ww_diag_data *d, const struct ww_config *cfg,
		       int64_t now);
void ww_diag_data_release(struct ww_diag_data *d);

/* Read the last log->chunk bytes of path.old + path (diag_log.c). */
int ww_diag_read_log(struct ww_diag_log *log, int64_t now,
		     struct ww_err *err);

/*
 * The WSUS events (diag_events.c): the whole export events->file when
 * set (as `analyze --events`), else the newest events of the live
 * Application log within WW_EVENTLOG_SCAN_AGE_DEFAULT, at most
 * WW_EVENTLOG_SCAN_EVENTS_DEFAULT.  A live log that cannot be read is
 * recorded in events (avail, error) and returns 0; an export that cannot
 * be used returns its import error (WW_ENOENT, WW_EIO, WW_EPARSE, ...)
 * for the command's exit code.
 */
int ww_diag_read_events(struct ww_diag_events *events, int64_t now,
			struct ww_err *err);

/* Count one event into a struct ww_diag_events (ctx); a ww_evimport_fn. */
int ww_diag_events_add(void *ctx, const struct ww_wsus_event *ev,
		       struct ww_err *err);

/* Judge everything gathered (pure; diag_build.c). */
void ww_diag_build(const struct ww_diag_data *d, struct ww_diag_report *r);

/* "ok", "warning", "critical", "unknown", "skipped". */
const char *ww_diag_state_name(enum ww_diag_state s);

/* Output (diag_output.c). */
void ww_diag_print(FILE *out, const struct ww_diag_data *d,
		   const struct ww_diag_report *r);
cJSON *ww_diag_json(const struct ww_diag_data *d,
		    const struct ww_diag_report *r);


#endif /* WW_SERVICE_DIAGNOSE_H */
