/*
 * utf8.h - UTF-8 validity.  Text from outside (the WSUS log) is made valid
 * UTF-8 once, where it comes in, so that everything built from it (the
 * store, JSON answers, Event Log messages) is valid without checking
 * again; and whatever cuts such text to a size cuts it at a character
 * boundary.  Valid means RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF.
 */
#ifndef WW_COMMON_UTF8_H
#define WW_COMMON_UTF8_H

#include "compat.h"

/* The replacement character U+FFFD in UTF-8. */
#define WW_UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* True when s[0..n) is valid UTF-8. */
bool ww_utf8_valid(const char *s, size_t n);

/*
 * Copy s[0..n) to out (cap bytes of room; no NUL is added), each invalid
 * sequence (Unicode's "maximal subpart") replaced by U+FFFD.  Returns the
 * length written; when out is full the copy stops at a character
 * boundary and *cut (may be NULL) is set.
 */
size_t ww_utf8_sanitize(const char *s, size_t n, char *out, size_t cap,
			bool *cut);

/*
 * Shorten the NUL-terminated valid UTF-8 string s, cut anywhere by a
 * bounded copy (snprintf, ww_strlcpy), so that it does not end inside a
 * character.  Returns its new length.
 */
size_t ww_utf8_trim_cut(char *s);

/* Copy at most size - 1 bytes of s[0..n), cut at a character boundary. */
size_t ww_utf8_copy(char *dst, size_t size, const char *s, size_t n);

#endif /* WW_COMMON_UTF8_H */
