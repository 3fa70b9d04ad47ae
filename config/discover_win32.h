/*
 * discover_win32.h - the seam around the registry and ODBC calls of
 * discover_win32.c, for that file and its unit test only.
 *
 * Every Reg* and SQL* call goes through ww_disc_api, a table of function
 * pointers initialised with the real advapi32 / odbc32 functions (as
 * eventlog_win32.h does for wevtapi); its registry part is the table the
 * shared readers take (common/winreg_win32.h).  Wine has no SQL Server,
 * so the unit test swaps in fakes that serve a registry key and SUSDB
 * rows; restore the table with ww_disc_api_reset() when done.
 */
#ifndef WW_CONFIG_DISCOVER_WIN32_H
#define WW_CONFIG_DISCOVER_WIN32_H

#include "compat.h"
#include "discover.h"
#include "err.h"
#include "winreg_win32.h"

#include <windows.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

struct ww_disc_api {
	struct ww_win_reg_api reg;
	SQLRETURN (SQL_API *alloc_handle)(SQLSMALLINT type, SQLHANDLE in,
					  SQLHANDLE *out);
	SQLRETURN (SQL_API *set_env_attr)(SQLHENV env, SQLINTEGER attr,
					  SQLPOINTER value, SQLINTEGER len);
	SQLRETURN (SQL_API *set_connect_attr)(SQLHDBC dbc, SQLINTEGER attr,
					      SQLPOINTER value, SQLINTEGER len);
	SQLRETURN (SQL_API *driver_connect)(SQLHDBC dbc, SQLHWND hwnd,
					    SQLWCHAR *in, SQLSMALLINT in_len,
					    SQLWCHAR *out, SQLSMALLINT out_max,
					    SQLSMALLINT *out_len,
					    SQLUSMALLINT completion);
	SQLRETURN (SQL_API *set_stmt_attr)(SQLHSTMT stmt, SQLINTEGER attr,
					   SQLPOINTER value, SQLINTEGER len);
	SQLRETURN (SQL_API *exec_direct)(SQLHSTMT stmt, SQLWCHAR *sql,
					 SQLINTEGER len);
	SQLRETURN (SQL_API *fetch)(SQLHSTMT stmt);
	SQLRETURN (SQL_API *get_data)(SQLHSTMT stmt, SQLUSMALLINT col,
				      SQLSMALLINT type, SQLPOINTER value,
				      SQLLEN size, SQLLEN *ind);
	SQLRETURN (SQL_API *get_diag_rec)(SQLSMALLINT type, SQLHANDLE h,
					  SQLSMALLINT rec, SQLWCHAR *state,
					  SQLINTEGER *native, SQLWCHAR *msg,
					  SQLSMALLINT msg_max,
					  SQLSMALLINT *msg_len);
	SQLRETURN (SQL_API *disconnect)(SQLHDBC dbc);
	SQLRETURN (SQL_API *free_handle)(SQLSMALLINT type, SQLHANDLE h);
};

extern struct ww_disc_api ww_disc_api;

/* Put the real functions back. */
void ww_disc_api_reset(void);

/*
 * WSUS's Setup key (HKLM, 64-bit view) as stored: the one reader of it,
 * for discovery and for the host checks (probes/host/hostcfg_win32.c),
 * each of which interprets the values its own way.  Through ww_disc_api.
 */
struct ww_disc_setup_key {
	bool present;                 /* the key exists */
	bool have_port, have_ssl;     /* REG_DWORD PortNumber, UsingSSL */
	DWORD port, ssl;
	/* REG_SZ / REG_EXPAND_SZ, UTF-8, unexpanded, possibly "" */
	bool have_content_dir, have_sql_server, have_target_dir, have_version;
	char content_dir[WW_DISC_TEXT_MAX];
	char sql_server[WW_DISC_TEXT_MAX];
	char target_dir[WW_DISC_TEXT_MAX];
	char version[64];             /* VersionString [UNVERIFIED name] */
};

/*
 * Fill *ret; a missing key is present = false and 0.  A key that cannot
 * be opened (access denied) is an error naming it.
 */
int ww_disc_read_setup_key(struct ww_disc_setup_key *ret, struct ww_err *err);

#endif /* WW_CONFIG_DISCOVER_WIN32_H */
