/*
 * health_cycle.c - gather, evaluate, alert, export: the monitor's health
 * step (contract in health_cycle.h).
 */
#include "compat.h"

#include "config.h"
#include "health_cycle.h"
#include "store.h"

int ww_health_cycle(struct ww_store *store, const struct ww_config *cfg,
		    int64_t now, const struct ww_health_input *seed,
		    const struct ww_alert_sink *sinks, size_t nsinks,
		    struct ww_health_snapshot *ret, struct ww_err *err)
{
	struct ww_health_source *db = &ret->in.sources[WW_SOURCE_DATABASE];
	struct ww_err merr;
	int r, first;

	memset(ret, 0, sizeof(*ret));
	if (seed)
		ret->in = *seed;
	else
		ww_health_input_init(&ret->in);
	r = ww_health_gather(store, cfg, now, &ret->in, err);
	if (r) {
		/* Judge what is known; the database trouble is a check too. */
		db->known = true;
		db->ok = false;
		ww_strlcpy(db->error, err ? err->msg : ww_strerror(r),
			   sizeof(db->error));
	}
	ww_health_evaluate(&ret->in, now, &ret->rep);
	first = r;
	if (!r) {
		r = ww_alert_process(store, &ret->rep, now, cfg->alerts.repeat,
				     sinks, nsinks, &ret->alerts, err);
		ret->alerts_ran = true;
		first = r;
	}
	if (cfg->metrics.textfile && cfg->metrics.textfile[0]) {
		ww_err_clear(&merr);
		r = ww_metrics_write(cfg->metrics.textfile, ret, &merr);
		if (r && !first) {
			first = r;
			if (err)
				*err = merr;
		}
	}
	return first;
}
