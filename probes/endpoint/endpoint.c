/*
 * endpoint.c - one probe run per target with libcurl's easy API.
 *
 * A probe is one GET with a hard total timeout.  libcurl's stage timers
 * (name lookup, connect, TLS, pretransfer, first byte) tell how far it
 * got; endpoint_classify.c turns the outcome into result / stage /
 * wu_code / hint.  When the failure is about the certificate, a second,
 * unverified handshake within the remaining time reads the certificate's
 * dates, which reports days to expiry and tells expired from not yet valid
 * on backends that do not (Schannel).
 *
 * The progress callback checks the stop event, so a probe of a server
 * that accepts and never answers ends within ~100 ms of the monitor
 * stopping, not at its timeout.
 */
#include "compat.h"

#include <curl/curl.h>

#include "config.h"
#include "os.h"
#include "endpoint.h"
#include "endpoint_tls.h"
#include "util.h"

#define BODY_MAX ((size_t)8 << 20) /* read at most 8 MiB of a response */
#define MIN_INSPECT_MS 500         /* do not start an inspection with less */

struct probe_state {
	struct ww_event *stop;
	int64_t (*now)(void);
	CURL *curl;      /* the transfer's handle, for the TLS facts */
	struct ww_tls_info tls;
	bool tls_asked;  /* the TLS backend was asked once the handshake ended */
	bool connected; /* libcurl said "Connected to" (TCP is up) */
	bool have_date;
	int64_t server_date;
	int64_t local_at_date;
	size_t body;
	bool body_capped;
};

struct url_facts {
	bool https;
	bool soap; /* path ends in .asmx */
	bool dir;  /* path ends in / */
	char host[256];
};

int ww_endpoint_global_init(struct ww_err *err)
{
	CURLcode c = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (c != CURLE_OK)
		return ww_err_set_os(err, WW_EUNAVAIL, (unsigned long)c,
				     "libcurl: %s", curl_easy_strerror(c));
	return 0;
}

void ww_endpoint_global_cleanup(void)
{
	curl_global_cleanup();
}

void ww_endpoint_opts_init(struct ww_endpoint_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_min = 12;
	o->timeout_ms = 30000;
}

int ww_endpoint_opts_from_config(struct ww_endpoint_opts *o,
				 const struct ww_config *cfg,
				 struct ww_err *err)
{
	ww_endpoint_opts_init(o);
	o->proxy = cfg->proxy.url;
	o->ssl_proxy = cfg->proxy.ssl_url;
	o->proxy_user = cfg->proxy.user;
	o->cacert = cfg->tls.cacert;
	if (cfg->tls.min_version && strcmp(cfg->tls.min_version, "1.3") == 0)
		o->tls_min = 13;
	else if (cfg->tls.min_version && strcmp(cfg->tls.min_version, "1.2"))
		return ww_err_set(err, WW_ECONFIG, "tls.min_version: '%s' is "
				  "not 1.2 or 1.3", cfg->tls.min_version);
	if (cfg->tls.revocation && strcmp(cfg->tls.revocation, "best_effort") == 0)
		o->revoke_best_effort = true;
	else if (cfg->tls.revocation && strcmp(cfg->tls.revocation, "strict"))
		return ww_err_set(err, WW_ECONFIG, "tls.revocation: '%s' is "
				  "not strict or best_effort",
				  cfg->tls.revocation);
	o->resolve = (const char *const *)cfg->resolve.items;
	o->n_resolve = cfg->resolve.n;
	if (cfg->probes.timeout > 0)
		o->timeout_ms = cfg->probes.timeout * 1000;
	return 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && ww_strcasecmp(s + n - m, suffix) == 0;
}

/* Whether a URL part is present (user, password). */
static bool has_part(CURLU *u, CURLUPart part)
{
	char *v = NULL;
	bool has = curl_url_get(u, part, &v, 0) == CURLUE_OK && v && *v;

	curl_free(v);
	return has;
}

/*
 * Check a target or proxy URL.  Messages never quote a URL that carries
 * userinfo: "what" names it instead.
 */
static int check_url(const char *url, const char *what, bool proxy,
		     struct url_facts *ret, struct ww_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *path = NULL;
	int r = 0;

	if (!u)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url,
			 proxy ? CURLU_GUESS_SCHEME : 0) != CURLUE_OK) {
		/* Quote it only when it cannot hold userinfo (no '@'). */
		if (strchr(url, '@'))
			r = ww_err_set(err, WW_EINVAL, "%s: not a valid URL", what);
		else
			r = ww_err_set(err, WW_EINVAL, "%s: '%s' is not a valid URL",
				       what, url);
		goto out;
	}
	if (has_part(u, CURLUPART_USER) || has_part(u, CURLUPART_PASSWORD)) {
		r = ww_err_set(err, WW_EINVAL, "%s: credentials in the URL are "
			       "not accepted (use the proxy user setting and "
			       "the password variable)", what);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (!scheme || !host || (ww_strcasecmp(scheme, "http") &&
				 (proxy || ww_strcasecmp(scheme, "https")))) {
		r = ww_err_set(err, WW_EINVAL, "%s: '%s' is not an %s URL",
			       what, url, proxy ? "http://" : "http(s)://");
		goto out;
	}
	if (ret) {
		ret->https = ww_strcasecmp(scheme, "https") == 0;
		ret->soap = path && ends_with_ci(path, ".asmx");
		ret->dir = path && ends_with_ci(path, "/");
		ww_strlcpy(ret->host, host, sizeof(ret->host));
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_url_cleanup(u);
	return r;
}

/*
 * Ask the TLS backend for the negotiated version and cipher while libcurl
 * still holds the connection: CURLINFO_TLS_SSL_PTR is only valid during
 * the transfer (Schannel's context is gone once curl_easy_perform has
 * returned).  Called from every callback that runs after the handshake;
 * the first one after APPCONNECT (the target's TLS, not a proxy's) asks.
 */
static void capture_tls(struct probe_state *st)
{
	curl_off_t app = 0;

	if (st->tls_asked || !st->curl ||
	    curl_easy_getinfo(st->curl, CURLINFO_APPCONNECT_TIME_T, &app) !=
		    CURLE_OK || app <= 0)
		return;
	st->tls_asked = true;
	ww_endpoint_tls_query(st->curl, &st->tls);
}

/* After the connection (and its TLS handshake) is up, before the request. */
static int prereq_cb(void *arg, char *conn_primary_ip, char *conn_local_ip,
		     int conn_primary_port, int conn_local_port)
{
	(void)conn_primary_ip, (void)conn_local_ip;
	(void)conn_primary_port, (void)conn_local_port;
	capture_tls(arg);
	return CURL_PREREQFUNC_OK;
}

static int xferinfo_cb(void *arg, curl_off_t dlt, curl_off_t dln,
		       curl_off_t ult, curl_off_t uln)
{
	struct probe_state *st = arg;

	(void)dlt, (void)dln, (void)ult, (void)uln;
	capture_tls(st);
	return st->stop && ww_event_is_set(st->stop) ? 1 : 0;
}

/* Only libcurl's informational text is looked at; headers and data that
 * pass here (which may carry Proxy-Authorization) are ignored. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size,
		    void *arg)
{
	struct probe_state *st = arg;

	(void)h;
	if (type != CURLINFO_TEXT)
		return 0;
	/* CURLINFO_CONNECT_TIME_T covers TLS too in libcurl 7.88, so a TLS
	 * handshake that hangs looks like a TCP connect that hangs; this
	 * line, logged when the TCP connection is up, tells them apart. */
	if (size >= 13 && memcmp(data, "Connected to ", 13) == 0)
		st->connected = true;
	ww_endpoint_tls_note_text(&st->tls, data, size);
	return 0;
}

/* Case-insensitive "name:" at the start of a header line. */
static bool header_is(const char *line, size_t len, const char *name)
{
	size_t i, n = strlen(name);

	if (len < n)
		return false;
	for (i = 0; i < n; i++) {
		char c = line[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		if (c != name[i])
			return false;
	}
	return true;
}

static size_t header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct probe_state *st = arg;
	size_t len = size * n;
	char value[128];
	size_t vlen;
	time_t t;

	capture_tls(st);
	/* A new response (the proxy's CONNECT answer comes first): only the
	 * final response's Date counts. */
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		st->have_date = false;
	if (!header_is(data, len, "date:"))
		return len;
	vlen = len - 5 < sizeof(value) - 1 ? len - 5 : sizeof(value) - 1;
	memcpy(value, data + 5, vlen);
	value[vlen] = '\0';
	t = curl_getdate(value, NULL);
	if (t != (time_t)-1) {
		st->have_date = true;
		st->server_date = (int64_t)t;
		st->local_at_date = st->now();
	}
	return len;
}

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct probe_state *st = arg;
	size_t len = size * n;

	(void)data;
	if (st->body + len > BODY_MAX) {
		st->body_capped = true;
		return 0;
	}
	st->body += len;
	return len;
}

static const char *proxy_for(const struct ww_endpoint_opts *o, bool https)
{
	if (https && o->ssl_proxy && *o->ssl_proxy)
		return o->ssl_proxy;
	return o->proxy && *o->proxy ? o->proxy : NULL;
}

static int64_t remaining_ms(int64_t deadline)
{
	int64_t left = deadline - ww_os_monotonic_ms();

	return left > 0 ? left : 0;
}

/* Options shared by the probe and the certificate inspection. */
static CURLcode setup_common(CURL *h, const struct ww_endpoint_opts *o,
			     const char *proxy, struct curl_slist *pins,
			     int64_t budget_ms, struct probe_state *st,
			     char *errbuf)
{
	CURLcode c = CURLE_OK;

#define SET(opt, val) \
	do { if (c == CURLE_OK) c = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_USERAGENT, "wsuswatch/" WW_VERSION);
	SET(CURLOPT_TIMEOUT_MS, (long)budget_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)budget_ms);
	SET(CURLOPT_SSLVERSION, (long)(o->tls_min == 13 ?
		CURL_SSLVERSION_TLSv1_3 : CURL_SSLVERSION_TLSv1_2));
	SET(CURLOPT_CERTINFO, 1L);
	/* Verification always stays on; best effort only forgives a CRL or
	 * OCSP server that cannot be reached (Schannel; others ignore it). */
	if (o->revoke_best_effort)
		SET(CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_REVOKE_BEST_EFFORT);
	SET(CURLOPT_RESOLVE, pins);
	/* Only the configured proxy counts, as for WSUS: never the
	 * environment's http_proxy / no_proxy. */
	SET(CURLOPT_PROXY, proxy ? proxy : "");
	SET(CURLOPT_NOPROXY, "");
	if (proxy && o->proxy_user) {
		SET(CURLOPT_PROXYUSERNAME, o->proxy_user);
		SET(CURLOPT_PROXYPASSWORD,
		    o->proxy_password ? o->proxy_password : "");
		SET(CURLOPT_PROXYAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_NTLM));
	}
	if (o->cacert) {
		SET(CURLOPT_CAINFO, o->cacert);
		SET(CURLOPT_PROXY_CAINFO, o->cacert);
	}
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	SET(CURLOPT_XFERINFODATA, st);
	SET(CURLOPT_PREREQFUNCTION, prereq_cb);
	SET(CURLOPT_PREREQDATA, st);
	SET(CURLOPT_VERBOSE, 1L);
	SET(CURLOPT_DEBUGFUNCTION, debug_cb);
	SET(CURLOPT_DEBUGDATA, st);
#undef SET
	return c;
}

static CURLcode setup_probe(CURL *h, const char *url, struct probe_state *st)
{
	CURLcode c = curl_easy_setopt(h, CURLOPT_URL, url);

	if (c == CURLE_OK)
		c = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (c == CURLE_OK)
		c = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	if (c == CURLE_OK)
		c = curl_easy_setopt(h, CURLOPT_HEADERDATA, st);
	if (c == CURLE_OK)
		c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	if (c == CURLE_OK)
		c = curl_easy_setopt(h, CURLOPT_WRITEDATA, st);
	return c;
}

/* The server's (first) certificate's dates from libcurl's CERTINFO. */
static void cert_dates(CURL *h, int64_t *not_before, int64_t *not_after)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *s;

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
	    ci->num_of_certs < 1)
		return;
	for (s = ci->certinfo[0]; s; s = s->next)
		ww_endpoint_cert_info_line(s->data, not_before, not_after);
}

static int64_t info_time(CURL *h, CURLINFO what)
{
	curl_off_t v = 0;

	if (curl_easy_getinfo(h, what, &v) != CURLE_OK || v <= 0)
		return -1;
	return (int64_t)v;
}

static void collect_timings(CURL *h, struct ww_probe_timings *t)
{
	t->dns = info_time(h, CURLINFO_NAMELOOKUP_TIME_T);
	t->connect = info_time(h, CURLINFO_CONNECT_TIME_T);
	t->tls = info_time(h, CURLINFO_APPCONNECT_TIME_T);
	t->pretransfer = info_time(h, CURLINFO_PRETRANSFER_TIME_T);
	t->first_byte = info_time(h, CURLINFO_STARTTRANSFER_TIME_T);
	t->total = info_time(h, CURLINFO_TOTAL_TIME_T);
}

static void collect_facts(CURL *h, CURLcode code, const struct url_facts *uf,
			  bool via_proxy, const struct ww_probe_timings *t,
			  bool connected, struct ww_probe_facts *f)
{
	char *ip = NULL;

	f->curl_code = (int)code;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &f->http_status);
	curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &f->connect_status);
	curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &f->verify_result);
	curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
	f->https = uf->https;
	f->soap_endpoint = uf->soap;
	f->via_proxy = via_proxy;
	f->tcp_done = connected || t->connect > 0 || t->tls > 0 ||
		      f->connect_status > 0 || f->http_status > 0;
	f->dns_done = f->tcp_done || t->dns > 0 || (ip && *ip);
	f->tls_done = !uf->https || t->tls > 0;
	f->cert_not_before = WW_PROBE_UNKNOWN;
	f->cert_not_after = WW_PROBE_UNKNOWN;
}

/*
 * A second handshake without verification, only to read the certificate
 * the server presents (CONNECT_ONLY: no request is sent).
 */
static void inspect_cert(const struct ww_endpoint_target *t,
			 const struct ww_endpoint_opts *o, const char *proxy,
			 struct curl_slist *pins, int64_t deadline,
			 struct probe_state *st, struct ww_probe_facts *f)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	int64_t budget = remaining_ms(deadline);
	CURL *h;

	if (budget < MIN_INSPECT_MS)
		return;
	h = curl_easy_init();
	if (!h)
		return;
	if (setup_common(h, o, proxy, pins, budget, st, errbuf) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_URL, t->url) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L) == CURLE_OK &&
	    curl_easy_perform(h) == CURLE_OK)
		cert_dates(h, &f->cert_not_before, &f->cert_not_after);
	curl_easy_cleanup(h);
}

static void copy_detail(char *dst, size_t size, const char *errbuf,
			CURLcode code)
{
	size_t n;

	ww_strlcpy(dst, *errbuf ? errbuf : curl_easy_strerror(code), size);
	n = strlen(dst);
	while (n && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
		dst[--n] = '\0';
}

/* "0x800B0109: <detail>": the code WSUS shows beneath wu_code. */
static void prefix_code(char *detail, size_t size, uint32_t code)
{
	char tmp[WW_PROBE_DETAIL_MAX];

	ww_strlcpy(tmp, detail, sizeof(tmp));
	snprintf(detail, size, "0x%08" PRIX32 "%s%s", code, tmp[0] ? ": " : "",
		 tmp);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void fill_result(struct ww_probe_result *r,
			const struct ww_probe_facts *f,
			const struct ww_probe_class *c,
			const struct probe_state *st)
{
	r->ok = c->result == WW_PROBE_OK;
	r->result = c->result;
	r->stage = c->stage;
	r->wu_code = c->wu_code;
	r->hint = c->hint;
	r->http_status = f->http_status;
	ww_strlcpy(r->tls_version, st->tls.version, sizeof(r->tls_version));
	ww_strlcpy(r->tls_cipher, st->tls.cipher, sizeof(r->tls_cipher));
	r->cert_not_after = f->cert_not_after;
	if (f->cert_not_after != WW_PROBE_UNKNOWN)
		r->cert_days_left = floor_div(f->cert_not_after - r->at, 86400);
	if (st->have_date)
		r->clock_skew = st->server_date - st->local_at_date;
	if (r->ok)
		r->detail[0] = '\0';
	else if (f->curl_code == CURLE_OK && f->http_status > 0)
		snprintf(r->detail, sizeof(r->detail), "HTTP status %ld",
			 f->http_status);
	if (!r->ok && c->detail_code)
		prefix_code(r->detail, sizeof(r->detail), c->detail_code);
}

static void result_init(struct ww_probe_result *r,
			const struct ww_endpoint_target *t, int64_t now)
{
	memset(r, 0, sizeof(*r));
	ww_strlcpy(r->target, t->name ? t->name : "adhoc", sizeof(r->target));
	ww_strlcpy(r->url, t->url, sizeof(r->url));
	r->at = now;
	r->cert_not_after = WW_PROBE_UNKNOWN;
	r->cert_days_left = WW_PROBE_UNKNOWN;
	r->clock_skew = WW_PROBE_UNKNOWN;
	r->policy = t->policy;
}

static int make_pins(const struct ww_endpoint_opts *o,
		     struct curl_slist **ret, struct ww_err *err)
{
	struct curl_slist *list = NULL, *n;
	size_t i;

	for (i = 0; i < o->n_resolve; i++) {
		n = curl_slist_append(list, o->resolve[i]);
		if (!n) {
			curl_slist_free_all(list);
			return ww_err_set(err, WW_ENOMEM, "out of memory");
		}
		list = n;
	}
	*ret = list;
	return 0;
}

/* The transfer itself; *ret_code is libcurl's result. */
static int run_transfer(CURL *h, const struct ww_endpoint_target *t,
			const struct ww_endpoint_opts *o, const char *proxy,
			struct curl_slist *pins, struct probe_state *st,
			char *errbuf, CURLcode *ret_code, struct ww_err *err)
{
	CURLcode c = setup_common(h, o, proxy, pins, o->timeout_ms, st, errbuf);

	if (c == CURLE_OK)
		c = setup_probe(h, t->url, st);
	if (c != CURLE_OK)
		return ww_err_set_os(err, WW_EINVAL, (unsigned long)c,
				     "probe %s: libcurl option: %s", t->name,
				     curl_easy_strerror(c));
	st->curl = h;
	*ret_code = curl_easy_perform(h);
	st->curl = NULL;
	if (*ret_code == CURLE_ABORTED_BY_CALLBACK)
		return ww_err_set(err, WW_EABORT, "probe %s: aborted, the "
				  "monitor is stopping", t->name);
	return 0;
}

static int probe_with(CURL *h, const struct ww_endpoint_target *t,
		      const struct ww_endpoint_opts *o,
		      const struct url_facts *uf, struct curl_slist *pins,
		      struct probe_state *st, struct ww_probe_result *ret,
		      struct ww_err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	/* This server's own endpoints are reached as its clients reach
	 * them: directly, never through WSUS's upstream proxy. */
	const char *proxy = t->kind == WW_TARGET_LOCAL ? NULL :
			    proxy_for(o, uf->https);
	int64_t start = ww_os_monotonic_ms();
	struct ww_probe_facts f;
	struct ww_probe_class c;
	CURLcode code = CURLE_OK;
	int r;

	r = run_transfer(h, t, o, proxy, pins, st, errbuf, &code, err);
	if (r)
		return r;
	memset(&f, 0, sizeof(f));
	collect_timings(h, &ret->timings);
	collect_facts(h, code, uf, proxy != NULL, &ret->timings, st->connected,
		      &f);
	f.errtext = errbuf;
	f.now = ret->at;
	f.own_directory = t->kind == WW_TARGET_LOCAL && uf->dir;
	if (code == CURLE_WRITE_ERROR && st->body_capped)
		f.curl_code = CURLE_OK;
	copy_detail(ret->detail, sizeof(ret->detail), errbuf, code);
	if (uf->https && f.tls_done)
		cert_dates(h, &f.cert_not_before, &f.cert_not_after);
	else if (ww_endpoint_is_cert_failure(&f))
		inspect_cert(t, o, proxy, pins, start + o->timeout_ms, st, &f);
	if (st->stop && ww_event_is_set(st->stop))
		return ww_err_set(err, WW_EABORT, "probe %s: aborted, the "
				  "monitor is stopping", t->name);
	ww_endpoint_classify(&f, &c);
	fill_result(ret, &f, &c, st);
	ret->elapsed_ms = ww_os_monotonic_ms() - start;
	return 0;
}

int ww_endpoint_probe(const struct ww_endpoint_target *t,
		      const struct ww_endpoint_opts *o, struct ww_event *stop,
		      struct ww_probe_result *ret, struct ww_err *err)
{
	struct probe_state st;
	struct url_facts uf;
	struct curl_slist *pins = NULL;
	CURL *h = NULL;
	int r;

	memset(&st, 0, sizeof(st));
	st.stop = stop;
	st.now = o->now ? o->now : ww_os_now;
	if (o->timeout_ms <= 0)
		return ww_err_set(err, WW_EINVAL, "probe %s: timeout must be "
				  "positive", t->name);
	r = check_url(t->url, t->name, false, &uf, err);
	if (!r && o->proxy)
		r = check_url(o->proxy, "proxy", true, NULL, err);
	if (!r && o->ssl_proxy)
		r = check_url(o->ssl_proxy, "proxy.ssl_url", true, NULL, err);
	if (!r)
		r = make_pins(o, &pins, err);
	if (r)
		return r;
	if (stop && ww_event_is_set(stop)) {
		r = ww_err_set(err, WW_EABORT, "probe %s: aborted, the monitor "
			       "is stopping", t->name);
		goto out;
	}
	h = curl_easy_init();
	if (!h) {
		r = ww_err_set(err, WW_ENOMEM, "probe %s: cannot create a "
			       "libcurl handle", t->name);
		goto out;
	}
	result_init(ret, t, st.now());
	r = probe_with(h, t, o, &uf, pins, &st, ret, err);
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(pins);
	return r;
}
