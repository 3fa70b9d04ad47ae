/*
 * config_keys.c - every configuration key, its type, default, bounds and
 * documentation, in one table.  Adding a key is one row here plus the
 * field in struct ww_config; the loader, "config show", the example file
 * test and docs/configuration.md all follow from this table.
 *
 * Keys of one section stay together: "config show" opens a section when
 * the prefix changes, so a section split in two would print twice.
 */
#include "compat.h"

#include "config.h"
#include "config_keys.h"
#include "os.h"

#define OFF(field) offsetof(struct ww_config, field)

#define MIN_ 60
#define HOUR_ (60 * MIN_)
#define DAY_ (24 * HOUR_)

/* The database lives in the OS's data directory (os.h decides where). */
static char *default_database(void)
{
	char *dir = ww_os_default_data_dir();
	char *path;

	if (!dir)
		return NULL;
	path = ww_os_path_join(dir, "wsuswatch.db");
	free(dir);
	return path;
}

const struct ww_config_key ww_config_keys[] = {
	{ "interval", WW_CFG_DURATION, "5m", NULL, OFF(interval),
	  10, 7 * DAY_, 0, NULL,
	  "time between probe runs" },
	{ "database", WW_CFG_STRING, "<data dir>/wsuswatch.db", default_database,
	  OFF(database), 0, 0, 0, NULL,
	  "SQLite database holding history and state" },
	{ "retention", WW_CFG_DURATION, "30d", NULL, OFF(retention),
	  DAY_, 3650 * (int64_t)DAY_, 0, NULL,
	  "how long history is kept" },

	{ "wsus.discover", WW_CFG_BOOL, "true", NULL, OFF(wsus.discover),
	  0, 0, 0, NULL,
	  "Windows: read WSUS's own settings (registry, SUSDB when readable)" },
	{ "wsus.disconnected", WW_CFG_BOOL, "false", NULL,
	  OFF(wsus.disconnected), 0, 0, 0, NULL,
	  "no path to a sync source: sync is replaced by export/import; no "
	  "endpoint probes, staleness from the last import" },
	{ "wsus.import_log", WW_CFG_STRING, NULL, NULL, OFF(wsus.import_log),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "disconnected: the log file 'wsusutil import' writes; its "
	  "modification time is the last import" },
	{ "wsus.log", WW_CFG_STRING, "<WSUS LogFiles>/SoftwareDistribution.log",
	  ww_os_default_wsus_log, OFF(wsus.log), 0, 0, 0, NULL,
	  "WSUS's SoftwareDistribution.log" },
	{ "wsus.log_rollover", WW_CFG_INT, "0", NULL, OFF(wsus.log_rollover),
	  0, (int64_t)1 << 40, 0, NULL,
	  "WSUS's log rollover size in bytes; bounds a first start's read "
	  "(+25%, 1 MiB to 1 GiB); 0: unknown, 32 MiB" },
	{ "wsus.wsyncmgr_log", WW_CFG_STRING, NULL, NULL,
	  OFF(wsus.wsyncmgr_log), 0, 0, WW_CFG_NULLABLE, NULL,
	  "ConfigMgr's WsyncMgr.log where a software update point is "
	  "installed; null: from the SMS registry keys, else none" },
	{ "wsus.muurl", WW_CFG_URL, "https://sws.update.microsoft.com", NULL,
	  OFF(wsus.muurl), 0, 0, 0, NULL,
	  "Microsoft Update synchronization endpoint" },
	{ "wsus.upstream.host", WW_CFG_STRING, NULL, NULL,
	  OFF(wsus.upstream.host), 0, 0, WW_CFG_NULLABLE, NULL,
	  "upstream WSUS server; null: syncing from Microsoft Update" },
	{ "wsus.upstream.port", WW_CFG_INT, "8530", NULL,
	  OFF(wsus.upstream.port), 1, 65535, 0, NULL,
	  "upstream WSUS port (8530 HTTP, 8531 HTTPS)" },
	{ "wsus.upstream.ssl", WW_CFG_BOOL, "false", NULL,
	  OFF(wsus.upstream.ssl), 0, 0, 0, NULL,
	  "the upstream requires SSL" },
	{ "wsus.upstream.http_port", WW_CFG_INT, "0", NULL,
	  OFF(wsus.upstream.http_port), 0, 65535, 0, NULL,
	  "the upstream's HTTP port for SelfUpdate when ssl is true; 0: the "
	  "documented pair (8531: 8530, 443: 80), other ports are not probed" },
	{ "wsus.server.host", WW_CFG_STRING, NULL, NULL, OFF(wsus.server.host),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "this WSUS server's name as its clients and downstream servers use "
	  "it (its HTTPS certificate must name it); null: the computer's "
	  "fully qualified name" },
	{ "wsus.server.port", WW_CFG_INT, "0", NULL, OFF(wsus.server.port),
	  0, 65535, 0, NULL,
	  "this WSUS server's HTTP port (SelfUpdate, Content); discovered "
	  "from PortNumber; 0: unknown (its own endpoints are not probed)" },
	{ "wsus.server.ssl", WW_CFG_BOOL, "false", NULL, OFF(wsus.server.ssl),
	  0, 0, 0, NULL,
	  "this WSUS server uses SSL (UsingSSL): its HTTPS binding is "
	  "probed on the SSL port (8531 for 8530, 443 for 80, else port+1)" },

	{ "probes.microsoft_update", WW_CFG_TRISTATE, "auto", NULL,
	  OFF(probes.microsoft_update), 0, 0, 0, NULL,
	  "probe Microsoft Update; auto: when syncing from it" },
	{ "probes.upstream", WW_CFG_TRISTATE, "auto", NULL,
	  OFF(probes.upstream), 0, 0, 0, NULL,
	  "probe the upstream server; auto: when one is configured or discovered" },
	{ "probes.domains", WW_CFG_TRISTATE, "auto", NULL,
	  OFF(probes.domains), 0, 0, 0, NULL,
	  "probe the Microsoft domains WSUS needs (the guide's list, HTTP and "
	  "HTTPS, through the proxy), one check; auto: on a WSUS server "
	  "that syncs or downloads files from Microsoft Update, not a replica" },
	{ "probes.local", WW_CFG_TRISTATE, "auto", NULL,
	  OFF(probes.local), 0, 0, 0, NULL,
	  "probe this server's own endpoints: SelfUpdate and Content over "
	  "HTTP, the HTTPS binding's certificate when wsus.server.ssl; auto: "
	  "when wsus.server.port is known" },
	{ "probes.extra_urls", WW_CFG_STRLIST, "[]", NULL,
	  OFF(probes.extra_urls), 0, 0, WW_CFG_LIST_URLS, NULL,
	  "more URLs to probe, e.g. the required Microsoft Update domains" },
	{ "probes.timeout", WW_CFG_DURATION, "30s", NULL, OFF(probes.timeout),
	  1, 10 * MIN_, 0, NULL,
	  "hard total time limit of one probe" },

	{ "proxy.url", WW_CFG_URL, NULL, NULL, OFF(proxy.url),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "HTTP proxy, as configured in WSUS; null: direct" },
	{ "proxy.ssl_url", WW_CFG_URL, NULL, NULL, OFF(proxy.ssl_url),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "separate proxy for HTTPS; null: proxy.url" },
	{ "proxy.user", WW_CFG_STRING, NULL, NULL, OFF(proxy.user),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "proxy user name (DOMAIN\\user or user)" },
	{ "proxy.password_env", WW_CFG_STRING, NULL, NULL,
	  OFF(proxy.password_env), 0, 0, WW_CFG_NULLABLE | WW_CFG_SECRET_REF,
	  NULL,
	  "environment variable holding the proxy password" },
	{ "proxy.password_credential", WW_CFG_STRING, NULL, NULL,
	  OFF(proxy.password_credential), 0, 0,
	  WW_CFG_NULLABLE | WW_CFG_SECRET_REF, NULL,
	  "Windows Credential Manager target holding the proxy password "
	  "(and the user when proxy.user is null)" },

	{ "tls.cacert", WW_CFG_STRING, NULL, NULL, OFF(tls.cacert),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "extra CA bundle (PEM); null: the system store" },
	{ "tls.min_version", WW_CFG_STRING, "1.2", NULL, OFF(tls.min_version),
	  0, 0, 0, "1.2|1.3",
	  "lowest TLS version offered: 1.2 or 1.3" },
	{ "tls.revocation", WW_CFG_STRING, "strict", NULL, OFF(tls.revocation),
	  0, 0, 0, "strict|best_effort",
	  "Windows: certificate revocation check; best_effort accepts a "
	  "certificate whose CRL/OCSP server cannot be reached" },

	{ "resolve", WW_CFG_STRLIST, "[]", NULL, OFF(resolve),
	  0, 0, WW_CFG_LIST_PINS, NULL,
	  "HOST:PORT:ADDR pins, as curl --resolve" },

	{ "thresholds.sync_warning", WW_CFG_DURATION, "26h", NULL,
	  OFF(thresholds.sync_warning), HOUR_, 365 * (int64_t)DAY_, 0, NULL,
	  "warn when the last successful sync is older than this" },
	{ "thresholds.sync_critical", WW_CFG_DURATION, "50h", NULL,
	  OFF(thresholds.sync_critical), HOUR_, 365 * (int64_t)DAY_, 0, NULL,
	  "critical when the last successful sync is older than this" },
	{ "thresholds.import_warning", WW_CFG_DURATION, "35d", NULL,
	  OFF(thresholds.import_warning), HOUR_, 365 * (int64_t)DAY_, 0, NULL,
	  "disconnected: warning when the last import is older than this" },
	{ "thresholds.import_critical", WW_CFG_DURATION, "65d", NULL,
	  OFF(thresholds.import_critical), HOUR_, 365 * (int64_t)DAY_, 0, NULL,
	  "disconnected: critical when the last import is older than this" },
	{ "thresholds.probe_failures", WW_CFG_INT, "2", NULL,
	  OFF(thresholds.probe_failures), 1, 1000, 0, NULL,
	  "consecutive probe failures before alerting" },
	{ "thresholds.sync_failures", WW_CFG_INT, "3", NULL,
	  OFF(thresholds.sync_failures), 1, 1000, 0, NULL,
	  "consecutive failed sync attempts before alerting" },
	{ "thresholds.cert_warning", WW_CFG_DURATION, "30d", NULL,
	  OFF(thresholds.cert_warning), 0, 365 * (int64_t)DAY_, 0, NULL,
	  "warn when a server certificate expires within this; 0s: never" },
	{ "thresholds.clock_skew", WW_CFG_DURATION, "5m", NULL,
	  OFF(thresholds.clock_skew), 1, DAY_, 0, NULL,
	  "warn when a server's Date differs from the local clock by more" },

	{ "alerts.eventlog", WW_CFG_BOOL, "true", NULL, OFF(alerts.eventlog),
	  0, 0, 0, NULL,
	  "Windows: write alerts to the Application event log" },
	{ "alerts.syslog", WW_CFG_BOOL, "true", NULL, OFF(alerts.syslog),
	  0, 0, 0, NULL,
	  "POSIX: write alerts to syslog" },
	{ "alerts.repeat", WW_CFG_DURATION, "24h", NULL, OFF(alerts.repeat),
	  5 * MIN_, 30 * (int64_t)DAY_, 0, NULL,
	  "repeat an alert that is still active after this long" },

	{ "metrics.textfile", WW_CFG_STRING, NULL, NULL, OFF(metrics.textfile),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "Prometheus textfile-collector file; null: off" },

	{ "control.pipe", WW_CFG_STRING, "wsuswatch", NULL, OFF(control.pipe),
	  0, 0, 0, NULL,
	  "Windows: control pipe name under \\\\.\\pipe\\" },
	{ "control.socket", WW_CFG_STRING, NULL, NULL, OFF(control.socket),
	  0, 0, WW_CFG_NULLABLE, NULL,
	  "POSIX: control socket path; null: <data dir>/wsuswatch.sock" },
	{ "control.read_group", WW_CFG_STRING, NULL, NULL,
	  OFF(control.read_group), 0, 0, WW_CFG_NULLABLE, NULL,
	  "group allowed to read status over the control channel" },
};

const size_t ww_config_nkeys = WW_ARRAY_SIZE(ww_config_keys);

/* struct ww_config keeps one origin per row. */
_Static_assert(WW_ARRAY_SIZE(ww_config_keys) <= WW_CONFIG_MAX_KEYS,
	       "raise WW_CONFIG_MAX_KEYS");

const char *ww_config_type_name(enum ww_config_type type)
{
	switch (type) {
	case WW_CFG_STRING:
		return "string";
	case WW_CFG_BOOL:
		return "boolean";
	case WW_CFG_INT:
		return "integer";
	case WW_CFG_DURATION:
		return "duration";
	case WW_CFG_TRISTATE:
		return "auto|on|off";
	case WW_CFG_STRLIST:
		return "list of strings";
	case WW_CFG_URL:
		return "URL";
	}
	return "value";
}

const struct ww_config_key *ww_config_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < ww_config_nkeys; i++)
		if (strcmp(ww_config_keys[i].name, name) == 0)
			return &ww_config_keys[i];
	return NULL;
}
