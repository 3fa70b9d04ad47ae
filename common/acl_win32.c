/*
 * acl_win32.c - who may change a file or directory: what install asks of
 * the directory it registers the binary from and of the data directory,
 * and what the service asks of its configuration file, which steers
 * SYSTEM's file writes and TLS trust.
 */
#include "compat.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include "os_win32.h"
#include "util.h"

/* NT SERVICE\TrustedInstaller (owner of much of Windows' own tree). */
#define WW_SID_TRUSTED_INSTALLER \
	L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"

/* Rights that let a holder change what the object says or is. */
#define WW_WRITE_RIGHTS                                                     \
	(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |               \
	 FILE_WRITE_ATTRIBUTES | FILE_DELETE_CHILD | DELETE | WRITE_DAC |   \
	 WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)

static bool is_self(PSID sid)
{
	BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
	HANDLE tok = NULL;
	DWORD n = 0;
	bool same = false;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return false;
	if (GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &n))
		same = EqualSid(sid, ((TOKEN_USER *)buf)->User.Sid) != 0;
	CloseHandle(tok);
	return same;
}

static bool is_trusted_installer(PSID sid)
{
	PSID ti = NULL;
	bool same = false;

	if (ConvertStringSidToSidW(WW_SID_TRUSTED_INSTALLER, &ti)) {
		same = EqualSid(sid, ti) != 0;
		LocalFree(ti);
	}
	return same;
}

bool ww_win_sid_trusted(PSID sid)
{
	return sid && IsValidSid(sid) &&
	       (IsWellKnownSid(sid, WinLocalSystemSid) ||
		IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ||
		is_trusted_installer(sid) || is_self(sid));
}

/* "S-1-1-0 (Everyone)", or the SID string alone when it has no name. */
static void describe_sid(PSID sid, char *who, size_t n)
{
	wchar_t name[128], domain[128];
	DWORD nl = WW_ARRAY_SIZE(name), dl = WW_ARRAY_SIZE(domain);
	SID_NAME_USE use;
	LPWSTR str = NULL;
	char *s = NULL, *a = NULL;

	if (ConvertSidToStringSidW(sid, &str))
		s = ww_win_utf8(str);
	if (LookupAccountSidW(NULL, sid, name, &nl, domain, &dl, &use))
		a = ww_win_utf8(name);
	snprintf(who, n, "%s%s%s%s", s ? s : "?", a ? " (" : "", a ? a : "",
		 a ? ")" : "");
	LocalFree(str);
	free(s);
	free(a);
}

static int read_sd(const char *path, SECURITY_INFORMATION si,
		   PSECURITY_DESCRIPTOR *sd, PSID *owner, PACL *dacl,
		   struct ww_err *err)
{
	wchar_t *w = ww_win_utf16(path);
	DWORD e;

	if (!w)
		return ww_err_set(err, WW_EINVAL, "'%s': not valid UTF-8", path);
	e = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, si, owner, NULL, dacl,
				  NULL, sd);
	free(w);
	return e == ERROR_SUCCESS ? 0 :
	       ww_win_err(err, e, "GetNamedSecurityInfoW()", path);
}

int ww_win_owner_trusted(const char *path, bool *ret_ok, char *who, size_t n,
			 struct ww_err *err)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID owner = NULL;
	int r = read_sd(path, OWNER_SECURITY_INFORMATION, &sd, &owner, NULL,
			err);

	if (r)
		return r;
	*ret_ok = ww_win_sid_trusted(owner);
	if (owner)
		describe_sid(owner, who, n);
	else
		snprintf(who, n, "no owner");
	LocalFree(sd);
	return 0;
}

/* The first ACE that lets an untrusted SID change the object, or NULL. */
static PSID untrusted_writer(PACL dacl)
{
	ACL_SIZE_INFORMATION info;
	DWORD i;

	if (!GetAclInformation(dacl, &info, sizeof(info), AclSizeInformation))
		return NULL;
	for (i = 0; i < info.AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace = NULL;
		PSID sid;

		if (!GetAce(dacl, i, (LPVOID *)&ace) ||
		    ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE ||
		    (ace->Header.AceFlags & INHERIT_ONLY_ACE) ||
		    !(ace->Mask & WW_WRITE_RIGHTS))
			continue;
		sid = (PSID)&ace->SidStart;
		if (!ww_win_sid_trusted(sid))
			return sid;
	}
	return NULL;
}

int ww_win_admin_only(const char *path, bool *ret_ok, char *who, size_t n,
		      struct ww_err *err)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID owner = NULL, other;
	PACL dacl = NULL;
	int r = read_sd(path, OWNER_SECURITY_INFORMATION |
				      DACL_SECURITY_INFORMATION,
			&sd, &owner, &dacl, err);

	if (r)
		return r;
	*ret_ok = false;
	if (!ww_win_sid_trusted(owner)) {
		if (owner)
			describe_sid(owner, who, n);
		else
			snprintf(who, n, "no owner");
	} else if (!dacl) {
		snprintf(who, n, "everyone (no DACL)");
	} else if ((other = untrusted_writer(dacl)) != NULL) {
		describe_sid(other, who, n);
	} else {
		*ret_ok = true;
		if (n)
			who[0] = '\0';
	}
	LocalFree(sd);
	return 0;
}
