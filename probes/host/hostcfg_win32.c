/*
 * hostcfg_win32.c - read the TLS and WSUS setup registry values (the
 * Setup key through config/discover_win32.c's reader).
 *
 * Every key is opened with KEY_WOW64_64KEY so a 32-bit build sees the
 * same (64-bit) view as WSUS; the .NET WOW6432Node twin is then read by
 * its explicit path in that view.  A missing key or value is "absent",
 * not an error: absence is exactly what the checks look for.
 */
#include "compat.h"

#include "os_win32.h"

#include "discover_win32.h"
#include "hostcfg.h"

#define KEY_TLS12_CLIENT L"SYSTEM\\CurrentControlSet\\Control\\" \
	L"SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client"
#define KEY_NET64 L"SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
#define KEY_NET32 L"SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319"

/* Open HKLM\path; *ret NULL (and 0) when the key does not exist. */
static int open_key(const wchar_t *path, HKEY *ret, struct ww_err *err)
{
	LONG e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0,
			       KEY_QUERY_VALUE | KEY_WOW64_64KEY, ret);
	char *name;
	int r;

	if (e == ERROR_SUCCESS)
		return 0;
	*ret = NULL;
	if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
		return 0;
	name = ww_win_utf8(path);
	r = ww_win_err(err, (DWORD)e, "RegOpenKeyExW", name ? name : "HKLM");
	free(name);
	return r;
}

static void read_dword(HKEY k, const wchar_t *name,
		       struct ww_hostcfg_dword *ret)
{
	DWORD type = 0, v = 0, size = sizeof(v);

	ret->present = false;
	if (k && RegQueryValueExW(k, name, NULL, &type, (BYTE *)&v, &size) ==
			 ERROR_SUCCESS && type == REG_DWORD && size == sizeof(v)) {
		ret->present = true;
		ret->value = v;
	}
}

static int read_net(const wchar_t *path, struct ww_hostcfg_net *n,
		    struct ww_err *err)
{
	HKEY k;
	int r = open_key(path, &k, err);

	if (r)
		return r;
	n->key_present = k != NULL;
	read_dword(k, L"SchUseStrongCrypto", &n->strong_crypto);
	read_dword(k, L"SystemDefaultTlsVersions", &n->system_default);
	if (k)
		RegCloseKey(k);
	return 0;
}

static int read_tls12(struct ww_hostcfg_values *v, struct ww_err *err)
{
	HKEY k;
	int r = open_key(KEY_TLS12_CLIENT, &k, err);

	if (r)
		return r;
	read_dword(k, L"Enabled", &v->tls12_enabled);
	read_dword(k, L"DisabledByDefault", &v->tls12_disabled_by_default);
	if (k)
		RegCloseKey(k);
	return 0;
}

/* WSUS's Setup key through discovery's reader, the one reader of it. */
static int read_wsus(struct ww_hostcfg_values *v, struct ww_err *err)
{
	struct ww_disc_setup_key *key = malloc(sizeof(*key));
	int r;

	if (!key)
		return ww_err_set(err, WW_ENOMEM, "out of memory");
	r = ww_disc_read_setup_key(key, err);
	if (!r) {
		v->wsus_installed = key->present;
		v->wsus_port.present = key->have_port;
		v->wsus_port.value = key->have_port ? key->port : 0;
		v->wsus_ssl.present = key->have_ssl;
		v->wsus_ssl.value = key->have_ssl ? key->ssl : 0;
		v->have_content_dir = key->have_content_dir;
		if (key->have_content_dir)
			snprintf(v->content_dir, sizeof(v->content_dir), "%s",
				 key->content_dir);
	}
	free(key);
	return r;
}

int ww_hostcfg_read(struct ww_hostcfg_values *ret, struct ww_err *err)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	r = read_tls12(ret, err);
	if (!r)
		r = read_net(KEY_NET64, &ret->net64, err);
	if (!r)
		r = read_net(KEY_NET32, &ret->net32, err);
	if (!r)
		r = read_wsus(ret, err);
	return r;
}
