/*
 * sink_eventlog_win32.c - the Windows alert sink: ReportEventW under the
 * event source "wsuswatch" in the Application log.  Event IDs are the
 * message table's (installer/wsuswatch.mc: no severity bits, so the ID is
 * the number SCOM matches); the level comes from the event type.  Every
 * alert carries nine insertion strings in a fixed order: check, state,
 * reason, value, threshold, cause check, cause, evidence, fix
 * (docs/events.md).
 */
#include "compat.h"

#include <windows.h>

#include "health_cycle.h"
#include "os_win32.h"

#define WW_EVENT_SOURCE L"wsuswatch"

static WORD type_of(const struct ww_alert_event *ev)
{
	if (ev->transition == WW_ALERT_CLEAR)
		return EVENTLOG_INFORMATION_TYPE;
	return ev->state == WW_STATE_CRITICAL ? EVENTLOG_ERROR_TYPE :
						EVENTLOG_WARNING_TYPE;
}

/* Insertion strings of an alert event (docs/events.md). */
#define WW_EVENT_STRINGS 9

static int report(HANDLE h, WORD type, DWORD id, const char *const *utf8,
		  WORD n, struct ww_err *err)
{
	wchar_t *owned[WW_EVENT_STRINGS] = { NULL };
	LPCWSTR w[WW_EVENT_STRINGS] = { NULL };
	WORD i;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		owned[i] = ww_win_utf16(utf8[i] ? utf8[i] : "");
		w[i] = owned[i];
		if (!w[i])
			r = ww_err_set(err, WW_ENOMEM, "event %lu: out of memory",
				       (unsigned long)id);
	}
	if (!r && !ReportEventW(h, type, 0, id, NULL, n, 0, w, NULL))
		r = ww_win_err(err, GetLastError(), "ReportEventW()",
			       "Application log, source wsuswatch");
	for (i = 0; i < n; i++)
		free(owned[i]);
	return r;
}

static int notify(void *ctx, const struct ww_alert_event *ev,
		  struct ww_err *err)
{
	const char *s[WW_EVENT_STRINGS] = {
		ev->name, ww_state_name(ev->state), ev->reason, ev->value,
		ev->threshold, ev->cause_key, ev->cause, ev->evidence, ev->fix
	};

	return report((HANDLE)ctx, type_of(ev), ev->event_id, s,
		      WW_EVENT_STRINGS, err);
}

int ww_sink_os_open(struct ww_alert_sink *ret, struct ww_err *err)
{
	HANDLE h;

	memset(ret, 0, sizeof(*ret));
	/* Works before the source is registered; text then is missing. */
	h = RegisterEventSourceW(NULL, WW_EVENT_SOURCE);
	if (!h)
		return ww_win_err(err, GetLastError(), "RegisterEventSourceW()",
				  "wsuswatch");
	ret->name = "eventlog";
	ret->ctx = h;
	ret->notify = notify;
	return 0;
}

void ww_sink_os_close(struct ww_alert_sink *sink)
{
	if (!sink || !sink->ctx)
		return;
	DeregisterEventSource((HANDLE)sink->ctx);
	memset(sink, 0, sizeof(*sink));
}

int ww_sink_os_message(struct ww_alert_sink *sink, unsigned event_id,
		       const char *text, struct ww_err *err)
{
	const char *s[1] = { text };

	if (!sink || !sink->ctx)
		return ww_err_set(err, WW_ESTATE, "event log sink not open");
	return report((HANDLE)sink->ctx,
		      event_id == WW_EVENT_SERVICE_ERROR ? EVENTLOG_ERROR_TYPE :
							   EVENTLOG_INFORMATION_TYPE,
		      event_id, s, 1, err);
}
