/*
 * endpoint_classify.c - what a finished transfer means: libcurl's result,
 * the HTTP and proxy CONNECT status and the certificate verification
 * outcome become result / stage / wu_code / hint.
 *
 * One static table (results[]) holds, per result, its contract name, the
 * code an administrator would meet and the first check to make.  The
 * functions below only decide which row applies.
 *
 * What each TLS backend reports (see docs/probes.md):
 *   OpenSSL: CURLE_PEER_FAILED_VERIFICATION with CURLINFO_SSL_VERIFYRESULT
 *     set to the X509_V_ERR_* code (9 not yet valid, 10 expired, 18-21 and
 *     friends untrusted); a host name mismatch is checked by libcurl
 *     itself, leaves the verify result at 0 and says "subject name" /
 *     "does not match" in the error text.
 *   Schannel: no verify result.  Failures inside InitializeSecurityContext
 *     come back as CURLE_SSL_CONNECT_ERROR or CURLE_PEER_FAILED_VERIFICATION
 *     with the SEC_E_* name in the text; libcurl's own chain check (used
 *     with a CA file) names CERT_TRUST_* flags.  Expired and not yet valid
 *     are one flag there (SEC_E_CERT_EXPIRED, CERT_TRUST_IS_NOT_TIME_VALID),
 *     so the probe inspects the certificate dates to tell them apart.
 */
#include "compat.h"

#include <curl/curl.h>

#include "endpoint.h"
#include "util.h"

struct res_row {
	const char *name;
	uint32_t wu_code; /* 0: decided per HTTP status */
	enum ww_probe_stage stage; /* default stage */
	const char *hint;
	uint32_t detail_code; /* the underlying code, shown in detail */
};

/* The guide's steps for an untrusted chain (section 5), in its order:
 * clock first (0x80072F8F is also a date failure), then store
 * placement, then the name. */
#define TRUST_STEPS \
	"the certificate chain does not lead to a trusted root: check this " \
	"server's date, time and time zone first; then the root CA belongs in " \
	"Local Computer\\Trusted Root Certification Authorities and the " \
	"intermediate/issuing CA in Local Computer\\Intermediate " \
	"Certification Authorities (never in Trusted Root); the name used " \
	"to reach the server (FQDN) must be the certificate's Subject or " \
	"SAN; a TLS-inspecting proxy re-signs the chain"

static const struct res_row results[WW_PROBE_RES_COUNT] = {
	[WW_PROBE_OK] = { "ok", 0, WW_STAGE_NONE, NULL, 0 },
	[WW_PROBE_DNS_FAILURE] = { "dns_failure", 0x8024402C, WW_STAGE_DNS,
		"the server cannot resolve the host name: check its DNS servers "
		"(nslookup HOST) or whether only the proxy can resolve external "
		"names", 0 },
	[WW_PROBE_CONNECT_REFUSED] = { "connect_refused", 0x80072EFD,
		WW_STAGE_CONNECT,
		"the connection was refused: check that the service listens on "
		"that port (8530/8531 for WSUS, 443 for Microsoft Update) and "
		"that no firewall rejects it", 0 },
	[WW_PROBE_CONNECT_TIMEOUT] = { "connect_timeout", 0x80072EE2,
		WW_STAGE_CONNECT,
		"no answer to the TCP connection: check firewalls on the path "
		"and whether this network needs the proxy configured in WSUS", 0 },
	[WW_PROBE_TIMEOUT] = { "timeout", 0x80072EE2, WW_STAGE_HTTP,
		"connected but no answer in time: proxy, firewall, route: do "
		"not assume IIS without more evidence (a TLS-inspecting or "
		"dropping device on the path is common)", 0 },
	[WW_PROBE_PROXY_DNS_FAILURE] = { "proxy_dns_failure", 0x8024402C,
		WW_STAGE_PROXY,
		"the proxy's host name cannot be resolved: check the proxy name "
		"in the WSUS proxy settings and DNS", 0 },
	[WW_PROBE_PROXY_CONNECT_FAILURE] = { "proxy_connect_failure",
		0x80072EFD, WW_STAGE_PROXY,
		"the proxy cannot be reached: check the proxy host and port in "
		"the WSUS proxy settings and that the proxy is running", 0 },
	[WW_PROBE_PROXY_AUTH_REQUIRED] = { "proxy_auth_required", 0x8024401B,
		WW_STAGE_PROXY,
		"the proxy demands authentication (407): check the proxy user "
		"and password in WSUS (an expired proxy password is a common "
		"cause) and the authentication scheme", 0 },
	[WW_PROBE_TLS_HANDSHAKE_FAILED] = { "tls_handshake_failed", 0x80072EFE,
		WW_STAGE_TLS,
		"no common TLS protocol or cipher, or the connection was reset "
		"in the handshake: for sync install the Monthly Rollup with "
		"WSUS's TLS 1.2 fix (KB4022721 on 2012, KB4022720 on 2012 R2, "
		"or later), and let the cipher suite order keep one the "
		"endpoint accepts: on 2012/2012 R2 "
		"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256/_P384 or "
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256/_P384, on 2016 "
		"and later TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
		"_AES_128_GCM_SHA256, _AES_256_CBC_SHA384 or "
		"_AES_128_CBC_SHA256", 0 },
	[WW_PROBE_TLS_UNTRUSTED] = { "tls_untrusted", 0x80072F8F, WW_STAGE_TLS,
		TRUST_STEPS, 0x800B0109 /* CERT_E_UNTRUSTEDROOT */ },
	[WW_PROBE_TLS_EXPIRED] = { "tls_expired", 0x80072F8F, WW_STAGE_TLS,
		"the server certificate has expired: renew it (or check this "
		"server's clock if the date looks wrong)", 0 },
	[WW_PROBE_TLS_NOT_YET_VALID] = { "tls_not_yet_valid", 0x80072F8F,
		WW_STAGE_TLS,
		"the server certificate is not valid yet: check this server's "
		"clock and time zone first, then the certificate's start date", 0 },
	[WW_PROBE_TLS_NAME_MISMATCH] = { "tls_name_mismatch", 0x80072F8F,
		WW_STAGE_TLS,
		"the certificate does not name this host: use the name the "
		"certificate was issued for (FQDN in the upstream server "
		"setting) or reissue it with that name", 0 },
	[WW_PROBE_HTTP_UNAUTHORIZED] = { "http_unauthorized", 0x80244017,
		WW_STAGE_HTTP,
		"the server demands authentication (401): check IIS "
		"authentication on the virtual directory and anonymous access", 0 },
	[WW_PROBE_HTTP_NOT_FOUND] = { "http_not_found", 0x80244019,
		WW_STAGE_HTTP,
		"the path does not exist (404): check the URL, the port (8530 vs "
		"8531) and the SSL setting of the upstream server", 0 },
	[WW_PROBE_HTTP_UNAVAILABLE] = { "http_unavailable", 0x80244022,
		WW_STAGE_HTTP,
		"the service is unavailable (503): check that the WsusPool "
		"application pool is started and its Private Memory Limit", 0 },
	[WW_PROBE_HTTP_ERROR] = { "http_error", 0, WW_STAGE_HTTP,
		"the server answered with an error: check the IIS log on the "
		"server for this request's status and substatus", 0 },
	[WW_PROBE_TLS_REVOCATION_UNKNOWN] = { "tls_revocation_unknown",
		0x80092013, WW_STAGE_TLS,
		"the certificate's revocation could not be checked (no CRL or "
		"OCSP server reachable, often behind a proxy): let this server "
		"reach the CRL distribution points the certificate names (as "
		"SYSTEM, through the proxy: netsh winhttp show proxy), or set "
		"tls.revocation: best_effort", 0 },
};

const char *ww_probe_res_name(enum ww_probe_res r)
{
	return (unsigned)r < WW_PROBE_RES_COUNT ? results[r].name : "unknown";
}

const char *ww_probe_stage_name(enum ww_probe_stage s)
{
	static const char *const names[] = { NULL, "dns", "connect", "proxy",
					     "tls", "http" };

	return (unsigned)s < WW_ARRAY_SIZE(names) ? names[s] : NULL;
}

/* WU_E_PT_HTTP_STATUS_*: 0x80244016 + n for the statuses WUA maps. */
uint32_t ww_endpoint_http_wu_code(long status)
{
	static const struct { long status; uint32_t code; } map[] = {
		{ 400, 0x80244016 }, { 401, 0x80244017 }, { 403, 0x80244018 },
		{ 404, 0x80244019 }, { 405, 0x8024401A }, { 407, 0x8024401B },
		{ 408, 0x8024401C }, { 409, 0x8024401D }, { 410, 0x8024401E },
		{ 500, 0x8024401F }, { 501, 0x80244020 }, { 502, 0x80244021 },
		{ 503, 0x80244022 }, { 504, 0x80244023 }, { 505, 0x80244024 },
	};
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(map); i++)
		if (map[i].status == status)
			return map[i].code;
	return 0x8024402B; /* WU_E_PT_HTTP_STATUS_NOT_MAPPED */
}

static bool text_has(const char *text, const char *needle)
{
	return text && strstr(text, needle) != NULL;
}

/*
 * Error-text patterns per backend, most specific first.  OpenSSL's texts
 * come from X509_verify_cert_error_string() and libcurl's host check;
 * Schannel's from the SEC_E_* / CERT_TRUST_* names libcurl prints.
 */
static const struct {
	const char *needle;
	enum ww_probe_res result;
} cert_texts[] = {
	/* Revocation that could not be checked first: Schannel may name
	 * it beside an untrusted-looking code (SEC_E_* with 0x80092013). */
	{ "CRYPT_E_REVOCATION_OFFLINE", WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "0x80092013", WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "CRYPT_E_NO_REVOCATION_CHECK", WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "0x80092012", WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "CERT_TRUST_IS_OFFLINE_REVOCATION", WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "CERT_TRUST_REVOCATION_STATUS_UNKNOWN",
	  WW_PROBE_TLS_REVOCATION_UNKNOWN },
	{ "certificate has expired", WW_PROBE_TLS_EXPIRED },
	{ "certificate is not yet valid", WW_PROBE_TLS_NOT_YET_VALID },
	{ "SEC_E_CERT_EXPIRED", WW_PROBE_TLS_EXPIRED },
	{ "CERT_TRUST_IS_NOT_TIME_VALID", WW_PROBE_TLS_EXPIRED },
	{ "SEC_E_WRONG_PRINCIPAL", WW_PROBE_TLS_NAME_MISMATCH },
	{ "CERT_E_CN_NO_MATCH", WW_PROBE_TLS_NAME_MISMATCH },
	{ "failed to match connection hostname", WW_PROBE_TLS_NAME_MISMATCH },
	{ "subject name", WW_PROBE_TLS_NAME_MISMATCH },
	{ "does not match target host", WW_PROBE_TLS_NAME_MISMATCH },
	{ "Hostname mismatch", WW_PROBE_TLS_NAME_MISMATCH },
	{ "SEC_E_UNTRUSTED_ROOT", WW_PROBE_TLS_UNTRUSTED },
	{ "CERT_TRUST_IS_UNTRUSTED_ROOT", WW_PROBE_TLS_UNTRUSTED },
	{ "CERT_TRUST_IS_PARTIAL_CHAIN", WW_PROBE_TLS_UNTRUSTED },
	{ "CERT_TRUST_IS_REVOKED", WW_PROBE_TLS_UNTRUSTED },
	{ "CRYPT_E_REVOKED", WW_PROBE_TLS_UNTRUSTED },
	{ "SEC_E_CERT_UNKNOWN", WW_PROBE_TLS_UNTRUSTED },
	{ "SEC_E_ILLEGAL_MESSAGE", WW_PROBE_TLS_HANDSHAKE_FAILED },
	{ "SEC_E_ALGORITHM_MISMATCH", WW_PROBE_TLS_HANDSHAKE_FAILED },
	{ "self-signed certificate", WW_PROBE_TLS_UNTRUSTED },
	{ "self signed certificate", WW_PROBE_TLS_UNTRUSTED },
	{ "unable to get local issuer", WW_PROBE_TLS_UNTRUSTED },
	{ "SSL certificate problem", WW_PROBE_TLS_UNTRUSTED },
};

/* CERT_TRUST_REVOCATION_STATUS_UNKNOWN, CERT_TRUST_IS_OFFLINE_REVOCATION */
#define TRUST_REVOCATION_FLAGS 0x01000040UL

/*
 * libcurl names a chain error it has no name for by its mask ("error
 * mask: 0x01000040"): only revocation flags means revocation unknown.
 */
static bool mask_is_revocation_only(const char *text)
{
	const char *p = text ? strstr(text, "error mask: 0x") : NULL;
	unsigned long mask;
	char *end;

	if (!p)
		return false;
	mask = strtoul(p + 14, &end, 16);
	return end != p + 14 && mask && !(mask & ~TRUST_REVOCATION_FLAGS);
}

/* OpenSSL X509_V_ERR_* values (stable ABI numbers). */
static enum ww_probe_res from_verify_result(long v)
{
	switch (v) {
	case 0:
		return WW_PROBE_OK;
	case 9:  /* X509_V_ERR_CERT_NOT_YET_VALID */
	case 11: /* X509_V_ERR_CRL_NOT_YET_VALID */
		return WW_PROBE_TLS_NOT_YET_VALID;
	case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
	case 12: /* X509_V_ERR_CRL_HAS_EXPIRED */
		return WW_PROBE_TLS_EXPIRED;
	case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
	case 64: /* X509_V_ERR_IP_ADDRESS_MISMATCH */
		return WW_PROBE_TLS_NAME_MISMATCH;
	default: /* 2, 7, 18-21, 23, 24, 26-28 ...: chain and trust */
		return WW_PROBE_TLS_UNTRUSTED;
	}
}

/* A time-validity failure split by the certificate's own dates. */
static enum ww_probe_res split_time(const struct ww_probe_facts *f,
				    enum ww_probe_res r)
{
	if (r != WW_PROBE_TLS_EXPIRED && r != WW_PROBE_TLS_NOT_YET_VALID)
		return r;
	if (f->cert_not_before != WW_PROBE_UNKNOWN &&
	    f->now < f->cert_not_before)
		return WW_PROBE_TLS_NOT_YET_VALID;
	if (f->cert_not_after != WW_PROBE_UNKNOWN && f->now > f->cert_not_after)
		return WW_PROBE_TLS_EXPIRED;
	return r;
}

/* The certificate finding of a TLS failure, WW_PROBE_OK when none. */
static enum ww_probe_res cert_result(const struct ww_probe_facts *f)
{
	enum ww_probe_res r = WW_PROBE_OK;
	size_t i;

	/* libcurl presets the verify result to 1 (X509_V_ERR_UNSPECIFIED)
	 * and only the certificate check overwrites it: trust it only for
	 * a verification failure, and not the preset value. */
	if (f->curl_code == CURLE_PEER_FAILED_VERIFICATION &&
	    f->verify_result != 1)
		r = from_verify_result(f->verify_result);

	if (r == WW_PROBE_OK && mask_is_revocation_only(f->errtext))
		r = WW_PROBE_TLS_REVOCATION_UNKNOWN;
	if (r == WW_PROBE_OK) {
		for (i = 0; i < WW_ARRAY_SIZE(cert_texts); i++) {
			if (text_has(f->errtext, cert_texts[i].needle)) {
				r = cert_texts[i].result;
				break;
			}
		}
	}
	return split_time(f, r);
}

static bool is_tls_code(int code)
{
	switch (code) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return true;
	default:
		return false;
	}
}

bool ww_endpoint_is_cert_failure(const struct ww_probe_facts *f)
{
	enum ww_probe_res r;

	if (!is_tls_code(f->curl_code))
		return false;
	r = cert_result(f);
	return r != WW_PROBE_OK && r != WW_PROBE_TLS_HANDSHAKE_FAILED &&
	       r != WW_PROBE_TLS_REVOCATION_UNKNOWN;
}

static enum ww_probe_res tls_result(const struct ww_probe_facts *f)
{
	enum ww_probe_res r = cert_result(f);

	if (r != WW_PROBE_OK)
		return r;
	if (f->curl_code == CURLE_PEER_FAILED_VERIFICATION ||
	    f->curl_code == CURLE_SSL_CACERT_BADFILE ||
	    f->curl_code == CURLE_SSL_ISSUER_ERROR ||
	    f->curl_code == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		return WW_PROBE_TLS_UNTRUSTED;
	return WW_PROBE_TLS_HANDSHAKE_FAILED;
}

/* The stage a transfer had reached when it stopped. */
static enum ww_probe_stage reached(const struct ww_probe_facts *f)
{
	if (!f->dns_done)
		return f->via_proxy ? WW_STAGE_PROXY : WW_STAGE_DNS;
	if (!f->tcp_done)
		return f->via_proxy ? WW_STAGE_PROXY : WW_STAGE_CONNECT;
	if (f->via_proxy && f->https && f->connect_status == 0)
		return WW_STAGE_PROXY;
	if (f->https && !f->tls_done)
		return WW_STAGE_TLS;
	return WW_STAGE_HTTP;
}

static void set(struct ww_probe_class *c, enum ww_probe_res r,
		enum ww_probe_stage stage)
{
	c->result = r;
	c->stage = stage;
	c->wu_code = results[r].wu_code;
	c->detail_code = results[r].detail_code;
	c->hint = results[r].hint;
}

static void classify_timeout(const struct ww_probe_facts *f,
			     struct ww_probe_class *c)
{
	enum ww_probe_stage st = reached(f);

	if (!f->tcp_done && f->dns_done)
		set(c, WW_PROBE_CONNECT_TIMEOUT, st);
	else
		set(c, WW_PROBE_TIMEOUT, st);
}

/* A connection that closed or reset before a response. */
static void classify_closed(const struct ww_probe_facts *f,
			    struct ww_probe_class *c)
{
	enum ww_probe_stage st = reached(f);

	if (st == WW_STAGE_TLS) {
		set(c, WW_PROBE_TLS_HANDSHAKE_FAILED, st);
	} else if (st == WW_STAGE_PROXY) {
		set(c, WW_PROBE_PROXY_CONNECT_FAILURE, st);
	} else {
		set(c, WW_PROBE_HTTP_ERROR, st);
		c->wu_code = 0x80072EFE; /* ERROR_WINHTTP_CONNECTION_ERROR */
		c->hint = "the server closed the connection without an "
			  "answer: check the server's IIS and HTTP.sys logs "
			  "and any device on the path that drops connections";
	}
}

static void classify_status(const struct ww_probe_facts *f,
			    struct ww_probe_class *c)
{
	long s = f->http_status;

	if (s == 407)
		set(c, WW_PROBE_PROXY_AUTH_REQUIRED, WW_STAGE_PROXY);
	else if (s == 401)
		set(c, WW_PROBE_HTTP_UNAUTHORIZED, WW_STAGE_HTTP);
	else if (s == 404)
		set(c, WW_PROBE_HTTP_NOT_FOUND, WW_STAGE_HTTP);
	else if (s == 503)
		set(c, WW_PROBE_HTTP_UNAVAILABLE, WW_STAGE_HTTP);
	else if (s < 400 || (f->soap_endpoint && (s == 405 || s == 500)) ||
		 (f->own_directory && s == 403))
		set(c, WW_PROBE_OK, WW_STAGE_NONE);
	else {
		set(c, WW_PROBE_HTTP_ERROR, WW_STAGE_HTTP);
		c->wu_code = ww_endpoint_http_wu_code(s);
	}
}

static void classify_proxy_connect(const struct ww_probe_facts *f,
				   struct ww_probe_class *c)
{
	/* 407, or 401 as tinyproxy answers wrong credentials: both are the
	 * proxy refusing this client. */
	if (f->connect_status == 407 || f->connect_status == 401) {
		set(c, WW_PROBE_PROXY_AUTH_REQUIRED, WW_STAGE_PROXY);
		return;
	}
	/* The proxy answered CONNECT but could not (or would not) reach
	 * the target: the target's connection failed behind the proxy. */
	set(c, WW_PROBE_CONNECT_REFUSED, WW_STAGE_PROXY);
	c->hint = "the proxy refused or failed the tunnel (CONNECT): check "
		  "the proxy's rules for this host and port and its log";
}

void ww_endpoint_classify(const struct ww_probe_facts *f,
			  struct ww_probe_class *c)
{
	int code = f->curl_code;

	if (f->via_proxy && f->connect_status >= 300) {
		classify_proxy_connect(f, c);
	} else if (code == CURLE_OK ||
		   (f->http_status > 0 && (code == CURLE_WRITE_ERROR ||
					   code == CURLE_PARTIAL_FILE))) {
		classify_status(f, c);
	} else if (code == CURLE_COULDNT_RESOLVE_HOST) {
		set(c, WW_PROBE_DNS_FAILURE, WW_STAGE_DNS);
	} else if (code == CURLE_COULDNT_RESOLVE_PROXY) {
		set(c, WW_PROBE_PROXY_DNS_FAILURE, WW_STAGE_PROXY);
	} else if (code == CURLE_COULDNT_CONNECT) {
		if (f->via_proxy)
			set(c, WW_PROBE_PROXY_CONNECT_FAILURE, WW_STAGE_PROXY);
		else
			set(c, WW_PROBE_CONNECT_REFUSED, WW_STAGE_CONNECT);
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		classify_timeout(f, c);
	} else if (is_tls_code(code)) {
		set(c, tls_result(f), WW_STAGE_TLS);
		/* No revocation information at all, rather than a CRL server
		 * that could not be reached. */
		if (c->result == WW_PROBE_TLS_REVOCATION_UNKNOWN &&
		    (text_has(f->errtext, "0x80092012") ||
		     text_has(f->errtext, "CRYPT_E_NO_REVOCATION_CHECK")))
			c->wu_code = 0x80092012;
	} else if (code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
		   code == CURLE_GOT_NOTHING) {
		classify_closed(f, c);
	} else {
		set(c, WW_PROBE_HTTP_ERROR, reached(f));
	}
}

static int month_index(const char *m)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p;

	if (strlen(m) != 3)
		return -1;
	p = strstr(months, m);
	return p && (p - months) % 3 == 0 ? (int)((p - months) / 3) + 1 : -1;
}

/* "Jan  2 03:04:05 2030 GMT" (OpenSSL's ASN1_TIME_print). */
static int parse_openssl_date(const char *s, int64_t *ret)
{
	char mon[4];
	int d, h, mi, sec, y, mo;

	if (sscanf(s, "%3s %d %d:%d:%d %d", mon, &d, &h, &mi, &sec, &y) != 6)
		return WW_EINVAL;
	mo = month_index(mon);
	if (mo < 0)
		return WW_EINVAL;
	*ret = ww_time_from_civil(y, mo, d, h, mi, sec);
	return 0;
}

int ww_endpoint_parse_cert_date(const char *s, int64_t *ret)
{
	int y, mo, d, h, mi, sec;

	while (*s == ' ')
		s++;
	/* "2030-01-02 03:04:05 GMT" (libcurl's x509asn1.c: Schannel,
	 * wolfSSL, Secure Transport...). */
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) ==
	    6) {
		if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
		    sec > 60)
			return WW_EINVAL;
		*ret = ww_time_from_civil(y, mo, d, h, mi, sec);
		return 0;
	}
	return parse_openssl_date(s, ret);
}

/* Whether line starts with prefix, ignoring ASCII case. */
static bool starts_ci(const char *line, const char *prefix)
{
	for (; *prefix; line++, prefix++) {
		char a = *line, b = *prefix;

		if (a >= 'A' && a <= 'Z')
			a = (char)(a + ('a' - 'A'));
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + ('a' - 'A'));
		if (a != b) /* also ends at line's terminator */
			return false;
	}
	return true;
}

void ww_endpoint_cert_info_line(const char *line, int64_t *not_before,
				int64_t *not_after)
{
	/* The case differs by backend: OpenSSL writes "Start date:",
	 * x509asn1.c (Schannel) "Start Date:". */
	if (starts_ci(line, "Start date:"))
		ww_endpoint_parse_cert_date(line + 11, not_before);
	else if (starts_ci(line, "Expire date:"))
		ww_endpoint_parse_cert_date(line + 12, not_after);
}
