/*
 * test_wsus_settings.c - WSUS's own proxy and hierarchy settings, the
 * pure path (issue 14, items 3 and 4): SUSDB rows as the ODBC edge hands
 * them over (ww_discovered_take_row) -> the configuration and its facts
 * (ww_config_apply_discovered) -> the facts of every face
 * (ww_health_seed) -> the engine's rows, with state, evidence and fix.
 * Under Wine the same rows come from a real ODBC driver (wine_susdb).
 */
#include "compat.h"

#include "config.h"
#include "discover.h"
#include "endpoint.h"
#include "os.h"
#include "health.h"
#include "util.h"
#include "ww_test.h"

#define H 3600
#define NOW ((int64_t)1800000000)

struct fx {
	struct ww_discovered d;
	struct ww_config cfg;
	struct ww_health_input in;
	struct ww_health_report rep;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ww_err err;

	ck_assert_ptr_nonnull(f);
	ww_discovered_init(&f->d);
	f->d.installed = true;
	ck_assert_msg(ww_config_init(&f->cfg, &err) == 0, "%s", err.msg);
	return f;
}

static void fx_free(struct fx *f)
{
	ww_config_release(&f->cfg);
	free(f);
}

static void row(struct fx *f, enum ww_disc_table t, const char *v0,
		const char *v1, const char *v2)
{
	const char *v[9] = { v0, v1, v2 };

	ww_discovered_take_row(&f->d, t, v);
}

/* tbConfigurationA: from MU or an upstream, with or without a proxy. */
static void row_a(struct fx *f, const char *upstream, const char *proxy,
		  const char *user)
{
	const char *v[9] = { upstream ? "0" : "1", upstream, "8531", "1",
			     proxy ? "1" : "0", proxy, "3128",
			     user ? "0" : "1", user };

	ww_discovered_take_row(&f->d, WW_DISC_TABLE_A, v);
	row(f, WW_DISC_TABLE_B, "https://sws.update.microsoft.com", NULL, NULL);
	row(f, WW_DISC_TABLE_C, "20971520", NULL, NULL);
}

/* Apply, seed as the monitor does (no secret, no host), evaluate. */
static void judge(struct fx *f)
{
	struct ww_err err;

	ck_assert_msg(ww_config_apply_discovered(&f->cfg, &f->d, &err) == 0,
		      "%s", err.msg);
	ww_health_input_init(&f->in);
	ww_health_seed(&f->in, &f->cfg, WW_SEED_FILES);
	f->in.sync_runs = 3;
	f->in.have_success = true;
	f->in.last_success = NOW - H;
	f->in.have_attempt = true;
	f->in.last_attempt = NOW - H - 600;
	f->in.first_observed = NOW - 100 * H;
	ww_health_evaluate(&f->in, NOW, &f->rep);
}

static const struct ww_check_result *get(const struct fx *f, const char *key)
{
	const struct ww_check_result *c = ww_health_find(&f->rep, key);

	ck_assert_msg(c != NULL, "no result for %s", key);
	return c;
}

#define HAS(s, sub) ck_assert_msg(strstr((s), (sub)) != NULL, \
				  "'%s' lacks '%s'", (s), (sub))

START_TEST(basic_over_cleartext_is_a_warning_with_its_fix)
{
	struct fx *f = fx_new();
	const struct ww_check_result *c;

	row_a(f, NULL, "proxy.corp.example", "svc-wsus");
	row(f, WW_DISC_BASIC, "1", NULL, NULL);
	row(f, WW_DISC_PROXY_PASSWORD, "1", NULL, NULL);
	judge(f);
	c = get(f, "proxy_basic");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "password of svc-wsus is sent in cleartext to the proxy "
		       "proxy.corp.example:3128");
	HAS(c->evidence, "AllowProxyCredentialsOverNonSsl = 1");
	HAS(c->fix, "Allow basic authentication");
	/* The monitor's verdict: warning, and this is what it names. */
	ck_assert_int_eq(f->rep.overall, WW_STATE_WARNING);
	ck_assert_ptr_eq(ww_health_headline(&f->rep), c);

	/* A password in the URL itself never reaches the evidence. */
	ck_assert_int_eq(ww_config_set(&f->cfg, "proxy.url",
				       "http://svc:S3cret@proxy.corp.example:3128",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "proxy_basic");
	ck_assert_ptr_null(strstr(c->evidence, "S3cret"));
	ck_assert_ptr_null(strstr(c->reason, "S3cret"));
	HAS(c->evidence, "proxy proxy.corp.example:3128");

	/* Not allowed: ok. */
	fx_free(f);
	f = fx_new();
	row_a(f, NULL, "proxy.corp.example", "svc-wsus");
	row(f, WW_DISC_BASIC, "0", NULL, NULL);
	judge(f);
	ck_assert_int_eq(get(f, "proxy_basic")->state, WW_STATE_OK);
	fx_free(f);
}
END_TEST

/* A cleartext password never explains a failed sync: a 407 does. */
START_TEST(basic_is_never_the_cause_of_a_stale_sync)
{
	struct fx *f = fx_new();
	struct ww_probe_summary *t;
	const struct ww_check_result *c;

	row_a(f, NULL, "proxy.corp.example", "svc-wsus");
	row(f, WW_DISC_BASIC, "1", NULL, NULL);
	judge(f);
	f->in.last_success = NOW - 60 * H;
	t = &f->in.targets[f->in.ntargets++];
	ww_strlcpy(t->name, "microsoft_update", sizeof(t->name));
	ww_strlcpy(t->url, "https://sws.update.microsoft.com", sizeof(t->url));
	ww_strlcpy(t->stage, "proxy", sizeof(t->stage));
	ww_strlcpy(t->result, "proxy_auth_required", sizeof(t->result));
	t->consecutive_failures = 3;
	t->at = NOW - 60;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = ww_health_cause_of(&f->rep, get(f, "sync_staleness"));
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->check, "endpoint");
	fx_free(f);
}
END_TEST

/* WSUS's password, no copy here: said once as information. */
START_TEST(password_without_copy_is_information)
{
	struct fx *f = fx_new();
	const struct ww_check_result *c;

	row_a(f, NULL, "proxy.corp.example", "svc-wsus");
	row(f, WW_DISC_PROXY_PASSWORD, "1", NULL, NULL);
	judge(f);
	c = get(f, "proxy_credentials");
	ck_assert_int_eq(c->kind, WW_KIND_INFO);
	ck_assert_int_eq(c->state, WW_STATE_OK);
	ck_assert_uint_eq(c->event_base, 0);
	HAS(c->reason, "credentials are not tested");
	HAS(c->evidence, "HasProxyPassword: yes");
	HAS(c->fix, "proxy.password_credential");
	/* The proxy row no longer warns every cycle about it. */
	ck_assert_int_eq(get(f, "proxy")->state, WW_STATE_OK);
	HAS(get(f, "proxy")->reason, "credentials not tested");
	ck_assert_int_eq(f->rep.overall, WW_STATE_OK);
	fx_free(f);

	/* With a password source the credentials are tested: no row. */
	f = fx_new();
	ck_assert_int_eq(ww_config_set(&f->cfg, "proxy.password_env", "PW",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	row_a(f, NULL, "proxy.corp.example", "svc-wsus");
	row(f, WW_DISC_PROXY_PASSWORD, "1", NULL, NULL);
	judge(f);
	ck_assert_ptr_null(ww_health_find(&f->rep, "proxy_credentials"));
	fx_free(f);
}
END_TEST

/* The separate SSL proxy becomes proxy.ssl_url, which https probes use. */
START_TEST(separate_ssl_proxy_is_taken)
{
	struct fx *f = fx_new();

	row_a(f, NULL, "proxy.corp.example", NULL);
	row(f, WW_DISC_SSL_PROXY, "1", "sslproxy.corp.example", "8443");
	judge(f);
	ck_assert_str_eq(f->cfg.proxy.ssl_url, "http://sslproxy.corp.example:8443");
	ck_assert_int_eq(ww_config_origin_of(&f->cfg, "proxy.ssl_url"),
			 WW_ORIGIN_DISCOVERED);
	HAS(get(f, "proxy")->evidence, "https proxy http://sslproxy.corp.example:8443");
	ck_assert_int_eq(f->cfg.discovery.wsus.separate_ssl_proxy, WW_FACT3_YES);
	fx_free(f);

	/* Not used: no ssl_url. */
	f = fx_new();
	row_a(f, NULL, "proxy.corp.example", NULL);
	row(f, WW_DISC_SSL_PROXY, "0", "sslproxy.corp.example", "8443");
	judge(f);
	ck_assert_ptr_null(f->cfg.proxy.ssl_url);
	fx_free(f);
}
END_TEST

START_TEST(replica_is_shown_and_judged)
{
	struct fx *f = fx_new();
	const struct ww_check_result *c;

	row_a(f, "wsus-up.corp.example", NULL, NULL);
	row(f, WW_DISC_REPLICA, "1", NULL, NULL);
	judge(f);
	c = get(f, "hierarchy");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	HAS(c->reason, "replica of wsus-up.corp.example");
	HAS(c->evidence, "IsReplicaServer: yes");
	/* The MUUrl fix is never for a replica. */
	c = get(f, "muurl_policy");
	ck_assert(c->skipped);
	HAS(c->reason, "replica");
	fx_free(f);

	/* A replica that syncs from Microsoft Update is inconsistent. */
	f = fx_new();
	row_a(f, NULL, NULL, NULL);
	row(f, WW_DISC_REPLICA, "1", NULL, NULL);
	judge(f);
	c = get(f, "hierarchy");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "a replica syncs from its upstream only");
	HAS(c->fix, "This server is a replica");
	ck_assert_ptr_eq(ww_health_headline(&f->rep), c);
	fx_free(f);

	/* Not a replica, from MU: no hierarchy. */
	f = fx_new();
	row_a(f, NULL, NULL, NULL);
	row(f, WW_DISC_REPLICA, "0", NULL, NULL);
	judge(f);
	ck_assert(get(f, "hierarchy")->skipped);
	fx_free(f);
}
END_TEST

/* IncompatibleProtocolVersion after the last success: version order. */
START_TEST(version_order_from_the_log)
{
	struct fx *f = fx_new();
	struct ww_finding_summary *s;
	const struct ww_check_result *c;

	row_a(f, "wsus-up.corp.example", NULL, NULL);
	ww_strlcpy(f->d.version.value, "10.0.20348.1", sizeof(f->d.version.value));
	f->d.version.known = true;
	judge(f);
	f->in.last_success = NOW - 60 * H;
	f->in.log.avail = WW_FACT_AVAILABLE;
	s = &f->in.log.findings[WW_CAT_INCOMPATIBLE_PROTOCOL];
	s->count = 2;
	s->first_seen = NOW - 20 * H;
	s->last_seen = NOW - 2 * H;
	ww_strlcpy(s->example, "ErrorCode=IncompatibleProtocolVersion",
		   sizeof(s->example));
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "hierarchy");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "newer WSUS than its upstream wsus-up.corp.example");
	HAS(c->evidence, "10.0.20348.1");
	HAS(c->evidence, "older (IncompatibleProtocolVersion in the log)");
	HAS(c->fix, "update the upstream server first");
	ck_assert_ptr_eq(ww_health_cause_of(&f->rep, get(f, "sync_staleness")),
			 c);
	fx_free(f);
}
END_TEST

START_TEST(content_source_in_words)
{
	struct fx *f = fx_new();

	row_a(f, "wsus-up.corp.example", NULL, NULL);
	row(f, WW_DISC_HOST_ON_MU, "0", NULL, NULL);
	row(f, WW_DISC_CONTENT_FROM_MU, "1", NULL, NULL);
	judge(f);
	HAS(get(f, "content_source")->reason, "from Microsoft Update, not from "
		"the upstream wsus-up.corp.example: this server needs the "
		"Microsoft domains");
	ck_assert_int_eq(get(f, "content_source")->kind, WW_KIND_INFO);
	fx_free(f);

	f = fx_new();
	row_a(f, "wsus-up.corp.example", NULL, NULL);
	row(f, WW_DISC_HOST_ON_MU, "0", NULL, NULL);
	row(f, WW_DISC_CONTENT_FROM_MU, "0", NULL, NULL);
	judge(f);
	HAS(get(f, "content_source")->reason, "downloaded from the upstream");
	fx_free(f);

	f = fx_new();
	row_a(f, NULL, NULL, NULL);
	row(f, WW_DISC_HOST_ON_MU, "1", NULL, NULL);
	judge(f);
	HAS(get(f, "content_source")->reason, "not stored locally");
	fx_free(f);
}
END_TEST

/* A column a server lacks is named, and loses only itself. */
START_TEST(optional_columns_not_read)
{
	struct fx *f = fx_new();

	row_a(f, NULL, NULL, NULL);
	ww_discovered_not_read(&f->d, WW_DISC_SSL_PROXY,
			       "[42S22] Invalid column name 'SslProxyName'.");
	judge(f);
	HAS(f->cfg.discovery.wsus.not_read,
	    "tbConfigurationC.UseSeparateProxyForSsl ([42S22] Invalid column");
	HAS(get(f, "discovery")->evidence, "not read: tbConfigurationC");
	ck_assert(ww_disc_queries[WW_DISC_SSL_PROXY].optional);
	ck_assert(!ww_disc_queries[WW_DISC_TABLE_A].optional);
	/* The password's value is never selected, only whether it is set. */
	{
		size_t i;

		for (i = 0; i < WW_DISC_TABLES; i++) {
			const char *p = strstr(ww_disc_queries[i].sql,
					       "ProxyPassword");

			if (p)
				ck_assert_msg(strncmp(p, "ProxyPassword IS NULL",
						      21) == 0, "%s",
					      ww_disc_queries[i].sql);
		}
	}
	fx_free(f);
}
END_TEST

/* The upstream named by NetBIOS name, its certificate by FQDN. */
START_TEST(netbios_upstream_name_mismatch)
{
	struct fx *f = fx_new();
	struct ww_probe_summary *t;
	const struct ww_check_result *c;

	row_a(f, "WSUSUP", NULL, NULL);
	judge(f);
	t = &f->in.targets[f->in.ntargets++];
	ww_strlcpy(t->name, "upstream_sync", sizeof(t->name));
	ww_strlcpy(t->url, "https://WSUSUP:8531/ClientWebService/client.asmx",
		   sizeof(t->url));
	ww_strlcpy(t->stage, "certificate", sizeof(t->stage));
	ww_strlcpy(t->result, "tls_name_mismatch", sizeof(t->result));
	t->consecutive_failures = 2;
	t->at = NOW - 60;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "endpoint:upstream_sync");
	HAS(c->fix, "NetBIOS name 'WSUSUP' while its certificate names the FQDN");
	fx_free(f);
}
END_TEST

static struct ww_probe_summary *domain(struct fx *f, const char *url, bool ok,
				       const char *stage, const char *result,
				       int64_t status)
{
	struct ww_probe_summary *t = &f->in.targets[f->in.ntargets++];

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "domain:%s", url);
	snprintf(t->url, sizeof(t->url), "%s/", url);
	t->ok = ok;
	t->at = NOW - 60;
	t->consecutive_failures = ok ? 0 : 1;
	ww_strlcpy(t->stage, stage, sizeof(t->stage));
	ww_strlcpy(t->result, result, sizeof(t->result));
	t->http_status = status;
	return t;
}

/* The guide's list as one probe set, auto on a server syncing from MU. */
START_TEST(domains_probe_set_follows_the_source)
{
	struct ww_endpoint_targets t = { NULL, 0 };
	struct fx *f = fx_new();
	struct ww_err err;
	size_t i, n = 0;

	row_a(f, NULL, "proxy.corp.example", NULL);
	judge(f);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	for (i = 0; i < t.n; i++)
		if (t.items[i].kind == WW_TARGET_DOMAIN) {
			ck_assert(!strchr(t.items[i].url, '*'));
			n++;
		}
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(t.items[t.n - 1].name,
			 "domain:https://dl.delivery.mp.microsoft.com");
	ww_endpoint_targets_release(&t);
	fx_free(f);

	/* A replica gets nothing from Microsoft: auto is off; on is on. */
	f = fx_new();
	row_a(f, "wsus-up.corp.example", NULL, NULL);
	row(f, WW_DISC_REPLICA, "1", NULL, NULL);
	judge(f);
	ck_assert(!ww_endpoint_domains_wanted(&f->cfg));
	ck_assert_int_eq(ww_config_set(&f->cfg, "probes.domains", "on",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert(ww_endpoint_domains_wanted(&f->cfg));
	fx_free(f);

	/* Not a WSUS server (nothing discovered): auto stays off. */
	f = fx_new();
	ck_assert(!ww_endpoint_domains_wanted(&f->cfg));
	fx_free(f);
}
END_TEST

/* One check names the URLs that fail; no row per domain. */
START_TEST(domains_one_check_names_failures)
{
	struct fx *f = fx_new();
	const struct ww_check_result *c;
	size_t i;

	row_a(f, NULL, NULL, NULL);
	judge(f);
	domain(f, "http://windowsupdate.microsoft.com", true, "", "ok", 302);
	domain(f, "http://download.windowsupdate.com", false, "dns",
	       "dns_failure", 0);
	domain(f, "https://download.microsoft.com", false, "http",
	       "http_not_found", 404); /* the host answered: reached */
	domain(f, "http://go.microsoft.com", false, "http", "http_error", 403);
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "domains");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "2 of 4 Microsoft URLs fail: "
		       "download.windowsupdate.com, go.microsoft.com");
	HAS(c->evidence, "failed: http://download.windowsupdate.com "
			 "(dns_failure), http://go.microsoft.com (http_error, "
			 "HTTP 403); reached: http://windowsupdate.microsoft.com, "
			 "https://download.microsoft.com");
	HAS(c->fix, "IP-based rules");
	for (i = 0; i < f->rep.n; i++)
		ck_assert_msg(!strstr(f->rep.checks[i].key, "domain:"), "%s",
			      f->rep.checks[i].key);
	fx_free(f);
}
END_TEST

/* The local targets of t, in order, into out; how many. */
static size_t locals(const struct ww_endpoint_targets *t,
		     const struct ww_endpoint_target **out)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (t->items[i].kind == WW_TARGET_LOCAL && n < 3)
			out[n++] = &t->items[i];
	return n;
}

/* probes.local: this server's own targets follow wsus.server. */
START_TEST(local_targets_follow_the_server)
{
	struct ww_endpoint_targets t = { NULL, 0 };
	const struct ww_endpoint_target *l[3];
	struct fx *f = fx_new();
	struct ww_err err;
	int64_t http, https;

	judge(f);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 0); /* no port known */
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.host",
				       "wsus01.corp.example", WW_ORIGIN_FILE,
				       NULL, NULL), 0);
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.port", "8530",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.ssl", "true",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 3);
	ck_assert_str_eq(l[0]->url, "http://wsus01.corp.example:8530"
			 "/selfupdate/iuident.cab");
	ck_assert_str_eq(l[1]->name, "local:content");
	ck_assert_str_eq(l[2]->url, "https://wsus01.corp.example:8531"
			 "/ClientWebService/client.asmx");
	/* The SSL port beside each HTTP port; 8531 with SSL is the SSL one. */
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.port", "80",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ww_endpoint_local_ports(&f->cfg, &http, &https);
	ck_assert(http == 80 && https == 443);
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.port", "8531",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ww_endpoint_local_ports(&f->cfg, &http, &https);
	ck_assert(http == 8530 && https == 8531);
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.port", "9000",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ww_endpoint_local_ports(&f->cfg, &http, &https);
	ck_assert(http == 9000 && https == 9001);
	/* A host that would change the URL is refused, naming the key. */
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.host",
				       "evil.example/x?@", WW_ORIGIN_FILE,
				       NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err),
			 WW_ECONFIG);
	HAS(err.msg, "wsus.server.host");
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.host", "::1",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 3);
	ck_assert_str_eq(l[0]->url, "http://[::1]:9000/selfupdate/iuident.cab");
	/* Port 65535 has no SSL port beside it: no HTTPS probe. */
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.port", "65535",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 2);
	/* SSL off: no HTTPS probe; off is off. */
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.server.ssl", "false",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 2);
	ck_assert_int_eq(ww_config_set(&f->cfg, "probes.local", "off",
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	ck_assert_int_eq(ww_endpoint_targets_from_config(&f->cfg, &t, &err), 0);
	ck_assert_uint_eq(locals(&t, l), 0);
	ww_endpoint_targets_release(&t);
	fx_free(f);
}
END_TEST

static struct ww_probe_summary *local(struct fx *f, const char *what,
				      bool ok, const char *result,
				      int64_t status)
{
	struct ww_probe_summary *t = &f->in.targets[f->in.ntargets++];

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "local:%s", what);
	snprintf(t->url, sizeof(t->url), "http://wsus01:8530/%s", what);
	t->ok = ok;
	t->at = NOW - 60;
	ww_strlcpy(t->result, result, sizeof(t->result));
	ww_strlcpy(t->stage, ok ? "" : "http", sizeof(t->stage));
	t->consecutive_failures = ok ? 0 : 2;
	t->http_status = status;
	return t;
}

/* Each local answer judged for what it is; never a sync's cause. */
START_TEST(local_endpoint_findings)
{
	struct fx *f = fx_new();
	struct ww_probe_summary *t;
	const struct ww_check_result *c;

	judge(f);
	local(f, "selfupdate", false, "http_error", 403);
	local(f, "content", true, "ok", 403);
	t = local(f, "https", true, "ok", 200);
	t->have_cert = true;
	t->cert_not_after = NOW + 5 * 24 * H;
	f->in.last_success = NOW - 60 * H; /* stale */
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "local_endpoint:local:selfupdate");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "Require SSL is set on SelfUpdate");
	HAS(c->fix, "clear 'Require SSL'");
	ck_assert(!c->quiet); /* repeated: alerted */
	c = get(f, "local_endpoint:local:content");
	ck_assert_int_eq(c->state, WW_STATE_OK);
	HAS(c->reason, "directory listing off");
	c = get(f, "local_endpoint:local:https");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "expires in");
	c = get(f, "sync_staleness");
	ck_assert_int_eq(c->state, WW_STATE_CRITICAL);
	ck_assert_msg(c->cause < 0 || strncmp(f->rep.checks[c->cause].key,
					      "local_endpoint", 14) != 0,
		      "a stale sync blamed on %s", f->rep.checks[c->cause].key);
	/* The Content root's 403 with IIS saying Require SSL: named. */
	f->in.local_avail = WW_FACT_AVAILABLE;
	f->in.local.pool.content_ssl = 1;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "local_endpoint:local:content");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "Require SSL is set on the Content virtual root");
	f->in.local.pool.content_ssl = 0;
	f->in.local_avail = WW_FACT_NOT_RUN;
	/* One failed probe (an iisreset) is shown, not alerted. */
	f->in.targets[0].consecutive_failures = 1;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	c = get(f, "local_endpoint:local:selfupdate");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	ck_assert(c->quiet);
	/* The binding's .asmx answering 500 (help page off) proved its
	 * path: ok, not "WsusPool fails". */
	t->cert_not_after = NOW + 300 * 24 * H;
	t->http_status = 500;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	ck_assert_int_eq(get(f, "local_endpoint:local:https")->state,
			 WW_STATE_OK);
	/* This server's own Date, measured last, hides no clock skew
	 * seen against another server. */
	t = domain(f, "http://go.microsoft.com", true, "", "ok", 200);
	t->have_skew = true;
	t->clock_skew = 600;
	t->skew_at = NOW - 120;
	t = &f->in.targets[2]; /* local:https */
	t->have_skew = true;
	t->clock_skew = 0;
	t->skew_at = NOW - 60;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	ck_assert_int_eq(get(f, "clock_skew")->state, WW_STATE_WARNING);
	t = &f->in.targets[2];
	/* Expired: critical, observed. */
	t->cert_not_after = NOW - H;
	ww_health_evaluate(&f->in, NOW, &f->rep);
	ck_assert_int_eq(get(f, "local_endpoint:local:https")->state,
			 WW_STATE_CRITICAL);
	fx_free(f);
}
END_TEST

#define WSYNC_LINE "Generic exception : ImportUpdateFromCatalogSite failed. " \
	"Arg = 001d4517-c586-4bb1-9e66-ed6ff8e8d34f. Error =The underlying " \
	"connection was closed: An unexpected error occurred on a receive."

/* ConfigMgr's catalog import failures point at the import TLS path. */
START_TEST(wsyncmgr_import_failures)
{
	char *dir = ww_test_tmpdir("wsyncmgr"), *path;
	const char *text =
		"Calling ImportUpdateFromCatalogSite for driver update GUIDs  "
		"$$<SMS_WSUS_SYNC_MANAGER><12-03-2026 09:59:58.100+000>"
		"<thread=4242 (0x1092)>\r\n"
		WSYNC_LINE "  $$<SMS_WSUS_SYNC_MANAGER><12-03-2026 10:00:01.123"
		"+000><thread=4242 (0x1092)>\r\n";
	struct fx *f = fx_new();
	const struct ww_check_result *c;

	path = ww_os_path_join(dir, "wsyncmgr.log");
	ww_test_write_file(path, text, strlen(text));
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.wsyncmgr_log", path,
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	row_a(f, NULL, NULL, NULL);
	judge(f);
	c = get(f, "catalog_import");
	ck_assert_int_eq(c->state, WW_STATE_WARNING);
	HAS(c->reason, "failed 1 time(s), last at 12-03-2026 10:00:01.123+000");
	HAS(c->evidence, WSYNC_LINE);
	ck_assert_ptr_null(strstr(c->evidence, "$$<"));
	HAS(c->fix, "import_tls_path");
	fx_free(f);

	/* No such line: ok; no file: skipped. */
	f = fx_new();
	ww_test_write_file(path, "Sync succeeded\r\n", 16);
	ck_assert_int_eq(ww_config_set(&f->cfg, "wsus.wsyncmgr_log", path,
				       WW_ORIGIN_FILE, NULL, NULL), 0);
	row_a(f, NULL, NULL, NULL);
	judge(f);
	ck_assert_int_eq(get(f, "catalog_import")->state, WW_STATE_OK);
	ck_assert_int_eq(ww_os_remove(path), 0);
	judge(f);
	ck_assert(get(f, "catalog_import")->skipped);
	fx_free(f);
	free(path);
	free(dir);
}
END_TEST

/* A partial first line (the tail of a big log) is not counted. */
START_TEST(wsyncmgr_scan_bounds)
{
	struct ww_wsyncmgr_facts r;
	const char *t = "teSite failed. Arg = x\nok\n" WSYNC_LINE "\n";

	ww_wsyncmgr_scan(t, strlen(t), true, &r);
	ck_assert_uint_eq(r.import_failed, 1);
	ww_wsyncmgr_scan(t, strlen(t), false, &r);
	ck_assert_uint_eq(r.import_failed, 1); /* the fragment never matched */
	t = "ImportUpdateFromCatalogSite failed. A\nImportUpdateFromCatalogSite failed. B";
	ww_wsyncmgr_scan(t, strlen(t), false, &r);
	ck_assert_uint_eq(r.import_failed, 2);
	ck_assert_str_eq(r.last, "ImportUpdateFromCatalogSite failed. B");
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("wsus_settings");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, basic_over_cleartext_is_a_warning_with_its_fix);
	tcase_add_test(tc, basic_is_never_the_cause_of_a_stale_sync);
	tcase_add_test(tc, password_without_copy_is_information);
	tcase_add_test(tc, separate_ssl_proxy_is_taken);
	tcase_add_test(tc, replica_is_shown_and_judged);
	tcase_add_test(tc, version_order_from_the_log);
	tcase_add_test(tc, content_source_in_words);
	tcase_add_test(tc, optional_columns_not_read);
	tcase_add_test(tc, netbios_upstream_name_mismatch);
	tcase_add_test(tc, domains_probe_set_follows_the_source);
	tcase_add_test(tc, domains_one_check_names_failures);
	tcase_add_test(tc, local_targets_follow_the_server);
	tcase_add_test(tc, local_endpoint_findings);
	tcase_add_test(tc, wsyncmgr_import_failures);
	tcase_add_test(tc, wsyncmgr_scan_bounds);
	suite_add_tcase(s, tc);
	return s;
}
