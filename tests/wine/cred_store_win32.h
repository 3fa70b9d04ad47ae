/*
 * cred_store_win32.h - store a Credential Manager generic credential the
 * way an administrator's `cmdkey /generic` does, for the tests of
 * proxy.password_credential (unit_os_win32, credwrite_win32).
 */
#ifndef WW_TESTS_CRED_STORE_WIN32_H
#define WW_TESTS_CRED_STORE_WIN32_H

#include <windows.h>

/* CredWriteW; user may be NULL (none).  FALSE with GetLastError() set. */
BOOL ww_test_cred_store(wchar_t *target, wchar_t *user, wchar_t *password);

#endif
