/*
 * eventlog_posix.c - no Windows event log here.  WSUS runs only on
 * Windows; on other systems the event source is reported unavailable and
 * the monitor goes on with its other sources.  Exported events can still
 * be analysed with `analyze --events` (evimport.c).
 */
#include "compat.h"

#include "eventlog.h"

#define WHY WW_EVENTLOG_UNAVAILABLE ": the Windows event log exists only on " \
	"Windows (WSUS is Windows-only); use 'analyze --events' on an export"

int ww_eventlog_open(struct ww_store *store,
		     const struct ww_eventlog_opts *opts, int64_t now,
		     struct ww_eventlog **ret, struct ww_err *err)
{
	(void)store;
	(void)opts;
	(void)now;
	*ret = NULL;
	return ww_err_set(err, WW_EUNAVAIL, "%s", WHY);
}

int ww_eventlog_poll(struct ww_eventlog *el, int64_t now,
		     uint64_t *ret_stored, struct ww_err *err)
{
	(void)el;
	(void)now;
	if (ret_stored)
		*ret_stored = 0;
	return ww_err_set(err, WW_EUNAVAIL, "%s", WHY);
}

bool ww_eventlog_wait(struct ww_eventlog *el, unsigned timeout_ms)
{
	(void)el;
	(void)timeout_ms;
	return false;
}

void ww_eventlog_get_status(const struct ww_eventlog *el,
			    struct ww_eventlog_status *ret)
{
	(void)el;
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->error, sizeof(ret->error), "%s", WHY);
}

void ww_eventlog_close(struct ww_eventlog *el)
{
	(void)el;
}

int ww_eventlog_probe(const char *channel, uint64_t *ret_count,
		      struct ww_err *err)
{
	(void)channel;
	if (ret_count)
		*ret_count = 0;
	return ww_err_set(err, WW_EUNAVAIL, "%s", WHY);
}

int ww_eventlog_scan(const struct ww_eventlog_opts *opts, int64_t now,
		     ww_evimport_fn fn, void *ctx,
		     struct ww_eventlog_scan_stats *ret, struct ww_err *err)
{
	(void)opts;
	(void)now;
	(void)fn;
	(void)ctx;
	if (ret)
		memset(ret, 0, sizeof(*ret));
	return ww_err_set(err, WW_EUNAVAIL, "%s", WHY);
}

const char *ww_eventlog_absent(void)
{
	return "the Windows event log exists only on Windows (WSUS is "
	       "Windows-only); analyze an export with 'analyze --events'";
}
