/*
 * eventlog_sink.c - Wine test program: one alert through the real
 * Windows sink (RegisterEventSourceW + ReportEventW).  Wine cannot read
 * the event log back, but with WINEDEBUG=+eventlog it traces every
 * insertion string on stderr; wine_eventlog.cmake greps for them.  The
 * program links the message table like wsuswatch.exe and prints the text
 * FormatMessageW makes of event 2001 from its own resources, which proves
 * the windmc/windres resource is linked and well formed.
 */
#include "compat.h"

#include <windows.h>

#include "os_win32.h"
#include "health_cycle.h"

static int print_message(DWORD id, const char *const *args, size_t n)
{
	DWORD_PTR w[9] = { 0 };
	wchar_t buf[1024];
	char *utf8;
	size_t i;
	DWORD len;

	for (i = 0; i < n && i < 9; i++)
		w[i] = (DWORD_PTR)ww_win_utf16(args[i]);
	len = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE |
				     FORMAT_MESSAGE_ARGUMENT_ARRAY,
			     NULL, id, 0, buf, WW_ARRAY_SIZE(buf),
			     (va_list *)w);
	for (i = 0; i < n && i < 9; i++)
		free((void *)w[i]);
	if (!len) {
		fprintf(stderr, "FormatMessageW(%lu): error %lu\n",
			(unsigned long)id, (unsigned long)GetLastError());
		return 1;
	}
	utf8 = ww_win_utf8(buf);
	printf("message %lu: %s\n", (unsigned long)id, utf8 ? utf8 : "?");
	free(utf8);
	return 0;
}

int main(void)
{
	struct ww_alert_sink sink;
	struct ww_err err;
	struct ww_alert_event ev = {
		.transition = WW_ALERT_RAISE,
		.name = "sync_staleness",
		.check = "sync_staleness",
		.state = WW_STATE_WARNING,
		.previous = WW_STATE_OK,
		.event_id = 2001,
		.reason = "last successful sync 30h ago (warning > 26h)",
		.value = "30h",
		.threshold = "warning > 26h, critical > 50h",
		.at = 1800000000,
		.since = 1800000000,
		.cause_key = "endpoint:microsoft_update",
		.cause = "proxy requires authentication (407, 0x8024401B) at "
			 "proxy.corp:8080",
		.evidence = "Received HTTP code 407 from proxy after CONNECT",
		.fix = "check the proxy user and password in WSUS",
	};
	int r;

	if (ww_sink_os_open(&sink, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return 1;
	}
	r = sink.notify(sink.ctx, &ev, &err);
	if (r)
		fprintf(stderr, "notify: %s\n", err.msg);
	if (!r)
		r = ww_sink_os_message(&sink, WW_EVENT_SERVICE_STARTED,
				       "wsuswatch-wine-test-started", &err);
	ww_sink_os_close(&sink);
	if (r) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("reported event %u\n", ev.event_id);
	{
		const char *args[9] = { ev.name, "warning", ev.reason, ev.value,
					ev.threshold, ev.cause_key, ev.cause,
					ev.evidence, ev.fix };

		return print_message(ev.event_id, args, 9);
	}
}
