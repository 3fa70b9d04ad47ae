/*
 * cmd_probe.c - `wsuswatch probe URL... [--json] [--proxy URL]
 * [--proxy-user USER] [--resolve HOST:PORT:ADDR]... [--cacert FILE]
 * [--timeout SECONDS] [--revocation strict|best_effort]`: probe endpoints ad hoc, or the configured targets
 * when no URL is given.  The proxy password comes only from the
 * environment variable WSUSWATCH_PROXY_PASSWORD and is never printed.
 * Exit 0 when every probe is ok, 2 when any failed, 64 on usage errors.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "cli.h"
#include "os.h"
#include "endpoint.h"
#include "util.h"

#define PROBE_USAGE \
	"probe URL... [--json] [--proxy URL] [--proxy-user USER] " \
	"[--resolve HOST:PORT:ADDR]... [--cacert FILE] [--timeout SECONDS] " \
	"[--revocation strict|best_effort]"
#define MAX_RESOLVE 32
#define MAX_URLS 64
#define PASSWORD_ENV "WSUSWATCH_PROXY_PASSWORD"

struct probe_args {
	bool json;
	const char *urls[MAX_URLS];
	size_t n_urls;
	const char *resolve[MAX_RESOLVE];
	size_t n_resolve;
	struct ww_endpoint_opts opts;
	bool have_proxy_user, have_proxy, have_cacert, have_timeout;
	bool have_revocation;
	char *cred_user; /* the credential's, when proxy.user is unset */
};

static int parse_timeout(struct ww_cli *cli, const char *v, int64_t *ret_ms)
{
	int64_t s;

	if (ww_parse_i64(v, &s) || s < 1 || s > 3600)
		return ww_cli_usage(cli, PROBE_USAGE, "--timeout: '%s' is not a "
				    "number of seconds from 1 to 3600", v);
	*ret_ms = s * 1000;
	return 0;
}

static int parse_option(struct ww_cli *cli, struct probe_args *a, int argc,
			char **argv, int *i)
{
	const char *v;

	if (strcmp(argv[*i], "--json") == 0) {
		a->json = true;
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--proxy-user"))) {
		a->opts.proxy_user = v;
		a->have_proxy_user = true;
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--proxy"))) {
		a->opts.proxy = v;
		a->have_proxy = true;
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--resolve"))) {
		if (a->n_resolve >= MAX_RESOLVE)
			return ww_cli_usage(cli, PROBE_USAGE, "at most %d "
					    "--resolve pins", MAX_RESOLVE);
		a->resolve[a->n_resolve++] = v;
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--cacert"))) {
		a->opts.cacert = v;
		a->have_cacert = true;
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--revocation"))) {
		a->have_revocation = true;
		a->opts.revoke_best_effort = strcmp(v, "best_effort") == 0;
		if (!a->opts.revoke_best_effort && strcmp(v, "strict"))
			return ww_cli_usage(cli, PROBE_USAGE, "--revocation: "
					    "'%.20s' is not strict or "
					    "best_effort", v);
	} else if ((v = ww_cli_opt_value(argc, argv, i, "--timeout"))) {
		a->have_timeout = true;
		return parse_timeout(cli, v, &a->opts.timeout_ms);
	} else {
		/* Never echo an option's value: it might be a proxy URL. */
		return ww_cli_usage(cli, PROBE_USAGE, "unknown option or "
				    "missing value: %.40s", argv[*i]);
	}
	return 0;
}

static int parse_args(struct ww_cli *cli, struct probe_args *a, int argc,
		      char **argv)
{
	int i, r;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			r = parse_option(cli, a, argc, argv, &i);
			if (r)
				return r;
		} else if (a->n_urls >= MAX_URLS) {
			return ww_cli_usage(cli, PROBE_USAGE, "at most %d URLs",
					    MAX_URLS);
		} else {
			a->urls[a->n_urls++] = argv[i];
		}
	}
	if (a->opts.cacert && !ww_os_path_exists(a->opts.cacert))
		return ww_cli_fail(cli, WW_EXIT_NOINPUT, "--cacert: %s: no such "
				   "file", a->opts.cacert);
	return 0;
}

static void print_value(FILE *f, const char *label, const char *v)
{
	if (v && *v)
		fprintf(f, "  %s %s", label, v);
}

static void print_human(FILE *f, const struct ww_probe_result *r)
{
	fprintf(f, "%-4s %s", r->ok ? "ok" : "FAIL", r->url);
	if (strcmp(r->target, "adhoc"))
		fprintf(f, "  (%s)", r->target);
	fputc('\n', f);
	fprintf(f, "     %s", ww_probe_res_name(r->result));
	if (!r->ok)
		fprintf(f, " at %s", ww_probe_stage_name(r->stage));
	if (r->wu_code)
		fprintf(f, " (0x%08" PRIX32 ")", r->wu_code);
	if (r->http_status)
		fprintf(f, "  http %ld", r->http_status);
	print_value(f, "", r->tls_version);
	print_value(f, "", r->tls_cipher);
	if (r->cert_days_left != WW_PROBE_UNKNOWN)
		fprintf(f, "  cert %" PRId64 " days left", r->cert_days_left);
	if (r->clock_skew != WW_PROBE_UNKNOWN)
		fprintf(f, "  skew %" PRId64 "s", r->clock_skew);
	fprintf(f, "  %" PRId64 " ms\n", r->elapsed_ms);
	if (r->hint)
		fprintf(f, "     hint: %s\n", r->hint);
	if (r->detail[0])
		fprintf(f, "     detail: %s\n", r->detail);
	if (r->policy != WW_POLICY_NONE)
		fprintf(f, "     %s: %s\n", ww_endpoint_policy_name(r->policy),
			ww_endpoint_policy_hint(r->policy));
}

static bool result_failed(const struct ww_probe_result *r)
{
	return !r->ok || r->policy == WW_POLICY_DECOMMISSIONED;
}

/* Probe every target, printing as it goes (human) or collecting (JSON). */
static int run_targets(struct ww_cli *cli, const struct probe_args *a,
		       const struct ww_endpoint_targets *t, cJSON *list,
		       bool *any_failed)
{
	struct ww_probe_result res;
	struct ww_err err;
	size_t i;
	int r;

	for (i = 0; i < t->n; i++) {
		ww_err_clear(&err);
		r = ww_endpoint_probe(&t->items[i], &a->opts, NULL, &res, &err);
		if (r == WW_EINVAL)
			return ww_cli_fail(cli, WW_EXIT_USAGE, "%s", err.msg);
		if (r)
			return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s", err.msg);
		*any_failed |= result_failed(&res);
		if (list && !cJSON_AddItemToArray(list,
						  ww_probe_result_to_json(&res)))
			return ww_cli_fail(cli, WW_EXIT_SOFTWARE,
					   "out of memory");
		if (!list)
			print_human(cli->out, &res);
	}
	return 0;
}

static int print_json(struct ww_cli *cli, cJSON *root)
{
	char *text = cJSON_Print(root);

	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	fprintf(cli->out, "%s\n", text);
	free(text);
	return 0;
}

static int probe_targets(struct ww_cli *cli, const struct probe_args *a,
			 const struct ww_endpoint_targets *t)
{
	cJSON *root = NULL, *list = NULL;
	bool failed = false;
	int r;

	if (a->json) {
		root = cJSON_CreateObject();
		list = root ? cJSON_AddArrayToObject(root, "results") : NULL;
		if (!list) {
			cJSON_Delete(root);
			return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
		}
	}
	r = run_targets(cli, a, t, list, &failed);
	if (!r && root)
		r = print_json(cli, root);
	cJSON_Delete(root);
	if (r)
		return r;
	return failed ? WW_EXIT_CRITICAL : WW_EXIT_OK;
}

static int adhoc_targets(struct ww_cli *cli, const struct probe_args *a,
			 struct ww_endpoint_targets *t)
{
	struct ww_err err;
	size_t i;

	for (i = 0; i < a->n_urls; i++) {
		if (ww_endpoint_targets_add(t, "adhoc", a->urls[i],
					    WW_TARGET_ADHOC, &err))
			return ww_cli_fail(cli, WW_EXIT_USAGE, "%s", err.msg);
	}
	return 0;
}

/* Command-line options win over the configuration's. */
static void override_opts(struct probe_args *a,
			  const struct ww_endpoint_opts *cli_opts)
{
	if (a->have_proxy) {
		a->opts.proxy = cli_opts->proxy;
		a->opts.ssl_proxy = NULL;
	}
	if (a->have_proxy_user)
		a->opts.proxy_user = cli_opts->proxy_user;
	if (a->have_cacert)
		a->opts.cacert = cli_opts->cacert;
	if (a->have_timeout)
		a->opts.timeout_ms = cli_opts->timeout_ms;
	if (a->have_revocation)
		a->opts.revoke_best_effort = cli_opts->revoke_best_effort;
}

static int add_config_pins(struct ww_cli *cli, struct probe_args *a)
{
	size_t i;

	for (i = 0; i < cli->cfg.resolve.n; i++) {
		if (a->n_resolve >= MAX_RESOLVE)
			return ww_cli_fail(cli, WW_EXIT_CONFIG, "resolve: at "
					   "most %d pins", MAX_RESOLVE);
		a->resolve[a->n_resolve++] = cli->cfg.resolve.items[i];
	}
	return 0;
}

/*
 * No URL: the configured targets with the configuration's proxy, CA
 * file, pins and timeout.  The configuration's password source is used
 * unless --proxy-user names another user (then WSUSWATCH_PROXY_PASSWORD).
 * Without proxy.user, a credential may name the user as well.
 */
static int config_targets(struct ww_cli *cli, struct probe_args *a,
			  struct ww_endpoint_targets *t, char **ret_password)
{
	struct ww_endpoint_opts cli_opts = a->opts;
	struct ww_err err;
	int r = ww_cli_load_config(cli);

	if (r)
		return r;
	ww_err_clear(&err);
	if (ww_endpoint_opts_from_config(&a->opts, &cli->cfg, &err) ||
	    ww_endpoint_targets_from_config(&cli->cfg, t, &err))
		return ww_cli_fail(cli, WW_EXIT_CONFIG, "%s", err.msg);
	if (t->n == 0)
		return ww_cli_usage(cli, PROBE_USAGE, "no URL given and no "
				    "probe target configured");
	override_opts(a, &cli_opts);
	r = add_config_pins(cli, a);
	if (r || a->have_proxy_user ||
	    (!a->opts.proxy_user && !cli->cfg.proxy.password_credential))
		return r;
	if (ww_config_proxy_password(&cli->cfg, &a->cred_user, ret_password,
				     &err))
		return ww_cli_fail(cli, WW_EXIT_CONFIG, "%s", err.msg);
	if (!a->opts.proxy_user)
		a->opts.proxy_user = a->cred_user;
	return 0;
}

int ww_cmd_probe(struct ww_cli *cli, int argc, char **argv)
{
	struct probe_args a;
	struct ww_endpoint_targets t = { NULL, 0 };
	struct ww_err err;
	char *password = NULL;
	int r;

	memset(&a, 0, sizeof(a));
	ww_endpoint_opts_init(&a.opts);
	r = parse_args(cli, &a, argc, argv);
	if (r)
		return r;
	if (ww_endpoint_global_init(&err))
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s", err.msg);
	r = a.n_urls ? adhoc_targets(cli, &a, &t) :
		       config_targets(cli, &a, &t, &password);
	if (r)
		goto out;
	a.opts.resolve = a.resolve;
	a.opts.n_resolve = a.n_resolve;
	if (!password && (a.n_urls || a.have_proxy_user))
		password = ww_os_getenv(PASSWORD_ENV);
	if (password)
		a.opts.proxy_password = password;
	r = probe_targets(cli, &a, &t);
out:
	ww_os_secret_free(password);
	free(a.cred_user);
	ww_endpoint_targets_release(&t);
	ww_endpoint_global_cleanup();
	return r;
}
