/*
 * checks_local.c - this WSUS server's own endpoints (issue 14, item 1;
 * the guide's "The Content and SelfUpdate virtual roots must not be
 * configured to require SSL" and "The FQDN used to reach WSUS must match
 * the Subject or SAN on the certificate"): SelfUpdate and the Content
 * virtual root over plain HTTP, the HTTPS binding when UsingSSL is on,
 * probed directly (probes.local, endpoint_targets.c).
 *
 * What clients meet here never stops this server's own sync, so the row
 * is a finding (WW_KIND_FINDING): counted toward the overall state with
 * its own fix, never named as the cause of a stale or failed sync
 * (docs/health.md).  Each
 * target's probe is judged on what it is: a 403 from SelfUpdate is
 * "Require SSL", from the Content root it is the directory listing WSUS
 * turns off (its normal answer).
 */
#include "compat.h"

#include "checks.h"
#include "endpoint.h"
#include "util.h"

#define FIX_POOL \
	"Check WsusPool in IIS Manager > Application Pools (started, its " \
	"Private Memory Limit: the wsus_pool check), then iisreset"
#define FIX_SELFUPDATE_SSL \
	"IIS Manager > Sites > WSUS Administration > SelfUpdate > SSL " \
	"Settings: clear 'Require SSL'. SelfUpdate is served over HTTP " \
	"even when WSUS uses SSL; clients cannot update their agent " \
	"otherwise"
#define FIX_SELFUPDATE_GONE \
	"The SelfUpdate virtual directory of the WSUS Administration site " \
	"is missing or empty: re-run WSUS's post-installation " \
	"(wsusutil.exe postinstall) to restore it"
#define FIX_CONTENT_ANON \
	"IIS Manager > Sites > WSUS Administration > Content > " \
	"Authentication: enable Anonymous Authentication; clients " \
	"download update files anonymously"
#define FIX_CONTENT_SSL \
	"IIS Manager > Sites > WSUS Administration > Content > SSL " \
	"Settings: clear 'Require SSL'. Clients download update files " \
	"over HTTP even when WSUS uses SSL"
#define FIX_CONTENT_GONE \
	"The Content virtual directory (its physical path: ContentDir\\" \
	"WsusContent) is missing: re-run wsusutil.exe postinstall, or " \
	"wsusutil.exe movecontent if the content was moved"
#define FIX_UNREACHABLE \
	"This server does not answer on its own port: check W3SVC, the " \
	"WSUS Administration site's bindings in IIS Manager and, for a name " \
	"failure, DNS for this server's name (or set wsus.server.host)"
#define FIX_RENEW \
	"Renew the certificate for the name clients use, then select it " \
	"in the WSUS Administration site's https binding (IIS Manager > " \
	"Bindings) and run iisreset"
#define FIX_NAME \
	"Issue the HTTPS binding's certificate to the name clients and " \
	"downstream servers use (its FQDN; a NetBIOS name in their WSUS " \
	"URL needs a SAN for it too), or set wsus.server.host to the name " \
	"they use"
#define FIX_TRUST \
	"Import the root CA into Local Computer\\Trusted Root Certification " \
	"Authorities and the issuing CA into Intermediate Certification " \
	"Authorities, on this server and on its clients"

bool ww_is_local_target(const struct ww_probe_summary *t)
{
	return strncmp(t->name, WW_LOCAL_TARGET_PREFIX,
		       strlen(WW_LOCAL_TARGET_PREFIX)) == 0;
}

static bool is(const struct ww_probe_summary *t, const char *what)
{
	return strcmp(t->name + strlen(WW_LOCAL_TARGET_PREFIX), what) == 0;
}

/* What an HTTP answer says, per target; what: NULL for every one. */
static const struct {
	const char *what;
	int64_t status;
	const char *summary;
	const char *fix;
} answers[] = {
	{ NULL, 503, "WSUS's web services (WsusPool) fail", FIX_POOL },
	{ NULL, 500, "WSUS's web services (WsusPool) fail", FIX_POOL },
	{ "selfupdate", 403, "Require SSL is set on SelfUpdate",
	  FIX_SELFUPDATE_SSL },
	{ "selfupdate", 404, "no SelfUpdate virtual directory",
	  FIX_SELFUPDATE_GONE },
	{ "content", 401, "the Content virtual root asks for authentication: "
	  "clients download anonymously", FIX_CONTENT_ANON },
	{ "content", 404, "no Content virtual root", FIX_CONTENT_GONE },
};

/* An HTTP answer that says what is wrong. */
static bool judge_status(const struct ww_probe_summary *t, struct measure *m)
{
	size_t k;

	for (k = 0; k < WW_ARRAY_SIZE(answers); k++) {
		if (answers[k].status != t->http_status ||
		    (answers[k].what && !is(t, answers[k].what)))
			continue;
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "%s (%s answers HTTP %" PRId64 ")",
			  answers[k].summary, t->url, t->http_status);
		ww_m_fix(m, answers[k].fix);
		return true;
	}
	return false;
}

/* The HTTPS binding's certificate, after a handshake or its failure. */
static bool judge_cert(const struct ww_health_input *in,
		       const struct ww_probe_summary *t, int64_t now,
		       struct measure *m)
{
	char span[32], iso[WW_ISO_TIME_LEN];
	int64_t left = t->cert_not_after - now;
	enum ww_state st;

	if (strcmp(t->result, "tls_name_mismatch") == 0) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "the HTTPS binding's certificate does not name the "
			  "host clients use (%s)", t->url);
		ww_m_fix(m, FIX_NAME);
		return true;
	}
	if (strcmp(t->result, "tls_untrusted") == 0) {
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "this server does not trust its own HTTPS "
			  "certificate's chain (%s)", t->url);
		ww_m_fix(m, FIX_TRUST);
		return true;
	}
	if (!t->have_cert)
		return false;
	/* The thresholds of every certificate: cert_expiry's. */
	st = ww_health_rule_judge("cert_expiry", &in->th, left);
	if (st != WW_STATE_WARNING && st != WW_STATE_CRITICAL)
		return false;
	ww_time_format_iso(t->cert_not_after, iso);
	ww_health_format_age(left < 0 ? -left : left, span, sizeof(span));
	ww_m_state(m, st);
	ww_m_fix(m, FIX_RENEW);
	if (st == WW_STATE_CRITICAL)
		/* Every client's scan over SSL fails: observed, not guessed. */
		ww_m_text(m, "the HTTPS binding's certificate expired %s ago "
			  "(%s): clients cannot scan", span, iso);
	else
		ww_m_text(m, "the HTTPS binding's certificate expires in %s "
			  "(%s)", span, iso);
	return true;
}

/*
 * A failed probe (an iisreset, a pool recycling) is shown at once but
 * alerted only once it repeats thresholds.probe_failures times, as the
 * endpoint rule does; a certificate judged by its dates, with the
 * probe passing, is no blip.
 */
static void quiet_until_repeated(const struct ww_health_input *in,
				 const struct ww_probe_summary *t,
				 struct measure *m)
{
	m->quiet = !t->ok && m->state == WW_STATE_WARNING &&
		   t->consecutive_failures < in->th.probe_failures;
}

/* applicationHost.config says the Content root requires SSL. */
static bool content_requires_ssl(const struct ww_health_input *in)
{
	return in->local_avail == WW_FACT_AVAILABLE && in->local.pool.code == 0 &&
	       in->local.pool.content_ssl == 1;
}

static void evidence(const struct ww_probe_summary *t, struct measure *m)
{
	char http[32] = "", when[WW_ISO_TIME_LEN] = "";

	if (t->http_status > 0)
		snprintf(http, sizeof(http), ", HTTP %" PRId64, t->http_status);
	if (t->have_cert)
		ww_time_format_iso(t->cert_not_after, when);
	ww_m_evidence(m, "%s: %s%s%s%s%s%s", t->url, t->ok ? "ok" : t->result,
		      http, t->detail[0] ? "; " : "", t->detail,
		      when[0] ? "; certificate valid until " : "", when);
}

void ww_measure_local_endpoint(const struct ww_health_input *in, size_t i,
			       int64_t now, struct measure *m)
{
	const struct ww_probe_summary *t = &in->targets[i];

	if (!ww_is_local_target(t)) {
		m->kind = M_NA;
		return;
	}
	ww_strlcpy(m->item, t->name, sizeof(m->item));
	ww_strlcpy(m->stage, t->stage, sizeof(m->stage));
	ww_strlcpy(m->code, t->wu_code, sizeof(m->code));
	evidence(t, m);
	/* A status is judged only when the probe failed on it: an .asmx
	 * answering 500 with its help page off has proven its path. */
	if ((!t->ok && judge_status(t, m)) || judge_cert(in, t, now, m)) {
		quiet_until_repeated(in, t, m);
		return;
	}
	if (t->ok && is(t, "content") && content_requires_ssl(in)) {
		/* Its 403 alone could be the listing turned off: IIS's own
		 * configuration tells. */
		ww_m_state(m, WW_STATE_WARNING);
		ww_m_text(m, "Require SSL is set on the Content virtual root (%s "
			  "answers HTTP %" PRId64 " over HTTP)", t->url,
			  t->http_status);
		ww_m_evidence(m, "%s: <location path=\"SITE/Content\"> <access "
			      "sslFlags> holds Ssl; %s answers HTTP %" PRId64,
			      in->local.pool.path, t->url, t->http_status);
		ww_m_fix(m, FIX_CONTENT_SSL);
		return;
	}
	if (t->ok) {
		ww_m_state(m, WW_STATE_OK);
		ww_m_text(m, "%s answers%s", t->url, is(t, "content") &&
			  t->http_status == 403 ? " (HTTP 403: directory "
			  "listing off, as WSUS sets it)" : "");
		return;
	}
	ww_m_state(m, WW_STATE_WARNING);
	if (t->http_status > 0)
		ww_m_text(m, "%s fails at stage %s: %s, HTTP %" PRId64, t->url,
			  t->stage[0] ? t->stage : "unknown", t->result,
			  t->http_status);
	else
		ww_m_text(m, "%s fails at stage %s: %s", t->url,
			  t->stage[0] ? t->stage : "unknown", t->result);
	ww_m_fix(m, t->http_status > 0 && t->hint[0] ? t->hint :
		 FIX_UNREACHABLE);
	quiet_until_repeated(in, t, m);
}
