/*
 * cli.c - command dispatch.  A static table, as curl and Fluent Bit keep
 * their options: adding a command is one line here and one cmd_*.c file.
 */
#include "compat.h"

#include "cli.h"
#include "err.h"
#include "os.h"
#include "util.h"

/* In the order an administrator meets them; --help prints this order. */
static const struct ww_cmd commands[] = {
	{ "run", ww_cmd_run, "run [--foreground] [--once]",
	  "the monitor (Windows: the service entry point)" },
	{ "status", ww_cmd_status, "status [--json]",
	  "ask the running monitor for its status" },
	{ "reload", ww_cmd_reload, "reload",
	  "make the running monitor reload its configuration file" },
	{ "check", ww_cmd_check, "check",
	  "one Nagios/Icinga plugin line with perfdata (exit 0/1/2/3)" },
	{ "diagnose", ww_cmd_diagnose,
	  "diagnose [--json] [--log FILE] [--events FILE] [--no-probes] [--timeout S]",
	  "one full pass of every check, grouped like the troubleshooting guide" },
	{ "probe", ww_cmd_probe, "probe URL... [--json] [--proxy URL] ...",
	  "probe endpoints (DNS, TCP, proxy, TLS, certificate, HTTP)" },
	{ "analyze", ww_cmd_analyze,
	  "analyze [--log FILE]... [--events FILE] [--json]",
	  "offline analysis of SoftwareDistribution.log files / event exports" },
	{ "history", ww_cmd_history, "history [--limit N] [--json]",
	  "recent sync runs, probe results and alert transitions" },
	{ "config", ww_cmd_config, "config check [FILE] | config show",
	  "validate a configuration file / print the effective one" },
	{ "install", ww_cmd_install,
	  "install [--account NAME] [--allow-user-writable-dir]",
	  "(Windows) register the service and its event source" },
	{ "uninstall", ww_cmd_uninstall, "uninstall",
	  "(Windows) remove the service and its event source" },
	{ "eventlog-check", ww_cmd_eventlog_check, "eventlog-check [--json]",
	  "can the Windows event log be read here (diagnostic)" },
	{ "version", ww_cmd_version, "version", "print the version" },
};

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: wsuswatch [--config FILE] COMMAND [options]\n\n"
		   "Watches WSUS synchronization health.\n\ncommands:\n");
	for (i = 0; i < WW_ARRAY_SIZE(commands); i++)
		if (strlen(commands[i].usage) > 34)
			fprintf(f, "  %s\n  %-34s %s\n", commands[i].usage, "",
				commands[i].summary);
		else
			fprintf(f, "  %-34s %s\n", commands[i].usage,
				commands[i].summary);
	fprintf(f, "\nexit codes: 0 ok, 1 warning, 2 critical/probe failed, "
		   "3 unknown, 64 usage,\n65 bad input, 66 cannot open input, "
		   "69 monitor not running, 74 I/O or database error, 77 permission denied,\n"
		   "78 configuration invalid.  See docs/cli.md.\n");
}

int ww_cli_fail(struct ww_cli *cli, int code, const char *fmt, ...)
{
	va_list ap;

	fputs("wsuswatch: ", cli->errf);
	va_start(ap, fmt);
	vfprintf(cli->errf, fmt, ap);
	va_end(ap);
	fputc('\n', cli->errf);
	return code;
}

const char *ww_cli_opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++(*i)];
}

int ww_cli_usage(struct ww_cli *cli, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("wsuswatch: ", cli->errf);
	va_start(ap, fmt);
	vfprintf(cli->errf, fmt, ap);
	va_end(ap);
	fprintf(cli->errf, "\nusage: wsuswatch %s\n", usage);
	return WW_EXIT_USAGE;
}

int ww_cli_events_fail(struct ww_cli *cli, int r, uint64_t bytes_read,
		       const char *msg)
{
	if (r == WW_ENOENT || (r == WW_EIO && !bytes_read))
		return ww_cli_fail(cli, WW_EXIT_NOINPUT, "%s", msg);
	if (r == WW_EPARSE || r == WW_ERANGE)
		return ww_cli_fail(cli, WW_EXIT_DATAERR, "%s", msg);
	return ww_cli_fail(cli, r == WW_EIO ? WW_EXIT_IOERR : WW_EXIT_SOFTWARE,
			   "%s", msg);
}

static const struct ww_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Global options come before the command: --config FILE, --help. */
static int parse_globals(struct ww_cli *cli, int argc, char **argv, int *i)
{
	for (*i = 1; *i < argc && argv[*i][0] == '-'; (*i)++) {
		const char *a = argv[*i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(cli->out);
			return -1;
		} else if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0) {
			if (++(*i) >= argc)
				return ww_cli_usage(cli, "[--config FILE] COMMAND",
						    "--config needs a file");
			cli->config_path = argv[*i];
		} else if (ww_str_starts_with(a, "--config=")) {
			cli->config_path = a + strlen("--config=");
		} else if (strcmp(a, "--version") == 0) {
			return ww_cmd_version(cli, 0, NULL) ? WW_EXIT_SOFTWARE : -1;
		} else {
			return ww_cli_usage(cli, "[--config FILE] COMMAND",
					    "unknown option '%s'", a);
		}
	}
	return 0;
}

/*
 * Without --config, the default file is used when it exists (the service's
 * configuration on a machine set up by `install`).  One that exists but
 * cannot be read (a delegated user of control.read_group running `check`:
 * the data directory is for SYSTEM and Administrators) leaves the built-in
 * defaults, with a note, as before the file existed; any other problem
 * surfaces when the file is loaded.
 */
static void use_default_config(struct ww_cli *cli)
{
	char *path = cli->config_path ? NULL : ww_install_default_config();
	FILE *f;

	if (!path)
		return;
	f = ww_os_fopen(path, "rb");
	if (f) {
		fclose(f);
		cli->config_path = cli->config_default = path;
		return;
	}
	if (errno != ENOENT)
		fprintf(cli->errf, "wsuswatch: note: the default configuration '%s' "
			"cannot be read (%s); using built-in defaults\n", path,
			strerror(errno));
	free(path);
}

int ww_main(int argc, char **argv)
{
	struct ww_cli cli;
	const struct ww_cmd *cmd;
	int i, r;

	memset(&cli, 0, sizeof(cli));
	cli.out = stdout;
	cli.errf = stderr;
	r = parse_globals(&cli, argc, argv, &i);
	if (r)
		return r < 0 ? WW_EXIT_OK : r;
	if (i >= argc) {
		print_help(cli.errf);
		return WW_EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (!cmd)
		return ww_cli_usage(&cli, "[--config FILE] COMMAND",
				    "unknown command '%s' (see --help)", argv[i]);
	use_default_config(&cli);
	r = cmd->run(&cli, argc - i, argv + i);
	fflush(cli.out);
	if (cli.cfg_loaded)
		ww_config_release(&cli.cfg);
	free(cli.config_default);
	return r;
}
