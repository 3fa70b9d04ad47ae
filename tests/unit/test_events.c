/*
 * test_events.c - the message table (installer/wsuswatch.mc), the rules
 * table (service/engine/health.c) and docs/events.md agree: every event ID a rule
 * or the service can report has a message and a documented row, and the
 * .mc defines no ID twice.
 */
#include "compat.h"

#include "health.h"
#include "util.h"
#include "ww_test.h"

static char *read_source(const char *rel)
{
	char *path = ww_test_path(rel);
	char *text = ww_test_read_file(path, NULL);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	free(path);
	return text;
}

/* How many times "MessageId=<id>\n" appears in the .mc text. */
static int mc_count(const char *mc, unsigned id)
{
	char needle[32];
	const char *p = mc;
	int n = 0;

	snprintf(needle, sizeof(needle), "MessageId=%u\n", id);
	while ((p = strstr(p, needle)) != NULL) {
		if (p == mc || p[-1] == '\n')
			n++;
		p++;
	}
	return n;
}

static void expect_id(const char *mc, const char *doc, unsigned id)
{
	char row[32];

	ck_assert_msg(mc_count(mc, id) == 1, "event %u: %d definitions in "
		      "installer/wsuswatch.mc, want 1", id, mc_count(mc, id));
	snprintf(row, sizeof(row), "| %u |", id);
	ck_assert_msg(strstr(doc, row) != NULL,
		      "event %u is not documented in docs/events.md", id);
}

START_TEST(every_event_has_a_message_and_a_doc_row)
{
	static const enum ww_state states[] = { WW_STATE_WARNING,
						WW_STATE_CRITICAL, WW_STATE_OK,
						WW_STATE_UNKNOWN };
	char *mc = read_source("../installer/wsuswatch.mc");
	char *doc = read_source("../docs/events.md");
	size_t i, k;

	expect_id(mc, doc, WW_EVENT_SERVICE_STARTED);
	expect_id(mc, doc, WW_EVENT_SERVICE_STOPPED);
	expect_id(mc, doc, WW_EVENT_SERVICE_ERROR);
	expect_id(mc, doc, WW_EVENT_SERVICE_INFO);
	expect_id(mc, doc, WW_EVENT_SERVICE_WARNING);
	for (i = 0; i < ww_health_rule_count(); i++) {
		struct ww_health_rule_info info;

		ww_health_rule_info(i, &info);
		ck_assert_ptr_nonnull(info.name);
		if (!info.event_base)
			continue; /* a diagnose item: never alerted */
		ck_assert_msg(strstr(doc, info.name) != NULL,
			      "rule %s missing in docs/events.md", info.name);
		for (k = 0; k < WW_ARRAY_SIZE(states); k++)
			expect_id(mc, doc,
				  ww_health_event_id(info.event_base,
						     states[k]));
	}
	free(mc);
	free(doc);
}
END_TEST

START_TEST(bases_are_distinct)
{
	size_t i, j;

	for (i = 0; i < ww_health_rule_count(); i++)
		for (j = i + 1; j < ww_health_rule_count(); j++) {
			struct ww_health_rule_info a, b;

			ww_health_rule_info(i, &a);
			ww_health_rule_info(j, &b);
			if (!a.event_base || !b.event_base)
				continue;
			ck_assert_msg(a.event_base / 10 != b.event_base / 10,
				      "%s and %s share event IDs", a.name,
				      b.name);
		}
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, every_event_has_a_message_and_a_doc_row);
	tcase_add_test(tc, bases_are_distinct);
	suite_add_tcase(s, tc);
	return s;
}
