/*
 * health.h - wsuswatch's health model: what "healthy sync" means.
 *
 * One declarative rules table (health.c) turns a plain snapshot of what
 * the store knows (struct ww_health_input) into check results with a
 * state and a reason.  Rules are pure functions of the input and `now`:
 * no I/O, no clock, so every threshold is tested with injected time.
 * health_gather.c fills the input from the store; docs/health.md
 * explains each rule, its defaults and why.
 *
 * No data is UNKNOWN, never OK.
 */
#ifndef WW_HEALTH_H
#define WW_HEALTH_H

#include "compat.h"
#include "err.h"

struct ww_config;
struct ww_store;

/* Numbered as the Nagios plugin exit codes, so `check` exits with it. */
enum ww_state {
	WW_STATE_OK = 0,
	WW_STATE_WARNING = 1,
	WW_STATE_CRITICAL = 2,
	WW_STATE_UNKNOWN = 3
};

/* "ok", "warning", "critical", "unknown" (the contract's spelling). */
const char *ww_state_name(enum ww_state s);
/* Parse the names above; WW_EINVAL for anything else. */
int ww_state_parse(const char *name, enum ww_state *ret);
/*
 * Ranking for "the worst of": CRITICAL > WARNING > UNKNOWN > OK, as the
 * monitoring-plugins' max_state() ranks them.
 */
int ww_state_rank(enum ww_state s);

#define WW_HEALTH_MAX_TARGETS 16
#define WW_HEALTH_NAME_MAX 64
#define WW_HEALTH_TEXT_MAX 256

/* Thresholds, seconds or counts (config: thresholds.*). */
struct ww_health_thresholds {
	int64_t sync_warning;   /* age of the last successful sync */
	int64_t sync_critical;
	int64_t sync_failures;  /* consecutive failed attempts: warning */
	int64_t probe_failures; /* consecutive failed probes: critical */
	int64_t cert_warning;   /* certificate expires within */
	int64_t clock_skew;     /* |server Date - local clock| above */
};

/* The latest knowledge about one probed endpoint. */
struct ww_health_target {
	char name[WW_HEALTH_NAME_MAX];  /* probe_result.target */
	char url[WW_HEALTH_TEXT_MAX];
	int64_t at;                     /* time of the latest probe */
	bool ok;                        /* latest probe succeeded */
	char stage[16];                 /* failing stage, "" when ok */
	char result[32];                /* contract result name */
	int64_t consecutive_failures;   /* failed probes since the last ok */
	int64_t elapsed_ms;             /* of the latest probe, -1 unknown */
	bool have_cert;
	int64_t cert_not_after;         /* latest certificate seen */
	bool have_skew;
	int64_t clock_skew;             /* latest skew seen, seconds */
	int64_t skew_at;                /* when it was measured */
};

/* A source of observations as the monitor last saw it. */
struct ww_health_source {
	bool known;        /* false: not used here (e.g. no event log) */
	bool ok;
	char error[WW_HEALTH_TEXT_MAX];
};

enum ww_health_source_id {
	WW_SOURCE_LOG = 0,      /* SoftwareDistribution.log */
	WW_SOURCE_EVENTLOG,     /* Application log */
	WW_SOURCE_DATABASE,     /* the wsuswatch store itself */
	WW_SOURCE_COUNT
};

/*
 * Everything the rules look at.  Plain data: a test builds one by hand,
 * health_gather.c builds one from the store.
 */
struct ww_health_input {
	struct ww_health_thresholds th;

	/* Sync runs from any source (log, event log, SUSDB). */
	int64_t sync_runs;             /* how many are known at all */
	bool have_success;
	int64_t last_success;          /* end of the last successful sync */
	bool have_attempt;
	int64_t last_attempt;          /* start of the latest attempt */
	char last_result[16];          /* its result: succeeded, failed ... */
	int64_t first_observed;        /* start of the oldest known attempt */
	int64_t consecutive_failures;  /* failed attempts since last success */
	/*
	 * Runs dated ahead of now by more than the clock tolerance
	 * (thresholds.clock_skew): left out of everything above.
	 */
	int64_t ahead_runs;
	int64_t ahead_latest;          /* the furthest such time */

	/* Sync source: MUUrl when syncing from Microsoft Update. */
	bool from_upstream;            /* an upstream WSUS server is the source */
	char upstream[WW_HEALTH_TEXT_MAX];
	char muurl[WW_HEALTH_TEXT_MAX];

	/* Latest of WSUS's own catalog health events 10020/10021/10022. */
	bool have_wsus_event;
	int wsus_event_id;
	int64_t wsus_event_at;

	struct ww_health_target targets[WW_HEALTH_MAX_TARGETS];
	size_t ntargets;

	struct ww_health_source sources[WW_SOURCE_COUNT];
};

/* Static name of a source: "log", "eventlog", "database". */
const char *ww_health_source_name(enum ww_health_source_id id);

/* One evaluated check (one rule, possibly for one target or source). */
struct ww_check_result {
	char key[WW_HEALTH_NAME_MAX * 2]; /* "sync_staleness", "endpoint:sws" */
	const char *check;                /* rule name, static */
	char instance[WW_HEALTH_NAME_MAX];/* target / source name or "" */
	enum ww_state state;
	char reason[WW_HEALTH_TEXT_MAX];  /* one sentence, no newline */
	char value[48];                   /* "30h", "3", "" when no data */
	char threshold[64];               /* "warning > 26h, critical > 50h" */
	bool have_value;
	int64_t raw_value;                /* seconds or count */
	unsigned event_base;              /* see docs/events.md */
	bool primary;                     /* UNKNOWN here makes overall UNKNOWN */
};

#define WW_HEALTH_MAX_CHECKS 80

struct ww_health_report {
	int64_t at;
	enum ww_state overall;
	struct ww_check_result checks[WW_HEALTH_MAX_CHECKS];
	size_t n;
};

/*
 * Event IDs: a rule's base + offset.  base+1 warning raised, base+2
 * critical raised, base+3 cleared (back to ok), base+4 unknown raised
 * (no data).  docs/events.md lists them; installer/wsuswatch.mc must
 * define every one (a unit test checks that).
 */
enum ww_event_offset {
	WW_EVENT_WARNING = 1,
	WW_EVENT_CRITICAL = 2,
	WW_EVENT_CLEAR = 3,
	WW_EVENT_UNKNOWN = 4
};

/* Service lifecycle events, raised by service/, not by rules. */
#define WW_EVENT_SERVICE_STARTED 1000
#define WW_EVENT_SERVICE_STOPPED 1001
#define WW_EVENT_SERVICE_ERROR 1002
/* The service's other log lines when it runs under the SCM (no console). */
#define WW_EVENT_SERVICE_INFO 1003
#define WW_EVENT_SERVICE_WARNING 1004

/* Event ID reporting `state` for a check with this base (clear for ok). */
unsigned ww_health_event_id(unsigned event_base, enum ww_state state);

/* Fill th from the configuration's thresholds.* keys. */
void ww_health_thresholds_from_config(struct ww_health_thresholds *th,
				      const struct ww_config *cfg);

/* Zero the input, no sources known, no targets. */
void ww_health_input_init(struct ww_health_input *in);

/*
 * Evaluate every rule of the table against in at time now.  Rules that
 * do not apply (no such target, source not used on this system, MUUrl
 * while syncing from an upstream server) produce no result.
 * overall is the worst state of all checks, except that UNKNOWN of a
 * non-primary check does not make the whole UNKNOWN.
 */
void ww_health_evaluate(const struct ww_health_input *in, int64_t now,
			struct ww_health_report *ret);

/* The result with this key, or NULL. */
const struct ww_check_result *
ww_health_find(const struct ww_health_report *rep, const char *key);

/* Rule metadata, for docs and the message-table test. */
struct ww_health_rule_info {
	const char *name;
	unsigned event_base;
	const char *summary;
};
size_t ww_health_rule_count(void);
void ww_health_rule_info(size_t i, struct ww_health_rule_info *ret);

/*
 * Human forms used in reasons: an age floored to its largest unit
 * ("30h", "45m", "12d"), and a threshold in the largest unit that divides
 * it exactly ("26h", "90m").
 */
void ww_health_format_age(int64_t seconds, char *buf, size_t size);
void ww_health_format_span(int64_t seconds, char *buf, size_t size);

/*
 * Fill in from the store (sync_run, probe_result, wsus_event; see
 * store.h) and from cfg (thresholds, MUUrl, upstream).  Sources are not
 * in the store: in->sources is left as the caller set it before the call
 * (ww_health_input_init() leaves them unknown).  Read-only: works on a
 * store opened with ww_store_open_readonly().
 */
int ww_health_gather(struct ww_store *s, const struct ww_config *cfg,
		     int64_t now, struct ww_health_input *in,
		     struct ww_err *err);

#endif /* WW_HEALTH_H */
