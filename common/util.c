#include "compat.h"

#include <cjson/cJSON.h>

#include "util.h"

size_t ww_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *ww_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ww_strdup(const char *s)
{
	return s ? ww_strndup(s, strlen(s)) : NULL;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int ww_strcasecmp(const char *a, const char *b)
{
	for (; *a && ascii_lower((unsigned char)*a) ==
			     ascii_lower((unsigned char)*b);
	     a++, b++)
		;
	return ascii_lower((unsigned char)*a) - ascii_lower((unsigned char)*b);
}

bool ww_str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ww_parse_i64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return WW_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return WW_ERANGE;
	if (*end != '\0')
		return WW_EINVAL;
	*ret = (int64_t)v;
	return 0;
}

unsigned long ww_lock_pid_parse(char *buf, size_t n)
{
	int64_t pid;

	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (ww_parse_i64(buf, &pid) != 0 || pid <= 0 ||
	    (uint64_t)pid > ULONG_MAX)
		return 0;
	return (unsigned long)pid;
}

static int64_t unit_seconds(char unit)
{
	switch (unit) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	default: return 0;
	}
}

int ww_duration_parse(const char *s, int64_t *ret_seconds)
{
	int64_t total = 0;

	if (!s || !*s)
		return WW_EINVAL;
	while (*s) {
		int64_t n = 0, mul;
		const char *start = s;

		for (; *s >= '0' && *s <= '9'; s++) {
			if (n > (INT64_MAX - 9) / 10)
				return WW_ERANGE;
			n = n * 10 + (*s - '0');
		}
		if (s == start)
			return WW_EINVAL;
		mul = unit_seconds(*s);
		if (!mul)
			return WW_EINVAL;
		s++;
		if (n > (INT64_MAX - total) / mul)
			return WW_ERANGE;
		total += n * mul;
	}
	*ret_seconds = total;
	return 0;
}

void ww_duration_format(int64_t seconds, char *buf, size_t size)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	size_t used = 0, i;

	if (!size)
		return;
	buf[0] = '\0';
	if (seconds <= 0) {
		snprintf(buf, size, "%ss", seconds < 0 ? "-" : "0");
		return;
	}
	for (i = 0; i < WW_ARRAY_SIZE(units) && used < size; i++) {
		int64_t n = seconds / units[i].secs;
		int w;

		if (!n)
			continue;
		seconds -= n * units[i].secs;
		w = snprintf(buf + used, size - used, "%" PRId64 "%c", n,
			     units[i].unit);
		if (w < 0)
			return;
		used += (size_t)w;
	}
}

/*
 * Howard Hinnant's days_from_civil: exact for any year, and it avoids
 * timegm() (not in C11, missing on Windows) and mktime()'s time zones.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t ww_time_from_civil(int year, int mon, int day, int hour, int min,
			   int sec)
{
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	       min * 60 + sec;
}

void ww_time_to_civil(int64_t t, struct ww_civil *c)
{
	int64_t days = t / 86400, secs = t % 86400;
	int64_t era, doe, yoe, doy, mp, y;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (int)(y + (c->mon <= 2));
	c->hour = (int)(secs / 3600);
	c->min = (int)(secs % 3600 / 60);
	c->sec = (int)(secs % 60);
}

void ww_time_format_iso(int64_t t, char buf[WW_ISO_TIME_LEN])
{
	struct ww_civil c;

	ww_time_to_civil(t, &c);
	/*
	 * Years outside 0000-9999 in ISO 8601's expanded form ("+10000-"),
	 * never wrapped: a stamp from the year 10000 printed as 0000 would
	 * read as a very old time instead of an impossible one.
	 */
	snprintf(buf, WW_ISO_TIME_LEN,
		 c.year >= 0 && c.year <= 9999 ?
			 "%04d-%02d-%02dT%02d:%02d:%02dZ" :
			 "%+05d-%02d-%02dT%02d:%02d:%02dZ",
		 c.year, c.mon, c.day, c.hour, c.min, c.sec);
}

static bool digits(const char *s, size_t n, int *ret)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

size_t ww_utf16_unit(uint32_t *high, uint32_t u, uint32_t out[2])
{
	size_t n = 0;

	if (*high) {
		uint32_t hi = *high;

		*high = 0;
		if (u >= 0xDC00 && u <= 0xDFFF) {
			out[0] = 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00);
			return 1;
		}
		out[n++] = 0xFFFD;
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		*high = u;
		return n;
	}
	out[n++] = (u >= 0xDC00 && u <= 0xDFFF) ? 0xFFFD : u;
	return n;
}

size_t ww_utf8_put(uint32_t c, unsigned char out[4])
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	} else if (c < 0x800) {
		out[0] = (unsigned char)(0xC0 | (c >> 6));
		out[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	} else if (c < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (c >> 12));
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (c >> 18));
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

cJSON *ww_json_time(int64_t t)
{
	char iso[WW_ISO_TIME_LEN];

	if (t == WW_TIME_NONE)
		return cJSON_CreateNull();
	ww_time_format_iso(t, iso);
	return cJSON_CreateString(iso);
}

bool ww_json_add_time(cJSON *o, const char *key, int64_t t)
{
	cJSON *v = ww_json_time(t);

	if (v && cJSON_AddItemToObject(o, key, v))
		return true;
	cJSON_Delete(v);
	return false;
}

int ww_time_parse_iso(const char *s, int64_t *ret)
{
	int y, mo, d, h, mi, se;
	const char *p;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return WW_EINVAL;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
		return WW_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return WW_EINVAL;
	p = s + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (strcmp(p, "Z") != 0)
		return WW_EINVAL;
	*ret = ww_time_from_civil(y, mo, d, h, mi, se);
	return 0;
}

void ww_buf_init(struct ww_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void ww_buf_release(struct ww_buf *b)
{
	WW_FREE(b->data);
	b->len = 0;
	b->cap = 0;
}

void ww_buf_reset(struct ww_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int buf_reserve(struct ww_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return WW_ERANGE;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return WW_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int ww_buf_append(struct ww_buf *b, const void *data, size_t len)
{
	int r = buf_reserve(b, len);

	if (r)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int ww_buf_appends(struct ww_buf *b, const char *s)
{
	return ww_buf_append(b, s, strlen(s));
}

int ww_buf_appendf(struct ww_buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	int n, r;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return WW_EINVAL;
	}
	r = buf_reserve(b, (size_t)n);
	if (!r) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
	return r;
}

char *ww_buf_detach(struct ww_buf *b)
{
	char *p = b->data;

	if (!p)
		p = ww_strdup("");
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

bool ww_host_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 255)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* ASCII by hand: isalnum() follows the locale. */
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr(".-_[]:", c)))
			return false;
	}
	return true;
}
