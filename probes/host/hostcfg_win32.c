/*
 * hostcfg_win32.c - read the TLS and WSUS setup registry values (the
 * Setup key through config/discover_win32.c's reader), the OS version,
 * the cipher suite order and w3wp.exe.config (hostcfg_w3wp.c parses it).
 *
 * Every key is opened through common/winreg_win32.h, with KEY_WOW64_64KEY
 * so a 32-bit build sees the same (64-bit) view as WSUS; the .NET
 * WOW6432Node twin is then read by its explicit path in that view.  A
 * missing key or value is "absent", not an error: absence is exactly what
 * the checks look for.
 */
#include "compat.h"

#include "os_win32.h"

#include "discover_win32.h"
#include "hostcfg.h"
#include "util.h"
#include "winreg_win32.h"

#define KEY_PROTOCOLS L"SYSTEM\\CurrentControlSet\\Control\\" \
	L"SecurityProviders\\SCHANNEL\\Protocols\\"
#define KEY_SUITES_POLICY L"SOFTWARE\\Policies\\Microsoft\\Cryptography\\" \
	L"Configuration\\SSL\\00010002"
#define KEY_SUITES_LOCAL L"SYSTEM\\CurrentControlSet\\Control\\Cryptography\\" \
	L"Configuration\\Local\\SSL\\00010002"
#define KEY_OS L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
/* Longest string value read (bytes of UTF-16). */
#define TEXT_BYTES_MAX ((DWORD)64 * 1024)
#define KEY_NET64 L"SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
#define KEY_NET32 L"SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319"

static void read_dword(const struct ww_win_reg_key *k, const wchar_t *name,
		       struct ww_hostcfg_dword *ret)
{
	DWORD v = 0;

	ret->present = ww_win_reg_dword(k, name, &v);
	if (ret->present)
		ret->value = v;
}

static int read_net(const wchar_t *path, struct ww_hostcfg_net *n,
		    struct ww_err *err)
{
	struct ww_win_reg_key k;
	int r = ww_win_reg_open(&k, &ww_win_reg_real, path, err);

	if (r)
		return r;
	n->key_present = k.h != NULL;
	read_dword(&k, L"SchUseStrongCrypto", &n->strong_crypto);
	read_dword(&k, L"SystemDefaultTlsVersions", &n->system_default);
	ww_win_reg_close(&k);
	return 0;
}

/*
 * A REG_SZ, REG_EXPAND_SZ or REG_MULTI_SZ value as UTF-8, the strings of
 * a MULTI_SZ joined with ',' (the cipher list is either).  False when
 * absent, of another type or over TEXT_BYTES_MAX; *cut when it did not
 * fit buf.
 */
static bool read_text(const struct ww_win_reg_key *k, const wchar_t *name,
		      char *buf, size_t size, bool *cut)
{
	return ww_win_reg_text(k, name, WW_WIN_REG_MULTI, TEXT_BYTES_MAX, buf,
			       size, cut);
}

static int read_protocol(size_t i, const wchar_t *proto,
			 struct ww_hostcfg_values *v, struct ww_err *err)
{
	wchar_t path[160];
	struct ww_win_reg_key k;
	int r;

	_snwprintf(path, WW_ARRAY_SIZE(path), L"%ls%ls\\Client",
		   KEY_PROTOCOLS, proto);
	path[WW_ARRAY_SIZE(path) - 1] = L'\0';
	r = ww_win_reg_open(&k, &ww_win_reg_real, path, err);
	if (r)
		return r;
	read_dword(&k, L"Enabled", &v->client[i].enabled);
	read_dword(&k, L"DisabledByDefault", &v->client[i].disabled_by_default);
	ww_win_reg_close(&k);
	return 0;
}

static int read_protocols(struct ww_hostcfg_values *v, struct ww_err *err)
{
	static const wchar_t *const names[WW_HOSTCFG_TLS_COUNT] = {
		L"TLS 1.0", L"TLS 1.1", L"TLS 1.2"
	};
	size_t i;
	int r = 0;

	for (i = 0; !r && i < WW_HOSTCFG_TLS_COUNT; i++)
		r = read_protocol(i, names[i], v, err);
	return r;
}

static int read_suites(const wchar_t *path, struct ww_hostcfg_suites *s,
		       struct ww_err *err)
{
	struct ww_win_reg_key k;
	int r = ww_win_reg_open(&k, &ww_win_reg_real, path, err);

	if (r)
		return r;
	s->present = read_text(&k, L"Functions", s->list, sizeof(s->list),
			       &s->truncated);
	ww_win_reg_close(&k);
	return 0;
}

static int read_os(struct ww_hostcfg_os *os, struct ww_err *err)
{
	char build[32];
	int64_t b;
	struct ww_win_reg_key k;
	int r = ww_win_reg_open(&k, &ww_win_reg_real, KEY_OS, err);

	if (r)
		return r;
	if (read_text(&k, L"CurrentBuild", build, sizeof(build), NULL) &&
	    ww_parse_i64(build, &b) == 0 && b > 0 && b < UINT32_MAX) {
		os->present = true;
		os->build = (uint32_t)b;
	}
	read_text(&k, L"ProductName", os->product, sizeof(os->product), NULL);
	ww_win_reg_close(&k);
	return 0;
}

/* %SystemRoot%\System32\inetsrv\w3wp.exe.config (64-bit System32: the
 * 32-bit build is redirected to SysWOW64, where IIS keeps no copy). */
static void read_w3wp(struct ww_hostcfg_w3wp *w)
{
	wchar_t dir[MAX_PATH];
	UINT n = GetSystemDirectoryW(dir, MAX_PATH);
	char *u, path[WW_HOSTCFG_TEXT_MAX];

	memset(w, 0, sizeof(*w));
	w->dont_enable_system_default = -1;
	if (!n || n >= MAX_PATH)
		return;
	u = ww_win_utf8(dir);
	if (!u)
		return;
	snprintf(path, sizeof(path), "%s\\inetsrv\\w3wp.exe.config", u);
	free(u);
	ww_hostcfg_read_w3wp(path, w);
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
	r = read_protocols(ret, err);
	if (!r)
		r = read_suites(KEY_SUITES_POLICY, &ret->suites_policy, err);
	if (!r)
		r = read_suites(KEY_SUITES_LOCAL, &ret->suites_local, err);
	if (!r)
		r = read_os(&ret->os, err);
	if (!r)
		r = read_net(KEY_NET64, &ret->net64, err);
	if (!r)
		r = read_net(KEY_NET32, &ret->net32, err);
	if (!r)
		r = read_wsus(ret, err);
	if (!r)
		read_w3wp(&ret->w3wp);
	return r;
}
