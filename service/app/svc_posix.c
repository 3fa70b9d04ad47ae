/*
 * svc_posix.c - `run` on POSIX: the monitor in the foreground (systemd's
 * Type=simple), SIGTERM/SIGINT stop it, SIGHUP reloads the configuration.
 *
 * The signals are blocked in every thread and taken synchronously with
 * sigtimedwait() on the main thread, so no handler runs in a signal context
 * and the reload can load a file and log like ordinary code.  SIGHUP is
 * blocked from the first line of main() (main_posix.c): one sent while the
 * configuration still loads is a reload once the monitor runs.
 */
#include "compat.h"

#include <signal.h>

#include "config.h"
#include "monitor.h"
#include "svc.h"

#define WW_SIGNAL_POLL_MS 250 /* how often the main thread checks the loop */

static void reload(struct ww_cli *cli, struct ww_monitor *m)
{
	struct ww_config cfg;
	struct ww_err err;

	ww_err_clear(&err);
	if (!cli->config_path) {
		ww_svc_log_stderr(cli->errf, WW_LOG_WARNING,
				  "SIGHUP: started without --config, nothing to reload");
		return;
	}
	if (ww_svc_load_config(cli->config_path, &cfg, &err)) {
		char msg[WW_ERR_MSG_MAX + 64];

		snprintf(msg, sizeof(msg),
			 "configuration reload rejected: %s; keeping the previous "
			 "configuration", err.msg);
		ww_svc_log_stderr(cli->errf, WW_LOG_ERROR, msg);
		return;
	}
	ww_svc_log_discovery(&cfg, ww_svc_log_stderr, cli->errf);
	ww_monitor_reload(m, &cfg);
}

/* Wait for a stop signal (or the loop ending on its own); handle reloads. */
static void wait_signals(struct ww_cli *cli, struct ww_monitor *m,
			 const sigset_t *set)
{
	struct timespec ts = { 0, WW_SIGNAL_POLL_MS * 1000000L };

	for (;;) {
		int sig = sigtimedwait(set, NULL, &ts);

		if (sig == SIGTERM || sig == SIGINT) {
			ww_svc_log_stderr(cli->errf, WW_LOG_INFO,
					  sig == SIGTERM ? "SIGTERM: stopping"
							 : "SIGINT: stopping");
			return;
		}
		if (sig == SIGHUP)
			reload(cli, m);
		if (ww_monitor_wait(m, 0))
			return;
	}
}

/*
 * Signals that arrived while the monitor stopped (a SIGHUP right after the
 * SIGTERM, a second SIGTERM) are taken here and dropped: the stop is under
 * way, and unblocking them would let a default action end the process with
 * that signal instead of exit 0.
 */
static void drain_signals(const sigset_t *set)
{
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(set, NULL, &zero) > 0)
		;
}

int ww_svc_run(struct ww_cli *cli, bool foreground)
{
	struct ww_monitor_opts o;
	struct ww_monitor *m = NULL;
	struct ww_err err;
	sigset_t set, old;
	int r;

	(void)foreground; /* POSIX has no service manager entry point */
	r = ww_cli_load_config(cli);
	if (r)
		return r;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Before any thread exists, so every thread inherits the mask. */
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	ww_err_clear(&err);
	ww_svc_monitor_opts(&o, ww_svc_log_stderr, cli->errf);
	r = ww_monitor_new(&cli->cfg, &o, &m, &err);
	cli->cfg_loaded = false;
	if (!r)
		r = ww_monitor_start(m, &err);
	if (r) {
		ww_svc_log_stderr(cli->errf, WW_LOG_ERROR, err.msg);
		ww_monitor_free(m);
		drain_signals(&set);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return ww_svc_start_exit(r);
	}
	ww_svc_log_stderr(cli->errf, WW_LOG_INFO, "monitor running");
	wait_signals(cli, m, &set);
	r = ww_monitor_stop(m);
	ww_monitor_free(m);
	ww_svc_log_stderr(cli->errf, WW_LOG_INFO, "monitor stopped");
	drain_signals(&set);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r ? WW_EXIT_SOFTWARE : WW_EXIT_OK;
}
