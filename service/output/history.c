/*
 * history.c - recent sync runs, probe results and alert transitions from
 * the store as one cJSON document (history.h), shared by `wsuswatch
 * history` and the control protocol's {"cmd": "history"}.  Each list comes
 * from its table's owner (docs/store.md, Owners).
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "alert.h"
#include "endpoint.h"
#include "history.h"
#include "tail.h"
#include "util.h"

/* A section: its member and the owner's reader of its rows. */
struct section {
	const char *key;
	int (*rows)(struct ww_store *s, int limit, struct cJSON *arr,
		    struct ww_err *err);
};

static const struct section sections[] = {
	{ "sync_runs", ww_synclog_store_history_json },
	{ "probe_results", ww_probe_result_history_json },
	{ "alert_transitions", ww_alert_history_json },
};

int ww_history_collect(struct ww_store *s, int limit, struct cJSON **ret,
		       struct ww_err *err)
{
	cJSON *root = cJSON_CreateObject();
	size_t i;
	int r = 0;

	*ret = NULL;
	if (!root)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	for (i = 0; i < WW_ARRAY_SIZE(sections) && !r; i++) {
		cJSON *arr = cJSON_AddArrayToObject(root, sections[i].key);

		r = arr ? sections[i].rows(s, limit, arr, err) :
			  ww_err_set(err, WW_ENOMEM, "out of memory");
	}
	if (r) {
		cJSON_Delete(root);
		return r;
	}
	*ret = root;
	return 0;
}
