/*
 * checks_wsus.c - the checks on WSUS's own settings beyond the keys
 * (issue 14, items 3 and 4): the proxy as WSUS has it (Basic over
 * cleartext, a password wsuswatch has no copy of) and the hierarchy
 * (replica mode, content source, version order).  The facts come from
 * discovery (struct ww_wsus_facts, in->wsus); the rows are in checks.c's
 * table, one block.
 */
#include "compat.h"

#include "checks.h"
#include "config.h"
#include "endpoint.h"
#include "util.h"

#define FIX_BASIC \
	"Basic sends the proxy password in cleartext: use it only on a " \
	"trusted internal network or over an encrypted channel to the " \
	"proxy. Prefer NTLM/Negotiate on the proxy and clear 'Allow basic " \
	"authentication' in Options > Update Source and Proxy Server > " \
	"Proxy Server ($c=(Get-WsusServer).GetConfiguration(); " \
	"$c.AllowProxyCredentialsOverNonSsl=$false; $c.Save())"
#define FIX_CREDENTIALS \
	"To have the probes authenticate as WSUS does, store the same " \
	"password for wsuswatch: proxy.password_credential (Credential " \
	"Manager, as LocalSystem) or proxy.password_env"
#define FIX_REPLICA_MU \
	"Options > Update Source and Proxy Server: a replica synchronizes " \
	"from its upstream WSUS server only; either name the upstream " \
	"server or clear 'This server is a replica of the upstream server'"
#define FIX_VERSION \
	"A downstream must run the same WSUS version as its upstream or an " \
	"earlier one: update the upstream server first, then this one"

static const char *yes_no(enum ww_fact3 f)
{
	return f == WW_FACT3_YES ? "yes" : f == WW_FACT3_NO ? "no" :
							      "not known";
}

/* Whether discovery read SUSDB: otherwise these facts cannot exist. */
static bool susdb_read(const struct ww_health_input *in)
{
	/* server is described whenever discovery's result was applied. */
	return in->cfg && in->cfg->discovery.code == 0 &&
	       in->cfg->discovery.susdb_code == 0 &&
	       in->cfg->discovery.server[0] != '\0';
}

void ww_measure_proxy_basic(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	char proxy[WW_HEALTH_TEXT_MAX / 2];

	(void)i;
	(void)now;
	/* Never the URL itself: a user:password@ in it stays out. */
	ww_check_url_part(cfg && cfg->proxy.url ? cfg->proxy.url : "(none)",
			  false, proxy, sizeof(proxy));
	if (!cfg || !susdb_read(in)) {
		m->kind = M_NA;
		return;
	}
	if (in->wsus.allow_basic == WW_FACT3_UNKNOWN) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "AllowProxyCredentialsOverNonSsl was not read "
			  "from SUSDB");
		return;
	}
	ww_m_state(m, WW_STATE_OK);
	ww_m_evidence(m, "SUSDB tbConfigurationC.AllowProxyCredentialsOver"
		      "NonSsl = %s (the console's 'Allow basic authentication "
		      "(password is sent in cleartext)'); proxy %s; user %s",
		      in->wsus.allow_basic == WW_FACT3_YES ? "1" : "0", proxy,
		      cfg->proxy.user ? cfg->proxy.user : "(none)");
	if (in->wsus.allow_basic == WW_FACT3_NO) {
		ww_m_text(m, "WSUS does not allow Basic proxy authentication");
		return;
	}
	if (!cfg->proxy.url || !cfg->proxy.user) {
		ww_m_text(m, "Basic proxy authentication is allowed but unused: "
			  "no proxy user");
		return;
	}
	ww_m_state(m, WW_STATE_WARNING);
	ww_m_text(m, "WSUS allows Basic proxy authentication: the password "
		  "of %s is sent in cleartext to the proxy %s", cfg->proxy.user,
		  proxy);
	snprintf(m->cause_text, sizeof(m->cause_text), "Basic proxy "
		 "authentication allowed: the password of %s goes in cleartext "
		 "to %s", cfg->proxy.user, proxy);
	ww_m_fix(m, FIX_BASIC);
}

void ww_measure_proxy_credentials(const struct ww_health_input *in, size_t i,
				  int64_t now, struct measure *m)
{
	const struct ww_config *cfg = in->cfg;
	bool wsus_pw = in->wsus.has_proxy_password == WW_FACT3_YES;

	(void)i;
	(void)now;
	/* Said once, as information: never a warning every cycle. */
	if (!cfg || !cfg->proxy.url || in->secret.configured ||
	    (!wsus_pw && !(cfg->proxy.user &&
			   ww_config_origin_of(cfg, "proxy.user") ==
				   WW_ORIGIN_DISCOVERED))) {
		m->kind = M_NA;
		return;
	}
	ww_m_state(m, WW_STATE_OK);
	ww_m_text(m, "WSUS has %s for %s that wsuswatch has no copy of: the "
		  "proxy credentials are not tested (the probes go without "
		  "them)", wsus_pw ? "a proxy password" : "proxy credentials",
		  cfg->proxy.user ? cfg->proxy.user : "its proxy user");
	ww_m_evidence(m, "HasProxyPassword: %s (SUSDB, whether "
		      "tbConfigurationA.ProxyPassword is set; its value is "
		      "never read); proxy.password_env and "
		      "proxy.password_credential are not set",
		      yes_no(in->wsus.has_proxy_password));
	ww_m_fix(m, FIX_CREDENTIALS);
}

/* "this server's WSUS 10.0.17763.1; upstream's not known". */
static void version_evidence(const struct ww_health_input *in, char *buf,
			     size_t size)
{
	const struct ww_finding_summary *f =
		&in->log.findings[WW_CAT_INCOMPATIBLE_PROTOCOL];

	snprintf(buf, size, "this server's WSUS version %s (registry "
		 "Setup\\VersionString); the upstream's: %s",
		 in->wsus.version[0] ? in->wsus.version : "not known",
		 f->count ? "older (IncompatibleProtocolVersion in the log)" :
		 "not known (WSUS names it only as IncompatibleProtocolVersion)");
}

/* The upstream is older than this server: the log says so. */
static bool version_order_broken(const struct ww_health_input *in)
{
	const struct ww_finding_summary *f =
		&in->log.findings[WW_CAT_INCOMPATIBLE_PROTOCOL];

	return in->log.avail == WW_FACT_AVAILABLE && f->count &&
	       (!in->have_success || f->last_seen > in->last_success);
}

void ww_measure_hierarchy(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m)
{
	bool replica = in->wsus.replica == WW_FACT3_YES;
	char ver[WW_HEALTH_TEXT_MAX];

	(void)i;
	(void)now;
	if (!in->cfg || in->disconnected) {
		m->kind = M_NA;
		return;
	}
	version_evidence(in, ver, sizeof(ver));
	if (!in->from_upstream && !replica) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "no hierarchy: the server syncs from Microsoft "
			  "Update");
		return;
	}
	ww_m_evidence(m, "IsReplicaServer: %s (SUSDB tbConfigurationC."
		      "ReplicaMode); %s", yes_no(in->wsus.replica), ver);
	if (replica && !in->from_upstream) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "the server is a replica but syncs from Microsoft "
			  "Update: a replica syncs from its upstream only");
		ww_m_fix(m, FIX_REPLICA_MU);
		return;
	}
	if (version_order_broken(in)) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "this server runs a newer WSUS than its upstream "
			  "%s (IncompatibleProtocolVersion)", in->upstream);
		snprintf(m->cause_text, sizeof(m->cause_text), "version order: "
			 "this server is newer than its upstream %s",
			 in->upstream);
		ww_m_fix(m, FIX_VERSION);
		return;
	}
	ww_m_state(m, WW_STATE_OK);
	if (replica)
		ww_m_text(m, "replica of %s: approvals and computer groups come "
			  "from the upstream, which it syncs from only; MUUrl "
			  "is never set here", in->upstream);
	else
		ww_m_text(m, "autonomous downstream of %s%s", in->upstream,
			  in->wsus.replica == WW_FACT3_UNKNOWN ?
			  " (replica mode not known)" : "");
}

void ww_measure_content_source(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_wsus_facts *f = &in->wsus;

	(void)i;
	(void)now;
	if (!in->cfg || in->disconnected || !susdb_read(in) ||
	    (f->host_on_mu == WW_FACT3_UNKNOWN &&
	     f->content_from_mu == WW_FACT3_UNKNOWN)) {
		m->kind = M_NA;
		return;
	}
	ww_m_state(m, WW_STATE_OK);
	ww_m_evidence(m, "HostBinariesOnMicrosoftUpdate: %s (SUSDB "
		      "tbConfigurationA.HostOnMu); GetContentFromMU: %s (SUSDB "
		      "tbConfigurationC.GetContentFromMU); a storage choice, "
		      "not a metadata-sync failure", yes_no(f->host_on_mu),
		      yes_no(f->content_from_mu));
	if (f->host_on_mu == WW_FACT3_YES)
		ww_m_text(m, "update files are not stored locally: clients "
			  "download them from Microsoft Update");
	else if (!in->from_upstream)
		ww_m_text(m, "update files are stored locally, downloaded from "
			  "Microsoft Update (the Microsoft domains)");
	else if (f->content_from_mu == WW_FACT3_YES)
		ww_m_text(m, "update files are stored locally, downloaded from "
			  "Microsoft Update, not from the upstream %s: this "
			  "server needs the Microsoft domains", in->upstream);
	else
		ww_m_text(m, "update files are stored locally, downloaded from "
			  "the upstream %s", in->upstream);
}

/* ---- ConfigMgr's WsyncMgr.log (issue 14, item 7) ---- */

#define FIX_CATALOG_IMPORT \
	"ConfigMgr could not import updates from the Microsoft Update " \
	"Catalog: that is the manual-import TLS path, not sync's. See the " \
	"host check import_tls_path: .NET SchUseStrongCrypto and " \
	"SystemDefaultTlsVersions (both registry views) and w3wp.exe.config's " \
	"AppContextSwitchOverrides; then Restart-Service WsusService, w3svc"

void ww_measure_catalog_import(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_wsyncmgr_facts *f = &in->wsyncmgr;

	(void)i;
	(void)now;
	switch (in->wsyncmgr_avail) {
	case WW_FACT_NOT_RUN:
		m->kind = M_NA;
		return;
	case WW_FACT_NOT_HERE:
		m->kind = M_SKIPPED;
		ww_m_text(m, "no WsyncMgr.log at %s", in->wsyncmgr_path);
		return;
	case WW_FACT_UNAVAILABLE:
		m->kind = M_NODATA;
		ww_m_text(m, "WsyncMgr.log cannot be read: %s",
			  in->wsyncmgr_error);
		return;
	case WW_FACT_AVAILABLE:
		break;
	}
	ww_m_state(m, f->import_failed ? WW_STATE_WARNING : WW_STATE_OK);
	if (!f->import_failed) {
		ww_m_text(m, "no ImportUpdateFromCatalogSite failure in the last "
			  "%" PRIu64 " bytes of %s", f->bytes, in->wsyncmgr_path);
		return;
	}
	ww_m_text(m, "ConfigMgr's catalog import failed %" PRIu64 " time(s), "
		  "last at %s: the import TLS path (import_tls_path)",
		  f->import_failed, f->last_time[0] ? f->last_time : "?");
	ww_m_evidence(m, "%s (its last %" PRIu64 " bytes): %s", in->wsyncmgr_path,
		      f->bytes, f->last);
	snprintf(m->cause_text, sizeof(m->cause_text), "ConfigMgr's catalog "
		 "import fails (ImportUpdateFromCatalogSite): the import TLS "
		 "path");
	ww_m_fix(m, FIX_CATALOG_IMPORT);
}

/* ---- the Microsoft domains (issue 14, item 8) ---- */

#define FIX_DOMAINS \
	"Allow these URLs (any URL within each domain) for the WSUS server " \
	"at the firewall and the proxy WSUS uses; Microsoft does not support " \
	"IP-based rules for them (CDN-backed). The list is the guide's, from " \
	"Microsoft's 'Step 2: Configure WSUS', which Microsoft can revise"

bool ww_is_domain_target(const struct ww_probe_summary *t)
{
	return strncmp(t->name, WW_DOMAIN_TARGET_PREFIX,
		       strlen(WW_DOMAIN_TARGET_PREFIX)) == 0;
}

/*
 * The path to a domain works when the probe passed every stage before
 * HTTP and got an answer: a host root may well say 404 or 401.  A 403
 * is counted as blocked (a proxy's deny over plain HTTP looks so), and
 * 407 and 5xx are the proxy's or the path's failure.
 */
static bool domain_reached(const struct ww_probe_summary *t)
{
	int64_t s = t->http_status;

	if (t->ok)
		return true;
	return strcmp(t->stage, "http") == 0 && s >= 400 && s < 500 &&
	       s != 403 && s != 407;
}

static void append(char *buf, size_t size, const char *fmt, ...)
	WW_PRINTF(3, 4);

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* "go.microsoft.com" for http, the whole URL for https: short names. */
static const char *short_url(const char *u)
{
	return strncmp(u, "http://", 7) == 0 ? u + 7 : u;
}

void ww_measure_domains(const struct ww_health_input *in, size_t i,
			int64_t now, struct measure *m)
{
	char names[WW_HEALTH_TEXT_MAX] = "", failed[WW_HEALTH_LONG_MAX] = "";
	char passed[WW_HEALTH_LONG_MAX] = "";
	size_t k, n = 0, nfail = 0;

	(void)i;
	(void)now;
	if (!in->cfg || !ww_endpoint_domains_wanted(in->cfg)) {
		m->kind = M_NA;
		return;
	}
	for (k = 0; k < in->ntargets; k++) {
		const struct ww_probe_summary *t = &in->targets[k];
		const char *u = t->name + strlen(WW_DOMAIN_TARGET_PREFIX);

		if (!ww_is_domain_target(t))
			continue;
		n++;
		if (domain_reached(t)) {
			append(passed, sizeof(passed), "%s%s", passed[0] ? ", " :
			       "", u);
			continue;
		}
		nfail++;
		append(names, sizeof(names), "%s%s", names[0] ? ", " : "",
		       short_url(u));
		if (t->http_status > 0)
			append(failed, sizeof(failed), "%s%s (%s, HTTP %" PRId64
			       ")", failed[0] ? ", " : "", u, t->result,
			       t->http_status);
		else
			append(failed, sizeof(failed), "%s%s (%s)", failed[0] ?
			       ", " : "", u, t->result[0] ? t->result : "failed");
	}
	if (!n) {
		m->kind = M_NODATA;
		ww_m_text(m, "the Microsoft domains have not been probed yet");
		return;
	}
	ww_m_state(m, nfail ? WW_STATE_WARNING : WW_STATE_OK);
	if (!nfail) {
		ww_m_text(m, "all %zu Microsoft domain URLs are reachable", n);
		ww_m_evidence(m, "through the proxy WSUS uses: %s", passed);
		return;
	}
	ww_m_text(m, "%zu of %zu Microsoft URLs fail: %s", nfail, n,
		  names);
	ww_m_evidence(m, "through the proxy WSUS uses; failed: %s; reached: %s",
		      failed, passed[0] ? passed : "none");
	snprintf(m->cause_text, sizeof(m->cause_text), "%zu Microsoft domain "
		 "URL%s blocked or unreachable", nfail, nfail == 1 ? "" : "s");
	ww_m_fix(m, FIX_DOMAINS);
}
