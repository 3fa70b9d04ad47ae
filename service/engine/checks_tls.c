/*
 * checks_tls.c - the two TLS paths of the guides (issue 14, item 2), as
 * rows of the one check table (checks.c): the judgements here, the facts
 * from the WSUS log's parser (synclog: the SCHANNEL startup lines, WSUS
 * start lines, TLS failures) and the host's registry (hostcfg).
 *
 *   sync_tls_fix       the sync path: WSUS logs its "SCHANNEL Protocol"
 *                      lines at start only with its TLS 1.2 fix installed
 *                      (the Monthly Rollup on 2012 / 2012 R2); none since
 *                      a start while resets appear is the missing fix.
 *   tls_failure_cause  which of the causes a TLS failure in the log (or
 *                      a probe's failed handshake) has: the missing sync
 *                      fix, TLS 1.2 off, the cipher suite order, or the
 *                      manual import path (sync succeeds meanwhile), and
 *                      the evidence that tells them apart.
 *
 * Sources: the sync-failure guide, section 2 (a third-party guide), and
 * Microsoft's "Troubleshoot WSUS synchronization and import issues"
 * (issues 1, 2, 3 and 5).  docs/health.md lists what rests on which.
 */
#include "compat.h"

#include "checks.h"
#include "util.h"

#define FIX_RESTART_LOOK \
	"Restart-Service WsusService, run iisreset, open the WSUS console, " \
	"then look in SoftwareDistribution.log for lines starting with " \
	"'SCHANNEL Protocol'"
#define FIX_INSPECTION \
	"The sync fix, TLS 1.2 and the cipher suites are in place here: " \
	"bypass TLS inspection for the Microsoft Update domains as a test " \
	"(the guide's section 3) and check the proxy's or firewall's TLS " \
	"policy and ciphers"

static const enum ww_synclog_category tls_cats[] = {
	WW_CAT_TLS_NO_COMMON_ALGORITHM,
	WW_CAT_TLS12_FIX_MISSING,    /* "an unexpected error occurred on a send" */
	WW_CAT_CONNECTION_CLOSED,    /* "forcibly closed by the remote host" */
};

/* The latest TLS failure the log shows, or NULL. */
static const struct ww_finding_summary *
latest_tls_failure(const struct ww_health_input *in,
		   enum ww_synclog_category *ret_cat)
{
	const struct ww_finding_summary *best = NULL;
	size_t k;

	for (k = 0; k < WW_ARRAY_SIZE(tls_cats); k++) {
		const struct ww_finding_summary *f = &in->log.findings[tls_cats[k]];

		if (f->count && (!best || f->last_seen > best->last_seen)) {
			best = f;
			*ret_cat = tls_cats[k];
		}
	}
	return best;
}

/* A probe of the sync source failed its TLS handshake (no common
 * protocol or cipher). */
static const struct ww_probe_summary *
probe_no_common(const struct ww_health_input *in)
{
	size_t k;

	for (k = 0; k < in->ntargets; k++) {
		const struct ww_probe_summary *t = &in->targets[k];

		if (!t->ok && strcmp(t->result, "tls_handshake_failed") == 0 &&
		    ww_is_sync_source(in, t))
			return t;
	}
	return NULL;
}

/* The part of a logged exception that says what happened: after
 * "WebException: " (the prefix is the same on every line of this kind)
 * or a 386's "Reason: ". */
static const char *gist(const char *example)
{
	static const char *const marks[] = { "WebException: ", "Reason: " };
	size_t k;

	for (k = 0; k < WW_ARRAY_SIZE(marks); k++) {
		const char *p = strstr(example, marks[k]);

		if (p && p[strlen(marks[k])])
			return p + strlen(marks[k]);
	}
	return example;
}

static bool host_known(const struct ww_health_input *in)
{
	return in->host_avail == WW_FACT_AVAILABLE;
}

/*
 * Windows Server 2016 and later: the guides name the rollup for 2012 and
 * 2012 R2 only (IMPORT-SYNC issue 3), so missing SCHANNEL lines there are
 * told, not claimed as the cause (the start line is the web service's,
 * and a log that rotated may have lost WsusService's start).
 */
static bool os_2016_or_later(const struct ww_health_input *in)
{
	return host_known(in) && ww_hostcfg_os_2016_or_later(&in->host.os);
}

/* The Monthly Rollup for this OS, as the guide names it. */
static void sync_fix(const struct ww_health_input *in, struct measure *m)
{
	const char *kb = host_known(in) ? ww_hostcfg_sync_fix_kb(&in->host.os) :
					  NULL;
	char os[WW_HEALTH_TEXT_MAX / 2], fix[WW_HEALTH_LONG_MAX];

	if (host_known(in))
		ww_hostcfg_os_text(&in->host.os, os, sizeof(os));
	if (kb)
		snprintf(fix, sizeof(fix), "Install the Monthly Rollup %s on %s, "
			 "or a later Monthly Rollup (Security-Only updates do "
			 "not carry WSUS's TLS 1.2 fix for sync); then "
			 FIX_RESTART_LOOK, kb, os);
	else if (os_2016_or_later(in))
		snprintf(fix, sizeof(fix), "The guides name the Monthly Rollup "
			 "for 2012 (KB4022721) and 2012 R2 (KB4022720); on %s "
			 "install the latest cumulative update; then "
			 FIX_RESTART_LOOK, os);
	else
		snprintf(fix, sizeof(fix), "Install the Monthly Rollup "
			 "(KB4022721 on Windows Server 2012, KB4022720 on 2012 "
			 "R2) or later (the OS version could not be read); then "
			 FIX_RESTART_LOOK);
	ww_m_fix(m, fix);
}

static void iso(int64_t t, char buf[WW_ISO_TIME_LEN])
{
	ww_time_format_iso(t, buf);
}

static void schannel_present(const struct ww_health_input *in,
			     struct measure *m)
{
	const struct ww_finding_summary *s =
		&in->log.findings[WW_CAT_SCHANNEL_STARTUP];
	const struct ww_finding_summary *st =
		&in->log.findings[WW_CAT_SERVICE_START];
	char at[WW_ISO_TIME_LEN], start[WW_ISO_TIME_LEN];

	iso(s->last_seen, at);
	ww_m_state(m, WW_STATE_OK);
	if (!st->count) {
		ww_m_text(m, "WSUS's TLS 1.2 fix for sync is installed: SCHANNEL "
			  "startup lines at %s", at);
	} else {
		iso(st->last_seen, start);
		/* A web service recycle logs a start without them: the lines
		 * seen at any start show the fix, which is not undone. */
		ww_m_text(m, "WSUS's TLS 1.2 fix for sync is installed: SCHANNEL "
			  "startup lines at %s (latest WSUS start line %s)", at,
			  start);
	}
	ww_m_evidence(m, "%" PRIu64 " SCHANNEL line(s), the latest: \"%.300s\"",
		      s->count, s->example);
}

void ww_measure_sync_tls_fix(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	const struct ww_finding_summary *st =
		&in->log.findings[WW_CAT_SERVICE_START], *f;
	enum ww_synclog_category cat = WW_CAT_COUNT;
	char start[WW_ISO_TIME_LEN], at[WW_ISO_TIME_LEN];

	(void)i;
	(void)now;
	if (in->log.avail != WW_FACT_AVAILABLE)
		return;
	if (in->from_upstream || in->disconnected) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "the server %s: Microsoft Update's TLS 1.2 "
			  "requirement does not apply", in->disconnected ?
			  "is disconnected" : "syncs from an upstream WSUS server");
		return;
	}
	if (in->log.findings[WW_CAT_SCHANNEL_STARTUP].count) {
		schannel_present(in, m);
		return;
	}
	f = latest_tls_failure(in, &cat);
	if (!st->count) {
		if (!f || (in->have_success && f->last_seen <= in->last_success)) {
			m->kind = M_SKIPPED;
			ww_m_text(m, "no WSUS start in the log read: whether the "
				  "SCHANNEL startup lines appear cannot be seen");
			return;
		}
		ww_m_state(m, WW_STATE_WARNING);
		iso(f->last_seen, at);
		ww_m_text(m, "the log shows %s (last at %s) and no WSUS start: "
			  "whether WSUS's TLS 1.2 fix for sync is installed "
			  "cannot be seen", ww_synclog_category_name(cat), at);
		ww_m_evidence(m, "no 'SCHANNEL Protocol' line and no start line "
			      "in the log read; %s: \"%.200s\"",
			      ww_synclog_category_name(cat), gist(f->example));
		ww_m_fix(m, FIX_RESTART_LOOK);
		return;
	}
	iso(st->last_seen, start);
	sync_fix(in, m);
	if (f && f->last_seen >= st->first_seen && !os_2016_or_later(in)) {
		ww_m_state(m, WW_STATE_CRITICAL);
		iso(f->last_seen, at);
		ww_m_text(m, "no SCHANNEL startup lines since WSUS started (%s) "
			  "while the log shows %s (last at %s): WSUS's TLS 1.2 "
			  "fix for sync is not installed", start,
			  ww_synclog_category_name(cat), at);
		ww_m_evidence(m, "start line at %s: \"%.120s\"; no line starting "
			      "'SCHANNEL Protocol' in the log read; %s %" PRIu64
			      " time(s): \"%.200s\"", start, st->example,
			      ww_synclog_category_name(cat), f->count,
			      gist(f->example));
		snprintf(m->cause_text, sizeof(m->cause_text), "WSUS's TLS 1.2 "
			 "fix for sync is missing: no SCHANNEL lines since the "
			 "start at %s, %s at %s", start,
			 ww_synclog_category_name(cat), at);
		return;
	}
	ww_m_state(m, WW_STATE_WARNING);
	ww_m_text(m, "no SCHANNEL startup lines since WSUS started (%s): "
		  "WSUS's TLS 1.2 fix for sync is probably not installed (%s)",
		  start, f ? "the guides name the rollup for 2012 and 2012 R2 "
		  "only" : "no TLS failure logged since");
	ww_m_evidence(m, "start line at %s: \"%.200s\"; no line starting "
		      "'SCHANNEL Protocol' in the log read", start, st->example);
}

/* ---- which cause a TLS failure has ---- */

struct tls_facts {
	const struct ww_finding_summary *f;  /* latest log TLS failure */
	enum ww_synclog_category cat;
	const struct ww_probe_summary *probe;/* failed handshake, or NULL */
	int64_t at;                          /* latest failure seen */
	bool sync_failing;                   /* not followed by a success */
	bool no_common;                      /* "no common algorithm" */
	struct ww_hostcfg_report hr;         /* host items, when known */
};

static const struct ww_hostcfg_item *host_item(const struct tls_facts *t,
					       const char *name)
{
	size_t k;

	for (k = 0; k < t->hr.n; k++)
		if (strcmp(t->hr.items[k].name, name) == 0)
			return &t->hr.items[k];
	return NULL;
}

static bool item_bad(const struct tls_facts *t, const char *name)
{
	const struct ww_hostcfg_item *it = host_item(t, name);

	return it && ww_hostcfg_item_bad(it);
}

static bool gather_facts(const struct ww_health_input *in,
			 struct tls_facts *t)
{
	memset(t, 0, sizeof(*t));
	t->cat = WW_CAT_COUNT;
	if (in->log.avail == WW_FACT_AVAILABLE)
		t->f = latest_tls_failure(in, &t->cat);
	t->probe = probe_no_common(in);
	if (!t->f && !t->probe)
		return false;
	t->at = t->f ? t->f->last_seen : t->probe->at;
	if (t->probe && t->probe->at > t->at)
		t->at = t->probe->at;
	t->sync_failing = !in->have_success || t->at > in->last_success;
	t->no_common = t->probe || t->cat == WW_CAT_TLS_NO_COMMON_ALGORITHM ||
		       (in->log.avail == WW_FACT_AVAILABLE &&
			in->log.findings[WW_CAT_TLS_NO_COMMON_ALGORITHM].count);
	if (host_known(in))
		ww_checks_host_items(in, &t->hr);
	return true;
}

/* What was seen, the same first sentence for every cause. */
static void failure_evidence(const struct ww_health_input *in,
			     const struct tls_facts *t, const char *why,
			     struct measure *m)
{
	char at[WW_ISO_TIME_LEN], ok[WW_ISO_TIME_LEN] = "never";
	char seen[200];

	iso(t->at, at);
	if (in->have_success)
		iso(in->last_success, ok);
	if (t->f)
		snprintf(seen, sizeof(seen), "log %s x%" PRIu64 ": \"%.140s\"",
			 ww_synclog_category_name(t->cat), t->f->count,
			 gist(t->f->example));
	else
		snprintf(seen, sizeof(seen), "probe of %.60s: %.110s",
			 t->probe->url, t->probe->detail);
	ww_m_evidence(m, "%s; latest TLS failure %s, last successful sync %s "
		      "(%s path); %s", seen, at, ok, t->sync_failing ? "sync" :
		      "not the sync", why);
}

static void name_cause(const struct ww_health_input *in,
		       const struct tls_facts *t, enum ww_state st,
		       const char *cause, const char *why, const char *fix,
		       struct measure *m)
{
	const char *what = t->f ? ww_synclog_category_name(t->cat) :
				  "a failed TLS handshake (probe)";

	ww_m_state(m, st);
	ww_m_text(m, "%s: %s", what, cause);
	snprintf(m->cause_text, sizeof(m->cause_text), "%s: %s", what, cause);
	failure_evidence(in, t, why, m);
	ww_m_fix(m, fix);
}

/* The decision rule: TLS 1.2 on and strong crypto set, yet no common
 * algorithm: the cipher suite order. */
static void cipher_cause(const struct ww_health_input *in,
			 const struct tls_facts *t, struct measure *m)
{
	const struct ww_hostcfg_item *c = host_item(t, "cipher_suite_order");
	const struct ww_hostcfg_suites *s;
	const char *where, *os_name, *found = NULL;
	const char *const *need = ww_hostcfg_mu_suites(&in->host.os, &os_name);
	char fix[WW_HEALTH_LONG_MAX], why[WW_HEALTH_TEXT_MAX];

	s = ww_hostcfg_suites_in_force(&in->host, &where);
	if (c && ww_hostcfg_item_bad(c)) {
		char both[WW_HEALTH_LONG_MAX];

		snprintf(both, sizeof(both), "%s: %s", c->summary, c->evidence);
		name_cause(in, t, WW_STATE_CRITICAL, "the cipher suite order has "
			   "no suite Microsoft Update accepts", both, c->hint, m);
		return;
	}
	if (s)
		ww_hostcfg_suites_usable(s->list, need, &found);
	snprintf(why, sizeof(why), "TLS 1.2 is enabled and .NET strong crypto "
		 "is set, yet no common algorithm: the cipher suites decide "
		 "(%s)", s ? "a cipher suite order is configured" :
		 "no cipher suite order is configured here");
	/* Never ask for a suite the list already has. */
	snprintf(fix, sizeof(fix), "%s%s%s; run gpresult /scope computer /h "
		 "GPReport.html and read SSL Cipher Suite Order; a TLS-"
		 "inspecting proxy offers its own suites: bypass it for the "
		 "Microsoft Update domains as a test", found ?
		 "The cipher suite order here already includes " :
		 "Check the suites offered: the endpoint accepts ",
		 found ? found : os_name, found ? "" : " (Microsoft's list "
		 "for this OS)");
	name_cause(in, t, t->sync_failing ? WW_STATE_CRITICAL :
		   WW_STATE_WARNING, "the cipher suites (TLS 1.2 and strong "
		   "crypto are set)", why, fix, m);
}

/* Sync succeeded after the failure: the manual import path (.NET). */
static void import_cause(const struct ww_health_input *in,
			 const struct tls_facts *t, struct measure *m)
{
	const struct ww_hostcfg_item *w = host_item(t, "w3wp_exe_config");
	const struct ww_hostcfg_item *d = host_item(t, "dotnet_strong_crypto");
	const struct ww_hostcfg_item *bad = item_bad(t, "w3wp_exe_config") ? w :
					    item_bad(t, "dotnet_strong_crypto") ?
					    d : NULL;

	if (!host_known(in)) {
		m->kind = M_NA; /* the import settings are not readable here */
		return;
	}
	if (!bad) {
		name_cause(in, t, WW_STATE_OK, "synchronization succeeds "
			   "meanwhile and the import path offers TLS 1.2",
			   d ? d->summary : "", NULL, m);
		return;
	}
	name_cause(in, t, WW_STATE_WARNING, "synchronization succeeds "
		   "meanwhile: the manual import path (.NET) is not on TLS 1.2",
		   bad->summary, bad->hint, m);
}

void ww_measure_tls_failure_cause(const struct ww_health_input *in,
				  size_t i, int64_t now, struct measure *m)
{
	const struct ww_hostcfg_item *p;
	struct tls_facts *t = malloc(sizeof(*t));

	(void)i;
	(void)now;
	if (!t || !gather_facts(in, t))
		goto out;
	m->rank = -10; /* it tells the TLS causes apart: named first */
	ww_strlcpy(m->stage, "tls", sizeof(m->stage));
	if (!t->sync_failing) {
		/* Only the log can show an import failing; a probe is no
		 * .NET import. */
		if (t->f)
			import_cause(in, t, m);
		else
			m->kind = M_NA;
		goto out;
	}
	if (in->log.avail == WW_FACT_AVAILABLE && !in->from_upstream &&
	    !in->log.findings[WW_CAT_SCHANNEL_STARTUP].count &&
	    in->log.findings[WW_CAT_SERVICE_START].count &&
	    !os_2016_or_later(in)) {
		char start[WW_ISO_TIME_LEN], why[WW_HEALTH_TEXT_MAX];

		iso(in->log.findings[WW_CAT_SERVICE_START].last_seen, start);
		snprintf(why, sizeof(why), "no 'SCHANNEL Protocol' startup line "
			 "since WSUS started at %s (sync_tls_fix)", start);
		name_cause(in, t, WW_STATE_CRITICAL, "WSUS's TLS 1.2 fix for "
			   "sync is missing", why, "", m);
		sync_fix(in, m);
		goto out;
	}
	if (!host_known(in)) {
		/* Nothing here tells the causes apart: the network and log
		 * rows speak (diagnose away from the server, POSIX). */
		m->kind = M_NA;
		goto out;
	}
	p = host_item(t, "schannel_tls12_client");
	if (p && p->state == WW_HOSTCFG_CRITICAL) {
		name_cause(in, t, WW_STATE_CRITICAL, "TLS 1.2 is disabled for "
			   "SCHANNEL clients", p->evidence, p->hint, m);
		goto out;
	}
	if (item_bad(t, "cipher_suite_order") ||
	    (t->no_common &&
	     !ww_hostcfg_report_has_finding(&t->hr, "import_tls_path"))) {
		cipher_cause(in, t, m);
		goto out;
	}
	if (t->no_common && t->f) {
		/* ConfigMgr's sync imports through .NET (issue 4). */
		import_cause(in, t, m);
		goto out;
	}
	/* Not this host's settings: said, but no host cause is claimed, so
	 * the path's own rows (probe stage, log finding) are named. */
	name_cause(in, t, WW_STATE_OK, "not this host's TLS settings; "
		   "suspect the path (proxy or firewall TLS inspection)",
		   in->log.findings[WW_CAT_SCHANNEL_STARTUP].count ?
		   "SCHANNEL startup lines present, TLS 1.2 on, a usable cipher "
		   "suite" : "TLS 1.2 on, a usable cipher suite", FIX_INSPECTION,
		   m);
out:
	free(t);
}
