/*
 * svc_win32.c - `run` on Windows: the Service Control Manager entry point,
 * with the console as fallback.
 *
 * Honest with the SCM (docs/service.md): START_PENDING with no controls
 * accepted until the configuration is loaded and the monitor and its pipe
 * are up, then RUNNING; the checkpoint advances while that takes long (SUSDB
 * discovery against an unreachable SQL Server: about 45 s).  PARAMCHANGE
 * reloads the configuration as SIGHUP does on POSIX, off the handler
 * thread.  STOP, SHUTDOWN and PRESHUTDOWN only report
 * STOP_PENDING and signal the loop; service_main() tears down and reports
 * STOPPED with a real exit code: NO_ERROR, or ERROR_SERVICE_SPECIFIC_ERROR
 * with the process exit code (78 configuration invalid, 69 the pipe is
 * taken, 70 internal error) as the service-specific code.
 */
#include "compat.h"

#include <windows.h>

#include "config.h"
#include "health.h"
#include "monitor.h"
#include "os.h"
#include "os_win32.h"
#include "svc.h"

#define WW_START_WAIT_HINT 30000
#define WW_STOP_WAIT_HINT 10000
/* Progress is reported well within the wait hints above. */
#define WW_CHECKPOINT_MS 2500
/* How often the service's main thread looks for a reload request: a
 * reload is rare and not urgent, a wake-up costs every second of the
 * service's life. */
#define WW_RELOAD_POLL_MS 1000

static struct {
	struct ww_cli *cli;
	SERVICE_STATUS_HANDLE handle;
	SERVICE_STATUS status;
	CRITICAL_SECTION lock;     /* status and monitor, shared with the handler */
	struct ww_monitor *monitor;
	bool stop_requested;
	volatile LONG reload_requested; /* PARAMCHANGE, taken by the main thread */
	HANDLE source;             /* RegisterEventSourceW(), once */
	INIT_ONCE source_once;
	HANDLE console_stop;
} g;

/* ---- logging: the Event Log as a service, stderr on a console ---- */

/* The monitor's threads log concurrently: one registration, not a race
 * that leaks handles. */
static BOOL CALLBACK open_source(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	(void)once;
	(void)arg;
	(void)ctx;
	g.source = RegisterEventSourceW(NULL, L"" WW_SERVICE_NAME);
	return TRUE;
}

static void log_eventlog(void *ctx, enum ww_log_level level, const char *msg)
{
	static const WORD types[] = { EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE,
				      EVENTLOG_INFORMATION_TYPE };
	/* docs/events.md; 1000/1001 (started/stopped) come from the monitor. */
	static const DWORD ids[] = { WW_EVENT_SERVICE_ERROR,
				     WW_EVENT_SERVICE_WARNING,
				     WW_EVENT_SERVICE_INFO };
	wchar_t *w = ww_win_utf16(msg);
	LPCWSTR strings[1];

	(void)ctx;
	InitOnceExecuteOnce(&g.source_once, open_source, NULL, NULL);
	if (g.source && w) {
		strings[0] = w;
		ReportEventW(g.source, types[level], 0, ids[level], NULL, 1, 0,
			     strings, NULL);
	}
	free(w);
}

/* ---- SCM status ---- */

static void report(DWORD state, int exit_code, DWORD wait_hint)
{
	static DWORD checkpoint = 1;

	EnterCriticalSection(&g.lock);
	g.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	g.status.dwCurrentState = state;
	/* Accepting controls while START_PENDING can crash the service. */
	g.status.dwControlsAccepted =
		state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN |
						   SERVICE_ACCEPT_PRESHUTDOWN |
						   SERVICE_ACCEPT_PARAMCHANGE
					 : 0;
	g.status.dwWin32ExitCode = exit_code ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
	g.status.dwServiceSpecificExitCode = (DWORD)exit_code;
	g.status.dwWaitHint = wait_hint;
	g.status.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED
					? 0 : checkpoint++;
	SetServiceStatus(g.handle, &g.status);
	LeaveCriticalSection(&g.lock);
}

/* The handler only signals: the loop does the work of stopping and
 * reloading (loading a file and discovery may take long). */
static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
	case SERVICE_CONTROL_PRESHUTDOWN:
		report(SERVICE_STOP_PENDING, 0, WW_STOP_WAIT_HINT);
		EnterCriticalSection(&g.lock);
		g.stop_requested = true;
		if (g.monitor)
			ww_monitor_request_stop(g.monitor);
		LeaveCriticalSection(&g.lock);
		return NO_ERROR;
	case SERVICE_CONTROL_PARAMCHANGE:
		InterlockedExchange(&g.reload_requested, 1);
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

/* A service starts in System32; work from the executable's directory. */
static void chdir_to_exe(void)
{
	wchar_t path[MAX_PATH];
	DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
	wchar_t *slash;

	if (n == 0 || n >= MAX_PATH)
		return;
	slash = wcsrchr(path, L'\\');
	if (slash) {
		*slash = L'\0';
		SetCurrentDirectoryW(path);
	}
}

static int exit_for_load(int code)
{
	return code == WW_ENOENT || code == WW_EIO || code == WW_EPERM
		       ? WW_EXIT_NOINPUT : WW_EXIT_CONFIG;
}

/*
 * The service's configuration decides what SYSTEM writes (database,
 * textfile) and which roots it trusts (tls.cacert): a file that anyone
 * but administrators can change is refused, why says who (the caller
 * logs it once, at start or with the rejected reload).
 */
static int check_config_file(const char *path, char *why, size_t size)
{
	char who[256] = "";
	struct ww_err err;
	bool ok = true;

	why[0] = '\0';
	if (!path || !ww_os_path_exists(path))
		return 0;
	ww_err_clear(&err);
	if (ww_win_admin_only(path, &ok, who, sizeof(who), &err)) {
		ww_strlcpy(why, err.msg, size);
		return WW_EXIT_NOINPUT;
	}
	if (ok)
		return 0;
	snprintf(why, size, "configuration %s can be changed by %s: the "
		 "service refuses it, since it decides what the service writes "
		 "and which certificates it trusts; let only Administrators and "
		 "SYSTEM change it (icacls \"%s\" /inheritance:r /grant "
		 "*S-1-5-32-544:F *S-1-5-18:F), then start or reload the "
		 "service", path, who, path);
	return WW_EXIT_CONFIG;
}

/* Configuration and monitor; returns an exit code, 0 when running. */
static int start_monitor(struct ww_monitor_opts *o, bool as_service)
{
	struct ww_cli *cli = g.cli;
	struct ww_monitor *m = NULL;
	char why[WW_ERR_MSG_MAX + 512];
	struct ww_err err;
	int r;

	if (as_service &&
	    (r = check_config_file(cli->config_path, why, sizeof(why)))) {
		o->log(o->log_ctx, WW_LOG_ERROR, why);
		return r;
	}
	ww_err_clear(&err);
	r = ww_svc_load_config(cli->config_path, &cli->cfg, &err);
	if (r) {
		o->log(o->log_ctx, WW_LOG_ERROR, err.msg);
		return exit_for_load(r);
	}
	ww_svc_log_discovery(&cli->cfg, o->log, o->log_ctx);
	r = ww_monitor_new(&cli->cfg, o, &m, &err);
	if (!r)
		r = ww_monitor_start(m, &err);
	if (r) {
		o->log(o->log_ctx, WW_LOG_ERROR, err.msg);
		ww_monitor_free(m);
		return ww_svc_start_exit(r);
	}
	EnterCriticalSection(&g.lock);
	g.monitor = m;
	if (g.stop_requested)
		ww_monitor_request_stop(m);
	LeaveCriticalSection(&g.lock);
	return 0;
}

static int stop_monitor(void)
{
	struct ww_monitor *m;
	int r;

	EnterCriticalSection(&g.lock);
	m = g.monitor;
	g.monitor = NULL;
	LeaveCriticalSection(&g.lock);
	r = ww_monitor_stop(m);
	ww_monitor_free(m);
	return r ? WW_EXIT_SOFTWARE : 0;
}

/* The pending state the service is in, reported again: a new checkpoint. */
static void keep_pending(void)
{
	DWORD state;

	EnterCriticalSection(&g.lock);
	state = g.status.dwCurrentState;
	LeaveCriticalSection(&g.lock);
	if (state == SERVICE_START_PENDING)
		report(SERVICE_START_PENDING, 0, WW_START_WAIT_HINT);
	else if (state == SERVICE_STOP_PENDING)
		report(SERVICE_STOP_PENDING, 0, WW_STOP_WAIT_HINT);
}

/*
 * fn(arg) on a thread of its own while this one advances the checkpoint of
 * a pending state (a start that discovers SUSDB, a stop whose last store
 * write waits out a locked database, a reload interrupted by a stop), so
 * the SCM never takes a slow step for a hung service.  In RUNNING nothing
 * is reported.  tick is keep_pending() (a test counts its calls).
 */
WW_TESTABLE void ww_svc_run_with_checkpoints(LPTHREAD_START_ROUTINE fn,
					     void *arg, void (*tick)(void))
{
	HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);

	if (!t) {
		fn(arg);
		return;
	}
	while (WaitForSingleObject(t, WW_CHECKPOINT_MS) == WAIT_TIMEOUT)
		tick();
	CloseHandle(t);
}

struct step {
	struct ww_monitor_opts *o;
	int r;
};

static DWORD WINAPI starter(LPVOID arg)
{
	struct step *s = arg;

	s->r = start_monitor(s->o, true);
	return 0;
}

static DWORD WINAPI stopper(LPVOID arg)
{
	((struct step *)arg)->r = stop_monitor();
	return 0;
}

/*
 * PARAMCHANGE: the configuration file again, under the same rule as at
 * start (only administrators may write it), then as SIGHUP on POSIX.
 */
static DWORD WINAPI reloader(LPVOID arg)
{
	struct ww_monitor_opts *o = arg;
	char why[WW_ERR_MSG_MAX + 512], msg[WW_ERR_MSG_MAX + 600];

	if (check_config_file(g.cli->config_path, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "configuration reload rejected: "
			 "%s; keeping the previous configuration", why);
		o->log(o->log_ctx, WW_LOG_ERROR, msg);
		return 0;
	}
	ww_svc_reload_config(g.cli->config_path, g.monitor, o->log, o->log_ctx);
	return 0;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	struct ww_monitor_opts o;
	struct step s = { &o, 0 };

	(void)argc;
	(void)argv;
	g.handle = RegisterServiceCtrlHandlerExW(L"" WW_SERVICE_NAME, handler, NULL);
	if (!g.handle)
		return;
	report(SERVICE_START_PENDING, 0, WW_START_WAIT_HINT);
	chdir_to_exe();
	ww_svc_monitor_opts(&o, log_eventlog, NULL);
	ww_svc_run_with_checkpoints(starter, &s, keep_pending);
	if (s.r) {
		report(SERVICE_STOPPED, s.r, 0);
		return;
	}
	report(SERVICE_RUNNING, 0, 0);
	while (!ww_monitor_wait(g.monitor, WW_RELOAD_POLL_MS))
		if (InterlockedExchange(&g.reload_requested, 0))
			ww_svc_run_with_checkpoints(reloader, &o, keep_pending);
	report(SERVICE_STOP_PENDING, 0, WW_STOP_WAIT_HINT);
	s.r = WW_EXIT_SOFTWARE;
	ww_svc_run_with_checkpoints(stopper, &s, keep_pending);
	report(SERVICE_STOPPED, s.r, 0);
}

/* ---- console mode ---- */

static BOOL WINAPI console_handler(DWORD type)
{
	(void)type; /* Ctrl+C, Ctrl+Break, close, logoff, shutdown: all stop */
	EnterCriticalSection(&g.lock);
	g.stop_requested = true;
	if (g.monitor)
		ww_monitor_request_stop(g.monitor);
	LeaveCriticalSection(&g.lock);
	return TRUE;
}

static int run_console(void)
{
	struct ww_monitor_opts o;
	int r;

	SetConsoleCtrlHandler(console_handler, TRUE);
	ww_svc_monitor_opts(&o, ww_svc_log_stderr, g.cli->errf);
	r = start_monitor(&o, false);
	if (r)
		return r;
	ww_svc_log_stderr(g.cli->errf, WW_LOG_INFO, "monitor running (console)");
	while (!ww_monitor_wait(g.monitor, 1000))
		;
	r = stop_monitor();
	ww_svc_log_stderr(g.cli->errf, WW_LOG_INFO, "monitor stopped");
	return r;
}

int ww_svc_run(struct ww_cli *cli, bool foreground)
{
	static wchar_t name[] = L"" WW_SERVICE_NAME;
	SERVICE_TABLE_ENTRYW table[] = { { name, service_main }, { NULL, NULL } };
	int r = 0;

	g.cli = cli;
	InitOnceInitialize(&g.source_once);
	InitializeCriticalSection(&g.lock);
	if (foreground) {
		r = run_console();
	} else if (!StartServiceCtrlDispatcherW(table)) {
		/* Not started by the SCM: someone typed `wsuswatch run`. */
		if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
			r = run_console();
		else
			r = ww_cli_fail(cli, WW_EXIT_SOFTWARE,
					"StartServiceCtrlDispatcherW() failed: %lu",
					GetLastError());
	} else {
		r = (int)g.status.dwServiceSpecificExitCode;
	}
	if (g.source)
		DeregisterEventSource(g.source);
	DeleteCriticalSection(&g.lock);
	return r;
}

/* ---- `wsuswatch reload` ---- */

/* The outcome of ControlService(PARAMCHANGE) as the CLI's exit code. */
static int reload_result(struct ww_cli *cli, DWORD e, const char *call)
{
	char msg[256];

	switch (e) {
	case NO_ERROR:
		fprintf(cli->out, "reload requested: the " WW_SERVICE_NAME
			" service reloads its configuration (the Event Log "
			"says whether it took the file)\n");
		return WW_EXIT_OK;
	case ERROR_SERVICE_DOES_NOT_EXIST:
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE, "the " WW_SERVICE_NAME
				   " service is not installed");
	case ERROR_SERVICE_NOT_ACTIVE:
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE, "the " WW_SERVICE_NAME
				   " service is not running");
	case ERROR_INVALID_SERVICE_CONTROL:
	case ERROR_SERVICE_CANNOT_ACCEPT_CTRL:
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE, "the " WW_SERVICE_NAME
				   " service does not take a reload now (starting "
				   "or stopping, or a version without reload); try "
				   "again when it runs");
	case ERROR_ACCESS_DENIED:
		return ww_cli_fail(cli, WW_EXIT_NOPERM, "%s: access denied; a "
				   "reload needs administrator rights (run from an "
				   "elevated prompt)", call);
	default:
		ww_win_strerror(e, msg, sizeof(msg));
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s failed: (%lu) %s",
				   call, e, msg);
	}
}

int ww_svc_reload(struct ww_cli *cli)
{
	SC_HANDLE scm, svc = NULL;
	SERVICE_STATUS st;
	const char *call = "OpenSCManagerW()";
	DWORD e = NO_ERROR;

	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (scm) {
		call = "OpenServiceW()";
		/* PARAMCHANGE needs SERVICE_PAUSE_CONTINUE, nothing more. */
		svc = OpenServiceW(scm, L"" WW_SERVICE_NAME, SERVICE_PAUSE_CONTINUE);
	}
	if (svc) {
		call = "ControlService(SERVICE_CONTROL_PARAMCHANGE)";
		if (!ControlService(svc, SERVICE_CONTROL_PARAMCHANGE, &st))
			e = GetLastError();
		CloseServiceHandle(svc);
	} else {
		e = GetLastError();
	}
	if (scm)
		CloseServiceHandle(scm);
	return reload_result(cli, e, call);
}
