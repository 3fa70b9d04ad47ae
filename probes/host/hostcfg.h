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
 *     Protocols\TLS 1.0|TLS 1.1|TLS 1.2\Client  Enabled, DisabledByDefault
 *   SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
 *                                            Functions (Group Policy's
 *                                            SSL Cipher Suite Order)
 *   SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\
 *     Local\SSL\00010002                     Functions (local setting)
 *   SOFTWARE\Microsoft\Windows NT\CurrentVersion
 *                                            CurrentBuild,
 *                                            CurrentMajorVersionNumber,
 *                                            ProductName
 *   SOFTWARE\Microsoft\.NETFramework\v4.0.30319   and
 *   SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319
 *                                            SchUseStrongCrypto,
 *                                            SystemDefaultTlsVersions
 *   SOFTWARE\Microsoft\Update Services\Server\Setup
 *                                            PortNumber, UsingSSL, ContentDir
 * and one file: %SystemRoot%\System32\inetsrv\w3wp.exe.config, its
 * <runtime><AppContextSwitchOverrides value="..."/> (expat, bounded).
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

/* SCHANNEL client protocols read, in this order. */
enum ww_hostcfg_tls {
	WW_HOSTCFG_TLS10 = 0,
	WW_HOSTCFG_TLS11,
	WW_HOSTCFG_TLS12,
	WW_HOSTCFG_TLS_COUNT
};

/* SCHANNEL\Protocols\<protocol>\Client */
struct ww_hostcfg_proto {
	struct ww_hostcfg_dword enabled;
	struct ww_hostcfg_dword disabled_by_default;
};

/* A cipher suite list: REG_SZ (comma list) or REG_MULTI_SZ, kept as one
 * comma list. */
#define WW_HOSTCFG_FUNCS_MAX 4096
struct ww_hostcfg_suites {
	bool present;
	bool truncated;             /* longer than the buffer: cut */
	char list[WW_HOSTCFG_FUNCS_MAX];
};

/* Windows NT\CurrentVersion: which server the suites are judged for. */
struct ww_hostcfg_os {
	bool present;               /* CurrentBuild was read */
	uint32_t build;             /* 9200: 2012, 9600: 2012 R2, 14393: 2016 */
	char product[WW_HOSTCFG_TEXT_MAX / 2]; /* ProductName, "" absent */
};

/* %SystemRoot%\System32\inetsrv\w3wp.exe.config */
enum ww_hostcfg_file {
	WW_HOSTCFG_FILE_ABSENT = 0, /* no file (or not looked for) */
	WW_HOSTCFG_FILE_READ,       /* read and parsed */
	WW_HOSTCFG_FILE_ERROR       /* unreadable or malformed: error says */
};

struct ww_hostcfg_w3wp {
	enum ww_hostcfg_file state;
	char path[WW_HOSTCFG_TEXT_MAX];
	/* Switch.System.Net.DontEnableSystemDefaultTlsVersions:
	 * -1 not in the file, 0 false, 1 true. */
	int dont_enable_system_default;
	char overrides[WW_HOSTCFG_TEXT_MAX]; /* the value attribute, cut */
	char error[WW_HOSTCFG_TEXT_MAX];     /* "path:line:col: message" */
};

struct ww_hostcfg_values {
	/* SCHANNEL\Protocols\TLS 1.x\Client, by enum ww_hostcfg_tls */
	struct ww_hostcfg_proto client[WW_HOSTCFG_TLS_COUNT];
	/* Cipher suite order: Group Policy, then the local setting */
	struct ww_hostcfg_suites suites_policy;
	struct ww_hostcfg_suites suites_local;
	struct ww_hostcfg_os os;
	struct ww_hostcfg_w3wp w3wp;
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

/*
 * Read and parse a w3wp.exe.config (portable, hostcfg_w3wp.c): at most
 * WW_HOSTCFG_W3WP_MAX bytes, parsed with expat, no DTD.  Never fails:
 * ret->state says absent, read or error (ret->error names the file and,
 * for malformed XML, the line and column).
 */
#define WW_HOSTCFG_W3WP_MAX ((size_t)64 * 1024)
void ww_hostcfg_read_w3wp(const char *path, struct ww_hostcfg_w3wp *ret);
/* The same for a buffer already read; name is used in messages. */
void ww_hostcfg_parse_w3wp(const char *name, const char *xml, size_t len,
			   struct ww_hostcfg_w3wp *ret);

/*
 * The Microsoft Update endpoint's cipher suites for this OS (Microsoft's
 * "Troubleshoot WSUS synchronization and import issues", issue 5): the
 * _P256/_P384 CBC names on 2012 and 2012 R2, the ECDHE_RSA GCM and CBC
 * SHA256/SHA384 names on 2016 and later; both lists when the build is
 * unknown.  Static strings, NULL-terminated; *ret_os names the list.
 */
const char *const *ww_hostcfg_mu_suites(const struct ww_hostcfg_os *os,
					const char **ret_os);
/* Whether a comma list holds one of suites (case-insensitive, trimmed);
 * the first one found in *ret_found (or NULL). */
bool ww_hostcfg_suites_usable(const char *list, const char *const *suites,
			      const char **ret_found);
/* "Windows Server 2012 R2 Datacenter (build 9600)" or "unknown OS". */
void ww_hostcfg_os_text(const struct ww_hostcfg_os *os, char *buf,
			size_t size);
/* Which Monthly Rollup carries WSUS's TLS 1.2 fix for sync on this OS:
 * "KB4022721" (2012), "KB4022720" (2012 R2), NULL otherwise. */
const char *ww_hostcfg_sync_fix_kb(const struct ww_hostcfg_os *os);
/* Windows Server 2016 or later (build 10240 and up): the one home of the
 * build rule the suite lists and the sync fix follow. */
bool ww_hostcfg_os_2016_or_later(const struct ww_hostcfg_os *os);
/* The cipher suite order in force: policy, else local, else NULL. */
const struct ww_hostcfg_suites *
ww_hostcfg_suites_in_force(const struct ww_hostcfg_values *v,
			   const char **ret_where);

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

#define WW_HOSTCFG_ITEMS_MAX 8

struct ww_hostcfg_item {
	const char *name;        /* "schannel_tls12_client", ... (static) */
	enum ww_hostcfg_state state;
	const char *finding;     /* contract category or NULL (static) */
	char summary[WW_HOSTCFG_TEXT_MAX];
	char evidence[WW_HOSTCFG_TEXT_MAX * 2];
	char hint[WW_HOSTCFG_TEXT_MAX * 2]; /* "" when nothing to do; never
					     * asks for what is already set */
};

struct ww_hostcfg_report {
	struct ww_hostcfg_item items[WW_HOSTCFG_ITEMS_MAX];
	size_t n;
};

/* Judge values (pure).  expect may be NULL. */
void ww_hostcfg_evaluate(const struct ww_hostcfg_values *v,
			 const struct ww_hostcfg_expect *expect,
			 struct ww_hostcfg_report *ret);

/* Whether an item of r with this finding ("import_tls_path": the import
 * path (.NET) would not offer TLS 1.2) is warning or critical: the rule
 * is the items' own, asked of their report. */
bool ww_hostcfg_report_has_finding(const struct ww_hostcfg_report *r,
				   const char *finding);
/* An item that asks for action: warning or critical. */
bool ww_hostcfg_item_bad(const struct ww_hostcfg_item *it);

#endif /* WW_PROBES_HOSTCFG_H */
