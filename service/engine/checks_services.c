/*
 * checks_services.c - the measures of the "Local services" rows of the
 * check table (checks.c): WsusService, BITS and W3SVC, the WsusPool
 * application pool, ContentDir's read access, the Trusted Root store.
 *
 * The judgement itself is hostsvc.c's (pure, unit-tested); a measure
 * only maps its verdict onto the row and orders it for cause attribution
 * (class WW_CLASS_SERVICES: after settings and host TLS, before the
 * network path; within the class a critical row before a warning).
 */
#include "compat.h"

#include "checks.h"
#include "util.h"

/* The host judges' states are cast to the engine's by value. */
_Static_assert((int)WW_HOSTSVC_OK == (int)WW_STATE_OK &&
	       (int)WW_HOSTSVC_WARNING == (int)WW_STATE_WARNING &&
	       (int)WW_HOSTSVC_CRITICAL == (int)WW_STATE_CRITICAL &&
	       (int)WW_HOSTSVC_UNKNOWN == (int)WW_STATE_UNKNOWN,
	       "hostsvc states cast to ww_state");
_Static_assert((int)WW_HOSTCFG_OK == (int)WW_STATE_OK &&
	       (int)WW_HOSTCFG_WARNING == (int)WW_STATE_WARNING &&
	       (int)WW_HOSTCFG_CRITICAL == (int)WW_STATE_CRITICAL &&
	       (int)WW_HOSTCFG_UNKNOWN == (int)WW_STATE_UNKNOWN,
	       "hostcfg states cast to ww_state (checks.c)");

/* Order within the class: WsusService, BITS, W3SVC, pool, content,
 * Trusted Root; every critical one before every warning. */
enum { RANK_POOL = 3, RANK_CONTENT = 4, RANK_ROOTS = 5 };

/* Whether the row applies; on a system without services one row says
 * why (the first service's), the others give no result. */
static bool local_applies(const struct ww_health_input *in, bool first,
			  struct measure *m)
{
	switch (in->local_avail) {
	case WW_FACT_NOT_RUN:
		return false;
	case WW_FACT_AVAILABLE:
		return true;
	case WW_FACT_NOT_HERE:
		if (first) {
			m->kind = M_SKIPPED;
			ww_strlcpy(m->item, "local_services", sizeof(m->item));
			ww_m_text(m, "%s", in->local_error);
		}
		return false;
	case WW_FACT_UNAVAILABLE:
		if (first) {
			ww_strlcpy(m->item, "local_services", sizeof(m->item));
			ww_m_state(m, WW_STATE_UNKNOWN);
			ww_m_text(m, "%s", in->local_error);
		}
		return false;
	}
	return false;
}

static void apply(const struct ww_health_input *in,
		  const struct ww_hostsvc_verdict *v, int rank,
		  struct measure *m)
{
	if (v->state == WW_HOSTSVC_SKIPPED) {
		m->kind = M_SKIPPED;
		ww_m_text(m, "%s", v->summary);
		return;
	}
	ww_m_state(m, (enum ww_state)v->state); /* same values: above */
	ww_m_text(m, "%s", v->summary);
	ww_m_evidence(m, "%s", v->evidence);
	ww_m_fix(m, v->fix);
	m->no_count = !ww_is_wsus_here(in);
	m->rank = (v->state == WW_HOSTSVC_CRITICAL ? 0 : 10) + rank;
}

void ww_measure_service(const struct ww_health_input *in, size_t i,
			int64_t now, struct measure *m)
{
	struct ww_hostsvc_verdict v;

	(void)now;
	if (!local_applies(in, i == 0, m))
		return;
	ww_hostsvc_judge_service(&in->local, (enum ww_hostsvc_id)i, &v);
	apply(in, &v, (int)i, m);
}

/* A row judged once for the whole server. */
static void measure_once(const struct ww_health_input *in,
			 void (*judge)(const struct ww_hostsvc_values *,
				       struct ww_hostsvc_verdict *),
			 int rank, struct measure *m)
{
	struct ww_hostsvc_verdict v;

	if (!local_applies(in, false, m))
		return;
	judge(&in->local, &v);
	apply(in, &v, rank, m);
}

void ww_measure_wsus_pool(const struct ww_health_input *in, size_t i,
			  int64_t now, struct measure *m)
{
	(void)i;
	(void)now;
	measure_once(in, ww_hostsvc_judge_pool, RANK_POOL, m);
}

void ww_measure_content_dir(const struct ww_health_input *in, size_t i,
			    int64_t now, struct measure *m)
{
	(void)i;
	(void)now;
	measure_once(in, ww_hostsvc_judge_content, RANK_CONTENT, m);
}

void ww_measure_trusted_root(const struct ww_health_input *in, size_t i,
			     int64_t now, struct measure *m)
{
	(void)i;
	(void)now;
	measure_once(in, ww_hostsvc_judge_roots, RANK_ROOTS, m);
}
