#include "compat.h"

#include <cjson/cJSON.h>

#include "os.h"
#include "util.h"
#include "ww_test.h"

/* The pid a lock file's holder wrote, as POSIX and Windows write it. */
START_TEST(lock_pid_parse)
{
	char a[32] = "1234\n", b[32] = "77\r\n", c[32] = "0\n", d[32] = "x1\n",
	     e[32] = "-5\n", f[32] = "123456789012345678901234567890";

	ck_assert_uint_eq(ww_lock_pid_parse(a, strlen(a)), 1234);
	ck_assert_uint_eq(ww_lock_pid_parse(b, strlen(b)), 77);
	ck_assert_uint_eq(ww_lock_pid_parse(c, strlen(c)), 0);
	ck_assert_uint_eq(ww_lock_pid_parse(d, strlen(d)), 0);
	ck_assert_uint_eq(ww_lock_pid_parse(e, strlen(e)), 0);
	ck_assert_uint_eq(ww_lock_pid_parse(f, strlen(f)), 0);
	/* Only the n bytes read count. */
	ck_assert_uint_eq(ww_lock_pid_parse(a, 2), 12);
}
END_TEST

START_TEST(duration_parse_units)
{
	int64_t s;

	ck_assert_int_eq(ww_duration_parse("45s", &s), 0);
	ck_assert_int_eq(s, 45);
	ck_assert_int_eq(ww_duration_parse("5m", &s), 0);
	ck_assert_int_eq(s, 300);
	ck_assert_int_eq(ww_duration_parse("26h", &s), 0);
	ck_assert_int_eq(s, 93600);
	ck_assert_int_eq(ww_duration_parse("30d", &s), 0);
	ck_assert_int_eq(s, 2592000);
	ck_assert_int_eq(ww_duration_parse("1h30m", &s), 0);
	ck_assert_int_eq(s, 5400);
}
END_TEST

START_TEST(duration_parse_rejects)
{
	int64_t s = 7;

	ck_assert_int_eq(ww_duration_parse("", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("5", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("5x", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("m", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("-5m", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("5 m", &s), WW_EINVAL);
	ck_assert_int_eq(ww_duration_parse("99999999999999999999d", &s),
			 WW_ERANGE);
	ck_assert_int_eq(s, 7);
}
END_TEST

START_TEST(duration_format_roundtrip)
{
	static const int64_t values[] = { 0, 1, 59, 60, 3600, 5400, 93600,
					  2592000, 90061 };
	char buf[64];
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(values); i++) {
		int64_t back = -1;

		ww_duration_format(values[i], buf, sizeof(buf));
		ck_assert_int_eq(ww_duration_parse(buf, &back), 0);
		ck_assert_int_eq(back, values[i]);
	}
	ww_duration_format(93600, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1d2h");
}
END_TEST

START_TEST(time_iso_roundtrip)
{
	char buf[WW_ISO_TIME_LEN];
	int64_t t;

	ck_assert_int_eq(ww_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
	t = ww_time_from_civil(2026, 11, 23, 8, 15, 0);
	ww_time_format_iso(t, buf);
	ck_assert_str_eq(buf, "2026-11-23T08:15:00Z");
	ck_assert_int_eq(ww_time_parse_iso("2026-11-23T08:15:00Z", &t), 0);
	ww_time_format_iso(t, buf);
	ck_assert_str_eq(buf, "2026-11-23T08:15:00Z");
	ck_assert_int_eq(ww_time_parse_iso("2024-02-29T23:59:59.123Z", &t), 0);
	ck_assert_int_eq(t, ww_time_from_civil(2024, 3, 1, 0, 0, 0) - 1);
	ck_assert_int_eq(ww_time_parse_iso("2026-13-01T00:00:00Z", &t),
			 WW_EINVAL);
	ck_assert_int_eq(ww_time_parse_iso("2026-11-23 08:15:00", &t),
			 WW_EINVAL);
}
END_TEST

/*
 * A log stamp of 9999-12-31 23:59:60 is the year 10000: printed as such,
 * never wrapped to 0000-01-01 (issue 13, item 4).
 */
START_TEST(time_iso_beyond_9999)
{
	char buf[WW_ISO_TIME_LEN];

	ww_time_format_iso(ww_time_from_civil(9999, 12, 31, 23, 59, 60), buf);
	ck_assert_str_eq(buf, "+10000-01-01T00:00:00Z");
	ww_time_format_iso(ww_time_from_civil(9999, 12, 31, 23, 59, 59), buf);
	ck_assert_str_eq(buf, "9999-12-31T23:59:59Z");
	ww_time_format_iso(ww_time_from_civil(-1, 1, 1, 0, 0, 0), buf);
	ck_assert_str_eq(buf, "-0001-01-01T00:00:00Z");
}
END_TEST

/* The one "time or null" of the JSON outputs. */
START_TEST(json_time_or_null)
{
	cJSON *o = cJSON_CreateObject(), *v;

	ck_assert_ptr_nonnull(o);
	v = ww_json_time(WW_TIME_NONE);
	ck_assert(cJSON_IsNull(v));
	cJSON_Delete(v);
	v = ww_json_time(0);
	ck_assert_str_eq(cJSON_GetStringValue(v), "1970-01-01T00:00:00Z");
	cJSON_Delete(v);
	ck_assert(ww_json_add_time(o, "a", ww_time_from_civil(2026, 11, 23, 8, 15, 0)));
	ck_assert(ww_json_add_time(o, "b", WW_TIME_NONE));
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(o, "a")),
			 "2026-11-23T08:15:00Z");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "b")));
	cJSON_Delete(o);
}
END_TEST

/* The one UTF-16 decoder: pairs joined, unpaired halves U+FFFD. */
START_TEST(utf16_units)
{
	static const uint16_t in[] = { 0x41, 0xD83D, 0xDE00, 0xDC00, 0xD800,
				       0xD801, 0x42, 0x20AC };
	static const uint32_t want[] = { 0x41, 0x1F600, 0xFFFD, 0xFFFD,
					 0xFFFD, 0x42, 0x20AC };
	uint32_t got[16], high = 0;
	unsigned char u8[4];
	size_t i, n = 0;

	for (i = 0; i < WW_ARRAY_SIZE(in); i++)
		n += ww_utf16_unit(&high, in[i], got + n);
	ck_assert_uint_eq(n, WW_ARRAY_SIZE(want));
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(got[i], want[i]);
	ck_assert_uint_eq(high, 0);
	ck_assert_uint_eq(ww_utf16_unit(&high, 0xDBFF, got), 0);
	ck_assert_uint_eq(high, 0xDBFF);
	ck_assert_uint_eq(ww_utf8_put(0x1F600, u8), 4);
	ck_assert(memcmp(u8, "\xF0\x9F\x98\x80", 4) == 0);
	ck_assert_uint_eq(ww_utf8_put(0x20AC, u8), 3);
	ck_assert(memcmp(u8, "\xE2\x82\xAC", 3) == 0);
}
END_TEST

START_TEST(buf_limit_is_enforced)
{
	struct ww_buf b;
	char *s;

	ww_buf_init(&b, 8);
	ck_assert_int_eq(ww_buf_appends(&b, "1234"), 0);
	ck_assert_int_eq(ww_buf_appendf(&b, "%d", 5678), 0);
	ck_assert_int_eq(ww_buf_appends(&b, "9"), WW_ERANGE);
	ck_assert_str_eq(b.data, "12345678");
	s = ww_buf_detach(&b);
	ck_assert_str_eq(s, "12345678");
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(strlcpy_truncates)
{
	char small[4];

	ck_assert_uint_eq(ww_strlcpy(small, "abcdef", sizeof(small)), 6);
	ck_assert_str_eq(small, "abc");
	ck_assert_int_eq(ww_strcasecmp("TLSv1.2", "tlsv1.2"), 0);
}
END_TEST

START_TEST(mkdir_private_creates_parents)
{
	char *dir = ww_test_tmpdir("util");
	char *sub = ww_os_path_join(dir, "a");
	char *leaf = ww_os_path_join(sub, "b");
	struct ww_err err;

	ck_assert_msg(ww_os_mkdir_private(leaf, &err) == 0, "%s", err.msg);
	ck_assert(ww_os_path_exists(leaf));
	/* Idempotent: an existing directory is fine. */
	ck_assert_msg(ww_os_mkdir_private(leaf, &err) == 0, "%s", err.msg);
	free(leaf);
	free(sub);
	free(dir);
}
END_TEST

START_TEST(event_wait_times_out_and_fires)
{
	struct ww_event *e = ww_event_new();

	ck_assert_ptr_nonnull(e);
	ck_assert(!ww_event_wait(e, 10));
	ww_event_set(e);
	ck_assert(ww_event_wait(e, 10));
	ck_assert(ww_event_is_set(e));
	ww_event_free(e);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, lock_pid_parse);
	tcase_add_test(tc, duration_parse_units);
	tcase_add_test(tc, duration_parse_rejects);
	tcase_add_test(tc, duration_format_roundtrip);
	tcase_add_test(tc, time_iso_roundtrip);
	tcase_add_test(tc, time_iso_beyond_9999);
	tcase_add_test(tc, json_time_or_null);
	tcase_add_test(tc, utf16_units);
	tcase_add_test(tc, buf_limit_is_enforced);
	tcase_add_test(tc, strlcpy_truncates);
	tcase_add_test(tc, mkdir_private_creates_parents);
	tcase_add_test(tc, event_wait_times_out_and_fires);
	suite_add_tcase(s, tc);
	return s;
}
