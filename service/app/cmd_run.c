/*
 * cmd_run.c - `wsuswatch run [--foreground] [--once]`: option parsing and
 * the pieces of running the monitor that do not depend on the OS.
 */
#include "compat.h"

#include "cli.h"
#include "config.h"
#include "discover.h"
#include "monitor.h"
#include "os.h"
#include "svc.h"
#include "util.h"

static const char *const level_names[] = { "error", "warning", "info" };

void ww_svc_log_stderr(void *ctx, enum ww_log_level level, const char *msg)
{
	char iso[WW_ISO_TIME_LEN];
	FILE *f = ctx ? ctx : stderr;

	ww_time_format_iso(ww_os_now(), iso);
	fprintf(f, "%s wsuswatch: %s: %s\n", iso, level_names[level], msg);
	fflush(f);
}

int ww_svc_load_config(const char *path, struct ww_config *cfg,
		       struct ww_err *err)
{
	int r = ww_config_init(cfg, err);

	if (!r && path)
		r = ww_config_load_file(cfg, path, err);
	if (!r && ww_config_discover(cfg))
		r = ww_err_set(err, WW_ENOMEM, "WSUS discovery: out of memory");
	if (r)
		ww_config_release(cfg);
	return r;
}

void ww_svc_log_discovery(const struct ww_config *cfg,
			  void (*log)(void *, enum ww_log_level, const char *),
			  void *log_ctx)
{
	char note[2 * WW_ERR_MSG_MAX + 64];

	if (!ww_config_discovery_noteworthy(cfg))
		return;
	ww_config_discovery_note(cfg, note, sizeof(note));
	log(log_ctx, WW_LOG_WARNING, note);
}

void ww_svc_reload_config(const char *path, struct ww_monitor *m,
			  void (*log)(void *, enum ww_log_level, const char *),
			  void *log_ctx)
{
	struct ww_config cfg;
	struct ww_err err;
	char msg[WW_ERR_MSG_MAX + 64];

	ww_err_clear(&err);
	if (!path) {
		log(log_ctx, WW_LOG_WARNING, "reload: started without a "
		    "configuration file, nothing to reload");
		return;
	}
	if (ww_svc_load_config(path, &cfg, &err)) {
		snprintf(msg, sizeof(msg), "configuration reload rejected: %s; "
			 "keeping the previous configuration", err.msg);
		log(log_ctx, WW_LOG_ERROR, msg);
		return;
	}
	ww_svc_log_discovery(&cfg, log, log_ctx);
	ww_monitor_reload(m, &cfg);
}

void ww_svc_monitor_opts(struct ww_monitor_opts *o,
			 void (*log)(void *, enum ww_log_level, const char *),
			 void *log_ctx)
{
	memset(o, 0, sizeof(*o));
	o->control = true;
	o->log = log;
	o->log_ctx = log_ctx;
}

int ww_svc_start_exit(int r)
{
	if (r == WW_EINUSE)
		return WW_EXIT_TEMPFAIL;
	return r == WW_EEXIST || r == WW_EPERM ? WW_EXIT_UNAVAILABLE
					       : WW_EXIT_SOFTWARE;
}

int ww_svc_run_once(struct ww_cli *cli)
{
	struct ww_monitor_opts o;
	struct ww_monitor *m;
	struct ww_err err;
	char *json;
	int r;

	memset(&o, 0, sizeof(o));
	o.once = true;
	o.log = ww_svc_log_stderr;
	o.log_ctx = cli->errf;
	ww_err_clear(&err);
	if (ww_monitor_new(&cli->cfg, &o, &m, &err))
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s", err.msg);
	cli->cfg_loaded = false;
	r = ww_monitor_run_once(m);
	json = ww_monitor_status_json(m);
	if (json)
		fprintf(cli->out, "%s\n", json);
	free(json);
	ww_monitor_free(m);
	/* Each failing task was logged; the exit code says "a source failed". */
	if (r == WW_EINUSE)
		return WW_EXIT_TEMPFAIL;
	return r ? WW_EXIT_IOERR : WW_EXIT_OK;
}

int ww_cmd_run(struct ww_cli *cli, int argc, char **argv)
{
	static const char usage[] = "run [--foreground] [--once]";
	bool foreground = false, once = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--foreground") == 0)
			foreground = true;
		else if (strcmp(argv[i], "--once") == 0)
			once = true;
		else
			return ww_cli_usage(cli, usage, "unknown option '%s'", argv[i]);
	}
	if (!once)
		return ww_svc_run(cli, foreground); /* loads the configuration */
	r = ww_cli_load_config(cli);
	return r ? r : ww_svc_run_once(cli);
}
