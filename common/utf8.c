/*
 * utf8.c - UTF-8 validity (utf8.h).  The ranges are Unicode's table 3-7
 * (well-formed byte sequences).
 */
#include "compat.h"

#include "utf8.h"

/*
 * Length of the well-formed sequence at s[0..n), or 0 when there is none;
 * then *bad is the length of the maximal subpart to replace (at least 1).
 */
static size_t sequence(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
}

bool ww_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t len, bad;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		len = sequence(p, (size_t)(end - p), &bad);
		if (!len)
			return false;
		p += len;
	}
	return true;
}

size_t ww_utf8_sanitize(const char *s, size_t n, char *out, size_t cap,
			bool *cut)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t o = 0, len, bad;

	if (cut)
		*cut = false;
	while (p < end) {
		const char *from = (const char *)p;
		size_t take;

		len = sequence(p, (size_t)(end - p), &bad);
		if (len) {
			take = len;
			p += len;
		} else {
			from = WW_UTF8_REPLACEMENT;
			take = 3;
			p += bad;
		}
		if (cap - o < take) {
			if (cut)
				*cut = true;
			break;
		}
		memcpy(out + o, from, take);
		o += take;
	}
	return o;
}

/* Bytes in the sequence that lead byte c starts (1 for anything else). */
static size_t lead_length(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

size_t ww_utf8_trim_cut(char *s)
{
	size_t n = strlen(s), i = n;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0 &&
	    n - (i - 1) < lead_length((unsigned char)s[i - 1])) {
		s[i - 1] = '\0';
		return i - 1;
	}
	return n;
}

size_t ww_utf8_copy(char *dst, size_t size, const char *s, size_t n)
{
	if (!size)
		return 0;
	if (n >= size) {
		n = size - 1;
		/* s[n] is the first byte left out: do not end before its tail. */
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return n;
}
