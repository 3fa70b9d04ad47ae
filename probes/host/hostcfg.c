/*
 * hostcfg.c - judging the host's TLS registry settings (pure; the values
 * come from hostcfg_win32.c or a test).
 *
 * What is judged and why (docs/diagnose.md has the sources):
 *   - SCHANNEL TLS 1.2 client: Enabled=0 switches TLS 1.2 off for every
 *     client on the machine, and sws.update.microsoft.com accepts TLS 1.2
 *     only since July 2020: critical.  DisabledByDefault=1 leaves it off
 *     for programs that ask for "the system default": warning.  Absent
 *     values mean the operating system's default (TLS 1.2 on from
 *     Windows Server 2012 R2 / 8.1 on).
 *   - .NET 4 SchUseStrongCrypto: the *manual import* path (the
 *     console's or ConfigMgr's catalog import through IIS's .NET), which
 *     the guides keep apart from sync: without strong crypto that .NET
 *     offers SSL 3/TLS 1.0/1.1 only and import fails with "The underlying
 *     connection was closed" or "do not possess a common algorithm".  The
 *     TLS 1.2 fix for *sync* is the Monthly Rollup (KB4022721 on 2012,
 *     KB4022720 on 2012 R2), seen as SCHANNEL lines in the WSUS log, not
 *     this value.  Missing in either registry view is the
 *     `import_tls_path` finding; that import fails for it is inferred
 *     from the registry (Microsoft's "Troubleshoot WSUS synchronization
 *     and import issues", issues 1 and 2), and the summary says so.
 *     SystemDefaultTlsVersions=1 (the system's defaults) serves as well;
 *     a value 0 is reported as "set to 0", never as absent.
 *   - w3wp.exe.config: DontEnableSystemDefaultTlsVersions=true keeps
 *     import off the system's TLS defaults (issue 1's resolution).
 *   - The cipher suite order (issue 5): the policy in force must hold
 *     one suite of the endpoint's list for this OS (one static table).
 * No hint asks for a value that is already set.
 */
#include "compat.h"

#include "hostcfg.h"
#include "util.h"

#define HINT_TLS12_CLIENT \
	"Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\" \
	"SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=1 and " \
	"DisabledByDefault=0 (or delete both), then restart the server"
#define HINT_WSUS_SETUP \
	"WSUS is not installed here: run diagnose on the WSUS server, or " \
	"give it a copy of the log with --log"
#define KEY_NET "HKLM\\SOFTWARE\\%sMicrosoft\\.NETFramework\\v4.0.30319"

static const char *const proto_names[WW_HOSTCFG_TLS_COUNT] = {
	"TLS 1.0", "TLS 1.1", "TLS 1.2"
};

static struct ww_hostcfg_item *add_item(struct ww_hostcfg_report *r,
					const char *name)
{
	struct ww_hostcfg_item *it = &r->items[r->n++];

	memset(it, 0, sizeof(*it));
	it->name = name;
	return it;
}

static void WW_PRINTF(2, 3) text(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, WW_HOSTCFG_TEXT_MAX, fmt, ap);
	va_end(ap);
}

static void hint(struct ww_hostcfg_item *it, const char *h)
{
	ww_strlcpy(it->hint, h, sizeof(it->hint));
}

/* "Enabled=1" or "Enabled absent" into buf. */
static void dword_text(const char *name, const struct ww_hostcfg_dword *d,
		       char *buf, size_t size)
{
	if (d->present)
		snprintf(buf, size, "%s=%" PRIu32, name, d->value);
	else
		snprintf(buf, size, "%s absent", name);
}

static bool is_set(const struct ww_hostcfg_dword *d, uint32_t v)
{
	return d->present && d->value == v;
}

/* A client protocol switched off: Enabled=0, or DisabledByDefault=1. */
static bool proto_off(const struct ww_hostcfg_proto *p)
{
	return is_set(&p->enabled, 0) ||
	       (p->disabled_by_default.present &&
		p->disabled_by_default.value != 0);
}

static void protos_evidence(const struct ww_hostcfg_values *v, char *buf,
			    size_t size)
{
	size_t k, len = 0;

	for (k = 0; k < WW_HOSTCFG_TLS_COUNT && len < size; k++) {
		char a[48], b[48];

		dword_text("Enabled", &v->client[k].enabled, a, sizeof(a));
		dword_text("DisabledByDefault",
			   &v->client[k].disabled_by_default, b, sizeof(b));
		len += (size_t)snprintf(buf + len, size - len, "%s%s\\Client: "
					"%s, %s", k ? "; " : "SCHANNEL\\Protocols\\",
					proto_names[k], a, b);
	}
}

/*
 * TLS 1.2 decides sync (sws.update.microsoft.com accepts nothing else);
 * TLS 1.0 and 1.1 switched off matter to manual import only, whose .NET
 * offers them unless strong crypto is on (issue 2 of Microsoft's
 * article): said in the summary, judged by the import path's items.
 */
static void judge_protocols(const struct ww_hostcfg_values *v,
			    struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "schannel_tls12_client");
	const struct ww_hostcfg_proto *t12 = &v->client[WW_HOSTCFG_TLS12];
	bool old_off = proto_off(&v->client[WW_HOSTCFG_TLS10]) &&
		       proto_off(&v->client[WW_HOSTCFG_TLS11]);
	const char *old = old_off ? "; TLS 1.0 and 1.1 are off (manual "
				    "import then needs the .NET settings)" : "";

	protos_evidence(v, it->evidence, sizeof(it->evidence));
	if (is_set(&t12->enabled, 0)) {
		it->state = WW_HOSTCFG_CRITICAL;
		hint(it, HINT_TLS12_CLIENT);
		text(it->summary, "TLS 1.2 is disabled for clients in SCHANNEL; "
			      "Microsoft Update accepts only TLS 1.2");
	} else if (t12->disabled_by_default.present &&
		   t12->disabled_by_default.value != 0) {
		it->state = WW_HOSTCFG_WARNING;
		hint(it, HINT_TLS12_CLIENT);
		text(it->summary, "TLS 1.2 is not used by default by SCHANNEL "
			      "clients (DisabledByDefault=%" PRIu32 ")%s",
		     t12->disabled_by_default.value, old);
	} else if (!t12->enabled.present && !t12->disabled_by_default.present) {
		text(it->summary, "TLS 1.2 not configured: the operating system "
			      "default applies (on from Windows Server 2012 "
			      "R2)%s", old);
	} else {
		text(it->summary, "TLS 1.2 is enabled for SCHANNEL clients%s",
		     old);
	}
}

/* ---- the cipher suite order ---- */

static const char *const suites_2012[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
	NULL
};
static const char *const suites_2016[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	NULL
};
static const char *const suites_any[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
	NULL
};

/* Builds 9200 (2012, 8) and 9600 (2012 R2, 8.1) name suites with the
 * curve; 10.0 (14393 on 2016) names them without. */
const char *const *ww_hostcfg_mu_suites(const struct ww_hostcfg_os *os,
					const char **ret_os)
{
	if (os->present && (os->build == 9200 || os->build == 9600)) {
		*ret_os = "Windows Server 2012 and 2012 R2";
		return suites_2012;
	}
	if (ww_hostcfg_os_2016_or_later(os)) {
		*ret_os = "Windows Server 2016 and later";
		return suites_2016;
	}
	*ret_os = "an unknown Windows version (both lists)";
	return suites_any;
}

bool ww_hostcfg_os_2016_or_later(const struct ww_hostcfg_os *os)
{
	return os->present && os->build >= 10240;
}

const char *ww_hostcfg_sync_fix_kb(const struct ww_hostcfg_os *os)
{
	if (!os->present)
		return NULL;
	return os->build == 9200 ? "KB4022721" :
	       os->build == 9600 ? "KB4022720" : NULL;
}

void ww_hostcfg_os_text(const struct ww_hostcfg_os *os, char *buf,
			size_t size)
{
	if (!os->present)
		snprintf(buf, size, "unknown OS (CurrentBuild not readable)");
	else
		snprintf(buf, size, "%s (build %" PRIu32 ")", os->product[0] ?
			 os->product : "Windows", os->build);
}

/* Whether the token list[0..n) equals name, ignoring case and blanks. */
static bool token_is(const char *tok, size_t n, const char *name)
{
	char t[96];

	while (n && (*tok == ' ' || *tok == '\t')) {
		tok++;
		n--;
	}
	while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
		n--;
	if (n != strlen(name) || n >= sizeof(t))
		return false;
	memcpy(t, tok, n);
	t[n] = '\0';
	return ww_strcasecmp(t, name) == 0;
}

bool ww_hostcfg_suites_usable(const char *list, const char *const *suites,
			      const char **ret_found)
{
	const char *p = list;

	*ret_found = NULL;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t k;

		for (k = 0; suites[k]; k++)
			if (token_is(p, n, suites[k])) {
				*ret_found = suites[k];
				return true;
			}
		p += n;
		if (*p)
			p++;
	}
	return false;
}

const struct ww_hostcfg_suites *
ww_hostcfg_suites_in_force(const struct ww_hostcfg_values *v,
			   const char **ret_where)
{
	if (v->suites_policy.present) {
		*ret_where = "Group Policy";
		return &v->suites_policy;
	}
	if (v->suites_local.present) {
		*ret_where = "the local setting";
		return &v->suites_local;
	}
	*ret_where = "";
	return NULL;
}

static void join_suites(const char *const *s, char *buf, size_t size)
{
	size_t k, len = 0;

	buf[0] = '\0';
	for (k = 0; s[k] && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					k ? ", " : "", s[k]);
}

static void suites_evidence(const struct ww_hostcfg_values *v, char *buf,
			    size_t size)
{
	char os[WW_HOSTCFG_TEXT_MAX];

	ww_hostcfg_os_text(&v->os, os, sizeof(os));
	snprintf(buf, size, "SSL\\00010002 Functions: policy %.180s%s; local "
		 "%.120s%s; %s", v->suites_policy.present ?
		 v->suites_policy.list : "absent",
		 strlen(v->suites_policy.list) > 180 ? "..." : "",
		 v->suites_local.present ? v->suites_local.list : "absent",
		 strlen(v->suites_local.list) > 120 ? "..." : "", os);
}

/*
 * Issue 5 of Microsoft's article: a cipher suite order (GPO "SSL Cipher
 * Suite Order", else the local setting) with none of the suites the
 * endpoint accepts fails sync with a reset.  Only sync from Microsoft
 * Update needs these suites: syncing from an upstream WSUS it is a
 * warning.
 */
static void judge_suites(const struct ww_hostcfg_values *v,
			 const struct ww_hostcfg_expect *e,
			 struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "cipher_suite_order");
	const struct ww_hostcfg_suites *in_force;
	const char *const *need;
	const char *where, *os_name, *found;
	char list[WW_HOSTCFG_TEXT_MAX * 2];

	suites_evidence(v, it->evidence, sizeof(it->evidence));
	in_force = ww_hostcfg_suites_in_force(v, &where);
	need = ww_hostcfg_mu_suites(&v->os, &os_name);
	if (!in_force) {
		text(it->summary, "no cipher suite order configured: the "
			      "operating system's default suites apply");
		return;
	}
	if (ww_hostcfg_suites_usable(in_force->list, need, &found)) {
		text(it->summary, "the cipher suite order of %s includes %s, "
			      "which Microsoft Update accepts", where, found);
		return;
	}
	if (in_force->truncated) {
		/* A suite past the part that was read may be the one. */
		it->state = WW_HOSTCFG_UNKNOWN;
		text(it->summary, "the cipher suite order (%s) is longer than "
			      "the %d characters wsuswatch reads and has no suite "
			      "Microsoft Update accepts among them", where,
		     WW_HOSTCFG_FUNCS_MAX - 1);
		snprintf(it->hint, sizeof(it->hint), "Read the whole SSL Cipher "
			 "Suite Order (gpresult /scope computer /h GPReport.html) "
			 "and check that it has a suite Microsoft Update accepts");
		return;
	}
	it->state = e && e->from_upstream ? WW_HOSTCFG_WARNING :
					    WW_HOSTCFG_CRITICAL;
	it->finding = "cipher_policy";
	join_suites(need, list, sizeof(list));
	text(it->summary, "the cipher suite order (%s) has no suite "
		      "sws.update.microsoft.com accepts on %s%s", where, os_name,
	     e && e->from_upstream ? " (this server syncs from an upstream "
	     "WSUS server)" : "");
	snprintf(it->hint, sizeof(it->hint), "Add one of %s to the SSL Cipher "
		 "Suite Order (gpresult /scope computer /h GPReport.html names "
		 "the GPO) or remove the setting, then restart the server", list);
}

/* ---- the manual import path (.NET) ---- */

static const char *view_name(bool wow)
{
	return wow ? "WOW6432Node" : "64-bit";
}

/* A view offers TLS 1.2 to .NET 4: strong crypto or the system's
 * defaults switched on there. */
static bool net_ok(const struct ww_hostcfg_net *n)
{
	return is_set(&n->strong_crypto, 1) || is_set(&n->system_default, 1);
}

bool ww_hostcfg_report_has_finding(const struct ww_hostcfg_report *r,
				   const char *finding)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->items[i].finding &&
		    strcmp(r->items[i].finding, finding) == 0 &&
		    ww_hostcfg_item_bad(&r->items[i]))
			return true;
	return false;
}

bool ww_hostcfg_item_bad(const struct ww_hostcfg_item *it)
{
	return it->state == WW_HOSTCFG_WARNING ||
	       it->state == WW_HOSTCFG_CRITICAL;
}

/* "SchUseStrongCrypto=1", "SchUseStrongCrypto set to 0",
 * "SchUseStrongCrypto absent" */
static void value_text(const char *name, const struct ww_hostcfg_dword *d,
		       char *buf, size_t size)
{
	if (d->present && d->value == 0)
		snprintf(buf, size, "%s set to 0", name);
	else
		dword_text(name, d, buf, size);
}

static void net_text(bool wow, const struct ww_hostcfg_net *n, char *buf,
		     size_t size)
{
	char a[48], b[48];

	if (!n->key_present) {
		snprintf(buf, size, "%s: v4.0.30319 key absent", view_name(wow));
		return;
	}
	value_text("SchUseStrongCrypto", &n->strong_crypto, a, sizeof(a));
	value_text("SystemDefaultTlsVersions", &n->system_default, b,
		   sizeof(b));
	snprintf(buf, size, "%s: %s, %s", view_name(wow), a, b);
}

static void w3wp_text(const struct ww_hostcfg_w3wp *w, char *buf,
		      size_t size)
{
	switch (w->state) {
	case WW_HOSTCFG_FILE_ABSENT:
		snprintf(buf, size, "w3wp.exe.config absent");
		break;
	case WW_HOSTCFG_FILE_ERROR:
		snprintf(buf, size, "w3wp.exe.config: %s", w->error);
		break;
	case WW_HOSTCFG_FILE_READ:
		snprintf(buf, size, "w3wp.exe.config: %s",
			 w->dont_enable_system_default < 0 ?
			 "no DontEnableSystemDefaultTlsVersions switch" :
			 w->dont_enable_system_default ?
			 "DontEnableSystemDefaultTlsVersions=true" :
			 "DontEnableSystemDefaultTlsVersions=false");
		break;
	}
}

/* The values a view still needs, as "SchUseStrongCrypto=1 and
 * SystemDefaultTlsVersions=1 under KEY" ("" when none). */
static void net_fix(bool wow, const struct ww_hostcfg_net *n, char *buf,
		    size_t size)
{
	bool a = !is_set(&n->strong_crypto, 1), b = !is_set(&n->system_default, 1);

	if (!a && !b)
		return;
	snprintf(buf, size, "%s%s%s under " KEY_NET,
				a ? "SchUseStrongCrypto=1" : "",
				a && b ? " and " : "",
				b ? "SystemDefaultTlsVersions=1" : "",
				wow ? "WOW6432Node\\" : "");
}

static void strong_crypto_fix(const struct ww_hostcfg_values *v,
			      struct ww_hostcfg_item *it)
{
	char a[200] = "", b[200] = "";

	if (!net_ok(&v->net64))
		net_fix(false, &v->net64, a, sizeof(a));
	if (!net_ok(&v->net32))
		net_fix(true, &v->net32, b, sizeof(b));
	snprintf(it->hint, sizeof(it->hint), "Set (DWORD) %s%s%s, then "
		 "Restart-Service WsusService, w3svc (iisreset); this is the "
		 "manual import path: sync's TLS 1.2 fix is the Monthly Rollup",
		 a, a[0] && b[0] ? " and " : "", b);
}

static void judge_strong_crypto(const struct ww_hostcfg_values *v,
				struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "dotnet_strong_crypto");
	char a[WW_HOSTCFG_TEXT_MAX], b[WW_HOSTCFG_TEXT_MAX], w[WW_HOSTCFG_TEXT_MAX];
	bool ok64 = net_ok(&v->net64), ok32 = net_ok(&v->net32);
	bool zero = is_set(&v->net64.strong_crypto, 0) ||
		    is_set(&v->net32.strong_crypto, 0) ||
		    is_set(&v->net64.system_default, 0) ||
		    is_set(&v->net32.system_default, 0);

	net_text(false, &v->net64, a, sizeof(a));
	net_text(true, &v->net32, b, sizeof(b));
	w3wp_text(&v->w3wp, w, sizeof(w));
	snprintf(it->evidence, sizeof(it->evidence), "%s; %s; %s", a, b, w);
	if (ok64 && ok32) {
		text(it->summary, ".NET 4 offers TLS 1.2 to manual import in "
			      "both registry views (SchUseStrongCrypto or "
			      "SystemDefaultTlsVersions)");
		return;
	}
	if (v->w3wp.state == WW_HOSTCFG_FILE_READ &&
	    v->w3wp.dont_enable_system_default == 0) {
		text(it->summary, "the registry leaves .NET 4 strong crypto off "
			      "in the %s view, but w3wp.exe.config puts manual "
			      "import on the system's TLS defaults",
		     !ok64 ? view_name(false) : view_name(true));
		return;
	}
	it->state = WW_HOSTCFG_WARNING;
	it->finding = "import_tls_path";
	strong_crypto_fix(v, it);
	text(it->summary, ".NET 4 SchUseStrongCrypto%s is not set to 1 in the "
		      "%s view%s%s: manual import may not offer TLS 1.2 "
		      "(inferred from the registry, not observed)",
	     zero ? " or SystemDefaultTlsVersions (set to 0)" : "",
	     !ok64 && !ok32 ? "64-bit and WOW6432Node" :
	     !ok64 ? "64-bit" : "WOW6432Node", !ok64 && !ok32 ? "s" : "",
	     v->w3wp.state == WW_HOSTCFG_FILE_ABSENT ?
	     " and there is no w3wp.exe.config" : "");
}

/*
 * w3wp.exe.config (Microsoft's resolution for issue 1): the switch
 * DontEnableSystemDefaultTlsVersions=true keeps every IIS worker, WSUS's
 * import among them, off the system's TLS defaults; =false puts them on.
 * No file is judged by the registry item above.
 */
static void judge_w3wp(const struct ww_hostcfg_values *v,
		       struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "w3wp_exe_config");
	const struct ww_hostcfg_w3wp *w = &v->w3wp;

	w3wp_text(w, it->evidence, sizeof(it->evidence));
	if (w->state == WW_HOSTCFG_FILE_READ && w->overrides[0])
		snprintf(it->evidence + strlen(it->evidence),
			 sizeof(it->evidence) - strlen(it->evidence),
			 " (%s: AppContextSwitchOverrides value=\"%s\")",
			 w->path, w->overrides);
	switch (w->state) {
	case WW_HOSTCFG_FILE_ABSENT:
		text(it->summary, "no w3wp.exe.config: manual import follows "
			      "the .NET registry settings");
		return;
	case WW_HOSTCFG_FILE_ERROR:
		it->state = WW_HOSTCFG_UNKNOWN;
		text(it->summary, "w3wp.exe.config cannot be judged: %.200s",
		     w->error);
		hint(it, "Correct the XML of %SystemRoot%\\System32\\inetsrv\\"
		     "w3wp.exe.config (every IIS worker reads it), then iisreset");
		return;
	case WW_HOSTCFG_FILE_READ:
		break;
	}
	if (w->dont_enable_system_default != 1) {
		text(it->summary, "w3wp.exe.config %s", w->dont_enable_system_default
		     == 0 ? "puts IIS workers (manual import) on the system's "
		     "TLS defaults" : "does not set the TLS defaults switch");
		return;
	}
	it->state = WW_HOSTCFG_WARNING;
	it->finding = "import_tls_path";
	text(it->summary, "w3wp.exe.config sets Switch.System.Net."
		      "DontEnableSystemDefaultTlsVersions=true: manual import is "
		      "kept off the system's TLS defaults");
	hint(it, "In %SystemRoot%\\System32\\inetsrv\\w3wp.exe.config set "
	     "<AppContextSwitchOverrides value=\"Switch.System.Net."
	     "DontEnableSystemDefaultTlsVersions=false\"/> under <runtime>, "
	     "then iisreset (it applies to every IIS worker process)");
}

static void judge_wsus_setup(const struct ww_hostcfg_values *v,
			     const struct ww_hostcfg_expect *e,
			     struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "wsus_setup");
	char p[48], s[48], up[96] = "";

	if (!v->wsus_installed) {
		it->state = WW_HOSTCFG_UNKNOWN;
		hint(it, HINT_WSUS_SETUP);
		text(it->summary, "WSUS is not installed on this host (no "
			      "Update Services\\Server\\Setup key)");
		return;
	}
	dword_text("PortNumber", &v->wsus_port, p, sizeof(p));
	dword_text("UsingSSL", &v->wsus_ssl, s, sizeof(s));
	if (e && e->from_upstream)
		snprintf(up, sizeof(up), "; configured upstream: port %" PRId64
			 " %s", e->upstream_port, e->upstream_ssl ? "https" :
			 "http");
	snprintf(it->evidence, sizeof(it->evidence), "Setup: %s, %s, "
		 "ContentDir %s%s", p, s, v->have_content_dir ?
		 v->content_dir : "absent", up);
	if (v->wsus_port.present)
		text(it->summary, "WSUS is installed: port %" PRIu32 ", %s",
		     v->wsus_port.value, v->wsus_ssl.present &&
		     v->wsus_ssl.value ? "SSL on" : "SSL off");
	else
		text(it->summary, "WSUS is installed: port not recorded, %s",
		     v->wsus_ssl.present && v->wsus_ssl.value ? "SSL on" :
		     "SSL off");
}

void ww_hostcfg_evaluate(const struct ww_hostcfg_values *v,
			 const struct ww_hostcfg_expect *expect,
			 struct ww_hostcfg_report *ret)
{
	ret->n = 0;
	judge_protocols(v, ret);
	judge_suites(v, expect, ret);
	judge_strong_crypto(v, ret);
	judge_w3wp(v, ret);
	judge_wsus_setup(v, expect, ret);
}
