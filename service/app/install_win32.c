/*
 * install_win32.c - `wsuswatch install [--account NAME]` and `uninstall`.
 *
 * install creates (or, when it exists, reconfigures: it is idempotent, so
 * an MSI repair or upgrade simply runs it again) the service: own process,
 * delayed automatic start, LocalSystem unless --account is given, a
 * description, failure actions that restart it (with the failure-actions
 * flag, so a non-zero exit code at STOPPED counts as a failure too) and a
 * pre-shutdown timeout.  It registers the Event Log source and creates the
 * data directory readable by SYSTEM and Administrators only.
 *
 * uninstall stops the service, deletes it and its event source, and keeps
 * the data directory: it holds the history and may be evidence.
 */
#include "compat.h"

#include <windows.h>

#include "cli.h"
#include "os.h"
#include "os_win32.h"
#include "svc.h"
#include "util.h"

#define WW_EVENT_KEY \
	L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" WW_SERVICE_NAME
#define WW_PASSWORD_ENV "WSUSWATCH_SERVICE_PASSWORD"
#define WW_STOP_TIMEOUT_MS 30000

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

/* "\"C:\\...\\wsuswatch.exe\" [--config \"C:\\...\\x.yaml\"] run" */
static wchar_t *build_binpath(struct ww_cli *cli)
{
	wchar_t exe[MAX_PATH], cfg[MAX_PATH];
	wchar_t *wcfg = NULL, *out;
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	size_t len;

	if (n == 0 || n >= MAX_PATH)
		return NULL;
	if (cli->config_path) {
		wcfg = ww_win_utf16(cli->config_path);
		if (!wcfg)
			return NULL;
		n = GetFullPathNameW(wcfg, MAX_PATH, cfg, NULL);
		free(wcfg);
		if (n == 0 || n >= MAX_PATH)
			return NULL;
	}
	len = wcslen(exe) + (cli->config_path ? wcslen(cfg) + 16 : 0) + 16;
	out = calloc(len, sizeof(wchar_t));
	if (!out)
		return NULL;
	if (cli->config_path)
		swprintf(out, len, L"\"%ls\" --config \"%ls\" run", exe, cfg);
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
	return set_config2_optional(cli, svc, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre,
				    "ChangeServiceConfig2W(PRESHUTDOWN_INFO)");
}

/* Create the service, or bring an existing one to this configuration. */
static int create_or_update(struct ww_cli *cli, SC_HANDLE scm, const wchar_t *bin,
			    const wchar_t *account, const wchar_t *password,
			    SC_HANDLE *ret)
{
	const DWORD access = SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG | SERVICE_START;
	SC_HANDLE svc = CreateServiceW(scm, L"" WW_SERVICE_NAME, L"" WW_SERVICE_DISPLAY,
				       access, SERVICE_WIN32_OWN_PROCESS,
				       SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, bin,
				       NULL, NULL, NULL, account, password);
	DWORD e = svc ? 0 : GetLastError();

	if (!svc && e == ERROR_SERVICE_EXISTS) {
		svc = OpenServiceW(scm, L"" WW_SERVICE_NAME, access);
		if (!svc)
			return win_fail(cli, GetLastError(), "OpenServiceW()");
		if (!ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS,
					  SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, bin,
					  NULL, NULL, NULL,
					  account ? account : L"LocalSystem",
					  account ? password : L"", L"" WW_SERVICE_DISPLAY)) {
			e = GetLastError();
			CloseServiceHandle(svc);
			return win_fail(cli, e, "ChangeServiceConfigW()");
		}
	} else if (!svc) {
		if (e == ERROR_SERVICE_MARKED_FOR_DELETE)
			return ww_cli_fail(cli, WW_EXIT_SOFTWARE,
					   "the service is marked for deletion: close "
					   "services.msc and any handle to it, then retry");
		return win_fail(cli, e, "CreateServiceW()");
	}
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

static int make_data_dir(struct ww_cli *cli)
{
	char *dir = ww_os_default_data_dir();
	struct ww_err err;
	int r;

	if (!dir)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	ww_err_clear(&err);
	r = ww_os_mkdir_private(dir, &err);
	if (r)
		r = ww_cli_fail(cli, r == WW_EPERM ? WW_EXIT_NOPERM : WW_EXIT_IOERR,
				"%s", err.msg);
	else
		fprintf(cli->out, "data directory %s (SYSTEM and Administrators only)\n", dir);
	free(dir);
	return r;
}

static int parse_install_args(struct ww_cli *cli, int argc, char **argv,
			      const char **ret_account)
{
	int i;

	*ret_account = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc)
			*ret_account = argv[++i];
		else
			return ww_cli_usage(cli, "install [--account NAME]",
					    "unknown option '%s'", argv[i]);
	}
	return 0;
}

int ww_cmd_install(struct ww_cli *cli, int argc, char **argv)
{
	const char *account;
	wchar_t *bin = NULL, *wacct = NULL, *wpass = NULL;
	char *pass = NULL;
	SC_HANDLE scm = NULL, svc = NULL;
	int r = parse_install_args(cli, argc, argv, &account);

	if (r)
		return r;
	bin = build_binpath(cli);
	if (!bin)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "cannot build the service command line");
	if (account) {
		pass = ww_os_getenv(WW_PASSWORD_ENV); /* none for virtual accounts / gMSA */
		wacct = ww_win_utf16(account);
		wpass = pass ? ww_win_utf16(pass) : NULL;
	}
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
	if (!scm)
		r = win_fail(cli, GetLastError(), "OpenSCManagerW()");
	if (!r)
		r = create_or_update(cli, scm, bin, wacct, wpass, &svc);
	if (!r)
		r = set_config2(cli, svc);
	if (!r)
		r = register_event_source(cli);
	if (!r)
		r = make_data_dir(cli);
	if (!r)
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
	free(bin);
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
	fprintf(cli->out, "service '%s' removed; the data directory is kept\n",
		WW_SERVICE_NAME);
	return 0;
}
