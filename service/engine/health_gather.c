/*
 * health_gather.c - fill struct ww_health_input from the store, through
 * each table's owner (docs/store.md, Owners: no SQL here), and from the
 * configuration and the host.  The owners only SELECT: `check` reads on a
 * read-only connection.
 */
#include "compat.h"

#include "config.h"
#include "endpoint.h"
#include "evstore.h"
#include "health.h"
#include "os.h"
#include "runs_store.h"
#include "tail.h"
#include "util.h"
#include "winhttp_proxy.h"
#include "wsus_event.h"

/* The latest time not taken for a clock error: now + tolerance. */
static int64_t tolerance(const struct ww_health_input *in)
{
	return in->th.clock_skew > 0 ? in->th.clock_skew : 0;
}

/* The sync runs of every source (their rules: runs_summary.c). */
static int gather_sync(struct ww_store *s, struct ww_health_input *in,
		       int64_t now, struct ww_err *err)
{
	struct ww_runs_summary r;
	int rc = ww_runs_store_summary(s, now, tolerance(in), &r, err);

	if (rc)
		return rc;
	ww_health_input_set_runs(in, &r);
	return 0;
}

/* An event dated ahead of the clock is never the latest. */
static int gather_wsus_event(struct ww_store *s, struct ww_health_input *in,
			     int64_t now, struct ww_err *err)
{
	struct ww_evstore_catalog c;
	int r = ww_evstore_latest_catalog(s, now + tolerance(in), &c, err);

	if (r || !c.found)
		return r;
	in->have_wsus_event = true;
	in->wsus_event_id = (int)c.event_id;
	in->wsus_event_at = c.at;
	in->events.catalog_record = c.record_id;
	return 0;
}

static int add_target(const char *name, void *arg)
{
	struct ww_health_input *in = arg;
	struct ww_probe_summary *t = &in->targets[in->ntargets++];

	memset(t, 0, sizeof(*t));
	ww_strlcpy(t->name, name, sizeof(t->name));
	return 0;
}

static int gather_targets(struct ww_store *s, struct ww_health_input *in,
			  struct ww_err *err)
{
	size_t i;
	int r;

	in->ntargets = 0;
	r = ww_probe_result_targets(s, WW_HEALTH_MAX_TARGETS, add_target, in,
				    err);
	for (i = 0; !r && i < in->ntargets; i++)
		r = ww_probe_result_summary(s, in->targets[i].name,
					    &in->targets[i], err);
	return r;
}

static int gather_events(struct ww_store *s, struct ww_health_input *in,
			 struct ww_err *err)
{
	struct ww_health_events *e = &in->events;
	int r;

	if (e->avail != WW_FACT_AVAILABLE)
		return 0;
	r = ww_evstore_seen_meaning(s, "content_download_failed", &e->content,
				    err);
	if (!r)
		r = ww_evstore_seen_meaning(s, "self_check_failed",
					    &e->self_check, err);
	if (!r && e->self_check.count)
		snprintf(e->components, sizeof(e->components), "%s (%" PRIu32
			 ")", ww_wsus_component(e->self_check.last_id) ?
			 ww_wsus_component(e->self_check.last_id) :
			 "unknown component",
			 e->self_check.last_id);
	return r;
}

/*
 * A face that does not watch the sources itself (`check`) judges what
 * the service stored: the log and the event log count as read when the
 * store holds records of them.
 */
static int gather_avail(struct ww_store *s, struct ww_health_input *in,
			struct ww_err *err)
{
	bool seen = false;
	int r = 0;

	if (in->log.avail == WW_FACT_NOT_RUN) {
		r = ww_runs_store_log_seen(s, &seen, err);
		if (!r && seen)
			in->log.avail = WW_FACT_AVAILABLE;
	}
	if (!r && in->events.avail == WW_FACT_NOT_RUN) {
		r = ww_evstore_any(s, &seen, err);
		if (!r && seen) {
			in->events.avail = WW_FACT_AVAILABLE;
			snprintf(in->events.where, sizeof(in->events.where),
				 "in the events the service stored");
		}
	}
	return r;
}

static void gather_config(const struct ww_config *cfg,
			  struct ww_health_input *in)
{
	ww_health_thresholds_from_config(&in->th, cfg);
	in->cfg = cfg;
	in->from_upstream = cfg->wsus.upstream.host != NULL &&
			    cfg->wsus.upstream.host[0] != '\0';
	ww_strlcpy(in->upstream, in->from_upstream ? cfg->wsus.upstream.host
						   : "",
		   sizeof(in->upstream));
	ww_strlcpy(in->muurl, cfg->wsus.muurl ? cfg->wsus.muurl : "",
		   sizeof(in->muurl));
	/* Written in a file or read from WSUS: not a guess. */
	in->source_known = cfg->source != NULL ||
		ww_config_origin_of(cfg, "wsus.upstream.host") !=
			WW_ORIGIN_DEFAULT ||
		ww_config_origin_of(cfg, "wsus.muurl") != WW_ORIGIN_DEFAULT;
	in->secret.configured = cfg->proxy.password_env ||
				cfg->proxy.password_credential;
	in->disconnected = cfg->wsus.disconnected;
	in->wsus = cfg->discovery.wsus;
}

/*
 * The last import of a disconnected server: the modification time of the
 * log 'wsusutil import' writes (docs/health.md says why and what is not
 * confirmed).  Opened as the tailer opens the WSUS log: never blocks on a
 * FIFO, refuses what is not a regular file.
 */
static void seed_import(const struct ww_config *cfg,
			struct ww_health_input *in)
{
	struct ww_tail_file *f = NULL;
	struct ww_err e;

	in->have_import = false;
	in->import_error[0] = '\0';
	if (!cfg->wsus.disconnected)
		return;
	if (!cfg->wsus.import_log) {
		ww_strlcpy(in->import_error, "wsus.import_log is not set",
			   sizeof(in->import_error));
		return;
	}
	ww_err_clear(&e);
	if (!ww_tail_file_open(cfg->wsus.import_log, &f, &e) &&
	    !ww_tail_file_mtime(f, &in->last_import, &e))
		in->have_import = true;
	else
		ww_strlcpy(in->import_error, e.msg, sizeof(in->import_error));
	ww_tail_file_close(f);
}

/* Whether the proxy password can be resolved; the secret is dropped at
 * once and only its user name (from a credential) is kept. */
static void seed_secret(const struct ww_config *cfg,
			struct ww_health_input *in)
{
	struct ww_err e;
	char *pw = NULL, *user = NULL;

	if (!in->secret.configured)
		return;
	ww_err_clear(&e);
	in->secret.checked = true;
	in->secret.ok = ww_config_proxy_password(cfg, &user, &pw, &e) == 0;
	if (!in->secret.ok)
		ww_strlcpy(in->secret.error, e.msg, sizeof(in->secret.error));
	if (user)
		ww_strlcpy(in->secret.user, user, sizeof(in->secret.user));
	ww_os_secret_free(pw);
	free(user);
}

static enum ww_fact_avail avail_of(int r)
{
	return r == 0 ? WW_FACT_AVAILABLE : r == WW_EUNAVAIL ?
	       WW_FACT_NOT_HERE : WW_FACT_UNAVAILABLE;
}

enum ww_fact_avail ww_health_read_host(struct ww_hostcfg_values *host,
				       char *error, size_t size)
{
	struct ww_err e;
	int r;

	ww_err_clear(&e);
	r = ww_hostcfg_read(host, &e);
	ww_strlcpy(error, r ? e.msg : "", size);
	return avail_of(r);
}

enum ww_fact_avail ww_health_read_local(enum ww_fact_avail host_avail,
					const struct ww_hostcfg_values *host,
					bool network_paths,
					struct ww_hostsvc_values *local,
					char *error, size_t size)
{
	struct ww_hostsvc_opts o;
	struct ww_err e;
	int r;

	ww_err_clear(&e);
	o.content_dir = host_avail == WW_FACT_AVAILABLE &&
			host->have_content_dir ? host->content_dir : NULL;
	o.network_paths = network_paths;
	r = ww_hostsvc_read(&o, local, &e);
	ww_strlcpy(error, r ? e.msg : "", size);
	return avail_of(r);
}

static void seed_host(struct ww_health_input *in)
{
	in->host_avail = ww_health_read_host(&in->host, in->host_error,
					     sizeof(in->host_error));
}

/* Local services; ContentDir from the host registry when it was read. */
static void seed_local(struct ww_health_input *in)
{
	in->local_avail = ww_health_read_local(in->host_avail, &in->host,
					       false, &in->local,
					       in->local_error,
					       sizeof(in->local_error));
}

/* ConfigMgr's WsyncMgr.log, its bounded tail (wsyncmgr.h). */
static void seed_wsyncmgr(const struct ww_config *cfg,
			  struct ww_health_input *in)
{
	struct ww_err e;
	int r;

	in->wsyncmgr_avail = WW_FACT_NOT_RUN;
	in->wsyncmgr_error[0] = '\0';
	if (!cfg->wsus.wsyncmgr_log)
		return;
	ww_strlcpy(in->wsyncmgr_path, cfg->wsus.wsyncmgr_log,
		   sizeof(in->wsyncmgr_path));
	ww_err_clear(&e);
	r = ww_wsyncmgr_read(cfg->wsus.wsyncmgr_log, &in->wsyncmgr, &e);
	in->wsyncmgr_avail = !r ? WW_FACT_AVAILABLE : r == WW_ENOENT ?
			     WW_FACT_NOT_HERE : WW_FACT_UNAVAILABLE;
	if (r)
		ww_strlcpy(in->wsyncmgr_error, e.msg, sizeof(in->wsyncmgr_error));
}

void ww_health_seed(struct ww_health_input *in, const struct ww_config *cfg,
		    unsigned what)
{
	gather_config(cfg, in);
	if (what & WW_SEED_FILES) {
		seed_wsyncmgr(cfg, in);
		/* Context for the proxy check, never authority. */
		if (ww_winhttp_default_proxy(in->winhttp_proxy,
					     sizeof(in->winhttp_proxy), NULL))
			in->winhttp_proxy[0] = '\0';
	}
	seed_import(cfg, in);
	if (what & WW_SEED_SECRET)
		seed_secret(cfg, in);
	if (what & WW_SEED_HOST)
		seed_host(in);
	if (what & WW_SEED_LOCAL)
		seed_local(in);
}

void ww_health_copy_host_facts(struct ww_health_input *dst,
			       const struct ww_health_input *src)
{
	dst->host_avail = src->host_avail;
	memcpy(dst->host_error, src->host_error, sizeof(dst->host_error));
	dst->host = src->host;
	dst->local_avail = src->local_avail;
	memcpy(dst->local_error, src->local_error, sizeof(dst->local_error));
	dst->local = src->local;
	memcpy(dst->winhttp_proxy, src->winhttp_proxy,
	       sizeof(dst->winhttp_proxy));
	dst->wsyncmgr_avail = src->wsyncmgr_avail;
	memcpy(dst->wsyncmgr_path, src->wsyncmgr_path,
	       sizeof(dst->wsyncmgr_path));
	memcpy(dst->wsyncmgr_error, src->wsyncmgr_error,
	       sizeof(dst->wsyncmgr_error));
	dst->wsyncmgr = src->wsyncmgr;
}

int ww_health_gather(struct ww_store *s, const struct ww_config *cfg,
		     int64_t now, struct ww_health_input *in,
		     struct ww_err *err)
{
	int r;

	gather_config(cfg, in);
	r = gather_sync(s, in, now, err);
	if (!r)
		r = gather_wsus_event(s, in, now, err);
	if (!r)
		r = gather_targets(s, in, err);
	if (!r)
		r = gather_avail(s, in, err);
	if (!r && in->log.avail == WW_FACT_AVAILABLE)
		r = ww_runs_store_findings(s, in->log.findings, err);
	if (!r)
		r = gather_events(s, in, err);
	return r;
}
