/*
 * checks.h - the engine's check table, private to service/engine/.
 *
 * A check is a row: its name (a contract: docs/cli.md), the guide's
 * section, what it is (cause, symptom, monitor, info), the class that
 * orders causes, what it applies to (once, per probed target, per
 * source, per host-TLS item, per log finding category), a measure
 * function that reads the facts (struct ww_health_input) and yields a
 * value or a state with its summary, evidence and fix, how a value
 * compares with which thresholds, and the base of its event IDs.  The
 * evaluator (health.c) is the only place that turns values into states
 * and names causes, so every face (check, status, events, metrics,
 * diagnose) shows one verdict.
 */
#ifndef WW_ENGINE_CHECKS_H
#define WW_ENGINE_CHECKS_H

#include "compat.h"
#include "health.h"

enum rule_scope {
	SCOPE_GLOBAL,  /* one result */
	SCOPE_TARGET,  /* one result per probed target */
	SCOPE_SOURCE,  /* one result per source of observations */
	SCOPE_HOST,    /* one result per host-TLS item (hostcfg.h) */
	SCOPE_FINDING, /* one result per log finding category */
	SCOPE_SERVICE  /* one result per local service (hostsvc.h) */
};

enum rule_cmp {
	CMP_ABOVE,     /* bad when value > threshold */
	CMP_AT_LEAST,  /* bad when value >= threshold */
	CMP_AT_MOST,   /* bad when value <= threshold */
	CMP_STATE      /* the measure decides the state */
};

enum rule_th {
	TH_NONE,       /* this level is never reached by comparison */
	TH_ZERO,
	TH_SYNC_WARNING,
	TH_SYNC_CRITICAL,
	TH_SYNC_FAILURES,
	TH_PROBE_FAILURES,
	TH_CERT_WARNING,
	TH_CLOCK_SKEW
};

enum rule_unit {
	UNIT_DURATION, /* seconds, shown as "30h" */
	UNIT_COUNT
};

enum measure_kind {
	M_NA,          /* the rule does not apply: no result */
	M_SKIPPED,     /* does not apply here, but diagnose says why */
	M_NODATA,      /* applies, but nothing is known: UNKNOWN */
	M_VALUE        /* value (or state for CMP_STATE) is set */
};

struct measure {
	enum measure_kind kind;
	int64_t value;
	enum ww_state state;               /* CMP_STATE only */
	char text[WW_HEALTH_TEXT_MAX];     /* summary without the threshold */
	char evidence[WW_HEALTH_LONG_MAX];
	char fix[WW_HEALTH_LONG_MAX];
	char item[WW_HEALTH_NAME_MAX * 2]; /* diagnose's item name, "" rule's */
	char stage[16];
	char code[16];
	char cause_text[WW_HEALTH_TEXT_MAX]; /* "" : text */
	int rank;
	bool no_count;                     /* never counts toward overall */
	bool primary;                      /* UNKNOWN here makes overall UNKNOWN */
	bool quiet;                        /* a state rule's failure shown but
					    * not alerted (not yet repeated) */
	/* A numeric rule's floor: a failure seen is at least a warning even
	 * below the threshold, so a row never says "ok" beside a failure. */
	enum ww_state floor;
};

typedef void (*measure_fn)(const struct ww_health_input *in, size_t i,
			   int64_t now, struct measure *m);

struct rule {
	const char *name;
	enum rule_scope scope;
	measure_fn measure;
	enum rule_cmp cmp;
	enum rule_th warn;
	enum rule_th crit;
	enum rule_unit unit;
	unsigned event_base;     /* 0: never alerted */
	bool primary;
	enum ww_check_kind kind;
	enum ww_cause_class cls;
	enum ww_section section;
	const char *item;        /* diagnose's item name; NULL: the key */
	const char *guide;       /* the guide's section */
	const char *summary;
};

extern const struct rule ww_rules[];
extern const size_t ww_rules_n;

/* v judged by the thresholds of the rule named name (health.c), for a
 * check that judges the same quantity (local_endpoint's certificate by
 * cert_expiry's); UNKNOWN for no such rule. */
enum ww_state ww_health_rule_judge(const char *name,
				   const struct ww_health_thresholds *t,
				   int64_t v);

/* Measure helpers (checks.c). */
void ww_m_text(struct measure *m, const char *fmt, ...) WW_PRINTF(2, 3);
void ww_m_evidence(struct measure *m, const char *fmt, ...) WW_PRINTF(2, 3);
void ww_m_fix(struct measure *m, const char *fix);
void ww_m_value(struct measure *m, int64_t v);
void ww_m_state(struct measure *m, enum ww_state s);

/* Local services (checks_services.c). */
void ww_measure_service(const struct ww_health_input *in, size_t i,
			int64_t now, struct measure *m);
void ww_measure_wsus_pool(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m);
void ww_measure_content_dir(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m);
void ww_measure_trusted_root(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m);
/* The TLS paths' rows (checks_tls.c). */
void ww_measure_sync_tls_fix(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m);
void ww_measure_tls_failure_cause(const struct ww_health_input *in,
				  size_t i, int64_t now, struct measure *m);
/* The checks on WSUS's own settings (checks_wsus.c). */
void ww_measure_proxy_basic(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m);
void ww_measure_proxy_credentials(const struct ww_health_input *in, size_t i,
				  int64_t now, struct measure *m);
void ww_measure_hierarchy(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m);
void ww_measure_content_source(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m);
void ww_measure_domains(const struct ww_health_input *in, size_t i,
			int64_t now, struct measure *m);
/* scheme://host[:port] of a URL (the scheme only when with_scheme),
 * never its userinfo or path: how a URL appears in any text. */
void ww_check_url_part(const char *url, bool with_scheme, char *buf,
		       size_t size);
/* Whether t is one of the Microsoft domains (probes.domains). */
bool ww_is_domain_target(const struct ww_probe_summary *t);
/*
 * Whether this machine is a WSUS server as far as the host's facts tell:
 * the Setup key or the WsusService service (a half-removed WSUS can leave
 * either alone).  The host's settings and services count toward the
 * verdict only then; elsewhere they describe some other host.
 */
bool ww_is_wsus_here(const struct ww_health_input *in);
/* Whether t is the target WSUS synchronizes from (endpoint_targets.c). */
bool ww_is_sync_source(const struct ww_health_input *in,
		       const struct ww_probe_summary *t);
/* checks_local.c: this server's own endpoints (probes.local). */
bool ww_is_local_target(const struct ww_probe_summary *t);
void ww_measure_local_endpoint(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m);
void ww_measure_catalog_import(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m);

/* Scope sizes and instance names that need more than the input. */
size_t ww_checks_host_items(const struct ww_health_input *in,
			    struct ww_hostcfg_report *ret);

#endif /* WW_ENGINE_CHECKS_H */
