/*
 * hostsvc.h - the WSUS server's local services as the guides check them:
 * WsusService, BITS and W3SVC (state and startup type), IIS's WsusPool
 * application pool (applicationHost.config), read access to the content
 * directory (ContentDir) for NETWORK SERVICE and Users, and intermediate
 * CA certificates in the machine's Trusted Root store.
 *
 * Two halves behind one seam, as hostcfg.h:
 *   read   ww_hostsvc_read() fills a plain struct ww_hostsvc_values
 *          (hostsvc_win32.c: SCM with SC_MANAGER_CONNECT and
 *          SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG only, the
 *          directory's DACL with GetNamedSecurityInfoW, the LocalMachine
 *          ROOT store read-only, applicationHost.config through
 *          ww_hostsvc_apphost_read()); hostsvc_posix.c: WW_EUNAVAIL.
 *   judge  ww_hostsvc_judge_*() turn values into a state, a summary, the
 *          evidence and the fix.  Pure and portable, unit-tested with
 *          hand-built values (tests/unit/test_hostsvc.c); the Wine test
 *          changes real services, a real DACL and the real ROOT store.
 *
 * The DACL is judged by walking its ACEs here (ww_hostsvc_dacl_allowed),
 * not by GetEffectiveRightsFromAcl, so the rule is the same on Windows,
 * under Wine and in the unit tests (docs/health.md, "Local services").
 */
#ifndef WW_PROBES_HOSTSVC_H
#define WW_PROBES_HOSTSVC_H

#include "compat.h"
#include "err.h"

#define WW_HOSTSVC_TEXT_MAX 260
#define WW_HOSTSVC_SID_MAX 72
#define WW_HOSTSVC_ACES_MAX 48
#define WW_HOSTSVC_CERTS_MAX 6
/* applicationHost.config is read whole; a real one is ~100 KiB. */
#define WW_HOSTSVC_APPHOST_MAX (8u * 1024u * 1024u)

enum ww_hostsvc_id {
	WW_HOSTSVC_WSUS = 0,  /* WsusService */
	WW_HOSTSVC_BITS,      /* Background Intelligent Transfer Service */
	WW_HOSTSVC_W3SVC,     /* IIS */
	WW_HOSTSVC_N
};

/* "WsusService", "BITS", "W3SVC". */
const char *ww_hostsvc_service_name(enum ww_hostsvc_id id);

enum ww_hostsvc_start {
	WW_SVC_START_UNKNOWN = 0,
	WW_SVC_START_AUTO,
	WW_SVC_START_DELAYED,  /* automatic (delayed start) */
	WW_SVC_START_MANUAL,
	WW_SVC_START_DISABLED,
	WW_SVC_START_BOOT      /* boot / system: drivers, never these */
};

enum ww_hostsvc_run {
	WW_SVC_RUN_UNKNOWN = 0,
	WW_SVC_RUN_STOPPED,
	WW_SVC_RUN_STARTING,
	WW_SVC_RUN_STOPPING,
	WW_SVC_RUN_RUNNING,
	WW_SVC_RUN_PAUSED
};

struct ww_hostsvc_service {
	int code;       /* 0 read; WW_ENOENT not installed; else cannot read */
	char error[WW_HOSTSVC_TEXT_MAX];
	enum ww_hostsvc_start start;
	enum ww_hostsvc_run run;
};

/* One ACE of a DACL, portable. */
enum ww_hostsvc_ace_type {
	WW_ACE_ALLOW = 0,
	WW_ACE_DENY,
	WW_ACE_OTHER     /* audit, object or callback ACEs: not judged */
};

struct ww_hostsvc_ace {
	enum ww_hostsvc_ace_type type;
	uint32_t mask;          /* access mask, generic bits not yet mapped */
	bool inherit_only;      /* INHERIT_ONLY_ACE: not for this object */
	char sid[WW_HOSTSVC_SID_MAX]; /* "S-1-5-20" */
};

struct ww_hostsvc_dacl {
	int code;       /* 0 read; WW_ENOENT no ContentDir known; else error */
	char error[WW_HOSTSVC_TEXT_MAX];
	char path[WW_HOSTSVC_TEXT_MAX];
	bool null_dacl;         /* no DACL: everyone has full access */
	bool truncated;         /* more than WW_HOSTSVC_ACES_MAX ACEs */
	size_t n;
	struct ww_hostsvc_ace aces[WW_HOSTSVC_ACES_MAX];
};

/* WsusPool and the WSUS virtual roots' SSL settings, as
 * applicationHost.config describes them. */
struct ww_hostsvc_pool {
	int code;       /* 0 read; WW_ENOENT no file (no IIS); else error */
	char error[WW_HOSTSVC_TEXT_MAX];
	char path[WW_HOSTSVC_TEXT_MAX];
	bool found;             /* <add name="WsusPool"> */
	int auto_start;         /* -1 not set (IIS: true), 0 false, 1 true */
	char start_mode[24];    /* "" not set (IIS: OnDemand) */
	/* recycling/periodicRestart privateMemory, KB: the pool's own, else
	 * applicationPoolDefaults'; absent: IIS's default 0 (no limit). */
	bool have_private_memory;
	int64_t private_memory_kb;
	bool private_memory_default; /* from applicationPoolDefaults */
	/* The WSUS virtual roots' "Require SSL", from <location
	 * path="SITE/Content"> (and SITE/SelfUpdate) <access sslFlags>:
	 * 1 when the flags hold "Ssl", 0 when set without it, -1 not set
	 * (IIS: SSL not required).  The guide: neither may require SSL. */
	int content_ssl;
	int selfupdate_ssl;
};

struct ww_hostsvc_cert {
	char subject[WW_HOSTSVC_TEXT_MAX];
	char issuer[WW_HOSTSVC_TEXT_MAX];
};

/* The LocalMachine Trusted Root store: certificates whose subject is not
 * their issuer (kept up to WW_HOSTSVC_CERTS_MAX, all counted). */
struct ww_hostsvc_roots {
	int code;       /* 0 read; else the store cannot be opened */
	char error[WW_HOSTSVC_TEXT_MAX];
	size_t total;           /* certificates in the store */
	size_t n_intermediate;  /* subject differs from issuer */
	size_t n;               /* kept in certs[] */
	struct ww_hostsvc_cert certs[WW_HOSTSVC_CERTS_MAX];
};

struct ww_hostsvc_values {
	struct ww_hostsvc_service services[WW_HOSTSVC_N];
	struct ww_hostsvc_pool pool;
	struct ww_hostsvc_dacl content;
	struct ww_hostsvc_roots roots;
};

struct ww_hostsvc_opts {
	const char *content_dir;  /* WSUS's ContentDir (Setup key), or NULL */
	/* A ContentDir on a network path (\\server\share) may block for the
	 * SMB timeout: only diagnose reads it, never the monitor's loop. */
	bool network_paths;
};

/*
 * Read everything from this host.  0 with *ret filled, each part with its
 * own code (a service that is not installed, a DACL that cannot be read
 * are not errors of the whole); WW_EUNAVAIL where there is no SCM (POSIX),
 * with the message "not applicable on this system".
 */
int ww_hostsvc_read(const struct ww_hostsvc_opts *o,
		    struct ww_hostsvc_values *ret, struct ww_err *err);

/*
 * Read and parse applicationHost.config at path (portable: the file is
 * plain XML).  Bounded by WW_HOSTSVC_APPHOST_MAX; a parse error names the
 * file and line.  Fills ret->code/error/path as well as returning.
 */
int ww_hostsvc_apphost_read(const char *path, struct ww_hostsvc_pool *ret,
			    struct ww_err *err);
/* Parse a buffer (file names the source in messages). */
int ww_hostsvc_apphost_parse(const char *buf, size_t len, const char *file,
			     struct ww_hostsvc_pool *ret, struct ww_err *err);

/* ---- judgement (pure) ---- */

enum ww_hostsvc_state {
	WW_HOSTSVC_OK = 0,
	WW_HOSTSVC_WARNING = 1,
	WW_HOSTSVC_CRITICAL = 2,
	WW_HOSTSVC_UNKNOWN = 3,
	WW_HOSTSVC_SKIPPED = 4   /* does not apply here (no WSUS) */
};

struct ww_hostsvc_verdict {
	enum ww_hostsvc_state state;
	char summary[WW_HOSTSVC_TEXT_MAX];
	char evidence[WW_HOSTSVC_TEXT_MAX * 2];
	char fix[WW_HOSTSVC_TEXT_MAX * 2];   /* "" nothing to do */
};

/* Whether WSUS is installed here: WsusService exists. */
bool ww_hostsvc_wsus_installed(const struct ww_hostsvc_values *v);

void ww_hostsvc_judge_service(const struct ww_hostsvc_values *v,
			      enum ww_hostsvc_id id,
			      struct ww_hostsvc_verdict *ret);
void ww_hostsvc_judge_pool(const struct ww_hostsvc_values *v,
			   struct ww_hostsvc_verdict *ret);
void ww_hostsvc_judge_content(const struct ww_hostsvc_values *v,
			      struct ww_hostsvc_verdict *ret);
void ww_hostsvc_judge_roots(const struct ww_hostsvc_values *v,
			    struct ww_hostsvc_verdict *ret);

/* Read rights a DACL needs to give (list/read data, attributes, extended
 * attributes, permissions): the "Read" of the Security tab. */
#define WW_HOSTSVC_READ_MASK 0x00020089u

/*
 * The rights the DACL grants to a token holding the SIDs sids[0..nsids)
 * (string form), walked as AccessCheck walks it: in order, each right
 * decided by the first ACE that names it for one of the SIDs; deny
 * before a later allow, inherit-only ACEs ignored, generic rights mapped
 * to file rights.  A NULL DACL grants everything.
 */
uint32_t ww_hostsvc_dacl_allowed(const struct ww_hostsvc_dacl *d,
				 const char *const *sids, size_t nsids);

/* Whether a root-store certificate is an intermediate: its subject is
 * not its issuer (names compared as the store renders them). */
bool ww_hostsvc_cert_is_intermediate(const char *subject, const char *issuer);

#endif /* WW_PROBES_HOSTSVC_H */
