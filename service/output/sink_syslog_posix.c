/*
 * sink_syslog_posix.c - the POSIX alert sink: syslog(3), facility daemon,
 * ident "wsuswatch".  One line per transition carrying the same fields as
 * the Event Log insertion strings, with the event ID first so log rules
 * can match on it as SCOM matches on source + ID.
 */
#include "compat.h"

#include <syslog.h>

#include "health_cycle.h"

static int level_of(const struct ww_alert_event *ev)
{
	if (ev->transition == WW_ALERT_CLEAR)
		return LOG_NOTICE;
	return ev->state == WW_STATE_CRITICAL ? LOG_CRIT : LOG_WARNING;
}

static int notify(void *ctx, const struct ww_alert_event *ev,
		  struct ww_err *err)
{
	(void)ctx;
	(void)err;
	/* Reasons come from logs and servers: never a format string. */
	syslog(LOG_DAEMON | level_of(ev),
	       "event=%u %s check=%s state=%s reason=\"%s\" value=\"%s\" "
	       "threshold=\"%s\" cause_check=\"%s\" cause=\"%s\" "
	       "fix=\"%s\"", ev->event_id,
	       ww_alert_transition_name(ev->transition), ev->name,
	       ww_state_name(ev->state), ev->reason, ev->value, ev->threshold,
	       ev->cause_key ? ev->cause_key : "",
	       ev->cause ? ev->cause : "", ev->fix ? ev->fix : "");
	return 0;
}

int ww_sink_os_open(struct ww_alert_sink *ret, struct ww_err *err)
{
	(void)err;
	memset(ret, 0, sizeof(*ret));
	openlog("wsuswatch", LOG_PID, LOG_DAEMON);
	ret->name = "syslog";
	ret->notify = notify;
	return 0;
}

void ww_sink_os_close(struct ww_alert_sink *sink)
{
	if (!sink || !sink->notify)
		return;
	closelog();
	memset(sink, 0, sizeof(*sink));
}

int ww_sink_os_message(struct ww_alert_sink *sink, unsigned event_id,
		       const char *text, struct ww_err *err)
{
	(void)sink;
	(void)err;
	syslog(LOG_DAEMON | (event_id == WW_EVENT_SERVICE_ERROR ? LOG_ERR :
								 LOG_INFO),
	       "event=%u %s", event_id, text);
	return 0;
}
