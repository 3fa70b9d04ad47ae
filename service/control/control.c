/*
 * control.c - the control protocol: framing a request line, parsing it with
 * cJSON and building the response.  No I/O here; the transports in
 * control_posix.c and control_win32.c move the bytes.
 */
#include "compat.h"

#include <cjson/cJSON.h>

#include "control.h"
#include "util.h"

void ww_control_framer_init(struct ww_control_framer *f)
{
	f->len = 0;
	f->buf[0] = '\0';
}

enum ww_frame_state ww_control_framer_feed(struct ww_control_framer *f,
					   const void *data, size_t n)
{
	const char *p = data;
	size_t i;

	if (f->len > WW_CONTROL_MAX_REQUEST)
		return WW_FRAME_OVERSIZED;
	if (f->len > 0 && f->buf[f->len - 1] == '\n')
		return WW_FRAME_LINE;
	for (i = 0; i < n; i++) {
		if (f->len == WW_CONTROL_MAX_REQUEST) {
			/* Remember the overflow so later calls keep saying so. */
			f->len = WW_CONTROL_MAX_REQUEST + 1;
			f->buf[WW_CONTROL_MAX_REQUEST] = '\0';
			return WW_FRAME_OVERSIZED;
		}
		f->buf[f->len++] = p[i];
		if (p[i] == '\n') {
			f->buf[f->len] = '\0';
			return WW_FRAME_LINE;
		}
	}
	f->buf[f->len] = '\0';
	return WW_FRAME_MORE;
}

static int bad(const char **ret_code, const char *code, struct ww_err *err,
	       int rc, const char *msg, const char *subject)
{
	*ret_code = code;
	return ww_err_set(err, rc, "%s%s%s", msg, subject ? ": " : "",
			  subject ? subject : "");
}

static int parse_limit(const cJSON *v, int *ret, const char **ret_code,
		       struct ww_err *err)
{
	double d = cJSON_IsNumber(v) ? cJSON_GetNumberValue(v) : 0;

	/* 1e9 is not an int, and a fraction is not a count. */
	if (!cJSON_IsNumber(v) || d < 1 || d > WW_CONTROL_HISTORY_MAX ||
	    d != (double)(int)d) {
		*ret_code = WW_CTLERR_BAD_ARG;
		return ww_err_set(err, WW_EINVAL,
				  "\"limit\" must be an integer from 1 to %d",
				  WW_CONTROL_HISTORY_MAX);
	}
	*ret = (int)d;
	return 0;
}

/*
 * A member named twice is refused before anything reads the request:
 * cJSON would answer the first, another parser (a proxy, a logger) the
 * last, and the two would disagree on what was asked.
 */
static int check_duplicates(const cJSON *root, const char **ret_code,
			    struct ww_err *err)
{
	const cJSON *it, *other;

	cJSON_ArrayForEach(it, root) {
		for (other = it->next; other; other = other->next)
			if (strcmp(it->string, other->string) == 0)
				return bad(ret_code, WW_CTLERR_MALFORMED, err,
					   WW_EPROTO, "duplicate member",
					   it->string);
	}
	return 0;
}

/* Every member other than "cmd" (and "limit" for history) is refused. */
static int check_members(const cJSON *root, bool allow_limit,
			 const char **ret_code, struct ww_err *err)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, root) {
		if (strcmp(it->string, "cmd") == 0)
			continue;
		if (allow_limit && strcmp(it->string, "limit") == 0)
			continue;
		return bad(ret_code, WW_CTLERR_BAD_ARG, err, WW_EINVAL,
			   "unknown member", it->string);
	}
	return 0;
}

static int parse_cmd(const cJSON *root, struct ww_control_req *req,
		     const char **ret_code, struct ww_err *err)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(root, "cmd");
	const char *name;

	if (!cJSON_IsString(cmd))
		return bad(ret_code, WW_CTLERR_MALFORMED, err, WW_EPROTO,
			   "the request needs a string member \"cmd\"", NULL);
	name = cJSON_GetStringValue(cmd);
	req->limit = 0;
	if (strcmp(name, "status") == 0) {
		req->cmd = WW_CTL_STATUS;
	} else if (strcmp(name, "version") == 0) {
		req->cmd = WW_CTL_VERSION;
	} else if (strcmp(name, "history") == 0) {
		const cJSON *lim = cJSON_GetObjectItemCaseSensitive(root, "limit");

		req->cmd = WW_CTL_HISTORY;
		req->limit = WW_CONTROL_HISTORY_DEFAULT;
		if (lim && parse_limit(lim, &req->limit, ret_code, err))
			return WW_EINVAL;
	} else {
		return bad(ret_code, WW_CTLERR_UNKNOWN, err, WW_EPROTO,
			   "unknown command (status, history, version)", NULL);
	}
	return check_members(root, req->cmd == WW_CTL_HISTORY, ret_code, err);
}

int ww_control_parse(const char *line, size_t len, struct ww_control_req *req,
		     const char **ret_code, struct ww_err *err)
{
	const char *end = NULL;
	cJSON *root;
	int r;

	*ret_code = NULL;
	if (len > WW_CONTROL_MAX_REQUEST)
		return bad(ret_code, WW_CTLERR_TOO_LARGE, err, WW_ERANGE,
			   "request longer than 4096 bytes", NULL);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (memchr(line, '\0', len))
		return bad(ret_code, WW_CTLERR_MALFORMED, err, WW_EPARSE,
			   "the request contains a NUL byte", NULL);
	root = cJSON_ParseWithLengthOpts(line, len, &end, false);
	/* One value per line: anything but blanks after it is malformed. */
	while (root && end < line + len && strchr(" \t\r", *end))
		end++;
	if (root && end != line + len) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (!root)
		return bad(ret_code, WW_CTLERR_MALFORMED, err, WW_EPARSE,
			   "the request is not valid JSON", NULL);
	if (!cJSON_IsObject(root))
		r = bad(ret_code, WW_CTLERR_MALFORMED, err, WW_EPARSE,
			"the request must be a JSON object", NULL);
	else
		r = check_duplicates(root, ret_code, err);
	if (!r)
		r = parse_cmd(root, req, ret_code, err);
	cJSON_Delete(root);
	return r;
}

/* Print compactly and add the '\n' that ends every response. */
static char *finish_line(char *json)
{
	size_t n;
	char *line;

	if (!json)
		return NULL;
	n = strlen(json);
	line = malloc(n + 2);
	if (line) {
		memcpy(line, json, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	free(json);
	return line;
}

char *ww_control_error_json(const char *code, const char *message)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(root, "error");
	char *s = NULL;

	if (e && cJSON_AddStringToObject(e, "code", code) &&
	    cJSON_AddStringToObject(e, "message", message))
		s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return finish_line(s);
}

char *ww_control_respond(const struct ww_control_source *src, const char *line,
			 size_t len)
{
	struct ww_control_req req;
	struct ww_err err;
	const char *code = NULL;
	char *body = NULL;

	ww_err_clear(&err);
	if (ww_control_parse(line, len, &req, &code, &err))
		return ww_control_error_json(code, err.msg);
	switch (req.cmd) {
	case WW_CTL_STATUS:
		body = src->status_json(src->ctx);
		break;
	case WW_CTL_HISTORY:
		body = src->history_json(src->ctx, req.limit);
		break;
	case WW_CTL_VERSION:
		body = src->version_json(src->ctx);
		break;
	}
	if (!body)
		return ww_control_error_json(WW_CTLERR_INTERNAL,
					     "out of memory building the response");
	return finish_line(body);
}

char *ww_control_respond_oversized(void)
{
	return ww_control_error_json(WW_CTLERR_TOO_LARGE,
				     "request longer than 4096 bytes");
}

char *ww_control_respond_timeout(void)
{
	return ww_control_error_json(WW_CTLERR_TIMEOUT,
				     "no complete request line within 5 seconds");
}
