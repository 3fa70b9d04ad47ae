/*
 * cmd_config.c - "config check [FILE]", "config show" and the hidden
 * "config keys [--markdown]" (the key table for docs/configuration.md),
 * plus ww_cli_load_config(), which every command that needs the
 * configuration goes through.
 */
#include "compat.h"

#include "cli.h"
#include "config.h"
#include "config_keys.h"
#include "discover.h"
#include "err.h"
#include "util.h"

#define CONFIG_USAGE "config check [FILE] | config show"

/* A file that cannot be opened is "no input" (66); anything else is 78. */
static int exit_for(int code)
{
	return code == WW_ENOENT || code == WW_EIO || code == WW_EPERM ?
		WW_EXIT_NOINPUT : WW_EXIT_CONFIG;
}

int ww_cli_load_config(struct ww_cli *cli)
{
	struct ww_err err;
	int r;

	if (cli->cfg_loaded)
		return 0;
	ww_err_clear(&err);
	r = ww_config_init(&cli->cfg, &err);
	if (r)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s", err.msg);
	if (cli->config_path) {
		r = ww_config_load_file(&cli->cfg, cli->config_path, &err);
		if (r) {
			ww_config_release(&cli->cfg);
			return ww_cli_fail(cli, exit_for(r), "%s", err.msg);
		}
	}
	/* WSUS's own settings fill what the file left out; never fatal. */
	if (ww_config_discover(&cli->cfg)) {
		ww_config_release(&cli->cfg);
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	}
	if (ww_config_discovery_noteworthy(&cli->cfg)) {
		char note[2 * WW_ERR_MSG_MAX + 64];

		ww_config_discovery_note(&cli->cfg, note, sizeof(note));
		fprintf(cli->errf, "wsuswatch: note: %s\n", note);
	}
	cli->cfg_loaded = true;
	return 0;
}

static int config_check(struct ww_cli *cli, int argc, char **argv)
{
	const char *path = argc > 2 ? argv[2] : cli->config_path;
	struct ww_config cfg;
	struct ww_err err;
	int r;

	if (argc > 3)
		return ww_cli_usage(cli, "config check [FILE]",
				    "too many arguments");
	if (!path)
		return ww_cli_usage(cli, "config check [FILE]",
				    "no file: give FILE or --config FILE");
	ww_err_clear(&err);
	r = ww_config_init(&cfg, &err);
	if (!r)
		r = ww_config_load_file(&cfg, path, &err);
	ww_config_release(&cfg);
	if (r)
		return ww_cli_fail(cli, exit_for(r), "%s", err.msg);
	fprintf(cli->out, "%s: ok\n", path);
	return WW_EXIT_OK;
}

static int config_show(struct ww_cli *cli, int argc)
{
	struct ww_buf out;
	int r;

	if (argc > 2)
		return ww_cli_usage(cli, "config show", "too many arguments");
	r = ww_cli_load_config(cli);
	if (r)
		return r;
	ww_buf_init(&out, (size_t)1 << 20);
	r = ww_config_show(&cli->cfg, &out);
	if (!r)
		fputs(out.data, cli->out);
	ww_buf_release(&out);
	if (r)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "config show: %s",
				   ww_strerror(r));
	return WW_EXIT_OK;
}

static void key_range(const struct ww_config_key *k, char *buf, size_t size)
{
	char lo[32], hi[32];

	buf[0] = '\0';
	if (k->type == WW_CFG_INT) {
		snprintf(buf, size, "%" PRId64 "..%" PRId64, k->min, k->max);
	} else if (k->type == WW_CFG_DURATION) {
		ww_duration_format(k->min, lo, sizeof(lo));
		ww_duration_format(k->max, hi, sizeof(hi));
		snprintf(buf, size, "%s..%s", lo, hi);
	} else if (k->choices) {
		snprintf(buf, size, "%s", k->choices);
	}
}

/* A Markdown table cell: "|" would end it. */
static void md_cell(FILE *f, const char *s, bool code)
{
	fputs(code ? " `" : " ", f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputs(code ? "` |" : " |", f);
}

static void key_markdown(FILE *f, const struct ww_config_key *k)
{
	char range[80], doc[300];

	key_range(k, range, sizeof(range));
	snprintf(doc, sizeof(doc), "%s%s",
		 (k->flags & WW_CFG_SECRET_REF) ? "(secret reference) " : "",
		 k->doc);
	fputs("|", f);
	md_cell(f, k->name, true);
	md_cell(f, ww_config_type_name(k->type), false);
	md_cell(f, k->def ? k->def : "null", true);
	md_cell(f, range, false);
	md_cell(f, (k->flags & WW_CFG_NULLABLE) ? "yes" : "", false);
	md_cell(f, doc, false);
	fputc('\n', f);
}

/* The table as text or as the Markdown table of docs/configuration.md. */
static int config_keys(struct ww_cli *cli, int argc, char **argv)
{
	bool md = argc > 2 && strcmp(argv[2], "--markdown") == 0;
	size_t i;

	if (md)
		fputs("| key | type | default | range | null | description |\n"
		      "|---|---|---|---|---|---|\n", cli->out);
	for (i = 0; i < ww_config_nkeys; i++) {
		const struct ww_config_key *k = &ww_config_keys[i];

		if (md)
			key_markdown(cli->out, k);
		else
			fprintf(cli->out, "%-28s %-16s %-12s %s\n", k->name,
				ww_config_type_name(k->type),
				k->def ? k->def : "null", k->doc);
	}
	return WW_EXIT_OK;
}

int ww_cmd_config(struct ww_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return ww_cli_usage(cli, CONFIG_USAGE, "config needs a sub-command");
	if (strcmp(argv[1], "check") == 0)
		return config_check(cli, argc, argv);
	if (strcmp(argv[1], "show") == 0)
		return config_show(cli, argc);
	if (strcmp(argv[1], "keys") == 0)
		return config_keys(cli, argc, argv);
	return ww_cli_usage(cli, CONFIG_USAGE, "unknown config sub-command '%s'",
			    argv[1]);
}
