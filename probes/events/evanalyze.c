/*
 * evanalyze.c - WSUS events of an export, the runs and catalog state they
 * imply.  Listed events live in a ring (the newest are kept); sync events
 * are kept compactly and paired after sorting by time, so the order of
 * the export (wevtutil: oldest first; /rd:true: newest first) does not
 * matter.
 */
#include "compat.h"

#include "evanalyze.h"
#include "util.h"

struct listed {
	uint32_t event_id, qualifiers;
	bool has_qualifiers;
	int level;
	int64_t time;
	uint64_t record_id;
	enum ww_meaning meaning;
	char computer[64];
	char message[WW_EVANALYZE_MSG_MAX];
};

struct syncev {
	int64_t time;
	uint64_t record_id;
	enum ww_meaning meaning;
	enum ww_ev_sync_kind kind;
	char *error; /* heap copy for 386 only */
};

struct ww_evanalysis {
	struct ww_evimport_stats st;   /* summed over files */
	struct listed *ring;           /* WW_EVANALYZE_EVENTS_MAX */
	size_t ring_n, ring_head;      /* head: oldest slot when full */
	struct syncev *sync;
	size_t nsync, sync_dropped;
	struct ww_evrun *runs;
	size_t nruns;
	int64_t newest;                /* newest WSUS event time */
	enum ww_meaning catalog;
	int64_t catalog_time;
	uint64_t catalog_record;
	uint32_t catalog_id;
};

int ww_evanalysis_new(struct ww_evanalysis **ret, struct ww_err *err)
{
	struct ww_evanalysis *a = calloc(1, sizeof(*a));

	*ret = NULL;
	if (a) {
		a->ring = calloc(WW_EVANALYZE_EVENTS_MAX, sizeof(*a->ring));
		a->sync = calloc(1024, sizeof(*a->sync));
	}
	if (!a || !a->ring || !a->sync) {
		ww_evanalysis_free(a);
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	a->newest = a->catalog_time = WW_EV_TIME_NONE;
	*ret = a;
	return 0;
}

void ww_evanalysis_free(struct ww_evanalysis *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; a->sync && i < a->nsync; i++)
		free(a->sync[i].error);
	free(a->sync);
	free(a->ring);
	free(a->runs);
	free(a);
}

static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = ww_strlcpy(dst, src, size);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
			n--;
		dst[n] = '\0';
	}
}

static void list_event(struct ww_evanalysis *a, const struct ww_wsus_event *ev,
		       enum ww_meaning m)
{
	struct listed *l;

	if (a->ring_n < WW_EVANALYZE_EVENTS_MAX) {
		l = &a->ring[a->ring_n++];
	} else {
		l = &a->ring[a->ring_head];
		a->ring_head = (a->ring_head + 1) % WW_EVANALYZE_EVENTS_MAX;
	}
	l->event_id = ev->event_id;
	l->qualifiers = ev->qualifiers;
	l->has_qualifiers = ev->has_qualifiers;
	l->level = ev->level;
	l->time = ev->time;
	l->record_id = ev->record_id;
	l->meaning = m;
	copy_cut(l->computer, sizeof(l->computer), ev->computer);
	copy_cut(l->message, sizeof(l->message), ev->message);
}

static int keep_sync(struct ww_evanalysis *a, const struct ww_wsus_event *ev,
		     const struct ww_meaning_row *row, struct ww_err *err)
{
	struct syncev *s;

	if (a->nsync == WW_EVANALYZE_SYNC_MAX) {
		a->sync_dropped++;
		return 0;
	}
	if (a->nsync >= 1024 && (a->nsync & (a->nsync - 1)) == 0) {
		s = realloc(a->sync, 2 * a->nsync * sizeof(*s));
		if (!s)
			return ww_err_set(err, WW_ENOMEM, "out of memory");
		a->sync = s;
	}
	s = &a->sync[a->nsync];
	s->time = ev->time;
	s->record_id = ev->record_id;
	s->meaning = row->meaning;
	s->kind = row->kind;
	s->error = NULL;
	if (row->meaning == WW_MEANING_SYNC_FAILED) {
		s->error = ww_strndup(ev->message[0] ? ev->message :
				      "synchronization failed",
				      WW_EVANALYZE_MSG_MAX - 1);
		if (!s->error)
			return ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	a->nsync++;
	return 0;
}

static void note_catalog(struct ww_evanalysis *a, const struct ww_wsus_event *ev,
			 enum ww_meaning m)
{
	if (a->catalog_time != WW_EV_TIME_NONE &&
	    (ev->time < a->catalog_time ||
	     (ev->time == a->catalog_time && ev->record_id < a->catalog_record)))
		return;
	a->catalog = m;
	a->catalog_time = ev->time;
	a->catalog_record = ev->record_id;
	a->catalog_id = ev->event_id;
}

static int on_event(void *ctx, const struct ww_wsus_event *ev,
		    struct ww_err *err)
{
	struct ww_evanalysis *a = ctx;
	const struct ww_meaning_row *row;
	enum ww_meaning m;

	if (!ww_wsus_event_is_wsus(ev))
		return 0;
	m = ww_wsus_event_meaning(ev);
	row = ww_wsus_meaning(ev->event_id);
	list_event(a, ev, m);
	if (a->newest == WW_EV_TIME_NONE || ev->time > a->newest)
		a->newest = ev->time;
	if (m == WW_MEANING_CATALOG_SYNC_FAILED || m == WW_MEANING_CATALOG_STALE ||
	    m == WW_MEANING_CATALOG_HEALTHY)
		note_catalog(a, ev, m);
	if (m == WW_MEANING_SYNC_STARTED || m == WW_MEANING_SYNC_SUCCEEDED ||
	    m == WW_MEANING_SYNC_FAILED)
		return keep_sync(a, ev, row, err);
	return 0;
}

int ww_evanalysis_add_file(struct ww_evanalysis *a, const char *path,
			   struct ww_err *err)
{
	struct ww_evimport_stats st;
	int r = ww_evimport_file(path, on_event, a, &st, err);

	a->st.events += st.events;
	a->st.wsus_events += st.wsus_events;
	a->st.malformed += st.malformed;
	a->st.bytes += st.bytes;
	a->st.truncated |= st.truncated;
	if (st.note[0] && !a->st.note[0])
		ww_strlcpy(a->st.note, st.note, sizeof(a->st.note));
	if (st.parser_peak_bytes > a->st.parser_peak_bytes)
		a->st.parser_peak_bytes = st.parser_peak_bytes;
	return r;
}

static int cmp_sync(const void *x, const void *y)
{
	const struct syncev *p = x, *q = y;

	if (p->time != q->time)
		return p->time < q->time ? -1 : 1;
	return p->record_id < q->record_id ? -1 : p->record_id > q->record_id;
}

static struct ww_evrun *new_run(struct ww_evanalysis *a)
{
	struct ww_evrun *r = &a->runs[a->nruns++];

	memset(r, 0, sizeof(*r));
	r->started_at = r->finished_at = WW_EV_TIME_NONE;
	return r;
}

/* Sweep the sorted sync events: a start opens a run, a finish closes the
 * open one (or stands alone when its start is not in the export). */
int ww_evanalysis_finish(struct ww_evanalysis *a, struct ww_err *err)
{
	struct ww_evrun *open = NULL, *r;
	size_t i;

	free(a->runs);
	a->nruns = 0;
	a->runs = calloc(a->nsync ? a->nsync : 1, sizeof(*a->runs));
	if (!a->runs)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	qsort(a->sync, a->nsync, sizeof(*a->sync), cmp_sync);
	for (i = 0; i < a->nsync; i++) {
		const struct syncev *s = &a->sync[i];

		if (s->meaning == WW_MEANING_SYNC_STARTED) {
			if (open)
				open->result = WW_EVRUN_UNKNOWN;
			open = new_run(a);
			open->kind = s->kind;
			open->result = WW_EVRUN_RUNNING;
			open->started_at = s->time;
			open->start_record = s->record_id;
			continue;
		}
		r = open ? open : new_run(a);
		open = NULL;
		r->finished_at = s->time;
		r->finish_record = s->record_id;
		r->result = s->meaning == WW_MEANING_SYNC_SUCCEEDED ?
			    WW_EVRUN_SUCCEEDED : WW_EVRUN_FAILED;
		if (s->error)
			copy_cut(r->error, sizeof(r->error), s->error);
	}
	if (open && a->newest - open->started_at > WW_EVANALYZE_RUN_STALE)
		open->result = WW_EVRUN_UNKNOWN;
	return 0;
}

const struct ww_evimport_stats *ww_evanalysis_stats(const struct ww_evanalysis *a)
{
	return &a->st;
}

size_t ww_evanalysis_runs(const struct ww_evanalysis *a,
			  const struct ww_evrun **ret)
{
	*ret = a->runs;
	return a->nruns;
}

enum ww_meaning ww_evanalysis_catalog(const struct ww_evanalysis *a,
				      int64_t *ret_time)
{
	if (ret_time)
		*ret_time = a->catalog_time;
	return a->catalog_time == WW_EV_TIME_NONE ? WW_MEANING_OTHER : a->catalog;
}

const char *ww_evrun_result_name(enum ww_evrun_result r)
{
	switch (r) {
	case WW_EVRUN_RUNNING: return "running";
	case WW_EVRUN_SUCCEEDED: return "succeeded";
	case WW_EVRUN_FAILED: return "failed";
	case WW_EVRUN_UNKNOWN: break;
	}
	return "unknown";
}

const char *ww_ev_sync_kind_name(enum ww_ev_sync_kind k)
{
	return k == WW_EV_SYNC_SCHEDULED ? "scheduled" :
	       k == WW_EV_SYNC_MANUAL ? "manual" : "unknown";
}

static cJSON *event_json(const struct listed *l)
{
	const struct ww_meaning_row *row = ww_wsus_meaning(l->event_id);
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "event_id", l->event_id);
	if (l->has_qualifiers)
		cJSON_AddNumberToObject(o, "qualifiers", l->qualifiers);
	else
		cJSON_AddNullToObject(o, "qualifiers");
	cJSON_AddStringToObject(o, "level", ww_ev_level_name(l->level));
	cJSON_AddItemToObject(o, "time", ww_json_time(l->time));
	cJSON_AddNumberToObject(o, "record_id", (double)l->record_id);
	cJSON_AddStringToObject(o, "meaning", ww_meaning_name(l->meaning));
	cJSON_AddStringToObject(o, "confidence", ww_confidence_name(
		row ? row->confidence : WW_CONF_UNCONFIRMED));
	/* An event without text or computer name: unknown is null (docs/cli.md). */
	cJSON_AddItemToObject(o, "computer", l->computer[0]
		? cJSON_CreateString(l->computer) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "message", l->message[0]
		? cJSON_CreateString(l->message) : cJSON_CreateNull());
	return o;
}

cJSON *ww_evanalysis_events_json(const struct ww_evanalysis *a)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; arr && i < a->ring_n; i++) {
		o = event_json(&a->ring[(a->ring_head + i) % WW_EVANALYZE_EVENTS_MAX]);
		if (!o)
			break;
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

void ww_evanalysis_add_summary_json(const struct ww_evanalysis *a,
				    const char *path, cJSON *root)
{
	cJSON *in = cJSON_AddObjectToObject(root, "events_input");

	if (in) {
		cJSON_AddStringToObject(in, "path", path);
		cJSON_AddNumberToObject(in, "events", (double)a->st.events);
		cJSON_AddNumberToObject(in, "wsus_events", (double)a->st.wsus_events);
		cJSON_AddNumberToObject(in, "listed", (double)a->ring_n);
		cJSON_AddNumberToObject(in, "malformed", (double)a->st.malformed);
		cJSON_AddBoolToObject(in, "truncated", a->st.truncated);
		if (a->st.note[0])
			cJSON_AddStringToObject(in, "note", a->st.note);
		else
			cJSON_AddNullToObject(in, "note");
	}
	ww_catalog_sync_json(root, a->catalog_time != WW_EV_TIME_NONE ?
			     a->catalog_id : 0, a->catalog_time,
			     a->catalog_record);
}

void ww_catalog_sync_json(cJSON *root, uint32_t event_id, int64_t time,
			  uint64_t record_id)
{
	const struct ww_meaning_row *row = ww_wsus_meaning(event_id);
	const char *state = row ? ww_catalog_state_name(row->meaning) : NULL;
	cJSON *c;

	if (!state) {
		cJSON_AddNullToObject(root, "catalog_sync");
		return;
	}
	c = cJSON_AddObjectToObject(root, "catalog_sync");
	if (!c)
		return;
	cJSON_AddStringToObject(c, "state", state);
	cJSON_AddNumberToObject(c, "event_id", event_id);
	cJSON_AddItemToObject(c, "time", ww_json_time(time));
	cJSON_AddNumberToObject(c, "record_id", (double)record_id);
}

void ww_evanalysis_print(const struct ww_evanalysis *a, FILE *out)
{
	char t[WW_ISO_TIME_LEN];
	size_t i, from;

	fprintf(out, "\nEvents: %" PRIu64 " read, %" PRIu64 " from WSUS, %"
		PRIu64 " malformed%s\n", a->st.events, a->st.wsus_events,
		a->st.malformed, a->st.truncated ? ", file truncated" : "");
	if (a->st.note[0])
		fprintf(out, "  note: %s\n", a->st.note);
	if (a->catalog_time != WW_EV_TIME_NONE) {
		ww_time_format_iso(a->catalog_time, t);
		fprintf(out, "Catalog sync (WSUS's own verdict): %s (event %"
			PRIu32 " at %s)\n", ww_catalog_state_name(a->catalog),
			a->catalog_id, t);
	} else {
		fprintf(out, "Catalog sync (WSUS's own verdict): no 10020/10021/"
			"10022 event in the export\n");
	}
	from = a->ring_n > 20 ? a->ring_n - 20 : 0;
	fprintf(out, "WSUS events (%zu, last %zu shown):\n", a->ring_n,
		a->ring_n - from);
	for (i = from; i < a->ring_n; i++) {
		const struct listed *l =
			&a->ring[(a->ring_head + i) % WW_EVANALYZE_EVENTS_MAX];

		ww_time_format_iso(l->time, t);
		fprintf(out, "  %s  %5" PRIu32 "  %-11s  %s\n", t, l->event_id,
			ww_ev_level_name(l->level), ww_meaning_name(l->meaning));
	}
}
