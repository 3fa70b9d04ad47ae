/*
 * cmd_reload.c - `wsuswatch reload`: the running monitor loads its
 * configuration file again (docs/cli.md).  How the request travels is the
 * OS's business (ww_svc_reload(): PARAMCHANGE on Windows, SIGHUP on
 * POSIX); the monitor logs whether the new file was taken or rejected.
 */
#include "compat.h"

#include "cli.h"
#include "svc.h"

int ww_cmd_reload(struct ww_cli *cli, int argc, char **argv)
{
	if (argc > 1)
		return ww_cli_usage(cli, "reload", "unknown option '%s'", argv[1]);
	return ww_svc_reload(cli);
}
