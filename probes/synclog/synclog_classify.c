/*
 * synclog_classify.c - what went wrong, from a log record's text.
 *
 * ONE static table (categories[]) says everything: each finding category
 * with its contract name, the first check to make (hint), the vaguer
 * categories it explains (suppresses) and its patterns.  Patterns are
 * case-insensitive substrings of the component or the message, including
 * the continuation lines of a stack trace.  The error codes of the sync
 * guide's table ("Error and symptom reference": 0x80072EE2, 0x80072EFD,
 * 0x80072F8F, 0x80244022, 0x8024402C) and those the probe reports
 * (endpoint_classify.c) are patterns of the category they mean, and
 * that category's hint says the code's meaning and the guide's first
 * check: one table for text and codes.
 *
 * Speed: the patterns are compiled into one Aho-Corasick automaton turned
 * into a full DFA over case-folded byte classes, so a record is scanned
 * once, one table step per byte, however many patterns there are.  States
 * are renumbered so that those with an output come last: the hot loop
 * only reads the output table when the state number says there is one.
 */
#include "compat.h"

#include "synclog.h"
#include "util.h"

#define CAT(c) ((ww_synclog_catset)1u << (c))
#define PATTERNS_MAX 8

static const struct category {
	const char *name;
	const char *hint;
	ww_synclog_catset suppresses;
	const char *patterns[PATTERNS_MAX];
} categories[WW_CAT_COUNT] = {
	[WW_CAT_ENDPOINT_DECOMMISSIONED] = {
		"endpoint_decommissioned",
		"WSUS still syncs from fe2.update.microsoft.com, retired on "
		"2019-07-08: set MUUrl to https://sws.update.microsoft.com "
		"and RedirectorChangeNumber to 4002 (never on a downstream or "
		"replica server)",
		CAT(WW_CAT_SOAP_FAULT),
		{ "fe2.update.microsoft.com" } },
	[WW_CAT_ENDPOINT_DEPRECATED] = {
		"endpoint_deprecated",
		"WSUS syncs from the legacy sws1.update.microsoft.com, which "
		"will be decommissioned: move to https://sws.update.microsoft.com "
		"(TLS 1.2 only)",
		0,
		{ "sws1.update.microsoft.com" } },
	[WW_CAT_SOAP_FAULT] = {
		"soap_fault",
		"The sync source answered with a SOAP fault: check the sync "
		"endpoint (MUUrl or upstream server) and the exception text",
		0,
		{ "soapexception", "uss throwexception",
		  "errorcode=internalservererror" } },
	[WW_CAT_CONNECTION_CLOSED] = {
		"connection_closed",
		"The connection to the sync source was cut: check the proxy or "
		"firewall (TLS inspection) (0x80072EFE: connection error); for "
		"sync, that the Monthly Rollup "
		"with WSUS's TLS 1.2 fix is installed (SCHANNEL lines in this "
		"log at service start); for manual import, .NET's "
		"SchUseStrongCrypto=1",
		0,
		{ "the underlying connection was closed",
		  "forcibly closed by the remote host",
		  "connection was closed unexpectedly", "80072efe" } },
	[WW_CAT_TLS_NO_COMMON_ALGORITHM] = {
		"tls_no_common_algorithm",
		"No TLS protocol or cipher in common with the server: with "
		"TLS 1.2 on, check the cipher suite order policy (gpresult, "
		"SSL\\00010002 Functions) keeps one the endpoint accepts: on "
		"2012/2012 R2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256/_P384 "
		"or _AES_128_CBC_SHA256_P256/_P384, on 2016 and later "
		"TLS_ECDHE_RSA_WITH_AES_256/128_GCM_SHA384/SHA256 or "
		"_CBC_SHA384/SHA256; for manual import, .NET's "
		"SchUseStrongCrypto=1",
		CAT(WW_CAT_CONNECTION_CLOSED),
		{ "do not possess a common algorithm" } },
	[WW_CAT_TLS_TRUST_FAILURE] = {
		"tls_trust_failure",
		"Secure channel, certificate or date/time validation failed "
		"(0x80072F8F): check the date, time and time zone first; root CA in Local "
		"Computer\\Trusted Root Certification Authorities, "
		"intermediate CA in Intermediate Certification Authorities "
		"(never Trusted Root); the FQDN must be the certificate's "
		"Subject or SAN; a TLS-inspecting proxy re-signs the chain",
		CAT(WW_CAT_CONNECTION_CLOSED),
		{ "could not establish trust relationship",
		  "not microsoft root ca signed root", "800b0109",
		  "remote certificate is invalid", "80072f8f" } },
	[WW_CAT_PROXY_AUTH_REQUIRED] = {
		"proxy_auth_required",
		"The proxy demands credentials (407, 0x8024401B): check the proxy user and "
		"password in WSUS Options > Update Source and Proxy Server (an "
		"expired password is a common cause)",
		CAT(WW_CAT_UPSTREAM_ERROR),
		{ "proxy authentication required", "(407)", "8024401b" } },
	[WW_CAT_NAME_RESOLUTION] = {
		"name_resolution",
		"A proxy or target name was not resolved (0x8024402C): check "
		"DNS and proxy resolution in the affected security context "
		"(the server's resolvers, the proxy name configured in WSUS)",
		0,
		{ "remote name could not be resolved",
		  "proxy name could not be resolved", "no such host is known",
		  "8024402c" } },
	[WW_CAT_CONNECT_FAILURE] = {
		"connect_failure",
		"No connection to the sync source could be established "
		"(0x80072EFD): check DNS, the proxy, firewall rules and the "
		"port (443, or 8530/8531 to an upstream WSUS)",
		0,
		{ "unable to connect to the remote server",
		  "no connection could be made", "actively refused",
		  "80072efd" } },
	[WW_CAT_TIMEOUT] = {
		"timeout",
		"The sync source did not answer in time (0x80072EE2): proxy, "
		"firewall, route: do not assume IIS without more evidence",
		0,
		{ "operation has timed out",
		  "did not properly respond after a period of time",
		  "request timed out", "80072ee2" } },
	[WW_CAT_HTTP_UNAVAILABLE] = {
		"http_unavailable",
		"HTTP 503 from the sync source or proxy (0x80244022): check "
		"upstream availability and its IIS/WsusPool load (the "
		"application pool's Private Memory Limit)",
		CAT(WW_CAT_UPSTREAM_ERROR),
		{ "(503)", "service unavailable", "server unavailable",
		  "80244022" } },
	[WW_CAT_UPSTREAM_ERROR] = {
		"upstream_error",
		"The sync source answered with an HTTP error (0x80244017 401, "
		"0x80244019 404, 0x8024401F 500): check the URL and the health "
		"of the upstream server or proxy",
		0,
		{ "the remote server returned an error",
		  "the request failed with http status", "80244017", "80244019",
		  "8024401f" } },
	[WW_CAT_RETRY_LIMIT_EXCEEDED] = {
		"retry_limit_exceeded",
		"WSUS gave up after its retries: the cause is the exception in "
		"the same record (see the other findings)",
		0,
		{ "retry limit exceeded" } },
	[WW_CAT_TLS12_FIX_MISSING] = {
		"tls12_fix_missing",
		"The TLS handshake was reset (sws.update.microsoft.com accepts "
		"TLS 1.2 only): for sync, install the Monthly Rollup with "
		"WSUS's TLS 1.2 fix (KB4022721 on 2012, KB4022720 on 2012 R2, "
		"or later); if its SCHANNEL lines are in this log, check the "
		"cipher suite order; for manual import, set "
		"SchUseStrongCrypto=1 under "
		"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
		CAT(WW_CAT_CONNECTION_CLOSED),
		{ "an unexpected error occurred on a send",
		  "could not create ssl/tls secure channel" } },
	[WW_CAT_DATABASE_ERROR] = {
		"database_error",
		"SUSDB trouble: check the WID or SQL Server service and its "
		"disk, then run the WSUS maintenance (reindex, cleanup)",
		CAT(WW_CAT_TIMEOUT),
		{ "executereader requires an open and available connection",
		  "was deadlocked on", "sqlexception",
		  "unable to connect to its database", "cannot open database",
		  "login failed for user",
		  "a network-related or instance-specific error" } },
	[WW_CAT_CONTENT_DOWNLOAD_FAILURE] = {
		"content_download_failure",
		"Update files could not be downloaded (BITS): check that the "
		"proxy passes Range requests and that the content source is "
		"reachable; metadata sync is a separate question",
		0,
		{ "content file download failed", "contentsyncagent.joberror",
		  "support the range protocol header" } },
	[WW_CAT_SYNC_FAILED] = {
		"sync_failed",
		"A synchronization failed: its error and the findings around it "
		"name the cause",
		0,
		{ "synchronization failed", "eventid=386,", "sync failed" } },
	[WW_CAT_HEALTH_CHECK_FAILED] = {
		"health_check_failed",
		"A WSUS self-check of its web services failed: run "
		"'wsusutil checkhealth' and look for events 12002-12072",
		CAT(WW_CAT_SOAP_FAULT),
		{ "webservice soapexception" } },
	/*
	 * Facts.  The SCHANNEL lines are Microsoft's (IMPORT-SYNC issues 2
	 * and 3: "entries that start with SCHANNEL Protocol", logged at
	 * start only when WSUS's TLS 1.2 fix is installed); their header
	 * columns are not documented.  No public sample shows the line
	 * WsusService writes when it starts [UNVERIFIED]; the one start line
	 * with a public sample is the web services' (pastebin WhEg77PQ, a
	 * third-party source: "Initializing ClientWebService ProcessID = ..,
	 * Process Start Time = .."), which the guide's "restart WsusService,
	 * iisreset, open the console" sequence produces.
	 */
	[WW_CAT_SCHANNEL_STARTUP] = {
		"schannel_startup",
		"Not a failure: WSUS logged its SCHANNEL protocol states at "
		"start, which it does only with its TLS 1.2 fix for sync "
		"installed (the Monthly Rollup on 2012 and 2012 R2)",
		0,
		{ "schannel protocol" } },
	[WW_CAT_SERVICE_START] = {
		"service_start",
		"Not a failure: WSUS started (a start line in the log); the "
		"SCHANNEL lines are expected around it",
		0,
		{ "initializing clientwebservice" } },
	[WW_CAT_UPSTREAM_UNEXPECTED] = {
		"upstream_unexpected_error",
		"The upstream server failed on its side: this message alone does "
		"not say why. On the upstream, check IIS (the WSUS "
		"Administration site), WsusService and the WsusPool application "
		"pool (state, recycling, Private Memory Limit), and read its "
		"SoftwareDistribution.log and Application log",
		CAT(WW_CAT_SOAP_FAULT) | CAT(WW_CAT_UPSTREAM_ERROR),
		{ "the upstream server experienced an unexpected error" } },
	[WW_CAT_INCOMPATIBLE_PROTOCOL] = {
		"incompatible_protocol",
		"IncompatibleProtocolVersion: this server runs a newer WSUS than "
		"its upstream. A downstream must run the same WSUS version as "
		"its upstream or an earlier one: update the upstream first",
		CAT(WW_CAT_SOAP_FAULT),
		{ "incompatibleprotocolversion" } },
};

struct ww_synclog_classifier {
	unsigned char cls[256];    /* byte -> class, ASCII case folded */
	size_t ncls;
	uint32_t *next;            /* [state * ncls + class] = next * ncls */
	uint32_t first_out;        /* premultiplied: states >= have outputs */
	ww_synclog_catset *out;    /* indexed by state - first output state */
	size_t nstates;
};

static unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

const char *ww_synclog_pattern(size_t i, enum ww_synclog_category *ret_cat)
{
	size_t c, j;

	for (c = 0; c < WW_CAT_COUNT; c++)
		for (j = 0; j < PATTERNS_MAX && categories[c].patterns[j]; j++)
			if (i-- == 0) {
				if (ret_cat)
					*ret_cat = (enum ww_synclog_category)c;
				return categories[c].patterns[j];
			}
	return NULL;
}

const char *ww_synclog_category_name(enum ww_synclog_category cat)
{
	return (unsigned)cat < WW_CAT_COUNT ? categories[cat].name : "unknown";
}

const char *ww_synclog_category_hint(enum ww_synclog_category cat)
{
	return (unsigned)cat < WW_CAT_COUNT ? categories[cat].hint : "";
}

bool ww_synclog_category_is_fact(enum ww_synclog_category cat)
{
	return (unsigned)cat < WW_CAT_COUNT &&
	       (WW_SYNCLOG_FACTS & CAT(cat)) != 0;
}

enum ww_synclog_category ww_synclog_category_from_name(const char *name)
{
	size_t c;

	for (c = 0; c < WW_CAT_COUNT; c++)
		if (strcmp(categories[c].name, name) == 0)
			return (enum ww_synclog_category)c;
	return WW_CAT_COUNT;
}

/* ---- automaton construction ------------------------------------------ */

struct build {
	int32_t *go;              /* [state * ncls + class], -1 = none */
	int32_t *fail;
	ww_synclog_catset *out;
	size_t n, max;
};

static void make_classes(struct ww_synclog_classifier *c)
{
	const char *pat;
	size_t i;

	memset(c->cls, 0, sizeof(c->cls));
	c->ncls = 1; /* class 0: bytes in no pattern */
	for (i = 0; (pat = ww_synclog_pattern(i, NULL)) != NULL; i++)
		for (; *pat; pat++) {
			unsigned char b = fold((unsigned char)*pat);

			if (!c->cls[b])
				c->cls[b] = (unsigned char)c->ncls++;
		}
	for (i = 'A'; i <= 'Z'; i++)
		c->cls[i] = c->cls[i + 32];
}

static int build_trie(struct ww_synclog_classifier *c, struct build *b)
{
	enum ww_synclog_category cat;
	const char *pat;
	size_t i, total = 1;

	for (i = 0; (pat = ww_synclog_pattern(i, NULL)) != NULL; i++)
		total += strlen(pat);
	b->max = total;
	b->go = malloc(total * c->ncls * sizeof(*b->go));
	b->fail = calloc(total, sizeof(*b->fail));
	b->out = calloc(total, sizeof(*b->out));
	if (!b->go || !b->fail || !b->out)
		return WW_ENOMEM;
	memset(b->go, 0xff, total * c->ncls * sizeof(*b->go));
	b->n = 1;
	for (i = 0; (pat = ww_synclog_pattern(i, &cat)) != NULL; i++) {
		int32_t s = 0;

		for (; *pat; pat++) {
			size_t k = (size_t)s * c->ncls + c->cls[(unsigned char)*pat];

			if (b->go[k] < 0)
				b->go[k] = (int32_t)b->n++;
			s = b->go[k];
		}
		b->out[s] |= CAT(cat);
	}
	return 0;
}

/* Failure links by BFS, completing every missing transition (a DFA). */
static int complete_dfa(struct ww_synclog_classifier *c, struct build *b)
{
	int32_t *queue = malloc(b->n * sizeof(*queue));
	size_t head = 0, tail = 0, k;

	if (!queue)
		return WW_ENOMEM;
	for (k = 0; k < c->ncls; k++) {
		int32_t u = b->go[k];

		if (u < 0) {
			b->go[k] = 0;
		} else {
			b->fail[u] = 0;
			queue[tail++] = u;
		}
	}
	while (head < tail) {
		int32_t s = queue[head++];

		for (k = 0; k < c->ncls; k++) {
			int32_t *t = &b->go[(size_t)s * c->ncls + k];
			int32_t f = b->go[(size_t)b->fail[s] * c->ncls + k];

			if (*t < 0) {
				*t = f;
			} else {
				b->fail[*t] = f;
				b->out[*t] |= b->out[f];
				queue[tail++] = *t;
			}
		}
	}
	free(queue);
	return 0;
}

/* Renumber: states without output first, then premultiply. */
static int finish(struct ww_synclog_classifier *c, struct build *b)
{
	uint32_t *perm = malloc(b->n * sizeof(*perm));
	size_t i, k, lo = 0, nout = 0;

	c->next = malloc(b->n * c->ncls * sizeof(*c->next));
	if (!perm || !c->next) {
		free(perm);
		return WW_ENOMEM;
	}
	for (i = 0; i < b->n; i++)
		nout += b->out[i] != 0;
	c->out = calloc(nout ? nout : 1, sizeof(*c->out));
	if (!c->out) {
		free(perm);
		return WW_ENOMEM;
	}
	for (i = 0; i < b->n; i++)
		if (!b->out[i])
			perm[i] = (uint32_t)lo++;
	for (i = 0, k = lo; i < b->n; i++)
		if (b->out[i]) {
			c->out[k - lo] = b->out[i];
			perm[i] = (uint32_t)k++;
		}
	for (i = 0; i < b->n; i++)
		for (k = 0; k < c->ncls; k++)
			c->next[perm[i] * c->ncls + k] =
				perm[b->go[i * c->ncls + k]] * (uint32_t)c->ncls;
	c->first_out = (uint32_t)(lo * c->ncls);
	c->nstates = b->n;
	free(perm);
	return 0;
}

int ww_synclog_classifier_new(struct ww_synclog_classifier **ret,
			      struct ww_err *err)
{
	struct ww_synclog_classifier *c = calloc(1, sizeof(*c));
	struct build b = { 0 };
	int r = WW_ENOMEM;

	if (!c)
		goto out;
	make_classes(c);
	r = build_trie(c, &b);
	if (!r)
		r = complete_dfa(c, &b);
	if (!r)
		r = finish(c, &b);
out:
	free(b.go);
	free(b.fail);
	free(b.out);
	if (r) {
		ww_synclog_classifier_free(c);
		return ww_err_set(err, r, "synclog classifier: out of memory");
	}
	*ret = c;
	return 0;
}

void ww_synclog_classifier_free(struct ww_synclog_classifier *c)
{
	if (!c)
		return;
	free(c->next);
	free(c->out);
	free(c);
}

/* ---- matching -------------------------------------------------------- */

static ww_synclog_catset scan(const struct ww_synclog_classifier *c,
			      const unsigned char *s, size_t n)
{
	const uint32_t *next = c->next;
	const unsigned char *cls = c->cls;
	uint32_t st = 0, first_out = c->first_out;
	ww_synclog_catset m = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		st = next[st + cls[s[i]]];
		if (st >= first_out)
			m |= c->out[(st - first_out) / c->ncls];
	}
	return m;
}

static ww_synclog_catset suppress(ww_synclog_catset m)
{
	ww_synclog_catset drop = 0;
	size_t i;

	for (i = 0; i < WW_CAT_COUNT; i++)
		if (m & CAT(i))
			drop |= categories[i].suppresses;
	return m & ~drop;
}

ww_synclog_catset ww_synclog_classify_text(
	const struct ww_synclog_classifier *c, const char *text, size_t len)
{
	return suppress(scan(c, (const unsigned char *)text, len));
}

ww_synclog_catset ww_synclog_classify(const struct ww_synclog_classifier *c,
				      const struct ww_synclog_record *rec)
{
	ww_synclog_catset m;

	m = scan(c, (const unsigned char *)rec->component,
		 strlen(rec->component));
	m |= scan(c, (const unsigned char *)rec->message, rec->message_len);
	return m ? suppress(m) : 0;
}

void ww_synclog_example(const struct ww_synclog_record *rec, char *buf,
			size_t size)
{
	const char *nl = memchr(rec->message, '\n', rec->message_len);
	size_t n = nl ? (size_t)(nl - rec->message) : rec->message_len;

	if (!size)
		return;
	if (n >= size) {
		n = size - 1;
		/* Do not cut a UTF-8 sequence in half. */
		while (n && ((unsigned char)rec->message[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, rec->message, n);
	buf[n] = '\0';
}
