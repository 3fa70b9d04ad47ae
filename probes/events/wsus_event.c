/*
 * wsus_event.c - the meaning table of WSUS Application-log event IDs.
 * Sources for each row: docs/events-input.md and wsus-facts.md section 1.
 */
#include "compat.h"

#include "wsus_event.h"
#include "util.h"

/* What a self-check event says failed, one name per ID of its row. */
static const char *const content_dir[] = { "content directory" };
static const char *const web_services[] = {
	"Reporting Web Service", "API Remoting Web Service",
	"Client Web Service", "Server Synchronization Web Service",
	"SimpleAuth Web Service", "DSS Authentication Web Service",
	"a WSUS web service" /* 12062: which one is not known */
};
_Static_assert(WW_ARRAY_SIZE(web_services) == (12062 - 12002) / 10 + 1,
	       "one name per ID of the 12002-12062 row");

static const struct ww_meaning_row meaning_table[] = {
	/* DD939855 names 10021 and 10022 for a failed last catalog sync;
	 * which of the two means "failed" and which "stale" is inferred
	 * from the SCOM 3-state monitor (error, warning, healthy). */
	{ 10022, 10022, 1, WW_MEANING_CATALOG_SYNC_FAILED, WW_CONF_PARTIAL,
	  WW_EV_SYNC_NONE, "the last catalog synchronization failed", NULL },
	{ 10021, 10021, 1, WW_MEANING_CATALOG_STALE, WW_CONF_PARTIAL,
	  WW_EV_SYNC_NONE, "the catalog has not been synchronized recently",
	  NULL },
	{ 10020, 10020, 1, WW_MEANING_CATALOG_HEALTHY, WW_CONF_UNCONFIRMED,
	  WW_EV_SYNC_NONE, "catalog synchronization is healthy", NULL },
	{ 364, 364, 1, WW_MEANING_CONTENT_DOWNLOAD_FAILED, WW_CONF_CONFIRMED,
	  WW_EV_SYNC_NONE, "content file download failed", NULL },
	/* 12072 is documented, 12002 third-party, the IDs between follow
	 * the one-per-web-service pattern, and which service each one is
	 * comes from wsus-facts.md's memory (all unconfirmed).  The paired
	 * "working correctly" events are not in this table: unknown IDs. */
	{ 12072, 12072, 1, WW_MEANING_SELF_CHECK_FAILED, WW_CONF_CONFIRMED,
	  WW_EV_SYNC_NONE, "self-check: content directory not accessible",
	  content_dir },
	{ 12002, 12062, 10, WW_MEANING_SELF_CHECK_FAILED, WW_CONF_UNCONFIRMED,
	  WW_EV_SYNC_NONE, "self-check: a WSUS web service is not working",
	  web_services },
	/* 381-387 are EventLogEventReporter IDs seen in
	 * SoftwareDistribution.log; that they reach the Application log at
	 * all is unconfirmed, hence every row below is at most partial. */
	{ 381, 381, 1, WW_MEANING_SYNC_STARTED, WW_CONF_PARTIAL,
	  WW_EV_SYNC_SCHEDULED, "a scheduled synchronization was started", NULL },
	{ 382, 382, 1, WW_MEANING_SYNC_STARTED, WW_CONF_PARTIAL,
	  WW_EV_SYNC_MANUAL, "a manual synchronization was started", NULL },
	{ 384, 384, 1, WW_MEANING_SYNC_SUCCEEDED, WW_CONF_PARTIAL,
	  WW_EV_SYNC_NONE, "synchronization completed successfully", NULL },
	{ 386, 386, 1, WW_MEANING_SYNC_FAILED, WW_CONF_UNCONFIRMED,
	  WW_EV_SYNC_NONE, "synchronization failed (inferred)", NULL },
	{ 387, 387, 1, WW_MEANING_OTHER, WW_CONF_UNCONFIRMED,
	  WW_EV_SYNC_NONE, "possibly synchronization canceled", NULL },
};

const struct ww_meaning_row *ww_wsus_meaning_table(size_t *ret_n)
{
	*ret_n = WW_ARRAY_SIZE(meaning_table);
	return meaning_table;
}

const struct ww_meaning_row *ww_wsus_meaning(uint32_t event_id)
{
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(meaning_table); i++) {
		const struct ww_meaning_row *r = &meaning_table[i];

		if (event_id >= r->id_first && event_id <= r->id_last &&
		    (event_id - r->id_first) % r->id_step == 0)
			return r;
	}
	return NULL;
}

const char *ww_wsus_component(uint32_t event_id)
{
	const struct ww_meaning_row *r = ww_wsus_meaning(event_id);

	if (!r || !r->components)
		return NULL;
	return r->components[(event_id - r->id_first) / r->id_step];
}

const char *ww_wsus_event_sync_error(const struct ww_wsus_event *ev)
{
	return ev->message[0] ? ev->message : "synchronization failed";
}

bool ww_wsus_event_is_wsus(const struct ww_wsus_event *ev)
{
	/* Provider names are case-insensitive in the Windows event log. */
	return ww_strcasecmp(ev->provider, WW_WSUS_PROVIDER) == 0;
}

enum ww_meaning ww_wsus_event_meaning(const struct ww_wsus_event *ev)
{
	const struct ww_meaning_row *r;

	if (!ww_wsus_event_is_wsus(ev))
		return WW_MEANING_OTHER;
	r = ww_wsus_meaning(ev->event_id);
	return r ? r->meaning : WW_MEANING_OTHER;
}

const char *ww_meaning_name(enum ww_meaning m)
{
	switch (m) {
	case WW_MEANING_CATALOG_SYNC_FAILED: return "catalog_sync_failed";
	case WW_MEANING_CATALOG_STALE: return "catalog_stale";
	case WW_MEANING_CATALOG_HEALTHY: return "catalog_healthy";
	case WW_MEANING_CONTENT_DOWNLOAD_FAILED: return "content_download_failed";
	case WW_MEANING_SELF_CHECK_FAILED: return "self_check_failed";
	case WW_MEANING_SYNC_STARTED: return "sync_started";
	case WW_MEANING_SYNC_SUCCEEDED: return "sync_succeeded";
	case WW_MEANING_SYNC_FAILED: return "sync_failed";
	case WW_MEANING_OTHER: break;
	}
	return "other";
}

const char *ww_catalog_state_name(enum ww_meaning m)
{
	switch (m) {
	case WW_MEANING_CATALOG_SYNC_FAILED: return "failed";
	case WW_MEANING_CATALOG_STALE: return "stale";
	case WW_MEANING_CATALOG_HEALTHY: return "healthy";
	default: return NULL;
	}
}

const char *ww_confidence_name(enum ww_confidence c)
{
	switch (c) {
	case WW_CONF_CONFIRMED: return "confirmed";
	case WW_CONF_PARTIAL: return "partial";
	case WW_CONF_UNCONFIRMED: break;
	}
	return "unconfirmed";
}

const char *ww_ev_level_name(int level)
{
	switch (level) {
	case WW_EV_LEVEL_ALWAYS: return "information";
	case WW_EV_LEVEL_CRITICAL: return "critical";
	case WW_EV_LEVEL_ERROR: return "error";
	case WW_EV_LEVEL_WARNING: return "warning";
	case WW_EV_LEVEL_INFO: return "information";
	case WW_EV_LEVEL_VERBOSE: return "verbose";
	default: return "unknown";
	}
}

void ww_wsus_event_set_id(struct ww_wsus_event *ev, uint32_t raw_id)
{
	if (raw_id > 0xFFFFu) {
		ev->qualifiers = raw_id >> 16;
		ev->has_qualifiers = true;
	}
	ev->event_id = raw_id & 0xFFFFu;
}

/*
 * One expression per ID: Windows accepts at most 20 expressions in a plain
 * XPath query (beyond that it wants a structured XML query), and this one
 * has the provider, 17 IDs and the time window.  test_evimport's
 * test_xpath counts them, since Wine does not enforce the limit.
 */
int ww_wsus_event_xpath(char *buf, size_t size, int64_t max_age)
{
	size_t i, len;
	uint32_t id;
	int n;

	n = snprintf(buf, size, "*[System[Provider[@Name='%s'] and (",
		     WW_WSUS_PROVIDER);
	if (n < 0 || (size_t)n >= size)
		return WW_ERANGE;
	len = (size_t)n;
	for (i = 0; i < WW_ARRAY_SIZE(meaning_table); i++) {
		const struct ww_meaning_row *r = &meaning_table[i];

		for (id = r->id_first; id <= r->id_last; id += r->id_step) {
			n = snprintf(buf + len, size - len, "%sEventID=%" PRIu32,
				     buf[len - 1] != '(' ? " or " : "",
				     id);
			if (n < 0 || (size_t)n >= size - len)
				return WW_ERANGE;
			len += (size_t)n;
		}
	}
	/* timediff() is in milliseconds, against the event log's clock. */
	if (max_age > 0)
		n = snprintf(buf + len, size - len, ") and TimeCreated[timediff("
			     "@SystemTime) <= %" PRId64 "]]]", max_age * 1000);
	else
		n = snprintf(buf + len, size - len, ")]]");
	if (n < 0 || (size_t)n >= size - len)
		return WW_ERANGE;
	return 0;
}
