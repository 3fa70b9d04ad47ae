/*
 * hostcfg_w3wp.c - %SystemRoot%\System32\inetsrv\w3wp.exe.config, the
 * file Microsoft's resolution for manual import failures (issue 1 of
 * "Troubleshoot WSUS synchronization and import issues") creates:
 *
 *   <configuration><runtime>
 *     <AppContextSwitchOverrides value="Switch.System.Net.
 *       DontEnableSystemDefaultTlsVersions=false"/>
 *   </runtime></configuration>
 *
 * Portable: the file is read with ww_os_fopen_regular (never a device or
 * a pipe), at most WW_HOSTCFG_W3WP_MAX bytes, and parsed with expat (its
 * own encoding detection: UTF-8, UTF-16 with a BOM); a DOCTYPE is refused
 * so no entity can expand.  The value attribute is a ';' list of
 * Name=true|false pairs; names compare without regard to case.
 */
#include "compat.h"

#include <expat.h>

#include "hostcfg.h"
#include "os.h"
#include "util.h"

#define SWITCH_NAME "Switch.System.Net.DontEnableSystemDefaultTlsVersions"

struct w3wp_parse {
	XML_Parser p;
	struct ww_hostcfg_w3wp *ret;
	unsigned depth;
	bool root_ok;          /* the root element is <configuration> */
	bool in_runtime;       /* inside <configuration><runtime> */
	unsigned runtime_depth;
	bool dtd;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trimmed [s, s+n) compared with name, ignoring ASCII case. */
static bool span_is(const char *s, size_t n, const char *name)
{
	char t[128];

	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (n >= sizeof(t))
		return false;
	memcpy(t, s, n);
	t[n] = '\0';
	return ww_strcasecmp(t, name) == 0;
}

/* Find SWITCH_NAME=true|false in a "A=true;B=false" list. */
static int switch_value(const char *list)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ";");
		const char *eq = memchr(p, '=', n);

		if (eq && span_is(p, (size_t)(eq - p), SWITCH_NAME)) {
			size_t vn = n - (size_t)(eq + 1 - p);

			if (span_is(eq + 1, vn, "true"))
				return 1;
			if (span_is(eq + 1, vn, "false"))
				return 0;
		}
		p += n;
		if (*p)
			p++;
	}
	return -1;
}

static void XMLCALL on_start(void *ctx, const XML_Char *name,
			     const XML_Char **attr)
{
	struct w3wp_parse *w = ctx;
	size_t i;

	w->depth++;
	if (w->depth == 1)
		w->root_ok = strcmp(name, "configuration") == 0;
	if (w->depth == 2 && w->root_ok && strcmp(name, "runtime") == 0) {
		w->in_runtime = true;
		w->runtime_depth = w->depth;
		return;
	}
	if (!w->in_runtime || w->depth != w->runtime_depth + 1 ||
	    strcmp(name, "AppContextSwitchOverrides") != 0)
		return;
	for (i = 0; attr[i] && attr[i + 1]; i += 2) {
		int v;

		if (strcmp(attr[i], "value") != 0)
			continue;
		ww_strlcpy(w->ret->overrides, attr[i + 1],
			   sizeof(w->ret->overrides));
		v = switch_value(attr[i + 1]);
		if (v >= 0)
			w->ret->dont_enable_system_default = v;
	}
}

static void XMLCALL on_end(void *ctx, const XML_Char *name)
{
	struct w3wp_parse *w = ctx;

	(void)name;
	if (w->in_runtime && w->depth == w->runtime_depth)
		w->in_runtime = false;
	w->depth--;
}

static void XMLCALL on_doctype(void *ctx, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct w3wp_parse *w = ctx;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	w->dtd = true;
	XML_StopParser(w->p, XML_FALSE);
}

static void parse_error(struct w3wp_parse *w, const char *name)
{
	snprintf(w->ret->error, sizeof(w->ret->error), "%s:%lu:%lu: %s", name,
		 (unsigned long)XML_GetCurrentLineNumber(w->p),
		 (unsigned long)XML_GetCurrentColumnNumber(w->p) + 1,
		 w->dtd ? "a DOCTYPE is not accepted" :
		 XML_ErrorString(XML_GetErrorCode(w->p)));
	w->ret->state = WW_HOSTCFG_FILE_ERROR;
}

void ww_hostcfg_parse_w3wp(const char *name, const char *xml, size_t len,
			   struct ww_hostcfg_w3wp *ret)
{
	struct w3wp_parse w = { 0 };

	ret->state = WW_HOSTCFG_FILE_READ;
	ret->dont_enable_system_default = -1;
	ret->overrides[0] = ret->error[0] = '\0';
	w.ret = ret;
	w.p = XML_ParserCreate(NULL);
	if (!w.p) {
		ret->state = WW_HOSTCFG_FILE_ERROR;
		snprintf(ret->error, sizeof(ret->error), "%s: out of memory",
			 name);
		return;
	}
	XML_SetUserData(w.p, &w);
	XML_SetElementHandler(w.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(w.p, on_doctype);
	if (XML_Parse(w.p, xml, (int)len, XML_TRUE) != XML_STATUS_OK) {
		parse_error(&w, name);
		ret->dont_enable_system_default = -1;
		ret->overrides[0] = '\0';
	}
	XML_ParserFree(w.p);
}

void ww_hostcfg_read_w3wp(const char *path, struct ww_hostcfg_w3wp *ret)
{
	struct ww_err err;
	struct ww_buf b;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->dont_enable_system_default = -1;
	ww_strlcpy(ret->path, path, sizeof(ret->path));
	ww_err_clear(&err);
	ww_buf_init(&b, WW_HOSTCFG_W3WP_MAX);
	r = ww_os_read_file(path, WW_HOSTCFG_W3WP_MAX, &b, &err);
	if (r == WW_ENOENT) {
		ww_buf_release(&b);
		return; /* absent: the state the checks look for */
	}
	ret->state = WW_HOSTCFG_FILE_ERROR;
	if (r)
		snprintf(ret->error, sizeof(ret->error), "%s", err.msg);
	else
		ww_hostcfg_parse_w3wp(path, b.data ? b.data : "", b.len, ret);
	ww_buf_release(&b);
}
