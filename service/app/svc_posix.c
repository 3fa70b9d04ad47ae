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

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "config.h"
#include "monitor.h"
#include "svc.h"
#include "util.h"

#define WW_SIGNAL_POLL_MS 250 /* how often the main thread checks the loop */

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
			ww_svc_reload_config(cli->config_path, m,
					     ww_svc_log_stderr, cli->errf);
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

/* ---- `wsuswatch reload` ---- */

/*
 * The pid of the running monitor: the process that holds "<database>.lock"
 * (monitor.c) wrote it there.  The lock itself is the proof that the
 * process still runs: a file nobody holds is a monitor that has stopped,
 * whatever pid it still names.  0 with a message in why otherwise.
 */
static pid_t monitor_pid(const char *database, char *why, size_t size)
{
	char path[4096], buf[32];
	unsigned long pid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s.lock", database);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "no monitor is running (%s: %s)", path,
			 strerror(errno));
		return 0;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		snprintf(why, size, "no monitor is running (%s is not locked; "
			 "--config must name the monitor's own file)", path);
		close(fd);
		return 0;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	pid = n > 0 ? ww_lock_pid_parse(buf, (size_t)n) : 0;
	if (!pid || (unsigned long)(pid_t)pid != pid) {
		snprintf(why, size, "%s is locked but names no process", path);
		return 0;
	}
	return (pid_t)pid;
}

int ww_svc_reload(struct ww_cli *cli)
{
	char why[4200];
	pid_t pid;
	int r = ww_cli_load_config(cli);

	if (r)
		return r;
	pid = monitor_pid(cli->cfg.database, why, sizeof(why));
	if (!pid)
		return ww_cli_fail(cli, WW_EXIT_UNAVAILABLE, "%s", why);
	if (kill(pid, SIGHUP) != 0)
		return ww_cli_fail(cli, errno == EPERM ? WW_EXIT_NOPERM
						      : WW_EXIT_UNAVAILABLE,
				   "SIGHUP to the monitor (pid %ld): %s",
				   (long)pid, strerror(errno));
	fprintf(cli->out, "reload requested: SIGHUP sent to the monitor (pid %ld)\n",
		(long)pid);
	return WW_EXIT_OK;
}
