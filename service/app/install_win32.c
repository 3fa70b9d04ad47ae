/*
 * install_win32.c - `wsuswatch install [--account NAME]` and `uninstall`.
 *
 * install creates the service: own process, delayed automatic start,
 * LocalSystem unless --account is given, a description, failure actions
 * that restart it (with the failure-actions flag, so a non-zero exit code at
 * STOPPED counts as a failure too) and a pre-shutdown timeout.  It registers
 * the Event Log source, creates the data directory readable by SYSTEM and
 * Administrators only and, on the service's creation, the default
 * configuration file from the example beside the executable.
 *
 * On an existing service (an MSI repair or upgrade runs install again) it
 * keeps what an administrator set: the account unless --account is given,
 * the command line's arguments unless --config is given (only the
 * executable's path is renewed), and the ACL of a data directory an earlier
 * install made private.  docs/installer.md.
 *
 * uninstall stops the service, deletes it and its event source, and keeps
 * the data directory (with the configuration): it holds the history and may
 * be evidence.
 */
#include "compat.h"

#include <windows.h>
#include <aclapi.h>

#include "cli.h"
#include "os.h"
#include "os_win32.h"
#include "svc.h"
#include "util.h"

#define WW_EVENT_KEY \
	L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" WW_SERVICE_NAME
#define WW_PASSWORD_ENV "WSUSWATCH_SERVICE_PASSWORD"
#define WW_STOP_TIMEOUT_MS 30000
#define WW_DEFAULT_CONFIG_NAME "wsuswatch.yaml"
#define WW_EXAMPLE_CONFIG_NAME "wsuswatch.example.yaml"

static int win_fail(struct ww_cli *cli, DWORD e, const char *call)
{
	char msg[256];

	if (e == ERROR_ACCESS_DENIED)
		return ww_cli_fail(cli, WW_EXIT_NOPERM,
				   "%s: access denied; install and uninstall need "
				   "administrator rights (run from an elevated prompt)",
				   call);
	ww_win_strerror(e, msg, sizeof(msg));
	return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s failed: (%lu) %s", call, e, msg);
}

char *ww_install_default_config(void)
{
	char *dir = ww_os_default_data_dir();
	char *path = dir ? ww_os_path_join(dir, WW_DEFAULT_CONFIG_NAME) : NULL;

	free(dir);
	return path;
}

/* --config as given on this command line; not the default file. */
static const char *explicit_config(const struct ww_cli *cli)
{
	return cli->config_path != cli->config_default ? cli->config_path : NULL;
}

/*
 * The arguments in an existing service's command line: what follows the
 * executable, quoted ("C:\...\wsuswatch.exe" --config "X" run) or not
 * (C:\...\wsuswatch.exe run).  NULL when there is no telling.
 */
WW_TESTABLE const wchar_t *ww_install_binpath_args(const wchar_t *old)
{
	const wchar_t *p;

	if (old[0] == L'"') {
		p = wcschr(old + 1, L'"');
		return p ? p + 1 : NULL;
	}
	for (p = old; *p; p++)
		if (_wcsnicmp(p, L".exe", 4) == 0 && (p[4] == L' ' || p[4] == L'\0'))
			return p + 4;
	return NULL;
}

/*
 * "\"C:\\...\\wsuswatch.exe\" [--config \"C:\\...\\x.yaml\"] run", or, for an
 * existing service (old: its command line) without --config, this
 * executable followed by the arguments it had.
 */
static wchar_t *build_binpath(struct ww_cli *cli, const wchar_t *old)
{
	wchar_t exe[MAX_PATH], cfg[MAX_PATH];
	wchar_t *wcfg, *out;
	const char *config = explicit_config(cli);
	const wchar_t *args = !config && old ? ww_install_binpath_args(old) : NULL;
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	size_t len;

	if (n == 0 || n >= MAX_PATH)
		return NULL;
	while (args && *args == L' ')
		args++;
	if (args && !*args)
		args = NULL;
	if (config) {
		wcfg = ww_win_utf16(config);
		if (!wcfg)
			return NULL;
		n = GetFullPathNameW(wcfg, MAX_PATH, cfg, NULL);
		free(wcfg);
		if (n == 0 || n >= MAX_PATH)
			return NULL;
	}
	len = wcslen(exe) + (config ? wcslen(cfg) : 0) + (args ? wcslen(args) : 0) + 32;
	out = calloc(len, sizeof(wchar_t));
	if (!out)
		return NULL;
	if (config)
		swprintf(out, len, L"\"%ls\" --config \"%ls\" run", exe, cfg);
	else if (args)
		swprintf(out, len, L"\"%ls\" %ls", exe, args);
	else
		swprintf(out, len, L"\"%ls\" run", exe);
	return out;
}

/*
 * Settings that make the service better but whose absence must not stop
 * the install: Wine's SCM, for one, answers ERROR_INVALID_LEVEL for
 * delayed auto-start.  On Windows Server all of them are supported.
 */
static int set_config2_optional(struct ww_cli *cli, SC_HANDLE svc, DWORD level,
				void *info, const char *what)
{
	DWORD e;

	if (ChangeServiceConfig2W(svc, level, info))
		return 0;
	e = GetLastError();
	if (e != ERROR_INVALID_LEVEL && e != ERROR_NOT_SUPPORTED &&
	    e != ERROR_CALL_NOT_IMPLEMENTED)
		return win_fail(cli, e, what);
	fprintf(cli->errf, "wsuswatch: warning: %s is not supported by this "
		"system, ignoring\n", what);
	return 0;
}

static int set_config2(struct ww_cli *cli, SC_HANDLE svc)
{
	static wchar_t desc[] = L"" WW_SERVICE_DESCRIPTION;
	SERVICE_DESCRIPTIONW d = { desc };
	SERVICE_DELAYED_AUTO_START_INFO delayed = { TRUE };
	/* Restart after 1 min, 1 min, then 5 min; forget failures after a day. */
	SC_ACTION actions[3] = { { SC_ACTION_RESTART, 60000 },
				 { SC_ACTION_RESTART, 60000 },
				 { SC_ACTION_RESTART, 300000 } };
	SERVICE_FAILURE_ACTIONSW fa = { 86400, NULL, NULL, 3, actions };
	SERVICE_FAILURE_ACTIONS_FLAG flag = { TRUE };
	SERVICE_PRESHUTDOWN_INFO pre = { 10000 };
	/*
	 * A service SID (NT SERVICE\wsuswatch) in its token, and of SYSTEM's
	 * privileges only the one every process has: the monitor reads logs
	 * and the event log, writes its own directory and serves a pipe,
	 * none of which needs a privilege; backup, restore, debug, take
	 * ownership and impersonation are gone should it ever be subverted.
	 */
	SERVICE_SID_INFO sid = { SERVICE_SID_TYPE_UNRESTRICTED };
	static wchar_t privs[] = L"SeChangeNotifyPrivilege\0";
	SERVICE_REQUIRED_PRIVILEGES_INFOW req = { privs };
	int r;

	if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &d))
		return win_fail(cli, GetLastError(), "ChangeServiceConfig2W(DESCRIPTION)");
	r = set_config2_optional(cli, svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
				 &delayed, "ChangeServiceConfig2W(DELAYED_AUTO_START_INFO)");
	if (r)
		return r;
	if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
		return win_fail(cli, GetLastError(), "ChangeServiceConfig2W(FAILURE_ACTIONS)");
	r = set_config2_optional(cli, svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag,
				 "ChangeServiceConfig2W(FAILURE_ACTIONS_FLAG)");
	if (r)
		return r;
	r = set_config2_optional(cli, svc, SERVICE_CONFIG_SERVICE_SID_INFO, &sid,
				 "ChangeServiceConfig2W(SERVICE_SID_INFO)");
	if (!r)
		r = set_config2_optional(cli, svc,
					 SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO,
					 &req, "ChangeServiceConfig2W("
					 "REQUIRED_PRIVILEGES_INFO)");
	if (r)
		return r;
	return set_config2_optional(cli, svc, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre,
				    "ChangeServiceConfig2W(PRESHUTDOWN_INFO)");
}

/* An existing service's command line and account (caller frees both). */
static int query_service(struct ww_cli *cli, SC_HANDLE svc, wchar_t **ret_bin,
			 wchar_t **ret_account)
{
	QUERY_SERVICE_CONFIGW *qc = NULL;
	DWORD need = 0, e;

	if (!QueryServiceConfigW(svc, NULL, 0, &need) &&
	    GetLastError() != ERROR_INSUFFICIENT_BUFFER)
		return win_fail(cli, GetLastError(), "QueryServiceConfigW()");
	qc = malloc(need);
	if (!qc)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	if (!QueryServiceConfigW(svc, qc, need, &need)) {
		e = GetLastError();
		free(qc);
		return win_fail(cli, e, "QueryServiceConfigW()");
	}
	*ret_bin = _wcsdup(qc->lpBinaryPathName ? qc->lpBinaryPathName : L"");
	*ret_account = _wcsdup(qc->lpServiceStartName ? qc->lpServiceStartName
						      : L"LocalSystem");
	free(qc);
	if (!*ret_bin || !*ret_account)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	return 0;
}

/*
 * Bring an existing service to this configuration, keeping its account
 * (NULL account and password leave them unchanged) and its arguments unless
 * this command line names new ones.
 */
static int update_service(struct ww_cli *cli, SC_HANDLE svc, const wchar_t *account,
			  const wchar_t *password)
{
	wchar_t *old = NULL, *old_account = NULL, *bin = NULL;
	char *shown = NULL, *kept = NULL;
	int r = query_service(cli, svc, &old, &old_account);

	if (!r) {
		bin = build_binpath(cli, old);
		if (!bin)
			r = ww_cli_fail(cli, WW_EXIT_SOFTWARE,
					"cannot build the service command line");
	}
	if (!r && !ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
					SERVICE_ERROR_NORMAL, bin, NULL, NULL, NULL, account,
					account ? password : NULL, L"" WW_SERVICE_DISPLAY))
		r = win_fail(cli, GetLastError(), "ChangeServiceConfigW()");
	if (!r) {
		shown = ww_win_utf8(bin);
		kept = account ? NULL : ww_win_utf8(old_account);
		fprintf(cli->out, "service '%s' updated: account %s%s, command line %s\n",
			WW_SERVICE_NAME, kept ? kept : "changed", kept ? " kept" : "",
			shown ? shown : "?");
	}
	free(kept);
	free(shown);
	free(bin);
	free(old);
	free(old_account);
	return r;
}

/* Create the service, or update the existing one; *created tells which. */
static int create_or_update(struct ww_cli *cli, SC_HANDLE scm, const wchar_t *account,
			    const wchar_t *password, SC_HANDLE *ret, bool *created)
{
	const DWORD access = SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_START;
	SC_HANDLE svc = OpenServiceW(scm, L"" WW_SERVICE_NAME, access);
	wchar_t *bin;
	DWORD e;
	int r;

	*created = !svc;
	if (svc) {
		r = update_service(cli, svc, account, password);
		if (r) {
			CloseServiceHandle(svc);
			return r;
		}
		*ret = svc;
		return 0;
	}
	e = GetLastError();
	if (e != ERROR_SERVICE_DOES_NOT_EXIST)
		return win_fail(cli, e, "OpenServiceW()");
	bin = build_binpath(cli, NULL);
	if (!bin)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "cannot build the service command line");
	svc = CreateServiceW(scm, L"" WW_SERVICE_NAME, L"" WW_SERVICE_DISPLAY, access,
			     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
			     SERVICE_ERROR_NORMAL, bin, NULL, NULL, NULL, account, password);
	e = svc ? 0 : GetLastError();
	free(bin);
	if (e == ERROR_SERVICE_MARKED_FOR_DELETE)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE,
				   "the service is marked for deletion: close "
				   "services.msc and any handle to it, then retry");
	if (e)
		return win_fail(cli, e, "CreateServiceW()");
	*ret = svc;
	return 0;
}

static int register_event_source(struct ww_cli *cli)
{
	wchar_t exe[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH), types = 7;
	HKEY key;
	LSTATUS e;

	if (n == 0 || n >= MAX_PATH)
		return win_fail(cli, GetLastError(), "GetModuleFileNameW()");
	e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, WW_EVENT_KEY, 0, NULL, 0, KEY_SET_VALUE,
			    NULL, &key, NULL);
	if (e != ERROR_SUCCESS)
		return win_fail(cli, (DWORD)e, "RegCreateKeyExW() event source");
	e = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
			   (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t)));
	if (e == ERROR_SUCCESS)
		e = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD,
				   (const BYTE *)&types, sizeof(types));
	RegCloseKey(key);
	return e == ERROR_SUCCESS ? 0 : win_fail(cli, (DWORD)e, "RegSetValueExW() event source");
}

/*
 * A data directory an earlier install made private: a directory (not a
 * link or junction), owned by Administrators or SYSTEM, with a protected
 * DACL.  From then on its ACL is the administrator's (an entry for the
 * account of `install --account`, say), so repair and upgrade leave it.
 * Anything else (missing, or created by someone else beforehand: any user
 * can create folders in C:\ProgramData) is made private.
 */
static bool data_dir_is_ours(const char *dir)
{
	wchar_t *w = ww_win_utf16(dir);
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl = 0;
	PSID owner = NULL;
	PACL dacl = NULL;
	DWORD attrs, rev;
	bool ours = false;

	attrs = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
	if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY) &&
	    !(attrs & FILE_ATTRIBUTE_REPARSE_POINT) &&
	    GetNamedSecurityInfoW(w, SE_FILE_OBJECT,
				  OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
				  &owner, NULL, &dacl, NULL, &sd) == ERROR_SUCCESS &&
	    GetSecurityDescriptorControl(sd, &ctl, &rev))
		ours = (ctl & SE_DACL_PROTECTED) && dacl && owner &&
		       (IsWellKnownSid(owner, WinBuiltinAdministratorsSid) ||
			IsWellKnownSid(owner, WinLocalSystemSid));
	if (sd)
		LocalFree(sd);
	free(w);
	return ours;
}

/*
 * Before anything is registered: a data directory that exists must be a
 * real directory (a junction or symbolic link planted in C:\ProgramData,
 * where any user may create folders, would have install re-own and re-ACL
 * whatever it points to) owned by Administrators, SYSTEM or the
 * administrator running install (its owner could rewrite any ACL we set).
 */
static int check_data_dir(struct ww_cli *cli)
{
	char *dir = ww_os_default_data_dir();
	wchar_t *w = dir ? ww_win_utf16(dir) : NULL;
	DWORD attrs = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
	char who[256] = "";
	struct ww_err err;
	bool trusted = true;
	int r = 0;

	if (!dir || !w) {
		r = ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	} else if (attrs == INVALID_FILE_ATTRIBUTES) {
		r = 0; /* created private below */
	} else if (attrs & FILE_ATTRIBUTE_REPARSE_POINT) {
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "data directory %s is a link "
				"or junction: install changes nothing through it "
				"(it would re-permission what it points to); "
				"remove it (rmdir) and run install again", dir);
	} else if (ww_win_owner_trusted(dir, &trusted, who, sizeof(who), &err)) {
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "%s", err.msg);
	} else if (!trusted) {
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "data directory %s is owned "
				"by %s, not by Administrators or SYSTEM: its owner "
				"can change any permission install sets; remove it "
				"or take it over (takeown /a /r /d y /f \"%s\") and "
				"run install again", dir, who, dir);
	}
	free(w);
	free(dir);
	return r;
}

/*
 * The service runs this executable as SYSTEM: a directory others can
 * write (a Downloads or shared folder, C:\Temp) would let them replace it
 * or plant a DLL beside it.  allow: --allow-user-writable-dir.
 */
static int check_binary_dir(struct ww_cli *cli, bool allow)
{
	wchar_t exe[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	wchar_t *slash;
	char *path = NULL, *dir = NULL, who[256] = "";
	struct ww_err err;
	bool ok = false;
	int r = 0;

	if (n == 0 || n >= MAX_PATH)
		return win_fail(cli, GetLastError(), "GetModuleFileNameW()");
	path = ww_win_utf8(exe);
	slash = wcsrchr(exe, L'\\');
	if (slash)
		*slash = L'\0';
	dir = ww_win_utf8(exe);
	if (!path || !dir)
		r = ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	else if (ww_win_admin_only(dir, &ok, who, sizeof(who), &err) ||
		 (ok && ww_win_admin_only(path, &ok, who, sizeof(who), &err)))
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "%s", err.msg);
	else if (!ok && allow)
		fprintf(cli->errf, "wsuswatch: warning: %s can be changed by %s; "
			"registering it anyway (--allow-user-writable-dir)\n",
			dir, who);
	else if (!ok)
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "%s can be changed by %s, and "
				"the service would run %s as SYSTEM: copy it to a "
				"folder only administrators can change (e.g. "
				"C:\\Program Files\\wsuswatch) and install from "
				"there, or pass --allow-user-writable-dir", dir,
				who, path);
	free(path);
	free(dir);
	return r;
}

/* The data directory; *ret_dir is its path (caller frees). */
static int make_data_dir(struct ww_cli *cli, char **ret_dir)
{
	char *dir = ww_os_default_data_dir();
	struct ww_err err;
	int r;

	if (!dir)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	if (data_dir_is_ours(dir)) {
		fprintf(cli->out, "data directory %s kept (owner and permissions as they "
			"are)\n", dir);
		*ret_dir = dir;
		return 0;
	}
	ww_err_clear(&err);
	r = ww_os_mkdir_private(dir, &err);
	if (r) {
		free(dir);
		return ww_cli_fail(cli, r == WW_EPERM ? WW_EXIT_NOPERM : WW_EXIT_IOERR,
				   "%s", err.msg);
	}
	fprintf(cli->out, "data directory %s (SYSTEM and Administrators only)\n", dir);
	*ret_dir = dir;
	return 0;
}

/* wsuswatch.example.yaml beside this executable (caller frees), or NULL. */
static char *example_config_path(void)
{
	wchar_t exe[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	wchar_t *slash;
	char *dir, *path;

	if (n == 0 || n >= MAX_PATH)
		return NULL;
	slash = wcsrchr(exe, L'\\');
	if (slash)
		*slash = L'\0';
	dir = ww_win_utf8(exe);
	path = dir ? ww_os_path_join(dir, WW_EXAMPLE_CONFIG_NAME) : NULL;
	free(dir);
	return path;
}

/*
 * The example with every setting commented out: it documents every key,
 * but its values are the defaults written out, and a key the file sets
 * (even to null) is no longer discovered from WSUS (docs/configuration.md),
 * so a verbatim copy would stop a downstream server's upstream discovery.
 */
WW_TESTABLE int ww_install_copy_commented(FILE *in, FILE *out)
{
	char line[1024];
	bool bol = true;

	fputs("# wsuswatch configuration, read by the service (and every wsuswatch\n"
	      "# command run without --config).  Created by `wsuswatch install` from\n"
	      "# wsuswatch.example.yaml with every setting commented out: the built-in\n"
	      "# defaults and WSUS discovery apply.  Uncomment what you change, check\n"
	      "# with `wsuswatch config check`, then restart the service.  Upgrades,\n"
	      "# repairs and uninstall leave this file alone.\n\n", out);
	while (fgets(line, sizeof(line), in)) {
		const char *p = line + strspn(line, " \t");

		if (bol && *p != '#' && *p != '\n' && *p != '\r' && *p != '\0')
			fputs("# ", out);
		fputs(line, out);
		bol = strchr(line, '\n') != NULL;
	}
	return ferror(in) || ferror(out) ? -1 : 0;
}

/*
 * The default configuration file, made when the service is created (a
 * first install): never over an existing file (CREATE_NEW, which also
 * refuses a link planted under that name), kept by uninstall.  It inherits
 * the data directory's private ACL: the file steers what SYSTEM writes.
 */
static int make_default_config(struct ww_cli *cli, const char *dir)
{
	char *src = example_config_path();
	char *dst = ww_os_path_join(dir, WW_DEFAULT_CONFIG_NAME);
	FILE *in = src ? ww_os_fopen(src, "rb") : NULL;
	FILE *out = NULL;
	int r = 0;

	if (!src || !dst) {
		r = ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
		goto out;
	}
	if (!in) {
		fprintf(cli->out, "no %s beside the executable: the service runs on "
			"built-in defaults until you write %s\n", WW_EXAMPLE_CONFIG_NAME, dst);
		goto out;
	}
	out = ww_os_fopen_new(dst);
	if (!out && errno == EEXIST) {
		fprintf(cli->out, "configuration %s exists: kept\n", dst);
		goto out;
	}
	r = out ? ww_install_copy_commented(in, out) : -1;
	if (out && fclose(out))
		r = -1;
	if (r) {
		r = ww_cli_fail(cli, WW_EXIT_IOERR, "cannot write '%s': %s", dst,
				strerror(errno));
		goto out;
	}
	fprintf(cli->out, "configuration %s created from %s (all settings commented "
		"out)\n", dst, src);
out:
	if (in)
		fclose(in);
	free(src);
	free(dst);
	return r;
}

static int parse_install_args(struct ww_cli *cli, int argc, char **argv,
			      const char **ret_account, bool *ret_allow)
{
	int i;

	*ret_account = NULL;
	*ret_allow = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			*ret_account = argv[++i];
		else if (strcmp(argv[i], "--allow-user-writable-dir") == 0)
			*ret_allow = true;
		else
			return ww_cli_usage(cli, "install [--account NAME] "
					    "[--allow-user-writable-dir]",
					    "unknown option '%s'", argv[i]);
	}
	return 0;
}

int ww_cmd_install(struct ww_cli *cli, int argc, char **argv)
{
	const char *account;
	wchar_t *wacct = NULL, *wpass = NULL;
	char *pass = NULL, *dir = NULL;
	SC_HANDLE scm = NULL, svc = NULL;
	bool created = false, allow_dir;
	int r = parse_install_args(cli, argc, argv, &account, &allow_dir);

	if (!r)
		r = check_binary_dir(cli, allow_dir);
	if (!r)
		r = check_data_dir(cli);
	if (r)
		return r;
	if (account) {
		pass = ww_os_getenv(WW_PASSWORD_ENV); /* none for virtual accounts / gMSA */
		wacct = ww_win_utf16(account);
		wpass = pass ? ww_win_utf16(pass) : NULL;
	}
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
	if (!scm)
		r = win_fail(cli, GetLastError(), "OpenSCManagerW()");
	if (!r)
		r = create_or_update(cli, scm, wacct, wpass, &svc, &created);
	if (!r)
		r = set_config2(cli, svc);
	if (!r)
		r = register_event_source(cli);
	if (!r)
		r = make_data_dir(cli, &dir);
	/* A service given --config reads that file: no default one for it. */
	if (!r && created && !explicit_config(cli))
		r = make_default_config(cli, dir);
	if (!r && created)
		fprintf(cli->out, "service '%s' installed (%s, delayed automatic start); "
				  "start it with: sc start %s\n",
			WW_SERVICE_NAME, account ? account : "LocalSystem",
			WW_SERVICE_NAME);
	if (svc)
		CloseServiceHandle(svc);
	if (scm)
		CloseServiceHandle(scm);
	if (wpass)
		ww_os_secure_zero(wpass, wcslen(wpass) * sizeof(wchar_t));
	free(wpass);
	ww_os_secret_free(pass);
	free(wacct);
	free(dir);
	return r;
}

static void stop_and_wait(SC_HANDLE svc)
{
	SERVICE_STATUS st;
	int64_t deadline = ww_os_monotonic_ms() + WW_STOP_TIMEOUT_MS;

	if (!QueryServiceStatus(svc, &st) || st.dwCurrentState == SERVICE_STOPPED)
		return;
	ControlService(svc, SERVICE_CONTROL_STOP, &st);
	while (QueryServiceStatus(svc, &st) && st.dwCurrentState != SERVICE_STOPPED &&
	       ww_os_monotonic_ms() < deadline)
		Sleep(250);
}

int ww_cmd_uninstall(struct ww_cli *cli, int argc, char **argv)
{
	SC_HANDLE scm, svc;
	LSTATUS e;
	int r = 0;

	(void)argv;
	if (argc > 1)
		return ww_cli_usage(cli, "uninstall", "no options expected");
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (!scm)
		return win_fail(cli, GetLastError(), "OpenSCManagerW()");
	svc = OpenServiceW(scm, L"" WW_SERVICE_NAME,
			   SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
	if (!svc && GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) {
		fprintf(cli->out, "service '%s' is not installed\n", WW_SERVICE_NAME);
	} else if (!svc) {
		r = win_fail(cli, GetLastError(), "OpenServiceW()");
	} else {
		stop_and_wait(svc);
		if (!DeleteService(svc) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
			r = win_fail(cli, GetLastError(), "DeleteService()");
		CloseServiceHandle(svc);
	}
	CloseServiceHandle(scm);
	if (r)
		return r;
	e = RegDeleteKeyW(HKEY_LOCAL_MACHINE, WW_EVENT_KEY);
	if (e != ERROR_SUCCESS && e != ERROR_FILE_NOT_FOUND)
		return win_fail(cli, (DWORD)e, "RegDeleteKeyW() event source");
	fprintf(cli->out, "service '%s' removed; the data directory and the "
		"configuration in it are kept\n",
		WW_SERVICE_NAME);
	return 0;
}
