/*
 * history.h - recent sync runs, probe results and alert transitions from
 * the store, as one JSON document.  Used by `wsuswatch history` and meant
 * for the control protocol's {"cmd": "history"} as well, so both answer
 * with the same fields (docs/store.md, "history --json").
 */
#ifndef WW_SERVICE_HISTORY_H
#define WW_SERVICE_HISTORY_H

#include "compat.h"
#include "err.h"

struct cJSON;
struct ww_store;

#define WW_HISTORY_DEFAULT_LIMIT 20
#define WW_HISTORY_MAX_LIMIT 10000

/*
 * {"sync_runs": [...], "probe_results": [...], "alert_transitions": [...]}
 * each newest first and at most limit long.  *ret is owned by the caller
 * (cJSON_Delete()).  Times are ISO 8601 UTC strings, unknown values null.
 */
int ww_history_collect(struct ww_store *s, int limit, struct cJSON **ret,
		       struct ww_err *err);

#endif /* WW_SERVICE_HISTORY_H */
