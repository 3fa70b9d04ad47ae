/*
 * compat.h - the first include of every wsuswatch source file.
 *
 * It is the only header that decides which platform headers to pull in
 * and normalises the platform to WW_OS_WIN / WW_OS_POSIX, defined to 0 or 1
 * so that "#if" (never "#ifdef") catches a misspelt macro.  Core code does
 * not test these macros: OS-specific code lives in *_win32.c / *_posix.c
 * files chosen by CMake.  banned.h comes last so that nothing included after
 * it can use a banned function by accident.
 */
#ifndef WW_COMPAT_H
#define WW_COMPAT_H

#include "ww_config.h"

#if defined(_WIN32)
#define WW_OS_WIN 1
#define WW_OS_POSIX 0
#else
#define WW_OS_WIN 0
#define WW_OS_POSIX 1
#endif

#if !defined(_POSIX_C_SOURCE) && WW_OS_POSIX
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if WW_OS_WIN
/*
 * MinGW's <io.h> (also pulled in by <unistd.h>) defines inline functions
 * that call strncpy; it must be seen before banned.h poisons that name.
 */
#include <io.h>
#include <sys/stat.h>
#include <sys/types.h>
#endif

#define WW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Free and forget: the pointer cannot be used after free by mistake. */
#define WW_FREE(p)        \
	do {              \
		free(p);  \
		(p) = NULL; \
	} while (0)

/* gnu_printf: MinGW's C99 printf (__USE_MINGW_ANSI_STDIO); clang knows
 * only printf, which is the same checking there. */
#if defined(__clang__)
#define WW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#elif defined(__GNUC__)
#define WW_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#endif
#if defined(__GNUC__)
#define WW_UNUSED __attribute__((unused))
#define WW_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define WW_PRINTF(f, a)
#define WW_UNUSED
#define WW_WARN_UNUSED
#endif

/*
 * The last parameter of aclapi.h's FN_PROGRESS callback (os_win32.c): a
 * WINBOOL in MinGW's header, a PBOOL in the Windows SDK's.  A callback
 * declared with the other one is a different function type, which MSVC
 * rejects (C4113) and calling through it is undefined.
 */
#if defined(__MINGW32__)
#define WW_FN_PROGRESS_SECURITY_SET BOOL
#else
#define WW_FN_PROGRESS_SECURITY_SET PBOOL
#endif

/*
 * WW_TESTABLE makes a file-local function linkable from unit tests
 * (as curl's UNITTEST): static in the product, global in test builds.
 */
#if defined(WW_UNIT_TESTS)
#define WW_TESTABLE
#else
#define WW_TESTABLE static
#endif

#include "banned.h"

#endif /* WW_COMPAT_H */
