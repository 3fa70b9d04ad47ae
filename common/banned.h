/*
 * banned.h - functions that must not be used in wsuswatch (after git's
 * banned.h).  Each is either unbounded (strcpy, sprintf), not reentrant
 * (strtok, gmtime, localtime) or silently wrong on bad input (atoi).
 * Use ww_strlcpy(), snprintf(), ww_time_gmtime() and ww_parse_i64()
 * instead.  Included last by compat.h.
 */
#ifndef WW_BANNED_H
#define WW_BANNED_H

#define WW_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) WW_BANNED(strcpy)
#undef strcat
#define strcat(x, y) WW_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) WW_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) WW_BANNED(strncat)
#undef sprintf
#define sprintf(...) WW_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) WW_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) WW_BANNED(strtok)
#undef gmtime
#define gmtime(t) WW_BANNED(gmtime)
#undef localtime
#define localtime(t) WW_BANNED(localtime)
#undef ctime
#define ctime(t) WW_BANNED(ctime)
#undef asctime
#define asctime(t) WW_BANNED(asctime)
#undef atoi
#define atoi(x) WW_BANNED(atoi)
#undef atol
#define atol(x) WW_BANNED(atol)
#undef gets
#define gets(x) WW_BANNED(gets)

#endif /* WW_BANNED_H */
