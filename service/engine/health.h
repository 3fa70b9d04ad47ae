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
#include "config.h"
#include "endpoint.h"
#include "err.h"
#include "evstore.h"
#include "hostcfg.h"
#include "hostsvc.h"
#include "synclog.h"
#include "wsyncmgr.h"

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

/* The sync path's targets, extra URLs and the Microsoft domains (8). */
#define WW_HEALTH_MAX_TARGETS 32
#define WW_HEALTH_NAME_MAX 64
#define WW_HEALTH_TEXT_MAX 256
/* Evidence and fix of a check: a few sentences. */
#define WW_HEALTH_LONG_MAX 512

/*
 * What a check is (docs/health.md, "Causes and symptoms").  A cause is
 * something an administrator can fix (a setting, a service, a network
 * stage, an error WSUS logged); a symptom is what a broken sync looks
 * like from outside (staleness, failed attempts, WSUS's catalog state).
 * Monitor checks judge wsuswatch's own sources; info checks only report.
 */
enum ww_check_kind {
	WW_KIND_CAUSE = 0,
	WW_KIND_SYMPTOM,
	WW_KIND_MONITOR,
	WW_KIND_INFO,
	/* A problem of its own (this server's SelfUpdate, say): counts
	 * toward the overall state and names its own fix, but is never
	 * named as the cause of a stale or failed sync. */
	WW_KIND_FINDING
};

/*
 * The order in which causes are considered when a symptom is explained:
 * the first cause that is not ok in this order (then by rank within the
 * class, then table order) is named.  Settings come before the paths
 * they steer, the path before what WSUS logged about it.
 */
enum ww_cause_class {
	WW_CLASS_CONFIG = 0,  /* this server's WSUS / wsuswatch settings */
	WW_CLASS_HOST_TLS,    /* SCHANNEL, .NET, cipher policy */
	WW_CLASS_SERVICES,    /* WsusService, BITS, IIS, WsusPool */
	WW_CLASS_NETWORK,     /* probe stages: DNS, TCP, proxy, TLS, cert, HTTP */
	WW_CLASS_LOG,         /* SoftwareDistribution.log after the last success */
	WW_CLASS_EVENTS,      /* WSUS's own events */
	WW_CLASS_NONE         /* symptoms, monitor and info checks */
};

/* The guide's sections, as diagnose groups its report. */
enum ww_section {
	WW_SECTION_CONFIGURATION = 0,
	WW_SECTION_HOST_TLS,
	WW_SECTION_SERVICES,  /* WsusService, BITS, IIS, ContentDir, stores */
	WW_SECTION_NETWORK,
	WW_SECTION_LOG,
	WW_SECTION_EVENTLOG,
	WW_SECTION_MONITOR,   /* verdict: symptoms and wsuswatch's sources */
	WW_SECTION_COUNT
};

/* Whether a fact could be gathered here. */
enum ww_fact_avail {
	WW_FACT_NOT_RUN = 0,   /* switched off, or not gathered by this face */
	WW_FACT_AVAILABLE,
	WW_FACT_NOT_HERE,      /* does not exist on this system */
	WW_FACT_UNAVAILABLE    /* should exist but cannot be read */
};

/* Thresholds, seconds or counts (config: thresholds.*). */
struct ww_health_thresholds {
	int64_t sync_warning;   /* age of the last successful sync */
	int64_t sync_critical;
	int64_t sync_failures;  /* consecutive failed attempts: warning */
	int64_t probe_failures; /* consecutive failed probes: critical */
	int64_t cert_warning;   /* certificate expires within */
	int64_t clock_skew;     /* |server Date - local clock| above */
};


/* What the WSUS log said, in the window the face read (diagnose: the
 * last chunk; the service: the store's findings). */
struct ww_health_log {
	enum ww_fact_avail avail;
	char error[WW_HEALTH_TEXT_MAX];
	char path[WW_HEALTH_TEXT_MAX];
	char detail[WW_HEALTH_LONG_MAX]; /* what was read, for evidence */
	struct ww_finding_summary findings[WW_CAT_COUNT];
};


/* WSUS's own events beyond the catalog state. */
struct ww_health_events {
	enum ww_fact_avail avail;
	char error[WW_HEALTH_TEXT_MAX];
	char where[WW_HEALTH_TEXT_MAX];   /* "in the export", "in the last 7 days" */
	char file[WW_HEALTH_TEXT_MAX];    /* the export read, "" live */
	char detail[WW_HEALTH_LONG_MAX];  /* what was read, for evidence */
	uint64_t count;                   /* WSUS events read */
	uint64_t catalog_record;
	struct ww_evstore_seen content;    /* 364 */
	struct ww_evstore_seen self_check; /* 12xxx */
	char components[WW_HEALTH_TEXT_MAX];/* self-check components seen */
};

/* The proxy password's source, never the secret. */
struct ww_health_secret {
	bool configured;   /* proxy.password_env or _credential is set */
	bool checked;      /* resolution was attempted by this face */
	bool ok;
	char error[WW_HEALTH_TEXT_MAX];
	char user[WW_HEALTH_NAME_MAX * 2]; /* credential's user, "" none */
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
	/* Why it failed, as the source recorded it (the log's 386 Message,
	 * cut to fit); "" when it did not fail or no reason is known. */
	char last_error[WW_HEALTH_TEXT_MAX];
	int64_t first_observed;        /* start of the oldest known attempt */
	int64_t consecutive_failures;  /* failed attempts since last success */
	/*
	 * Runs dated ahead of now by more than the clock tolerance
	 * (thresholds.clock_skew): left out of everything above.
	 */
	int64_t ahead_runs;
	int64_t ahead_latest;          /* the furthest such time */

	/*
	 * A disconnected server (wsus.disconnected): sync is replaced by
	 * export/import, staleness is the last import's age (docs/health.md).
	 */
	bool disconnected;
	bool have_import;
	int64_t last_import;           /* import log's modification time */
	char import_error[WW_HEALTH_TEXT_MAX]; /* why it is not known */

	/* Sync source: MUUrl when syncing from Microsoft Update. */
	bool from_upstream;            /* an upstream WSUS server is the source */
	char upstream[WW_HEALTH_TEXT_MAX];
	char muurl[WW_HEALTH_TEXT_MAX];

	/* Latest of WSUS's own catalog health events 10020/10021/10022. */
	bool have_wsus_event;
	int wsus_event_id;
	int64_t wsus_event_at;

	/* The latest knowledge of each probed endpoint: the endpoint
	 * owner's summary (endpoint.h), from the store or from diagnose's
	 * live probes. */
	struct ww_probe_summary targets[WW_HEALTH_MAX_TARGETS];
	size_t ntargets;
	/* NOT_RUN: this face does not probe (the store has what the
	 * service probed); NOT_HERE: switched off (--no-probes). */
	enum ww_fact_avail probes_avail;
	char probes_error[WW_HEALTH_TEXT_MAX];

	struct ww_health_source sources[WW_SOURCE_COUNT];

	/*
	 * The configuration these facts were judged under (borrowed; may be
	 * NULL in unit tests: configuration checks then do not apply).
	 * source_known: the sync source was written in a file or discovered
	 * from WSUS, not assumed from built-in defaults.
	 */
	const struct ww_config *cfg;
	bool source_known;
	struct ww_health_secret secret;

	/* Host TLS registry (hostcfg.h). */
	enum ww_fact_avail host_avail;
	char host_error[WW_HEALTH_TEXT_MAX];
	struct ww_hostcfg_values host;

	/* Local services, WsusPool, ContentDir's DACL, Trusted Root
	 * (hostsvc.h). */
	enum ww_fact_avail local_avail;
	char local_error[WW_HEALTH_TEXT_MAX];
	struct ww_hostsvc_values local;

	struct ww_health_log log;
	struct ww_health_events events;

	/*
	 * WSUS's own settings beyond the keys (config.h, from discovery):
	 * replica mode, proxy password and Basic, content source, version.
	 * All zero when WSUS's settings were not read.
	 */
	struct ww_wsus_facts wsus;
	/* The WinHTTP default proxy, context only (winhttp_proxy.h); "":
	 * not known here. */
	char winhttp_proxy[WW_HEALTH_TEXT_MAX];

	/* ConfigMgr's WsyncMgr.log (wsus.wsyncmgr_log): NOT_RUN when no
	 * path is configured or discovered, NOT_HERE when there is no file. */
	enum ww_fact_avail wsyncmgr_avail;
	char wsyncmgr_path[WW_HEALTH_TEXT_MAX];
	char wsyncmgr_error[WW_HEALTH_TEXT_MAX];
	struct ww_wsyncmgr_facts wsyncmgr;
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
	unsigned event_base;              /* see docs/events.md; 0: no alert */
	bool primary;                     /* UNKNOWN here makes overall UNKNOWN */

	/* From the check table. */
	enum ww_check_kind kind;
	enum ww_cause_class cls;
	enum ww_section section;
	const char *guide;                /* the guide's section, static */
	int rank;                         /* order within its class */
	/* Diagnose's name of the item ("last_successful_sync", a target). */
	char item[WW_HEALTH_NAME_MAX * 2];
	bool skipped;   /* does not apply here: shown by diagnose only */
	/* Shown, not alerted: a failure below its rule's threshold (one
	 * failed probe) is a warning in every face but raises no event. */
	bool quiet;
	bool counts;    /* warning/critical count toward the overall state */
	char evidence[WW_HEALTH_LONG_MAX];
	char fix[WW_HEALTH_LONG_MAX];     /* first thing to do, "" none */
	char stage[16];                   /* network causes: probe stage */
	char code[16];                    /* "0x8024401B", "" none */
	/* Short form for a symptom's explanation: "proxy requires ..." */
	char cause_text[WW_HEALTH_TEXT_MAX];
	/* The check explaining this symptom (index in the report), -1 none. */
	int cause;
};

#define WW_HEALTH_MAX_CHECKS 128

struct ww_health_report {
	int64_t at;
	enum ww_state overall;
	struct ww_check_result checks[WW_HEALTH_MAX_CHECKS];
	size_t n;
	/* The check that explains the overall state (index), -1 when ok. */
	int headline;
};

/*
 * The cause named for check c (itself when c is a cause that is not ok),
 * or NULL.  Used by every face: check line, status, events, metrics.
 */
const struct ww_check_result *
ww_health_cause_of(const struct ww_health_report *rep,
		   const struct ww_check_result *c);

/*
 * The checks an administrator should act on, first things first: causes
 * that are not ok in causal order, then symptoms, then wsuswatch's own
 * trouble, then unknowns that decide the verdict and say what to do.
 * Fills ret with report indexes, at most max; returns how many.
 */
size_t ww_health_fix_order(const struct ww_health_report *rep, size_t *ret,
			   size_t max);

/* The check that explains the overall state, NULL when it is ok. */
const struct ww_check_result *
ww_health_headline(const struct ww_health_report *rep);

/*
 * JSON (health_json.c), caller owns the result (cJSON_Delete).  A check:
 * name, state, summary, check, value, threshold, kind, guide, evidence,
 * fix, cause; the cause: check, state, summary, evidence, fix, stage,
 * code, or null.  checks_json skips checks that do not apply here.
 */
struct cJSON;
struct cJSON *ww_health_check_json(const struct ww_health_report *rep,
				   const struct ww_check_result *c);
struct cJSON *ww_health_cause_json(const struct ww_health_report *rep,
				   const struct ww_check_result *c);
struct cJSON *ww_health_checks_json(const struct ww_health_report *rep);

/* "cause", "symptom", "monitor", "info". */
const char *ww_check_kind_name(enum ww_check_kind k);

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

/* The sync-run facts of in from a summary of the runs (the monitor's
 * from the store, diagnose's from what it parsed: one set of rules). */
struct ww_runs_summary;
void ww_health_input_set_runs(struct ww_health_input *in,
			      const struct ww_runs_summary *r);

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
 * The facts that do not come from the store, the same for every face:
 * the configuration (always), whether the proxy password can be
 * resolved (WW_SEED_SECRET; the secret itself is dropped at once), the
 * host's TLS registry (WW_SEED_HOST) and its local services
 * (WW_SEED_LOCAL).
 */
#define WW_SEED_SECRET 0x1u
#define WW_SEED_HOST 0x2u
/* Local services, WsusPool, ContentDir's DACL, the Trusted Root store
 * (hostsvc.h; ContentDir from the host registry, so with WW_SEED_HOST).
 * A ContentDir on a network path is not read: the service would wait on
 * the network every minute (diagnose reads it, ww_health_read_local()). */
#define WW_SEED_LOCAL 0x4u
/* The host's other files and settings: ConfigMgr's WsyncMgr.log (up to
 * 1 MiB read) and the WinHTTP default proxy. */
#define WW_SEED_FILES 0x10u
void ww_health_seed(struct ww_health_input *in, const struct ww_config *cfg,
		    unsigned what);

/*
 * The host's TLS registry (hostcfg.h) and its local services (hostsvc.h),
 * as WW_SEED_HOST and WW_SEED_LOCAL read them, for a face that keeps them
 * in its own data (diagnose): the values, the reason they were not read
 * into error ("" when they were), and whether they were.  Local services
 * take ContentDir from host when host_avail says it was read.
 */
enum ww_fact_avail ww_health_read_host(struct ww_hostcfg_values *host,
				       char *error, size_t size);
enum ww_fact_avail ww_health_read_local(enum ww_fact_avail host_avail,
					const struct ww_hostcfg_values *host,
					bool network_paths,
					struct ww_hostsvc_values *local,
					char *error, size_t size);

/*
 * Copy what WW_SEED_HOST, WW_SEED_LOCAL and WW_SEED_FILES gathered from
 * src to dst (both ways: the monitor keeps them for WW_HOST_TTL instead
 * of re-reading the registry and files on every health run).
 */
void ww_health_copy_host_facts(struct ww_health_input *dst,
			       const struct ww_health_input *src);

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
