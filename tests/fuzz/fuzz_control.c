/*
 * fuzz_control.c - libFuzzer target for the control protocol: the bytes a
 * client sends over the pipe or socket go through the framer in chunks
 * whose sizes come from the input, then through ww_control_respond().
 * Beyond "no crash": every answer is exactly one line of valid JSON, an
 * object with either the requested data or an "error" object whose code is
 * one of the documented names, and an oversized request is always refused.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fake_status(void *ctx)
{
	(void)ctx;
	return strdup("{\"health\":\"ok\"}");
}

static char *fake_history(void *ctx, int limit)
{
	char buf[64];

	(void)ctx;
	if (limit < 1 || limit > WW_CONTROL_HISTORY_MAX)
		abort(); /* the parser promised a bounded limit */
	snprintf(buf, sizeof(buf), "{\"limit\":%d}", limit);
	return strdup(buf);
}

static char *fake_version(void *ctx)
{
	(void)ctx;
	return strdup("{\"version\":\"0\"}");
}

static const char *const codes[] = {
	WW_CTLERR_TOO_LARGE, WW_CTLERR_MALFORMED, WW_CTLERR_UNKNOWN,
	WW_CTLERR_BAD_ARG,   WW_CTLERR_TIMEOUT,   WW_CTLERR_INTERNAL,
	WW_CTLERR_BUSY,
};

static void check_answer(const char *answer)
{
	size_t len = strlen(answer), i;
	const cJSON *e, *code;
	cJSON *doc;
	bool known = false;

	if (len == 0 || answer[len - 1] != '\n' ||
	    memchr(answer, '\n', len - 1) != NULL)
		abort(); /* one line, newline-terminated */
	doc = cJSON_ParseWithLength(answer, len);
	if (!doc || !cJSON_IsObject(doc))
		abort();
	e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	if (e) {
		code = cJSON_GetObjectItemCaseSensitive(e, "code");
		if (!cJSON_IsString(code) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
			abort();
		for (i = 0; i < WW_ARRAY_SIZE(codes); i++)
			known |= strcmp(code->valuestring, codes[i]) == 0;
		if (!known)
			abort();
	}
	cJSON_Delete(doc);
}

/* Pieces of requests for replay_main.c's mutations. */
const char *const ww_fuzz_tokens[] = {
	"\n", "\r\n", "{", "}", "[", "]", ":", ",", "\"", "\\u0000", "\\ud800",
	"\"cmd\"", "\"status\"", "\"history\"", "\"version\"", "\"limit\"",
	"0", "-1", "1e9", "20", "1000", "1001", "99999999999999999999", "null",
	"true", "\xef\xbb\xbf", "\xff", "\xc3\xa9", " ", "\t",
};
const size_t ww_fuzz_ntokens = WW_ARRAY_SIZE(ww_fuzz_tokens);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ww_control_source src = {
		fake_status, fake_history, fake_version, NULL, NULL
	};
	struct ww_control_framer *f = malloc(sizeof(*f));
	enum ww_frame_state st = WW_FRAME_MORE;
	size_t off = 0, step;
	char *answer = NULL;

	if (!f)
		return 0;
	ww_control_framer_init(f);
	/* The first byte picks the chunk size: reads arrive in pieces. */
	step = size ? (size_t)data[0] % 64 + 1 : 1;
	while (off < size && st == WW_FRAME_MORE) {
		size_t n = size - off < step ? size - off : step;

		st = ww_control_framer_feed(f, data + off, n);
		off += n;
	}
	if (st == WW_FRAME_LINE)
		answer = ww_control_respond(&src, f->buf, f->len);
	else if (st == WW_FRAME_OVERSIZED)
		answer = ww_control_respond_oversized();
	if (st == WW_FRAME_OVERSIZED && !strstr(answer, WW_CTLERR_TOO_LARGE))
		abort();
	if (answer)
		check_answer(answer);
	free(answer);
	free(f);
	return 0;
}
