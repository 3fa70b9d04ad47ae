/*
 * task_eventlog.c - the "eventlog" task: WSUS's events from the
 * Application log into the store with probes/events/eventlog.h, every
 * WW_EVENTLOG_INTERVAL seconds.
 *
 * Where the event log cannot be read (POSIX builds, Wine, a channel that
 * cannot be opened) ww_eventlog_open() says WW_EUNAVAIL.  That is not a
 * failure of the service: status shows sources.eventlog.available false
 * with the reason, the health rules treat the source as not used here,
 * and the open is tried again at the next run (cheap where it cannot
 * work, and it picks the log up once it can).
 */
#include "compat.h"

#include "config.h"
#include "monitor.h"
#include "monitor_tasks.h"
#include "eventlog.h"
#include "store.h"
#include "util.h"

#define WW_EVENTLOG_INTERVAL 15 /* seconds */

struct eventlog_state {
	struct ww_eventlog *el;
	char *db;                         /* the database its store is */
	uint64_t gen;                     /* store generation it writes */
	char unavailable[WW_ERR_MSG_MAX]; /* last reason logged, "" if none */
};

int64_t ww_task_eventlog_interval(const struct ww_config *cfg)
{
	(void)cfg;
	return WW_EVENTLOG_INTERVAL * 1000;
}

int ww_task_eventlog_init(struct ww_monitor *m, void **ret_state,
			  struct ww_err *err)
{
	struct eventlog_state *s = calloc(1, sizeof(*s));

	(void)m;
	if (!s)
		return ww_err_set(err, WW_ENOMEM, "eventlog: out of memory");
	*ret_state = s;
	return 0;
}

static void close_reader(struct eventlog_state *s)
{
	ww_eventlog_close(s->el);
	s->el = NULL;
	free(s->db);
	s->db = NULL;
}

void ww_task_eventlog_release(void *state)
{
	struct eventlog_state *s = state;

	if (!s)
		return;
	close_reader(s);
	free(s);
}

/* Unavailable: say so in status, log it once per reason, succeed. */
static int unavailable(struct ww_monitor *m, struct eventlog_state *s,
		       const struct ww_err *err)
{
	struct ww_monitor_model *md = ww_monitor_model(m);

	md->eventlog.available = 0;
	md->eventlog.absent = ww_eventlog_absent() != NULL;
	md->eventlog.last_record_id = -1;
	ww_strlcpy(md->eventlog.error, err->msg, sizeof(md->eventlog.error));
	if (strcmp(s->unavailable, err->msg) != 0) {
		ww_strlcpy(s->unavailable, err->msg, sizeof(s->unavailable));
		ww_monitor_log(m, WW_LOG_INFO, "%s; continuing without it",
			       err->msg);
	}
	return 0;
}

static int open_reader(struct ww_monitor *m, struct eventlog_state *s,
		       int64_t now, struct ww_err *err)
{
	const struct ww_config *cfg = ww_monitor_config(m);
	struct ww_store *st;
	int r;

	/* The store first: a reader must not outlive the connection it
	 * writes through (see ww_monitor_store_generation()). */
	r = ww_monitor_store(m, &st, err);
	if (s->el && (!s->db || !cfg->database ||
		      strcmp(s->db, cfg->database) != 0 ||
		      s->gen != ww_monitor_store_generation(m)))
		close_reader(s);
	if (r || s->el)
		return r;
	s->gen = ww_monitor_store_generation(m);
	s->db = ww_strdup(cfg->database);
	if (!s->db)
		return ww_err_set(err, WW_ENOMEM, "eventlog: out of memory");
	r = ww_eventlog_open(st, NULL, now, &s->el, err);
	if (r) {
		s->el = NULL;
		close_reader(s);
	}
	return r;
}

static void update_model(struct ww_monitor *m, const struct eventlog_state *s,
			 int rc, const struct ww_err *err)
{
	struct ww_monitor_model *md = ww_monitor_model(m);
	struct ww_eventlog_status es;

	if (!s->el) {
		md->eventlog.available = -1;
		ww_strlcpy(md->eventlog.error, rc ? err->msg : "",
			   sizeof(md->eventlog.error));
		return;
	}
	ww_eventlog_get_status(s->el, &es);
	md->eventlog.available = es.available ? 1 : 0;
	md->eventlog.last_record_id = es.last_record_id
					      ? (int64_t)es.last_record_id : -1;
	ww_strlcpy(md->eventlog.error, rc ? err->msg : es.error,
		   sizeof(md->eventlog.error));
}

int ww_task_eventlog_run(struct ww_monitor *m, void *state, int64_t now,
			 struct ww_err *err)
{
	struct eventlog_state *s = state;
	uint64_t stored = 0;
	int r = open_reader(m, s, now, err);

	if (r == WW_EUNAVAIL)
		return unavailable(m, s, err);
	if (!r) {
		s->unavailable[0] = '\0';
		r = ww_eventlog_poll(s->el, now, &stored, err);
	}
	update_model(m, s, r, err);
	if (stored)
		ww_monitor_kick(m, WW_TASK_HEALTH);
	return r;
}
