/*
 * discover.c - the portable half of WSUS discovery (discover.h): parse
 * what the OS edge read, build the SUSDB connection, merge into a
 * configuration where the file is silent.  docs/discovery.md is the
 * reference for every mapping made here.
 */
#include "compat.h"

#include "config.h"
#include "config_keys.h"
#include "discover.h"
#include "util.h"

#define SRC_A(col) "SUSDB tbConfigurationA." col
#define SRC_B(col) "SUSDB tbConfigurationB." col
#define SRC_C(col) "SUSDB tbConfigurationC." col

static const char *const cols_a[] = {
	"SyncToMU", "UpstreamServerName", "ServerPortNumber",
	"UpstreamServerUseSSL", "UseProxy", "ProxyName", "ProxyServerPort",
	"AnonymousProxyAccess", "ProxyUserName"
};
static const char *const cols_b[] = { "MUUrl", "LogPath" };
static const char *const cols_c[] = { "LogRolloverFileSizeInBytes",
				      "ProxyUserDomain" };

static const char *const cols_pw[] = { "HasProxyPassword" };
static const char *const cols_hostmu[] = { "HostOnMu" };
static const char *const cols_redir[] = { "RedirectorChangeNumber" };
static const char *const cols_replica[] = { "ReplicaMode" };
static const char *const cols_basic[] = { "AllowProxyCredentialsOverNonSsl" };
static const char *const cols_sslproxy[] = { "UseSeparateProxyForSsl",
					     "SslProxyName",
					     "SslProxyServerPort" };
static const char *const cols_cfmu[] = { "GetContentFromMU" };

/*
 * Plain SQL that any engine runs: the tables are dbo's and SQL Server
 * resolves an unqualified name in the login's default schema, then dbo;
 * they hold one row and only the first is fetched (no TOP).  That lets
 * the Wine test serve them from SQLite through a real ODBC driver.
 * ProxyPassword's value is never selected: only whether there is one.
 */
const struct ww_disc_query ww_disc_queries[WW_DISC_TABLES] = {
	{ "tbConfigurationA",
	  "SELECT SyncToMU, UpstreamServerName, ServerPortNumber, "
	  "UpstreamServerUseSSL, UseProxy, ProxyName, ProxyServerPort, "
	  "AnonymousProxyAccess, ProxyUserName FROM tbConfigurationA",
	  WW_ARRAY_SIZE(cols_a), cols_a, false },
	{ "tbConfigurationB",
	  "SELECT MUUrl, LogPath FROM tbConfigurationB",
	  WW_ARRAY_SIZE(cols_b), cols_b, false },
	{ "tbConfigurationC",
	  "SELECT LogRolloverFileSizeInBytes, ProxyUserDomain "
	  "FROM tbConfigurationC",
	  WW_ARRAY_SIZE(cols_c), cols_c, false },
	{ "tbConfigurationA",
	  "SELECT CASE WHEN ProxyPassword IS NULL THEN 0 ELSE 1 END "
	  "FROM tbConfigurationA",
	  WW_ARRAY_SIZE(cols_pw), cols_pw, true },
	{ "tbConfigurationA", "SELECT HostOnMu FROM tbConfigurationA",
	  WW_ARRAY_SIZE(cols_hostmu), cols_hostmu, true },
	{ "tbConfigurationB",
	  "SELECT RedirectorChangeNumber FROM tbConfigurationB",
	  WW_ARRAY_SIZE(cols_redir), cols_redir, true },
	{ "tbConfigurationC", "SELECT ReplicaMode FROM tbConfigurationC",
	  WW_ARRAY_SIZE(cols_replica), cols_replica, true },
	{ "tbConfigurationC",
	  "SELECT AllowProxyCredentialsOverNonSsl FROM tbConfigurationC",
	  WW_ARRAY_SIZE(cols_basic), cols_basic, true },
	{ "tbConfigurationC",
	  "SELECT UseSeparateProxyForSsl, SslProxyName, SslProxyServerPort "
	  "FROM tbConfigurationC",
	  WW_ARRAY_SIZE(cols_sslproxy), cols_sslproxy, true },
	{ "tbConfigurationC", "SELECT GetContentFromMU FROM tbConfigurationC",
	  WW_ARRAY_SIZE(cols_cfmu), cols_cfmu, true },
};

const char *const ww_disc_drivers[] = {
	"{SQL Server}",                     /* in-box sqlsrv32 */
	"{ODBC Driver 17 for SQL Server}",
	"{ODBC Driver 18 for SQL Server}",
};
const size_t ww_disc_ndrivers = WW_ARRAY_SIZE(ww_disc_drivers);

void ww_discovered_init(struct ww_discovered *d)
{
	memset(d, 0, sizeof(*d));
}

/* ---- parsing one row ---- */

static bool ci_eq(const char *a, const char *b)
{
	return ww_strcasecmp(a, b) == 0;
}

static bool ci_neq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
		if (!x)
			return true;
	}
	return true;
}

static void note_bad(struct ww_discovered *d, const char *col, const char *v)
{
	size_t n = strlen(d->bad);

	snprintf(d->bad + n, sizeof(d->bad) - n, "%s%s: '%.60s'", n ? "; " : "",
		 col, v);
}

static bool blank(const char *v)
{
	if (!v)
		return true;
	while (*v == ' ' || *v == '\t')
		v++;
	return !*v;
}

static void take_text(struct ww_disc_text *t, const char *v, const char *src)
{
	size_t n;

	if (blank(v))
		return;
	ww_strlcpy(t->value, v, sizeof(t->value));
	/* nchar columns come padded. */
	n = strlen(t->value);
	while (n && t->value[n - 1] == ' ')
		t->value[--n] = '\0';
	t->known = true;
	t->source = src;
}

static void take_int(struct ww_discovered *d, struct ww_disc_int *t,
		     const char *v, const char *col, const char *src)
{
	int64_t n;

	if (blank(v))
		return;
	if (ww_parse_i64(v, &n)) {
		note_bad(d, col, v);
		return;
	}
	t->known = true;
	t->value = n;
	t->source = src;
}

/* A bit column: ODBC renders it "1"/"0"; some drivers "True"/"False". */
static void take_bool(struct ww_discovered *d, struct ww_disc_bool *t,
		      const char *v, const char *col, const char *src)
{
	if (blank(v))
		return;
	if (strcmp(v, "1") == 0 || ci_eq(v, "true")) {
		t->value = true;
	} else if (strcmp(v, "0") == 0 || ci_eq(v, "false")) {
		t->value = false;
	} else {
		note_bad(d, col, v);
		return;
	}
	t->known = true;
	t->source = src;
}

static void take_a(struct ww_discovered *d, const char *const *v)
{
	take_bool(d, &d->sync_to_mu, v[0], "SyncToMU", SRC_A("SyncToMU"));
	take_text(&d->upstream_host, v[1], SRC_A("UpstreamServerName"));
	take_int(d, &d->upstream_port, v[2], "ServerPortNumber",
		 SRC_A("ServerPortNumber"));
	take_bool(d, &d->upstream_ssl, v[3], "UpstreamServerUseSSL",
		  SRC_A("UpstreamServerUseSSL"));
	take_bool(d, &d->use_proxy, v[4], "UseProxy", SRC_A("UseProxy"));
	take_text(&d->proxy_name, v[5], SRC_A("ProxyName"));
	take_int(d, &d->proxy_port, v[6], "ProxyServerPort",
		 SRC_A("ProxyServerPort"));
	take_bool(d, &d->proxy_anonymous, v[7], "AnonymousProxyAccess",
		  SRC_A("AnonymousProxyAccess"));
	take_text(&d->proxy_user, v[8], SRC_A("ProxyUserName"));
}

static void take_optional(struct ww_discovered *d, enum ww_disc_table t,
			  const char *const *v)
{
	switch (t) {
	case WW_DISC_PROXY_PASSWORD:
		take_bool(d, &d->has_proxy_password, v[0], "HasProxyPassword",
			  SRC_A("ProxyPassword (whether set)"));
		break;
	case WW_DISC_HOST_ON_MU:
		take_bool(d, &d->host_on_mu, v[0], "HostOnMu", SRC_A("HostOnMu"));
		break;
	case WW_DISC_REDIRECTOR:
		take_int(d, &d->redirector, v[0], "RedirectorChangeNumber",
			 SRC_B("RedirectorChangeNumber"));
		break;
	case WW_DISC_REPLICA:
		take_bool(d, &d->replica, v[0], "ReplicaMode",
			  SRC_C("ReplicaMode"));
		break;
	case WW_DISC_BASIC:
		take_bool(d, &d->allow_basic, v[0],
			  "AllowProxyCredentialsOverNonSsl",
			  SRC_C("AllowProxyCredentialsOverNonSsl"));
		break;
	case WW_DISC_SSL_PROXY:
		take_bool(d, &d->separate_ssl_proxy, v[0],
			  "UseSeparateProxyForSsl",
			  SRC_C("UseSeparateProxyForSsl"));
		take_text(&d->ssl_proxy_name, v[1], SRC_C("SslProxyName"));
		take_int(d, &d->ssl_proxy_port, v[2], "SslProxyServerPort",
			 SRC_C("SslProxyServerPort"));
		break;
	case WW_DISC_CONTENT_FROM_MU:
		take_bool(d, &d->content_from_mu, v[0], "GetContentFromMU",
			  SRC_C("GetContentFromMU"));
		break;
	default:
		break;
	}
}

void ww_discovered_take_row(struct ww_discovered *d, enum ww_disc_table t,
			    const char *const *vals)
{
	switch (t) {
	case WW_DISC_TABLE_A:
		take_a(d, vals);
		break;
	case WW_DISC_TABLE_B:
		take_text(&d->muurl, vals[0], SRC_B("MUUrl"));
		take_text(&d->log_path, vals[1], SRC_B("LogPath"));
		break;
	case WW_DISC_TABLE_C:
		take_int(d, &d->log_rollover, vals[0],
			 "LogRolloverFileSizeInBytes",
			 SRC_C("LogRolloverFileSizeInBytes"));
		take_text(&d->proxy_domain, vals[1], SRC_C("ProxyUserDomain"));
		break;
	default:
		take_optional(d, t, vals);
		break;
	}
}

void ww_discovered_not_read(struct ww_discovered *d, enum ww_disc_table t,
			    const char *why)
{
	const struct ww_disc_query *q = &ww_disc_queries[t];
	size_t n = strlen(d->not_read);

	snprintf(d->not_read + n, sizeof(d->not_read) - n, "%s%s.%s (%.120s)",
		 n ? "; " : "", q->table, q->cols[0], why);
}

/* ---- connecting ---- */

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (ci_neq(s, needle, n))
			return true;
	return false;
}

void ww_discover_sql_server(const char *name, char *buf, size_t size)
{
	if (blank(name) || contains_ci(name, "##WID"))
		ww_strlcpy(buf, "np:\\\\.\\pipe\\MICROSOFT##WID\\tsql\\query", size);
	else if (contains_ci(name, "##SSEE"))
		ww_strlcpy(buf, "np:\\\\.\\pipe\\MSSQL$MICROSOFT##SSEE\\sql\\query",
			   size);
	else
		ww_strlcpy(buf, name, size);
}

int ww_discover_conn_string(const char *driver, const char *server, char *buf,
			    size_t size)
{
	size_t n = 0, i;
	int k;

	k = snprintf(buf, size, "Driver=%s;Server={", driver);
	if (k < 0 || (size_t)k >= size)
		return WW_ERANGE;
	n = (size_t)k;
	/* In braces a value may hold ';'; a '}' is written twice. */
	for (i = 0; server[i]; i++) {
		if (n + 3 >= size)
			return WW_ERANGE;
		if (server[i] == '}')
			buf[n++] = '}';
		buf[n++] = server[i];
	}
	buf[n] = '\0';
	k = snprintf(buf + n, size - n, "};Database=SUSDB;Trusted_Connection=yes;"
		     "%s", strstr(driver, "18") ? "Encrypt=Optional;" : "");
	return k < 0 || (size_t)k >= size - n ? WW_ERANGE : 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && ci_eq(s + n - m, suffix);
}

void ww_discover_log_file(const char *log_path, char *buf, size_t size)
{
	size_t n;

	if (ends_with_ci(log_path, ".log")) {
		ww_strlcpy(buf, log_path, size);
		return;
	}
	n = strlen(log_path);
	snprintf(buf, size, "%s%sSoftwareDistribution.log", log_path,
		 n && (log_path[n - 1] == '\\' || log_path[n - 1] == '/') ?
		 "" : "\\");
}

/* ---- merging ---- */

static bool explicit_key(const struct ww_config *cfg, const char *name)
{
	return ww_config_origin_of(cfg, name) == WW_ORIGIN_FILE;
}

static void note_rejected(struct ww_config *cfg, const char *src,
			  const char *why)
{
	char *r = cfg->discovery.rejected;
	size_t n = strlen(r);

	snprintf(r + n, sizeof(cfg->discovery.rejected) - n, "%s%s (%s)",
		 n ? "; " : "", why, src);
}

/*
 * Set name from discovery unless the file set it.  Returns 0 when set
 * (or left to the file), 1 when the value was not taken, WW_ENOMEM.
 */
static int fill(struct ww_config *cfg, const char *name, const char *value,
		const char *src)
{
	struct ww_err e;
	int r;

	if (explicit_key(cfg, name))
		return 0;
	ww_err_clear(&e);
	r = ww_config_set(cfg, name, value, WW_ORIGIN_DISCOVERED, src, &e);
	if (r == WW_ENOMEM)
		return r;
	if (r) {
		note_rejected(cfg, src, e.msg);
		return 1;
	}
	cfg->discovery.applied++;
	return 0;
}

static const char *yes_no(bool b)
{
	return b ? "true" : "false";
}

static int apply_upstream(struct ww_config *cfg, const struct ww_discovered *d)
{
	char port[24];
	int r;

	if (!d->upstream_host.known) {
		note_rejected(cfg, d->sync_to_mu.source, "SyncToMU is 0 but "
			      "UpstreamServerName is empty");
		return 0;
	}
	r = fill(cfg, "wsus.upstream.host", d->upstream_host.value,
		 d->upstream_host.source);
	/* Port and SSL belong to the host: never mix them with the file's. */
	if (r || explicit_key(cfg, "wsus.upstream.host"))
		return r < 0 ? r : 0;
	if (d->upstream_port.known) {
		snprintf(port, sizeof(port), "%" PRId64, d->upstream_port.value);
		r = fill(cfg, "wsus.upstream.port", port, d->upstream_port.source);
	}
	if (r >= 0 && d->upstream_ssl.known)
		r = fill(cfg, "wsus.upstream.ssl", yes_no(d->upstream_ssl.value),
			 d->upstream_ssl.source);
	return r < 0 ? r : 0;
}

static int apply_sync(struct ww_config *cfg, const struct ww_discovered *d)
{
	int r = 0;

	if (d->muurl.known)
		r = fill(cfg, "wsus.muurl", d->muurl.value, d->muurl.source);
	if (r < 0 || !d->sync_to_mu.known)
		return r < 0 ? r : 0;
	if (d->sync_to_mu.value)
		r = fill(cfg, "wsus.upstream.host", NULL, d->sync_to_mu.source);
	else
		r = apply_upstream(cfg, d);
	return r < 0 ? r : 0;
}

static int apply_proxy_user(struct ww_config *cfg, const struct ww_discovered *d)
{
	char user[2 * WW_DISC_TEXT_MAX];

	if (d->proxy_anonymous.known && d->proxy_anonymous.value)
		return fill(cfg, "proxy.user", NULL, d->proxy_anonymous.source);
	if (!d->proxy_user.known)
		return 0;
	if (d->proxy_domain.known)
		snprintf(user, sizeof(user), "%s\\%s", d->proxy_domain.value,
			 d->proxy_user.value);
	else
		ww_strlcpy(user, d->proxy_user.value, sizeof(user));
	return fill(cfg, "proxy.user", user, d->proxy_user.source);
}

static int apply_proxy(struct ww_config *cfg, const struct ww_discovered *d)
{
	char url[WW_DISC_TEXT_MAX + 40];
	int r;

	if (!d->use_proxy.known)
		return 0;
	if (!d->use_proxy.value) {
		r = fill(cfg, "proxy.url", NULL, d->use_proxy.source);
		if (!r && !explicit_key(cfg, "proxy.url"))
			r = fill(cfg, "proxy.user", NULL, d->use_proxy.source);
		return r < 0 ? r : 0;
	}
	if (!d->proxy_name.known || !ww_host_name_ok(d->proxy_name.value)) {
		note_rejected(cfg, d->proxy_name.source ? d->proxy_name.source :
			      d->use_proxy.source, "UseProxy is 1 but ProxyName "
			      "is empty or not a host name");
		return 0;
	}
	snprintf(url, sizeof(url), "http://%s:%" PRId64, d->proxy_name.value,
		 d->proxy_port.known ? d->proxy_port.value : 80);
	r = fill(cfg, "proxy.url", url, d->proxy_name.source);
	/* The user belongs to that proxy: not to one the file names. */
	if (r || explicit_key(cfg, "proxy.url"))
		return r < 0 ? r : 0;
	r = apply_proxy_user(cfg, d);
	return r < 0 ? r : 0;
}

/*
 * The separate HTTPS proxy belongs to the proxy: taken only with a
 * discovered proxy.url, so the probes of https targets use it as WSUS
 * does (endpoint.c picks proxy.ssl_url for https).
 */
static int apply_ssl_proxy(struct ww_config *cfg,
			   const struct ww_discovered *d)
{
	char url[WW_DISC_TEXT_MAX + 40];

	if (!d->separate_ssl_proxy.known || !d->separate_ssl_proxy.value ||
	    !d->use_proxy.known || !d->use_proxy.value ||
	    explicit_key(cfg, "proxy.url") || explicit_key(cfg, "proxy.ssl_url"))
		return 0;
	if (!d->ssl_proxy_name.known || !ww_host_name_ok(d->ssl_proxy_name.value)) {
		note_rejected(cfg, d->separate_ssl_proxy.source,
			      "UseSeparateProxyForSsl is 1 but SslProxyName is "
			      "empty or not a host name");
		return 0;
	}
	snprintf(url, sizeof(url), "http://%s:%" PRId64,
		 d->ssl_proxy_name.value, d->ssl_proxy_port.known ?
		 d->ssl_proxy_port.value : 443);
	return fill(cfg, "proxy.ssl_url", url, d->ssl_proxy_name.source) < 0 ?
		WW_ENOMEM : 0;
}

static enum ww_fact3 fact3(const struct ww_disc_bool *b)
{
	return !b->known ? WW_FACT3_UNKNOWN : b->value ? WW_FACT3_YES :
							  WW_FACT3_NO;
}

/* What the checks judge beyond the keys (config.h). */
static void apply_facts(struct ww_config *cfg, const struct ww_discovered *d)
{
	struct ww_wsus_facts *f = &cfg->discovery.wsus;

	memset(f, 0, sizeof(*f));
	f->replica = fact3(&d->replica);
	f->has_proxy_password = fact3(&d->has_proxy_password);
	f->allow_basic = fact3(&d->allow_basic);
	f->separate_ssl_proxy = fact3(&d->separate_ssl_proxy);
	f->host_on_mu = fact3(&d->host_on_mu);
	f->content_from_mu = fact3(&d->content_from_mu);
	f->have_redirector = d->redirector.known;
	f->redirector = d->redirector.value;
	if (d->version.known)
		ww_strlcpy(f->version, d->version.value, sizeof(f->version));
	ww_strlcpy(f->not_read, d->not_read, sizeof(f->not_read));
}

/* The rollover size bounds the tailer's first read (tail.h). */
static int apply_rollover(struct ww_config *cfg, const struct ww_discovered *d)
{
	char n[24];

	if (!d->log_rollover.known)
		return 0;
	snprintf(n, sizeof(n), "%" PRId64, d->log_rollover.value);
	return fill(cfg, "wsus.log_rollover", n, d->log_rollover.source) < 0 ?
		WW_ENOMEM : 0;
}

static int apply_log(struct ww_config *cfg, const struct ww_discovered *d)
{
	char path[WW_DISC_TEXT_MAX + 64];
	size_t n;

	if (d->log_path.known) {
		ww_discover_log_file(d->log_path.value, path, sizeof(path));
		return fill(cfg, "wsus.log", path, d->log_path.source) < 0 ?
			WW_ENOMEM : 0;
	}
	if (!d->target_dir.known)
		return 0;
	n = strlen(d->target_dir.value);
	snprintf(path, sizeof(path), "%s%sLogFiles\\SoftwareDistribution.log",
		 d->target_dir.value, n && d->target_dir.value[n - 1] == '\\' ?
		 "" : "\\");
	return fill(cfg, "wsus.log", path, d->target_dir.source) < 0 ?
		WW_ENOMEM : 0;
}

/* ConfigMgr's log where its registry names it (discover.h). */
static int apply_wsyncmgr(struct ww_config *cfg, const struct ww_discovered *d)
{
	if (!d->wsyncmgr_log.known)
		return 0;
	return fill(cfg, "wsus.wsyncmgr_log", d->wsyncmgr_log.value,
		    d->wsyncmgr_log.source) < 0 ? WW_ENOMEM : 0;
}

/* This server's own port and SSL (its Setup key), for probes.local. */
static int apply_server(struct ww_config *cfg, const struct ww_discovered *d)
{
	char n[24];

	/* The key's bounds judge the value: one out of range is named in
	 * discovery's rejected list by fill(). */
	if (d->port.known && d->port.value > 0) {
		snprintf(n, sizeof(n), "%" PRId64, d->port.value);
		if (fill(cfg, "wsus.server.port", n, d->port.source) < 0)
			return WW_ENOMEM;
	}
	if (d->using_ssl.known &&
	    fill(cfg, "wsus.server.ssl", d->using_ssl.value ? "true" : "false",
		 d->using_ssl.source) < 0)
		return WW_ENOMEM;
	return 0;
}

/* "port 8531, SSL on, SUSDB on MICROSOFT##WID, content D:\WSUS". */
static void describe_server(struct ww_config *cfg, const struct ww_discovered *d)
{
	char *s = cfg->discovery.server;
	size_t size = sizeof(cfg->discovery.server), n = 0;

	s[0] = '\0';
	if (d->port.known)
		n += (size_t)snprintf(s + n, size - n, "port %" PRId64,
				      d->port.value);
	if (d->using_ssl.known && n < size)
		n += (size_t)snprintf(s + n, size - n, "%sSSL %s", n ? ", " : "",
				      d->using_ssl.value ? "on" : "off");
	if (n < size)
		n += (size_t)snprintf(s + n, size - n, "%sSUSDB on %s",
				      n ? ", " : "", d->sql_server.known ?
				      d->sql_server.value : "WID (default)");
	if (d->content_dir.known && n < size)
		snprintf(s + n, size - n, ", content %s", d->content_dir.value);
}

int ww_config_apply_discovered(struct ww_config *cfg,
			       const struct ww_discovered *d, struct ww_err *err)
{
	int r;

	cfg->discovery.code = 0; /* what was read is being applied */
	cfg->discovery.applied = 0;
	cfg->discovery.rejected[0] = '\0';
	describe_server(cfg, d);
	cfg->discovery.susdb_code = d->susdb_code;
	ww_strlcpy(cfg->discovery.susdb_msg, d->susdb_error,
		   sizeof(cfg->discovery.susdb_msg));
	if (d->bad[0])
		note_rejected(cfg, "SUSDB", d->bad);
	apply_facts(cfg, d);
	r = apply_sync(cfg, d);
	if (!r)
		r = apply_proxy(cfg, d);
	if (!r)
		r = apply_ssl_proxy(cfg, d);
	if (!r)
		r = apply_log(cfg, d);
	if (!r)
		r = apply_rollover(cfg, d);
	if (!r)
		r = apply_wsyncmgr(cfg, d);
	if (!r)
		r = apply_server(cfg, d);
	if (r)
		return ww_err_set(err, r, "discovery: out of memory");
	return 0;
}

int ww_config_discover(struct ww_config *cfg)
{
	struct ww_config_discovery *st = &cfg->discovery;
	struct ww_discovered *d;
	struct ww_err err;
	int r;

	memset(st, 0, sizeof(*st));
	if (!cfg->wsus.discover) {
		st->code = WW_ESTATE;
		ww_strlcpy(st->msg, "switched off (wsus.discover: false)",
			   sizeof(st->msg));
		return 0;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return WW_ENOMEM;
	ww_discovered_init(d);
	ww_err_clear(&err);
	r = ww_discover_read(d, &err);
	st->code = r;
	if (r)
		ww_strlcpy(st->msg, err.msg, sizeof(st->msg));
	else
		r = ww_config_apply_discovered(cfg, d, &err);
	free(d);
	return r == WW_ENOMEM ? r : 0;
}

bool ww_config_discovery_noteworthy(const struct ww_config *cfg)
{
	const struct ww_config_discovery *st = &cfg->discovery;

	if (st->code == WW_EUNAVAIL || st->code == WW_ENOENT ||
	    st->code == WW_ESTATE)
		return false;
	return st->code || st->susdb_code || st->rejected[0];
}

void ww_config_discovery_note(const struct ww_config *cfg, char *buf,
			      size_t size)
{
	const struct ww_config_discovery *st = &cfg->discovery;

	if (st->code)
		snprintf(buf, size, "WSUS settings not discovered: %s; using "
			 "the configuration file and defaults", st->msg);
	else if (st->susdb_code)
		snprintf(buf, size, "WSUS settings: %s; using the registry, the "
			 "configuration file and defaults", st->susdb_msg);
	else if (st->rejected[0])
		snprintf(buf, size, "WSUS settings not taken: %s", st->rejected);
	else
		snprintf(buf, size, "WSUS settings discovered: %zu key%s",
			 st->applied, st->applied == 1 ? "" : "s");
}
