/*
 * cli.h - the command line: one table of commands (cli.c), one file per
 * command (cmd_*.c).  Exit codes and names are a contract with scripts
 * and monitoring systems (docs/cli.md); keep them.
 */
#ifndef WW_CLI_H
#define WW_CLI_H

#include "compat.h"
#include "config.h"

enum ww_exit {
	WW_EXIT_OK = 0,
	WW_EXIT_WARNING = 1,
	WW_EXIT_CRITICAL = 2, /* also: a probe failed */
	WW_EXIT_UNKNOWN = 3,
	WW_EXIT_USAGE = 64,
	WW_EXIT_DATAERR = 65,
	WW_EXIT_NOINPUT = 66,
	WW_EXIT_UNAVAILABLE = 69, /* the monitor is not running */
	WW_EXIT_SOFTWARE = 70,    /* internal error */
	WW_EXIT_IOERR = 74,       /* database or file cannot be used */
	WW_EXIT_TEMPFAIL = 75,    /* another process writes to the database */
	WW_EXIT_NOPERM = 77,      /* needs administrator rights / access denied */
	WW_EXIT_CONFIG = 78
};

struct ww_cli {
	/*
	 * --config, else the default file (ww_install_default_config()) when
	 * it exists, else NULL: built-in defaults only.
	 */
	const char *config_path;
	char *config_default;    /* owned; == config_path when the default is used */
	struct ww_config cfg;    /* loaded by ww_cli_load_config() */
	bool cfg_loaded;
	FILE *out;               /* stdout */
	FILE *errf;              /* stderr */
};

/* A command: argv[0] is the command name (or sub-command). */
struct ww_cmd {
	const char *name;
	int (*run)(struct ww_cli *cli, int argc, char **argv);
	const char *usage;   /* "probe URL... [--json]" */
	const char *summary; /* one line for --help */
};

/* Entry point shared by main_posix.c and main_win32.c; argv is UTF-8. */
int ww_main(int argc, char **argv);

/*
 * Load --config (or defaults) into cli->cfg once.  On failure prints the
 * error and returns WW_EXIT_CONFIG (or WW_EXIT_NOINPUT when the file is
 * missing), else 0.
 */
int ww_cli_load_config(struct ww_cli *cli);

/* "wsuswatch: <message>" on stderr; returns code. */
int ww_cli_fail(struct ww_cli *cli, int code, const char *fmt, ...)
	WW_PRINTF(3, 4);

/* Usage error for a command: prints its usage, returns WW_EXIT_USAGE. */
int ww_cli_usage(struct ww_cli *cli, const char *usage, const char *fmt, ...)
	WW_PRINTF(3, 4);

/*
 * An --events export that could not be imported (evimport.h error r):
 * 66 when it cannot be opened (or nothing of it could be read), 65 when
 * it is malformed or breaks a bound, 74 on a later read error, 70
 * otherwise.  Prints msg; returns the code.
 */
int ww_cli_events_fail(struct ww_cli *cli, int r, uint64_t bytes_read,
		       const char *msg);

/*
 * The value of option name at argv[*i], given as "--opt VALUE" (then *i
 * moves past the value) or "--opt=VALUE"; NULL when argv[*i] is not that
 * option or its value is missing.
 */
const char *ww_cli_opt_value(int argc, char **argv, int *i, const char *name);

/* Commands (one file each). */
int ww_cmd_version(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_config(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_eventlog_check(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_analyze(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_probe(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_history(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_run(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_status(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_reload(struct ww_cli *cli, int argc, char **argv);
/*
 * The default configuration file (install_win32.c, install_posix.c):
 * %ProgramData%\wsuswatch\wsuswatch.yaml on Windows, which `install` creates
 * and every command reads when no --config is given; NULL on POSIX (a
 * systemd unit passes --config).  Caller frees.
 */
char *ww_install_default_config(void);
int ww_cmd_install(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_uninstall(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_check(struct ww_cli *cli, int argc, char **argv);
int ww_cmd_diagnose(struct ww_cli *cli, int argc, char **argv);

#endif /* WW_CLI_H */
