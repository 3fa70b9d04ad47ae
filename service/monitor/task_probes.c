/*
 * task_probes.c - the "probes" task: every configured endpoint probed on
 * the task's worker thread, every cfg->interval.
 *
 *   prepare (loop)   targets and options from the configuration, copied
 *                    into the job: a reload may free the configuration
 *                    while the worker still probes
 *   work (worker)    ww_endpoint_probe() per target, the stop event as
 *                    abort flag (a hung probe returns within ~100 ms of a
 *                    stop)
 *   finish (loop)    each result that ran into probe_result, and its JSON
 *                    into the status model (latest per target); then the
 *                    health task is kicked so it judges them at once
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "config.h"
#include "monitor.h"
#include "monitor_tasks.h"
#include "os.h"
#include "endpoint.h"
#include "util.h"

struct probe_job {
	struct ww_endpoint_targets targets;
	struct ww_endpoint_opts opts;
	/* Owned copies of everything opts borrows. */
	char *proxy, *ssl_proxy, *user, *cacert, *password;
	char **resolve;
	size_t nresolve;
	struct ww_probe_result *results; /* one per target */
	bool *ran;                       /* results[i] is filled */
	struct ww_err first_err;         /* first probe that could not run */
};

int64_t ww_task_probes_interval(const struct ww_config *cfg)
{
	return cfg->interval > 0 ? cfg->interval * 1000 : 0;
}

/* libcurl's global state: once per monitor, before its threads start. */
int ww_task_probes_init(struct ww_monitor *m, void **ret_state,
		       struct ww_err *err)
{
	static int token;
	int r = ww_endpoint_global_init(err);

	(void)m;
	if (!r)
		*ret_state = &token;
	return r;
}

void ww_task_probes_release(void *state)
{
	(void)state;
	ww_endpoint_global_cleanup();
}

static void job_free(struct probe_job *j)
{
	size_t i;

	if (!j)
		return;
	ww_endpoint_targets_release(&j->targets);
	free(j->proxy);
	free(j->ssl_proxy);
	free(j->user);
	free(j->cacert);
	ww_os_secret_free(j->password);
	for (i = 0; i < j->nresolve; i++)
		free(j->resolve[i]);
	free(j->resolve);
	free(j->results);
	free(j->ran);
	free(j);
}

/* strdup that keeps NULL; false only when an allocation failed. */
static bool dup_opt(const char *s, char **ret)
{
	*ret = s ? ww_strdup(s) : NULL;
	return !s || *ret;
}

static int copy_opts(struct probe_job *j, const struct ww_config *cfg,
		     struct ww_err *err)
{
	struct ww_endpoint_opts o;
	size_t i;
	int r = ww_endpoint_opts_from_config(&o, cfg, err);

	if (r)
		return r;
	j->opts = o;
	if (!dup_opt(o.proxy, &j->proxy) || !dup_opt(o.ssl_proxy, &j->ssl_proxy) ||
	    !dup_opt(o.proxy_user, &j->user) || !dup_opt(o.cacert, &j->cacert))
		return ww_err_set(err, WW_ENOMEM, "probes: out of memory");
	if (o.n_resolve) {
		j->resolve = calloc(o.n_resolve, sizeof(*j->resolve));
		if (!j->resolve)
			return ww_err_set(err, WW_ENOMEM, "probes: out of memory");
		for (i = 0; i < o.n_resolve; i++, j->nresolve++)
			if (!dup_opt(o.resolve[i], &j->resolve[i]))
				return ww_err_set(err, WW_ENOMEM,
						  "probes: out of memory");
	}
	j->opts.proxy = j->proxy;
	j->opts.ssl_proxy = j->ssl_proxy;
	j->opts.proxy_user = j->user;
	j->opts.cacert = j->cacert;
	j->opts.resolve = (const char *const *)j->resolve;
	j->opts.n_resolve = j->nresolve;
	return 0;
}

int ww_task_probes_prepare(struct ww_monitor *m, void *state, int64_t now,
			  void **ret_job, struct ww_err *err)
{
	const struct ww_config *cfg = ww_monitor_config(m);
	struct probe_job *j = calloc(1, sizeof(*j));
	size_t n;
	int r;

	(void)state;
	(void)now;
	if (!j)
		return ww_err_set(err, WW_ENOMEM, "probes: out of memory");
	r = ww_endpoint_targets_from_config(cfg, &j->targets, err);
	if (!r)
		r = copy_opts(j, cfg, err);
	/* The secret is resolved just before probing, freed in finish.
	 * Without proxy.user (j->user NULL) the credential may name one. */
	if (!r)
		r = ww_config_proxy_password(cfg, j->user ? NULL : &j->user,
					     &j->password, err);
	j->opts.proxy_user = j->user;
	n = j->targets.n ? j->targets.n : 1;
	if (!r) {
		j->opts.proxy_password = j->password;
		j->results = calloc(n, sizeof(*j->results));
		j->ran = calloc(n, sizeof(*j->ran));
		if (!j->results || !j->ran)
			r = ww_err_set(err, WW_ENOMEM, "probes: out of memory");
	}
	if (r) {
		job_free(j);
		return r;
	}
	*ret_job = j;
	return 0;
}

/*
 * A probe that ran is an observation, whatever it found.  A target that
 * could not be probed at all (a URL libcurl refuses) does not keep the
 * others from being probed; its error is the task's.
 */
int ww_task_probes_work(void *job, struct ww_event *stop, struct ww_err *err)
{
	struct probe_job *j = job;
	size_t i;

	ww_err_clear(&j->first_err);
	for (i = 0; i < j->targets.n; i++) {
		struct ww_err e;
		int r;

		ww_err_clear(&e);
		r = ww_endpoint_probe(&j->targets.items[i], &j->opts, stop,
				      &j->results[i], &e);
		if (r == WW_EABORT)
			return ww_err_set(err, WW_EABORT, "probes: stopped");
		if (r == 0)
			j->ran[i] = true;
		else if (!j->first_err.code)
			j->first_err = e;
	}
	if (j->first_err.code) {
		*err = j->first_err;
		return j->first_err.code;
	}
	return 0;
}

/* The previous status entry of target name, duplicated, or NULL. */
static cJSON *previous_entry(const cJSON *old, const char *name)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, old) {
		const char *t = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(e, "target"));

		if (t && strcmp(t, name) == 0)
			return cJSON_Duplicate(e, true);
	}
	return NULL;
}

/*
 * The model's probes: this run's result per configured target, or the
 * previous one for a target this run could not probe.  Targets no longer
 * configured drop out.
 */
static void update_model(struct ww_monitor_model *md,
			 const struct probe_job *j)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	if (!arr)
		return;
	for (i = 0; i < j->targets.n; i++) {
		cJSON *e = j->ran[i] ? ww_probe_result_to_json(&j->results[i])
				     : previous_entry(md->probes,
						      j->targets.items[i].name);

		if (e)
			cJSON_AddItemToArray(arr, e);
	}
	cJSON_Delete(md->probes);
	md->probes = arr;
}

static int store_results(struct ww_monitor *m, const struct probe_job *j,
			 struct ww_err *err)
{
	struct ww_store *st;
	size_t i;
	int r = ww_monitor_store(m, &st, err);

	for (i = 0; !r && i < j->targets.n; i++)
		if (j->ran[i])
			r = ww_probe_result_store(st, &j->results[i], err);
	return r;
}

int ww_task_probes_finish(struct ww_monitor *m, void *state, void *job, int rc,
			 struct ww_err *err)
{
	struct probe_job *j = job;
	struct ww_err serr;
	size_t i, ran = 0;
	int r;

	(void)state;
	for (i = 0; i < j->targets.n; i++)
		ran += j->ran[i];
	ww_err_clear(&serr);
	r = ran ? store_results(m, j, &serr) : 0;
	update_model(ww_monitor_model(m), j);
	job_free(j);
	if (ran)
		ww_monitor_kick(m, WW_TASK_HEALTH);
	/* Stopping is not a failure of the endpoints or of the task. */
	if (rc == WW_EABORT)
		rc = 0;
	if (r && !rc) {
		*err = serr;
		return r;
	}
	return rc;
}
