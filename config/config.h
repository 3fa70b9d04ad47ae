/*
 * config.h - wsuswatch's configuration: a typed struct filled from
 * compiled-in defaults and, optionally, one YAML file, driven by a single
 * declarative table of keys (config_keys.c).
 *
 * Loading is all-or-nothing: a file with any error leaves the caller's
 * struct exactly as it was.  Errors read "FILE:LINE:COL: message".
 * Secrets are never stored here: the file names an environment variable or
 * a Windows Credential Manager target, resolved only when needed
 * (ww_config_proxy_password()).
 */
#ifndef WW_CONFIG_CONFIG_H
#define WW_CONFIG_CONFIG_H

#include "compat.h"
#include "err.h"
#include "util.h"

enum ww_tristate { WW_AUTO = 0, WW_ON = 1, WW_OFF = 2 };

/* Where a key's value came from (config show, diagnose). */
enum ww_config_origin {
	WW_ORIGIN_DEFAULT = 0,
	WW_ORIGIN_FILE,       /* written in the configuration file */
	WW_ORIGIN_DISCOVERED  /* read from WSUS's own settings (discover.h) */
};

/* Rows of the key table; config_keys.c asserts the table fits. */
#define WW_CONFIG_MAX_KEYS 64

/* A yes/no fact that may not be known (zero: unknown). */
enum ww_fact3 { WW_FACT3_UNKNOWN = 0, WW_FACT3_NO, WW_FACT3_YES };

/*
 * WSUS settings discovery read that are facts for the checks, not keys
 * an administrator sets here (docs/discovery.md says which SUSDB columns
 * are confirmed).  All zero: nothing known.
 */
struct ww_wsus_facts {
	enum ww_fact3 replica;            /* IsReplicaServer (ReplicaMode) */
	enum ww_fact3 has_proxy_password; /* HasProxyPassword */
	enum ww_fact3 allow_basic;        /* AllowProxyCredentialsOverNonSsl */
	enum ww_fact3 separate_ssl_proxy; /* UseSeparateProxyForSsl */
	enum ww_fact3 host_on_mu;         /* files not stored locally */
	enum ww_fact3 content_from_mu;    /* files from MU, not the upstream */
	bool have_redirector;
	int64_t redirector;               /* RedirectorChangeNumber */
	char version[64];                 /* Setup VersionString, "" unknown */
	char not_read[WW_ERR_MSG_MAX];    /* optional columns not read, why */
};

/*
 * The outcome of the last discovery (config/discover.h), kept with the
 * configuration it changed so that "config show", diagnose and the
 * service can report it.  code: 0 read; WW_EUNAVAIL not Windows;
 * WW_ENOENT WSUS not installed; WW_ESTATE not attempted (wsus.discover
 * false, or never run); other: the registry could not be read.
 */
struct ww_config_discovery {
	int code;
	char msg[WW_ERR_MSG_MAX];       /* why code is not 0, "" when it is */
	int susdb_code;                 /* 0: SUSDB read; else why not */
	char susdb_msg[WW_ERR_MSG_MAX]; /* "SUSDB not readable: ..." */
	char server[160];               /* this WSUS: "port 8530, SSL off, ..." */
	char rejected[WW_ERR_MSG_MAX];  /* discovered values not taken, why */
	size_t applied;                 /* keys filled from discovery */
	struct ww_wsus_facts wsus;      /* facts beyond the keys */
};

struct ww_strlist {
	char **items; /* owned, each owned */
	size_t n;
};

struct ww_config {
	char *source;       /* file it was loaded from, NULL for defaults */
	int64_t interval;   /* seconds between probe runs */
	char *database;     /* SQLite path */
	int64_t retention;  /* seconds of history kept */
	struct {
		bool discover;  /* Windows: read WSUS's own settings */
		bool disconnected; /* export/import instead of sync */
		char *import_log;  /* wsusutil import's log, NULL: none */
		char *log;      /* SoftwareDistribution.log */
		int64_t log_rollover; /* WSUS's rollover size, bytes; 0: unknown */
		char *wsyncmgr_log; /* ConfigMgr's WsyncMgr.log, NULL: none */
		char *muurl;    /* Microsoft Update sync endpoint */
		struct {
			char *host; /* NULL: syncing from Microsoft Update */
			int64_t port;
			bool ssl;
			int64_t http_port; /* SelfUpdate's; 0: the pair */
		} upstream;
		struct {
			char *host;   /* NULL: the computer's FQDN */
			int64_t port; /* HTTP port; 0: unknown */
			bool ssl;     /* UsingSSL */
		} server;             /* this WSUS server itself */
	} wsus;
	struct {
		enum ww_tristate microsoft_update;
		enum ww_tristate upstream;
		enum ww_tristate domains; /* the Microsoft domains probe set */
		enum ww_tristate local;   /* this server's own endpoints */
		struct ww_strlist extra_urls;
		int64_t timeout; /* seconds, hard total per probe */
	} probes;
	struct {
		char *url;      /* HTTP proxy, NULL for none */
		char *ssl_url;  /* separate proxy for HTTPS, as WSUS allows */
		char *user;
		char *password_env;        /* names an environment variable */
		char *password_credential; /* names a Credential Manager target */
	} proxy;
	struct {
		char *cacert;   /* extra CA bundle file, NULL: system store */
		char *min_version; /* "1.2" or "1.3" */
		char *revocation; /* "strict" or "best_effort" */
	} tls;
	struct ww_strlist resolve; /* HOST:PORT:ADDR pins */
	struct {
		int64_t sync_warning;   /* seconds */
		int64_t sync_critical;  /* seconds */
		int64_t import_warning; /* seconds, disconnected servers */
		int64_t import_critical;
		int64_t probe_failures; /* consecutive failures before alerting */
		int64_t sync_failures;  /* consecutive failed sync attempts */
		int64_t cert_warning;   /* seconds before expiry */
		int64_t clock_skew;     /* seconds */
	} thresholds;
	struct {
		bool eventlog;
		bool syslog;
		int64_t repeat; /* seconds between repeats of an active alert */
	} alerts;
	struct {
		char *textfile; /* Prometheus textfile path, NULL: off */
	} metrics;
	struct {
		char *pipe;       /* Windows pipe name under \\.\pipe\ */
		char *socket;     /* POSIX socket path, NULL: default */
		char *read_group; /* group granted read-only status access */
	} control;

	/*
	 * Per row of ww_config_keys[] (same index): where the value came
	 * from, and for discovered values a static text naming the source
	 * ("SUSDB tbConfigurationB.MUUrl").  A key set in the file, even to
	 * null, is WW_ORIGIN_FILE: discovery never overrides it.
	 */
	unsigned char origin[WW_CONFIG_MAX_KEYS];
	const char *origin_source[WW_CONFIG_MAX_KEYS];
	struct ww_config_discovery discovery;
};

/* Fill cfg with the compiled-in defaults. cfg is overwritten. */
int ww_config_init(struct ww_config *cfg, struct ww_err *err);

/* Free everything cfg owns; cfg can be re-initialised. NULL-safe. */
void ww_config_release(struct ww_config *cfg);

/*
 * Replace *cfg with defaults + the file at path.  On any error *cfg is
 * untouched and err holds "path:line:col: message" (WW_ECONFIG), or
 * "path: ..." when the file cannot be read (WW_ENOENT / WW_EIO).
 */
int ww_config_load_file(struct ww_config *cfg, const char *path,
			struct ww_err *err);

/* As ww_config_load_file() from memory; name is used in messages. */
int ww_config_load_string(struct ww_config *cfg, const char *name,
			  const char *text, size_t len, struct ww_err *err);

/*
 * Set the key called name from its text form, validated as the loader
 * does (value NULL: null, for keys that allow it), and record origin and
 * source (static string, may be NULL).  On error cfg is unchanged and
 * err says why, naming the key.
 */
int ww_config_set(struct ww_config *cfg, const char *name, const char *value,
		  enum ww_config_origin origin, const char *source,
		  struct ww_err *err);

/* Origin of the key called name (WW_ORIGIN_DEFAULT for unknown names). */
enum ww_config_origin ww_config_origin_of(const struct ww_config *cfg,
					  const char *name);

/*
 * The effective configuration as YAML, every key present, secrets
 * redacted (only the names of the variable / credential appear).
 * Discovered values carry "# discovered: SOURCE".  Appends to out.
 */
int ww_config_show(const struct ww_config *cfg, struct ww_buf *out);

/*
 * Resolve the proxy password from the environment variable or
 * credential the configuration names.  *ret is NULL when none is
 * configured.  Caller frees with ww_os_secret_free().  Unless ret_user
 * is NULL, *ret_user is the credential's user name when proxy.user is
 * not set and the credential has one, otherwise NULL (caller frees):
 * the user to authenticate as is proxy.user, else that.
 */
int ww_config_proxy_password(const struct ww_config *cfg, char **ret_user,
			     char **ret, struct ww_err *err);

#endif /* WW_CONFIG_CONFIG_H */
