/*
 * test_control.c - the control protocol without I/O: framing a request
 * line within 4096 bytes, parsing every request form, refusing the rest
 * with the right error code, and the response of each command.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "control.h"
#include "util.h"
#include "ww_test.h"

static int history_limit_seen;

static char *fake_status(void *ctx)
{
	(void)ctx;
	return ww_strdup("{\"health\":\"ok\"}");
}

static char *fake_history(void *ctx, int limit)
{
	char buf[64];

	(void)ctx;
	history_limit_seen = limit;
	snprintf(buf, sizeof(buf), "{\"limit\":%d}", limit);
	return ww_strdup(buf);
}

static char *fake_version(void *ctx)
{
	(void)ctx;
	return NULL; /* as if out of memory */
}

static const struct ww_control_source src = { fake_status, fake_history,
					      fake_version, NULL, NULL };

/* The error code of a response line, or "" when it is not an error. */
static void expect_error(const char *line, const char *code)
{
	char *resp = ww_control_respond(&src, line, strlen(line));
	cJSON *r;
	const cJSON *e;

	ck_assert_ptr_nonnull(resp);
	ck_assert_msg(resp[strlen(resp) - 1] == '\n', "no newline: %s", resp);
	r = cJSON_Parse(resp);
	e = cJSON_GetObjectItemCaseSensitive(r, "error");
	ck_assert_msg(e != NULL, "'%s' answered %s", line, resp);
	ck_assert_str_eq(cJSON_GetStringValue(
				 cJSON_GetObjectItemCaseSensitive(e, "code")),
			 code);
	ck_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")));
	cJSON_Delete(r);
	free(resp);
}

START_TEST(framer_line_in_pieces)
{
	struct ww_control_framer f;

	ww_control_framer_init(&f);
	ck_assert_int_eq(ww_control_framer_feed(&f, "{\"cmd\":", 7), WW_FRAME_MORE);
	ck_assert_int_eq(ww_control_framer_feed(&f, "\"status\"}\nrest", 14),
			 WW_FRAME_LINE);
	ck_assert_str_eq(f.buf, "{\"cmd\":\"status\"}\n");
	/* Bytes after the line are ignored; the state sticks. */
	ck_assert_int_eq(ww_control_framer_feed(&f, "more\n", 5), WW_FRAME_LINE);
	ck_assert_str_eq(f.buf, "{\"cmd\":\"status\"}\n");
}
END_TEST

START_TEST(framer_bounds)
{
	static char big[WW_CONTROL_MAX_REQUEST + 10];
	struct ww_control_framer f;

	/* Exactly 4096 bytes with the newline: accepted. */
	memset(big, ' ', sizeof(big));
	big[WW_CONTROL_MAX_REQUEST - 1] = '\n';
	ww_control_framer_init(&f);
	ck_assert_int_eq(ww_control_framer_feed(&f, big, WW_CONTROL_MAX_REQUEST),
			 WW_FRAME_LINE);
	ck_assert_uint_eq(f.len, WW_CONTROL_MAX_REQUEST);
	/* 4096 bytes without a newline, then one more: oversized, and it sticks. */
	memset(big, ' ', sizeof(big));
	ww_control_framer_init(&f);
	ck_assert_int_eq(ww_control_framer_feed(&f, big, WW_CONTROL_MAX_REQUEST),
			 WW_FRAME_MORE);
	ck_assert_int_eq(ww_control_framer_feed(&f, "\n", 1), WW_FRAME_OVERSIZED);
	ck_assert_int_eq(ww_control_framer_feed(&f, "\n", 1), WW_FRAME_OVERSIZED);
	ww_control_framer_init(&f);
	ck_assert_int_eq(ww_control_framer_feed(&f, big, sizeof(big)),
			 WW_FRAME_OVERSIZED);
}
END_TEST

START_TEST(parse_valid_requests)
{
	struct ww_control_req req;
	struct ww_err err;
	const char *code;

	ck_assert_int_eq(ww_control_parse("{\"cmd\":\"status\"}\n", 17, &req, &code, &err), 0);
	ck_assert_int_eq(req.cmd, WW_CTL_STATUS);
	ck_assert_int_eq(ww_control_parse(" {\"cmd\" : \"version\"} \r\n", 23, &req, &code, &err), 0);
	ck_assert_int_eq(req.cmd, WW_CTL_VERSION);
	ck_assert_int_eq(ww_control_parse("{\"cmd\":\"history\"}", 17, &req, &code, &err), 0);
	ck_assert_int_eq(req.cmd, WW_CTL_HISTORY);
	ck_assert_int_eq(req.limit, WW_CONTROL_HISTORY_DEFAULT);
	ck_assert_int_eq(ww_control_parse("{\"limit\":1000,\"cmd\":\"history\"}", 30, &req, &code, &err), 0);
	ck_assert_int_eq(req.limit, 1000);
}
END_TEST

START_TEST(refused_requests)
{
	expect_error("\n", WW_CTLERR_MALFORMED);
	expect_error("status\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":\"status\"\n", WW_CTLERR_MALFORMED);
	expect_error("[\"status\"]\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":1}\n", WW_CTLERR_MALFORMED);
	expect_error("{}\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":\"status\"} {\"cmd\":\"status\"}\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":\"shutdown\"}\n", WW_CTLERR_UNKNOWN);
	expect_error("{\"cmd\":\"STATUS\"}\n", WW_CTLERR_UNKNOWN);
	expect_error("{\"cmd\":\"status\",\"x\":1}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"status\",\"limit\":1}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"history\",\"limit\":0}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"history\",\"limit\":1001}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"history\",\"limit\":2.5}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"history\",\"limit\":\"20\"}\n", WW_CTLERR_BAD_ARG);
	expect_error("{\"cmd\":\"history\",\"limit\":1e300}\n", WW_CTLERR_BAD_ARG);
	/* Issue 13: a member named twice is ambiguous, whichever comes first. */
	expect_error("{\"cmd\":\"status\",\"cmd\":\"history\"}\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":\"history\",\"cmd\":\"history\"}\n", WW_CTLERR_MALFORMED);
	expect_error("{\"cmd\":\"history\",\"limit\":1,\"limit\":2}\n", WW_CTLERR_MALFORMED);
}
END_TEST

START_TEST(nul_byte_refused)
{
	char *resp = ww_control_respond(&src, "{\"cmd\":\"status\"}\0x\n", 19);

	ck_assert_ptr_nonnull(strstr(resp, WW_CTLERR_MALFORMED));
	free(resp);
}
END_TEST

START_TEST(oversized_line_refused)
{
	static char big[WW_CONTROL_MAX_REQUEST + 2];
	char *resp;

	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	resp = ww_control_respond(&src, big, sizeof(big));
	ck_assert_ptr_nonnull(strstr(resp, WW_CTLERR_TOO_LARGE));
	free(resp);
	resp = ww_control_respond_oversized();
	ck_assert_ptr_nonnull(strstr(resp, WW_CTLERR_TOO_LARGE));
	free(resp);
}
END_TEST

START_TEST(responses)
{
	const char *h = "{\"cmd\":\"history\",\"limit\":7}\n";
	char *resp;

	resp = ww_control_respond(&src, "{\"cmd\":\"status\"}\n", 17);
	ck_assert_str_eq(resp, "{\"health\":\"ok\"}\n");
	free(resp);
	resp = ww_control_respond(&src, h, strlen(h));
	ck_assert_int_eq(history_limit_seen, 7);
	ck_assert_str_eq(resp, "{\"limit\":7}\n");
	free(resp);
	/* A source that fails answers with an error object, not silence. */
	expect_error("{\"cmd\":\"version\"}\n", WW_CTLERR_INTERNAL);
}
END_TEST

START_TEST(error_json_escapes)
{
	char *resp = ww_control_error_json("x", "quote \" backslash \\ newline \n");
	cJSON *r = cJSON_Parse(resp);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message")),
			 "quote \" backslash \\ newline \n");
	/* One line: the embedded newline is escaped. */
	ck_assert_ptr_eq(strchr(resp, '\n'), resp + strlen(resp) - 1);
	cJSON_Delete(r);
	free(resp);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("protocol");

	tcase_add_test(tc, framer_line_in_pieces);
	tcase_add_test(tc, framer_bounds);
	tcase_add_test(tc, parse_valid_requests);
	tcase_add_test(tc, refused_requests);
	tcase_add_test(tc, nul_byte_refused);
	tcase_add_test(tc, oversized_line_refused);
	tcase_add_test(tc, responses);
	tcase_add_test(tc, error_json_escapes);
	suite_add_tcase(s, tc);
	return s;
}
