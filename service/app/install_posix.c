/*
 * install_posix.c - `install` / `uninstall` exist for the Windows Service
 * Control Manager only.  On Linux the monitor runs under systemd with a unit
 * file (docs/service.md); refusing clearly beats pretending.
 */
#include "compat.h"

#include "cli.h"

static int windows_only(struct ww_cli *cli, const char *cmd)
{
	return ww_cli_fail(cli, WW_EXIT_USAGE,
			   "%s is a Windows command; on Linux run 'wsuswatch run "
			   "--foreground' from a systemd unit (see docs/service.md)",
			   cmd);
}

/* No default file: the systemd unit names it with --config. */
char *ww_install_default_config(void)
{
	return NULL;
}

int ww_cmd_install(struct ww_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return windows_only(cli, "install");
}

int ww_cmd_uninstall(struct ww_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return windows_only(cli, "uninstall");
}
