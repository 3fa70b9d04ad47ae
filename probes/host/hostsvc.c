/*
 * hostsvc.c - judging the WSUS server's local services (hostsvc.h), and
 * reading IIS's applicationHost.config, which is plain XML everywhere.
 *
 * Pure: the judgements take values and return a verdict; the sentences
 * they quote are from the guides (../shared/seeds): "If the BITS service
 * was disabled during synchronization, synchronization will fail", "the
 * folder to which you download update files ... has at least Read
 * permissions for the network service and for users", "Do not import
 * intermediate CA certificates to Trusted Root".
 */
#include "compat.h"

#include <expat.h>

#include "hostsvc.h"
#include "os.h"
#include "util.h"

/* WSUS sets this limit on WsusPool (wsus-facts.md §4.4, [MS]). */
#define WSUS_PRIVATE_MEMORY_KB 1843200

static const char *const service_names[WW_HOSTSVC_N] = {
	"WsusService", "BITS", "W3SVC"
};

const char *ww_hostsvc_service_name(enum ww_hostsvc_id id)
{
	return (unsigned)id < WW_HOSTSVC_N ? service_names[id] : "?";
}

static const char *start_name(enum ww_hostsvc_start s)
{
	switch (s) {
	case WW_SVC_START_AUTO: return "automatic";
	case WW_SVC_START_DELAYED: return "automatic (delayed start)";
	case WW_SVC_START_MANUAL: return "manual";
	case WW_SVC_START_DISABLED: return "disabled";
	case WW_SVC_START_BOOT: return "boot/system";
	case WW_SVC_START_UNKNOWN: break;
	}
	return "unknown";
}

static const char *run_name(enum ww_hostsvc_run r)
{
	switch (r) {
	case WW_SVC_RUN_STOPPED: return "stopped";
	case WW_SVC_RUN_STARTING: return "starting";
	case WW_SVC_RUN_STOPPING: return "stopping";
	case WW_SVC_RUN_RUNNING: return "running";
	case WW_SVC_RUN_PAUSED: return "paused";
	case WW_SVC_RUN_UNKNOWN: break;
	}
	return "unknown";
}

static void verdict(struct ww_hostsvc_verdict *v, enum ww_hostsvc_state st,
		    const char *fix, const char *fmt, ...) WW_PRINTF(4, 5);

static void verdict(struct ww_hostsvc_verdict *v, enum ww_hostsvc_state st,
		    const char *fix, const char *fmt, ...)
{
	va_list ap;

	v->state = st;
	ww_strlcpy(v->fix, fix ? fix : "", sizeof(v->fix));
	va_start(ap, fmt);
	vsnprintf(v->summary, sizeof(v->summary), fmt, ap);
	va_end(ap);
}

bool ww_hostsvc_wsus_installed(const struct ww_hostsvc_values *v)
{
	return v->services[WW_HOSTSVC_WSUS].code == 0;
}

/* Not a WSUS server (or WsusService cannot be queried): say so once. */
static bool not_wsus(const struct ww_hostsvc_values *v,
		     struct ww_hostsvc_verdict *ret)
{
	const struct ww_hostsvc_service *w = &v->services[WW_HOSTSVC_WSUS];

	if (w->code == 0)
		return false;
	if (w->code == WW_ENOENT)
		verdict(ret, WW_HOSTSVC_SKIPPED, NULL, "WsusService is not "
			"installed: not a WSUS server");
	else
		verdict(ret, WW_HOSTSVC_UNKNOWN, "Run wsuswatch as LocalSystem "
			"(the service's account) or as an administrator",
			"WsusService cannot be queried: %s", w->error);
	return true;
}

/* ---- services ---- */

#define FIX_BITS \
	"Set BITS to start (Manual, as the guide's steps say, or Automatic): " \
	"Set-Service BITS -StartupType Manual; Start-Service BITS; then " \
	"Restart-Service WsusService and synchronize again (Options > " \
	"Synchronization Options > Synchronize now)"
#define FIX_WSUS_START \
	"Set-Service WsusService -StartupType Automatic; Start-Service " \
	"WsusService (the guide: WSUS should start automatically on reboot)"
#define FIX_W3SVC \
	"Set-Service W3SVC -StartupType Automatic; Start-Service W3SVC; " \
	"iisreset (WSUS's web services, the console and downstream servers " \
	"need IIS)"

static bool is_stopped(enum ww_hostsvc_run r)
{
	return r == WW_SVC_RUN_STOPPED || r == WW_SVC_RUN_STOPPING ||
	       r == WW_SVC_RUN_PAUSED;
}

static bool is_auto(enum ww_hostsvc_start s)
{
	return s == WW_SVC_START_AUTO || s == WW_SVC_START_DELAYED;
}

static void judge_bits(const struct ww_hostsvc_service *s,
		       struct ww_hostsvc_verdict *ret)
{
	if (s->start == WW_SVC_START_DISABLED)
		verdict(ret, WW_HOSTSVC_CRITICAL, FIX_BITS, "BITS is disabled: "
			"synchronization fails (WSUS downloads with BITS)");
	else if (is_stopped(s->run) && is_auto(s->start))
		verdict(ret, WW_HOSTSVC_WARNING, FIX_BITS, "BITS is %s although "
			"its startup type is %s", run_name(s->run),
			start_name(s->start));
	else
		/* Manual is BITS's default and the guide's own step: it is
		 * started on demand, so "stopped, manual" is healthy. */
		verdict(ret, WW_HOSTSVC_OK, NULL, "BITS is %s, startup type %s",
			run_name(s->run), start_name(s->start));
}

/* WsusService and W3SVC: must run and should start automatically. */
static void judge_running(enum ww_hostsvc_id id,
			  const struct ww_hostsvc_service *s,
			  struct ww_hostsvc_verdict *ret)
{
	const char *name = service_names[id];
	const char *fix = id == WW_HOSTSVC_WSUS ? FIX_WSUS_START : FIX_W3SVC;
	const char *what = id == WW_HOSTSVC_WSUS ?
		"WSUS does not synchronize" :
		"WSUS's web services (clients, downstream servers, the "
		"console) are down";

	if (s->start == WW_SVC_START_DISABLED)
		verdict(ret, WW_HOSTSVC_CRITICAL, fix, "%s is disabled: %s", name,
			what);
	else if (is_stopped(s->run))
		verdict(ret, WW_HOSTSVC_CRITICAL, fix, "%s is %s (startup type "
			"%s): %s", name, run_name(s->run), start_name(s->start),
			what);
	else if (!is_auto(s->start))
		verdict(ret, WW_HOSTSVC_WARNING, fix, "%s is %s but its startup "
			"type is %s: it will not start after a reboot", name,
			run_name(s->run), start_name(s->start));
	else
		verdict(ret, WW_HOSTSVC_OK, NULL, "%s is %s, startup type %s",
			name, run_name(s->run), start_name(s->start));
}

void ww_hostsvc_judge_service(const struct ww_hostsvc_values *v,
			      enum ww_hostsvc_id id,
			      struct ww_hostsvc_verdict *ret)
{
	const struct ww_hostsvc_service *s = &v->services[id];
	const char *name = ww_hostsvc_service_name(id);

	memset(ret, 0, sizeof(*ret));
	if (not_wsus(v, ret))
		return;
	if (s->code == WW_ENOENT) {
		verdict(ret, WW_HOSTSVC_CRITICAL, id == WW_HOSTSVC_BITS ?
			"Install BITS (it is part of Windows; WSUS's role "
			"installation requires it)" :
			"Install IIS (the Web Server role) as WSUS's role "
			"installation does", "%s is not installed on this WSUS "
			"server", name);
		return;
	}
	if (s->code) {
		verdict(ret, WW_HOSTSVC_UNKNOWN, "Run wsuswatch as LocalSystem "
			"or as an administrator", "%s cannot be queried: %s",
			name, s->error);
		return;
	}
	snprintf(ret->evidence, sizeof(ret->evidence), "SCM: %s state %s, "
		 "startup type %s", name, run_name(s->run),
		 start_name(s->start));
	if (id == WW_HOSTSVC_BITS)
		judge_bits(s, ret);
	else
		judge_running(id, s, ret);
}

/* ---- WsusPool ---- */

static void pool_evidence(const struct ww_hostsvc_pool *p,
			  struct ww_hostsvc_verdict *ret)
{
	char mem[64] = "not set (IIS default: no limit)";

	if (p->have_private_memory)
		snprintf(mem, sizeof(mem), "%" PRId64 " KB%s",
			 p->private_memory_kb, p->private_memory_default ?
			 " (applicationPoolDefaults)" : "");
	snprintf(ret->evidence, sizeof(ret->evidence), "%s: WsusPool autoStart "
		 "%s, startMode %s, recycling/periodicRestart privateMemory %s; "
		 "the pool's run state is not in the file", p->path,
		 p->auto_start < 0 ? "not set (true)" :
		 p->auto_start ? "true" : "false",
		 p->start_mode[0] ? p->start_mode : "not set (OnDemand)", mem);
}

void ww_hostsvc_judge_pool(const struct ww_hostsvc_values *v,
			   struct ww_hostsvc_verdict *ret)
{
	const struct ww_hostsvc_pool *p = &v->pool;
	int64_t kb = p->have_private_memory ? p->private_memory_kb : 0;

	memset(ret, 0, sizeof(*ret));
	if (not_wsus(v, ret))
		return;
	if (p->code) {
		verdict(ret, WW_HOSTSVC_UNKNOWN, p->code == WW_ENOENT ?
			"Install IIS (the Web Server role) as WSUS requires" :
			"Check that the file is readable by the service's "
			"account (LocalSystem)", "%s", p->error);
		return;
	}
	if (!p->found) {
		verdict(ret, WW_HOSTSVC_WARNING, "WSUS's web services run in "
			"the WsusPool application pool: check IIS Manager > "
			"Application Pools, and re-run WSUS's post-installation "
			"(wsusutil.exe postinstall) if it is gone",
			"no WsusPool application pool in %s", p->path);
		return;
	}
	pool_evidence(p, ret);
	if (p->auto_start == 0)
		verdict(ret, WW_HOSTSVC_WARNING, "Import-Module WebAdministration; "
			"Set-ItemProperty IIS:\\AppPools\\WsusPool -Name autoStart "
			"-Value True", "WsusPool does not start automatically "
			"(autoStart=false): after iisreset or a reboot WSUS "
			"answers 503 (0x80244022) until it is started");
	else if (kb > 0 && kb < WSUS_PRIVATE_MEMORY_KB)
		verdict(ret, WW_HOSTSVC_WARNING, "Raise WsusPool's Private Memory "
			"Limit (0 = no limit): Import-Module WebAdministration; "
			"Set-ItemProperty IIS:\\AppPools\\WsusPool -Name "
			"recycling.periodicRestart.privateMemory -Value 0",
			"WsusPool's private memory limit is %" PRId64 " KB, below "
			"WSUS's own %d KB: IIS recycles the pool when it is "
			"reached, and WSUS answers 503 (0x80244022) meanwhile", kb,
			WSUS_PRIVATE_MEMORY_KB);
	else
		verdict(ret, WW_HOSTSVC_OK, NULL, "WsusPool is configured "
			"(private memory limit %s%s); a 503 (0x80244022) from "
			"this server points at this limit", kb ? "" : "none",
			kb ? "" : ", no recycling on memory");
	if (ret->state == WW_HOSTSVC_OK && kb)
		snprintf(ret->summary, sizeof(ret->summary), "WsusPool is "
			 "configured (private memory limit %" PRId64 " KB); a 503 "
			 "(0x80244022) from this server points at this limit", kb);
}

/* ---- content directory ---- */

/* GENERIC_* bits mapped to file rights (FILE_GENERIC_*, FILE_ALL_ACCESS). */
static uint32_t map_generic(uint32_t m)
{
	uint32_t r = m & 0x0fffffffu;

	if (m & 0x80000000u)
		r |= 0x00120089u;
	if (m & 0x40000000u)
		r |= 0x00120116u;
	if (m & 0x20000000u)
		r |= 0x001200a0u;
	if (m & 0x10000000u)
		r |= 0x001f01ffu;
	return r;
}

static bool has_sid(const char *const *sids, size_t n, const char *sid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ww_strcasecmp(sids[i], sid) == 0)
			return true;
	return false;
}

uint32_t ww_hostsvc_dacl_allowed(const struct ww_hostsvc_dacl *d,
				 const char *const *sids, size_t nsids)
{
	uint32_t granted = 0, denied = 0;
	size_t i;

	if (d->null_dacl)
		return 0xffffffffu;
	for (i = 0; i < d->n; i++) {
		const struct ww_hostsvc_ace *a = &d->aces[i];
		uint32_t m;

		if (a->inherit_only || a->type == WW_ACE_OTHER ||
		    !has_sid(sids, nsids, a->sid))
			continue;
		m = map_generic(a->mask);
		if (a->type == WW_ACE_DENY)
			denied |= m & ~granted;
		else
			granted |= m & ~denied;
	}
	return granted;
}

/*
 * The groups in each token, as Windows builds them: NETWORK SERVICE's
 * token also holds SERVICE, Users, Authenticated Users and Everyone; a
 * member of Users holds Authenticated Users and Everyone.
 */
static const char *const ns_sids[] = {
	"S-1-5-20", "S-1-5-6", "S-1-5-32-545", "S-1-5-11", "S-1-1-0"
};
static const char *const users_sids[] = {
	"S-1-5-32-545", "S-1-5-11", "S-1-1-0"
};

static void dacl_evidence(const struct ww_hostsvc_dacl *d,
			  struct ww_hostsvc_verdict *ret)
{
	size_t i, len;

	len = (size_t)snprintf(ret->evidence, sizeof(ret->evidence), "DACL of "
			       "%s:%s", d->path, d->null_dacl ? " none (NULL "
			       "DACL)" : d->n ? "" : " empty");
	for (i = 0; i < d->n && len < sizeof(ret->evidence) - 1; i++) {
		const struct ww_hostsvc_ace *a = &d->aces[i];

		len += (size_t)snprintf(ret->evidence + len,
					sizeof(ret->evidence) - len,
					"%s %s %s 0x%" PRIx32 "%s",
					i ? ";" : "", a->type == WW_ACE_ALLOW ?
					"allow" : a->type == WW_ACE_DENY ?
					"deny" : "other", a->sid, a->mask,
					a->inherit_only ? " (inherit-only)" :
					"");
	}
	if (d->truncated && len < sizeof(ret->evidence) - 1)
		snprintf(ret->evidence + len, sizeof(ret->evidence) - len,
			 "; more ACEs not shown");
}

static void content_fix(const struct ww_hostsvc_dacl *d, bool ns, bool users,
			struct ww_hostsvc_verdict *ret)
{
	snprintf(ret->fix, sizeof(ret->fix), "Give read access (the guide: "
		 "at least Read for the network service and for users): "
		 "icacls \"%s\"%s%s; check that no Deny entry overrides it",
		 d->path, ns ? " /grant *S-1-5-20:(OI)(CI)RX" : "",
		 users ? " /grant *S-1-5-32-545:(OI)(CI)RX" : "");
}

void ww_hostsvc_judge_content(const struct ww_hostsvc_values *v,
			      struct ww_hostsvc_verdict *ret)
{
	const struct ww_hostsvc_dacl *d = &v->content;
	bool ns, users;

	memset(ret, 0, sizeof(*ret));
	if (not_wsus(v, ret))
		return;
	if (d->code == WW_ENOENT || d->code == WW_ESTATE) {
		verdict(ret, WW_HOSTSVC_SKIPPED, NULL, "%s", d->error);
		return;
	}
	if (d->code) {
		verdict(ret, WW_HOSTSVC_UNKNOWN, "Run wsuswatch as LocalSystem "
			"or as an administrator, and check that ContentDir "
			"exists", "the permissions of %s cannot be read: %s",
			d->path, d->error);
		return;
	}
	dacl_evidence(d, ret);
	ns = (ww_hostsvc_dacl_allowed(d, ns_sids, WW_ARRAY_SIZE(ns_sids)) &
	      WW_HOSTSVC_READ_MASK) == WW_HOSTSVC_READ_MASK;
	users = (ww_hostsvc_dacl_allowed(d, users_sids,
					 WW_ARRAY_SIZE(users_sids)) &
		 WW_HOSTSVC_READ_MASK) == WW_HOSTSVC_READ_MASK;
	if (ns && users) {
		verdict(ret, WW_HOSTSVC_OK, NULL, "NETWORK SERVICE and Users can "
			"read the content directory %s", d->path);
		return;
	}
	verdict(ret, ns ? WW_HOSTSVC_WARNING : WW_HOSTSVC_CRITICAL, NULL,
		"%s%s%s cannot read the content directory %s: update files "
		"cannot be served or downloaded", ns ? "" : "NETWORK SERVICE",
		!ns && !users ? " and " : "", users ? "" : "Users", d->path);
	content_fix(d, !ns, !users, ret);
}

/* ---- Trusted Root ---- */

bool ww_hostsvc_cert_is_intermediate(const char *subject, const char *issuer)
{
	return strcmp(subject, issuer) != 0;
}

void ww_hostsvc_judge_roots(const struct ww_hostsvc_values *v,
			    struct ww_hostsvc_verdict *ret)
{
	const struct ww_hostsvc_roots *r = &v->roots;
	size_t i, len;

	memset(ret, 0, sizeof(*ret));
	if (r->code) {
		verdict(ret, WW_HOSTSVC_UNKNOWN, NULL, "the machine's Trusted "
			"Root store cannot be read: %s", r->error);
		return;
	}
	if (!r->n_intermediate) {
		verdict(ret, WW_HOSTSVC_OK, NULL, "%zu certificate%s in the "
			"machine's Trusted Root store, all self-issued", r->total,
			r->total == 1 ? "" : "s");
		return;
	}
	verdict(ret, WW_HOSTSVC_WARNING, "Move it to Local Computer\\"
		"Intermediate Certification Authorities (certlm.msc) and keep "
		"only root CAs in Trusted Root: the guide says not to import "
		"intermediate CA certificates to Trusted Root to force chain "
		"validation (it widens the trust boundary)",
		"%zu intermediate CA certificate%s in the machine's Trusted Root "
		"store, e.g. %s", r->n_intermediate,
		r->n_intermediate == 1 ? "" : "s",
		r->n ? r->certs[0].subject : "?");
	len = 0;
	for (i = 0; i < r->n && len < sizeof(ret->evidence) - 1; i++)
		len += (size_t)snprintf(ret->evidence + len,
					sizeof(ret->evidence) - len,
					"%s\"%s\" issued by \"%s\"", i ? "; " : "",
					r->certs[i].subject, r->certs[i].issuer);
}

/* ---- applicationHost.config ---- */

#define APPHOST_DEPTH 64

struct apphost {
	XML_Parser p;
	struct ww_hostsvc_pool *pool;
	int depth;
	int pool_depth;          /* depth of <add name="WsusPool">, -1 none */
	int *location_ssl;       /* the open <location>'s flag, NULL none */
	bool wsus_site_seen;     /* a <location> of "WSUS Administration/" */
	int location_depth;
	bool defaults_memory;    /* applicationPoolDefaults' limit seen */
	int64_t defaults_kb;
	const char *stack[APPHOST_DEPTH]; /* names of the open parents */
	bool failed;
	char why[WW_HOSTSVC_TEXT_MAX];
};

static const char *attr(const XML_Char **atts, const char *name)
{
	size_t i;

	for (i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

static const char *parent(const struct apphost *a, int up)
{
	int k = a->depth - up;

	return k >= 0 && k < APPHOST_DEPTH ? a->stack[k] : "";
}

static void apphost_fail(struct apphost *a, const char *why)
{
	a->failed = true;
	ww_strlcpy(a->why, why, sizeof(a->why));
	XML_StopParser(a->p, XML_FALSE);
}

static void read_memory(struct apphost *a, const XML_Char **atts,
			bool defaults)
{
	const char *v = attr(atts, "privateMemory");
	int64_t kb;

	if (!v)
		return;
	if (ww_parse_i64(v, &kb) || kb < 0) {
		apphost_fail(a, "privateMemory is not a number of KB");
		return;
	}
	if (defaults) {
		a->defaults_memory = true;
		a->defaults_kb = kb;
		return;
	}
	a->pool->have_private_memory = true;
	a->pool->private_memory_kb = kb;
}

static void read_pool(struct apphost *a, const XML_Char **atts)
{
	const char *v;

	a->pool->found = true;
	a->pool_depth = a->depth;
	v = attr(atts, "autoStart");
	if (v)
		a->pool->auto_start = ww_strcasecmp(v, "false") == 0 ? 0 : 1;
	v = attr(atts, "startMode");
	if (v)
		ww_strlcpy(a->pool->start_mode, v, sizeof(a->pool->start_mode));
}

/*
 * <location path="SITE/Content"> or "SITE/SelfUpdate" (any site: WSUS
 * may live in the Default Web Site on port 80): the flag its <access>
 * sets.  The access section is locked at this level by IIS's default
 * (overrideModeDefault="Deny"), so IIS Manager writes it here.
 */
static int *location_flag(struct apphost *a, const char *path)
{
	static const char wsus_site[] = "WSUS Administration";
	const char *slash = path ? strchr(path, '/') : NULL;
	bool wsus;

	if (!slash)
		return NULL;
	/* WSUS's own site wins over another site's root of the same name,
	 * whichever comes first in the file. */
	wsus = (size_t)(slash - path) == sizeof(wsus_site) - 1 &&
	       strncmp(path, wsus_site, sizeof(wsus_site) - 1) == 0;
	if (!wsus && a->wsus_site_seen)
		return NULL;
	if (wsus && !a->wsus_site_seen) {
		a->wsus_site_seen = true;
		a->pool->content_ssl = a->pool->selfupdate_ssl = -1;
	}
	if (ww_strcasecmp(slash + 1, "Content") == 0)
		return &a->pool->content_ssl;
	if (ww_strcasecmp(slash + 1, "SelfUpdate") == 0)
		return &a->pool->selfupdate_ssl;
	return NULL;
}

/* sslFlags="Ssl, SslNegotiateCert": "Ssl" itself is Require SSL. */
static int require_ssl(const char *flags)
{
	char tok[32];
	size_t n;

	while (*flags) {
		flags += strspn(flags, " ,");
		n = strcspn(flags, " ,");
		if (n && n < sizeof(tok)) {
			memcpy(tok, flags, n);
			tok[n] = '\0';
			if (ww_strcasecmp(tok, "Ssl") == 0)
				return 1;
		}
		flags += n;
	}
	return 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	struct apphost *a = ud;
	const char *n;

	if (a->depth >= APPHOST_DEPTH - 1) {
		apphost_fail(a, "elements nested too deep");
		return;
	}
	if (strcmp(name, "location") == 0 && !a->location_ssl) {
		a->location_ssl = location_flag(a, attr(atts, "path"));
		a->location_depth = a->depth;
	} else if (strcmp(name, "access") == 0 && a->location_ssl &&
		   strcmp(parent(a, 0), "security") == 0 &&
		   (n = attr(atts, "sslFlags")))
		*a->location_ssl = require_ssl(n);
	else if (strcmp(name, "add") == 0 &&
	    strcmp(parent(a, 0), "applicationPools") == 0 &&
	    (n = attr(atts, "name")) && ww_strcasecmp(n, "WsusPool") == 0)
		read_pool(a, atts);
	else if (strcmp(name, "periodicRestart") == 0 &&
		 strcmp(parent(a, 0), "recycling") == 0) {
		if (a->pool_depth >= 0 && a->depth == a->pool_depth + 2)
			read_memory(a, atts, false);
		else if (strcmp(parent(a, 1), "applicationPoolDefaults") == 0)
			read_memory(a, atts, true);
	}
	a->depth++;
	/* Only the names the matching looks at are kept. */
	a->stack[a->depth] = strcmp(name, "applicationPools") == 0 ?
		"applicationPools" : strcmp(name, "recycling") == 0 ?
		"recycling" : strcmp(name, "applicationPoolDefaults") == 0 ?
		"applicationPoolDefaults" : strcmp(name, "security") == 0 ?
		"security" : "";
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct apphost *a = ud;

	(void)name;
	if (a->depth == a->pool_depth + 1)
		a->pool_depth = -1;
	if (a->location_ssl && a->depth == a->location_depth + 1)
		a->location_ssl = NULL;
	if (a->depth > 0)
		a->depth--;
}

/* A DOCTYPE has no place in IIS's configuration: refuse entities. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	apphost_fail(ud, "a DOCTYPE is not expected in applicationHost.config");
}

int ww_hostsvc_apphost_parse(const char *buf, size_t len, const char *file,
			     struct ww_hostsvc_pool *ret, struct ww_err *err)
{
	struct apphost a;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->auto_start = -1;
	ret->content_ssl = ret->selfupdate_ssl = -1;
	ww_strlcpy(ret->path, file, sizeof(ret->path));
	memset(&a, 0, sizeof(a));
	a.pool = ret;
	a.pool_depth = -1;
	a.stack[0] = "";
	a.p = XML_ParserCreate(NULL);
	if (!a.p)
		return ww_err_set(err, WW_ENOMEM, "%s: out of memory", file);
	XML_SetUserData(a.p, &a);
	XML_SetElementHandler(a.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(a.p, on_doctype);
	if (XML_Parse(a.p, buf, (int)len, XML_TRUE) != XML_STATUS_OK ||
	    a.failed)
		r = ww_err_set(err, WW_EPARSE, "%s:%lu:%lu: %s", file,
			       (unsigned long)XML_GetCurrentLineNumber(a.p),
			       (unsigned long)XML_GetCurrentColumnNumber(a.p) + 1,
			       a.failed ? a.why :
			       XML_ErrorString(XML_GetErrorCode(a.p)));
	XML_ParserFree(a.p);
	if (!r && !ret->have_private_memory && a.defaults_memory) {
		ret->have_private_memory = true;
		ret->private_memory_kb = a.defaults_kb;
		ret->private_memory_default = true;
	}
	return r;
}

int ww_hostsvc_apphost_read(const char *path, struct ww_hostsvc_pool *ret,
			    struct ww_err *err)
{
	struct ww_err e;
	struct ww_buf b;
	int r;

	ww_err_clear(&e);
	ww_buf_init(&b, WW_HOSTSVC_APPHOST_MAX);
	r = ww_os_read_file(path, WW_HOSTSVC_APPHOST_MAX, &b, &e);
	if (!r)
		r = ww_hostsvc_apphost_parse(b.data ? b.data : "", b.len, path,
					     ret, &e);
	ww_buf_release(&b);
	if (r) {
		memset(ret, 0, sizeof(*ret));
		ret->auto_start = -1;
		ret->content_ssl = ret->selfupdate_ssl = -1;
		ret->code = r;
		ww_strlcpy(ret->path, path, sizeof(ret->path));
		ww_strlcpy(ret->error, e.msg, sizeof(ret->error));
		if (err)
			*err = e;
	}
	return r;
}
