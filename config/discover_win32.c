/*
 * discover_win32.c - read WSUS's own settings (config/discover.h): the
 * Setup registry key (64-bit view, KEY_WOW64_64KEY, as WSUS is a 64-bit
 * component) and SUSDB's tbConfigurationA/B/C over ODBC.
 *
 * SUSDB is reached with Windows authentication (Trusted_Connection) on
 * the server SQLServerName names, WID's local named pipe by default.  The
 * in-box {SQL Server} driver is tried first, then the newer ones; each
 * with a short login timeout, so a service start is never held up for
 * long.  Every column is fetched as text and parsed by the portable half.
 * tbConfigurationA.ProxyPassword is never selected.
 *
 * All Reg* and SQL* calls go through ww_disc_api (discover_win32.h) so the
 * unit test can serve a fake registry and fake rows under Wine.
 */
#include "compat.h"

#include "os_win32.h"

#include "discover.h"
#include "discover_win32.h"
#include "util.h"
#include "winreg_win32.h"

#define KEY_SETUP L"SOFTWARE\\Microsoft\\Update Services\\Server\\Setup"
#define KEY_SMS_SYNC \
	L"SOFTWARE\\Microsoft\\SMS\\Tracing\\SMS_WSUS_SYNC_MANAGER"
#define KEY_SETUP_TEXT "HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup"
/* Longest text value read, as stored: longer is absent, not cut. */
#define TEXT_BYTES_MAX ((DWORD)((WW_DISC_TEXT_MAX - 1) * sizeof(wchar_t)))
#define SRC_REG(v) "registry Setup\\" v
#define LOGIN_TIMEOUT_S 5
#define QUERY_TIMEOUT_S 10
#define CONN_MAX 1024

#define REAL_API { { RegOpenKeyExW, RegQueryValueExW, RegCloseKey },        \
		   SQLAllocHandle, SQLSetEnvAttr, SQLSetConnectAttrW,        \
		   SQLDriverConnectW, SQLSetStmtAttrW, SQLExecDirectW,       \
		   SQLFetch, SQLGetData, SQLGetDiagRecW, SQLDisconnect,      \
		   SQLFreeHandle }

struct ww_disc_api ww_disc_api = REAL_API;

void ww_disc_api_reset(void)
{
	static const struct ww_disc_api real = REAL_API;

	ww_disc_api = real;
}

/* ---- registry ---- */

/* A REG_SZ / REG_EXPAND_SZ value, unexpanded, as UTF-8 into buf. */
static bool reg_text(const struct ww_win_reg_key *k, const wchar_t *name,
		     char *buf, size_t size)
{
	return ww_win_reg_text(k, name, 0, TEXT_BYTES_MAX, buf, size, NULL);
}

int ww_disc_read_setup_key(struct ww_disc_setup_key *ret, struct ww_err *err)
{
	struct ww_win_reg_key k;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = ww_win_reg_open(&k, &ww_disc_api.reg, KEY_SETUP, err);
	if (r || !k.h)
		return r;
	ret->present = true;
	ret->have_port = ww_win_reg_dword(&k, L"PortNumber", &ret->port);
	ret->have_ssl = ww_win_reg_dword(&k, L"UsingSSL", &ret->ssl);
	ret->have_content_dir = reg_text(&k, L"ContentDir", ret->content_dir,
					 sizeof(ret->content_dir));
	ret->have_sql_server = reg_text(&k, L"SQLServerName", ret->sql_server,
					sizeof(ret->sql_server));
	ret->have_target_dir = reg_text(&k, L"TargetDir", ret->target_dir,
					sizeof(ret->target_dir));
	ret->have_version = reg_text(&k, L"VersionString", ret->version,
				     sizeof(ret->version));
	ww_win_reg_close(&k);
	return 0;
}

/* REG_EXPAND_SZ and %VARS% in REG_SZ paths are expanded. */
static void expand(struct ww_disc_text *t)
{
	wchar_t *in, out[WW_DISC_TEXT_MAX];
	DWORD n;
	char *u;

	if (!t->known || !strchr(t->value, '%'))
		return;
	in = ww_win_utf16(t->value);
	if (!in)
		return;
	n = ExpandEnvironmentStringsW(in, out, WW_DISC_TEXT_MAX);
	free(in);
	if (!n || n > WW_DISC_TEXT_MAX)
		return;
	u = ww_win_utf8(out);
	if (u)
		ww_strlcpy(t->value, u, sizeof(t->value));
	free(u);
}

/* Discovery knows a path only when it is not empty, and expands it. */
static void setup_text(bool have, const char *value, struct ww_disc_text *ret,
		       const char *src)
{
	if (have && value[0]) {
		ww_strlcpy(ret->value, value, sizeof(ret->value));
		ret->known = true;
		ret->source = src;
	}
	expand(ret);
}

static int read_registry(struct ww_discovered *d, struct ww_err *err)
{
	struct ww_disc_setup_key *key = malloc(sizeof(*key));
	int r;

	if (!key)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	r = ww_disc_read_setup_key(key, err);
	if (!r && !key->present)
		r = ww_err_set(err, WW_ENOENT, "WSUS is not installed here "
			       "(no %s)", KEY_SETUP_TEXT);
	if (r)
		goto out;
	d->installed = true;
	if (key->have_port) {
		d->port.known = true;
		d->port.value = key->port;
		d->port.source = SRC_REG("PortNumber");
	}
	d->using_ssl.known = key->have_ssl;
	d->using_ssl.value = key->have_ssl && key->ssl != 0;
	d->using_ssl.source = key->have_ssl ? SRC_REG("UsingSSL") : NULL;
	setup_text(key->have_content_dir, key->content_dir, &d->content_dir,
		   SRC_REG("ContentDir"));
	setup_text(key->have_sql_server, key->sql_server, &d->sql_server,
		   SRC_REG("SQLServerName"));
	setup_text(key->have_target_dir, key->target_dir, &d->target_dir,
		   SRC_REG("TargetDir"));
	setup_text(key->have_version, key->version, &d->version,
		   SRC_REG("VersionString"));
out:
	free(key);
	return r;
}

/* ---- ODBC ---- */

/* "[SQLSTATE] message" of the first diagnostic record, or a fallback. */
static void odbc_message(SQLSMALLINT type, SQLHANDLE h, const char *call,
			 char *state_out, char *buf, size_t size)
{
	SQLWCHAR state[6] = { 0 }, msg[512];
	SQLINTEGER native = 0;
	SQLSMALLINT len = 0;
	char *s, *m;

	state_out[0] = '\0';
	if (!h || !SQL_SUCCEEDED(ww_disc_api.get_diag_rec(type, h, 1, state,
							   &native, msg,
							   WW_ARRAY_SIZE(msg),
							   &len))) {
		snprintf(buf, size, "%s failed (no diagnostic record)", call);
		return;
	}
	msg[WW_ARRAY_SIZE(msg) - 1] = 0;
	s = ww_win_utf8((const wchar_t *)state);
	m = ww_win_utf8((const wchar_t *)msg);
	snprintf(buf, size, "[%s] %s", s ? s : "?????", m ? m : "?");
	if (s)
		ww_strlcpy(state_out, s, 6);
	free(s);
	free(m);
}

/* One column as UTF-8 text into buf; false for SQL NULL. */
static bool get_text(SQLHSTMT st, SQLUSMALLINT col, char *buf, size_t size)
{
	SQLWCHAR w[WW_DISC_TEXT_MAX];
	SQLLEN ind = 0;
	SQLRETURN rc;
	char *u;

	w[0] = 0;
	rc = ww_disc_api.get_data(st, col, SQL_C_WCHAR, w, sizeof(w), &ind);
	if (!SQL_SUCCEEDED(rc) || ind == SQL_NULL_DATA)
		return false;
	w[WW_DISC_TEXT_MAX - 1] = 0; /* truncated data keeps a terminator */
	u = ww_win_utf8((const wchar_t *)w);
	if (!u)
		return false;
	ww_strlcpy(buf, u, size);
	free(u);
	return true;
}

#define MAX_COLS 9

static int run_query(struct ww_discovered *d, SQLHDBC dbc,
		     enum ww_disc_table t, char *why, size_t whylen)
{
	const struct ww_disc_query *q = &ww_disc_queries[t];
	char text[MAX_COLS][WW_DISC_TEXT_MAX];
	const char *vals[MAX_COLS];
	char state[6];
	SQLHSTMT st = NULL;
	wchar_t *sql = NULL;
	SQLRETURN rc;
	size_t i;
	int r = WW_EIO;

	if (!SQL_SUCCEEDED(ww_disc_api.alloc_handle(SQL_HANDLE_STMT, dbc, &st))) {
		odbc_message(SQL_HANDLE_DBC, dbc, "SQLAllocHandle", state, why,
			     whylen);
		return WW_EIO;
	}
	ww_disc_api.set_stmt_attr(st, SQL_ATTR_QUERY_TIMEOUT,
				  (SQLPOINTER)(uintptr_t)QUERY_TIMEOUT_S, 0);
	sql = ww_win_utf16(q->sql);
	if (!sql) {
		r = WW_ENOMEM;
		goto out;
	}
	rc = ww_disc_api.exec_direct(st, (SQLWCHAR *)sql, SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = ww_disc_api.fetch(st);
	if (rc == SQL_NO_DATA) {
		snprintf(why, whylen, "%s has no row", q->table);
		goto out;
	}
	if (!SQL_SUCCEEDED(rc)) {
		odbc_message(SQL_HANDLE_STMT, st, "SQLExecDirectW", state, why,
			     whylen);
		goto out;
	}
	for (i = 0; i < q->ncols && i < MAX_COLS; i++)
		vals[i] = get_text(st, (SQLUSMALLINT)(i + 1), text[i],
				   sizeof(text[i])) ? text[i] : NULL;
	ww_discovered_take_row(d, t, vals);
	r = 0;
out:
	free(sql);
	ww_disc_api.free_handle(SQL_HANDLE_STMT, st);
	return r;
}

/* Connect with one driver; state gets the SQLSTATE of a failure. */
static int connect_driver(SQLHENV env, const char *driver, const char *server,
			  SQLHDBC *ret, char *state, char *why, size_t whylen)
{
	char conn[CONN_MAX];
	wchar_t *w;
	SQLHDBC dbc = NULL;
	SQLRETURN rc;

	*ret = NULL;
	state[0] = '\0';
	if (ww_discover_conn_string(driver, server, conn, sizeof(conn))) {
		snprintf(why, whylen, "server name too long");
		return WW_ERANGE;
	}
	if (!SQL_SUCCEEDED(ww_disc_api.alloc_handle(SQL_HANDLE_DBC, env, &dbc))) {
		odbc_message(SQL_HANDLE_ENV, env, "SQLAllocHandle", state, why,
			     whylen);
		return WW_EIO;
	}
	ww_disc_api.set_connect_attr(dbc, SQL_ATTR_LOGIN_TIMEOUT,
				     (SQLPOINTER)(uintptr_t)LOGIN_TIMEOUT_S, 0);
	w = ww_win_utf16(conn);
	rc = w ? ww_disc_api.driver_connect(dbc, NULL, (SQLWCHAR *)w, SQL_NTS,
					    NULL, 0, NULL, SQL_DRIVER_NOPROMPT)
	       : SQL_ERROR;
	free(w);
	if (!SQL_SUCCEEDED(rc)) {
		odbc_message(SQL_HANDLE_DBC, dbc, "SQLDriverConnectW", state, why,
			     whylen);
		ww_disc_api.free_handle(SQL_HANDLE_DBC, dbc);
		return WW_EIO;
	}
	*ret = dbc;
	return 0;
}

/*
 * Try the drivers in order.  A driver that is not installed (IM002) only
 * moves on to the next; the message kept is the first one from a driver
 * that exists, as that is the one that says why SUSDB refused.
 */
static int connect_any(SQLHENV env, const char *server, SQLHDBC *dbc,
		       char *why, size_t whylen)
{
	char state[6], msg[WW_ERR_MSG_MAX];
	bool have_real = false;
	size_t i;

	why[0] = '\0';
	for (i = 0; i < ww_disc_ndrivers; i++) {
		if (!connect_driver(env, ww_disc_drivers[i], server, dbc, state,
				    msg, sizeof(msg)))
			return 0;
		if (have_real)
			continue;
		have_real = strcmp(state, "IM002") != 0;
		if (have_real || !why[0])
			snprintf(why, whylen, "%s (driver %s)", msg,
				 ww_disc_drivers[i]);
	}
	return WW_EIO;
}

static void read_susdb(struct ww_discovered *d)
{
	char why[WW_ERR_MSG_MAX] = "";
	SQLHENV env = NULL;
	SQLHDBC dbc = NULL;
	size_t t;
	int r = WW_EIO;

	ww_discover_sql_server(d->sql_server.known ? d->sql_server.value : NULL,
			       d->susdb_server, sizeof(d->susdb_server));
	if (!SQL_SUCCEEDED(ww_disc_api.alloc_handle(SQL_HANDLE_ENV,
						    SQL_NULL_HANDLE, &env))) {
		snprintf(why, sizeof(why), "SQLAllocHandle(ENV) failed: ODBC "
			 "is not usable");
		env = NULL;
		goto out;
	}
	ww_disc_api.set_env_attr(env, SQL_ATTR_ODBC_VERSION,
				 (SQLPOINTER)(uintptr_t)SQL_OV_ODBC3, 0);
	r = connect_any(env, d->susdb_server, &dbc, why, sizeof(why));
	for (t = 0; !r && t < WW_DISC_TABLES; t++) {
		r = run_query(d, dbc, (enum ww_disc_table)t, why, sizeof(why));
		/* An optional column the server lacks loses only itself. */
		if (r && r != WW_ENOMEM && ww_disc_queries[t].optional) {
			ww_discovered_not_read(d, (enum ww_disc_table)t, why);
			why[0] = '\0';
			r = 0;
		}
	}
	if (dbc) {
		ww_disc_api.disconnect(dbc);
		ww_disc_api.free_handle(SQL_HANDLE_DBC, dbc);
	}
out:
	if (env)
		ww_disc_api.free_handle(SQL_HANDLE_ENV, env);
	d->susdb_code = r;
	if (r)
		snprintf(d->susdb_error, sizeof(d->susdb_error),
			 "SUSDB not readable: %s: %s", d->susdb_server, why);
	expand(&d->log_path);
}

/*
 * ConfigMgr's WsyncMgr.log, where a site's software update point syncs:
 * the SMS tracing key of the WSUS sync manager names the file
 * (TraceFilename, [UNVERIFIED] on a real site, docs/discovery.md).
 * Absent: no ConfigMgr here, nothing happens.
 */
static void read_sms(struct ww_discovered *d)
{
	char path[WW_DISC_TEXT_MAX];
	struct ww_win_reg_key k;

	if (ww_win_reg_open(&k, &ww_disc_api.reg, KEY_SMS_SYNC, NULL))
		return;
	if (reg_text(&k, L"TraceFilename", path, sizeof(path)))
		setup_text(true, path, &d->wsyncmgr_log,
			   "registry SMS\\Tracing\\SMS_WSUS_SYNC_MANAGER"
			   "\\TraceFilename");
	ww_win_reg_close(&k);
}

int ww_discover_read(struct ww_discovered *d, struct ww_err *err)
{
	int r;

	ww_discovered_init(d);
	r = read_registry(d, err);
	if (r)
		return r;
	read_sms(d);
	read_susdb(d);
	return 0;
}
