/*
 * check_line.c - the `check` plugin line (health_cycle.h,
 * ww_check_format_line): status word, reason of the headline check, the
 * others that are not ok, perfdata.
 */
#include "compat.h"

#include "health_cycle.h"
#include "util.h"

#define CHECK_LINE_MAX 8192

static char *upper(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	buf[i] = '\0';
	return buf;
}

/* Plugin text must not contain '|' (perfdata separator) or newlines. */
static void append_clean(struct ww_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = (*s == '|') ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s;

		ww_buf_append(b, &c, 1);
	}
}

/*
 * The plugin guidelines' long output: one line per other check that is
 * not ok (unknown ones only when they decide the state), after the
 * first line.  Text only: no '|' may follow the first line's perfdata.
 */
static void append_others(struct ww_buf *b, const struct ww_health_report *rep,
			  const struct ww_check_result *head)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct ww_check_result *c = &rep->checks[i];

		if (c == head || c->skipped || c->kind == WW_KIND_INFO ||
		    c->state == WW_STATE_OK ||
		    (c->state == WW_STATE_UNKNOWN && !c->primary) ||
		    (c->state != WW_STATE_UNKNOWN && !c->counts))
			continue;
		ww_buf_appendf(b, "\n%s %s: ", c->key, ww_state_name(c->state));
		append_clean(b, c->reason);
	}
}

static void append_perfdata(struct ww_buf *b, const struct ww_health_input *in,
			    const struct ww_health_report *rep)
{
	const struct ww_check_result *st = ww_health_find(rep, "sync_staleness");
	size_t i, failed = 0;

	ww_buf_appends(b, " | sync_age=");
	if (in->have_success)
		ww_buf_appendf(b, "%" PRId64 "s", st ? st->raw_value : 0);
	else
		ww_buf_appends(b, "U");
	ww_buf_appendf(b, ";%" PRId64 ";%" PRId64 ";0", in->th.sync_warning,
		       in->th.sync_critical);
	if (in->sync_runs > 0)
		ww_buf_appendf(b, " sync_failures=%" PRId64 ";%" PRId64 ";;0",
			       in->consecutive_failures, in->th.sync_failures);
	for (i = 0; i < in->ntargets; i++)
		failed += !in->targets[i].ok;
	ww_buf_appendf(b, " probes_failed=%zu;;;0", failed);
}

void ww_check_format_line(const struct ww_health_input *in,
			  const struct ww_health_report *rep, char *out,
			  size_t size)
{
	const struct ww_check_result *head = ww_health_headline(rep);
	const struct ww_check_result *why = ww_health_cause_of(rep, head);
	struct ww_buf b;
	char st[16];

	/* All ok (or nothing judged): the staleness says how fresh sync is. */
	if (!head)
		head = ww_health_find(rep, "sync_staleness");
	ww_buf_init(&b, CHECK_LINE_MAX);
	ww_buf_appendf(&b, "WSUSWATCH %s - ",
		       upper(ww_state_name(rep->overall), st, sizeof(st)));
	append_clean(&b, head ? head->reason : "no checks could be evaluated");
	if (why && why != head) {
		ww_buf_appends(&b, ": ");
		append_clean(&b, why->cause_text);
	}
	append_perfdata(&b, in, rep);
	append_others(&b, rep, head);
	ww_strlcpy(out, b.data ? b.data : "WSUSWATCH UNKNOWN - out of memory",
		   size);
	ww_buf_release(&b);
}

void ww_check_format_unknown(const char *msg, char *out, size_t size)
{
	struct ww_buf b;

	ww_buf_init(&b, CHECK_LINE_MAX);
	ww_buf_append(&b, "WSUSWATCH UNKNOWN - ", 20);
	append_clean(&b, msg);
	ww_strlcpy(out, b.data ? b.data : "WSUSWATCH UNKNOWN - error", size);
	ww_buf_release(&b);
}
