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
 */
#include "compat.h"

#include "hostcfg.h"
#include "util.h"

#define HINT_TLS12_CLIENT \
	"Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\" \
	"SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=1 and " \
	"DisabledByDefault=0 (or delete both), then restart the server"
#define HINT_STRONG_CRYPTO \
	"Set SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 (DWORD) " \
	"under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 and " \
	"HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319, " \
	"then Restart-Service WsusService, w3svc (iisreset); this is the " \
	"manual import path: sync's TLS 1.2 fix is the Monthly Rollup"
#define HINT_WSUS_SETUP \
	"WSUS is not installed here: run diagnose on the WSUS server, or " \
	"give it a copy of the log with --log"

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

/* "Enabled=1" or "Enabled absent" into buf. */
static void dword_text(const char *name, const struct ww_hostcfg_dword *d,
		       char *buf, size_t size)
{
	if (d->present)
		snprintf(buf, size, "%s=%" PRIu32, name, d->value);
	else
		snprintf(buf, size, "%s absent", name);
}

static void judge_tls12_client(const struct ww_hostcfg_values *v,
			       struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "schannel_tls12_client");
	char a[48], b[48];

	dword_text("Enabled", &v->tls12_enabled, a, sizeof(a));
	dword_text("DisabledByDefault", &v->tls12_disabled_by_default, b,
		   sizeof(b));
	snprintf(it->evidence, sizeof(it->evidence),
		 "SCHANNEL\\Protocols\\TLS 1.2\\Client: %s, %s", a, b);
	if (v->tls12_enabled.present && v->tls12_enabled.value == 0) {
		it->state = WW_HOSTCFG_CRITICAL;
		it->hint = HINT_TLS12_CLIENT;
		text(it->summary, "TLS 1.2 is disabled for clients in SCHANNEL; "
			      "Microsoft Update accepts only TLS 1.2");
	} else if (v->tls12_disabled_by_default.present &&
		   v->tls12_disabled_by_default.value != 0) {
		it->state = WW_HOSTCFG_WARNING;
		it->hint = HINT_TLS12_CLIENT;
		text(it->summary, "TLS 1.2 is not used by default by SCHANNEL "
			      "clients (DisabledByDefault=%" PRIu32 ")",
		     v->tls12_disabled_by_default.value);
	} else if (!v->tls12_enabled.present &&
		   !v->tls12_disabled_by_default.present) {
		text(it->summary, "not configured: the operating system default "
			      "applies (TLS 1.2 on from Windows Server 2012 R2)");
	} else {
		text(it->summary, "TLS 1.2 is enabled for SCHANNEL clients");
	}
}

static bool net_ok(const struct ww_hostcfg_net *n)
{
	return n->strong_crypto.present && n->strong_crypto.value != 0;
}

static void net_text(const char *view, const struct ww_hostcfg_net *n,
		     char *buf, size_t size)
{
	char a[48], b[48];

	if (!n->key_present) {
		snprintf(buf, size, "%s: v4.0.30319 key absent", view);
		return;
	}
	dword_text("SchUseStrongCrypto", &n->strong_crypto, a, sizeof(a));
	dword_text("SystemDefaultTlsVersions", &n->system_default, b,
		   sizeof(b));
	snprintf(buf, size, "%s: %s, %s", view, a, b);
}

static void judge_strong_crypto(const struct ww_hostcfg_values *v,
				struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "dotnet_strong_crypto");
	char a[WW_HOSTCFG_TEXT_MAX], b[WW_HOSTCFG_TEXT_MAX];
	bool ok64 = net_ok(&v->net64), ok32 = net_ok(&v->net32);

	net_text("64-bit", &v->net64, a, sizeof(a));
	net_text("WOW6432Node", &v->net32, b, sizeof(b));
	snprintf(it->evidence, sizeof(it->evidence), "%s; %s", a, b);
	if (ok64 && ok32) {
		bool sys = v->net64.system_default.present &&
			   v->net64.system_default.value != 0;

		text(it->summary, ".NET 4 strong crypto is on in both registry "
			      "views%s", sys ? "" :
		     " (SystemDefaultTlsVersions is not set; not needed "
		     "with strong crypto)");
		return;
	}
	it->state = WW_HOSTCFG_WARNING;
	it->finding = "import_tls_path";
	it->hint = HINT_STRONG_CRYPTO;
	text(it->summary, ".NET 4 SchUseStrongCrypto is not set to 1 in the "
		      "%s view%s: manual import may not offer TLS 1.2 "
		      "(inferred from the registry, not observed)",
	     !ok64 && !ok32 ? "64-bit and WOW6432Node" :
	     !ok64 ? "64-bit" : "WOW6432Node", !ok64 && !ok32 ? "s" : "");
}

static void judge_wsus_setup(const struct ww_hostcfg_values *v,
			     const struct ww_hostcfg_expect *e,
			     struct ww_hostcfg_report *r)
{
	struct ww_hostcfg_item *it = add_item(r, "wsus_setup");
	char p[48], s[48], up[96] = "";

	if (!v->wsus_installed) {
		it->state = WW_HOSTCFG_UNKNOWN;
		it->hint = HINT_WSUS_SETUP;
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
	judge_tls12_client(v, ret);
	judge_strong_crypto(v, ret);
	judge_wsus_setup(v, expect, ret);
}
