/*
 * diag_build.c - judge what diagnose gathered (pure: data + now in,
 * report out; no I/O, no clock).
 *
 * The verdict comes from the same health rules `check` and the service
 * alert on (health.c), fed with this pass's observations instead of the
 * store, so the three agree.  Two deliberate differences, both because a
 * diagnose is one pass rather than a history:
 *   - a probe that fails now is judged with probe_failures = 1 (the
 *     service waits for consecutive failures to avoid flapping alerts; an
 *     administrator running diagnose wants to see the failure);
 *   - checks that only diagnose can make (configuration consistency,
 *     host TLS registry, log findings since the last success) count
 *     toward the verdict when they are warning or critical.  Unknown items
 *     never make the verdict worse than the rules do: "cannot see" is
 *     reported, not guessed.
 */
#include "compat.h"

#include "config_keys.h"
#include "diagnose.h"
#include "tail.h"
#include "util.h"

#define HINT_MUURL_FIX \
	"Set MUUrl https://sws.update.microsoft.com and RedirectorChangeNumber " \
	"4002: $c=(Get-WsusServer).GetConfiguration(); " \
	"$c.MUUrl='https://sws.update.microsoft.com'; " \
	"$c.RedirectorChangeNumber=4002; $c.Save()"
#define HINT_PORT_SSL \
	"WSUS 6.2+ serves HTTP on 8530 and HTTPS on 8531: make 'Use SSL' in " \
	"Options > Update Source and Proxy Server match the port (and " \
	"wsus.upstream in this configuration)"
#define HINT_LOG_MISSING \
	"WSUS writes %ProgramFiles%\\Update Services\\LogFiles\\" \
	"SoftwareDistribution.log: run diagnose on the WSUS server, set " \
	"wsus.log, or pass --log with a copy"
#define HINT_STALE \
	"Open the WSUS console > Synchronizations for the last error; the " \
	"log findings and network probes above name the likely cause"

const char *ww_diag_state_name(enum ww_diag_state s)
{
	return s == WW_DIAG_SKIPPED ? "skipped" :
					ww_state_name((enum ww_state)s);
}

static const char *const group_names[WW_DIAG_GROUP_COUNT] = {
	"Configuration", "Host TLS configuration", "Network path", "WSUS log",
	"Event log", "Verdict"
};

static struct ww_diag_item *item(struct ww_diag_report *r, int g,
				 const char *name, enum ww_diag_state st)
{
	struct ww_diag_group *grp = &r->groups[g];
	struct ww_diag_item *it;

	if (grp->n >= WW_DIAG_ITEMS_MAX)
		it = &grp->items[WW_DIAG_ITEMS_MAX - 1]; /* overwrite the last */
	else
		it = &grp->items[grp->n++];
	memset(it, 0, sizeof(*it));
	ww_strlcpy(it->name, name, sizeof(it->name));
	it->state = st;
	it->counts = true;
	return it;
}

static void WW_PRINTF(2, 3) say(char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, WW_DIAG_TEXT_MAX, fmt, ap);
	va_end(ap);
}

static void set_hint(struct ww_diag_item *it, const char *hint)
{
	ww_strlcpy(it->hint, hint ? hint : "", sizeof(it->hint));
}

static enum ww_diag_state from_check(const struct ww_check_result *c)
{
	return c ? (enum ww_diag_state)c->state : WW_DIAG_UNKNOWN;
}

/* scheme://host[:port] of a URL, without userinfo or path. */
static void url_site(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://"), *host, *end, *at;

	host = p ? p + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	snprintf(buf, size, "%.*s%.*s", p ? (int)(p + 3 - url) : 0, url,
		 (int)(end - host), host);
}

/* ---- health input from this pass ---- */

/*
 * Events 384/386 after the log: the newest result is the last attempt
 * when it is newer than the log's; failures after the last success are
 * counted per source and the larger count taken, as the service does
 * (health_gather.c), because the log and the event log report the same
 * attempts.
 */
static void input_sync_events(const struct ww_diag_events *e,
			      bool log_runs, struct ww_health_input *in)
{
	int64_t n = 0;
	size_t i;

	if (e->last_result_at != WW_TIME_UNKNOWN &&
	    (!in->have_attempt || e->last_result_at > in->last_attempt)) {
		in->have_attempt = true;
		in->last_attempt = e->last_result_at;
		ww_strlcpy(in->last_result, ww_sync_result_name(
			   e->last_result_failed ? WW_SYNC_FAILED :
			   WW_SYNC_SUCCEEDED), sizeof(in->last_result));
	}
	for (i = 0; i < e->n_failed; i++) {
		if (!in->have_success || e->failed_at[i] > in->last_success)
			n++;
		/* Without runs from the log, the events are the history: it
		 * starts at the oldest attempt they report. */
		if (log_runs)
			continue;
		if (!in->sync_runs || e->failed_at[i] < in->first_observed)
			in->first_observed = e->failed_at[i];
		in->sync_runs++;
	}
	if (n > in->consecutive_failures)
		in->consecutive_failures = n;
}

static void input_sync(const struct ww_diag_data *d, struct ww_health_input *in)
{
	const struct ww_sync_run_list *l = &d->log.runs;
	int64_t ok = ww_sync_run_list_last_success(l);
	size_t i;

	if (d->events.last_success != WW_TIME_UNKNOWN &&
	    (ok == WW_TIME_UNKNOWN || d->events.last_success > ok))
		ok = d->events.last_success;
	in->have_success = ok != WW_TIME_UNKNOWN;
	in->last_success = in->have_success ? ok : 0;
	in->sync_runs = (int64_t)l->n + (in->have_success && !l->n);
	for (i = 0; i < l->n; i++) {
		const struct ww_sync_run *r = &l->runs[i];
		int64_t start = r->started_at != WW_TIME_UNKNOWN ?
					r->started_at : r->finished_at;
		int64_t end = r->finished_at != WW_TIME_UNKNOWN ?
				      r->finished_at : start;

		if (i == 0 || start < in->first_observed)
			in->first_observed = start;
		if (!in->have_attempt || start >= in->last_attempt) {
			in->have_attempt = true;
			in->last_attempt = start;
			ww_strlcpy(in->last_result,
				   ww_sync_result_name(r->result),
				   sizeof(in->last_result));
		}
		if (r->result == WW_SYNC_FAILED &&
		    (!in->have_success || end > in->last_success))
			in->consecutive_failures++;
	}
	if (!l->n && in->have_success)
		in->first_observed = in->last_success;
	input_sync_events(&d->events, l->n > 0, in);
}

static void input_target(const struct ww_probe_result *p,
			 struct ww_health_target *t)
{
	memset(t, 0, sizeof(*t));
	ww_strlcpy(t->name, p->target, sizeof(t->name));
	ww_strlcpy(t->url, p->url, sizeof(t->url));
	t->at = p->at;
	t->ok = p->ok;
	ww_strlcpy(t->stage, p->ok ? "" : ww_probe_stage_name(p->stage),
		   sizeof(t->stage));
	ww_strlcpy(t->result, ww_probe_res_name(p->result), sizeof(t->result));
	t->consecutive_failures = p->ok ? 0 : 1;
	t->elapsed_ms = p->elapsed_ms;
	t->have_cert = p->cert_not_after != WW_PROBE_UNKNOWN;
	t->cert_not_after = t->have_cert ? p->cert_not_after : 0;
	t->have_skew = p->clock_skew != WW_PROBE_UNKNOWN;
	t->clock_skew = t->have_skew ? p->clock_skew : 0;
	t->skew_at = p->at;
}

static void input_sources(const struct ww_diag_data *d,
			  struct ww_health_input *in)
{
	struct ww_health_source *log = &in->sources[WW_SOURCE_LOG];
	struct ww_health_source *ev = &in->sources[WW_SOURCE_EVENTLOG];

	/* A log that does not exist is "cannot see", not a failing source. */
	log->known = d->log.avail == WW_DIAG_AVAILABLE ||
		     d->log.avail == WW_DIAG_UNAVAILABLE;
	log->ok = d->log.avail == WW_DIAG_AVAILABLE;
	ww_strlcpy(log->error, d->log.error, sizeof(log->error));
	ev->known = d->events.avail == WW_DIAG_AVAILABLE ||
		    d->events.avail == WW_DIAG_UNAVAILABLE;
	ev->ok = d->events.avail == WW_DIAG_AVAILABLE;
	ww_strlcpy(ev->error, d->events.error, sizeof(ev->error));
}

static void build_input(const struct ww_diag_data *d,
			struct ww_health_input *in)
{
	const struct ww_config *cfg = d->cfg;
	size_t i;

	ww_health_input_init(in);
	ww_health_thresholds_from_config(&in->th, cfg);
	in->th.probe_failures = 1; /* one pass: see the top of this file */
	in->from_upstream = cfg->wsus.upstream.host &&
			    cfg->wsus.upstream.host[0];
	ww_strlcpy(in->upstream, in->from_upstream ? cfg->wsus.upstream.host :
		   "", sizeof(in->upstream));
	ww_strlcpy(in->muurl, cfg->wsus.muurl ? cfg->wsus.muurl : "",
		   sizeof(in->muurl));
	input_sync(d, in);
	in->have_wsus_event = d->events.have_catalog;
	in->wsus_event_id = d->events.catalog_id;
	in->wsus_event_at = d->events.catalog_at;
	for (i = 0; i < d->n_probes && i < WW_HEALTH_MAX_TARGETS; i++)
		input_target(&d->probes[i], &in->targets[in->ntargets++]);
	input_sources(d, in);
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

static void config_source(const struct ww_diag_data *d,
			  struct ww_diag_report *r)
{
	const struct ww_config *cfg = d->cfg;
	const char *key = r->in.from_upstream ? "wsus.upstream.port" :
						"wsus.muurl";
	enum ww_config_origin host = ww_config_origin_of(cfg,
							 "wsus.upstream.host");
	bool known = d->from_file || host != WW_ORIGIN_DEFAULT;
	char o_host[160], o_url[160];
	struct ww_diag_item *it;

	it = item(r, WW_DIAG_CONFIGURATION, "sync_source",
		  known ? WW_DIAG_OK : WW_DIAG_UNKNOWN);
	if (r->in.from_upstream)
		say(it->summary, "synchronizes from the upstream WSUS server "
		    "%s, port %" PRId64 " (%s)", cfg->wsus.upstream.host,
		    cfg->wsus.upstream.port, cfg->wsus.upstream.ssl ? "https" :
		    "http");
	else
		say(it->summary, "synchronizes from Microsoft Update at %s",
		    cfg->wsus.muurl ? cfg->wsus.muurl : "(no MUUrl)");
	origin_text(cfg, "wsus.upstream.host", o_host, sizeof(o_host));
	origin_text(cfg, key, o_url, sizeof(o_url));
	say(it->evidence, "wsus.upstream.host from %s; %s from %s", o_host,
	    key, o_url);
	if (known)
		return;
	ww_strlcpy(it->summary + strlen(it->summary),
		   " - assumed: built-in defaults, nothing configured or "
		   "discovered", sizeof(it->summary) - strlen(it->summary));
	set_hint(it, "Run diagnose on the WSUS server as LocalSystem (so "
		 "WSUS's own settings can be read), or describe its sync "
		 "source in a configuration file (wsus.muurl or "
		 "wsus.upstream) and run diagnose --config FILE");
}

#define HINT_DISCOVERY \
	"Run wsuswatch as LocalSystem (the service's account) or an account " \
	"with read access to SUSDB; check by hand with sqlcmd " \
	"(docs/discovery.md)"

/* Whether and how WSUS's own settings were read (wsus.discover). */
static void config_discovery(const struct ww_diag_data *d,
			     struct ww_diag_report *r)
{
	const struct ww_config_discovery *st = &d->cfg->discovery;
	struct ww_diag_item *it;

	if (st->code == WW_ESTATE || st->code == WW_EUNAVAIL ||
	    st->code == WW_ENOENT) {
		it = item(r, WW_DIAG_CONFIGURATION, "discovery", WW_DIAG_SKIPPED);
		say(it->summary, "%s", st->msg);
		return;
	}
	if (st->code) {
		it = item(r, WW_DIAG_CONFIGURATION, "discovery", WW_DIAG_UNKNOWN);
		say(it->summary, "WSUS's registry settings could not be read: %s",
		    st->msg);
		set_hint(it, HINT_DISCOVERY);
		return;
	}
	it = item(r, WW_DIAG_CONFIGURATION, "discovery",
		  st->susdb_code ? WW_DIAG_UNKNOWN : WW_DIAG_OK);
	if (st->susdb_code) {
		say(it->summary, "%s", st->susdb_msg);
		set_hint(it, HINT_DISCOVERY);
	} else {
		say(it->summary, "read the registry and SUSDB: %zu key%s "
		    "discovered", st->applied, st->applied == 1 ? "" : "s");
	}
	say(it->evidence, "this WSUS server: %s%s%s", st->server,
	    st->rejected[0] ? "; not taken: " : "", st->rejected);
}

/* Where the values came from: file, discovered, default. */
static void config_origins(const struct ww_diag_data *d,
			   struct ww_diag_report *r)
{
	const struct ww_config *cfg = d->cfg;
	size_t i, n[3] = { 0, 0, 0 }, len = 0;
	struct ww_diag_item *it;

	it = item(r, WW_DIAG_CONFIGURATION, "value_sources", WW_DIAG_OK);
	for (i = 0; i < ww_config_nkeys; i++) {
		unsigned o = cfg->origin[i];

		n[o < 3 ? o : 0]++;
		if (o == WW_ORIGIN_DEFAULT || len >= WW_DIAG_TEXT_MAX - 1)
			continue;
		len += (size_t)snprintf(it->evidence + len, WW_DIAG_TEXT_MAX - len,
					"%s%s (%s)", len ? "; " : "",
					ww_config_keys[i].name,
					o == WW_ORIGIN_FILE ? "file" :
					cfg->origin_source[i] ?
					cfg->origin_source[i] : "discovered");
	}
	say(it->summary, "%zu from the file, %zu discovered from WSUS, %zu "
	    "defaults", n[WW_ORIGIN_FILE], n[WW_ORIGIN_DISCOVERED],
	    n[WW_ORIGIN_DEFAULT]);
}

static void config_muurl(const struct ww_diag_data *d,
			 struct ww_diag_report *r)
{
	const struct ww_check_result *c = ww_health_find(&r->health,
							 "muurl_policy");
	struct ww_diag_item *it;
	char from[160];

	if (r->in.from_upstream) {
		it = item(r, WW_DIAG_CONFIGURATION, "muurl_policy",
			  WW_DIAG_SKIPPED);
		say(it->summary, "not used: the server syncs from an upstream "
		    "WSUS server");
		return;
	}
	it = item(r, WW_DIAG_CONFIGURATION, "muurl_policy", from_check(c));
	say(it->summary, "%s", c ? c->reason : "MUUrl could not be judged");
	origin_text(d->cfg, "wsus.muurl", from, sizeof(from));
	say(it->evidence, "wsus.muurl: %s (%s)", d->cfg->wsus.muurl ?
	    d->cfg->wsus.muurl : "(none)", from);
	if (it->state != WW_DIAG_OK)
		set_hint(it, HINT_MUURL_FIX);
}

/* State of a port / SSL pair: ok, warning (mismatch) or unknown. */
static enum ww_diag_state port_ssl_state(int64_t port, bool ssl)
{
	if (port == 8530 || port == 80)
		return ssl ? WW_DIAG_WARNING : WW_DIAG_OK;
	if (port == 8531 || port == 443)
		return ssl ? WW_DIAG_OK : WW_DIAG_WARNING;
	return WW_DIAG_UNKNOWN;
}

static void config_port_ssl(const struct ww_diag_data *d,
			    struct ww_diag_report *r)
{
	int64_t port = d->cfg->wsus.upstream.port;
	bool ssl = d->cfg->wsus.upstream.ssl;
	struct ww_diag_item *it;

	if (!r->in.from_upstream) {
		it = item(r, WW_DIAG_CONFIGURATION, "upstream_port_ssl",
			  WW_DIAG_SKIPPED);
		say(it->summary, "no upstream WSUS server configured");
		return;
	}
	it = item(r, WW_DIAG_CONFIGURATION, "upstream_port_ssl",
		  port_ssl_state(port, ssl));
	say(it->evidence, "wsus.upstream: port %" PRId64 ", ssl %s", port,
	    ssl ? "true" : "false");
	if (it->state == WW_DIAG_OK) {
		say(it->summary, "port %" PRId64 " with %s is consistent", port,
		    ssl ? "SSL" : "plain HTTP");
		return;
	}
	set_hint(it, HINT_PORT_SSL);
	if (it->state == WW_DIAG_WARNING)
		say(it->summary, "port %" PRId64 " is the %s port but SSL is %s: "
		    "a classic cause of failed downstream syncs", port,
		    ssl ? "HTTP" : "HTTPS", ssl ? "on" : "off");
	else
		say(it->summary, "custom port %" PRId64 " with SSL %s: cannot "
		    "tell whether they match (the probe of the upstream does)",
		    port, ssl ? "on" : "off");
}

static void config_proxy(const struct ww_diag_data *d,
			 struct ww_diag_report *r)
{
	const struct ww_config *cfg = d->cfg;
	bool has_src = cfg->proxy.password_env || cfg->proxy.password_credential;
	char site[WW_DIAG_TEXT_MAX / 2], ssl_site[WW_DIAG_TEXT_MAX / 2] = "";
	struct ww_diag_item *it;

	if (!cfg->proxy.url && !cfg->proxy.ssl_url) {
		it = item(r, WW_DIAG_CONFIGURATION, "proxy", WW_DIAG_OK);
		say(it->summary, "no proxy configured: direct connections");
		return;
	}
	url_site(cfg->proxy.url ? cfg->proxy.url : cfg->proxy.ssl_url, site,
		 sizeof(site));
	if (cfg->proxy.ssl_url)
		url_site(cfg->proxy.ssl_url, ssl_site, sizeof(ssl_site));
	it = item(r, WW_DIAG_CONFIGURATION, "proxy", WW_DIAG_OK);
	say(it->evidence, "proxy %s%s%s; user %s%s; password from %s %s", site,
	    ssl_site[0] ? ", https proxy " : "", ssl_site,
	    cfg->proxy.user ? cfg->proxy.user :
	    d->proxy_credential_user[0] ? d->proxy_credential_user : "(none)",
	    !cfg->proxy.user && d->proxy_credential_user[0] ?
	    " (from the credential)" : "",
	    cfg->proxy.password_env ? "environment variable" :
	    cfg->proxy.password_credential ? "credential" : "(nowhere)",
	    cfg->proxy.password_env ? cfg->proxy.password_env :
	    cfg->proxy.password_credential ? cfg->proxy.password_credential :
	    "");
	if (cfg->proxy.user && !has_src) {
		it->state = WW_DIAG_WARNING;
		say(it->summary, "proxy user %s has no password source",
		    cfg->proxy.user);
		set_hint(it, "Set proxy.password_env or proxy.password_credential "
			 "(WSUS keeps the proxy password in its own settings)");
	} else if (has_src && !d->proxy_password_ok) {
		it->state = WW_DIAG_CRITICAL;
		say(it->summary, "the proxy password cannot be resolved: %s",
		    d->proxy_password_error);
		set_hint(it, "Provide the password where the configuration says "
			 "(an expired proxy password is a major cause of sync "
			 "failures)");
	} else {
		say(it->summary, "proxy %s%s", site, has_src ?
		    ", password resolved (not shown)" : ", no authentication");
	}
}

static void config_tls(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	const char *v = d->cfg->tls.min_version ? d->cfg->tls.min_version :
						  "1.2";
	bool v13 = strcmp(v, "1.3") == 0;
	struct ww_diag_item *it = item(r, WW_DIAG_CONFIGURATION, "tls_minimum",
				       v13 && !r->in.from_upstream ?
				       WW_DIAG_WARNING : WW_DIAG_OK);

	say(it->evidence, "tls.min_version %s; tls.cacert %s", v,
	    d->cfg->tls.cacert ? d->cfg->tls.cacert : "(system store)");
	if (it->state == WW_DIAG_OK) {
		say(it->summary, "probes require TLS %s or later", v);
		return;
	}
	say(it->summary, "probes require TLS 1.3, but Microsoft Update "
	    "(sws.update.microsoft.com) offers TLS 1.2: probes fail where WSUS "
	    "would succeed");
	set_hint(it, "Set tls.min_version: \"1.2\"");
}

/* ---- 2. host TLS ---- */

static void host_tls(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	struct ww_hostcfg_expect e;
	struct ww_hostcfg_report hr;
	struct ww_diag_item *it;
	size_t i;

	if (d->host_avail != WW_DIAG_AVAILABLE) {
		it = item(r, WW_DIAG_HOST_TLS, "registry",
			  d->host_avail == WW_DIAG_NOT_HERE ? WW_DIAG_SKIPPED :
							     WW_DIAG_UNKNOWN);
		say(it->summary, "%s", d->host_error);
		return;
	}
	e.from_upstream = r->in.from_upstream;
	e.upstream_port = d->cfg->wsus.upstream.port;
	e.upstream_ssl = d->cfg->wsus.upstream.ssl;
	ww_hostcfg_evaluate(&d->host, &e, &hr);
	for (i = 0; i < hr.n; i++) {
		const struct ww_hostcfg_item *h = &hr.items[i];

		it = item(r, WW_DIAG_HOST_TLS, h->name,
			  (enum ww_diag_state)h->state);
		/* Without WSUS here the settings describe some other host. */
		it->counts = d->host.wsus_installed;
		if (h->finding)
			say(it->summary, "%s: %s", h->finding, h->summary);
		else
			say(it->summary, "%s", h->summary);
		say(it->evidence, "%s", h->evidence);
		set_hint(it, h->hint);
	}
}

/* ---- 3. network path ---- */

/* "dns 3 ms, connect 5 ms, ..." for the stages that were reached. */
static void timings(const struct ww_probe_result *p, char *buf)
{
	const struct { const char *name; int64_t us; } t[] = {
		{ "dns", p->timings.dns }, { "connect", p->timings.connect },
		{ "tls", p->timings.tls }, { "first byte", p->timings.first_byte },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < WW_ARRAY_SIZE(t); i++)
		if (t[i].us >= 0)
			n += (size_t)snprintf(buf + n, WW_DIAG_TEXT_MAX - n,
					      "%s%s %.1f ms", n ? ", " : "",
					      t[i].name, (double)t[i].us / 1000.0);
	snprintf(buf + n, WW_DIAG_TEXT_MAX - n, "%stotal %" PRId64 " ms",
		 n ? ", " : "", p->elapsed_ms);
}

static void probe_item(const struct ww_probe_result *p,
		       struct ww_diag_report *r)
{
	struct ww_diag_item *it = item(r, WW_DIAG_NETWORK, p->target,
				       p->ok ? WW_DIAG_OK : WW_DIAG_CRITICAL);
	char code[16] = "", cert[48] = "";

	if (p->wu_code)
		snprintf(code, sizeof(code), " (0x%08" PRIX32 ")", p->wu_code);
	if (p->cert_days_left != WW_PROBE_UNKNOWN)
		snprintf(cert, sizeof(cert), ", cert %" PRId64 " days left",
			 p->cert_days_left);
	if (p->ok)
		say(it->summary, "%s: ok, http %ld%s%s, %" PRId64 " ms", p->url,
		    p->http_status, p->tls_version[0] ? ", " : "",
		    p->tls_version, p->elapsed_ms);
	else
		say(it->summary, "%s: %s at stage %s%s", p->url,
		    ww_probe_res_name(p->result), ww_probe_stage_name(p->stage),
		    code);
	timings(p, it->evidence);
	if (cert[0] || p->detail[0])
		snprintf(it->evidence + strlen(it->evidence),
			 WW_DIAG_TEXT_MAX - strlen(it->evidence), "%s%s%s",
			 cert, p->detail[0] ? "; " : "", p->detail);
	set_hint(it, p->hint);
}

static void network(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	struct ww_diag_item *it;
	size_t i;

	if (d->probes_avail != WW_DIAG_AVAILABLE || !d->n_probes) {
		it = item(r, WW_DIAG_NETWORK, "probes",
			  d->probes_avail == WW_DIAG_NOT_RUN ? WW_DIAG_SKIPPED :
							      WW_DIAG_UNKNOWN);
		say(it->summary, "%s", d->probes_error[0] ? d->probes_error :
		    "no probe target configured: the sync path is not tested");
		if (it->state == WW_DIAG_UNKNOWN)
			set_hint(it, "Turn on probes.microsoft_update or "
				 "probes.upstream, or add probes.extra_urls");
		return;
	}
	for (i = 0; i < d->n_probes; i++)
		probe_item(&d->probes[i], r);
	for (i = 0; i < r->health.n; i++) {
		const struct ww_check_result *c = &r->health.checks[i];

		if (strcmp(c->check, "cert_expiry") && strcmp(c->check,
							      "clock_skew"))
			continue;
		it = item(r, WW_DIAG_NETWORK, c->key, from_check(c));
		say(it->summary, "%s", c->reason);
		if (c->threshold[0])
			say(it->evidence, "%s", c->threshold);
	}
}

/* ---- 4. WSUS log ---- */

static void log_file(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	const struct ww_diag_log *l = &d->log;
	struct ww_diag_item *it;

	if (l->avail == WW_DIAG_NOT_HERE || l->avail == WW_DIAG_NOT_RUN) {
		it = item(r, WW_DIAG_LOG, "log_file", WW_DIAG_UNKNOWN);
		say(it->summary, "no WSUS log at %s (nor %s.old): sync history "
		    "cannot be seen", l->path ? l->path : "(none)",
		    l->path ? l->path : "");
		set_hint(it, HINT_LOG_MISSING);
		return;
	}
	if (l->avail == WW_DIAG_UNAVAILABLE) {
		it = item(r, WW_DIAG_LOG, "log_file", WW_DIAG_WARNING);
		say(it->summary, "the WSUS log cannot be read: %s", l->error);
		set_hint(it, "Run diagnose as an administrator, or check the "
			 "file's permissions");
		return;
	}
	it = item(r, WW_DIAG_LOG, "log_file", WW_DIAG_OK);
	say(it->summary, "%s: %" PRIu64 " records, %zu sync runs in the last "
	    "%" PRIu64 " KiB read", l->path, l->stats.records, l->runs.n,
	    l->stats.bytes / 1024);
	say(it->evidence, ".old: %s%s, log: %" PRIu64 " bytes from offset %"
	    PRIu64 "; %" PRIu64 " malformed lines",
	    l->files[0].present ? "present" : "absent",
	    l->files[0].present && l->files[0].offset < l->files[0].size ?
	    " (tail read)" : "", l->files[1].size, l->files[1].offset,
	    l->stats.malformed);
}

static void iso_or(int64_t t, char buf[WW_ISO_TIME_LEN], const char *none)
{
	if (t == WW_TIME_UNKNOWN)
		ww_strlcpy(buf, none, WW_ISO_TIME_LEN);
	else
		ww_time_format_iso(t, buf);
}

static void log_sync(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	const struct ww_check_result *c;
	struct ww_diag_item *it;
	char a[WW_ISO_TIME_LEN], s[WW_ISO_TIME_LEN];

	c = ww_health_find(&r->health, "sync_staleness");
	it = item(r, WW_DIAG_LOG, "last_successful_sync", from_check(c));
	say(it->summary, "%s", c ? c->reason : "not evaluated");
	iso_or(r->in.have_attempt ? r->in.last_attempt : WW_TIME_UNKNOWN, a,
	       "none");
	iso_or(r->in.have_success ? r->in.last_success : WW_TIME_UNKNOWN, s,
	       "none");
	say(it->evidence, "last attempt %s (%s), last success %s; %s",
	    a, r->in.have_attempt ? r->in.last_result : "-", s,
	    c && c->threshold[0] ? c->threshold : "");
	if (it->state == WW_DIAG_WARNING || it->state == WW_DIAG_CRITICAL)
		set_hint(it, HINT_STALE);
	(void)d;
	c = ww_health_find(&r->health, "sync_failures");
	if (!c)
		return;
	it = item(r, WW_DIAG_LOG, "sync_failures", from_check(c));
	say(it->summary, "%s", c->reason);
	say(it->evidence, "%s", c->threshold);
	if (it->state != WW_DIAG_OK && it->state != WW_DIAG_UNKNOWN)
		set_hint(it, HINT_STALE);
}

static void log_findings(const struct ww_diag_data *d,
			 struct ww_diag_report *r)
{
	char f1[WW_ISO_TIME_LEN], f2[WW_ISO_TIME_LEN], ok[WW_ISO_TIME_LEN];
	int c;

	iso_or(r->in.have_success ? r->in.last_success : WW_TIME_UNKNOWN, ok,
	       "");
	for (c = 0; c < WW_CAT_COUNT; c++) {
		const struct ww_finding_summary *f = &d->log.findings[c];
		bool since = !r->in.have_success ||
			     f->last_seen > r->in.last_success;
		struct ww_diag_item *it;
		char name[WW_DIAG_NAME_MAX];

		if (!f->count)
			continue;
		snprintf(name, sizeof(name), "finding:%s",
			 ww_synclog_category_name((enum ww_synclog_category)c));
		it = item(r, WW_DIAG_LOG, name,
			  since ? WW_DIAG_WARNING : WW_DIAG_OK);
		iso_or(f->first_seen, f1, "?");
		iso_or(f->last_seen, f2, "?");
		if (since)
			say(it->summary, "%" PRIu64 " time(s), last at %s%s", f->count,
			    f2, r->in.have_success ? ", after the last successful "
			    "sync" : "");
		else
			say(it->summary, "%" PRIu64 " time(s), last at %s, before the "
			    "last successful sync (%s)", f->count, f2, ok);
		say(it->evidence, "%s .. %s, e.g. %s", f1, f2, f->example);
		set_hint(it, ww_synclog_category_hint(
				     (enum ww_synclog_category)c));
	}
}

/* ---- 5. event log ---- */

#define HINT_CATALOG \
	"Check the upstream server and proxy settings (Options > Update " \
	"Source and Proxy Server); the WSUS log and the network probes above " \
	"show why the last synchronization failed"
#define HINT_CONTENT \
	"WSUS could not download update files (event 364): check free space " \
	"and permissions of the content directory (ContentDir), and that the " \
	"upstream server or proxy answers HTTP Range requests, which BITS " \
	"needs (KB 922330); the event's message names the file"
#define HINT_SELF_CHECK \
	"Run 'wsusutil checkhealth' and read the events it writes; for the " \
	"content directory check its share and NTFS permissions, for a web " \
	"service that the 'WSUS Administration' site and the WsusPool " \
	"application pool are running in IIS"

/* Where the events came from: the export or the live window. */
static void events_where(const struct ww_diag_data *d, char *buf,
			 size_t size)
{
	const struct ww_diag_events *e = &d->events;

	if (e->file)
		snprintf(buf, size, "in the export");
	else
		snprintf(buf, size, "in the last %" PRId64 " days of the "
			 "Application log", (d->now - e->scan.since) / 86400);
}

static void events_read(const struct ww_diag_data *d, const char *where,
			struct ww_diag_report *r)
{
	const struct ww_diag_events *e = &d->events;
	struct ww_diag_item *it = item(r, WW_DIAG_EVENTLOG, "eventlog",
				       WW_DIAG_OK);
	char since[WW_ISO_TIME_LEN];

	say(it->summary, "%" PRIu64 " WSUS event(s) %s%s%s", e->count, where,
	    e->file ? " " : "", e->file ? e->file : "");
	if (e->scan.capped)
		say(it->summary, "the newest %" PRIu64 " WSUS events %s (more "
		    "in the window were not read)", e->count, where);
	if (e->file) {
		say(it->evidence, "%" PRIu64 " events in the file, %" PRIu64
		    " malformed%s%s", e->import.events, e->import.malformed,
		    e->import.note[0] ? "; " : "", e->import.note);
		return;
	}
	ww_time_format_iso(e->scan.since, since);
	say(it->evidence, "read newest first back to %s, at most %u events%s; "
	    "%" PRIu64 " could not be rendered", since, e->scan.max_events,
	    e->scan.capped ? " (reached)" : "", e->scan.unreadable);
}

static void catalog_item(const struct ww_diag_data *d, const char *where,
			 struct ww_diag_report *r)
{
	const struct ww_diag_events *e = &d->events;
	const struct ww_check_result *c;
	const struct ww_meaning_row *row;
	struct ww_diag_item *it;

	c = ww_health_find(&r->health, "wsus_health_events");
	it = item(r, WW_DIAG_EVENTLOG, "catalog_sync", from_check(c));
	if (!e->have_catalog) {
		say(it->summary, "%s %s", c ? c->reason : "no WSUS catalog "
		    "health event (10020-10022) seen", where);
		return;
	}
	say(it->summary, "%s", c ? c->reason : "not evaluated");
	row = ww_wsus_meaning((uint32_t)e->catalog_id);
	say(it->evidence, "event %d, record %" PRIu64 "; meaning %s (%s: "
	    "docs/events-input.md)", e->catalog_id, e->catalog_record,
	    row ? ww_meaning_name(row->meaning) : "other",
	    ww_confidence_name(row ? row->confidence : WW_CONF_UNCONFIRMED));
	if (it->state == WW_DIAG_WARNING || it->state == WW_DIAG_CRITICAL)
		set_hint(it, HINT_CATALOG);
}

static void content_item(const struct ww_diag_data *d, const char *where,
			 struct ww_diag_report *r)
{
	const struct ww_diag_evseen *s = &d->events.content;
	struct ww_diag_item *it;
	char last[WW_ISO_TIME_LEN];

	if (!s->count) {
		it = item(r, WW_DIAG_EVENTLOG, "content_download", WW_DIAG_OK);
		say(it->summary, "no content download failure (event 364) %s",
		    where);
		return;
	}
	it = item(r, WW_DIAG_EVENTLOG, "content_download", WW_DIAG_WARNING);
	ww_time_format_iso(s->last_at, last);
	say(it->summary, "%" PRIu64 " content download failure(s) (event 364) "
	    "%s, the last at %s", s->count, where, last);
	say(it->evidence, "newest: \"%s\"", s->example);
	set_hint(it, HINT_CONTENT);
}

/* "content directory (12072) 2x, Client Web Service (12022, unconfirmed) 1x" */
static void components(const struct ww_diag_events *e, char *buf,
		       size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < e->n_checks && n < size; i++) {
		const struct ww_meaning_row *row = ww_wsus_meaning(e->checks[i].id);
		const char *what = ww_wsus_component(e->checks[i].id);
		int k = snprintf(buf + n, size - n, "%s%s (%" PRIu32 "%s) %"
				 PRIu64 "x", i ? ", " : "",
				 what ? what : "unknown component",
				 e->checks[i].id,
				 row && row->confidence == WW_CONF_CONFIRMED ?
				 "" : ", unconfirmed", e->checks[i].count);

		if (k < 0)
			break;
		n += (size_t)k;
	}
}

static void self_check_item(const struct ww_diag_data *d, const char *where,
			    struct ww_diag_report *r)
{
	const struct ww_diag_evseen *s = &d->events.self_check;
	struct ww_diag_item *it;
	char last[WW_ISO_TIME_LEN], names[WW_DIAG_TEXT_MAX / 2];

	if (!s->count) {
		it = item(r, WW_DIAG_EVENTLOG, "self_check", WW_DIAG_OK);
		say(it->summary, "no WSUS self-check failure (events 12002-12072) "
		    "%s", where);
		return;
	}
	it = item(r, WW_DIAG_EVENTLOG, "self_check", WW_DIAG_WARNING);
	ww_time_format_iso(s->last_at, last);
	components(&d->events, names, sizeof(names));
	say(it->summary, "WSUS self-check failed %s: %s; the last at %s", where,
	    names, last);
	say(it->evidence, "newest, event %" PRIu32 ": \"%s\"; the events for "
	    "a component working again are not known, so a recovery since "
	    "cannot be seen", s->last_id, s->example);
	set_hint(it, HINT_SELF_CHECK);
}

static void eventlog(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	const struct ww_check_result *c;
	struct ww_diag_item *it;
	char where[WW_DIAG_TEXT_MAX / 2];

	if (d->events.avail == WW_DIAG_NOT_HERE) {
		it = item(r, WW_DIAG_EVENTLOG, "eventlog", WW_DIAG_SKIPPED);
		say(it->summary, "not available on this system: %s",
		    d->events.error);
		return;
	}
	if (d->events.avail != WW_DIAG_AVAILABLE) {
		c = ww_health_find(&r->health, "sources:eventlog");
		it = item(r, WW_DIAG_EVENTLOG, "eventlog", from_check(c));
		say(it->summary, "%s", d->events.error);
		set_hint(it, "Run diagnose as an administrator on the WSUS "
			 "server; check that the Windows Event Log service runs");
		return;
	}
	events_where(d, where, sizeof(where));
	events_read(d, where, r);
	catalog_item(d, where, r);
	content_item(d, where, r);
	self_check_item(d, where, r);
}

/* ---- 6. verdict ---- */

static void verdict_items(struct ww_diag_report *r)
{
	size_t i;

	for (i = 0; i < r->health.n; i++) {
		const struct ww_check_result *c = &r->health.checks[i];
		struct ww_diag_item *it = item(r, WW_DIAG_VERDICT, c->key,
					       from_check(c));

		it->counts = false; /* already in the rules' overall state */
		say(it->summary, "%s", c->reason);
		if (c->threshold[0])
			say(it->evidence, "value %s; %s", c->have_value ?
			    c->value : "none", c->threshold);
	}
}

static int fix_rank(enum ww_diag_state s)
{
	return s == WW_DIAG_CRITICAL ? 3 : s == WW_DIAG_WARNING ? 2 :
	       s == WW_DIAG_UNKNOWN ? 1 : 0;
}

/* Worst first, then in troubleshooting order (groups, then items). */
static void pick_fixes(struct ww_diag_report *r)
{
	int rank, g;
	size_t i;

	r->n_fix = 0;
	for (rank = 3; rank >= 1; rank--)
		for (g = 0; g < WW_DIAG_VERDICT; g++)
			for (i = 0; i < r->groups[g].n; i++) {
				const struct ww_diag_item *it =
					&r->groups[g].items[i];

				if (r->n_fix == WW_DIAG_FIX_MAX)
					return;
				if (fix_rank(it->state) != rank || !it->hint[0])
					continue;
				r->fix[r->n_fix].group = g;
				r->fix[r->n_fix].item = i;
				r->n_fix++;
			}
}

static void verdict(struct ww_diag_report *r)
{
	enum ww_state worst = r->health.overall;
	int g;
	size_t i;

	for (g = 0; g < WW_DIAG_VERDICT; g++)
		for (i = 0; i < r->groups[g].n; i++) {
			const struct ww_diag_item *it = &r->groups[g].items[i];
			enum ww_state s = (enum ww_state)it->state;

			if (!it->counts || (it->state != WW_DIAG_WARNING &&
					    it->state != WW_DIAG_CRITICAL))
				continue;
			if (ww_state_rank(s) > ww_state_rank(worst))
				worst = s;
		}
	r->verdict = (enum ww_diag_state)worst;
	verdict_items(r);
	pick_fixes(r);
}

void ww_diag_build(const struct ww_diag_data *d, struct ww_diag_report *r)
{
	int g;

	memset(r, 0, sizeof(*r));
	for (g = 0; g < WW_DIAG_GROUP_COUNT; g++)
		r->groups[g].name = group_names[g];
	build_input(d, &r->in);
	ww_health_evaluate(&r->in, d->now, &r->health);
	config_source(d, r);
	config_discovery(d, r);
	config_origins(d, r);
	config_muurl(d, r);
	config_port_ssl(d, r);
	config_proxy(d, r);
	config_tls(d, r);
	host_tls(d, r);
	network(d, r);
	log_file(d, r);
	log_sync(d, r);
	log_findings(d, r);
	eventlog(d, r);
	verdict(r);
}

void ww_diag_data_init(struct ww_diag_data *d, const struct ww_config *cfg,
		       int64_t now)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->now = now;
	d->log.path = cfg->wsus.log;
	d->log.chunk = ww_tail_initial_max(cfg->wsus.log_rollover);
	d->events.last_success = WW_TIME_UNKNOWN;
	d->events.last_result_at = WW_TIME_UNKNOWN;
	ww_sync_run_list_init(&d->log.runs, WW_DIAG_RUNS_MAX);
}

void ww_diag_data_release(struct ww_diag_data *d)
{
	free(d->probes);
	d->probes = NULL;
	d->n_probes = 0;
	ww_sync_run_list_release(&d->log.runs);
}
