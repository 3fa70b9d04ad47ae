/*
 * cred_store_win32.c - see cred_store_win32.h.
 */
#include "compat.h"

#include <windows.h>
#include <wincred.h>
#include <string.h>

#include "cred_store_win32.h"

BOOL ww_test_cred_store(wchar_t *target, wchar_t *user, wchar_t *password)
{
	CREDENTIALW c;

	memset(&c, 0, sizeof(c));
	c.Type = CRED_TYPE_GENERIC;
	c.TargetName = target;
	c.UserName = user;
	/* UTF-16 without a terminator, as cmdkey stores it. */
	c.CredentialBlobSize = (DWORD)(wcslen(password) * sizeof(wchar_t));
	c.CredentialBlob = (LPBYTE)password;
	c.Persist = CRED_PERSIST_LOCAL_MACHINE;
	return CredWriteW(&c, 0);
}
