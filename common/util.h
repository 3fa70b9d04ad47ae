/*
 * util.h - small portable helpers: bounded strings, strict number and
 * duration parsing, UTC time without the C library's time-zone traps, and a
 * growable buffer with a hard limit.
 */
#ifndef WW_UTIL_H
#define WW_UTIL_H

#include "compat.h"
#include "err.h"

/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t ww_strlcpy(char *dst, const char *src, size_t size);

/* Heap copies; caller frees with free(). NULL on allocation failure. */
char *ww_strdup(const char *s);
char *ww_strndup(const char *s, size_t n);

/* Case-insensitive ASCII comparison (locale independent). */
int ww_strcasecmp(const char *a, const char *b);

/*
 * A host name or IP address literal as it may stand in a URL's host
 * part: ASCII letters, digits and . - _ : [ ], 1 to 255 of them (never
 * '/', '@', '?', blanks: nothing that would change the URL).
 */
bool ww_host_name_ok(const char *s);
bool ww_str_starts_with(const char *s, const char *prefix);

/* Strict decimal integer: whole string, no sign surprises, no overflow. */
int ww_parse_i64(const char *s, int64_t *ret);

/*
 * The process id a lock file's holder wrote ("1234\n", or "\r\n" on
 * Windows; ww_os_lock_file()), from the first n bytes read of it
 * (terminated here, so buf has n + 1 bytes); 0 when there is none.
 */
unsigned long ww_lock_pid_parse(char *buf, size_t n);

/*
 * Durations as written in the configuration: one or more <number><unit>
 * groups with units s, m, h, d ("45s", "5m", "26h", "30d", "1h30m").
 * A bare number, an unknown unit or an overflow is WW_EINVAL.
 */
int ww_duration_parse(const char *s, int64_t *ret_seconds);

/* Shortest exact form of a duration ("26h", "1h30m", "0s"). */
void ww_duration_format(int64_t seconds, char *buf, size_t size);

/* Seconds since 1970-01-01 UTC of a proleptic Gregorian civil time. */
int64_t ww_time_from_civil(int year, int mon, int day, int hour, int min,
			   int sec);

struct ww_civil {
	int year, mon, day, hour, min, sec;
};
void ww_time_to_civil(int64_t t, struct ww_civil *ret);

/* "2026-11-23T08:15:00Z" + NUL, or "+10000-01-01T00:00:00Z" up to int. */
#define WW_ISO_TIME_LEN 32

/*
 * Format t as ISO 8601 UTC, "2026-11-23T08:15:00Z"; a year outside
 * 0000-9999 in the expanded form with its sign ("+10000-01-01T...Z").
 */
void ww_time_format_iso(int64_t t, char buf[WW_ISO_TIME_LEN]);

/* A time that is not known (the sources' WW_TIME_UNKNOWN and kin). */
#define WW_TIME_NONE INT64_MIN

/*
 * The one "time or null" of every JSON output: t as ww_time_format_iso()
 * writes it, or JSON null when t is WW_TIME_NONE.  NULL when out of
 * memory.  ww_json_add_time() adds it to o as key; false when out of
 * memory.
 */
struct cJSON;
struct cJSON *ww_json_time(int64_t t);
bool ww_json_add_time(struct cJSON *o, const char *key, int64_t t);

/*
 * The one UTF-16 decoder of byte streams (event exports, the UTF-16LE
 * sync log; Win32 API strings go through os_win32.h instead), one code
 * unit at a time: a surrogate pair becomes one code point, an unpaired
 * surrogate U+FFFD (Windows allows them in text; a reader must not fail on
 * them).  *high holds a pending high surrogate between calls (0: none;
 * at the end of the text a pending one is the caller's U+FFFD).  Writes
 * 0 to 2 code points to out and returns how many.
 */
size_t ww_utf16_unit(uint32_t *high, uint32_t u, uint32_t out[2]);

/* Code point c (at most U+10FFFF) as UTF-8 into out; returns 1 to 4. */
size_t ww_utf8_put(uint32_t c, unsigned char out[4]);

/* Parse "YYYY-MM-DDTHH:MM:SSZ" (fractions ignored). */
int ww_time_parse_iso(const char *s, int64_t *ret);

/*
 * A growable byte buffer that refuses to grow beyond max (curl's dynbuf
 * rule: every growable buffer has a hard limit).  data is always
 * NUL-terminated when non-NULL.
 */
struct ww_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void ww_buf_init(struct ww_buf *b, size_t max);
void ww_buf_release(struct ww_buf *b);
void ww_buf_reset(struct ww_buf *b);
/* WW_ERANGE when the result would exceed max, WW_ENOMEM on failure. */
int ww_buf_append(struct ww_buf *b, const void *data, size_t len);
int ww_buf_appends(struct ww_buf *b, const char *s);
int ww_buf_appendf(struct ww_buf *b, const char *fmt, ...) WW_PRINTF(2, 3);
/* Hand the data to the caller (free() it); the buffer is left empty. */
char *ww_buf_detach(struct ww_buf *b);

#endif /* WW_UTIL_H */
