/*
 * discover.h - WSUS's own settings as a source of configuration
 * (wsus.discover, docs/discovery.md).
 *
 * Two halves, as everywhere in wsuswatch:
 *   discover.c (portable) turns what was read into struct ww_discovered
 *     (text in, typed values out, each with the place it came from),
 *     builds the SUSDB connection, and merges the result into a
 *     configuration: discovered values fill only keys the file did not
 *     set (the file always wins);
 *   discover_win32.c reads HKLM\SOFTWARE\Microsoft\Update Services\
 *     Server\Setup and, over ODBC, SUSDB's tbConfigurationA/B/C;
 *     discover_posix.c says WSUS runs only on Windows.
 *
 * The proxy password (tbConfigurationA.ProxyPassword, encrypted) is never
 * read: it keeps coming from proxy.password_env / password_credential.
 */
#ifndef WW_CONFIG_DISCOVER_H
#define WW_CONFIG_DISCOVER_H

#include "compat.h"

#include "config.h"
#include "err.h"

/* Longest discovered text: MUUrl is nvarchar(1024). */
#define WW_DISC_TEXT_MAX 1025

struct ww_disc_text {
	bool known;
	char value[WW_DISC_TEXT_MAX];
	const char *source; /* static: "SUSDB tbConfigurationB.MUUrl" */
};

struct ww_disc_int {
	bool known;
	int64_t value;
	const char *source;
};

struct ww_disc_bool {
	bool known;
	bool value;
	const char *source;
};

struct ww_discovered {
	/* Registry, HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup. */
	bool installed;                  /* the Setup key exists */
	struct ww_disc_int port;         /* PortNumber: this server's port */
	struct ww_disc_bool using_ssl;   /* UsingSSL */
	struct ww_disc_text content_dir; /* ContentDir */
	struct ww_disc_text sql_server;  /* SQLServerName */
	struct ww_disc_text target_dir;  /* TargetDir [UNVERIFIED name] */
	struct ww_disc_text version;     /* VersionString [UNVERIFIED name] */
	/* ConfigMgr: WsyncMgr.log where a software update point is
	 * installed (HKLM\SOFTWARE\Microsoft\SMS, docs/discovery.md). */
	struct ww_disc_text wsyncmgr_log;

	/* SUSDB tbConfigurationA. */
	struct ww_disc_bool sync_to_mu;
	struct ww_disc_text upstream_host;
	struct ww_disc_int upstream_port;
	struct ww_disc_bool upstream_ssl;
	struct ww_disc_bool use_proxy;
	struct ww_disc_text proxy_name;
	struct ww_disc_int proxy_port;
	struct ww_disc_bool proxy_anonymous;
	struct ww_disc_text proxy_user;
	/* tbConfigurationB. */
	struct ww_disc_text muurl;
	struct ww_disc_text log_path;
	/* tbConfigurationC. */
	struct ww_disc_int log_rollover;
	struct ww_disc_text proxy_domain;

	/* The optional queries (one each: a column a server lacks loses only
	 * itself; docs/discovery.md marks which are not confirmed). */
	struct ww_disc_bool has_proxy_password; /* ProxyPassword IS NOT NULL */
	struct ww_disc_bool host_on_mu;         /* A.HostOnMu */
	struct ww_disc_int redirector;          /* B.RedirectorChangeNumber */
	struct ww_disc_bool replica;            /* C.ReplicaMode */
	struct ww_disc_bool allow_basic;        /* C.AllowProxyCredentialsOverNonSsl */
	struct ww_disc_bool separate_ssl_proxy; /* C.UseSeparateProxyForSsl */
	struct ww_disc_text ssl_proxy_name;     /* C.SslProxyName */
	struct ww_disc_int ssl_proxy_port;      /* C.SslProxyServerPort */
	struct ww_disc_bool content_from_mu;    /* C.GetContentFromMU */
	/* Optional queries that failed, and why ("tbConfigurationC.X: ..."). */
	char not_read[WW_ERR_MSG_MAX];

	/* SUSDB outcome: 0 read, else why not (susdb_error). */
	int susdb_code;
	char susdb_error[WW_ERR_MSG_MAX];
	char susdb_server[256];          /* the Server= that was tried */
	/* Values that were read but not understood ("ServerPortNumber: 'x'"). */
	char bad[WW_ERR_MSG_MAX];
};

/*
 * The SUSDB queries, in order; columns are read as text.  The first three
 * must succeed (SUSDB is "not readable" otherwise); the others are
 * optional, one column (or one group) each, so that a column a WSUS
 * version lacks, or a name not confirmed on a real server, loses only
 * itself (named in not_read).
 */
enum ww_disc_table { WW_DISC_TABLE_A = 0, WW_DISC_TABLE_B, WW_DISC_TABLE_C,
		     WW_DISC_PROXY_PASSWORD, WW_DISC_HOST_ON_MU,
		     WW_DISC_REDIRECTOR, WW_DISC_REPLICA, WW_DISC_BASIC,
		     WW_DISC_SSL_PROXY, WW_DISC_CONTENT_FROM_MU,
		     WW_DISC_TABLES };

struct ww_disc_query {
	const char *table; /* "tbConfigurationA" */
	const char *sql;
	size_t ncols;
	const char *const *cols;
	bool optional;     /* a failure is a note in not_read, not fatal */
};

/* Record that optional query t failed, and why. */
void ww_discovered_not_read(struct ww_discovered *d, enum ww_disc_table t,
			    const char *why);

extern const struct ww_disc_query ww_disc_queries[WW_DISC_TABLES];

/* ODBC drivers tried in order: the in-box one first. */
extern const char *const ww_disc_drivers[];
extern const size_t ww_disc_ndrivers;

void ww_discovered_init(struct ww_discovered *d);

/*
 * Take one row of a query: vals[i] is column cols[i] as text, NULL for
 * SQL NULL.  Values that do not parse are skipped and named in d->bad.
 */
void ww_discovered_take_row(struct ww_discovered *d, enum ww_disc_table t,
			    const char *const *vals);

/*
 * The ODBC Server= for SQLServerName (NULL or "": the WID default):
 * "...##WID" -> the WID pipe, "...##SSEE" -> the WSUS 3.0 pipe, anything
 * else unchanged (SQL Server "HOST\INSTANCE").
 */
void ww_discover_sql_server(const char *sql_server_name, char *buf,
			    size_t size);

/* The connection string for driver and server; WW_ERANGE if too long. */
int ww_discover_conn_string(const char *driver, const char *server, char *buf,
			    size_t size);

/*
 * wsus.log for LogPath: a value ending in ".log" is the file, anything
 * else a directory holding SoftwareDistribution.log (joined with '\\',
 * as WSUS paths are Windows paths).
 */
void ww_discover_log_file(const char *log_path, char *buf, size_t size);

/*
 * Fill the keys of cfg the file did not set (cfg->origin) from d, as
 * docs/discovery.md describes; records count and rejected values in
 * cfg->discovery.  Values that fail the key's validation are not taken.
 * Returns 0 or WW_ENOMEM.
 */
int ww_config_apply_discovered(struct ww_config *cfg,
			       const struct ww_discovered *d,
			       struct ww_err *err);

/*
 * OS edge: read the registry and SUSDB into d.  0 when WSUS's registry
 * key was read (SUSDB failures are in d->susdb_code / susdb_error, not
 * fatal); WW_ENOENT when WSUS is not installed; WW_EUNAVAIL off Windows;
 * else the registry could not be read.
 */
int ww_discover_read(struct ww_discovered *d, struct ww_err *err);

/*
 * Both steps when cfg->wsus.discover is true, the outcome recorded in
 * cfg->discovery (never fatal; nothing happens off Windows).  Returns
 * WW_ENOMEM only.
 */
int ww_config_discover(struct ww_config *cfg);

/* Whether cfg->discovery deserves a note to the administrator. */
bool ww_config_discovery_noteworthy(const struct ww_config *cfg);

/*
 * That note, one line: "WSUS settings: SUSDB not readable: ...; using
 * the registry, the file and defaults".
 */
void ww_config_discovery_note(const struct ww_config *cfg, char *buf,
			      size_t size);

#endif /* WW_CONFIG_DISCOVER_H */
