/*
 * diag_output.c - the diagnose report as text (group headings, one line
 * per item with its state, the fix and the evidence indented below items
 * that are not ok) and as JSON (docs/diagnose.md, cli-contract.md).
 */
#include "compat.h"

#include "diagnose.h"
#include "evanalyze.h"
#include "util.h"

/* ---- text ---- */

static const char *tag(enum ww_diag_state s)
{
	switch (s) {
	case WW_DIAG_OK: return "[ok]      ";
	case WW_DIAG_WARNING: return "[WARNING] ";
	case WW_DIAG_CRITICAL: return "[CRITICAL]";
	case WW_DIAG_UNKNOWN: return "[unknown] ";
	case WW_DIAG_SKIPPED: break;
	}
	return "[skipped] ";
}

static void upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	buf[i] = '\0';
}

static void print_group(FILE *o, int g, const struct ww_diag_group *grp)
{
	size_t i;

	fprintf(o, "\n%d. %s\n", g + 1, grp->name);
	for (i = 0; i < grp->n; i++) {
		const struct ww_diag_item *it = &grp->items[i];
		bool quiet = it->state == WW_DIAG_OK ||
			     it->state == WW_DIAG_SKIPPED;

		fprintf(o, "  %s %-24s %s\n", tag(it->state), it->name,
			it->summary);
		if (it->hint[0] && !quiet)
			fprintf(o, "      fix: %s\n", it->hint);
		if (it->evidence[0] && !quiet)
			fprintf(o, "      evidence: %s\n", it->evidence);
	}
}

/* "  last successful sync 60h ago: proxy requires authentication ..." */
static void print_headline(FILE *o, const struct ww_health_report *rep)
{
	const struct ww_check_result *h = ww_health_headline(rep);
	const struct ww_check_result *why = ww_health_cause_of(rep, h);

	if (!h)
		return;
	if (why && why != h)
		fprintf(o, "  %s: %s\n", h->reason, why->cause_text);
	else
		fprintf(o, "  %s\n", h->reason);
}

void ww_diag_print(FILE *o, const struct ww_diag_data *d,
		   const struct ww_diag_report *r)
{
	char iso[WW_ISO_TIME_LEN], st[16];
	int g;
	size_t i;

	ww_time_format_iso(d->now, iso);
	fprintf(o, "wsuswatch diagnose at %s (configuration: %s)\n", iso,
		d->from_file && d->cfg->source ? d->cfg->source :
		"built-in defaults");
	for (g = 0; g < WW_DIAG_VERDICT; g++)
		print_group(o, g, &r->groups[g]);
	upper(ww_diag_state_name(r->verdict), st, sizeof(st));
	fprintf(o, "\n%d. %s: %s (exit %d)\n", WW_DIAG_VERDICT + 1,
		r->groups[WW_DIAG_VERDICT].name, st, (int)r->verdict);
	print_headline(o, &r->health);
	for (i = 0; i < r->groups[WW_DIAG_VERDICT].n; i++) {
		const struct ww_diag_item *it =
			&r->groups[WW_DIAG_VERDICT].items[i];

		fprintf(o, "  %s %-24s %s\n", tag(it->state), it->name,
			it->summary);
	}
	if (!r->n_fix) {
		fprintf(o, "  Nothing to fix.\n");
		return;
	}
	fprintf(o, "  First to fix:\n");
	for (i = 0; i < r->n_fix; i++) {
		const struct ww_diag_group *grp = &r->groups[r->fix[i].group];
		const struct ww_diag_item *it = &grp->items[r->fix[i].item];

		fprintf(o, "  %zu. %s / %s (%s): %s\n", i + 1, grp->name,
			it->name, ww_diag_state_name(it->state),
			it->hint[0] ? it->hint : it->summary);
	}
}

/* ---- JSON ---- */

static void add_text(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *json_item(const struct ww_diag_item *it)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", it->name);
	cJSON_AddStringToObject(o, "state", ww_diag_state_name(it->state));
	cJSON_AddStringToObject(o, "summary", it->summary);
	add_text(o, "hint", it->hint);
	add_text(o, "evidence", it->evidence);
	return o;
}

static cJSON *json_groups(const struct ww_diag_report *r)
{
	cJSON *arr = cJSON_CreateArray();
	int g;
	size_t i;

	for (g = 0; arr && g < WW_DIAG_GROUP_COUNT; g++) {
		cJSON *o = cJSON_CreateObject(), *items;

		if (!o || !cJSON_AddItemToArray(arr, o))
			break;
		cJSON_AddStringToObject(o, "name", r->groups[g].name);
		items = cJSON_AddArrayToObject(o, "items");
		for (i = 0; items && i < r->groups[g].n; i++)
			cJSON_AddItemToArray(items,
					     json_item(&r->groups[g].items[i]));
	}
	return arr;
}

static cJSON *json_checks(const struct ww_diag_report *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < r->health.n; i++) {
		const struct ww_check_result *c = &r->health.checks[i];
		cJSON *o;

		if (c->skipped)
			continue;
		o = ww_health_check_json(&r->health, c);
		if (!o || !cJSON_AddItemToArray(arr, o))
			break;
		/* One pass has no history: since when is unknown (docs/cli.md). */
		cJSON_AddNullToObject(o, "since");
	}
	return arr;
}

static cJSON *json_fixes(const struct ww_diag_report *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < r->n_fix; i++) {
		const struct ww_diag_group *grp = &r->groups[r->fix[i].group];
		const struct ww_diag_item *it = &grp->items[r->fix[i].item];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o))
			break;
		cJSON_AddStringToObject(o, "group", grp->name);
		cJSON_AddStringToObject(o, "item", it->name);
		cJSON_AddStringToObject(o, "state", ww_diag_state_name(it->state));
		cJSON_AddStringToObject(o, "hint", it->hint[0] ? it->hint :
					it->summary);
	}
	return arr;
}

static cJSON *json_runs(const struct ww_sync_run_list *l)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < l->n; i++) {
		const struct ww_sync_run *run = &l->runs[i];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o))
			break;
		cJSON_AddStringToObject(o, "kind", ww_sync_kind_name(run->kind));
		ww_json_add_time(o, "started_at", run->started_at);
		ww_json_add_time(o, "finished_at", run->finished_at);
		cJSON_AddStringToObject(o, "result",
					ww_sync_result_name(run->result));
		add_text(o, "error", run->error);
	}
	return arr;
}

static cJSON *json_findings(const struct ww_diag_log *l)
{
	cJSON *arr = cJSON_CreateArray();
	int c;

	for (c = 0; arr && c < WW_CAT_COUNT; c++) {
		const struct ww_finding_summary *f = &l->findings[c];
		cJSON *o;

		/* Facts (a WSUS start, its SCHANNEL lines) are no findings. */
		if (!f->count || ww_synclog_category_is_fact(
					 (enum ww_synclog_category)c))
			continue;
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			break;
		cJSON_AddStringToObject(o, "category", ww_synclog_category_name(
						(enum ww_synclog_category)c));
		cJSON_AddNumberToObject(o, "count", (double)f->count);
		ww_json_add_time(o, "first_seen", f->first_seen);
		ww_json_add_time(o, "last_seen", f->last_seen);
		cJSON_AddStringToObject(o, "example", f->example);
		cJSON_AddStringToObject(o, "hint", ww_synclog_category_hint(
						(enum ww_synclog_category)c));
	}
	return arr;
}

static cJSON *json_probes(const struct ww_diag_data *d)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < d->n_probes; i++)
		cJSON_AddItemToArray(arr, ww_probe_result_to_json(&d->probes[i]));
	return arr;
}

cJSON *ww_diag_json(const struct ww_diag_data *d,
		    const struct ww_diag_report *r)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	cJSON_AddStringToObject(root, "version", WW_VERSION);
	ww_json_add_time(root, "generated_at", d->now);
	add_text(root, "config", d->from_file ? d->cfg->source : NULL);
	cJSON_AddStringToObject(root, "health", ww_diag_state_name(r->verdict));
	cJSON_AddNumberToObject(root, "exit_code", (double)r->verdict);
	cJSON_AddItemToObject(root, "checks", json_checks(r));
	cJSON_AddItemToObject(root, "cause", ww_health_cause_json(&r->health,
				ww_health_headline(&r->health)));
	cJSON_AddItemToObject(root, "fix_first", json_fixes(r));
	cJSON_AddItemToObject(root, "groups", json_groups(r));
	cJSON_AddItemToObject(root, "probes", json_probes(d));
	cJSON_AddItemToObject(root, "sync_runs", json_runs(&d->log.runs));
	ww_json_add_time(root, "last_sync_attempt", r->in.have_attempt ?
		 r->in.last_attempt : WW_TIME_UNKNOWN);
	ww_json_add_time(root, "last_successful_sync", r->in.have_success ?
		 r->in.last_success : WW_TIME_UNKNOWN);
	cJSON_AddItemToObject(root, "findings", json_findings(&d->log));
	/* As `analyze --json`: the newest 10020/10021/10022, or null. */
	ww_catalog_sync_json(root, d->events.have_catalog ?
			     (uint32_t)d->events.catalog_id : 0,
			     d->events.catalog_at, d->events.catalog_record);
	return root;
}
