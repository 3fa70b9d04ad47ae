/*
 * checks.c - the one table of checks (checks.h) and their measures.
 *
 * Every judgement wsuswatch makes is a row here: the monitor's health
 * rules and every item of `diagnose`.  Measures are pure functions of the
 * facts (struct ww_health_input) and `now`; they never look at which face
 * asked.  A fact a face could not gather says so (enum ww_fact_avail) and
 * the row then does not apply, is skipped with a reason, or is unknown.
 * Table order is the guide's order; causes are ordered for attribution by
 * their class (health.h), not by position here.
 */
#include "compat.h"

#include "checks.h"
#include "config.h"
#include "config_keys.h"
#include "endpoint.h"
#include "util.h"
#include "wsus_event.h"

/* The guide's sections (../shared/seeds, the sync-failure guide). */
#define G_STEP0 "Step 0: read the current WSUS configuration"
#define G_ENDPOINT "1. Check for an old Microsoft Update endpoint"
#define G_TLS "2. Verify TLS 1.2 and cipher compatibility"
#define G_PROXY "3. Verify WSUS proxy settings"
#define G_NETWORK "4. Test firewall, DNS, and outbound access"
#define G_CERT "5. Resolve certificate trust failures"
#define G_UPSTREAM "6. Diagnose upstream and downstream synchronization"
#define G_VERIFY "Verify synchronization succeeded"
#define G_CODES "Error and symptom reference"
#define G_WSUS30 "Issues with Synchronization (WSUS 3.0): events"
#define G_MONITOR "wsuswatch's own sources"
#define G_BITS "Issues with Synchronization (WSUS 3.0): Restart the BITS " \
	"service"
#define G_CONTENT_ACL "Issues with Synchronization (WSUS 3.0): Read " \
	"permissions to the local update storage directory"
#define G_LOCAL "6. Diagnose upstream and downstream synchronization: " \
	"SelfUpdate and Content must not require SSL; 5. Certificate name " \
	"mismatch"
#define G_POOL "Error and symptom reference: 0x80244022 (HTTP 503, " \
	"IIS/WsusPool load)"

#define FIX_MUURL \
	"On the server that syncs from Microsoft Update only (never on a " \
	"downstream or replica server), close all WSUS consoles, then set " \
	"MUUrl https://sws.update.microsoft.com and RedirectorChangeNumber " \
	"4002: $c=(Get-WsusServer).GetConfiguration(); " \
	"$c.MUUrl='https://sws.update.microsoft.com'; " \
	"$c.RedirectorChangeNumber=4002; $c.Save(); iisreset; " \
	"Restart-Service WsusService"
#define FIX_PORT_SSL \
	"WSUS 6.2+ serves HTTP on 8530 and HTTPS on 8531: make 'Use SSL' in " \
	"Options > Update Source and Proxy Server match the port (and " \
	"wsus.upstream in this configuration)"
#define FIX_LOG_MISSING \
	"WSUS writes %ProgramFiles%\\Update Services\\LogFiles\\" \
	"SoftwareDistribution.log: run on the WSUS server, set wsus.log, or " \
	"pass --log with a copy"
#define FIX_STALE \
	"Open the WSUS console > Synchronizations for the last error; the " \
	"log findings and network probes name the likely cause"
#define FIX_ASSUMED \
	"The sync source was assumed from built-in defaults: run wsuswatch " \
	"as LocalSystem (the service's account) so WSUS's own settings are " \
	"read, or set wsus.upstream or wsus.muurl in the configuration"
#define FIX_DISCOVERY \
	"Run wsuswatch as LocalSystem (the service's account) or an account " \
	"with read access to SUSDB; check by hand with sqlcmd " \
	"(docs/discovery.md)"
#define FIX_CATALOG \
	"Check the upstream server and proxy settings (Options > Update " \
	"Source and Proxy Server); the WSUS log and the network probes show " \
	"why the last synchronization failed"
#define FIX_CONTENT \
	"WSUS could not download update files (event 364): check free space " \
	"and permissions of the content directory (ContentDir), and that the " \
	"upstream server or proxy answers HTTP Range requests, which BITS " \
	"needs (KB 922330); the event's message names the file"
#define FIX_SELF_CHECK \
	"Run 'wsusutil checkhealth' and read the events it writes; for the " \
	"content directory check its share and NTFS permissions, for a web " \
	"service that the 'WSUS Administration' site and the WsusPool " \
	"application pool are running in IIS"

/* ---- measure helpers ---- */

void ww_m_text(struct measure *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
}

void ww_m_evidence(struct measure *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->evidence, sizeof(m->evidence), fmt, ap);
	va_end(ap);
}

void ww_m_fix(struct measure *m, const char *fix)
{
	ww_strlcpy(m->fix, fix ? fix : "", sizeof(m->fix));
}

void ww_m_value(struct measure *m, int64_t v)
{
	m->kind = M_VALUE;
	m->value = v;
}

void ww_m_state(struct measure *m, enum ww_state s)
{
	m->kind = M_VALUE;
	m->state = s;
	m->value = (int64_t)s;
}

static void iso_or(int64_t t, char buf[WW_ISO_TIME_LEN], const char *none)
{
	if (t == WW_TIME_UNKNOWN)
		ww_strlcpy(buf, none, WW_ISO_TIME_LEN);
	else
		ww_time_format_iso(t, buf);
}

void ww_check_url_part(const char *url, bool with_scheme, char *buf,
		       size_t size)
{
	const char *p = strstr(url, "://"), *host, *end, *at;

	host = p ? p + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	snprintf(buf, size, "%.*s%.*s", p && with_scheme ?
		 (int)(p + 3 - url) : 0, url, (int)(end - host), host);
}

static void url_site(const char *url, char *buf, size_t size)
{
	ww_check_url_part(url, true, buf, size);
}

/* ---- 1. configuration ---- */

/* "file t.yaml", "discovered: SUSDB ...", "default" for one key. */
static void origin_text(const struct ww_config *cfg, const char *key,
			char *buf, size_t size)
{
	const struct ww_config_key *k = ww_config_key_find(key);
	size_t i = k ? (size_t)(k - ww_config_keys) : 0;

	switch (ww_config_origin_of(cfg, key)) {
	case WW_ORIGIN_FILE:
		snprintf(buf, size, "file %s", cfg->source ? cfg->source : "?");
		break;
	case WW_ORIGIN_DISCOVERED:
		snprintf(buf, size, "discovered: %s", cfg->origin_source[i] ?
			 cfg->origin_source[i] : "WSUS");
		break;
	default:
		snprintf(buf, size, "default");
		break;
	}
}

static void measure_sync_source(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	const char *key = in->from_upstream ? "wsus.upstream.port" :
					      "wsus.muurl";
	char o_host[160], o_url[160];

	(void)i;
	(void)now;
	if (!cfg) {
		m->kind = M_NA;
		return;
	}
	if (in->disconnected)
		ww_m_text(m, "disconnected: synchronization is replaced by "
			  "export/import");
	else if (in->from_upstream)
		ww_m_text(m, "synchronizes from the upstream WSUS server %s, "
			  "port %" PRId64 " (%s)", cfg->wsus.upstream.host,
			  cfg->wsus.upstream.port,
			  cfg->wsus.upstream.ssl ? "https" : "http");
	else
		ww_m_text(m, "synchronizes from Microsoft Update at %s",
			  in->muurl[0] ? in->muurl : "(no MUUrl)");
	origin_text(cfg, "wsus.upstream.host", o_host, sizeof(o_host));
	origin_text(cfg, key, o_url, sizeof(o_url));
	ww_m_evidence(m, "wsus.upstream.host from %s; %s from %s", o_host, key,
		      o_url);
	if (in->source_known) {
		ww_m_state(m, WW_STATE_OK);
		return;
	}
	ww_m_state(m, WW_STATE_UNKNOWN);
	ww_strlcpy(m->text + strlen(m->text), " - assumed: built-in defaults, "
		   "nothing configured or discovered",
		   sizeof(m->text) - strlen(m->text));
	ww_m_fix(m, FIX_ASSUMED);
}

static void measure_discovery(const struct ww_health_input *in, size_t i,
			      int64_t now, struct measure *m)
{
	const struct ww_config_discovery *st;

	(void)i;
	(void)now;
	if (!in->cfg) {
		m->kind = M_NA;
		return;
	}
	st = &in->cfg->discovery;
	if (st->code == WW_ESTATE || st->code == WW_EUNAVAIL ||
	    st->code == WW_ENOENT) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "%s", st->msg);
		return;
	}
	if (st->code || st->susdb_code) {
		ww_m_state(m, WW_STATE_UNKNOWN);
		if (st->code)
			ww_m_text(m, "WSUS's registry settings could not be "
				  "read: %s", st->msg);
		else
			ww_m_text(m, "%s", st->susdb_msg);
		ww_m_fix(m, FIX_DISCOVERY);
	} else {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "read the registry and SUSDB: %zu key%s discovered",
			  st->applied, st->applied == 1 ? "" : "s");
	}
	if (!st->code)
		ww_m_evidence(m, "this WSUS server: %s%s%s%s%s", st->server,
			      st->rejected[0] ? "; not taken: " : "",
			      st->rejected, st->wsus.not_read[0] ?
			      "; not read: " : "", st->wsus.not_read);
}

static void measure_value_sources(const struct ww_health_input *in, size_t i,
				  int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	size_t k, n[3] = { 0, 0, 0 }, len = 0;

	(void)i;
	(void)now;
	if (!cfg) {
		m->kind = M_NA;
		return;
	}
	ww_m_state(m, WW_STATE_OK);
	for (k = 0; k < ww_config_nkeys; k++) {
		unsigned o = cfg->origin[k];

		n[o < 3 ? o : 0]++;
		if (o == WW_ORIGIN_DEFAULT || len >= sizeof(m->evidence) - 1)
			continue;
		len += (size_t)snprintf(m->evidence + len,
					sizeof(m->evidence) - len,
					"%s%s (%s)", len ? "; " : "",
					ww_config_keys[k].name,
					o == WW_ORIGIN_FILE ? "file" :
					cfg->origin_source[k] ?
					cfg->origin_source[k] : "discovered");
	}
	ww_m_text(m, "%zu from the file, %zu discovered from WSUS, %zu "
		  "defaults", n[WW_ORIGIN_FILE], n[WW_ORIGIN_DISCOVERED],
		  n[WW_ORIGIN_DEFAULT]);
}

static void measure_muurl(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m)
{
	enum ww_endpoint_policy p;
	char from[160];

	(void)i;
	(void)now;
	if (in->from_upstream || in->disconnected) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "not used: the server %s", in->disconnected ?
			  "is disconnected (export/import)" :
			  in->wsus.replica == WW_FACT3_YES ?
			  "is a replica: it syncs from its upstream only; never "
			  "set MUUrl here" :
			  "syncs from an upstream WSUS server");
		return;
	}
	if (!in->muurl[0]) {
		m->kind = M_NODATA;
		ww_m_text(m, "MUUrl is not known");
		return;
	}
	if (in->cfg) {
		origin_text(in->cfg, "wsus.muurl", from, sizeof(from));
		ww_m_evidence(m, "wsus.muurl: %s (%s)", in->muurl, from);
		if (in->wsus.have_redirector)
			snprintf(m->evidence + strlen(m->evidence),
				 sizeof(m->evidence) - strlen(m->evidence),
				 "; RedirectorChangeNumber %" PRId64 " (SUSDB "
				 "tbConfigurationB; 4002 goes with sws)",
				 in->wsus.redirector);
	}
	/* One home for the policy: endpoint_targets.c. */
	p = ww_endpoint_policy_of(in->muurl);
	if (p == WW_POLICY_DECOMMISSIONED) {
		ww_m_state(m, WW_STATE_CRITICAL);
		ww_m_text(m, "MUUrl %s was decommissioned on 2019-07-08; use "
			  "https://sws.update.microsoft.com", in->muurl);
	} else if (p == WW_POLICY_DEPRECATED) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "MUUrl %s is deprecated and will be decommissioned; "
			  "use https://sws.update.microsoft.com", in->muurl);
	} else {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "MUUrl %s is %s", in->muurl,
			  ww_endpoint_is_microsoft(in->muurl) ?
			  "the current endpoint" :
			  "not a Microsoft endpoint; probes judge it");
	}
	if (m->state != WW_STATE_OK)
		ww_m_fix(m, FIX_MUURL);
}

/* State of a port / SSL pair: ok, warning (mismatch) or unknown. */
static enum ww_state port_ssl_state(int64_t port, bool ssl)
{
	if (port == 8530 || port == 80)
		return ssl ? WW_STATE_WARNING : WW_STATE_OK;
	if (port == 8531 || port == 443)
		return ssl ? WW_STATE_OK : WW_STATE_WARNING;
	return WW_STATE_UNKNOWN;
}

static void measure_port_ssl(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	int64_t port;
	bool ssl;

	(void)i;
	(void)now;
	if (!in->cfg)
		return;
	if (!in->from_upstream) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "no upstream WSUS server configured");
		return;
	}
	port = in->cfg->wsus.upstream.port;
	ssl = in->cfg->wsus.upstream.ssl;
	ww_m_state(m, port_ssl_state(port, ssl));
	ww_m_evidence(m, "wsus.upstream: port %" PRId64 ", ssl %s", port,
		      ssl ? "true" : "false");
	if (m->state == WW_STATE_OK) {
		ww_m_text(m, "port %" PRId64 " with %s is consistent", port,
			  ssl ? "SSL" : "plain HTTP");
		return;
	}
	ww_m_fix(m, FIX_PORT_SSL);
	if (m->state == WW_STATE_WARNING)
		ww_m_text(m, "port %" PRId64 " is the %s port but SSL is %s: a "
			  "classic cause of failed downstream syncs", port,
			  ssl ? "HTTP" : "HTTPS", ssl ? "on" : "off");
	else
		ww_m_text(m, "custom port %" PRId64 " with SSL %s: cannot tell "
			  "whether they match (the probe of the upstream does)",
			  port, ssl ? "on" : "off");
}

static void proxy_evidence(const struct ww_health_input *in,
			   struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	char site[WW_HEALTH_TEXT_MAX / 2], ssl_site[WW_HEALTH_TEXT_MAX / 2] = "";

	url_site(cfg->proxy.url ? cfg->proxy.url : cfg->proxy.ssl_url, site,
		 sizeof(site));
	if (cfg->proxy.ssl_url)
		url_site(cfg->proxy.ssl_url, ssl_site, sizeof(ssl_site));
	ww_m_evidence(m, "proxy %s%s%s; user %s%s; password from %s %s", site,
		      ssl_site[0] ? ", https proxy " : "", ssl_site,
		      cfg->proxy.user ? cfg->proxy.user :
		      in->secret.user[0] ? in->secret.user : "(none)",
		      !cfg->proxy.user && in->secret.user[0] ?
		      " (from the credential)" : "",
		      cfg->proxy.password_env ? "environment variable" :
		      cfg->proxy.password_credential ? "credential" :
		      "(nowhere)",
		      cfg->proxy.password_env ? cfg->proxy.password_env :
		      cfg->proxy.password_credential ?
		      cfg->proxy.password_credential : "");
}

/* The guide: netsh winhttp show proxy is context, never proof of the
 * path WSUS takes; shown after WSUS's own settings, never judged. */
static void winhttp_context(const struct ww_health_input *in,
			    struct measure *m)
{
	size_t n = strlen(m->evidence);

	if (in->winhttp_proxy[0])
		snprintf(m->evidence + n, sizeof(m->evidence) - n, "%sWinHTTP "
			 "default proxy (context only, not WSUS's setting): %s",
			 n ? "; " : "", in->winhttp_proxy);
}

static void measure_proxy(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	char site[WW_HEALTH_TEXT_MAX / 2];

	(void)i;
	(void)now;
	if (!cfg)
		return;
	ww_m_state(m, WW_STATE_OK);
	if (!cfg->proxy.url && !cfg->proxy.ssl_url) {
		ww_m_text(m, "no proxy configured: direct connections");
		winhttp_context(in, m);
		return;
	}
	url_site(cfg->proxy.url ? cfg->proxy.url : cfg->proxy.ssl_url, site,
		 sizeof(site));
	proxy_evidence(in, m);
	winhttp_context(in, m);
	if (cfg->proxy.user && !in->secret.configured &&
	    ww_config_origin_of(cfg, "proxy.user") == WW_ORIGIN_DISCOVERED) {
		/* WSUS has the password; proxy_credentials says so once. */
		ww_m_text(m, "proxy %s, user %s from WSUS: credentials not "
			  "tested (see proxy_credentials)", site,
			  cfg->proxy.user);
	} else if (cfg->proxy.user && !in->secret.configured) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "proxy user %s has no password source",
			  cfg->proxy.user);
		ww_m_fix(m, "Set proxy.password_env or proxy.password_credential "
			 "(WSUS keeps the proxy password in its own settings)");
	} else if (in->secret.configured && in->secret.checked &&
		   !in->secret.ok) {
		ww_m_state(m, WW_STATE_CRITICAL);
		ww_m_text(m, "the proxy password cannot be resolved: %s",
			  in->secret.error);
		ww_m_fix(m, "Provide the password where the configuration says "
			 "(an expired proxy password is a major cause of sync "
			 "failures)");
	} else {
		ww_m_text(m, "proxy %s%s", site, in->secret.configured ?
			  ", password resolved (not shown)" :
			  ", no authentication");
	}
}

static void measure_tls_minimum(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	const char *v;

	(void)i;
	(void)now;
	if (!in->cfg)
		return;
	v = in->cfg->tls.min_version ? in->cfg->tls.min_version : "1.2";
	ww_m_state(m, strcmp(v, "1.3") == 0 && !in->from_upstream ?
		      WW_STATE_WARNING : WW_STATE_OK);
	ww_m_evidence(m, "tls.min_version %s; tls.cacert %s", v,
		      in->cfg->tls.cacert ? in->cfg->tls.cacert :
		      "(system store)");
	if (m->state == WW_STATE_OK) {
		ww_m_text(m, "probes require TLS %s or later", v);
		return;
	}
	ww_m_text(m, "probes require TLS 1.3, but Microsoft Update "
		  "(sws.update.microsoft.com) offers TLS 1.2: probes fail where "
		  "WSUS would succeed");
	ww_m_fix(m, "Set tls.min_version: \"1.2\"");
}

/* ---- 2. host TLS ---- */

size_t ww_checks_host_items(const struct ww_health_input *in,
			    struct ww_hostcfg_report *ret)
{
	struct ww_hostcfg_expect e;

	memset(ret, 0, sizeof(*ret));
	if (in->host_avail == WW_FACT_NOT_RUN)
		return 0;
	if (in->host_avail != WW_FACT_AVAILABLE)
		return 1; /* one row saying why not */
	e.from_upstream = in->from_upstream;
	e.upstream_port = in->cfg ? in->cfg->wsus.upstream.port : 0;
	e.upstream_ssl = in->cfg ? in->cfg->wsus.upstream.ssl : false;
	ww_hostcfg_evaluate(&in->host, &e, ret);
	return ret->n;
}

static void measure_host(const struct ww_health_input *in, size_t i,
			 int64_t now, struct measure *m)
{
	struct ww_hostcfg_report hr;
	const struct ww_hostcfg_item *h;

	(void)now;
	if (!ww_checks_host_items(in, &hr))
		return;
	if (in->host_avail != WW_FACT_AVAILABLE) {
		ww_strlcpy(m->item, "registry", sizeof(m->item));
		ww_m_text(m, "%s", in->host_error);
		if (in->host_avail == WW_FACT_NOT_HERE)
			m->kind = M_SKIPPED;
		else
			ww_m_state(m, WW_STATE_UNKNOWN);
		return;
	}
	h = &hr.items[i];
	ww_strlcpy(m->item, h->name, sizeof(m->item));
	/* Same values (a _Static_assert in checks_services.c). */
	ww_m_state(m, (enum ww_state)h->state);
	m->no_count = !ww_is_wsus_here(in);
	if (h->finding)
		ww_m_text(m, "%s: %s", h->finding, h->summary);
	else
		ww_m_text(m, "%s", h->summary);
	ww_m_evidence(m, "%s", h->evidence);
	ww_m_fix(m, h->hint);
}

/* ---- 3. network path ---- */

/*
 * How a failed probe reads as a cause, per contract result, and its
 * order on the path: DNS, TCP, proxy, TLS, certificate, HTTP.
 */
static const struct {
	const char *result;
	int rank;
	const char *phrase; /* "%s": the host, or the proxy for proxy rows */
} probe_phrases[] = {
	{ "dns_failure", 10, "%s cannot be resolved (DNS)" },
	{ "connect_refused", 20, "the connection to %s was refused" },
	{ "connect_timeout", 21, "the connection to %s timed out" },
	{ "proxy_dns_failure", 30, "the proxy %s cannot be resolved" },
	{ "proxy_connect_failure", 31, "the proxy %s cannot be reached" },
	{ "proxy_auth_required", 32, "proxy requires authentication (407) at %s" },
	{ "tls_handshake_failed", 40, "TLS handshake with %s failed (no common "
	  "protocol or cipher)" },
	{ "tls_untrusted", 50, "the certificate of %s is not trusted" },
	{ "tls_expired", 51, "the certificate of %s has expired" },
	{ "tls_not_yet_valid", 52, "the certificate of %s is not valid yet" },
	{ "tls_name_mismatch", 53, "the certificate does not name %s" },
	{ "timeout", 60, "%s did not answer in time" },
	{ "http_unauthorized", 61, "%s demands authentication (401)" },
	{ "http_not_found", 62, "%s answers 404 for the sync path" },
	{ "http_unavailable", 63, "%s is unavailable (503)" },
	{ "http_error", 64, "%s answers an HTTP error" },
};

static size_t probe_phrase(const char *result)
{
	size_t k;

	for (k = 0; k < WW_ARRAY_SIZE(probe_phrases); k++)
		if (strcmp(probe_phrases[k].result, result) == 0)
			return k;
	return WW_ARRAY_SIZE(probe_phrases) - 1;
}

/* phrase with its "%s" replaced by what (not a format: the table's
 * text stays data). */
static void fill_phrase(const char *phrase, const char *what, char *buf,
			size_t size)
{
	const char *at = strstr(phrase, "%s");

	if (!at)
		ww_strlcpy(buf, phrase, size);
	else
		snprintf(buf, size, "%.*s%s%s", (int)(at - phrase), phrase, what,
			 at + 2);
}

/* "proxy requires authentication (407, 0x8024401B) at proxy:8080" */
static void probe_cause(const struct ww_health_input *in,
			const struct ww_probe_summary *t, struct measure *m)
{
	size_t k = probe_phrase(t->result);
	char where[WW_HEALTH_TEXT_MAX / 2], text[WW_HEALTH_TEXT_MAX];
	const char *proxy = NULL;
	char *paren;

	if (in->cfg)
		proxy = strncmp(t->url, "https:", 6) == 0 &&
				in->cfg->proxy.ssl_url ?
			in->cfg->proxy.ssl_url : in->cfg->proxy.url;
	ww_check_url_part(strcmp(t->stage, "proxy") == 0 && proxy ? proxy : t->url,
		 false, where, sizeof(where));
	fill_phrase(probe_phrases[k].phrase, where, text, sizeof(text));
	/* The code goes inside the phrase's parenthesis, as WSUS shows it. */
	paren = strchr(text, ')');
	if (t->wu_code[0] && paren)
		snprintf(m->cause_text, sizeof(m->cause_text), "%.*s, %s%s",
			 (int)(paren - text), text, t->wu_code, paren);
	else if (t->wu_code[0])
		snprintf(m->cause_text, sizeof(m->cause_text), "%s (%s)", text,
			 t->wu_code);
	else
		ww_strlcpy(m->cause_text, text, sizeof(m->cause_text));
	m->rank = probe_phrases[k].rank;
	ww_strlcpy(m->stage, t->stage, sizeof(m->stage));
	ww_strlcpy(m->code, t->wu_code, sizeof(m->code));
}

bool ww_is_wsus_here(const struct ww_health_input *in)
{
	return (in->host_avail == WW_FACT_AVAILABLE &&
		in->host.wsus_installed) ||
	       (in->local_avail == WW_FACT_AVAILABLE &&
		ww_hostsvc_wsus_installed(&in->local));
}

bool ww_is_sync_source(const struct ww_health_input *in,
		       const struct ww_probe_summary *t)
{
	return strcmp(t->name, in->from_upstream ? "upstream_sync" :
			       "microsoft_update") == 0;
}

/*
 * The guide's common source of a name mismatch: WSUS set up with the
 * upstream's NetBIOS name (no dot) while its certificate names the FQDN.
 */
static void netbios_fix(const struct ww_health_input *in,
			const struct ww_probe_summary *t, struct measure *m)
{
	if (!in->from_upstream || strcmp(t->result, "tls_name_mismatch") != 0 ||
	    strncmp(t->name, "upstream", 8) != 0 || strchr(in->upstream, '.'))
		return;
	snprintf(m->fix, sizeof(m->fix), "WSUS names the upstream by its "
		 "NetBIOS name '%s' while its certificate names the FQDN: set "
		 "the upstream server to the FQDN the certificate's Subject or "
		 "SAN holds (Options > Update Source and Proxy Server)",
		 in->upstream);
}

static void measure_endpoint(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	const struct ww_probe_summary *t = &in->targets[i];

	(void)now;
	if (ww_is_domain_target(t) || ww_is_local_target(t)) {
		m->kind = M_NA; /* their own checks: domains, local_endpoint */
		return;
	}
	ww_strlcpy(m->item, t->name, sizeof(m->item));
	ww_m_value(m, t->consecutive_failures);
	if (t->ok) {
		ww_m_text(m, "%s is reachable%s%s", t->url,
			  t->tls_version[0] ? " over " : "", t->tls_version);
		return;
	}
	probe_cause(in, t, m);
	m->floor = WW_STATE_WARNING;
	ww_m_text(m, "%s: %" PRId64 " consecutive failed probe%s, latest at "
		  "stage %s: %s%s%s", t->url, t->consecutive_failures,
		  t->consecutive_failures == 1 ? "" : "s",
		  t->stage[0] ? t->stage : "unknown",
		  t->result[0] ? t->result : "unknown",
		  t->wu_code[0] ? " " : "", t->wu_code);
	/* What the transfer said; an HTTP status only when one came back. */
	if (t->http_status > 0)
		ww_m_evidence(m, "%s%sHTTP %" PRId64, t->detail,
			      t->detail[0] ? "; " : "", t->http_status);
	else
		ww_m_evidence(m, "%s", t->detail[0] ? t->detail :
			      "no HTTP response");
	ww_m_fix(m, t->hint);
	netbios_fix(in, t, m);
	if (ww_is_sync_source(in, t) && !in->source_known) {
		/* A guess about the path is no verdict: say what to do. */
		m->state = WW_STATE_UNKNOWN;
		m->primary = true;
		ww_m_text(m, "the assumed sync source %s fails at stage %s (%s); "
			  "it may not be this server's", t->url,
			  t->stage[0] ? t->stage : "unknown", t->result);
		ww_m_fix(m, FIX_ASSUMED);
	}
}

static void measure_cert_expiry(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	const struct ww_probe_summary *t = &in->targets[i];
	char span[32], iso[WW_ISO_TIME_LEN];

	if (!t->have_cert || ww_is_domain_target(t) || ww_is_local_target(t)) {
		/* Plain HTTP, TLS never got that far, or judged elsewhere
		 * (this server's own binding: local_endpoint). */
		m->kind = M_NA;
		return;
	}
	ww_m_value(m, t->cert_not_after - now);
	ww_time_format_iso(t->cert_not_after, iso);
	ww_health_format_age(m->value < 0 ? -m->value : m->value, span,
			     sizeof(span));
	if (m->value > 0)
		ww_m_text(m, "certificate of %s expires in %s (%s)", t->url, span,
			  iso);
	else
		ww_m_text(m, "certificate of %s expired %s ago (%s)", t->url,
			  span, iso);
	ww_strlcpy(m->stage, "certificate", sizeof(m->stage));
	m->rank = 55;
	ww_m_fix(m, "Renew the certificate (or check this server's clock if "
		 "the date looks wrong)");
}

/*
 * Sync runs dated ahead of the clock by more than the tolerance (a clock
 * glitch when they were written, or a clock stepped back since): a finding
 * of this rule, as they were left out of every other one.
 */
static void measure_runs_ahead(const struct ww_health_input *in, int64_t now,
			       struct measure *m)
{
	char span[32], iso[WW_ISO_TIME_LEN];

	ww_m_value(m, in->ahead_latest - now);
	ww_health_format_age(m->value, span, sizeof(span));
	ww_time_format_iso(in->ahead_latest, iso);
	ww_m_text(m, "%" PRId64 " sync run%s dated up to %s ahead of the local "
		  "clock (%s), ignored", in->ahead_runs,
		  in->ahead_runs == 1 ? "" : "s", span, iso);
	ww_m_fix(m, "Check this server's clock (w32tm /query /status): a "
		 "record dated in the future cannot be judged");
}

static void measure_clock_skew(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_probe_summary *best = NULL;
	char span[32];
	size_t k;

	(void)i;
	if (in->ahead_runs > 0) {
		measure_runs_ahead(in, now, m);
		return;
	}
	if (!in->ntargets) {
		m->kind = M_NA;
		return;
	}
	/* The clock is the local host's: judge the latest measurement
	 * against another server (this server's own Date says nothing). */
	for (k = 0; k < in->ntargets; k++)
		if (in->targets[k].have_skew &&
		    !ww_is_local_target(&in->targets[k]) &&
		    (!best || in->targets[k].skew_at > best->skew_at))
			best = &in->targets[k];
	if (!best) {
		m->kind = M_NODATA;
		ww_m_text(m, "no server Date header seen yet");
		return;
	}
	ww_m_value(m, best->clock_skew < 0 ? -best->clock_skew :
		      best->clock_skew);
	ww_health_format_age(m->value, span, sizeof(span));
	ww_m_text(m, "local clock is %s %s %s's Date", span,
		  best->clock_skew > 0 ? "behind" : "ahead of", best->name);
	/* A wrong clock breaks certificate validation before anything else
	 * on the TLS path (0x80072F8F). */
	ww_strlcpy(m->stage, "tls", sizeof(m->stage));
	m->rank = 39;
	ww_m_fix(m, "Correct this server's time and time zone (w32tm "
		 "/resync); certificates are judged by it");
}

static void measure_probes(const struct ww_health_input *in, size_t i,
			   int64_t now, struct measure *m)
{
	size_t k, path = 0;

	(void)i;
	(void)now;
	/* This server's own endpoints are not the sync path. */
	for (k = 0; k < in->ntargets; k++)
		path += !ww_is_local_target(&in->targets[k]);
	if (in->probes_avail == WW_FACT_AVAILABLE && path)
		return;
	if (in->probes_avail == WW_FACT_NOT_RUN)
		return; /* this face does not probe */
	ww_m_text(m, "%s", in->probes_error[0] ? in->probes_error :
		  "no probe target configured: the sync path is not tested");
	if (in->probes_avail == WW_FACT_NOT_HERE) {
		m->kind = M_SKIPPED;
		return;
	}
	ww_m_state(m, WW_STATE_UNKNOWN);
	ww_m_fix(m, "Turn on probes.microsoft_update or probes.upstream, or "
		 "add probes.extra_urls");
}

static void measure_selfupdate_port(const struct ww_health_input *in,
				    size_t i, int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;

	(void)i;
	(void)now;
	if (!cfg || !in->from_upstream || cfg->probes.upstream == WW_OFF ||
	    ww_endpoint_selfupdate_port(cfg))
		return;
	ww_strlcpy(m->item, "upstream_selfupdate", sizeof(m->item));
	ww_m_state(m, WW_STATE_UNKNOWN);
	ww_m_text(m, "SelfUpdate (HTTP) of the upstream on SSL port %" PRId64
		  " is not probed: its HTTP port is not known", cfg->wsus.upstream.port);
	ww_m_evidence(m, "wsus.upstream: port %" PRId64 ", ssl true, http_port "
		      "not set", cfg->wsus.upstream.port);
	ww_m_fix(m, "Set wsus.upstream.http_port to the upstream's HTTP port "
		 "(WSUS serves SelfUpdate over HTTP even when SSL is required; "
		 "the documented pairs are 8531/8530 and 443/80)");
}

/* ---- 4. WSUS log ---- */

static void measure_log_file(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	const struct ww_health_log *l = &in->log;

	(void)i;
	(void)now;
	m->no_count = true; /* sources:log judges readability */
	switch (l->avail) {
	case WW_FACT_NOT_RUN:
		return;
	case WW_FACT_NOT_HERE:
		ww_m_state(m, WW_STATE_UNKNOWN);
		ww_m_text(m, "no WSUS log at %s (nor %s.old): sync history "
			  "cannot be seen", l->path[0] ? l->path : "(none)",
			  l->path);
		ww_m_fix(m, FIX_LOG_MISSING);
		return;
	case WW_FACT_UNAVAILABLE:
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "the WSUS log cannot be read: %s", l->error);
		ww_m_fix(m, "Run as an administrator, or check the file's "
			 "permissions");
		return;
	case WW_FACT_AVAILABLE:
		break;
	}
	ww_m_state(m, WW_STATE_OK);
	ww_m_text(m, "%s", l->path);
	ww_m_evidence(m, "%s", l->detail);
}

#define FIX_IMPORT \
	"Export on the connected WSUS server and import here (wsusutil.exe " \
	"export / wsusutil.exe import, the guide's section 7), writing the " \
	"import's log to wsus.import_log; import only from a trusted server"

/* A disconnected server: the age of the last import, not of a sync. */
static void measure_import_age(const struct ww_health_input *in, int64_t now,
			       struct measure *m)
{
	char age[32], at[WW_ISO_TIME_LEN];

	ww_m_fix(m, FIX_IMPORT);
	if (!in->have_import) {
		m->kind = M_NODATA;
		ww_m_text(m, "disconnected server: no import known (%s)",
			  in->import_error);
		return;
	}
	ww_m_value(m, now > in->last_import ? now - in->last_import : 0);
	ww_health_format_age(m->value, age, sizeof(age));
	ww_time_format_iso(in->last_import, at);
	ww_m_text(m, "last import %s ago", age);
	ww_m_evidence(m, "disconnected server: %s last written %s",
		      in->cfg && in->cfg->wsus.import_log ?
		      in->cfg->wsus.import_log : "the import log", at);
}

static void measure_sync_staleness(const struct ww_health_input *in,
				   size_t i, int64_t now, struct measure *m)
{
	char age[32], a[WW_ISO_TIME_LEN], s[WW_ISO_TIME_LEN];
	int64_t span;

	(void)i;
	if (in->disconnected) {
		measure_import_age(in, now, m);
		return;
	}
	iso_or(in->have_attempt ? in->last_attempt : WW_TIME_UNKNOWN, a, "none");
	iso_or(in->have_success ? in->last_success : WW_TIME_UNKNOWN, s, "none");
	ww_m_evidence(m, "last attempt %s (%s), last success %s", a,
		      in->have_attempt ? in->last_result : "-", s);
	if (in->have_success || in->sync_runs > 0)
		ww_m_fix(m, FIX_STALE);
	if (in->have_success) {
		ww_m_value(m, now > in->last_success ? now - in->last_success : 0);
		ww_health_format_age(m->value, age, sizeof(age));
		ww_m_text(m, "last successful sync %s ago", age);
		return;
	}
	if (in->sync_runs <= 0) {
		m->kind = M_NODATA;
		ww_m_text(m, "no sync run recorded yet");
		return;
	}
	/*
	 * Attempts but never a success: the age is at least the span of
	 * history we have.  Once that span alone crosses the warning
	 * threshold the sync is stale whatever happened before it.
	 */
	span = now > in->first_observed ? now - in->first_observed : 0;
	ww_health_format_age(span, age, sizeof(age));
	if (span <= in->th.sync_warning) {
		m->kind = M_NODATA;
		ww_m_text(m, "no successful sync in the %s of history recorded "
			  "so far", age);
		return;
	}
	ww_m_value(m, span);
	ww_m_text(m, "no successful sync in at least %s", age);
}

static void measure_sync_failures(const struct ww_health_input *in,
				  size_t i, int64_t now, struct measure *m)
{
	(void)i;
	(void)now;
	if (in->disconnected)
		return; /* no sync attempts: imports replace them */
	if (in->sync_runs <= 0) {
		m->kind = M_NODATA;
		ww_m_text(m, "no sync run recorded yet");
		return;
	}
	ww_m_value(m, in->consecutive_failures);
	/* The failed run's own reason (386), as WSUS wrote it. */
	ww_m_text(m, "%" PRId64 " consecutive failed sync attempt%s%s%s%s%s",
		  in->consecutive_failures,
		  in->consecutive_failures == 1 ? "" : "s",
		  in->have_success ? " since the last success" : "",
		  in->have_success ? "" : " (no success recorded)",
		  in->last_error[0] ? "; the latest failed: " : "",
		  in->last_error);
	ww_m_fix(m, FIX_STALE);
}

/*
 * The specific finding a failed sync (386) repeats, when one was logged
 * within five minutes of it: the same failure, told once.
 */
static int explained_by(const struct ww_health_input *in,
			const struct ww_finding_summary *sync_failed)
{
	int c;

	for (c = 0; c < WW_CAT_COUNT; c++) {
		const struct ww_finding_summary *f = &in->log.findings[c];
		int64_t d = sync_failed->last_seen - f->last_seen;

		if (c == WW_CAT_SYNC_FAILED || c == WW_CAT_CONTENT_DOWNLOAD_FAILURE ||
		    c == WW_CAT_HEALTH_CHECK_FAILED || !f->count ||
		    ww_synclog_category_is_fact((enum ww_synclog_category)c))
			continue;
		if (d >= -300 && d <= 300)
			return c;
	}
	return -1;
}

static void measure_finding(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m)
{
	const struct ww_finding_summary *f = &in->log.findings[i];
	enum ww_synclog_category c = (enum ww_synclog_category)i;
	char f1[WW_ISO_TIME_LEN], f2[WW_ISO_TIME_LEN], ok[WW_ISO_TIME_LEN];
	bool since;
	int same;

	(void)now;
	if (in->log.avail != WW_FACT_AVAILABLE || !f->count ||
	    ww_synclog_category_is_fact(c))
		return; /* facts are judged by sync_tls_fix */
	since = !in->have_success || f->last_seen > in->last_success;
	snprintf(m->item, sizeof(m->item), "finding:%s",
		 ww_synclog_category_name(c));
	ww_m_state(m, since ? WW_STATE_WARNING : WW_STATE_OK);
	iso_or(f->first_seen, f1, "?");
	iso_or(f->last_seen, f2, "?");
	iso_or(in->have_success ? in->last_success : WW_TIME_UNKNOWN, ok, "");
	if (since)
		ww_m_text(m, "%" PRIu64 " time(s), last at %s%s", f->count, f2,
			  in->have_success ? ", after the last successful sync" :
			  "");
	else
		ww_m_text(m, "%" PRIu64 " time(s), last at %s, before the last "
			  "successful sync (%s)", f->count, f2, ok);
	ww_m_evidence(m, "%s .. %s, e.g. %s", f1, f2, f->example);
	ww_m_fix(m, ww_synclog_category_hint(c));
	snprintf(m->cause_text, sizeof(m->cause_text), "the WSUS log shows %s "
		 "(last at %s)", ww_synclog_category_name(c), f2);
	same = c == WW_CAT_SYNC_FAILED && since ? explained_by(in, f) : -1;
	if (same >= 0) {
		/* One failure, one finding: the specific one carries it. */
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "%" PRIu64 " time(s), last at %s: the same failure "
			  "as finding:%s", f->count, f2, ww_synclog_category_name(
				  (enum ww_synclog_category)same));
		ww_m_fix(m, NULL);
	}
	/* A specific error explains more than "a sync failed". */
	m->rank = c == WW_CAT_SYNC_FAILED ? 100 : (int)c;
}

/* ---- 5. event log ---- */

static void measure_eventlog(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	const struct ww_health_events *e = &in->events;

	(void)i;
	(void)now;
	m->no_count = true; /* sources:eventlog judges readability */
	switch (e->avail) {
	case WW_FACT_NOT_RUN:
		return;
	case WW_FACT_NOT_HERE:
		m->kind = M_SKIPPED;
		ww_m_text(m, "not available on this system: %s", e->error);
		return;
	case WW_FACT_UNAVAILABLE:
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "%s", e->error);
		ww_m_fix(m, "Run as an administrator on the WSUS server; check "
			 "that the Windows Event Log service runs");
		return;
	case WW_FACT_AVAILABLE:
		break;
	}
	ww_m_state(m, WW_STATE_OK);
	ww_m_text(m, "%" PRIu64 " WSUS event(s) %s%s%s", e->count, e->where,
		  e->file[0] ? " " : "", e->file);
	ww_m_evidence(m, "%s", e->detail);
}

/* WSUS's catalog health events as a state; UNKNOWN for any other ID. */
static enum ww_state catalog_state(const struct ww_meaning_row *row)
{
	switch (row ? row->meaning : WW_MEANING_OTHER) {
	case WW_MEANING_CATALOG_HEALTHY: return WW_STATE_OK;
	case WW_MEANING_CATALOG_STALE: return WW_STATE_WARNING;
	case WW_MEANING_CATALOG_SYNC_FAILED: return WW_STATE_CRITICAL;
	default: return WW_STATE_UNKNOWN;
	}
}

static void measure_wsus_events(const struct ww_health_input *in, size_t i,
				int64_t now, struct measure *m)
{
	const struct ww_meaning_row *row;
	char iso[WW_ISO_TIME_LEN], ok[WW_ISO_TIME_LEN];
	enum ww_state st;

	(void)i;
	(void)now;
	if (!in->sources[WW_SOURCE_EVENTLOG].known &&
	    in->events.avail != WW_FACT_AVAILABLE) {
		m->kind = M_NA; /* no event log on this system */
		return;
	}
	if (!in->have_wsus_event) {
		m->kind = M_NODATA;
		ww_m_text(m, "no WSUS catalog health event (10020-10022) seen%s%s",
			  in->events.where[0] ? " " : "", in->events.where);
		return;
	}
	ww_time_format_iso(in->wsus_event_at, iso);
	/* One home for what the IDs mean: wsus_event.c. */
	row = ww_wsus_meaning((uint32_t)in->wsus_event_id);
	st = catalog_state(row);
	if (!row || st == WW_STATE_UNKNOWN) {
		m->kind = M_NODATA;
		ww_m_text(m, "unexpected WSUS event %d at %s", in->wsus_event_id,
			  iso);
		return;
	}
	ww_m_evidence(m, "event %d, record %" PRIu64 "; meaning %s (%s: "
		      "docs/events-input.md)", in->wsus_event_id,
		      in->events.catalog_record, ww_meaning_name(row->meaning),
		      ww_confidence_name(row->confidence));
	/*
	 * The guide's check is "no new 10021 or 10022 after the triggered
	 * run": a later successful sync (log or event 384) supersedes it.
	 */
	if (st != WW_STATE_OK && in->have_success &&
	    in->last_success > in->wsus_event_at) {
		ww_time_format_iso(in->last_success, ok);
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "WSUS event %d at %s (%s) is superseded by the "
			  "successful sync at %s", in->wsus_event_id, iso,
			  row->summary,
			  ok);
		return;
	}
	ww_m_state(m, st);
	ww_m_text(m, "WSUS event %d at %s: %s", in->wsus_event_id, iso,
		  row->summary);
	if (st != WW_STATE_OK)
		ww_m_fix(m, FIX_CATALOG);
}

static void measure_content(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m)
{
	const struct ww_evstore_seen *s = &in->events.content;
	char last[WW_ISO_TIME_LEN];

	(void)i;
	(void)now;
	if (in->events.avail != WW_FACT_AVAILABLE)
		return;
	if (!s->count) {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "no content download failure (event 364) %s",
			  in->events.where);
		return;
	}
	ww_m_state(m, WW_STATE_WARNING);
	ww_time_format_iso(s->last_at, last);
	ww_m_text(m, "%" PRIu64 " content download failure(s) (event 364) %s, "
		  "the last at %s", s->count, in->events.where, last);
	ww_m_evidence(m, "newest: \"%s\"", s->example);
	ww_m_fix(m, FIX_CONTENT);
	snprintf(m->cause_text, sizeof(m->cause_text), "WSUS could not "
		 "download update files (event 364, last at %s)", last);
}

static void measure_self_check(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_evstore_seen *s = &in->events.self_check;
	char last[WW_ISO_TIME_LEN];

	(void)i;
	(void)now;
	if (in->events.avail != WW_FACT_AVAILABLE)
		return;
	if (!s->count) {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "no WSUS self-check failure (events 12002-12072) %s",
			  in->events.where);
		return;
	}
	ww_m_state(m, WW_STATE_WARNING);
	ww_time_format_iso(s->last_at, last);
	ww_m_text(m, "WSUS self-check failed %s: %s; the last at %s",
		  in->events.where, in->events.components, last);
	ww_m_evidence(m, "newest, event %" PRIu32 ": \"%s\"; the events for a "
		      "component working again are not known, so a recovery "
		      "since cannot be seen", s->last_id, s->example);
	ww_m_fix(m, FIX_SELF_CHECK);
	snprintf(m->cause_text, sizeof(m->cause_text), "WSUS's self-check "
		 "failed (event %" PRIu32 ", last at %s)", s->last_id, last);
}

/* ---- wsuswatch's own sources ---- */

static void measure_source(const struct ww_health_input *in, size_t i,
			   int64_t now, struct measure *m)
{
	const struct ww_health_source *s = &in->sources[i];

	(void)now;
	if (!s->known) {
		m->kind = M_NA;
		return;
	}
	if (s->ok) {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "%s source is working", ww_health_source_name(i));
		return;
	}
	/* Without the database nothing is kept or alerted reliably. */
	ww_m_state(m, i == WW_SOURCE_DATABASE ? WW_STATE_CRITICAL :
						WW_STATE_WARNING);
	ww_m_text(m, "%s source: %s", ww_health_source_name(i),
		  s->error[0] ? s->error : "failed");
	ww_m_fix(m, i == WW_SOURCE_DATABASE ?
		 "Check the database path's free space and permissions "
		 "(docs/store.md)" :
		 "Check that the file or log exists and that the service's "
		 "account can read it");
}

/* ---- the table ---- */

const struct rule ww_rules[] = {
	{ "sync_source", SCOPE_GLOBAL, measure_sync_source, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_STEP0,
	  "where WSUS synchronizes from, and whether that was read or assumed" },
	{ "discovery", SCOPE_GLOBAL, measure_discovery, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_CONFIGURATION, NULL, G_STEP0,
	  "whether WSUS's own settings (registry, SUSDB) could be read" },
	{ "value_sources", SCOPE_GLOBAL, measure_value_sources, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_CONFIGURATION, NULL, G_STEP0,
	  "where each setting came from: file, discovered, default" },
	{ "muurl_policy", SCOPE_GLOBAL, measure_muurl, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 4000, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_ENDPOINT,
	  "deprecated (sws1) or decommissioned (fe2) MUUrl" },
	{ "upstream_port_ssl", SCOPE_GLOBAL, measure_port_ssl, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_UPSTREAM,
	  "upstream port and SSL setting agree (8530/8531, 80/443)" },
	{ "proxy", SCOPE_GLOBAL, measure_proxy, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_PROXY,
	  "proxy settings and the password's source" },
	/* WSUS's own settings beyond the keys (checks_wsus.c).  A cleartext
	 * password is a warning of its own, never the cause of a failed
	 * sync: a finding. */
	{ "proxy_basic", SCOPE_GLOBAL, ww_measure_proxy_basic, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_FINDING,
	  WW_CLASS_NONE, WW_SECTION_CONFIGURATION, NULL, G_PROXY,
	  "Basic proxy authentication allowed: the password in cleartext" },
	{ "proxy_credentials", SCOPE_GLOBAL, ww_measure_proxy_credentials,
	  CMP_STATE, TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_CONFIGURATION, NULL, G_PROXY,
	  "WSUS's proxy password, which wsuswatch has no copy of, is not tested" },
	{ "hierarchy", SCOPE_GLOBAL, ww_measure_hierarchy, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_UPSTREAM,
	  "replica mode and version order in a WSUS hierarchy" },
	{ "content_source", SCOPE_GLOBAL, ww_measure_content_source, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_CONFIGURATION, NULL, G_UPSTREAM,
	  "where update files come from: locally, the upstream, Microsoft Update" },
	{ "tls_minimum", SCOPE_GLOBAL, measure_tls_minimum, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_CONFIGURATION, NULL, G_TLS,
	  "the probes' minimum TLS version" },
	{ "host_tls", SCOPE_HOST, measure_host, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_HOST_TLS, WW_SECTION_HOST_TLS, NULL, G_TLS,
	  "SCHANNEL, .NET and WSUS setup values in the registry" },
	/* The two TLS paths (issue 14, item 2): checks_tls.c. */
	{ "sync_tls_fix", SCOPE_GLOBAL, ww_measure_sync_tls_fix, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_HOST_TLS, WW_SECTION_HOST_TLS, NULL, G_TLS,
	  "WSUS's TLS 1.2 fix for sync: SCHANNEL lines after a WSUS start" },
	{ "tls_failure_cause", SCOPE_GLOBAL, ww_measure_tls_failure_cause,
	  CMP_STATE, TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_HOST_TLS, WW_SECTION_HOST_TLS, NULL, G_TLS,
	  "which TLS cause a reset or 'no common algorithm' has" },
	/* Local services (checks_services.c, hostsvc.h). */
	{ "service", SCOPE_SERVICE, ww_measure_service, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_SERVICES, WW_SECTION_SERVICES, NULL, G_BITS,
	  "WsusService, BITS and W3SVC: state and startup type" },
	{ "wsus_pool", SCOPE_GLOBAL, ww_measure_wsus_pool, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_SERVICES, WW_SECTION_SERVICES, NULL, G_POOL,
	  "the WsusPool application pool in applicationHost.config" },
	{ "content_dir_access", SCOPE_GLOBAL, ww_measure_content_dir, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_SERVICES, WW_SECTION_SERVICES, NULL, G_CONTENT_ACL,
	  "NETWORK SERVICE and Users can read ContentDir (its DACL)" },
	{ "trusted_root", SCOPE_GLOBAL, ww_measure_trusted_root, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_SERVICES, WW_SECTION_SERVICES, NULL, G_CERT,
	  "no intermediate CA certificate in the machine's Trusted Root" },
	{ "probes", SCOPE_GLOBAL, measure_probes, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_NETWORK, NULL, G_NETWORK,
	  "whether the sync path is probed at all" },
	{ "endpoint", SCOPE_TARGET, measure_endpoint, CMP_AT_LEAST,
	  TH_NONE, TH_PROBE_FAILURES, UNIT_COUNT, 3000, false, WW_KIND_CAUSE,
	  WW_CLASS_NETWORK, WW_SECTION_NETWORK, NULL, G_NETWORK,
	  "consecutive failed probes of one endpoint" },
	{ "domains", SCOPE_GLOBAL, ww_measure_domains, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_NETWORK, WW_SECTION_NETWORK, NULL, G_NETWORK,
	  "the Microsoft domains WSUS needs, as one check naming those that fail" },
	/* This server's own endpoints (checks_local.c): findings, judged
	 * on their own and never named as the cause of a stale or failed
	 * sync; what clients meet here never stops this server's sync. */
	{ "local_endpoint", SCOPE_TARGET, ww_measure_local_endpoint,
	  CMP_STATE, TH_NONE, TH_NONE, UNIT_COUNT, 3300, false, WW_KIND_FINDING,
	  WW_CLASS_NONE, WW_SECTION_SERVICES, NULL, G_LOCAL,
	  "this server's SelfUpdate, Content and HTTPS binding, as clients "
	  "reach them" },
	{ "cert_expiry", SCOPE_TARGET, measure_cert_expiry, CMP_AT_MOST,
	  TH_CERT_WARNING, TH_ZERO, UNIT_DURATION, 3100, false, WW_KIND_CAUSE,
	  WW_CLASS_NETWORK, WW_SECTION_NETWORK, "", G_CERT,
	  "time left before an endpoint's certificate expires" },
	{ "clock_skew", SCOPE_GLOBAL, measure_clock_skew, CMP_ABOVE,
	  TH_CLOCK_SKEW, TH_NONE, UNIT_DURATION, 3200, false, WW_KIND_CAUSE,
	  WW_CLASS_NETWORK, WW_SECTION_NETWORK, NULL, G_CERT,
	  "difference between the local clock and servers' Date" },
	{ "selfupdate_port", SCOPE_GLOBAL, measure_selfupdate_port, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_CONFIG, WW_SECTION_NETWORK, NULL, G_UPSTREAM,
	  "the upstream's SelfUpdate port is known, never guessed" },
	{ "log_file", SCOPE_GLOBAL, measure_log_file, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_LOG, NULL, G_VERIFY,
	  "the WSUS log that was read" },
	{ "sync_staleness", SCOPE_GLOBAL, measure_sync_staleness, CMP_ABOVE,
	  TH_SYNC_WARNING, TH_SYNC_CRITICAL, UNIT_DURATION, 2000, true,
	  WW_KIND_SYMPTOM, WW_CLASS_NONE, WW_SECTION_LOG,
	  "last_successful_sync", G_VERIFY,
	  "age of the last successful sync from any source" },
	{ "sync_failures", SCOPE_GLOBAL, measure_sync_failures, CMP_AT_LEAST,
	  TH_SYNC_FAILURES, TH_NONE, UNIT_COUNT, 2100, false,
	  WW_KIND_SYMPTOM, WW_CLASS_NONE, WW_SECTION_LOG, NULL, G_VERIFY,
	  "consecutive failed sync attempts" },
	{ "finding", SCOPE_FINDING, measure_finding, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_LOG, WW_SECTION_LOG, "", G_CODES,
	  "errors WSUS logged, by the guide's categories" },
	/* ConfigMgr's WsyncMgr.log (checks_wsus.c): catalog import failures
	 * point at the import TLS path, never at sync's: a finding, never
	 * the cause of a failed sync. */
	{ "catalog_import", SCOPE_GLOBAL, ww_measure_catalog_import,
	  CMP_STATE, TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_FINDING,
	  WW_CLASS_NONE, WW_SECTION_LOG, NULL, G_TLS,
	  "ConfigMgr's WsyncMgr.log: ImportUpdateFromCatalogSite failures" },
	{ "eventlog", SCOPE_GLOBAL, measure_eventlog, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_INFO,
	  WW_CLASS_NONE, WW_SECTION_EVENTLOG, NULL, G_WSUS30,
	  "the WSUS events that were read" },
	{ "wsus_health_events", SCOPE_GLOBAL, measure_wsus_events, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 4100, false, WW_KIND_SYMPTOM,
	  WW_CLASS_NONE, WW_SECTION_EVENTLOG, "catalog_sync", G_VERIFY,
	  "latest of WSUS's own events 10020/10021/10022 not superseded" },
	{ "content_download", SCOPE_GLOBAL, measure_content, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_EVENTS, WW_SECTION_EVENTLOG, NULL, G_WSUS30,
	  "content download failures (event 364)" },
	{ "self_check", SCOPE_GLOBAL, measure_self_check, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 0, false, WW_KIND_CAUSE,
	  WW_CLASS_EVENTS, WW_SECTION_EVENTLOG, NULL, G_WSUS30,
	  "WSUS self-check failures (events 12002-12072)" },
	{ "sources", SCOPE_SOURCE, measure_source, CMP_STATE,
	  TH_NONE, TH_NONE, UNIT_COUNT, 5000, false, WW_KIND_MONITOR,
	  WW_CLASS_NONE, WW_SECTION_MONITOR, NULL, G_MONITOR,
	  "log unreadable, event log unavailable, database error" },
};

const size_t ww_rules_n = WW_ARRAY_SIZE(ww_rules);
