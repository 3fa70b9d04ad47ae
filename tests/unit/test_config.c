#include "compat.h"

#include "config.h"
#include "config_keys.h"
#include "os.h"
#include "util.h"
#include "ww_test.h"

/* Set by tests/CMakeLists.txt in this test's environment. */
#define SECRET_VAR "WW_TEST_PROXY_SECRET"
#define SECRET_VALUE "s3cr3t-Pa55word"

bool ww_config_suggest(const char *name, char *buf, size_t size);

static int load(struct ww_config *cfg, const char *text, struct ww_err *err)
{
	return ww_config_load_string(cfg, "t.yaml", text, strlen(text), err);
}

static void init(struct ww_config *cfg)
{
	struct ww_err err;

	ck_assert_msg(ww_config_init(cfg, &err) == 0, "%s", err.msg);
}

/*
 * Whether a block-style YAML text sets (or, commented out as "#key:",
 * documents) the dotted key: a small indentation walk, independent of
 * the loader under test.  Two spaces per level.
 */
static bool text_has_key(const char *text, const char *dotted)
{
	char path[8][64];
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *p = line, *colon;
		size_t indent, depth, n, i;
		char full[256];

		while (*p == ' ')
			p++;
		indent = (size_t)(p - line);
		if (*p == '#' && ((p[1] >= 'a' && p[1] <= 'z')))
			p++; /* a commented-out key */
		colon = strchr(p, ':');
		depth = indent / 2;
		if (*p >= 'a' && *p <= 'z' && colon && (!end || colon < end) &&
		    depth < 8 && (size_t)(colon - p) < sizeof(path[0])) {
			n = (size_t)(colon - p);
			memcpy(path[depth], p, n);
			path[depth][n] = '\0';
			full[0] = '\0';
			for (i = 0; i <= depth; i++) {
				if (i)
					ww_strlcpy(full + strlen(full), ".",
						   sizeof(full) - strlen(full));
				ww_strlcpy(full + strlen(full), path[i],
					   sizeof(full) - strlen(full));
			}
			if (strcmp(full, dotted) == 0)
				return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

START_TEST(defaults)
{
	struct ww_config c;
	char *dir = ww_os_default_data_dir();
	char *db = ww_os_path_join(dir, "wsuswatch.db");
	char *log = ww_os_default_wsus_log();

	init(&c);
	ck_assert_ptr_null(c.source);
	ck_assert_int_eq(c.interval, 300);
	ck_assert_str_eq(c.database, db);
	ck_assert_int_eq(c.retention, 30 * 86400);
	ck_assert(c.wsus.discover);
	ck_assert_str_eq(c.wsus.log, log);
	ck_assert_str_eq(c.wsus.muurl, "https://sws.update.microsoft.com");
	ck_assert_ptr_null(c.wsus.upstream.host);
	ck_assert_int_eq(c.wsus.upstream.port, 8530);
	ck_assert(!c.wsus.upstream.ssl);
	ck_assert_int_eq(c.probes.microsoft_update, WW_AUTO);
	ck_assert_int_eq(c.probes.upstream, WW_AUTO);
	ck_assert_uint_eq(c.probes.extra_urls.n, 0);
	ck_assert_int_eq(c.probes.timeout, 30);
	ck_assert_ptr_null(c.proxy.url);
	ck_assert_ptr_null(c.proxy.ssl_url);
	ck_assert_ptr_null(c.proxy.user);
	ck_assert_ptr_null(c.proxy.password_env);
	ck_assert_ptr_null(c.proxy.password_credential);
	ck_assert_ptr_null(c.tls.cacert);
	ck_assert_str_eq(c.tls.min_version, "1.2");
	ck_assert_uint_eq(c.resolve.n, 0);
	ck_assert_int_eq(c.thresholds.sync_warning, 26 * 3600);
	ck_assert_int_eq(c.thresholds.sync_critical, 50 * 3600);
	ck_assert_int_eq(c.thresholds.probe_failures, 2);
	ck_assert_int_eq(c.thresholds.sync_failures, 3);
	ck_assert_int_eq(c.thresholds.cert_warning, 30 * 86400);
	ck_assert_int_eq(c.thresholds.clock_skew, 300);
	ck_assert(c.alerts.eventlog);
	ck_assert(c.alerts.syslog);
	ck_assert_int_eq(c.alerts.repeat, 86400);
	ck_assert_ptr_null(c.metrics.textfile);
	ck_assert_str_eq(c.control.pipe, "wsuswatch");
	ck_assert_ptr_null(c.control.socket);
	ck_assert_ptr_null(c.control.read_group);
	ww_config_release(&c);
	ww_config_release(&c); /* released twice is harmless */
	free(dir);
	free(db);
	free(log);
}
END_TEST

static const char full_yaml[] =
	"# a full configuration\n"
	"interval: 1h30m\n"
	"database: 'D:\\wsuswatch\\state.db'\n"
	"retention: 90d\n"
	"wsus:\n"
	"  discover: false\n"
	"  log: /srv/wsus/SoftwareDistribution.log\n"
	"  muurl: https://mu.example.test/\n"
	"  upstream: {host: wsus1.corp.example, port: 8531, ssl: true}\n"
	"probes:\n"
	"  microsoft_update: off\n"
	"  upstream: on\n"
	"  extra_urls:\n"
	"    - https://update.microsoft.com\n"
	"    - \"http://download.windowsupdate.com/x?a=\\\"b\\\"\"\n"
	"  timeout: 45s\n"
	"proxy:\n"
	"  url: http://proxy.corp.example:8080\n"
	"  ssl_url: https://sproxy.corp.example:8443\n"
	"  user: CORP\\svc-wsus\n"
	"  password_env: " SECRET_VAR "\n"
	"tls: {cacert: /etc/ssl/corp.pem, min_version: \"1.3\"}\n"
	"resolve: [\"sws.update.microsoft.com:443:10.0.0.5\", \"a.test:8531:[::1]\"]\n"
	"thresholds:\n"
	"  sync_warning: 12h\n"
	"  sync_critical: 2d\n"
	"  probe_failures: 5\n"
	"  sync_failures: 7\n"
	"  cert_warning: 0s\n"
	"  clock_skew: 90s\n"
	"alerts: {eventlog: false, syslog: false, repeat: 6h}\n"
	"metrics:\n"
	"  textfile: \"/var/lib/node_exporter/wsuswatch.prom\"\n"
	"control:\n"
	"  pipe: wsw-test\n"
	"  socket: /run/wsuswatch.sock\n"
	"  read_group: \"Überwacher\"\n";

START_TEST(load_full)
{
	struct ww_config c;
	struct ww_err err;

	init(&c);
	ck_assert_msg(load(&c, full_yaml, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(c.source, "t.yaml");
	ck_assert_int_eq(c.interval, 5400);
	ck_assert_str_eq(c.database, "D:\\wsuswatch\\state.db");
	ck_assert_int_eq(c.retention, 90 * 86400);
	ck_assert(!c.wsus.discover);
	ck_assert_str_eq(c.wsus.upstream.host, "wsus1.corp.example");
	ck_assert_int_eq(c.wsus.upstream.port, 8531);
	ck_assert(c.wsus.upstream.ssl);
	ck_assert_int_eq(c.probes.microsoft_update, WW_OFF);
	ck_assert_int_eq(c.probes.upstream, WW_ON);
	ck_assert_uint_eq(c.probes.extra_urls.n, 2);
	ck_assert_str_eq(c.probes.extra_urls.items[1],
			 "http://download.windowsupdate.com/x?a=\"b\"");
	ck_assert_str_eq(c.proxy.user, "CORP\\svc-wsus");
	ck_assert_str_eq(c.proxy.password_env, SECRET_VAR);
	ck_assert_str_eq(c.tls.min_version, "1.3");
	ck_assert_uint_eq(c.resolve.n, 2);
	ck_assert_str_eq(c.resolve.items[1], "a.test:8531:[::1]");
	ck_assert_int_eq(c.thresholds.sync_critical, 2 * 86400);
	ck_assert_int_eq(c.thresholds.sync_failures, 7);
	ck_assert_int_eq(c.thresholds.cert_warning, 0);
	ck_assert(!c.alerts.syslog);
	ck_assert_int_eq(c.alerts.repeat, 6 * 3600);
	ck_assert_str_eq(c.control.read_group, "Überwacher");
	ww_config_release(&c);
}
END_TEST

START_TEST(empty_is_defaults)
{
	static const char *const texts[] = {
		"", "\n\n", "# only a comment\n  # and another\n", "---\n",
		"--- # c\n...\n", "\xef\xbb\xbf# BOM first\n",
		"wsus:\nproxy: ~\n", "probes: {}\n"
	};
	size_t i;

	for (i = 0; i < WW_ARRAY_SIZE(texts); i++) {
		struct ww_config c;
		struct ww_err err;

		init(&c);
		ck_assert_msg(load(&c, texts[i], &err) == 0, "case %zu: %s", i,
			      err.msg);
		ck_assert_int_eq(c.interval, 300);
		ck_assert_str_eq(c.source, "t.yaml");
		ww_config_release(&c);
	}
}
END_TEST

struct bad_case {
	const char *yaml;
	const char *msg; /* the whole message, FILE:LINE:COL included */
};

static const struct bad_case bad_cases[] = {
	/* unknown keys, with and without a suggestion */
	{ "intervall: 5m\n",
	  "t.yaml:1:1: unknown key 'intervall' (did you mean 'interval'?)" },
	{ "interval: 5m\nthresholds:\n  sync_warn: 5h\n",
	  "t.yaml:3:3: unknown key 'thresholds.sync_warn' "
	  "(did you mean 'thresholds.sync_warning'?)" },
	{ "timeout: 10s\n",
	  "t.yaml:1:1: unknown key 'timeout' (did you mean 'probes.timeout'?)" },
	{ "thresholdz: {}\n",
	  "t.yaml:1:1: unknown key 'thresholdz' (did you mean 'thresholds'?)" },
	{ "colour: blue\n", "t.yaml:1:1: unknown key 'colour'" },
	{ "wsus:\n  upstream:\n    hots: x\n",
	  "t.yaml:3:5: unknown key 'wsus.upstream.hots' "
	  "(did you mean 'wsus.upstream.host'?)" },
	{ "thresholds.sync_warning: 5h\n",
	  "t.yaml:1:1: key 'thresholds.sync_warning' contains '.': "
	  "write sections as nested mappings" },
	/* wrong types and nesting the table does not have */
	{ "interval:\n  every: 5m\n",
	  "t.yaml:2:3: 'interval' expects a duration, not a mapping" },
	{ "interval: [5m]\n",
	  "t.yaml:1:11: 'interval' expects a duration, not a list" },
	{ "wsus:\n  upstream:\n    host:\n      deeper: 1\n",
	  "t.yaml:4:7: 'wsus.upstream.host' expects a string, not a mapping" },
	{ "wsus: 5\n",
	  "t.yaml:1:7: 'wsus' is a section: expected a mapping of its keys, "
	  "not a value" },
	{ "- interval\n",
	  "t.yaml:1:1: the configuration must be a mapping of keys "
	  "(key: value), not a list" },
	{ "resolve: [[a]]\n",
	  "t.yaml:1:11: 'resolve': list entries must be strings, not a list" },
	{ "resolve: a.test:443:1.2.3.4\n",
	  "t.yaml:1:10: 'resolve' expects a list (- item lines or [a, b]), "
	  "not a single value" },
	{ "? [a]\n: b\n", "t.yaml:1:3: expected a key name, not a list" },
	/* booleans are true/false only */
	{ "wsus:\n  discover: yes\n",
	  "t.yaml:2:13: 'wsus.discover' expects true or false, not 'yes'" },
	{ "alerts: {syslog: \"true\"}\n",
	  "t.yaml:1:18: 'alerts.syslog' expects true or false, not the quoted "
	  "string 'true'" },
	{ "probes: {upstream: maybe}\n",
	  "t.yaml:1:20: 'probes.upstream' expects auto, on or off, not 'maybe'" },
	/* durations and ranges */
	{ "interval: 5\n",
	  "t.yaml:1:11: 'interval': bad duration '5' (write a number with a "
	  "unit s, m, h or d, e.g. 5m or 1h30m)" },
	{ "probes:\n  timeout: 5 minutes\n",
	  "t.yaml:2:12: 'probes.timeout': bad duration '5 minutes' (write a "
	  "number with a unit s, m, h or d, e.g. 5m or 1h30m)" },
	{ "interval: 1s\n",
	  "t.yaml:1:11: 'interval': 1s is out of range (10s to 7d)" },
	{ "wsus:\n  upstream:\n    port: 70000\n",
	  "t.yaml:3:11: 'wsus.upstream.port': 70000 is out of range (1 to 65535)" },
	{ "thresholds: {probe_failures: two}\n",
	  "t.yaml:1:30: 'thresholds.probe_failures' expects an integer, not 'two'" },
	{ "thresholds: {probe_failures: 0}\n",
	  "t.yaml:1:30: 'thresholds.probe_failures': 0 is out of range (1 to 1000)" },
	{ "thresholds:\n  sync_warning: 3d\n  sync_critical: 2d\n",
	  "t.yaml:3:3: 'thresholds.sync_warning' must be shorter than "
	  "'thresholds.sync_critical'" },
	{ "tls: {min_version: 1.1}\n",
	  "t.yaml:1:20: 'tls.min_version' must be one of 1.2|1.3, not '1.1'" },
	{ "database: ~\n",
	  "t.yaml:1:11: 'database' must not be null (expected a string)" },
	/* duplicates */
	{ "interval: 5m\nretention: 30d\ninterval: 6m\n",
	  "t.yaml:3:1: duplicate key 'interval' (first set at line 1)" },
	{ "wsus: {discover: true}\nwsus:\n  log: x\n",
	  "t.yaml:2:1: duplicate section 'wsus'" },
	{ "alerts:\n  repeat: 1h\n  repeat: 2h\n",
	  "t.yaml:3:3: duplicate key 'alerts.repeat' (first set at line 2)" },
	/* secrets */
	{ "proxy:\n  user: u\n  password: hunter2\n",
	  "t.yaml:3:3: 'proxy.password': a clear-text password is not allowed "
	  "in the configuration; put it in an environment variable named by "
	  "password_env, or (Windows) a credential named by "
	  "password_credential" },
	{ "proxy: {password_env: A, password_credential: B}\n",
	  "t.yaml:1:26: set proxy.password_env or proxy.password_credential, "
	  "not both" },
	/* URLs and pins */
	{ "wsus:\n  muurl: ftp://mu.example\n",
	  "t.yaml:2:10: 'wsus.muurl': 'ftp://mu.example' is not a URL starting "
	  "with http:// or https://" },
	{ "proxy: {url: proxy.corp:8080}\n",
	  "t.yaml:1:14: 'proxy.url': 'proxy.corp:8080' is not a URL starting "
	  "with http:// or https://" },
	{ "probes:\n  extra_urls:\n    - https://ok.example\n    - example.com\n",
	  "t.yaml:4:7: 'probes.extra_urls': 'example.com' is not a URL starting "
	  "with http:// or https://" },
	{ "resolve: [\"host.test:443\"]\n",
	  "t.yaml:1:11: 'resolve': 'host.test:443' is not HOST:PORT:ADDR "
	  "(e.g. sws.update.microsoft.com:443:10.0.0.5)" },
	{ "resolve:\n  - h:0:1.2.3.4\n",
	  "t.yaml:2:5: 'resolve': 'h:0:1.2.3.4' is not HOST:PORT:ADDR "
	  "(e.g. sws.update.microsoft.com:443:10.0.0.5)" },
	{ "resolve: [\":443:1.2.3.4\"]\n",
	  "t.yaml:1:11: 'resolve': ':443:1.2.3.4' is not HOST:PORT:ADDR "
	  "(e.g. sws.update.microsoft.com:443:10.0.0.5)" },
	{ "resolve:\n  - ~\n", "t.yaml:2:5: 'resolve': empty list entry" },
	/* YAML features the table cannot mean */
	{ "interval: &i 5m\nretention: *i\n",
	  "t.yaml:2:12: aliases (*name) are not supported" },
	{ "interval: !!str 5m\n",
	  "t.yaml:1:11: YAML tags (tag:yaml.org,2002:str) are not supported" },
	{ "interval: 5m\n---\nretention: 30d\n",
	  "t.yaml:2:1: only one YAML document is allowed" },
	{ "database: \"a\\tb\"\n",
	  "t.yaml:1:11: control characters are not allowed in 'database'" },
	{ "database: \"a\\0b\"\n", "t.yaml:1:11: NUL character in value" },
	/* syntax errors: libyaml's problem at libyaml's mark */
	{ "interval: \"5m\n",
	  "t.yaml:2:1: YAML syntax error: found unexpected end of stream while "
	  "scanning a quoted scalar (started at line 1)" },
	{ "wsus:\n  discover: true\n log: x\n",
	  "t.yaml:3:2: YAML syntax error: did not find expected key while "
	  "parsing a block mapping (started at line 1)" },
	{ "interval: 5m\n\tretention: 30d\n",
	  "t.yaml:2:1: YAML syntax error: found a tab character that violates "
	  "indentation while scanning a plain scalar (started at line 1)" },
	{ "# ok\ninterval: \xff\n",
	  "t.yaml:2:11: invalid input: invalid leading UTF-8 octet" },
};

START_TEST(bad_case)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct ww_config c;
	struct ww_err err;
	int r;

	init(&c);
	ww_err_clear(&err);
	r = load(&c, bc->yaml, &err);
	ck_assert_msg(r == WW_ECONFIG, "case %d: r=%d (%s)", _i, r, err.msg);
	ck_assert_int_eq(err.code, WW_ECONFIG);
	ck_assert_msg(strcmp(err.msg, bc->msg) == 0,
		      "case %d:\n got  %s\n want %s", _i, err.msg, bc->msg);
	ck_assert_ptr_null(strstr(err.msg, "hunter2"));
	/* All or nothing: the defaults are still in place. */
	ck_assert_ptr_null(c.source);
	ck_assert_int_eq(c.interval, 300);
	ww_config_release(&c);
}
END_TEST

START_TEST(bounds)
{
	struct ww_config c;
	struct ww_err err;
	size_t big = WW_CONFIG_MAX_FILE + 1, deep = 100000, i;
	char *text = malloc(big + 1);

	ck_assert_ptr_nonnull(text);
	init(&c);
	/* Over 1 MiB: refused before parsing. */
	memset(text, '#', big);
	text[big] = '\0';
	ck_assert_int_eq(ww_config_load_string(&c, "big.yaml", text, big, &err),
			 WW_ECONFIG);
	ck_assert_str_eq(err.msg, "big.yaml: larger than 1048576 bytes");
	/* Exactly 1 MiB of comments is fine. */
	ck_assert_int_eq(ww_config_load_string(&c, "max.yaml", text, big - 1, &err),
			 0);
	/* Deep nesting stops at the first level the table does not have. */
	for (i = 0; i < deep; i++)
		text[i] = '[';
	ck_assert_int_eq(ww_config_load_string(&c, "deep.yaml", text, deep, &err),
			 WW_ECONFIG);
	ck_assert_str_eq(err.msg, "deep.yaml:1:1: the configuration must be a "
			 "mapping of keys (key: value), not a list");
	memcpy(text, "wsus: {upstream: {host: {a: {b: [[[[", 36);
	ck_assert_int_eq(ww_config_load_string(&c, "deep.yaml", text, deep, &err),
			 WW_ECONFIG);
	ck_assert_str_eq(err.msg, "deep.yaml:1:25: 'wsus.upstream.host' expects "
			 "a string, not a mapping");
	/* One value is at most 4096 bytes. */
	memcpy(text, "database: ", 10);
	memset(text + 10, 'x', WW_CONFIG_MAX_SCALAR + 1);
	text[10 + WW_CONFIG_MAX_SCALAR + 1] = '\0';
	ck_assert_int_eq(load(&c, text, &err), WW_ECONFIG);
	ck_assert_str_eq(err.msg, "t.yaml:1:11: value longer than 4096 bytes");
	text[10 + WW_CONFIG_MAX_SCALAR] = '\0';
	ck_assert_msg(load(&c, text, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(strlen(c.database), WW_CONFIG_MAX_SCALAR);
	ww_config_release(&c);
	free(text);
}
END_TEST

START_TEST(list_limit)
{
	struct ww_buf b;
	struct ww_config c;
	struct ww_err err;
	int i;

	ww_buf_init(&b, 1 << 20);
	ck_assert_int_eq(ww_buf_appends(&b, "resolve:\n"), 0);
	for (i = 0; i < WW_CONFIG_MAX_LIST; i++)
		ck_assert_int_eq(ww_buf_appendf(&b, "  - h%d.test:443:10.0.0.1\n", i), 0);
	init(&c);
	ck_assert_msg(load(&c, b.data, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(c.resolve.n, WW_CONFIG_MAX_LIST);
	ck_assert_int_eq(ww_buf_appends(&b, "  - one.more:443:10.0.0.1\n"), 0);
	ck_assert_int_eq(load(&c, b.data, &err), WW_ECONFIG);
	ck_assert_str_eq(err.msg, "t.yaml:258:5: 'resolve' has more than 256 entries");
	ck_assert_uint_eq(c.resolve.n, WW_CONFIG_MAX_LIST); /* untouched */
	ww_config_release(&c);
	ww_buf_release(&b);
}
END_TEST

START_TEST(all_or_nothing)
{
	struct ww_config c;
	struct ww_err err;

	init(&c);
	ck_assert_int_eq(load(&c, "interval: 10m\nresolve: [a:1:b]\n", &err), 0);
	ck_assert_int_eq(c.interval, 600);
	/* Valid keys before the error must not leak into c. */
	ck_assert_int_eq(ww_config_load_string(&c, "second.yaml",
		"interval: 20m\nresolve: [c:2:d]\nretention: 2d\nbogus: 1\n",
		strlen("interval: 20m\nresolve: [c:2:d]\nretention: 2d\nbogus: 1\n"),
		&err), WW_ECONFIG);
	ck_assert_int_eq(c.interval, 600);
	ck_assert_int_eq(c.retention, 30 * 86400);
	ck_assert_uint_eq(c.resolve.n, 1);
	ck_assert_str_eq(c.resolve.items[0], "a:1:b");
	ck_assert_str_eq(c.source, "t.yaml");
	/* A successful load replaces everything, back to defaults first. */
	ck_assert_int_eq(load(&c, "retention: 2d\n", &err), 0);
	ck_assert_int_eq(c.interval, 300);
	ck_assert_int_eq(c.retention, 2 * 86400);
	ck_assert_uint_eq(c.resolve.n, 0);
	ww_config_release(&c);
}
END_TEST

/* Compare every field the table describes. */
static void assert_same(const struct ww_config *a, const struct ww_config *b)
{
	size_t i, j;

	for (i = 0; i < ww_config_nkeys; i++) {
		const struct ww_config_key *k = &ww_config_keys[i];
		const char *pa = (const char *)a + k->offset;
		const char *pb = (const char *)b + k->offset;

		switch (k->type) {
		case WW_CFG_STRING:
		case WW_CFG_URL: {
			const char *sa = *(char *const *)pa, *sb = *(char *const *)pb;

			ck_assert_msg((!sa && !sb) || (sa && sb && !strcmp(sa, sb)),
				      "%s: '%s' vs '%s'", k->name, sa ? sa : "null",
				      sb ? sb : "null");
			break;
		}
		case WW_CFG_BOOL:
			ck_assert_msg(*(const bool *)pa == *(const bool *)pb, "%s",
				      k->name);
			break;
		case WW_CFG_INT:
		case WW_CFG_DURATION:
			ck_assert_msg(*(const int64_t *)pa == *(const int64_t *)pb,
				      "%s", k->name);
			break;
		case WW_CFG_TRISTATE:
			ck_assert_msg(*(const enum ww_tristate *)pa ==
				      *(const enum ww_tristate *)pb, "%s", k->name);
			break;
		case WW_CFG_STRLIST: {
			const struct ww_strlist *la = (const void *)pa;
			const struct ww_strlist *lb = (const void *)pb;

			ck_assert_msg(la->n == lb->n, "%s", k->name);
			for (j = 0; j < la->n; j++)
				ck_assert_str_eq(la->items[j], lb->items[j]);
			break;
		}
		}
	}
}

static void roundtrip(const char *text)
{
	struct ww_config a, b;
	struct ww_buf out;
	struct ww_err err;

	init(&a);
	init(&b);
	ck_assert_msg(load(&a, text, &err) == 0, "%s", err.msg);
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&a, &out), 0);
	ck_assert_msg(ww_config_load_string(&b, "show.yaml", out.data, out.len,
					    &err) == 0, "%s\n%s", err.msg, out.data);
	assert_same(&a, &b);
	ww_buf_release(&out);
	ww_config_release(&a);
	ww_config_release(&b);
}

START_TEST(show_roundtrip)
{
	struct ww_config c;
	struct ww_buf out;
	struct ww_err err;

	init(&c);
	roundtrip("");
	roundtrip(full_yaml);
	ck_assert_int_eq(ww_config_load_string(&c, "evil\ninterval: 1h.yaml",
						"retention: 2d\n", 13, &err), 0);
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&c, &out), 0);
	ck_assert(ww_str_starts_with(out.data, "# wsuswatch effective "
				     "configuration (evil?interval: 1h.yaml)\n"));
	ck_assert_int_eq(ww_config_load_string(&c, "show.yaml", out.data, out.len,
					       &err), 0);
	ck_assert_int_eq(c.interval, 300);
	ck_assert_int_eq(c.retention, 2 * 86400);
	ww_buf_release(&out);
	ww_config_release(&c);
	roundtrip("database: \"quote\\\" back\\\\slash: colon # hash é\"\n"
		  "proxy: {password_credential: wsuswatch/proxy}\n");
}
END_TEST

START_TEST(show_every_key)
{
	struct ww_config c;
	struct ww_buf out;
	size_t i;

	init(&c);
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&c, &out), 0);
	for (i = 0; i < ww_config_nkeys; i++)
		ck_assert_msg(text_has_key(out.data, ww_config_keys[i].name),
			      "%s missing from show", ww_config_keys[i].name);
	ck_assert(ww_str_starts_with(out.data, "# wsuswatch effective "
				     "configuration (built-in defaults)\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\n  upstream:\n    host: null"));
	ck_assert_ptr_nonnull(strstr(out.data, "\ninterval: 5m  # "));
	ww_buf_release(&out);
	ww_config_release(&c);
}
END_TEST

START_TEST(password_from_env)
{
	struct ww_config c;
	struct ww_buf out;
	struct ww_err err;
	char *pw = NULL, *env = ww_os_getenv(SECRET_VAR);

	ck_assert_msg(env != NULL, SECRET_VAR " is not set: run through ctest");
	ck_assert_str_eq(env, SECRET_VALUE);
	free(env);
	init(&c);
	ck_assert_int_eq(ww_config_proxy_password(&c, NULL, &pw, &err), 0);
	ck_assert_ptr_null(pw); /* none configured */
	ck_assert_int_eq(load(&c, full_yaml, &err), 0);
	ck_assert_msg(ww_config_proxy_password(&c, NULL, &pw, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(pw, SECRET_VALUE);
	ww_os_secret_free(pw);
	/* show names the variable, never the secret. */
	ww_buf_init(&out, 1 << 20);
	ck_assert_int_eq(ww_config_show(&c, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "password_env: \"" SECRET_VAR "\""));
	ck_assert_ptr_null(strstr(out.data, SECRET_VALUE));
	ww_buf_release(&out);
	ww_config_release(&c);
}
END_TEST

START_TEST(password_missing)
{
	struct ww_config c;
	struct ww_err err;
	char dummy[] = "x";
	char *pw = dummy;

	init(&c);
	ck_assert_int_eq(load(&c, "proxy: {password_env: WW_TEST_SURELY_UNSET_VAR}\n",
			      &err), 0);
	ck_assert_int_eq(ww_config_proxy_password(&c, NULL, &pw, &err), WW_ENOENT);
	ck_assert_ptr_null(pw);
	ck_assert_str_eq(err.msg, "proxy password: environment variable "
			 "'WW_TEST_SURELY_UNSET_VAR' (proxy.password_env) is not "
			 "set or empty");
	ww_config_release(&c);
}
END_TEST

START_TEST(suggest)
{
	char buf[72];

	ck_assert(ww_config_suggest("intervall", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "interval");
	ck_assert(ww_config_suggest("proxy.passwd_env", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "proxy.password_env");
	ck_assert(ww_config_suggest("alerts.eventlogs", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "alerts.eventlog");
	ck_assert(!ww_config_suggest("zzzz", buf, sizeof(buf)));
	ck_assert(!ww_config_suggest("completely.unrelated.name", buf, sizeof(buf)));
}
END_TEST

START_TEST(table_sane)
{
	size_t i, j;

	for (i = 0; i < ww_config_nkeys; i++) {
		const struct ww_config_key *k = &ww_config_keys[i];

		ck_assert_msg(k->doc && *k->doc, "%s has no doc", k->name);
		ck_assert_msg(k->min <= k->max, "%s", k->name);
		ck_assert_msg(k->offset < sizeof(struct ww_config), "%s", k->name);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(k->name, ww_config_keys[j].name) != 0,
				      "%s twice", k->name);
	}
}
END_TEST

START_TEST(load_file)
{
	char *dir = ww_test_tmpdir("config");
	char *good = ww_os_path_join(dir, "good.yaml");
	char *bad = ww_os_path_join(dir, "bad.yaml");
	char *missing = ww_os_path_join(dir, "missing.yaml");
	char want[600];
	struct ww_config c;
	struct ww_err err;

	ww_test_write_file(good, "interval: 2m\n", 13);
	ww_test_write_file(bad, "\n\n   retention: 5\n", 18);
	init(&c);
	ck_assert_msg(ww_config_load_file(&c, good, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(c.interval, 120);
	ck_assert_str_eq(c.source, good);
	ck_assert_int_eq(ww_config_load_file(&c, bad, &err), WW_ECONFIG);
	snprintf(want, sizeof(want), "%s:3:15: 'retention': bad duration '5' "
		 "(write a number with a unit s, m, h or d, e.g. 5m or 1h30m)", bad);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(ww_config_load_file(&c, missing, &err), WW_ENOENT);
	ck_assert(ww_str_starts_with(err.msg, missing));
	ck_assert_int_eq(ww_config_load_file(&c, dir, &err), WW_EIO);
	ck_assert_int_eq(c.interval, 120);
	ck_assert_str_eq(c.source, good);
	ww_config_release(&c);
	remove(good);
	remove(bad);
	remove(dir);
	free(good);
	free(bad);
	free(missing);
	free(dir);
}
END_TEST

START_TEST(example_file)
{
	char *path = ww_test_path("../config/wsuswatch.example.yaml");
	char *text = ww_test_read_file(path, NULL);
	struct ww_config c;
	struct ww_err err;
	size_t i;

	ck_assert_ptr_nonnull(text);
	init(&c);
	ck_assert_msg(ww_config_load_file(&c, path, &err) == 0, "%s", err.msg);
	/* Every key is documented there, set or commented out. */
	for (i = 0; i < ww_config_nkeys; i++)
		ck_assert_msg(text_has_key(text, ww_config_keys[i].name),
			      "%s is not in wsuswatch.example.yaml",
			      ww_config_keys[i].name);
	/* The walk itself must not accept what is not there. */
	ck_assert(!text_has_key(text, "thresholds.interval"));
	ck_assert(!text_has_key(text, "proxy.password"));
	ww_config_release(&c);
	free(text);
	free(path);
}
END_TEST

START_TEST(explicit_keys_tracked)
{
	struct ww_config c;
	struct ww_err err;
	static const char good[] = "interval: 10m\nwsus:\n  upstream:\n"
				   "    host: null\nproxy:\n  url: null\n";
	static const char bad[] = "retention: 2d\nwsus:\n  muurl: nope\n";

	init(&c);
	ck_assert_int_eq(ww_config_origin_of(&c, "interval"), WW_ORIGIN_DEFAULT);
	ck_assert_int_eq(load(&c, good, &err), 0);
	ck_assert_int_eq(ww_config_origin_of(&c, "interval"), WW_ORIGIN_FILE);
	/* null written in the file is explicit too. */
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.host"),
			 WW_ORIGIN_FILE);
	ck_assert_int_eq(ww_config_origin_of(&c, "proxy.url"), WW_ORIGIN_FILE);
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.muurl"),
			 WW_ORIGIN_DEFAULT);
	ck_assert_int_eq(ww_config_origin_of(&c, "retention"), WW_ORIGIN_DEFAULT);
	/* All or nothing: a rejected file leaves values and origins alone. */
	ck_assert_int_eq(load(&c, bad, &err), WW_ECONFIG);
	ck_assert_int_eq(ww_config_origin_of(&c, "retention"), WW_ORIGIN_DEFAULT);
	ck_assert_int_eq(ww_config_origin_of(&c, "interval"), WW_ORIGIN_FILE);
	ck_assert_int_eq(c.interval, 600);
	/* A new file replaces the origins of the old one. */
	ck_assert_int_eq(load(&c, "retention: 2d\n", &err), 0);
	ck_assert_int_eq(ww_config_origin_of(&c, "interval"), WW_ORIGIN_DEFAULT);
	ck_assert_int_eq(ww_config_origin_of(&c, "retention"), WW_ORIGIN_FILE);
	ww_config_release(&c);
}
END_TEST

START_TEST(set_validates_like_the_loader)
{
	struct ww_config c;
	struct ww_err err;

	init(&c);
	ck_assert_int_eq(ww_config_set(&c, "wsus.upstream.port", "70000",
				       WW_ORIGIN_DISCOVERED, "x", &err),
			 WW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "wsus.upstream.port"));
	ck_assert_int_eq(c.wsus.upstream.port, 8530);
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.port"),
			 WW_ORIGIN_DEFAULT);
	ck_assert_int_eq(ww_config_set(&c, "wsus.muurl", NULL,
				       WW_ORIGIN_DISCOVERED, "x", &err),
			 WW_ECONFIG);
	ck_assert_int_eq(ww_config_set(&c, "wsus.upstream.host", "null",
				       WW_ORIGIN_DISCOVERED, "x", &err),
			 WW_ECONFIG);
	ck_assert_int_eq(ww_config_set(&c, "wsus.upstream.ssl", "true",
				       WW_ORIGIN_DISCOVERED, "src", &err), 0);
	ck_assert(c.wsus.upstream.ssl);
	ck_assert_int_eq(ww_config_origin_of(&c, "wsus.upstream.ssl"),
			 WW_ORIGIN_DISCOVERED);
	ww_config_release(&c);
}
END_TEST

Suite *ww_test_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, load_full);
	tcase_add_test(tc, empty_is_defaults);
	tcase_add_loop_test(tc, bad_case, 0, (int)WW_ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, list_limit);
	tcase_add_test(tc, all_or_nothing);
	tcase_add_test(tc, show_roundtrip);
	tcase_add_test(tc, show_every_key);
	tcase_add_test(tc, password_from_env);
	tcase_add_test(tc, password_missing);
	tcase_add_test(tc, suggest);
	tcase_add_test(tc, table_sane);
	tcase_add_test(tc, load_file);
	tcase_add_test(tc, example_file);
	tcase_add_test(tc, explicit_keys_tracked);
	tcase_add_test(tc, set_validates_like_the_loader);
	suite_add_tcase(s, tc);
	return s;
}
