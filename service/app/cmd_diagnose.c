/*
 * cmd_diagnose.c - `wsuswatch diagnose [--json] [--log FILE] [--events
 * FILE] [--no-probes] [--timeout SECONDS]`: one full pass of every check,
 * in-process, without the service; exit 0 OK, 1 WARNING, 2 CRITICAL, 3
 * UNKNOWN like `check` (docs/diagnose.md).
 *
 * This file gathers (configuration, proxy password source, host TLS
 * registry, probes, log, event log) into struct ww_diag_data; judging is
 * diag_build.c, printing diag_output.c.  Every source that cannot be seen
 * is recorded as such, so the report says "unknown" or "skipped" instead
 * of "ok".  An --events export that cannot be used is the one input
 * error: it was named explicitly, so it exits 65/66 like `analyze`.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "cli.h"
#include "diagnose.h"
#include "os.h"
#include "util.h"

#define DIAGNOSE_USAGE \
	"diagnose [--json] [--log FILE] [--events FILE] [--no-probes] " \
	"[--timeout SECONDS]"

struct diag_args {
	bool json;
	bool no_probes;
	const char *log;
	const char *events; /* --events FILE: an export, not the live log */
	int64_t timeout_ms; /* 0: probes.timeout */
};

static int parse_args(struct ww_cli *cli, struct diag_args *a, int argc,
		      char **argv)
{
	const char *v;
	int64_t s;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
		} else if (strcmp(argv[i], "--no-probes") == 0) {
			a->no_probes = true;
		} else if ((v = ww_cli_opt_value(argc, argv, &i, "--log"))) {
			if (!*v)
				return ww_cli_usage(cli, DIAGNOSE_USAGE,
						    "--log needs a file");
			a->log = v;
		} else if ((v = ww_cli_opt_value(argc, argv, &i, "--events"))) {
			if (!*v || a->events)
				return ww_cli_usage(cli, DIAGNOSE_USAGE,
						    "--events needs one file");
			a->events = v;
		} else if ((v = ww_cli_opt_value(argc, argv, &i, "--timeout"))) {
			if (ww_parse_i64(v, &s) || s < 1 || s > 3600)
				return ww_cli_usage(cli, DIAGNOSE_USAGE,
						    "--timeout: '%s' is not a number "
						    "of seconds from 1 to 3600", v);
			a->timeout_ms = s * 1000;
		} else {
			return ww_cli_usage(cli, DIAGNOSE_USAGE, "unknown "
					    "argument '%.40s'", argv[i]);
		}
	}
	return 0;
}

/* Resolve the proxy password only to learn whether it can be. */
static char *gather_password(struct ww_diag_data *d)
{
	struct ww_err err;
	char *secret = NULL, *user = NULL;

	ww_err_clear(&err);
	if (!d->cfg->proxy.password_env && !d->cfg->proxy.password_credential)
		return NULL;
	if (ww_config_proxy_password(d->cfg, &user, &secret, &err)) {
		ww_strlcpy(d->proxy_password_error, err.msg,
			   sizeof(d->proxy_password_error));
		return NULL;
	}
	if (user)
		ww_strlcpy(d->proxy_credential_user, user,
			   sizeof(d->proxy_credential_user));
	free(user);
	d->proxy_password_ok = secret != NULL;
	return secret;
}

/* The host's registry and local services, as the service reads them;
 * diagnose also reads a ContentDir on a network path. */
static void gather_host(struct ww_diag_data *d)
{
	d->host_avail = ww_health_read_host(&d->host, d->host_error,
					    sizeof(d->host_error));
	d->local_avail = ww_health_read_local(d->host_avail, &d->host, true,
					      &d->local, d->local_error,
					      sizeof(d->local_error));
}

static int probe_all(struct ww_diag_data *d, const struct ww_endpoint_targets *t,
		     const struct ww_endpoint_opts *o, struct ww_err *err)
{
	size_t i;
	int r;

	d->probes = calloc(t->n ? t->n : 1, sizeof(*d->probes));
	if (!d->probes)
		return ww_err_set(err, WW_ENOMEM, "diagnose: out of memory");
	for (i = 0; i < t->n && i < WW_DIAG_PROBES_MAX; i++) {
		r = ww_endpoint_probe(&t->items[i], o, NULL,
				      &d->probes[d->n_probes], err);
		if (r)
			return r;
		d->n_probes++;
	}
	return 0;
}

static void gather_probes(struct ww_diag_data *d, const struct diag_args *a,
			  const char *password)
{
	struct ww_endpoint_targets t = { NULL, 0 };
	struct ww_endpoint_opts o;
	struct ww_err err;
	int r;

	if (a->no_probes) {
		d->probes_avail = WW_DIAG_NOT_RUN;
		ww_strlcpy(d->probes_error, "not run (--no-probes)",
			   sizeof(d->probes_error));
		return;
	}
	ww_err_clear(&err);
	ww_endpoint_opts_init(&o);
	r = ww_endpoint_global_init(&err);
	if (!r)
		r = ww_endpoint_opts_from_config(&o, d->cfg, &err);
	if (!r)
		r = ww_endpoint_targets_from_config(d->cfg, &t, &err);
	if (!r) {
		if (!o.proxy_user && d->proxy_credential_user[0])
			o.proxy_user = d->proxy_credential_user;
		o.proxy_password = password;
		if (a->timeout_ms)
			o.timeout_ms = a->timeout_ms;
		r = probe_all(d, &t, &o, &err);
	}
	d->probes_avail = r ? WW_DIAG_UNAVAILABLE : WW_DIAG_AVAILABLE;
	if (r)
		snprintf(d->probes_error, sizeof(d->probes_error),
			 "probes could not run: %s", err.msg);
	ww_endpoint_targets_release(&t);
	ww_endpoint_global_cleanup();
}

static void gather_log(struct ww_diag_data *d, const struct diag_args *a)
{
	struct ww_err err;

	ww_err_clear(&err);
	if (a->log)
		d->log.path = a->log;
	if (!d->log.path) {
		d->log.avail = WW_DIAG_NOT_RUN;
		return;
	}
	/* Failures are recorded in d->log (avail, error) for the report. */
	(void)ww_diag_read_log(&d->log, d->now, &err);
}

/* 0, or the exit code of an --events export that cannot be used. */
static int gather_events(struct ww_cli *cli, struct ww_diag_data *d,
			 const struct diag_args *a)
{
	struct ww_err err;
	int r;

	ww_err_clear(&err);
	d->events.file = a->events;
	r = ww_diag_read_events(&d->events, d->now, &err);
	if (r)
		return ww_cli_events_fail(cli, r, d->events.import.bytes,
					  err.msg);
	if (d->events.import.note[0])
		fprintf(cli->errf, "wsuswatch: %s\n", d->events.import.note);
	return 0;
}

static int output(struct ww_cli *cli, const struct diag_args *a,
		  const struct ww_diag_data *d, const struct ww_diag_report *r)
{
	cJSON *root;
	char *text;

	if (!a->json) {
		ww_diag_print(cli->out, d, r);
		return 0;
	}
	root = ww_diag_json(d, r);
	text = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "diagnose: out of memory");
	fprintf(cli->out, "%s\n", text);
	cJSON_free(text);
	return 0;
}

int ww_cmd_diagnose(struct ww_cli *cli, int argc, char **argv)
{
	struct diag_args a;
	struct ww_diag_data d;
	struct ww_diag_report *rep;
	char *password;
	int r;

	memset(&a, 0, sizeof(a));
	r = parse_args(cli, &a, argc, argv);
	if (!r)
		r = ww_cli_load_config(cli);
	if (r)
		return r;
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "diagnose: out of memory");
	ww_diag_data_init(&d, &cli->cfg, ww_os_now());
	d.from_file = cli->config_path != NULL;
	/* Events first: a bad --events file fails before the slow probes. */
	r = gather_events(cli, &d, &a);
	if (r)
		goto out;
	password = gather_password(&d);
	gather_host(&d);
	gather_probes(&d, &a, password);
	ww_os_secret_free(password);
	gather_log(&d, &a);
	ww_diag_build(&d, rep);
	r = output(cli, &a, &d, rep);
	if (!r)
		r = (int)rep->verdict;
out:
	ww_diag_data_release(&d);
	free(rep);
	return r;
}
