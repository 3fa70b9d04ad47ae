/*
 * cmd_history.c - "history [--limit N] [--json]": what the monitor has
 * recorded, read from the store without the monitor (read-only open, so
 * it works while the service writes, thanks to WAL).
 *
 * The rows become one cJSON document (ww_history_collect()); --json
 * prints it, the text form is rendered from the same document, so both
 * always show the same data.
 */
#include "compat.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "cli.h"
#include "history.h"
#include "store.h"
#include "util.h"

#define HISTORY_USAGE "history [--limit N] [--json]"


/*
 * One field of the text form: "-" for null, control characters (from
 * log lines) replaced so a row stays one line on the terminal.
 */
static void put_field(FILE *f, const cJSON *obj, const char *key, int width)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char buf[512];
	size_t i;

	if (cJSON_IsString(v))
		ww_strlcpy(buf, v->valuestring, sizeof(buf));
	else if (cJSON_IsNumber(v))
		snprintf(buf, sizeof(buf), "%.0f", v->valuedouble);
	else if (cJSON_IsBool(v))
		ww_strlcpy(buf, cJSON_IsTrue(v) ? "yes" : "no", sizeof(buf));
	else
		ww_strlcpy(buf, "-", sizeof(buf));
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	if (width)
		fprintf(f, "%-*s  ", width, buf);
	else
		fprintf(f, "%s\n", buf);
}

/* The text columns of each section, in the order of sections[]. */
static const struct {
	const char *section; /* member of ww_history_collect()'s document */
	const char *title;
	const char *keys[6];
	int widths[6]; /* 0: last column, unpadded */
} text_layout[] = {
	{ "sync_runs", "Sync runs (newest first)",
	  { "started_at", "finished_at", "source", "kind", "result", "error" },
	  { 20, 20, 8, 9, 9, 0 } },
	{ "probe_results", "Probe results (newest first)",
	  { "at", "target", "result", "wu_code", "elapsed_ms", "url" },
	  { 20, 16, 22, 10, 6, 0 } },
	{ "alert_transitions", "Alert transitions (newest first)",
	  { "at", "name", "transition", "state", "cause", "reason" },
	  { 20, 20, 10, 8, 24, 0 } },
};

static void print_text(FILE *f, const cJSON *root)
{
	size_t i, k;

	for (i = 0; i < WW_ARRAY_SIZE(text_layout); i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(
			root, text_layout[i].section);
		const cJSON *row;

		fprintf(f, "%s%s:\n", i ? "\n" : "", text_layout[i].title);
		if (cJSON_GetArraySize(arr) == 0)
			fprintf(f, "  (none)\n");
		cJSON_ArrayForEach(row, arr) {
			fputs("  ", f);
			for (k = 0; k < 6 && text_layout[i].keys[k]; k++)
				put_field(f, row, text_layout[i].keys[k],
					  text_layout[i].widths[k]);
		}
	}
}

static int parse_args(struct ww_cli *cli, int argc, char **argv, int *limit,
		      bool *json)
{
	int i;
	int64_t v;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (strcmp(a, "--json") == 0) {
			*json = true;
			continue;
		}
		if (strcmp(a, "--limit") == 0 && i + 1 < argc)
			val = argv[++i];
		else if (ww_str_starts_with(a, "--limit="))
			val = a + strlen("--limit=");
		else
			return ww_cli_usage(cli, HISTORY_USAGE,
					    "unexpected argument '%s'", a);
		if (ww_parse_i64(val, &v) != 0 || v < 1 ||
		    v > WW_HISTORY_MAX_LIMIT)
			return ww_cli_usage(cli, HISTORY_USAGE,
					    "--limit must be 1..%d, not '%s'",
					    WW_HISTORY_MAX_LIMIT, val);
		*limit = (int)v;
	}
	return 0;
}

static int print_json(struct ww_cli *cli, const cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);

	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	fprintf(cli->out, "%s\n", text);
	cJSON_free(text);
	return WW_EXIT_OK;
}

int ww_cmd_history(struct ww_cli *cli, int argc, char **argv)
{
	int limit = WW_HISTORY_DEFAULT_LIMIT;
	struct ww_store *s = NULL;
	struct ww_err err;
	bool json = false;
	cJSON *root = NULL;
	int r;

	r = parse_args(cli, argc, argv, &limit, &json);
	if (!r)
		r = ww_cli_load_config(cli);
	if (r)
		return r;
	if (!cli->cfg.database)
		return ww_cli_fail(cli, WW_EXIT_CONFIG, "no database configured");
	ww_err_clear(&err);
	r = ww_store_open_readonly(cli->cfg.database, &s, &err);
	if (!r)
		r = ww_history_collect(s, limit, &root, &err);
	ww_store_close(s);
	if (r)
		return ww_cli_fail(cli, r == WW_ENOMEM ? WW_EXIT_SOFTWARE
						       : WW_EXIT_IOERR,
				   "%s", err.msg);
	if (json) {
		r = print_json(cli, root);
	} else {
		print_text(cli->out, root);
		r = WW_EXIT_OK;
	}
	cJSON_Delete(root);
	return r;
}
