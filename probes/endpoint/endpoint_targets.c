/*
 * endpoint_targets.c - which URLs to probe, from the configuration, and
 * the endpoint policy for the Microsoft Update sync endpoint.
 *
 * Microsoft Update: MUUrl + /ServerSyncWebService/ServerSyncWebService.asmx
 * (the old fe2 MUUrl already carries its /v6 prefix, so the path is
 * appended, not substituted).
 * Upstream WSUS: ServerSyncWebService on the configured port, https when
 * wsus.upstream.ssl; SelfUpdate /selfupdate/iuident.cab always over plain
 * HTTP on the HTTP port, because WSUS never sets "Require SSL" on
 * SelfUpdate.  With SSL the configured port is the SSL port and the HTTP
 * port is one less (8531 -> 8530), or 80 for 443.
 */
#include "compat.h"

#include <curl/curl.h>

#include "config.h"
#include "endpoint.h"
#include "os.h"
#include "util.h"

#define SYNC_PATH "/ServerSyncWebService/ServerSyncWebService.asmx"
#define SELFUPDATE_PATH "/selfupdate/iuident.cab"
#define WW_TARGETS_MAX 64

static const struct {
	const char *host;
	enum ww_endpoint_policy policy;
} mu_hosts[] = {
	{ "fe2.update.microsoft.com", WW_POLICY_DECOMMISSIONED },
	{ "sws1.update.microsoft.com", WW_POLICY_DEPRECATED },
};

static char *url_host(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *copy = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		copy = ww_strdup(host);
		curl_free(host);
	}
	curl_url_cleanup(u);
	return copy;
}

/*
 * The host of url, lower-cased by libcurl's parser, without the trailing
 * dot of a fully qualified name ("fe2.update.microsoft.com."), or NULL.
 * The one place that decides which host a MUUrl names.
 */
static char *mu_host(const char *url)
{
	char *host = url ? url_host(url) : NULL;
	size_t len = host ? strlen(host) : 0;

	if (len && host[len - 1] == '.')
		host[len - 1] = '\0';
	return host;
}

enum ww_endpoint_policy ww_endpoint_policy_of(const char *muurl)
{
	enum ww_endpoint_policy p = WW_POLICY_NONE;
	char *host = mu_host(muurl);
	size_t i;

	if (!host)
		return WW_POLICY_NONE;
	for (i = 0; i < WW_ARRAY_SIZE(mu_hosts); i++)
		if (ww_strcasecmp(host, mu_hosts[i].host) == 0)
			p = mu_hosts[i].policy;
	free(host);
	return p;
}

bool ww_endpoint_is_microsoft(const char *muurl)
{
	char *host = mu_host(muurl);
	bool yes = host && ww_strcasecmp(host, "sws.update.microsoft.com") == 0;

	free(host);
	return yes;
}

const char *ww_endpoint_policy_name(enum ww_endpoint_policy p)
{
	switch (p) {
	case WW_POLICY_DEPRECATED: return "endpoint_deprecated";
	case WW_POLICY_DECOMMISSIONED: return "endpoint_decommissioned";
	default: return NULL;
	}
}

const char *ww_endpoint_policy_hint(enum ww_endpoint_policy p)
{
	switch (p) {
	case WW_POLICY_DECOMMISSIONED:
		return "fe2.update.microsoft.com was decommissioned as a sync "
		       "endpoint on 2019-07-08: set MUUrl to "
		       "https://sws.update.microsoft.com and "
		       "RedirectorChangeNumber to 4002";
	case WW_POLICY_DEPRECATED:
		return "sws1.update.microsoft.com will be decommissioned: set "
		       "MUUrl to https://sws.update.microsoft.com and "
		       "RedirectorChangeNumber to 4002";
	default:
		return NULL;
	}
}

int ww_endpoint_targets_add(struct ww_endpoint_targets *t, const char *name,
			    const char *url, enum ww_target_kind kind,
			    struct ww_err *err)
{
	struct ww_endpoint_target *items, *n;

	if (t->n >= WW_TARGETS_MAX)
		return ww_err_set(err, WW_ERANGE, "more than %d probe targets",
				  WW_TARGETS_MAX);
	if (strlen(url) >= WW_PROBE_URL_MAX || strlen(name) >= WW_PROBE_NAME_MAX)
		return ww_err_set(err, WW_ERANGE, "probe target %s: URL or name "
				  "too long", name);
	items = realloc(t->items, (t->n + 1) * sizeof(*items));
	if (!items)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	t->items = items;
	n = &items[t->n];
	n->name = ww_strdup(name);
	n->url = ww_strdup(url);
	if (!n->name || !n->url) {
		free(n->name);
		free(n->url);
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	n->kind = kind;
	n->policy = kind == WW_TARGET_MICROSOFT_UPDATE ?
			    ww_endpoint_policy_of(url) : WW_POLICY_NONE;
	t->n++;
	return 0;
}

void ww_endpoint_targets_release(struct ww_endpoint_targets *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->items[i].name);
		free(t->items[i].url);
	}
	WW_FREE(t->items);
	t->n = 0;
}

static int add_microsoft_update(struct ww_endpoint_targets *t,
				const struct ww_config *cfg,
				struct ww_err *err)
{
	const char *mu = cfg->wsus.muurl ? cfg->wsus.muurl :
					   "https://sws.update.microsoft.com";
	size_t len = strlen(mu);
	char url[WW_PROBE_URL_MAX];

	while (len && mu[len - 1] == '/')
		len--;
	if (snprintf(url, sizeof(url), "%.*s%s", (int)len, mu, SYNC_PATH) >=
	    (int)sizeof(url))
		return ww_err_set(err, WW_ERANGE, "wsus.muurl: too long");
	return ww_endpoint_targets_add(t, "microsoft_update", url,
				       WW_TARGET_MICROSOFT_UPDATE, err);
}

/* An IPv6 literal needs brackets in a URL. */
static const char *bracket(const char *host, char *buf, size_t size)
{
	if (!strchr(host, ':') || host[0] == '[')
		return host;
	snprintf(buf, size, "[%s]", host);
	return buf;
}

/*
 * SelfUpdate is served over plain HTTP.  With SSL on, its port is the
 * configured one, else the documented pair (8531/8530, 443/80); any
 * other port is not guessed (docs/probes.md): 0, and no probe.
 */
int64_t ww_endpoint_selfupdate_port(const struct ww_config *cfg)
{
	int64_t port = cfg->wsus.upstream.port;

	if (!cfg->wsus.upstream.ssl)
		return port;
	if (cfg->wsus.upstream.http_port > 0)
		return cfg->wsus.upstream.http_port;
	return port == 8531 ? 8530 : port == 443 ? 80 : 0;
}

static int add_upstream(struct ww_endpoint_targets *t,
			const struct ww_config *cfg, struct ww_err *err)
{
	const char *host = cfg->wsus.upstream.host;
	int64_t port = cfg->wsus.upstream.port;
	bool ssl = cfg->wsus.upstream.ssl;
	char hb[300], url[WW_PROBE_URL_MAX];
	int r;

	if (!host || !*host)
		return ww_err_set(err, WW_ECONFIG, "probes.upstream is on but "
				  "wsus.upstream.host is not set");
	if (strlen(host) > 255 || port < 2 || port > 65535)
		return ww_err_set(err, WW_ECONFIG, "wsus.upstream: host or "
				  "port out of range");
	snprintf(url, sizeof(url), "%s://%s:%" PRId64 "%s",
		 ssl ? "https" : "http", bracket(host, hb, sizeof(hb)), port,
		 SYNC_PATH);
	r = ww_endpoint_targets_add(t, "upstream_sync", url,
				    WW_TARGET_UPSTREAM_SYNC, err);
	if (r)
		return r;
	if (!ww_endpoint_selfupdate_port(cfg))
		return 0; /* diagnose and the service say why (selfupdate_port) */
	snprintf(url, sizeof(url), "http://%s:%" PRId64 "%s",
		 bracket(host, hb, sizeof(hb)), ww_endpoint_selfupdate_port(cfg),
		 SELFUPDATE_PATH);
	return ww_endpoint_targets_add(t, "upstream_selfupdate", url,
				       WW_TARGET_UPSTREAM_SELFUPDATE, err);
}

static bool wanted(enum ww_tristate mode, bool automatic)
{
	return mode == WW_ON || (mode == WW_AUTO && automatic);
}

const char *const ww_endpoint_domain_urls[] = {
	"http://windowsupdate.microsoft.com/",
	"http://download.windowsupdate.com/",
	"https://download.microsoft.com/",
	"http://wustat.windows.com/",
	"http://ntservicepack.microsoft.com/",
	"http://go.microsoft.com/",
	"http://dl.delivery.mp.microsoft.com/",
	"https://dl.delivery.mp.microsoft.com/",
	NULL
};

/*
 * auto: on a WSUS server (its settings were read: a workstation running
 * `wsuswatch probe` does not probe Microsoft's CDN) that gets anything
 * from Microsoft Update itself.
 */
bool ww_endpoint_domains_wanted(const struct ww_config *cfg)
{
	const struct ww_wsus_facts *f = &cfg->discovery.wsus;
	bool has_upstream = cfg->wsus.upstream.host && *cfg->wsus.upstream.host;
	bool from_mu = (!has_upstream && f->replica != WW_FACT3_YES) ||
		       f->content_from_mu == WW_FACT3_YES;
	/* The source is known only when SUSDB was read: never a guess. */
	bool wsus_here = cfg->discovery.code == 0 &&
			 cfg->discovery.susdb_code == 0 &&
			 cfg->discovery.server[0];

	return !cfg->wsus.disconnected &&
	       wanted(cfg->probes.domains, from_mu && wsus_here);
}

/* "domain:http://go.microsoft.com": one target per URL of the list. */
static int add_domains(struct ww_endpoint_targets *t, struct ww_err *err)
{
	char name[WW_PROBE_NAME_MAX];
	size_t i;
	int r = 0;

	for (i = 0; !r && ww_endpoint_domain_urls[i]; i++) {
		const char *u = ww_endpoint_domain_urls[i];

		snprintf(name, sizeof(name), "%s%.*s", WW_DOMAIN_TARGET_PREFIX,
			 (int)(strlen(u) - 1), u);
		r = ww_endpoint_targets_add(t, name, u, WW_TARGET_DOMAIN, err);
	}
	return r;
}

void ww_endpoint_local_ports(const struct ww_config *cfg, int64_t *http,
			     int64_t *https)
{
	int64_t p = cfg->wsus.server.port;

	*http = p;
	*https = p == 80 ? 443 : p > 0 && p < 65535 ? p + 1 : 0;
	if (cfg->wsus.server.ssl && (p == 8531 || p == 443)) {
		*http = p == 8531 ? 8530 : 80;
		*https = p;
	}
	if (p <= 0)
		*http = *https = 0;
}

/*
 * This server as its clients see it (docs/probes.md, "This server's own
 * endpoints"): SelfUpdate and the Content virtual root over plain HTTP,
 * which must never require SSL, and with SSL on the HTTPS binding, whose
 * certificate must name the host clients use.  Never through the proxy
 * (ww_endpoint_probe: WW_TARGET_LOCAL goes direct).
 */
static int add_local(struct ww_endpoint_targets *t, const struct ww_config *cfg,
		     struct ww_err *err)
{
	static const struct {
		const char *name, *path;
		bool https;
	} paths[] = {
		{ WW_LOCAL_TARGET_PREFIX "selfupdate", SELFUPDATE_PATH, false },
		{ WW_LOCAL_TARGET_PREFIX "content", "/Content/", false },
		{ WW_LOCAL_TARGET_PREFIX "https",
		  "/ClientWebService/client.asmx", true },
	};
	char fqdn[256], hb[300], url[WW_PROBE_URL_MAX];
	const char *host = cfg->wsus.server.host;
	int64_t http, https;
	size_t i;
	int r = 0;

	ww_endpoint_local_ports(cfg, &http, &https);
	if (!http)
		return ww_err_set(err, WW_ECONFIG, "probes.local is on but "
				  "wsus.server.port is not set");
	if (!host || !*host) {
		if (ww_os_fqdn(fqdn, sizeof(fqdn)))
			ww_strlcpy(fqdn, "localhost", sizeof(fqdn));
		host = fqdn;
	}
	if (!ww_host_name_ok(host))
		return ww_err_set(err, WW_ECONFIG, "wsus.server.host: '%.64s' is "
				  "not a host name or IP address (letters, "
				  "digits, '.', '-', ':', at most 255)", host);
	for (i = 0; !r && i < WW_ARRAY_SIZE(paths); i++) {
		/* No SSL, or no port beside 65535 to take it. */
		if (paths[i].https && (!cfg->wsus.server.ssl || !https))
			continue;
		snprintf(url, sizeof(url), "%s://%s:%" PRId64 "%s",
			 paths[i].https ? "https" : "http",
			 bracket(host, hb, sizeof(hb)),
			 paths[i].https ? https : http, paths[i].path);
		r = ww_endpoint_targets_add(t, paths[i].name, url,
					    WW_TARGET_LOCAL, err);
	}
	return r;
}

static int build(struct ww_endpoint_targets *t, const struct ww_config *cfg,
		 struct ww_err *err)
{
	bool has_upstream = cfg->wsus.upstream.host && *cfg->wsus.upstream.host;
	size_t i;
	int r = 0;

	/* A disconnected server has no sync path to probe (auto: off). */
	if (wanted(cfg->probes.microsoft_update,
		   !has_upstream && !cfg->wsus.disconnected))
		r = add_microsoft_update(t, cfg, err);
	if (!r && wanted(cfg->probes.upstream,
			 has_upstream && !cfg->wsus.disconnected))
		r = add_upstream(t, cfg, err);
	for (i = 0; !r && i < cfg->probes.extra_urls.n; i++)
		r = ww_endpoint_targets_add(t, "extra",
					    cfg->probes.extra_urls.items[i],
					    WW_TARGET_EXTRA, err);
	if (!r && ww_endpoint_domains_wanted(cfg))
		r = add_domains(t, err);
	if (!r && wanted(cfg->probes.local, cfg->wsus.server.port > 0))
		r = add_local(t, cfg, err);
	return r;
}

int ww_endpoint_targets_from_config(const struct ww_config *cfg,
				    struct ww_endpoint_targets *ret,
				    struct ww_err *err)
{
	struct ww_endpoint_targets t = { NULL, 0 };
	int r = build(&t, cfg, err);

	if (r) {
		ww_endpoint_targets_release(&t);
		return r;
	}
	ww_endpoint_targets_release(ret);
	*ret = t;
	return 0;
}
