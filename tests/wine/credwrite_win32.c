/*
 * credwrite_win32.c - store or delete a Credential Manager generic
 * credential, for the tests that read one through
 * proxy.password_credential (test_probe_ntlm.py under Wine).
 *
 *   credwrite_win32 write TARGET    user from $WW_CRED_USER (optional),
 *                                   password from $WW_CRED_PASSWORD
 *   credwrite_win32 delete TARGET
 *
 * The password comes from the environment, never the command line, which
 * test logs and process listings show.  Exit 0 done, 1 failed, 64 usage.
 */
#include "compat.h"

#include <windows.h>
#include <wincred.h>
#include <stdio.h>
#include <string.h>

#include "cred_store_win32.h"
#include "os.h"
#include "os_win32.h"

static int write_cred(wchar_t *target)
{
	char *user = ww_os_getenv("WW_CRED_USER");
	char *pw = ww_os_getenv("WW_CRED_PASSWORD");
	wchar_t *wu = user ? ww_win_utf16(user) : NULL;
	wchar_t *wp = pw ? ww_win_utf16(pw) : NULL;
	int rc = 1;

	if (!wp || (user && !wu)) {
		fprintf(stderr, "credwrite: WW_CRED_PASSWORD (and WW_CRED_USER) "
			"must be set and UTF-8\n");
		goto out;
	}
	if (ww_test_cred_store(target, wu, wp))
		rc = 0;
	else
		fprintf(stderr, "credwrite: CredWriteW failed: %lu\n",
			(unsigned long)GetLastError());
out:
	if (wp)
		SecureZeroMemory(wp, wcslen(wp) * sizeof(wchar_t));
	free(wp);
	free(wu);
	ww_os_secret_free(pw);
	free(user);
	return rc;
}

int main(int argc, char **argv)
{
	wchar_t *target;
	int rc = 1;

	if (argc != 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "delete"))) {
		fprintf(stderr, "usage: credwrite_win32 write|delete TARGET\n");
		return 64;
	}
	target = ww_win_utf16(argv[2]);
	if (!target)
		return 1;
	if (strcmp(argv[1], "write") == 0)
		rc = write_cred(target);
	else if (CredDeleteW(target, CRED_TYPE_GENERIC, 0))
		rc = 0;
	else
		fprintf(stderr, "credwrite: CredDeleteW failed: %lu\n",
			(unsigned long)GetLastError());
	free(target);
	return rc;
}
