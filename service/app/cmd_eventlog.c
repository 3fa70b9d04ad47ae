/*
 * cmd_eventlog.c - `wsuswatch eventlog-check [--json]`: can the Windows
 * event log be read here?  It runs the live reader's own first steps
 * (EvtQuery on the Application channel with the WSUS filter, then a
 * render context) and reports the result.  Where the log cannot be read
 * (POSIX; Wine, whose wevtapi is a stub) it says "event log unavailable"
 * and still exits 0: the monitor goes on without this source, so the
 * condition is a report, not a failure.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "cli.h"
#include "eventlog.h"
#include "util.h"

#define EVENTLOG_USAGE "eventlog-check [--json]"

static int print_json(struct ww_cli *cli, int r, uint64_t n,
		      const struct ww_err *err)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	if (!o)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	cJSON_AddBoolToObject(o, "available", r == 0);
	cJSON_AddStringToObject(o, "channel", WW_EVENTLOG_CHANNEL);
	if (r == 0) {
		cJSON_AddNumberToObject(o, "wsus_events", (double)n);
		cJSON_AddNullToObject(o, "error");
	} else {
		cJSON_AddNullToObject(o, "wsus_events");
		cJSON_AddStringToObject(o, "error", err->msg);
	}
	text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "out of memory");
	fprintf(cli->out, "%s\n", text);
	cJSON_free(text);
	return WW_EXIT_OK;
}

int ww_cmd_eventlog_check(struct ww_cli *cli, int argc, char **argv)
{
	struct ww_err err;
	uint64_t n = 0;
	bool json = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return ww_cli_usage(cli, EVENTLOG_USAGE,
					    "unknown argument '%s'", argv[i]);
	}
	ww_err_clear(&err);
	r = ww_eventlog_probe(NULL, &n, &err);
	if (r && r != WW_EUNAVAIL)
		return ww_cli_fail(cli, WW_EXIT_SOFTWARE, "%s", err.msg);
	if (json)
		return print_json(cli, r, n, &err);
	if (r)
		fprintf(cli->out, "eventlog: %s\n", err.msg);
	else
		fprintf(cli->out, "eventlog: available (%s channel, %" PRIu64
			" WSUS events match the filter)\n",
			WW_EVENTLOG_CHANNEL, n);
	return WW_EXIT_OK;
}
