/*
 * endpoint.h - endpoint probes: one libcurl transfer per target that walks
 * DNS -> TCP -> proxy -> TLS -> certificate -> HTTP, records how long each
 * stage took and names the first stage that failed, the result, the code
 * an administrator would meet (wu_code) and a one-line hint.
 *
 * Contract for the monitor:
 *   - Call ww_endpoint_global_init() once, before any thread starts, and
 *     ww_endpoint_global_cleanup() once at exit (libcurl's global state).
 *   - Build targets once per configuration (ww_endpoint_targets_from_config)
 *     and options (ww_endpoint_opts_from_config; the password is borrowed:
 *     resolve it with ww_config_proxy_password() just before probing and
 *     free it with ww_os_secret_free() right after).
 *   - ww_endpoint_probe() blocks for at most opts->timeout_ms (a hard total
 *     over every connection it makes) and returns within about 100 ms of
 *     the stop event being set, with WW_EABORT and no result.
 *   - A probe that ran (ok or not) returns 0 and fills *ret; a negative
 *     return means the probe could not be run at all (bad URL, out of
 *     memory, aborted).
 *
 * Secrets: the proxy password is handed to libcurl and nothing else.  No
 * result field, error message or hint ever contains it or a URL's userinfo.
 * URLs with userinfo are refused (WW_EINVAL) rather than echoed.
 *
 * See docs/probes.md for stages, results, codes and what each TLS backend
 * (OpenSSL on POSIX, Schannel on Windows) can tell apart.
 */
#ifndef WW_PROBES_ENDPOINT_H
#define WW_PROBES_ENDPOINT_H

#include "compat.h"
#include "err.h"

struct ww_config;
struct ww_event;
struct ww_store;
struct cJSON;

/* The first stage that failed; WW_STAGE_NONE when the probe is ok. */
enum ww_probe_stage {
	WW_STAGE_NONE = 0,
	WW_STAGE_DNS,
	WW_STAGE_CONNECT,
	WW_STAGE_PROXY,
	WW_STAGE_TLS,
	WW_STAGE_HTTP
};

/* Results as in cli-contract.md ("probe --json"); names are a contract. */
enum ww_probe_res {
	WW_PROBE_OK = 0,
	WW_PROBE_DNS_FAILURE,
	WW_PROBE_CONNECT_REFUSED,
	WW_PROBE_CONNECT_TIMEOUT,
	WW_PROBE_TIMEOUT,
	WW_PROBE_PROXY_DNS_FAILURE,
	WW_PROBE_PROXY_CONNECT_FAILURE,
	WW_PROBE_PROXY_AUTH_REQUIRED,
	WW_PROBE_TLS_HANDSHAKE_FAILED,
	WW_PROBE_TLS_UNTRUSTED,
	WW_PROBE_TLS_EXPIRED,
	WW_PROBE_TLS_NOT_YET_VALID,
	WW_PROBE_TLS_NAME_MISMATCH,
	WW_PROBE_HTTP_UNAUTHORIZED,
	WW_PROBE_HTTP_NOT_FOUND,
	WW_PROBE_HTTP_UNAVAILABLE,
	WW_PROBE_HTTP_ERROR,
	WW_PROBE_TLS_REVOCATION_UNKNOWN, /* added after the others: keeps values */
	WW_PROBE_RES_COUNT
};

/* What a target is; decides the endpoint policy and status tolerance. */
enum ww_target_kind {
	WW_TARGET_ADHOC = 0,        /* a URL from the command line */
	WW_TARGET_MICROSOFT_UPDATE, /* MUUrl + the ServerSyncWebService path */
	WW_TARGET_UPSTREAM_SYNC,    /* upstream WSUS ServerSyncWebService */
	WW_TARGET_UPSTREAM_SELFUPDATE, /* upstream /selfupdate/iuident.cab */
	WW_TARGET_EXTRA,            /* probes.extra_urls */
	WW_TARGET_DOMAIN,           /* probes.domains: "domain:<url>" */
	WW_TARGET_LOCAL             /* probes.local: "local:<what>", direct */
};

/* Name prefix of the Microsoft domains' targets (probes.domains). */
#define WW_DOMAIN_TARGET_PREFIX "domain:"
/* Name prefix of this server's own endpoints (probes.local):
 * local:selfupdate, local:content, local:https. */
#define WW_LOCAL_TARGET_PREFIX "local:"

/* Endpoint policy finding for the Microsoft Update sync target. */
enum ww_endpoint_policy {
	WW_POLICY_NONE = 0,
	WW_POLICY_DEPRECATED,     /* sws1.update.microsoft.com */
	WW_POLICY_DECOMMISSIONED  /* fe2.update.microsoft.com */
};

#define WW_PROBE_URL_MAX 2048
#define WW_PROBE_NAME_MAX 64
#define WW_PROBE_DETAIL_MAX 256
#define WW_PROBE_UNKNOWN INT64_MIN /* "null" for the int64 fields below */

struct ww_endpoint_target {
	char *name; /* "microsoft_update", "upstream_sync", ... (owned) */
	char *url;  /* absolute http(s) URL (owned) */
	enum ww_target_kind kind;
	enum ww_endpoint_policy policy;
};

struct ww_endpoint_targets {
	struct ww_endpoint_target *items; /* owned */
	size_t n;
};

/*
 * Probe options.  Every pointer is borrowed and must outlive the probe.
 * NULL strings mean "none".
 */
struct ww_endpoint_opts {
	const char *proxy;          /* HTTP proxy URL for http:// targets */
	const char *ssl_proxy;      /* proxy for https:// targets; NULL: proxy */
	const char *proxy_user;
	const char *proxy_password; /* secret; given to libcurl only */
	const char *cacert;         /* CA bundle (PEM); NULL: system store */
	int tls_min;                /* 12 (TLS 1.2, default) or 13 */
	bool revoke_best_effort;    /* Schannel: accept "revocation could not
				     * be checked" (never a revoked cert) */
	const char *const *resolve; /* "HOST:PORT:ADDR" pins, as curl */
	size_t n_resolve;
	int64_t timeout_ms;         /* hard total per probe; default 30 s */
	int64_t (*now)(void);       /* wall clock; NULL: ww_os_now */
};

/* Stage durations in microseconds since the probe started, or -1. */
struct ww_probe_timings {
	int64_t dns, connect, tls, pretransfer, first_byte, total;
};

struct ww_probe_result {
	char target[WW_PROBE_NAME_MAX];
	char url[WW_PROBE_URL_MAX];
	int64_t at;                 /* when the probe started (seconds) */
	bool ok;
	enum ww_probe_stage stage;
	enum ww_probe_res result;
	uint32_t wu_code;           /* 0: none */
	long http_status;           /* 0: no response */
	char tls_version[32];       /* "" when unknown */
	char tls_cipher[96];        /* "" when unknown */
	int64_t cert_not_after;     /* seconds, or WW_PROBE_UNKNOWN */
	int64_t cert_days_left;     /* floor((not_after - at) / 1 day) */
	int64_t clock_skew;         /* server Date - local clock, seconds */
	int64_t elapsed_ms;
	struct ww_probe_timings timings;
	enum ww_endpoint_policy policy;
	const char *hint;           /* static text; NULL when ok */
	char detail[WW_PROBE_DETAIL_MAX]; /* libcurl's message, "" when ok */
};

/* libcurl global state; call once from the main thread. */
int ww_endpoint_global_init(struct ww_err *err);
void ww_endpoint_global_cleanup(void);

/* Defaults: TLS 1.2 minimum, 30 s timeout, no proxy, system CA store. */
void ww_endpoint_opts_init(struct ww_endpoint_opts *o);

/*
 * Fill o from the configuration (proxy URLs and user, CA file, TLS
 * minimum, resolve pins, timeout).  Strings stay owned by cfg.  The
 * password is not resolved here: set o->proxy_password yourself.
 */
int ww_endpoint_opts_from_config(struct ww_endpoint_opts *o,
				 const struct ww_config *cfg,
				 struct ww_err *err);

/*
 * Probe one target.  stop may be NULL.  Returns 0 with *ret filled,
 * WW_EABORT when stop was set (no result), WW_EINVAL for a URL or option
 * that cannot be used (message names it, without userinfo), WW_ENOMEM.
 */
int ww_endpoint_probe(const struct ww_endpoint_target *t,
		      const struct ww_endpoint_opts *o, struct ww_event *stop,
		      struct ww_probe_result *ret, struct ww_err *err);

/* --- targets (endpoint_targets.c) --- */

/*
 * The targets the configuration asks for: Microsoft Update (MUUrl +
 * /ServerSyncWebService/ServerSyncWebService.asmx, with its policy),
 * the upstream server's ServerSyncWebService (https when ssl) and its
 * SelfUpdate iuident.cab on the HTTP port, and probes.extra_urls.
 * *ret is replaced; release with ww_endpoint_targets_release().
 */
int ww_endpoint_targets_from_config(const struct ww_config *cfg,
				    struct ww_endpoint_targets *ret,
				    struct ww_err *err);

/*
 * The upstream's SelfUpdate (HTTP) port: the port itself without SSL,
 * wsus.upstream.http_port when set, 8530 for 8531 and 80 for 443; 0 when
 * it cannot be known (then it is not probed).
 */
int64_t ww_endpoint_selfupdate_port(const struct ww_config *cfg);

/* Append one target (copies name and url; the policy is derived). */
int ww_endpoint_targets_add(struct ww_endpoint_targets *t, const char *name,
			    const char *url, enum ww_target_kind kind,
			    struct ww_err *err);

void ww_endpoint_targets_release(struct ww_endpoint_targets *t);

/*
 * This server's own ports (probes.local): wsus.server.port is the HTTP
 * port; the SSL one is 8531 for 8530, 443 for 80, else port + 1.  A
 * port of 8531 or 443 with SSL on is taken as the SSL port (HTTP 8530,
 * 80).  0 and 0 when the port is unknown.
 */
void ww_endpoint_local_ports(const struct ww_config *cfg, int64_t *http,
			     int64_t *https);

/*
 * The guide's required Microsoft URLs without wildcards (its section 4,
 * from Microsoft's "Step 2: Configure WSUS"), HTTP and HTTPS as listed:
 * the probe set of probes.domains.  NULL after the last.
 */
extern const char *const ww_endpoint_domain_urls[];

/*
 * Whether the Microsoft domains are probed: probes.domains on, or auto
 * on a WSUS server whose settings discovery read, SUSDB included
 * that gets anything from Microsoft Update itself (syncs from it and is
 * not a replica, or downloads update files from it); never when
 * disconnected.
 */
bool ww_endpoint_domains_wanted(const struct ww_config *cfg);

/* Policy of a Microsoft Update endpoint URL (by host). */
enum ww_endpoint_policy ww_endpoint_policy_of(const char *muurl);
/* Whether muurl names the current endpoint, sws.update.microsoft.com. */
bool ww_endpoint_is_microsoft(const char *muurl);
const char *ww_endpoint_policy_name(enum ww_endpoint_policy p); /* or NULL */
const char *ww_endpoint_policy_hint(enum ww_endpoint_policy p); /* or NULL */

/* --- classification (endpoint_classify.c) --- */

/* The facts one transfer left behind; input of the classification. */
struct ww_probe_facts {
	int curl_code;         /* CURLcode */
	long http_status;      /* CURLINFO_RESPONSE_CODE */
	long connect_status;   /* CURLINFO_HTTP_CONNECTCODE (proxy CONNECT) */
	long verify_result;    /* CURLINFO_SSL_VERIFYRESULT (OpenSSL X509_V_*) */
	const char *errtext;   /* CURLOPT_ERRORBUFFER text, may be NULL */
	bool https;
	bool via_proxy;
	bool dns_done;         /* name resolved (or a pin / IP literal) */
	bool tcp_done;         /* TCP connected (to the proxy when one is set) */
	bool tls_done;         /* TLS handshake completed */
	bool soap_endpoint;    /* an .asmx: 405 and 500 prove the path */
	bool own_directory;    /* a directory of this server's own site
				* (probes.local): 403, its listing turned
				* off as WSUS sets it, proves the path */
	int64_t now;           /* for cert dates */
	int64_t cert_not_before; /* WW_PROBE_UNKNOWN unless inspected */
	int64_t cert_not_after;
};

struct ww_probe_class {
	enum ww_probe_res result;
	enum ww_probe_stage stage;
	uint32_t wu_code;
	/* The code beneath wu_code that WSUS shows only as detail
	 * (0x800B0109 under 0x80072F8F for an untrusted chain); 0: none. */
	uint32_t detail_code;
	const char *hint;
};

void ww_endpoint_classify(const struct ww_probe_facts *f,
			  struct ww_probe_class *ret);

/* Whether the facts describe a certificate failure whose dates matter. */
bool ww_endpoint_is_cert_failure(const struct ww_probe_facts *f);

const char *ww_probe_res_name(enum ww_probe_res r);
const char *ww_probe_stage_name(enum ww_probe_stage s); /* NULL for none */
/* The 0x80244xxx code of an HTTP status (0x8024402B when unmapped). */
uint32_t ww_endpoint_http_wu_code(long status);

/* Parse a certificate date as libcurl's CERTINFO gives it per backend:
 * OpenSSL "Jan  2 03:04:05 2030 GMT", x509asn1 (Schannel and others)
 * "2030-01-02 03:04:05 GMT". */
int ww_endpoint_parse_cert_date(const char *s, int64_t *ret);

/* One CERTINFO line: "Start date:" (OpenSSL) or "Start Date:" (Schannel,
 * through libcurl's x509asn1.c) sets *not_before, "Expire date:" /
 * "Expire Date:" sets *not_after; other lines and unparsable dates leave
 * both as they were. */
void ww_endpoint_cert_info_line(const char *line, int64_t *not_before,
				int64_t *not_after);

/* --- output (endpoint_json.c) --- */

/* The result as the contract's JSON object; NULL on allocation failure. */
struct cJSON *ww_probe_result_to_json(const struct ww_probe_result *r);

/* Append one row to probe_result (common/store.h). */
int ww_probe_result_store(struct ww_store *s, const struct ww_probe_result *r,
			  struct ww_err *err);

/*
 * The newest limit probe_result rows, newest first, appended to arr as
 * objects with the field names of `probe --json` (history --json,
 * docs/store.md).
 */
int ww_probe_result_history_json(struct ww_store *s, int limit,
				 struct cJSON *arr, struct ww_err *err);

/*
 * What is known of one target: its latest probe and what its rows add up
 * to.  The health engine's per-target fact (health.h: targets[]), filled
 * from the store (ww_probe_result_summary) or from one live probe
 * (ww_probe_summary_from_result, diagnose).
 */
struct ww_probe_summary {
	char name[WW_PROBE_NAME_MAX];   /* the target, probe_result.target */
	char url[256];
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
	char wu_code[16];               /* of the latest probe, "" none */
	int64_t http_status;            /* 0: no response */
	char tls_version[32];
	char detail[256];               /* libcurl's message */
	char hint[512];                 /* first check to make */
};

/*
 * The targets that have rows, in name order, at most max: calls fn(name,
 * arg) for each; a non-zero return from fn stops and is returned.
 */
int ww_probe_result_targets(struct ww_store *s, size_t max,
			    int (*fn)(const char *name, void *arg), void *arg,
			    struct ww_err *err);

/* The summary of target's rows; 0 (with *ret zeroed but for its name
 * when there are none) or WW_E*.  target may point into *ret. */
int ww_probe_result_summary(struct ww_store *s, const char *target,
			    struct ww_probe_summary *ret, struct ww_err *err);

/* The summary one live probe gives (no history: one failure at most). */
void ww_probe_summary_from_result(const struct ww_probe_result *p,
				  struct ww_probe_summary *ret);

#endif /* WW_PROBES_ENDPOINT_H */
