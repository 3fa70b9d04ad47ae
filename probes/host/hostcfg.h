/*
 * hostcfg.h - the host's TLS configuration as a WSUS administrator checks
 * it for TLS 1.2 (SCHANNEL protocol keys, .NET strong crypto), and WSUS's
 * own setup values, for `diagnose`.
 *
 * Two halves behind one seam:
 *   read      ww_hostcfg_read() fills a plain struct ww_hostcfg_values
 *             from the registry (hostcfg_win32.c; 64-bit view, the
 *             WOW6432Node twin read explicitly) or reports that there is
 *             no such thing here (hostcfg_posix.c: WW_EUNAVAIL).
 *   evaluate  ww_hostcfg_evaluate() turns values into items with a state,
 *             a summary, the first check to make and the evidence.  Pure,
 *             portable, unit-tested with hand-built values; the Wine test
 *             sets real registry values with `wine reg add` and checks
 *             both halves together.
 *
 * Registry keys read (all under HKLM):
 *   SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\
 *     Protocols\TLS 1.2\Client               Enabled, DisabledByDefault
 *   SOFTWARE\Microsoft\.NETFramework\v4.0.30319   and
 *   SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319
 *                                            SchUseStrongCrypto,
 *                                            SystemDefaultTlsVersions
 *   SOFTWARE\Microsoft\Update Services\Server\Setup
 *                                            PortNumber, UsingSSL, ContentDir
 */
#ifndef WW_PROBES_HOSTCFG_H
#define WW_PROBES_HOSTCFG_H

#include "compat.h"
#include "err.h"

#define WW_HOSTCFG_TEXT_MAX 260

/* One DWORD value: absent (key or value missing) or its number. */
struct ww_hostcfg_dword {
	bool present;
	uint32_t value;
};

struct ww_hostcfg_net {
	bool key_present;                 /* the v4.0.30319 key exists */
	struct ww_hostcfg_dword strong_crypto;   /* SchUseStrongCrypto */
	struct ww_hostcfg_dword system_default;  /* SystemDefaultTlsVersions */
};

struct ww_hostcfg_values {
	/* SCHANNEL\Protocols\TLS 1.2\Client */
	struct ww_hostcfg_dword tls12_enabled;
	struct ww_hostcfg_dword tls12_disabled_by_default;
	/* .NET Framework 4: 64-bit view and the 32-bit (WOW6432Node) twin */
	struct ww_hostcfg_net net64;
	struct ww_hostcfg_net net32;
	/* Update Services\Server\Setup */
	bool wsus_installed;              /* the Setup key exists */
	struct ww_hostcfg_dword wsus_port;
	struct ww_hostcfg_dword wsus_ssl;
	bool have_content_dir;
	char content_dir[WW_HOSTCFG_TEXT_MAX];
};

/*
 * Read the values from this host.  0 with *ret filled (absent values are
 * not errors); WW_EUNAVAIL where there is no registry (POSIX), with the
 * message "not applicable on this system"; WW_EPERM / WW_EIO when a key
 * exists but cannot be read (message names the key).
 */
int ww_hostcfg_read(struct ww_hostcfg_values *ret, struct ww_err *err);

/* What the configuration says, to compare with WSUS's own setup. */
struct ww_hostcfg_expect {
	bool from_upstream;      /* the configuration names an upstream */
	int64_t upstream_port;
	bool upstream_ssl;
};

enum ww_hostcfg_state {
	WW_HOSTCFG_OK = 0,
	WW_HOSTCFG_WARNING = 1,
	WW_HOSTCFG_CRITICAL = 2,
	WW_HOSTCFG_UNKNOWN = 3
};

#define WW_HOSTCFG_ITEMS_MAX 4

struct ww_hostcfg_item {
	const char *name;        /* "schannel_tls12_client", ... (static) */
	enum ww_hostcfg_state state;
	const char *finding;     /* contract category or NULL (static) */
	char summary[WW_HOSTCFG_TEXT_MAX];
	char evidence[WW_HOSTCFG_TEXT_MAX * 2];
	const char *hint;        /* static; NULL when nothing to do */
};

struct ww_hostcfg_report {
	struct ww_hostcfg_item items[WW_HOSTCFG_ITEMS_MAX];
	size_t n;
};

/* Judge values (pure).  expect may be NULL. */
void ww_hostcfg_evaluate(const struct ww_hostcfg_values *v,
			 const struct ww_hostcfg_expect *expect,
			 struct ww_hostcfg_report *ret);

#endif /* WW_PROBES_HOSTCFG_H */
