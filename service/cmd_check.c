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
#include "config/config.h"
#include "health_cycle.h"
#include "os.h"
#include "store.h"
#include "util.h"

#define CHECK_USAGE "check"
#define CHECK_LINE_MAX 1024

static char *upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	buf[i] = '\0';
	return buf;
}

/* Plugin text must not contain '|' (perfdata separator) or newlines. */
static void append_clean(struct ww_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = (*s == '|') ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s;

		ww_buf_append(b, &c, 1);
	}
}

/* The check that explains the overall state: the worst, first in table. */
static const struct ww_check_result *headline(const struct ww_health_report *rep)
{
	const struct ww_check_result *best = NULL;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (c->state != rep->overall)
			continue;
		if (c->state == WW_STATE_UNKNOWN && !c->primary)
			continue;
		best = c;
		break;
	}
	if (!best)
		best = ww_health_find(rep, "sync_staleness");
	return best;
}

static void append_others(struct ww_buf *b, const struct ww_health_report *rep,
			  const struct ww_check_result *head)
{
	size_t i, n = 0;

	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (c == head || c->state == WW_STATE_OK ||
		    c->state == WW_STATE_UNKNOWN)
			continue;
		ww_buf_appendf(b, "%s%s %s", n ? ", " : "; also ", c->key,
			       ww_state_name(c->state));
		n++;
	}
}

static void append_perfdata(struct ww_buf *b, const struct ww_health_input *in,
			    const struct ww_health_report *rep)
{
	const struct ww_check_result *st = ww_health_find(rep, "sync_staleness");
	size_t i, failed = 0;

	ww_buf_appends(b, " | sync_age=");
	if (in->have_success)
		ww_buf_appendf(b, "%" PRId64 "s", st ? st->raw_value : 0);
	else
		ww_buf_appends(b, "U");
	ww_buf_appendf(b, ";%" PRId64 ";%" PRId64 ";0", in->th.sync_warning,
		       in->th.sync_critical);
	if (in->sync_runs > 0)
		ww_buf_appendf(b, " sync_failures=%" PRId64 ";%" PRId64 ";;0",
			       in->consecutive_failures, in->th.sync_failures);
	for (i = 0; i < in->ntargets; i++)
		failed += !in->targets[i].ok;
	ww_buf_appendf(b, " probes_failed=%zu;;;0", failed);
}

void ww_check_format_line(const struct ww_health_input *in,
			  const struct ww_health_report *rep, char *out,
			  size_t size)
{
	const struct ww_check_result *head = headline(rep);
	struct ww_buf b;
	char st[16];

	ww_buf_init(&b, CHECK_LINE_MAX);
	ww_buf_appendf(&b, "WSUSWATCH %s - ",
		       upper(ww_state_name(rep->overall), st, sizeof(st)));
	append_clean(&b, head ? head->reason : "no checks could be evaluated");
	append_others(&b, rep, head);
	append_perfdata(&b, in, rep);
	ww_strlcpy(out, b.data ? b.data : "WSUSWATCH UNKNOWN - out of memory",
		   size);
	ww_buf_release(&b);
}

static int unknown(struct ww_cli *cli, const char *fmt, ...) WW_PRINTF(2, 3);

static int unknown(struct ww_cli *cli, const char *fmt, ...)
{
	char msg[CHECK_LINE_MAX];
	struct ww_buf b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ww_buf_init(&b, CHECK_LINE_MAX);
	append_clean(&b, msg);
	fprintf(cli->out, "WSUSWATCH UNKNOWN - %s\n", b.data ? b.data : "error");
	ww_buf_release(&b);
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
	r = ww_config_init(&cfg, &err);
	if (!r && cli->config_path)
		r = ww_config_load_file(&cfg, cli->config_path, &err);
	if (r) {
		ww_config_release(&cfg);
		return unknown(cli, "configuration: %s", err.msg);
	}
	r = check_store(cli, &cfg);
	ww_config_release(&cfg);
	return r;
}
