#include "compat.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <sqlite3.h>

#include "config.h"
#include "os.h"
#include "endpoint.h"
#include "store.h"
#include "util.h"
#include "ww_test.h"

static struct ww_probe_facts facts(int curl_code)
{
	struct ww_probe_facts f;

	memset(&f, 0, sizeof(f));
	f.curl_code = curl_code;
	f.https = true;
	f.dns_done = true;
	f.tcp_done = true;
	f.now = ww_time_from_civil(2026, 11, 23, 8, 0, 0);
	f.cert_not_before = WW_PROBE_UNKNOWN;
	f.cert_not_after = WW_PROBE_UNKNOWN;
	return f;
}

static void assert_class(const struct ww_probe_facts *f, const char *result,
			 const char *stage, uint32_t wu_code)
{
	struct ww_probe_class c;

	ww_endpoint_classify(f, &c);
	ck_assert_str_eq(ww_probe_res_name(c.result), result);
	if (stage)
		ck_assert_str_eq(ww_probe_stage_name(c.stage), stage);
	else
		ck_assert_ptr_null(ww_probe_stage_name(c.stage));
	ck_assert_uint_eq(c.wu_code, wu_code);
	if (c.result == WW_PROBE_OK)
		ck_assert_ptr_null(c.hint);
	else
		ck_assert(c.hint && *c.hint);
}

START_TEST(classify_network)
{
	struct ww_probe_facts f = facts(CURLE_COULDNT_RESOLVE_HOST);

	f.dns_done = f.tcp_done = false;
	assert_class(&f, "dns_failure", "dns", 0x8024402C);
	f.curl_code = CURLE_COULDNT_RESOLVE_PROXY;
	f.via_proxy = true;
	assert_class(&f, "proxy_dns_failure", "proxy", 0x8024402C);
	f.curl_code = CURLE_COULDNT_CONNECT;
	assert_class(&f, "proxy_connect_failure", "proxy", 0x80072EFD);
	f.via_proxy = false;
	assert_class(&f, "connect_refused", "connect", 0x80072EFD);
	f.curl_code = CURLE_OPERATION_TIMEDOUT;
	f.dns_done = true;
	assert_class(&f, "connect_timeout", "connect", 0x80072EE2);
	f.tcp_done = true;
	assert_class(&f, "timeout", "tls", 0x80072EE2);
	f.tls_done = true;
	assert_class(&f, "timeout", "http", 0x80072EE2);
	f.dns_done = f.tcp_done = f.tls_done = false;
	assert_class(&f, "timeout", "dns", 0x80072EE2);
}
END_TEST

START_TEST(classify_proxy)
{
	struct ww_probe_facts f = facts(CURLE_COULDNT_CONNECT);

	f.via_proxy = true;
	f.connect_status = 407;
	assert_class(&f, "proxy_auth_required", "proxy", 0x8024401B);
	f.connect_status = 401;
	assert_class(&f, "proxy_auth_required", "proxy", 0x8024401B);
	f.connect_status = 502; /* the proxy could not reach the target */
	assert_class(&f, "connect_refused", "proxy", 0x80072EFD);
	/* Plain HTTP through a proxy: the 407 is the response itself. */
	f = facts(CURLE_OK);
	f.https = false;
	f.via_proxy = true;
	f.http_status = 407;
	assert_class(&f, "proxy_auth_required", "proxy", 0x8024401B);
}
END_TEST

START_TEST(classify_tls_openssl)
{
	struct ww_probe_facts f = facts(CURLE_PEER_FAILED_VERIFICATION);

	f.verify_result = 10;
	assert_class(&f, "tls_expired", "tls", 0x80072F8F);
	f.verify_result = 9;
	assert_class(&f, "tls_not_yet_valid", "tls", 0x80072F8F);
	f.verify_result = 18;
	assert_class(&f, "tls_untrusted", "tls", 0x80072F8F);
	f.verify_result = 20;
	assert_class(&f, "tls_untrusted", "tls", 0x80072F8F);
	/* libcurl's own host check leaves the preset value 1. */
	f.verify_result = 1;
	f.errtext = "SSL: no alternative certificate subject name matches "
		    "target host name 'wrong.test'";
	assert_class(&f, "tls_name_mismatch", "tls", 0x80072F8F);
	/* A handshake failure is not a certificate problem whatever the
	 * preset verify result says. */
	f = facts(CURLE_SSL_CONNECT_ERROR);
	f.verify_result = 1;
	f.errtext = "OpenSSL/3.0.22: error:0A00042E:SSL routines::tlsv1 alert "
		    "protocol version";
	assert_class(&f, "tls_handshake_failed", "tls", 0x80072EFE);
	ck_assert(!ww_endpoint_is_cert_failure(&f));
	f.curl_code = CURLE_RECV_ERROR; /* reset in the handshake */
	f.errtext = NULL;
	assert_class(&f, "tls_handshake_failed", "tls", 0x80072EFE);
}
END_TEST

START_TEST(classify_tls_schannel)
{
	struct ww_probe_facts f = facts(CURLE_SSL_CONNECT_ERROR);

	f.errtext = "schannel: next InitializeSecurityContext failed: "
		    "SEC_E_UNTRUSTED_ROOT (0x80090325) - The certificate chain "
		    "was issued by an authority that is not trusted.";
	assert_class(&f, "tls_untrusted", "tls", 0x80072F8F);
	ck_assert(ww_endpoint_is_cert_failure(&f));
	f.curl_code = CURLE_PEER_FAILED_VERIFICATION;
	f.errtext = "schannel: SNI or certificate check failed: "
		    "SEC_E_WRONG_PRINCIPAL (0x80090322)";
	assert_class(&f, "tls_name_mismatch", "tls", 0x80072F8F);
	/* One flag for both time failures: the dates decide. */
	f.errtext = "schannel: CertGetCertificateChain trust error "
		    "CERT_TRUST_IS_NOT_TIME_VALID";
	assert_class(&f, "tls_expired", "tls", 0x80072F8F);
	f.cert_not_before = f.now + 86400;
	f.cert_not_after = f.now + 10 * 86400;
	assert_class(&f, "tls_not_yet_valid", "tls", 0x80072F8F);
	f.cert_not_before = f.now - 10 * 86400;
	f.cert_not_after = f.now - 86400;
	assert_class(&f, "tls_expired", "tls", 0x80072F8F);
	f.curl_code = CURLE_SSL_CONNECT_ERROR;
	f.errtext = "schannel: next InitializeSecurityContext failed: "
		    "SEC_E_ILLEGAL_MESSAGE (0x80090326)";
	assert_class(&f, "tls_handshake_failed", "tls", 0x80072EFE);
}
END_TEST

/* The guide's texts (issue 14, item 9): an untrusted chain is reported
 * as WSUS shows it, 0x80072F8F, with 0x800B0109 beneath; its hint gives
 * the guide's steps; a timeout does not blame IIS; a handshake names the
 * suites of each OS and the sync fix, not the import path's value. */
START_TEST(hints_follow_the_guide)
{
	struct ww_probe_facts f = facts(CURLE_PEER_FAILED_VERIFICATION);
	struct ww_probe_class c;

	f.verify_result = 20;
	ww_endpoint_classify(&f, &c);
	ck_assert_uint_eq(c.wu_code, 0x80072F8F);
	ck_assert_uint_eq(c.detail_code, 0x800B0109);
	ck_assert_ptr_nonnull(strstr(c.hint, "Intermediate Certification "
					     "Authorities"));
	ck_assert_ptr_nonnull(strstr(c.hint, "time zone"));
	ck_assert_ptr_nonnull(strstr(c.hint, "Subject or SAN"));
	f = facts(CURLE_OPERATION_TIMEDOUT);
	ww_endpoint_classify(&f, &c);
	ck_assert_str_eq(ww_probe_res_name(c.result), "timeout");
	ck_assert_uint_eq(c.detail_code, 0);
	ck_assert_ptr_nonnull(strstr(c.hint, "do not assume IIS"));
	ck_assert_ptr_null(strstr(c.hint, "WsusPool"));
	f = facts(CURLE_SSL_CONNECT_ERROR);
	ww_endpoint_classify(&f, &c);
	ck_assert_str_eq(ww_probe_res_name(c.result), "tls_handshake_failed");
	ck_assert_ptr_nonnull(strstr(c.hint, "CBC_SHA384_P256"));
	ck_assert_ptr_nonnull(strstr(c.hint, "GCM_SHA384"));
	ck_assert_ptr_nonnull(strstr(c.hint, "KB4022720"));
	ck_assert_ptr_null(strstr(c.hint, "SchUseStrongCrypto"));
}
END_TEST

/* Revocation that could not be checked is not an untrusted chain: its own
 * result, the CRYPT_E_* code and a hint that names the option. */
START_TEST(classify_tls_revocation)
{
	struct ww_probe_facts f = facts(CURLE_SSL_CONNECT_ERROR);
	struct ww_probe_class c;

	f.errtext = "schannel: next InitializeSecurityContext failed: "
		    "Unknown error (0x80092013) - The revocation function was "
		    "unable to check revocation because the revocation server "
		    "was offline.";
	assert_class(&f, "tls_revocation_unknown", "tls", 0x80092013);
	ck_assert(!ww_endpoint_is_cert_failure(&f));
	ww_endpoint_classify(&f, &c);
	ck_assert_ptr_nonnull(strstr(c.hint, "tls.revocation: best_effort"));
	f.errtext = "schannel: next InitializeSecurityContext failed: "
		    "CRYPT_E_NO_REVOCATION_CHECK (0x80092012) - The revocation "
		    "function was unable to check revocation for the "
		    "certificate.";
	assert_class(&f, "tls_revocation_unknown", "tls", 0x80092012);
	/* libcurl's own chain check (with a CA file). */
	f.curl_code = CURLE_PEER_FAILED_VERIFICATION;
	f.errtext = "schannel: CertGetCertificateChain trust error "
		    "CERT_TRUST_REVOCATION_STATUS_UNKNOWN";
	assert_class(&f, "tls_revocation_unknown", "tls", 0x80092013);
	f.errtext = "schannel: CertGetCertificateChain error mask: 0x01000040";
	assert_class(&f, "tls_revocation_unknown", "tls", 0x80092013);
	/* Another flag beside them: not only revocation. */
	f.errtext = "schannel: CertGetCertificateChain error mask: 0x01000060";
	assert_class(&f, "tls_untrusted", "tls", 0x80072F8F);
	/* A revoked certificate stays untrusted. */
	f.errtext = "schannel: CertGetCertificateChain trust error "
		    "CERT_TRUST_IS_REVOKED";
	assert_class(&f, "tls_untrusted", "tls", 0x80072F8F);
}
END_TEST

/* tls.revocation: strict by default, best_effort on request, nothing else. */
START_TEST(opts_revocation)
{
	struct ww_config cfg;
	struct ww_endpoint_opts o;
	struct ww_err err;
	char strict[] = "strict", best[] = "best_effort", off[] = "off";

	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(ww_endpoint_opts_from_config(&o, &cfg, &err), 0);
	ck_assert(!o.revoke_best_effort);
	cfg.tls.revocation = strict;
	ck_assert_int_eq(ww_endpoint_opts_from_config(&o, &cfg, &err), 0);
	ck_assert(!o.revoke_best_effort);
	cfg.tls.revocation = best;
	ck_assert_int_eq(ww_endpoint_opts_from_config(&o, &cfg, &err), 0);
	ck_assert(o.revoke_best_effort);
	cfg.tls.revocation = off;
	ck_assert_int_eq(ww_endpoint_opts_from_config(&o, &cfg, &err),
			 WW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "tls.revocation"));
}
END_TEST

START_TEST(classify_http)
{
	static const struct {
		long status;
		bool soap;
		const char *result;
		uint32_t code;
	} cases[] = {
		{ 200, false, "ok", 0 },
		{ 302, false, "ok", 0 },
		{ 401, true, "http_unauthorized", 0x80244017 },
		{ 404, true, "http_not_found", 0x80244019 },
		{ 503, true, "http_unavailable", 0x80244022 },
		{ 500, false, "http_error", 0x8024401F },
		{ 403, true, "http_error", 0x80244018 },
		{ 502, false, "http_error", 0x80244021 },
		{ 418, false, "http_error", 0x8024402B },
		/* An .asmx answers a GET with 405 or 500 when its help page
		 * is off: the path is proven. */
		{ 405, true, "ok", 0 },
		{ 500, true, "ok", 0 },
		{ 405, false, "http_error", 0x8024401A },
	};
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(cases); i++) {
		struct ww_probe_facts f = facts(CURLE_OK);

		f.tls_done = true;
		f.http_status = cases[i].status;
		f.soap_endpoint = cases[i].soap;
		assert_class(&f, cases[i].result,
			     strcmp(cases[i].result, "ok") ? "http" : NULL,
			     cases[i].code);
	}
	/* This server's own Content root answers 403 with its listing off:
	 * the path is proven; a 404 there is not, nor a 403 elsewhere. */
	{
		struct ww_probe_facts f = facts(CURLE_OK);

		f.http_status = 403;
		f.own_directory = true;
		assert_class(&f, "ok", NULL, 0);
		f.http_status = 404;
		assert_class(&f, "http_not_found", "http", 0x80244019);
	}
}
END_TEST

START_TEST(classify_names_complete)
{
	int r;

	for (r = 0; r < WW_PROBE_RES_COUNT; r++) {
		ck_assert_ptr_nonnull(ww_probe_res_name(r));
		ck_assert_str_ne(ww_probe_res_name(r), "unknown");
	}
	ck_assert_str_eq(ww_probe_res_name(WW_PROBE_RES_COUNT), "unknown");
}
END_TEST

START_TEST(cert_dates_both_backends)
{
	int64_t t = 0;
	int64_t want = ww_time_from_civil(2030, 1, 2, 3, 4, 5);

	ck_assert_int_eq(ww_endpoint_parse_cert_date("Jan  2 03:04:05 2030 GMT",
						     &t), 0);
	ck_assert_int_eq(t, want);
	t = 0;
	ck_assert_int_eq(ww_endpoint_parse_cert_date("2030-01-02 03:04:05 GMT",
						     &t), 0);
	ck_assert_int_eq(t, want);
	ck_assert_int_eq(ww_endpoint_parse_cert_date("Foo  2 03:04:05 2030",
						     &t), WW_EINVAL);
	ck_assert_int_eq(ww_endpoint_parse_cert_date("2030-13-02 03:04:05",
						     &t), WW_EINVAL);
	ck_assert_int_eq(ww_endpoint_parse_cert_date("", &t), WW_EINVAL);
}
END_TEST

/* CERTINFO lines as each backend writes them: OpenSSL "Start date:",
 * Schannel (libcurl's x509asn1.c) "Start Date:" / "Expire Date:". */
START_TEST(cert_info_lines_both_backends)
{
	int64_t nb = WW_PROBE_UNKNOWN, na = WW_PROBE_UNKNOWN;

	ww_endpoint_cert_info_line("Start Date: 2020-01-01 00:00:00 GMT",
				   &nb, &na);
	ww_endpoint_cert_info_line("Expire Date: 2099-12-31 00:00:00 GMT",
				   &nb, &na);
	ck_assert_int_eq(nb, ww_time_from_civil(2020, 1, 1, 0, 0, 0));
	ck_assert_int_eq(na, ww_time_from_civil(2099, 12, 31, 0, 0, 0));
	nb = na = WW_PROBE_UNKNOWN;
	ww_endpoint_cert_info_line("Start date: Jan  1 00:00:00 2020 GMT",
				   &nb, &na);
	ww_endpoint_cert_info_line("Expire date: Dec 31 00:00:00 2099 GMT",
				   &nb, &na);
	ck_assert_int_eq(nb, ww_time_from_civil(2020, 1, 1, 0, 0, 0));
	ck_assert_int_eq(na, ww_time_from_civil(2099, 12, 31, 0, 0, 0));
	nb = na = WW_PROBE_UNKNOWN;
	ww_endpoint_cert_info_line("Subject: CN=upstream.test", &nb, &na);
	ww_endpoint_cert_info_line("Start", &nb, &na);
	ww_endpoint_cert_info_line("Expire Date: not a date", &nb, &na);
	ck_assert(nb == WW_PROBE_UNKNOWN && na == WW_PROBE_UNKNOWN);
}
END_TEST

static void config_base(struct ww_config *c)
{
	memset(c, 0, sizeof(*c));
	c->wsus.upstream.port = 8530;
	c->probes.microsoft_update = WW_AUTO;
	c->probes.upstream = WW_AUTO;
}

START_TEST(targets_microsoft_update_policy)
{
	static const struct {
		const char *muurl;
		const char *url;
		enum ww_endpoint_policy policy;
	} cases[] = {
		{ NULL, "https://sws.update.microsoft.com/ServerSyncWebService/"
			"ServerSyncWebService.asmx", WW_POLICY_NONE },
		{ "https://sws.update.microsoft.com/", "https://sws.update."
		  "microsoft.com/ServerSyncWebService/ServerSyncWebService.asmx",
		  WW_POLICY_NONE },
		{ "https://fe2.update.microsoft.com/v6", "https://fe2.update."
		  "microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx",
		  WW_POLICY_DECOMMISSIONED },
		{ "https://SWS1.update.microsoft.com", "https://SWS1.update."
		  "microsoft.com/ServerSyncWebService/ServerSyncWebService.asmx",
		  WW_POLICY_DEPRECATED },
	};
	struct ww_endpoint_targets t = { NULL, 0 };
	struct ww_config c;
	struct ww_err err;
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(cases); i++) {
		char mu[128];

		config_base(&c);
		if (cases[i].muurl)
			ww_strlcpy(mu, cases[i].muurl, sizeof(mu));
		c.wsus.muurl = cases[i].muurl ? mu : NULL;
		ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
		ck_assert_uint_eq(t.n, 1);
		ck_assert_str_eq(t.items[0].name, "microsoft_update");
		ck_assert_str_eq(t.items[0].url, cases[i].url);
		ck_assert_int_eq(t.items[0].policy, cases[i].policy);
	}
	ww_endpoint_targets_release(&t);
	ck_assert_str_eq(ww_endpoint_policy_name(WW_POLICY_DECOMMISSIONED),
			 "endpoint_decommissioned");
	ck_assert_ptr_nonnull(strstr(ww_endpoint_policy_hint(
		WW_POLICY_DECOMMISSIONED), "RedirectorChangeNumber to 4002"));
	ck_assert_ptr_nonnull(strstr(ww_endpoint_policy_hint(
		WW_POLICY_DEPRECATED), "https://sws.update.microsoft.com"));
	/* Only the sync endpoint gets the policy: fe2 is still a client
	 * download domain in extra_urls. */
	ww_endpoint_targets_add(&t, "extra", "http://fe2.update.microsoft.com/",
				WW_TARGET_EXTRA, &err);
	ck_assert_int_eq(t.items[0].policy, WW_POLICY_NONE);
	ww_endpoint_targets_release(&t);
}
END_TEST

START_TEST(targets_upstream)
{
	struct ww_endpoint_targets t = { NULL, 0 };
	struct ww_config c;
	struct ww_err err;
	char e0[] = "http://download.windowsupdate.com/";
	char host[] = "wsus1.corp.example";
	char *extra[] = { e0 };

	config_base(&c);
	c.wsus.upstream.host = host;
	c.wsus.upstream.port = 8531;
	c.wsus.upstream.ssl = true;
	c.probes.extra_urls.items = extra;
	c.probes.extra_urls.n = 1;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
	ck_assert_uint_eq(t.n, 3); /* auto: no Microsoft Update */
	ck_assert_str_eq(t.items[0].name, "upstream_sync");
	ck_assert_str_eq(t.items[0].url, "https://wsus1.corp.example:8531/"
			 "ServerSyncWebService/ServerSyncWebService.asmx");
	ck_assert_str_eq(t.items[1].name, "upstream_selfupdate");
	ck_assert_str_eq(t.items[1].url, "http://wsus1.corp.example:8530/"
			 "selfupdate/iuident.cab");
	ck_assert_str_eq(t.items[2].name, "extra");
	ck_assert_str_eq(t.items[2].url, extra[0]);

	c.wsus.upstream.ssl = false;
	c.wsus.upstream.port = 80;
	c.probes.extra_urls.n = 0;
	c.probes.microsoft_update = WW_ON;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.items[0].name, "microsoft_update");
	ck_assert_str_eq(t.items[1].url, "http://wsus1.corp.example:80/"
			 "ServerSyncWebService/ServerSyncWebService.asmx");
	ck_assert_str_eq(t.items[2].url, "http://wsus1.corp.example:80/"
			 "selfupdate/iuident.cab");

	c.wsus.upstream.ssl = true;
	c.wsus.upstream.port = 443;
	c.probes.microsoft_update = WW_OFF;
	c.probes.upstream = WW_ON;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
	ck_assert_str_eq(t.items[1].url, "http://wsus1.corp.example:80/"
			 "selfupdate/iuident.cab");

	/* Another SSL port: the HTTP port is never guessed (not 9442). */
	c.wsus.upstream.port = 9443;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.items[0].name, "upstream_sync");
	c.wsus.upstream.http_port = 9080;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.items[1].url, "http://wsus1.corp.example:9080/"
			 "selfupdate/iuident.cab");
	c.wsus.upstream.http_port = 0;

	/* on without a host: an error that names both keys; *ret kept. */
	c.wsus.upstream.host = NULL;
	ck_assert_int_eq(ww_endpoint_targets_from_config(&c, &t, &err),
			 WW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "wsus.upstream.host"));
	ck_assert_uint_eq(t.n, 2);
	ww_endpoint_targets_release(&t);
}
END_TEST

START_TEST(json_contract_fields)
{
	struct ww_probe_result r;
	cJSON *o, *v;
	static const char *const keys[] = {
		"url", "ok", "stage", "result", "wu_code", "http_status",
		"tls_version", "tls_cipher", "cert_not_after", "cert_days_left",
		"clock_skew_seconds", "elapsed_ms", "hint"
	};
	size_t i;

	memset(&r, 0, sizeof(r));
	ww_strlcpy(r.url, "https://sws.update.microsoft.com/", sizeof(r.url));
	ww_strlcpy(r.target, "microsoft_update", sizeof(r.target));
	r.result = WW_PROBE_TLS_UNTRUSTED;
	r.stage = WW_STAGE_TLS;
	r.wu_code = 0x800B0109;
	r.cert_not_after = WW_PROBE_UNKNOWN;
	r.cert_days_left = WW_PROBE_UNKNOWN;
	r.clock_skew = WW_PROBE_UNKNOWN;
	r.elapsed_ms = 41;
	r.hint = "check";
	r.policy = WW_POLICY_DECOMMISSIONED;
	r.timings.dns = -1;
	o = ww_probe_result_to_json(&r);
	ck_assert_ptr_nonnull(o);
	for (i = 0; i < WW_ARRAY_SIZE(keys); i++)
		ck_assert_msg(cJSON_GetObjectItemCaseSensitive(o, keys[i]),
			      "missing %s", keys[i]);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "wu_code")->valuestring,
			 "0x800B0109");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "stage")->valuestring, "tls");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "ok")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "http_status")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "tls_version")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "cert_not_after")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "clock_skew_seconds")));
	v = cJSON_GetObjectItem(o, "policy");
	ck_assert_str_eq(cJSON_GetObjectItem(v, "finding")->valuestring,
			 "endpoint_decommissioned");
	cJSON_Delete(o);

	r.result = WW_PROBE_OK;
	r.stage = WW_STAGE_NONE;
	r.wu_code = 0;
	r.hint = NULL;
	r.cert_not_after = ww_time_from_civil(2099, 12, 31, 0, 0, 0);
	r.clock_skew = -3;
	o = ww_probe_result_to_json(&r);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "stage")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "wu_code")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "hint")));
	ck_assert_str_eq(cJSON_GetObjectItem(o, "cert_not_after")->valuestring,
			 "2099-12-31T00:00:00Z");
	ck_assert_int_eq(cJSON_GetObjectItem(o, "clock_skew_seconds")->valueint,
			 -3);
	cJSON_Delete(o);
}
END_TEST

static char name_adhoc[] = "adhoc";
static char url_closed[] = "https://127.0.0.1:1/";

START_TEST(store_round_trip)
{
	char *dir = ww_test_tmpdir("endpoint-store");
	char *path = ww_os_path_join(dir, "ww.db");
	struct ww_store *st = NULL;
	struct ww_probe_result r;
	struct ww_err err;
	sqlite3_stmt *q;

	ck_assert_msg(ww_store_open(path, &st, &err) == 0, "%s", err.msg);
	memset(&r, 0, sizeof(r));
	ww_strlcpy(r.target, "upstream_sync", sizeof(r.target));
	ww_strlcpy(r.url, "https://wsus1:8531/x.asmx", sizeof(r.url));
	r.at = 1700000000;
	r.result = WW_PROBE_TLS_EXPIRED;
	r.stage = WW_STAGE_TLS;
	r.wu_code = 0x80072F8F;
	r.cert_not_after = 1600000000;
	r.cert_days_left = -1157;
	r.clock_skew = WW_PROBE_UNKNOWN;
	r.elapsed_ms = 12;
	r.hint = "renew";
	r.timings.dns = 1000;
	r.timings.connect = r.timings.tls = -1;
	ck_assert_msg(ww_probe_result_store(st, &r, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(sqlite3_prepare_v2(ww_store_db(st),
		"SELECT target, ok, stage, result, wu_code, http_status, "
		"cert_not_after, clock_skew, hint, "
		"json_extract(detail_json, '$.timings_ms.dns') FROM probe_result",
		-1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 0),
			 "upstream_sync");
	ck_assert_int_eq(sqlite3_column_int(q, 1), 0);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 2), "tls");
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 3), "tls_expired");
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 4), "0x80072F8F");
	ck_assert_int_eq(sqlite3_column_type(q, 5), SQLITE_NULL);
	ck_assert_int_eq(sqlite3_column_int64(q, 6), 1600000000);
	ck_assert_int_eq(sqlite3_column_type(q, 7), SQLITE_NULL);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 8), "renew");
	ck_assert_int_eq(sqlite3_column_int(q, 9), 1);
	sqlite3_finalize(q);
	ww_store_close(st);
	remove(path);
	remove(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(probe_rejects_userinfo)
{
	char with_user[] = "https://user:Secret123@127.0.0.1:1/";
	char ftp[] = "ftp://127.0.0.1/";
	struct ww_endpoint_target t = { name_adhoc, url_closed,
					WW_TARGET_ADHOC, WW_POLICY_NONE };
	struct ww_endpoint_opts o;
	struct ww_probe_result r;
	struct ww_err err;

	ww_endpoint_opts_init(&o);
	o.proxy = "http://user:Secret123@127.0.0.1:3128";
	ck_assert_int_eq(ww_endpoint_probe(&t, &o, NULL, &r, &err), WW_EINVAL);
	ck_assert_ptr_null(strstr(err.msg, "Secret123"));
	ck_assert_ptr_null(strstr(err.msg, "user:"));
	o.proxy = NULL;
	t.url = with_user;
	ck_assert_int_eq(ww_endpoint_probe(&t, &o, NULL, &r, &err), WW_EINVAL);
	ck_assert_ptr_null(strstr(err.msg, "Secret123"));
	t.url = ftp;
	ck_assert_int_eq(ww_endpoint_probe(&t, &o, NULL, &r, &err), WW_EINVAL);
}
END_TEST

START_TEST(probe_stopped_before_start)
{
	struct ww_endpoint_target t = { name_adhoc, url_closed,
					WW_TARGET_ADHOC, WW_POLICY_NONE };
	struct ww_endpoint_opts o;
	struct ww_probe_result r;
	struct ww_event *stop = ww_event_new();
	struct ww_err err;

	ww_endpoint_opts_init(&o);
	ww_event_set(stop);
	ck_assert_int_eq(ww_endpoint_probe(&t, &o, stop, &r, &err), WW_EABORT);
	ww_event_free(stop);
}
END_TEST

static void set_later(void *arg)
{
	ww_os_sleep_ms(300);
	ww_event_set(arg);
}

/*
 * A probe of a server that accepts and never answers ends promptly when
 * the stop event is set.  tests/integration/test_probe.py runs this with
 * WW_TEST_HUNG_URL pointing at such a listener.
 */
START_TEST(probe_aborts_when_stopped)
{
	char *url = ww_os_getenv("WW_TEST_HUNG_URL");
	struct ww_endpoint_target t = { name_adhoc, NULL, WW_TARGET_ADHOC,
					WW_POLICY_NONE };
	struct ww_endpoint_opts o;
	struct ww_probe_result r;
	struct ww_event *stop;
	struct ww_thread *th;
	struct ww_err err;
	int64_t t0, elapsed;

	WW_TEST_SKIP_IF(!url, "WW_TEST_HUNG_URL is not set");
	t.url = url;
	ww_endpoint_opts_init(&o);
	o.timeout_ms = 20000;
	stop = ww_event_new();
	ck_assert_int_eq(ww_thread_create(&th, set_later, stop), 0);
	t0 = ww_os_monotonic_ms();
	ck_assert_int_eq(ww_endpoint_probe(&t, &o, stop, &r, &err), WW_EABORT);
	elapsed = ww_os_monotonic_ms() - t0;
	/* Stop at 300 ms, timeout at 20 s: 5 s proves the stop ended it and
	 * leaves room for a loaded machine (1.6 s was seen at load 8.6). */
	ck_assert_msg(elapsed < 5000, "took %lld ms", (long long)elapsed);
	ww_thread_join(th);
	ww_event_free(stop);
	free(url);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("endpoint"), *hung;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_test(tc, classify_network);
	tcase_add_test(tc, classify_proxy);
	tcase_add_test(tc, classify_tls_openssl);
	tcase_add_test(tc, classify_tls_schannel);
	tcase_add_test(tc, classify_tls_revocation);
	tcase_add_test(tc, hints_follow_the_guide);
	tcase_add_test(tc, opts_revocation);
	tcase_add_test(tc, classify_http);
	tcase_add_test(tc, classify_names_complete);
	tcase_add_test(tc, cert_dates_both_backends);
	tcase_add_test(tc, cert_info_lines_both_backends);
	tcase_add_test(tc, targets_microsoft_update_policy);
	tcase_add_test(tc, targets_upstream);
	tcase_add_test(tc, json_contract_fields);
	tcase_add_test(tc, store_round_trip);
	tcase_add_test(tc, probe_rejects_userinfo);
	tcase_add_test(tc, probe_stopped_before_start);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	/* Needs a hung server: tests/integration/test_probe.py runs it. */
	hung = tcase_create("hung");
	tcase_set_tags(hung, WW_TEST_TAG_SEPARATE);
	tcase_add_test(hung, probe_aborts_when_stopped);
	tcase_set_timeout(hung, 60);
	suite_add_tcase(s, hung);
	return s;
}
