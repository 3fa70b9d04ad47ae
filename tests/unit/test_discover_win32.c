/*
 * test_discover_win32.c - discover_win32.c through its Reg* / SQL* seam
 * (Windows / Wine only): a fake Setup key and fake SUSDB rows become a
 * struct ww_discovered; connection failures become one clear message; the
 * proxy password is never selected.
 */
#include "compat.h"

#include "discover.h"
#include "discover_win32.h"
#include "os_win32.h"
#include "util.h"
#include "ww_test.h"

#define FAKE_KEY ((HKEY)(uintptr_t)0x5e7)

static struct {
	bool installed;
	LONG open_error;
	REGSAM sam;
	const char *sql_server;     /* SQLServerName, NULL: absent */
	const char *working_driver; /* the driver that connects, NULL: none */
	bool login_fails;           /* that driver says 28000 */
	char conns[4][512];         /* connection strings seen */
	size_t nconns;
	char sql[WW_DISC_TABLES][512];
	size_t nsql;
	int table;                  /* of the statement being read */
	bool fetched;
	char state[6], msg[256];    /* the pending diagnostic record */
} fk;

/* In query order (ww_disc_queries); GetContentFromMU is a column this
 * server lacks: its query fails (f_exec). */
static const char *const rows[WW_DISC_TABLES][9] = {
	{ "0", "wsus-up.corp.example", "8531", "1", "1", "proxy.corp", "3128",
	  "0", "svc-wsus" },
	{ "https://sws.update.microsoft.com", "%TESTLOGDIR%\\Logs", NULL },
	{ "20971520", "CORP", NULL },
	{ "1" }, { "0" }, { "4002" }, { "1" }, { "1" },
	{ "1", "sslproxy.corp", "8443" }, { NULL },
};

static LONG WINAPI f_reg_open(HKEY key, LPCWSTR sub, DWORD opts, REGSAM sam,
			      PHKEY ret)
{
	(void)key; (void)sub; (void)opts;
	fk.sam = sam;
	if (fk.open_error)
		return fk.open_error;
	if (!fk.installed)
		return ERROR_FILE_NOT_FOUND;
	*ret = FAKE_KEY;
	return ERROR_SUCCESS;
}

static LONG put_text(const char *v, LPDWORD type, LPBYTE data, LPDWORD size)
{
	wchar_t *w = ww_win_utf16(v);
	DWORD bytes = (DWORD)((wcslen(w) + 1) * sizeof(wchar_t));

	*type = REG_SZ;
	if (bytes > *size) {
		free(w);
		return ERROR_MORE_DATA;
	}
	memcpy(data, w, bytes);
	*size = bytes;
	free(w);
	return ERROR_SUCCESS;
}

static LONG WINAPI f_reg_query(HKEY key, LPCWSTR name, LPDWORD reserved,
			       LPDWORD type, LPBYTE data, LPDWORD size)
{
	DWORD v;

	(void)reserved;
	ck_assert_ptr_eq(key, FAKE_KEY);
	if (wcscmp(name, L"PortNumber") == 0)
		v = 8531;
	else if (wcscmp(name, L"UsingSSL") == 0)
		v = 1;
	else if (wcscmp(name, L"ContentDir") == 0)
		return put_text("D:\\WSUS", type, data, size);
	else if (wcscmp(name, L"SQLServerName") == 0 && fk.sql_server)
		return put_text(fk.sql_server, type, data, size);
	else
		return ERROR_FILE_NOT_FOUND;
	*type = REG_DWORD;
	memcpy(data, &v, sizeof(v));
	*size = sizeof(v);
	return ERROR_SUCCESS;
}

static LONG WINAPI f_reg_close(HKEY key)
{
	(void)key;
	return ERROR_SUCCESS;
}

static SQLRETURN SQL_API f_alloc(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out)
{
	(void)in;
	*out = (SQLHANDLE)(uintptr_t)(0x100 + type);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_attr(SQLHANDLE h, SQLINTEGER attr, SQLPOINTER v,
				SQLINTEGER len)
{
	(void)h; (void)attr; (void)v; (void)len;
	return SQL_SUCCESS;
}

static void set_diag(const char *state, const char *msg)
{
	ww_strlcpy(fk.state, state, sizeof(fk.state));
	ww_strlcpy(fk.msg, msg, sizeof(fk.msg));
}

static SQLRETURN SQL_API f_connect(SQLHDBC dbc, SQLHWND hwnd, SQLWCHAR *in,
				   SQLSMALLINT in_len, SQLWCHAR *out,
				   SQLSMALLINT out_max, SQLSMALLINT *out_len,
				   SQLUSMALLINT completion)
{
	char *conn = ww_win_utf8((const wchar_t *)in);

	(void)dbc; (void)hwnd; (void)in_len; (void)out; (void)out_max;
	(void)out_len;
	ck_assert_int_eq(completion, SQL_DRIVER_NOPROMPT);
	ck_assert_uint_lt(fk.nconns, 4);
	ww_strlcpy(fk.conns[fk.nconns++], conn, sizeof(fk.conns[0]));
	if (fk.working_driver && strstr(conn, fk.working_driver)) {
		free(conn);
		if (fk.login_fails) {
			set_diag("28000", "[Microsoft][ODBC SQL Server Driver]"
				 "[SQL Server]Login failed for user "
				 "'CORP\\\\alice'.");
			return SQL_ERROR;
		}
		return SQL_SUCCESS;
	}
	free(conn);
	set_diag("IM002", "[Microsoft][ODBC Driver Manager] Data source name "
		 "not found and no default driver specified");
	return SQL_ERROR;
}

static SQLRETURN SQL_API f_exec(SQLHSTMT st, SQLWCHAR *sql, SQLINTEGER len)
{
	char *s = ww_win_utf8((const wchar_t *)sql);

	(void)st; (void)len;
	/* The password's value is never selected: only whether it is set. */
	ck_assert(!strstr(s, "ProxyPassword") ||
		  strstr(s, "CASE WHEN ProxyPassword IS NULL THEN 0 ELSE 1 END"));
	ck_assert_uint_lt(fk.nsql, WW_DISC_TABLES);
	ww_strlcpy(fk.sql[fk.nsql++], s, sizeof(fk.sql[0]));
	fk.table = (int)fk.nsql - 1;
	if (fk.table == WW_DISC_CONTENT_FROM_MU) {
		free(s);
		set_diag("42S22", "[Microsoft][ODBC SQL Server Driver][SQL Server]"
			 "Invalid column name 'GetContentFromMU'.");
		return SQL_ERROR;
	}
	fk.fetched = false;
	free(s);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_fetch(SQLHSTMT st)
{
	(void)st;
	if (fk.fetched)
		return SQL_NO_DATA;
	fk.fetched = true;
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_get_data(SQLHSTMT st, SQLUSMALLINT col,
				    SQLSMALLINT type, SQLPOINTER value,
				    SQLLEN size, SQLLEN *ind)
{
	const char *v = rows[fk.table][col - 1];
	wchar_t *w;

	(void)st;
	ck_assert_int_eq(type, SQL_C_WCHAR);
	if (!v) {
		*ind = SQL_NULL_DATA;
		return SQL_SUCCESS;
	}
	w = ww_win_utf16(v);
	ck_assert_int_lt((SQLLEN)((wcslen(w) + 1) * sizeof(wchar_t)), size);
	memcpy(value, w, (wcslen(w) + 1) * sizeof(wchar_t));
	*ind = (SQLLEN)(wcslen(w) * sizeof(wchar_t));
	free(w);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_diag(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec,
				SQLWCHAR *state, SQLINTEGER *native,
				SQLWCHAR *msg, SQLSMALLINT msg_max,
				SQLSMALLINT *msg_len)
{
	wchar_t *s, *m;

	(void)type; (void)h; (void)native;
	if (rec != 1 || !fk.state[0])
		return SQL_NO_DATA;
	s = ww_win_utf16(fk.state);
	m = ww_win_utf16(fk.msg);
	memcpy(state, s, 6 * sizeof(wchar_t));
	ck_assert_int_lt((int)wcslen(m), msg_max);
	memcpy(msg, m, (wcslen(m) + 1) * sizeof(wchar_t));
	*msg_len = (SQLSMALLINT)wcslen(m);
	free(s);
	free(m);
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_disconnect(SQLHDBC dbc)
{
	(void)dbc;
	return SQL_SUCCESS;
}

static SQLRETURN SQL_API f_free(SQLSMALLINT type, SQLHANDLE h)
{
	(void)type; (void)h;
	return SQL_SUCCESS;
}

static void fake(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.installed = true;
	fk.working_driver = "{SQL Server}";
	ww_disc_api.reg.open = f_reg_open;
	ww_disc_api.reg.query = f_reg_query;
	ww_disc_api.reg.close = f_reg_close;
	ww_disc_api.alloc_handle = f_alloc;
	ww_disc_api.set_env_attr = f_attr;
	ww_disc_api.set_connect_attr = f_attr;
	ww_disc_api.set_stmt_attr = f_attr;
	ww_disc_api.driver_connect = f_connect;
	ww_disc_api.exec_direct = f_exec;
	ww_disc_api.fetch = f_fetch;
	ww_disc_api.get_data = f_get_data;
	ww_disc_api.get_diag_rec = f_diag;
	ww_disc_api.disconnect = f_disconnect;
	ww_disc_api.free_handle = f_free;
	SetEnvironmentVariableW(L"TESTLOGDIR", L"E:\\WSUS");
}

static struct ww_discovered *run(int expect, struct ww_err *err)
{
	struct ww_discovered *d = malloc(sizeof(*d));

	ck_assert_ptr_nonnull(d);
	ww_err_clear(err);
	ck_assert_int_eq(ww_discover_read(d, err), expect);
	ww_disc_api_reset();
	return d;
}

START_TEST(not_installed)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.installed = false;
	d = run(WW_ENOENT, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "WSUS is not installed here"));
	ck_assert(fk.sam & KEY_WOW64_64KEY);
	ck_assert_uint_eq(fk.nconns, 0);
	free(d);
}
END_TEST

START_TEST(registry_denied)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.open_error = ERROR_ACCESS_DENIED;
	d = run(WW_EPERM, &err);
	ck_assert_msg(strstr(err.msg, "RegOpenKeyExW") &&
		      strstr(err.msg, "Update Services"), "%s", err.msg);
	free(d);
}
END_TEST

START_TEST(registry_and_susdb)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.sql_server = "WSUS01\\MICROSOFT##WID";
	d = run(0, &err);
	ck_assert(d->installed);
	ck_assert_int_eq(d->port.value, 8531);
	ck_assert(d->using_ssl.known && d->using_ssl.value);
	ck_assert_str_eq(d->content_dir.value, "D:\\WSUS");
	ck_assert_str_eq(d->port.source, "registry Setup\\PortNumber");
	ck_assert_int_eq(d->susdb_code, 0);
	ck_assert_uint_eq(fk.nconns, 1);
	ck_assert_str_eq(fk.conns[0], "Driver={SQL Server};Server={np:\\\\.\\"
			 "pipe\\MICROSOFT##WID\\tsql\\query};Database=SUSDB;"
			 "Trusted_Connection=yes;");
	ck_assert_uint_eq(fk.nsql, WW_DISC_TABLES);
	ck_assert(d->sync_to_mu.known && !d->sync_to_mu.value);
	/* The optional columns; one the server lacks loses only itself. */
	ck_assert(d->has_proxy_password.known && d->has_proxy_password.value);
	ck_assert_int_eq(d->redirector.value, 4002);
	ck_assert(d->replica.known && d->replica.value);
	ck_assert(d->allow_basic.known && d->allow_basic.value);
	ck_assert_str_eq(d->ssl_proxy_name.value, "sslproxy.corp");
	ck_assert_int_eq(d->ssl_proxy_port.value, 8443);
	ck_assert(!d->content_from_mu.known);
	ck_assert_msg(strstr(d->not_read, "tbConfigurationC.GetContentFromMU "
			     "([42S22] ") != NULL, "%s", d->not_read);
	ck_assert_str_eq(d->upstream_host.value, "wsus-up.corp.example");
	ck_assert_int_eq(d->upstream_port.value, 8531);
	ck_assert_str_eq(d->proxy_user.value, "svc-wsus");
	ck_assert_str_eq(d->proxy_domain.value, "CORP");
	ck_assert_str_eq(d->muurl.value, "https://sws.update.microsoft.com");
	/* %VARS% in LogPath are expanded on the Windows side. */
	ck_assert_str_eq(d->log_path.value, "E:\\WSUS\\Logs");
	ck_assert_int_eq(d->log_rollover.value, 20971520);
	free(d);
}
END_TEST

START_TEST(login_failed_is_clear)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.login_fails = true;
	d = run(0, &err); /* the registry was read: not a failure */
	ck_assert_int_eq(d->susdb_code, WW_EIO);
	ck_assert_str_eq(d->susdb_error, "SUSDB not readable: np:\\\\.\\pipe\\"
			 "MICROSOFT##WID\\tsql\\query: [28000] [Microsoft][ODBC "
			 "SQL Server Driver][SQL Server]Login failed for user "
			 "'CORP\\\\alice'. (driver {SQL Server})");
	/* Every driver was tried; the message is the one that exists. */
	ck_assert_uint_eq(fk.nconns, ww_disc_ndrivers);
	ck_assert_uint_eq(fk.nsql, 0);
	ck_assert_int_eq(d->port.value, 8531);
	free(d);
}
END_TEST

START_TEST(fallback_driver_and_sql_server)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.sql_server = "SQL01\\WSUS";
	fk.working_driver = "{ODBC Driver 17 for SQL Server}";
	d = run(0, &err);
	ck_assert_int_eq(d->susdb_code, 0);
	ck_assert_uint_eq(fk.nconns, 2);
	ck_assert_ptr_nonnull(strstr(fk.conns[1], "Server={SQL01\\WSUS};"));
	ck_assert_str_eq(d->upstream_host.value, "wsus-up.corp.example");
	free(d);
}
END_TEST

START_TEST(no_driver_at_all)
{
	struct ww_err err;
	struct ww_discovered *d;

	fake();
	fk.working_driver = NULL;
	d = run(0, &err);
	ck_assert_int_eq(d->susdb_code, WW_EIO);
	ck_assert_msg(strstr(d->susdb_error, "SUSDB not readable: ") &&
		      strstr(d->susdb_error, "[IM002]"), "%s", d->susdb_error);
	free(d);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("discover_win32");
	TCase *tc = tcase_create("seam");

	tcase_add_test(tc, not_installed);
	tcase_add_test(tc, registry_denied);
	tcase_add_test(tc, registry_and_susdb);
	tcase_add_test(tc, login_failed_is_clear);
	tcase_add_test(tc, fallback_driver_and_sql_server);
	tcase_add_test(tc, no_driver_at_all);
	suite_add_tcase(s, tc);
	return s;
}
