/*
 * wsyncmgr.c - ConfigMgr's WsyncMgr.log (wsyncmgr.h).  A line reads
 *   Generic exception : ImportUpdateFromCatalogSite failed. Arg = <GUID>.
 *   Error =The underlying connection was closed: ...  $$<SMS_WSUS_SYNC_
 *   MANAGER><12-03-2026 10:00:01.123+000><thread=4242 (0x1092)>
 * (the guide's sample, seeds/001, plus ConfigMgr's trailer).
 */
#include "compat.h"

#include "tail.h"
#include "util.h"
#include "wsyncmgr.h"

#define NEEDLE "ImportUpdateFromCatalogSite failed"

/* The message without ConfigMgr's "$$<component><time><thread>" trailer;
 * its time goes to last_time. */
static void take_line(const char *s, size_t n, struct ww_wsyncmgr_facts *r)
{
	const char *trailer = NULL, *p, *t, *e;
	size_t i;

	for (i = 0; i + 2 < n; i++)
		if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '<') {
			trailer = s + i;
			break;
		}
	r->last_time[0] = '\0';
	if (trailer) {
		p = memchr(trailer + 3, '>', (size_t)(s + n - trailer - 3));
		t = p && p + 1 < s + n && p[1] == '<' ? p + 2 : NULL;
		e = t ? memchr(t, '>', (size_t)(s + n - t)) : NULL;
		if (e)
			snprintf(r->last_time, sizeof(r->last_time), "%.*s",
				 (int)(e - t), t);
		n = (size_t)(trailer - s);
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	snprintf(r->last, sizeof(r->last), "%.*s", (int)n, s);
}

static bool contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, needle, m) == 0)
			return true;
	return false;
}

void ww_wsyncmgr_scan(const char *text, size_t len, bool partial,
		      struct ww_wsyncmgr_facts *ret)
{
	const char *p = text, *end = text + len, *nl;

	memset(ret, 0, sizeof(*ret));
	ret->bytes = len;
	if (partial) {
		nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	for (; p < end; p = nl ? nl + 1 : end) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (!contains(p, n, NEEDLE))
			continue;
		ret->import_failed++;
		take_line(p, n, ret);
	}
}

int ww_wsyncmgr_read(const char *path, struct ww_wsyncmgr_facts *ret,
		     struct ww_err *err)
{
	struct ww_tail_file *f = NULL;
	struct ww_file_id id;
	uint64_t size = 0, off;
	size_t got = 0, total = 0;
	char *buf = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = ww_tail_file_open(path, &f, err);
	if (!r)
		r = ww_tail_file_info(f, &id, &size, err);
	if (r)
		goto out;
	off = size > WW_WSYNCMGR_TAIL ? size - WW_WSYNCMGR_TAIL : 0;
	buf = malloc(WW_WSYNCMGR_TAIL);
	if (!buf) {
		r = ww_err_set(err, WW_ENOMEM, "out of memory");
		goto out;
	}
	do {
		r = ww_tail_file_read_at(f, off + total, buf + total,
					 WW_WSYNCMGR_TAIL - total, &got, err);
		total += got;
	} while (!r && got && total < WW_WSYNCMGR_TAIL);
	if (!r)
		ww_wsyncmgr_scan(buf, total, off > 0, ret);
out:
	free(buf);
	ww_tail_file_close(f);
	return r;
}
