/*
 * endpoint_json.c - a probe result as the contract's JSON object
 * (cli-contract.md, "probe --json"); also used by `status` for the latest
 * result per target.  Unknown values are null, never "" or 0.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "endpoint.h"
#include "util.h"

static bool add_str_or_null(cJSON *o, const char *key, const char *v)
{
	return (v && *v) ? cJSON_AddStringToObject(o, key, v) != NULL :
			   cJSON_AddNullToObject(o, key) != NULL;
}

static bool add_num_or_null(cJSON *o, const char *key, int64_t v,
			    bool known)
{
	return known ? cJSON_AddNumberToObject(o, key, (double)v) != NULL :
		       cJSON_AddNullToObject(o, key) != NULL;
}

static cJSON *timings_json(const struct ww_probe_timings *t)
{
	static const char *const names[] = { "dns", "connect", "tls",
					     "pretransfer", "first_byte",
					     "total" };
	const int64_t v[] = { t->dns, t->connect, t->tls, t->pretransfer,
			      t->first_byte, t->total };
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; o && i < WW_ARRAY_SIZE(names); i++) {
		if (!add_num_or_null(o, names[i], v[i] / 1000, v[i] >= 0)) {
			cJSON_Delete(o);
			return NULL;
		}
	}
	return o;
}

static bool add_policy(cJSON *o, enum ww_endpoint_policy p)
{
	cJSON *pol;

	if (p == WW_POLICY_NONE)
		return cJSON_AddNullToObject(o, "policy") != NULL;
	pol = cJSON_AddObjectToObject(o, "policy");
	return pol &&
	       cJSON_AddStringToObject(pol, "finding",
				       ww_endpoint_policy_name(p)) &&
	       cJSON_AddStringToObject(pol, "hint", ww_endpoint_policy_hint(p));
}

static bool add_contract_fields(cJSON *o, const struct ww_probe_result *r)
{
	char code[16] = "";

	if (r->wu_code)
		snprintf(code, sizeof(code), "0x%08" PRIX32, r->wu_code);
	return cJSON_AddStringToObject(o, "url", r->url) &&
	       cJSON_AddBoolToObject(o, "ok", r->ok) &&
	       add_str_or_null(o, "stage", ww_probe_stage_name(r->stage)) &&
	       cJSON_AddStringToObject(o, "result", ww_probe_res_name(r->result)) &&
	       add_str_or_null(o, "wu_code", code) &&
	       add_num_or_null(o, "http_status", r->http_status,
			       r->http_status > 0) &&
	       add_str_or_null(o, "tls_version", r->tls_version) &&
	       add_str_or_null(o, "tls_cipher", r->tls_cipher) &&
	       ww_json_add_time(o, "cert_not_after", r->cert_not_after) &&
	       add_num_or_null(o, "cert_days_left", r->cert_days_left,
			       r->cert_days_left != WW_PROBE_UNKNOWN) &&
	       add_num_or_null(o, "clock_skew_seconds", r->clock_skew,
			       r->clock_skew != WW_PROBE_UNKNOWN) &&
	       cJSON_AddNumberToObject(o, "elapsed_ms", (double)r->elapsed_ms) &&
	       add_str_or_null(o, "hint", r->hint);
}

cJSON *ww_probe_result_to_json(const struct ww_probe_result *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *t;

	if (!o)
		return NULL;
	if (!add_contract_fields(o, r) ||
	    !cJSON_AddStringToObject(o, "target", r->target) ||
	    !ww_json_add_time(o, "at", r->at) ||
	    !add_str_or_null(o, "detail", r->detail) ||
	    !add_policy(o, r->policy))
		goto fail;
	t = timings_json(&r->timings);
	if (!t)
		goto fail;
	cJSON_AddItemToObject(o, "timings_ms", t);
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}
