/*
 * metrics.c - the Prometheus textfile for windows_exporter's textfile
 * collector (or node_exporter's).  Text exposition format 0.0.4: one
 * HELP and TYPE line per family, label values escaped, every family
 * written even when it has no samples, so `promtool check metrics`
 * accepts it.  Timestamps are gauges in seconds since the epoch: alert
 * on `time() - wsuswatch_last_successful_sync_timestamp_seconds`, which
 * stays right between our cycles, rather than on the age gauge.
 */
#include "compat.h"

#include "health_cycle.h"
#include "os.h"
#include "util.h"

#define WW_METRICS_MAX ((size_t)1 << 20)

/* Label value: backslash, double quote and newline escaped. */
static int append_label(struct ww_buf *b, const char *v)
{
	int r = 0;

	for (; *v && !r; v++) {
		if (*v == '\\')
			r = ww_buf_appends(b, "\\\\");
		else if (*v == '"')
			r = ww_buf_appends(b, "\\\"");
		else if (*v == '\n')
			r = ww_buf_appends(b, "\\n");
		else
			r = ww_buf_append(b, v, 1);
	}
	return r;
}

static int family(struct ww_buf *b, const char *name, const char *help)
{
	return ww_buf_appendf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help,
			      name);
}

/* name{k1="v1",k2="v2"} value; pairs ends with NULL. */
static int sample(struct ww_buf *b, const char *name, const char *const *pairs,
		  double value)
{
	int r = ww_buf_appends(b, name);
	size_t i;

	for (i = 0; !r && pairs && pairs[i]; i += 2) {
		r = ww_buf_appendf(b, "%s%s=\"", i ? "," : "{", pairs[i]);
		if (!r)
			r = append_label(b, pairs[i + 1]);
		if (!r)
			r = ww_buf_appends(b, "\"");
	}
	if (!r && pairs && pairs[0])
		r = ww_buf_appends(b, "}");
	if (!r)
		r = ww_buf_appendf(b, " %.15g\n", value);
	return r;
}

static int sync_metrics(struct ww_buf *b, const struct ww_health_snapshot *s)
{
	const struct ww_health_input *in = &s->in;
	int r;

	r = family(b, "wsuswatch_health_status", "Overall health: 0 ok, "
		   "1 warning, 2 critical, 3 unknown (Nagios codes).");
	r = r ? r : sample(b, "wsuswatch_health_status", NULL,
			   (double)s->rep.overall);
	r = r ? r : family(b, "wsuswatch_last_evaluation_timestamp_seconds",
			   "When wsuswatch last evaluated health.");
	r = r ? r : sample(b, "wsuswatch_last_evaluation_timestamp_seconds",
			   NULL, (double)s->rep.at);
	r = r ? r : family(b, "wsuswatch_last_successful_sync_timestamp_seconds",
			   "End of the last successful WSUS synchronization "
			   "seen by any source; absent when none is known.");
	if (!r && in->have_success)
		r = sample(b, "wsuswatch_last_successful_sync_timestamp_seconds",
			   NULL, (double)in->last_success);
	r = r ? r : family(b, "wsuswatch_last_sync_attempt_timestamp_seconds",
			   "Start of the latest WSUS synchronization attempt.");
	if (!r && in->have_attempt)
		r = sample(b, "wsuswatch_last_sync_attempt_timestamp_seconds",
			   NULL, (double)in->last_attempt);
	r = r ? r : family(b, "wsuswatch_sync_age_seconds",
			   "Age of the last successful sync at evaluation time.");
	/* Within the clock tolerance a success may be dated a little ahead:
	 * its age is 0 then, never negative. */
	if (!r && in->have_success)
		r = sample(b, "wsuswatch_sync_age_seconds", NULL,
			   (double)(s->rep.at > in->last_success ?
					    s->rep.at - in->last_success : 0));
	r = r ? r : family(b, "wsuswatch_sync_consecutive_failures",
			   "Failed sync attempts since the last success.");
	if (!r && in->sync_runs > 0)
		r = sample(b, "wsuswatch_sync_consecutive_failures", NULL,
			   (double)in->consecutive_failures);
	return r;
}

static int check_metrics(struct ww_buf *b, const struct ww_health_snapshot *s)
{
	static const enum ww_state states[] = { WW_STATE_OK, WW_STATE_WARNING,
						WW_STATE_CRITICAL,
						WW_STATE_UNKNOWN };
	size_t i, k;
	int r;

	r = family(b, "wsuswatch_check_state", "1 for the current state of "
		   "each check (docs/health.md), 0 for the others.");
	for (i = 0; !r && i < s->rep.n; i++) {
		const struct ww_check_result *c = &s->rep.checks[i];

		if (c->skipped)
			continue;
		for (k = 0; !r && k < WW_ARRAY_SIZE(states); k++) {
			const char *pairs[] = { "check", c->check, "instance",
						c->instance, "state",
						ww_state_name(states[k]), NULL };

			r = sample(b, "wsuswatch_check_state", pairs,
				   c->state == states[k] ? 1 : 0);
		}
	}
	return r;
}

/*
 * Stages a probe passes through, in order.  A probe that failed at a
 * stage passed the earlier ones; "proxy" is only reported when it is the
 * failing stage, and "tls" only for https URLs, because the store does
 * not say whether a proxy was used.
 */
static int stage_metrics(struct ww_buf *b, const struct ww_probe_summary *t)
{
	static const char *const order[] = { "dns", "connect", "proxy", "tls",
					     "http" };
	bool https = ww_str_starts_with(t->url, "https:");
	size_t i;
	int r = 0;

	for (i = 0; !r && i < WW_ARRAY_SIZE(order); i++) {
		const char *pairs[] = { "target", t->name, "stage", order[i],
					NULL };
		bool failing = !t->ok && strcmp(t->stage, order[i]) == 0;

		if (!failing && (strcmp(order[i], "proxy") == 0 ||
				 (strcmp(order[i], "tls") == 0 && !https)))
			continue;
		r = sample(b, "wsuswatch_probe_success", pairs, failing ? 0 : 1);
		if (failing)
			break;
	}
	return r;
}

static int target_family(struct ww_buf *b, const struct ww_health_input *in,
			 const char *name, const char *help, int which)
{
	size_t i;
	int r = family(b, name, help);

	for (i = 0; !r && i < in->ntargets; i++) {
		const struct ww_probe_summary *t = &in->targets[i];
		const char *pairs[] = { "target", t->name, NULL };

		if (which == 0)
			r = stage_metrics(b, t);
		else if (which == 1 && t->elapsed_ms >= 0)
			r = sample(b, name, pairs, (double)t->elapsed_ms / 1000.0);
		else if (which == 2)
			r = sample(b, name, pairs,
				   (double)t->consecutive_failures);
		else if (which == 3)
			r = sample(b, name, pairs, (double)t->at);
		else if (which == 4 && t->have_cert)
			r = sample(b, name, pairs, (double)t->cert_not_after);
		else if (which == 5 && t->have_skew)
			r = sample(b, name, pairs, (double)t->clock_skew);
	}
	return r;
}

static int probe_metrics(struct ww_buf *b, const struct ww_health_input *in)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "wsuswatch_probe_success", "1 when the latest probe of the "
		  "target passed the stage, 0 at the stage where it failed." },
		{ "wsuswatch_probe_duration_seconds",
		  "Duration of the latest probe of the target." },
		{ "wsuswatch_probe_consecutive_failures",
		  "Failed probes of the target since its last success." },
		{ "wsuswatch_probe_timestamp_seconds",
		  "When the target was last probed." },
		{ "wsuswatch_cert_expiry_timestamp_seconds",
		  "notAfter of the latest certificate the target presented." },
		{ "wsuswatch_clock_skew_seconds",
		  "Server Date header minus the local clock, latest." },
	};
	size_t i;
	int r = 0;

	for (i = 0; !r && i < WW_ARRAY_SIZE(fam); i++)
		r = target_family(b, in, fam[i].name, fam[i].help, (int)i);
	return r;
}

/*
 * Why: one series per symptom that is not ok and has a cause, so that a
 * Prometheus alert on staleness can say what to fix (join on check).
 */
static int cause_metrics(struct ww_buf *b, const struct ww_health_snapshot *s)
{
	size_t i;
	int r;

	r = family(b, "wsuswatch_cause_info", "1 for the most likely cause "
		   "(a check key) of each symptom that is not ok, with its "
		   "probe stage and error code when known (docs/health.md).");
	for (i = 0; !r && i < s->rep.n; i++) {
		const struct ww_check_result *c = &s->rep.checks[i];
		const struct ww_check_result *why;

		if (c->kind != WW_KIND_SYMPTOM)
			continue;
		why = ww_health_cause_of(&s->rep, c);
		if (!why)
			continue;
		{
			const char *pairs[] = { "check", c->key, "cause",
						why->key, "stage", why->stage,
						"code", why->code, NULL };

			r = sample(b, "wsuswatch_cause_info", pairs, 1);
		}
	}
	return r;
}

int ww_metrics_format(const struct ww_health_snapshot *snap,
		      struct ww_buf *out)
{
	int r = sync_metrics(out, snap);

	if (!r)
		r = check_metrics(out, snap);
	if (!r)
		r = cause_metrics(out, snap);
	if (!r)
		r = probe_metrics(out, &snap->in);
	return r;
}

int ww_metrics_write(const char *path, const struct ww_health_snapshot *snap,
		     struct ww_err *err)
{
	struct ww_buf b;
	char *tmp = NULL;
	FILE *f = NULL;
	int r;

	ww_buf_init(&b, WW_METRICS_MAX);
	r = ww_metrics_format(snap, &b);
	if (r) {
		r = ww_err_set(err, r, "%s: metrics too large or out of memory",
			       path);
		goto out;
	}
	tmp = malloc(strlen(path) + 5);
	if (!tmp) {
		r = ww_err_set(err, WW_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
	/*
	 * The textfile directory is often writable by node_exporter's group:
	 * whatever has the temp name (a leftover, or a symlink to a file of
	 * ours) goes, and the temp file is created afresh, never opened.
	 */
	ww_os_remove(tmp);
	f = ww_os_fopen_new(tmp);
	if (!f) {
		r = ww_err_set_os(err, WW_EIO, (unsigned long)errno,
				  "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	r = fwrite(b.data, 1, b.len, f) != b.len;
	if (fclose(f) != 0 || r) {
		f = NULL;
		ww_os_remove(tmp);
		r = ww_err_set(err, WW_EIO, "%s: write failed", tmp);
		goto out;
	}
	f = NULL;
	r = ww_os_rename_replace(tmp, path, err);
	if (r)
		ww_os_remove(tmp);
out:
	if (f)
		fclose(f);
	free(tmp);
	ww_buf_release(&b);
	return r;
}
