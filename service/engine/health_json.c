/*
 * health_json.c - a check and its cause as JSON, one shape for every
 * face that prints checks (`status --json`, `diagnose --json`):
 * docs/cli.md, "checks[]".
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "health.h"

static void add_text(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *ww_health_cause_json(const struct ww_health_report *rep,
			    const struct ww_check_result *c)
{
	const struct ww_check_result *why = ww_health_cause_of(rep, c);
	cJSON *o;

	if (!why)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "check", why->key);
	cJSON_AddStringToObject(o, "state", ww_state_name(why->state));
	cJSON_AddStringToObject(o, "summary", why->cause_text);
	add_text(o, "evidence", why->evidence[0] ? why->evidence : why->reason);
	add_text(o, "fix", why->fix);
	add_text(o, "stage", why->stage);
	add_text(o, "code", why->code);
	return o;
}

cJSON *ww_health_check_json(const struct ww_health_report *rep,
			    const struct ww_check_result *c)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", c->key);
	cJSON_AddStringToObject(o, "state", ww_state_name(c->state));
	cJSON_AddStringToObject(o, "summary", c->reason);
	cJSON_AddStringToObject(o, "check", c->check);
	add_text(o, "value", c->have_value ? c->value : NULL);
	add_text(o, "threshold", c->threshold);
	cJSON_AddStringToObject(o, "kind", ww_check_kind_name(c->kind));
	add_text(o, "guide", c->guide);
	add_text(o, "evidence", c->evidence);
	add_text(o, "fix", c->fix);
	cJSON_AddItemToObject(o, "cause", ww_health_cause_json(rep, c));
	return o;
}

cJSON *ww_health_checks_json(const struct ww_health_report *rep)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr && i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (c->skipped)
			continue;
		cJSON_AddItemToArray(arr, ww_health_check_json(rep, c));
	}
	return arr;
}

const struct ww_check_result *
ww_health_headline(const struct ww_health_report *rep)
{
	return rep->headline >= 0 && (size_t)rep->headline < rep->n ?
		       &rep->checks[rep->headline] : NULL;
}
