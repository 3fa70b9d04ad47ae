/*
 * cmd_check.c - `wsuswatch check`: one Nagios/Icinga plugin line with
 * perfdata, exit 0/1/2/3 (docs/cli-contract.md), for NSClient++, Icinga
 * for Windows or any Nagios-compatible agent.
 *
 * It reads the monitor's store read-only and judges it with the same
 * rules the service alerts on.  It deliberately does not analyse the
 * WSUS log itself when the store is empty: a plugin must answer within
 * the agent's timeout and a SoftwareDistribution.log can be hundreds of
 * megabytes, and two judges (service and plugin) reading different data
 * would disagree.  An empty or missing store is UNKNOWN, naming the
 * database and the likely cause (the service is not running);
 * `wsuswatch analyze --log` is the ad-hoc tool.  Every internal error is
 * UNKNOWN (exit 3) with the message on the plugin line, as the plugin
 * guidelines require.
 */
#include "compat.h"

#include "cli.h"
#include "config.h"
#include "health_cycle.h"
#include "os.h"
#include "store.h"
#include "svc.h"
#include "util.h"

#define CHECK_USAGE "check"
#define CHECK_LINE_MAX 8192


static int unknown(struct ww_cli *cli, const char *fmt, ...) WW_PRINTF(2, 3);

static int unknown(struct ww_cli *cli, const char *fmt, ...)
{
	char msg[CHECK_LINE_MAX], line[CHECK_LINE_MAX + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ww_check_format_unknown(msg, line, sizeof(line));
	fprintf(cli->out, "%s\n", line);
	return WW_EXIT_UNKNOWN;
}

static int check_store(struct ww_cli *cli, const struct ww_config *cfg)
{
	struct ww_health_snapshot *snap;
	struct ww_store *s = NULL;
	struct ww_err err;
	char line[CHECK_LINE_MAX];
	int64_t now = ww_os_now();
	int r;

	if (!ww_os_path_exists(cfg->database))
		return unknown(cli, "no database at %s: is the wsuswatch service "
				    "running?", cfg->database);
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return unknown(cli, "out of memory");
	ww_err_clear(&err);
	ww_health_input_init(&snap->in);
	/* The facts the service judges beside the store's, as it does. */
	ww_health_seed(&snap->in, cfg, WW_SEED_SECRET | WW_SEED_HOST |
		       WW_SEED_LOCAL | WW_SEED_FILES);
	r = ww_store_open_readonly(cfg->database, &s, &err);
	if (!r)
		r = ww_health_gather(s, cfg, now, &snap->in, &err);
	ww_store_close(s);
	if (r) {
		free(snap);
		return unknown(cli, "%s", err.msg);
	}
	ww_health_evaluate(&snap->in, now, &snap->rep);
	ww_check_format_line(&snap->in, &snap->rep, line, sizeof(line));
	fprintf(cli->out, "%s\n", line);
	r = (int)snap->rep.overall;
	free(snap);
	return r;
}

int ww_cmd_check(struct ww_cli *cli, int argc, char **argv)
{
	struct ww_config cfg;
	struct ww_err err;
	int r;

	(void)argv;
	if (argc > 1) {
		/* Usage errors are UNKNOWN too for a plugin, with the usage. */
		ww_cli_usage(cli, CHECK_USAGE, "check takes no arguments");
		return unknown(cli, "usage: wsuswatch [--config FILE] check");
	}
	ww_err_clear(&err);
	/*
	 * The configuration the service judges with, loaded as it loads it:
	 * WSUS's own settings fill what the file left out, or check and the
	 * service disagree on what only SUSDB knows (an fe2 MUUrl, a
	 * replica, Basic over cleartext).  Discovery is never fatal and is
	 * bounded by its 5 s login timeout; its note is the service's to
	 * log, not the plugin's.
	 */
	r = ww_svc_load_config(cli->config_path, &cfg, &err);
	if (r)
		return unknown(cli, "configuration: %s", err.msg);
	r = check_store(cli, &cfg);
	ww_config_release(&cfg);
	return r;
}
