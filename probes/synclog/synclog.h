/*
 * synclog.h - SoftwareDistribution.log, the WSUS server log: a streaming
 * record parser, a classifier of failure causes and the derivation of sync
 * runs.  See docs/synclog.md for the format and the rules.
 *
 * Layers, each usable alone:
 *   parser     bytes (any chunking) -> records, with file offsets
 *   classifier record -> set of finding categories (one static table)
 *   runs       records -> sync runs (started / succeeded / failed / ...)
 *   summary    findings aggregated per category (analyze)
 * The tailer (tail.h) drives all three and persists through the store
 * (synclog_store.c).  Nothing here prints, logs or touches a file.
 */
#ifndef WW_PROBES_SYNCLOG_H
#define WW_PROBES_SYNCLOG_H

#include "compat.h"
#include "err.h"

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

/* A line longer than this is cut here (the rest is skipped, counted). */
#define WW_SYNCLOG_LINE_MAX ((size_t)1 << 20)
/* A record (header + continuation lines) is cut at this size. */
#define WW_SYNCLOG_RECORD_MAX ((size_t)1 << 20)

enum ww_synclog_encoding {
	WW_SYNCLOG_ENC_AUTO = 0, /* sniff a BOM at offset 0, else UTF-8 */
	WW_SYNCLOG_ENC_UTF8,     /* UTF-8 or ANSI, no BOM */
	WW_SYNCLOG_ENC_UTF8_BOM, /* UTF-8 with EF BB BF */
	WW_SYNCLOG_ENC_UTF16LE   /* UTF-16LE with FF FE */
};

enum ww_synclog_level {
	WW_SYNCLOG_LEVEL_OTHER = 0,
	WW_SYNCLOG_LEVEL_VERBOSE,
	WW_SYNCLOG_LEVEL_INFO,
	WW_SYNCLOG_LEVEL_CHANGE,
	WW_SYNCLOG_LEVEL_WARNING,
	WW_SYNCLOG_LEVEL_ERROR
};

/*
 * One log record: the header line and the continuation lines after it
 * (stack traces "   at ...", "--- End of inner exception ...", "Message:
 * ..."), joined with '\n'.  All pointers are into parser storage and are
 * valid only during the callback; every string is NUL-terminated.
 */
struct ww_synclog_record {
	int64_t time;              /* seconds since 1970-01-01 UTC */
	int millis;                /* 0..999 */
	enum ww_synclog_level level;
	const char *level_text;    /* as written: "Info", "Error", ... */
	const char *process;       /* "WsusService.15", "w3wp.126" */
	const char *component;     /* "Class.Method", may be "" */
	const char *message;       /* message + continuation lines */
	size_t message_len;
	uint64_t line;             /* 1-based line number of the header */
	uint64_t offset;           /* file offset of the header line */
	uint64_t end;              /* file offset just past the last line */
	bool truncated;            /* a line or the record hit its cap */
};

/* Return 0 to continue; anything else stops feeding and is returned. */
typedef int (*ww_synclog_record_fn)(void *ctx,
				    const struct ww_synclog_record *rec);

struct ww_synclog_stats {
	uint64_t lines;      /* physical lines seen (blank ones included) */
	uint64_t records;    /* records emitted */
	uint64_t malformed;  /* lines neither a header nor a continuation */
	uint64_t overlong;   /* lines or records cut at their cap */
	uint64_t bytes;      /* raw bytes consumed */
};

struct ww_synclog_parser;

/* Heap parser calling fn(ctx, record) for every complete record. */
int ww_synclog_parser_new(struct ww_synclog_parser **ret,
			  ww_synclog_record_fn fn, void *ctx,
			  struct ww_err *err);
void ww_synclog_parser_free(struct ww_synclog_parser *p); /* NULL-safe */

/*
 * Start a new input (a file, or a file resumed at offset).  enc AUTO looks
 * for a BOM when offset is 0; a resumed file passes the encoding sniffed
 * from its first bytes (ww_synclog_sniff_encoding()).  When skip_partial
 * is set, lines before the first header are skipped without counting as
 * malformed (reading from the middle of a file).  Drops any pending
 * record and partial line; statistics are kept.
 */
void ww_synclog_parser_begin(struct ww_synclog_parser *p, uint64_t offset,
			     enum ww_synclog_encoding enc, bool skip_partial);

/*
 * Feed the next bytes.  Records are emitted once the following header
 * line shows they are complete, so the last record stays pending.
 * Returns 0, a callback's non-zero value, or a WW_E* code.
 */
int ww_synclog_parser_feed(struct ww_synclog_parser *p, const void *data,
			   size_t len, struct ww_err *err);

/*
 * Emit the pending record.  With complete_lines_only, nothing happens
 * while a line is unterminated (a writer may be in the middle of it);
 * otherwise an unterminated last line counts as complete (end of input).
 */
int ww_synclog_parser_flush(struct ww_synclog_parser *p,
			    bool complete_lines_only, struct ww_err *err);

/* True when a record is pending (parsed but not emitted). */
bool ww_synclog_parser_pending(const struct ww_synclog_parser *p);
/* Raw offset just past the last emitted record (or the begin offset). */
uint64_t ww_synclog_parser_emitted_end(const struct ww_synclog_parser *p);
/* Raw offset just past the last byte fed. */
uint64_t ww_synclog_parser_fed_end(const struct ww_synclog_parser *p);
const struct ww_synclog_stats *
ww_synclog_parser_stats(const struct ww_synclog_parser *p);
void ww_synclog_parser_reset_stats(struct ww_synclog_parser *p);
enum ww_synclog_encoding
ww_synclog_parser_encoding(const struct ww_synclog_parser *p);

/* Encoding from the first bytes of a file (BOM), UTF8 without one. */
enum ww_synclog_encoding ww_synclog_sniff_encoding(const void *head,
						   size_t len);

/*
 * Parse one header line (no line terminator) into rec's time, level,
 * process, component and message fields, writing NULs into line (it must
 * be writable and have line[len] addressable).  False when the line is
 * not a header.  Exposed for tests and the fuzzer.
 */
bool ww_synclog_parse_header(char *line, size_t len,
			     struct ww_synclog_record *rec);

const char *ww_synclog_level_name(enum ww_synclog_level level);

/* ------------------------------------------------------------------ */
/* Classifier                                                          */
/* ------------------------------------------------------------------ */

/* Finding categories; names are the cli-contract.md strings. */
enum ww_synclog_category {
	WW_CAT_ENDPOINT_DECOMMISSIONED = 0,
	WW_CAT_ENDPOINT_DEPRECATED,
	WW_CAT_SOAP_FAULT,
	WW_CAT_CONNECTION_CLOSED,
	WW_CAT_TLS_NO_COMMON_ALGORITHM,
	WW_CAT_TLS_TRUST_FAILURE,
	WW_CAT_PROXY_AUTH_REQUIRED,
	WW_CAT_NAME_RESOLUTION,
	WW_CAT_CONNECT_FAILURE,
	WW_CAT_TIMEOUT,
	WW_CAT_HTTP_UNAVAILABLE,
	WW_CAT_UPSTREAM_ERROR,
	WW_CAT_RETRY_LIMIT_EXCEEDED,
	WW_CAT_TLS12_FIX_MISSING,
	WW_CAT_DATABASE_ERROR,
	WW_CAT_CONTENT_DOWNLOAD_FAILURE,
	WW_CAT_SYNC_FAILED,
	WW_CAT_HEALTH_CHECK_FAILED,
	WW_CAT_UPSTREAM_UNEXPECTED,   /* the upstream's own failure */
	WW_CAT_INCOMPATIBLE_PROTOCOL, /* version order in a hierarchy */
	/* Facts, not failures (ww_synclog_category_is_fact): the engine
	 * judges them (the sync TLS path), no face lists them as findings. */
	WW_CAT_SCHANNEL_STARTUP,  /* "SCHANNEL Protocol ..." at WSUS start */
	WW_CAT_SERVICE_START,     /* a WSUS start line ([UNVERIFIED] set) */
	WW_CAT_COUNT
};

typedef uint32_t ww_synclog_catset; /* bit (1u << category) */

struct ww_synclog_classifier;

/* Build the matcher from the static table (a few hundred microseconds). */
int ww_synclog_classifier_new(struct ww_synclog_classifier **ret,
			      struct ww_err *err);
void ww_synclog_classifier_free(struct ww_synclog_classifier *c);

/*
 * Categories of one record: case-insensitive substrings of the component
 * and the message (continuation lines included), after a matching
 * category has suppressed the vaguer ones it explains (a "common
 * algorithm" failure is not also reported as "connection closed").
 */
ww_synclog_catset ww_synclog_classify(const struct ww_synclog_classifier *c,
				      const struct ww_synclog_record *rec);
/* The same for a bare text (tests, event messages). */
ww_synclog_catset ww_synclog_classify_text(
	const struct ww_synclog_classifier *c, const char *text, size_t len);

const char *ww_synclog_category_name(enum ww_synclog_category cat);
const char *ww_synclog_category_hint(enum ww_synclog_category cat);
/* A category that records a fact (a start, the SCHANNEL lines), never a
 * failure: no finding, no run error. */
bool ww_synclog_category_is_fact(enum ww_synclog_category cat);
/* The categories above as a set. */
#define WW_SYNCLOG_FACTS \
	(((ww_synclog_catset)1u << WW_CAT_SCHANNEL_STARTUP) | \
	 ((ww_synclog_catset)1u << WW_CAT_SERVICE_START))
/* WW_CAT_COUNT when name is not a category. */
enum ww_synclog_category ww_synclog_category_from_name(const char *name);
/* The i-th pattern of the table, NULL past the end (bench PATTERNS). */
const char *ww_synclog_pattern(size_t i, enum ww_synclog_category *ret_cat);

/* A bounded one-line example of a record: first line, capped. */
#define WW_SYNCLOG_EXAMPLE_MAX 512
void ww_synclog_example(const struct ww_synclog_record *rec, char *buf,
			size_t size);

/* ------------------------------------------------------------------ */
/* Sync runs                                                           */
/* ------------------------------------------------------------------ */

#define WW_TIME_UNKNOWN INT64_MIN
#define WW_SYNC_ERROR_MAX 512
#define WW_SYNC_KEY_MAX 48
/* A run with no end after this long is reported as "unknown". */
#define WW_SYNC_RUN_STALE_SECONDS (12 * 3600)

enum ww_sync_kind { WW_SYNC_KIND_UNKNOWN = 0, WW_SYNC_SCHEDULED,
		    WW_SYNC_MANUAL };
enum ww_sync_result { WW_SYNC_RUNNING = 0, WW_SYNC_SUCCEEDED,
		      WW_SYNC_FAILED, WW_SYNC_UNKNOWN };

struct ww_sync_run {
	char key[WW_SYNC_KEY_MAX];   /* stable id within its source */
	enum ww_sync_kind kind;
	enum ww_sync_result result;
	int64_t started_at;          /* seconds, WW_TIME_UNKNOWN */
	int64_t finished_at;         /* seconds, WW_TIME_UNKNOWN */
	int64_t started_ms;          /* ordering; WW_TIME_UNKNOWN */
	int64_t finished_ms;
	char error[WW_SYNC_ERROR_MAX]; /* "" when none */
};

const char *ww_sync_kind_name(enum ww_sync_kind k);
const char *ww_sync_result_name(enum ww_sync_result r);
int ww_sync_kind_from_name(const char *s, enum ww_sync_kind *ret);
int ww_sync_result_from_name(const char *s, enum ww_sync_result *ret);

/*
 * Run derivation state: at most one open run plus the last finished one
 * (to recognise the "SyncFinish" that follows an EventId=384).  The state
 * is small and plain so the tailer can rebuild it from the store.
 */
struct ww_sync_tracker {
	struct ww_sync_run open;      /* valid when has_open */
	bool has_open;
	bool open_expired;            /* reported as unknown already */
	bool open_by_request;         /* opened by "manually started" */
	struct ww_sync_run last;      /* last finished run, when has_last */
	bool has_last;
	int64_t stale_seconds;        /* WW_SYNC_RUN_STALE_SECONDS */
};

/* Called for every run created or changed, with its new state. */
typedef int (*ww_sync_run_fn)(void *ctx, const struct ww_sync_run *run);

void ww_sync_tracker_init(struct ww_sync_tracker *t);

/*
 * Feed one record with its categories.  Sync signals (EventId=381/382
 * start, 384 success, 386 failure, 387 ended otherwise, "Synchronization
 * manually started", "Firing event SyncFinish") open and close runs;
 * failure categories seen while a run is open become its error text.
 */
int ww_sync_tracker_record(struct ww_sync_tracker *t,
			   const struct ww_synclog_record *rec,
			   ww_synclog_catset cats, ww_sync_run_fn fn,
			   void *ctx);

/*
 * Time has passed: an open run started more than stale_seconds before
 * now is reported as WW_SYNC_UNKNOWN (once).  It stays open, so a late
 * completion still closes it.
 */
int ww_sync_tracker_expire(struct ww_sync_tracker *t, int64_t now,
			   ww_sync_run_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Summary (analyze): sync runs and findings of a whole input          */
/* ------------------------------------------------------------------ */

struct ww_finding_summary {
	uint64_t count;
	int64_t first_seen, last_seen; /* seconds */
	char example[WW_SYNCLOG_EXAMPLE_MAX];
};

/*
 * Count rec in sums[c] for every category c in cats: first and last time
 * seen, and the newest record (ties: the later one) as the example.
 * sums has WW_CAT_COUNT entries, zeroed before the first call.
 */
void ww_finding_summary_add(struct ww_finding_summary *sums,
			    ww_synclog_catset cats,
			    const struct ww_synclog_record *rec);

/* A list of sync runs from any source, merged into one timeline. */
struct ww_sync_run_list {
	struct ww_sync_run *runs;
	size_t n, cap;
	size_t max; /* hard limit; older runs are dropped beyond it */
};

void ww_sync_run_list_init(struct ww_sync_run_list *l, size_t max);
void ww_sync_run_list_release(struct ww_sync_run_list *l);
/* Insert or replace (same key) a run. */
int ww_sync_run_list_put(struct ww_sync_run_list *l,
			 const struct ww_sync_run *run);
/* Order by start (or finish when the start is unknown). */
void ww_sync_run_list_sort(struct ww_sync_run_list *l);
/* Latest start or finish of any run; WW_TIME_UNKNOWN when none. */
int64_t ww_sync_run_list_last_attempt(const struct ww_sync_run_list *l);
/* Latest finish of a succeeded run; WW_TIME_UNKNOWN when none. */
int64_t ww_sync_run_list_last_success(const struct ww_sync_run_list *l);

#endif /* WW_PROBES_SYNCLOG_H */
